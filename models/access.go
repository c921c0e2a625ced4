package models

import (
	"strings"
	"unicode/utf8"
)

// ValidID reports whether id has the form of every talenthub ID: the
// 24 lower-case hex digits of a MongoDB ObjectID.
func ValidID(id string) bool { return lowerHex(id, 24) }

// lowerHex reports whether s is n lower-case hexadecimal digits.
func lowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// CanViewTalent reports whether viewer (nil when anonymous) may see the
// profile t at all: its owner always; a public profile, anyone; one for
// "organisations only", those SeesOrgsProfiles allows; a private one,
// admins (who moderate).
func CanViewTalent(viewer *User, t *Talent) bool {
	if viewer != nil && viewer.ID == t.OwnerID {
		return true
	}
	switch t.Visibility {
	case VisibilityPublic:
		return true
	case VisibilityOrgs:
		return SeesOrgsProfiles(viewer)
	default:
		return viewer.Is(RoleAdmin)
	}
}

// SeesOrgsProfiles reports whether viewer sees the profiles whose owners
// chose "organisations only": members of a verified organisation, the
// bureau and admins. Anyone may sign up as an organisation and register
// one, so an organisation account without a verified organisation (none
// yet, pending, rejected) sees public profiles only.
func SeesOrgsProfiles(viewer *User) bool {
	return viewer.InVerifiedOrg() || viewer.Is(RoleBureau, RoleAdmin)
}

// VisibilitiesFor are the visibilities of the profiles viewer may find in
// a search or a list of other people's profiles (never private ones).
func VisibilitiesFor(viewer *User) []Visibility {
	if SeesOrgsProfiles(viewer) {
		return []Visibility{VisibilityPublic, VisibilityOrgs}
	}
	return []Visibility{VisibilityPublic}
}

// CanSeeContact reports whether viewer may see the unmasked contact details
// of t: its owner, a bureau officer, or an organisation member whose
// organisation the creator accepted (accepted is decided by the caller from
// the consent records).
func CanSeeContact(viewer *User, t *Talent, accepted bool) bool {
	switch {
	case viewer == nil:
		return false
	case viewer.ID == t.OwnerID, viewer.Role == RoleBureau:
		return true
	case viewer.Role == RoleOrg:
		return accepted
	}
	return false
}

// ForViewer returns a copy of t as viewer may see it, with the contact
// masked unless CanSeeContact. The second result is false when viewer may
// not see t at all.
func (t *Talent) ForViewer(viewer *User, accepted bool) (*Talent, bool) {
	if !CanViewTalent(viewer, t) {
		return nil, false
	}
	c := *t
	if !CanSeeContact(viewer, t, accepted) {
		c.Contact = MaskContact(t.Contact)
		c.ContactMasked = true
	}
	return &c, true
}

// MaskContact masks both contact fields.
func MaskContact(c Contact) Contact {
	return Contact{Email: MaskEmail(c.Email), Phone: MaskPhone(c.Phone)}
}

// MaskPhone keeps the first three and last four digits of a number and
// replaces the rest with asterisks: 13812345678 → 138****5678. A leading +
// and country code are kept as digits like the rest. Numbers too short to
// keep seven digits show only their last two.
func MaskPhone(p string) string {
	if p == "" {
		return ""
	}
	prefix := ""
	if strings.HasPrefix(p, "+") {
		prefix, p = "+", p[1:]
	}
	// By characters, not bytes: a number stored with full-width digits
	// must not be cut inside one (found by FuzzMaskContact).
	r := []rune(p)
	n := len(r)
	if n <= 7 {
		if n <= 2 {
			return prefix + strings.Repeat("*", n)
		}
		return prefix + strings.Repeat("*", n-2) + string(r[n-2:])
	}
	return prefix + string(r[:3]) + strings.Repeat("*", n-7) + string(r[n-4:])
}

// MaskEmail keeps the first character of the local part and the domain:
// ming@example.com → m***@example.com. The number of asterisks is fixed so
// the length of the name is not revealed.
func MaskEmail(e string) string {
	if e == "" {
		return ""
	}
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" {
		return "***"
	}
	r, _ := utf8.DecodeRuneInString(local)
	return string(r) + "***@" + domain
}
