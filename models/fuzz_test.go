package models

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMaskContact: masking never panics, keeps valid text valid, and never
// shows what it hides: the middle digits of a phone number, the local part
// of an email beyond its first character.
func FuzzMaskContact(f *testing.F) {
	for _, s := range [][2]string{{"13812345678", "ming@example.com"}, {"+8613812345678", "a@b"}, {"", ""}, {"12", "@x"},
		{"１３８１２３４５６７８", "明明@例子.中国"}, {"138-1234-5678", "no-at-sign"}, {"+", "@"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, phone, email string) {
		m := MaskContact(Contact{Phone: phone, Email: email})
		if utf8.ValidString(phone) && !utf8.ValidString(m.Phone) {
			t.Fatalf("MaskPhone(%q) = %q: not valid UTF-8", phone, m.Phone)
		}
		if utf8.ValidString(email) && !utf8.ValidString(m.Email) {
			t.Fatalf("MaskEmail(%q) = %q: not valid UTF-8", email, m.Email)
		}
		if (phone == "") != (m.Phone == "") || (email == "") != (m.Email == "") {
			t.Fatalf("empty in, non-empty out or the reverse: %q→%q, %q→%q", phone, m.Phone, email, m.Email)
		}
		// The hidden middle of a phone number: every rune but the first
		// three and the last four (after a leading +).
		digits := []rune(strings.TrimPrefix(phone, "+"))
		masked := []rune(strings.TrimPrefix(m.Phone, "+"))
		if utf8.ValidString(phone) && len(digits) > 7 {
			if len(masked) != len(digits) {
				t.Fatalf("MaskPhone(%q) = %q: not one mark per hidden character", phone, m.Phone)
			}
			for i := 3; i < len(digits)-4; i++ {
				if masked[i] != '*' {
					t.Fatalf("MaskPhone(%q) = %q shows character %d", phone, m.Phone, i)
				}
			}
		}
		// An email shows its first character and its domain, nothing of the
		// rest of the local part, nor its length.
		local, domain, ok := strings.Cut(email, "@")
		want := "***"
		if ok && local != "" {
			first, _ := utf8.DecodeRuneInString(local)
			want = string(first) + "***@" + domain
		}
		if email != "" && m.Email != want {
			t.Fatalf("MaskEmail(%q) = %q, want %q", email, m.Email, want)
		}
	})
}

// FuzzStageMachine: any sequence of moves, by either side, to any stage
// (known or not): no panic; a refused move is CodeConflict; nothing leaves
// a terminal stage; only the organisation hires, and only from an offer;
// a creator only withdraws.
func FuzzStageMachine(f *testing.F) {
	f.Add(false, []byte{0, 2, 3, 4, 5})
	f.Add(true, []byte{1, 7, 0, 6})
	f.Add(false, []byte{255, 9, 128})
	stages := []Stage{StageApplied, StageInvited, StageShortlisted, StageInterviewing, StageOffered, StageHired, StageRejected, StageWithdrawn, "", "bogus"}
	f.Fuzz(func(t *testing.T, invited bool, moves []byte) {
		at := StageApplied
		if invited {
			at = StageInvited
		}
		for _, b := range moves {
			side := SideOrg
			if b&0x80 != 0 {
				side = SideCreator
			}
			to := stages[int(b&0x7f)%len(stages)]
			err := CheckMove(side, at, to)
			if err != nil {
				if ErrorCode(err) != CodeConflict {
					t.Fatalf("%s %s→%s: %v, want a conflict", side, at, to, err)
				}
				continue
			}
			switch {
			case at.Terminal():
				t.Fatalf("%s moved %s→%s out of a terminal stage", side, at, to)
			case to == StageHired && (side != SideOrg || at != StageOffered):
				t.Fatalf("%s hired from %s", side, at)
			case side == SideCreator && to != StageWithdrawn:
				t.Fatalf("the creator moved %s→%s", at, to)
			case !knownStage(stages[:8], to):
				t.Fatalf("moved to the unknown stage %q", to)
			}
			at = to
		}
	})
}

func knownStage(xs []Stage, s Stage) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
