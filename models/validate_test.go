package models

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func validTalent() TalentInput {
	yes := true
	return TalentInput{
		Name:            "李明",
		Headline:        "资深原画师 / Senior concept artist",
		Bio:             "十年游戏原画经验。\nTen years of game concept art.",
		Skills:          []string{"原画", "角色设计"},
		Tools:           []string{"Photoshop", "Blender"},
		Industries:      []string{"games", "animation"},
		District:        "nanshan",
		Origin:          OriginDomestic,
		YearsExperience: 10,
		Level:           LevelB,
		Available:       &yes,
		Visibility:      VisibilityPublic,
		Contact:         ContactInput{Email: "ming@example.com", Phone: "13812345678"},
		Works:           []WorkInput{{Title: "山海", URL: "https://example.com/w/1", Year: 2024, Tags: []string{"原画"}}},
		Languages:       []string{"zh", "en"},
	}
}

func TestValidateTalentInput(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*TalentInput)
		want   map[string]string // field → substring of the message; nil means valid
	}{
		{"valid", func(*TalentInput) {}, nil},
		{"minimal", func(in *TalentInput) { *in = TalentInput{Name: "A"} }, nil},
		{"missing name", func(in *TalentInput) { in.Name = "" }, map[string]string{"name": "required"}},
		{"name too long", func(in *TalentInput) { in.Name = strings.Repeat("名", 101) }, map[string]string{"name": "at most 100 characters"}},
		{"name 100 Chinese characters", func(in *TalentInput) { in.Name = strings.Repeat("名", 100) }, nil},
		{"name with newline", func(in *TalentInput) { in.Name = "a\nb" }, map[string]string{"name": "single line"}},
		{"name with RTL override", func(in *TalentInput) { in.Name = "abc\u202Egpj.exe" }, map[string]string{"name": "bidirectional"}},
		{"name with zero-width space", func(in *TalentInput) { in.Name = "ad\u200Bmin" }, map[string]string{"name": "zero-width"}},
		{"bio may hold newlines", func(in *TalentInput) { in.Bio = "a\n\tb" }, nil},
		{"bio with NUL", func(in *TalentInput) { in.Bio = "a\x00b" }, map[string]string{"bio": "visible text"}},
		{"bad email", func(in *TalentInput) { in.Contact.Email = "not-an-email" }, map[string]string{"contact.email": "valid email"}},
		{"bad phone", func(in *TalentInput) { in.Contact.Phone = "12345" }, map[string]string{"contact.phone": "mobile number"}},
		{"international phone", func(in *TalentInput) { in.Contact.Phone = "+85291234567" }, nil},
		{"unknown district", func(in *TalentInput) { in.District = "gotham" }, map[string]string{"district": "district key"}},
		{"unknown industry", func(in *TalentInput) { in.Industries = []string{"games", "mining"} }, map[string]string{"industries[1]": "industry key"}},
		{"bad origin", func(in *TalentInput) { in.Origin = "mars" }, map[string]string{"origin": "one of: overseas, domestic"}},
		{"bad level", func(in *TalentInput) { in.Level = "S" }, map[string]string{"level": "one of: A, B, C"}},
		{"bad visibility", func(in *TalentInput) { in.Visibility = "everyone" }, map[string]string{"visibility": "one of"}},
		{"negative years", func(in *TalentInput) { in.YearsExperience = -1 }, map[string]string{"years_experience": "at least 0"}},
		{"too many skills", func(in *TalentInput) { in.Skills = make([]string, 51) }, map[string]string{"skills": "at most 50 items"}},
		{"empty skill", func(in *TalentInput) { in.Skills = []string{"原画", ""} }, map[string]string{"skills[1]": "required"}},
		{"duplicate skill", func(in *TalentInput) { in.Skills = []string{"原画", "原画"} }, map[string]string{"skills": "repeat"}},
		{"work without title", func(in *TalentInput) { in.Works[0].Title = "" }, map[string]string{"works[0].title": "required"}},
		{"work with javascript url", func(in *TalentInput) { in.Works[0].URL = "javascript:alert(1)" }, map[string]string{"works[0].url": "http or https"}},
		{"work year", func(in *TalentInput) { in.Works[0].Year = 1900 }, map[string]string{"works[0].year": "at least 1950"}},
		{"bad language", func(in *TalentInput) { in.Languages = []string{"Chinese!"} }, map[string]string{"languages[0]": "language tag"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validTalent()
			tt.modify(&in)
			err := Validate(in)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("want valid, got %v (fields %v)", err, ErrorFields(err))
				}
				return
			}
			if ErrorCode(err) != CodeValidation {
				t.Fatalf("want %s, got %v", CodeValidation, err)
			}
			got := ErrorFields(err)
			for field, sub := range tt.want {
				if !strings.Contains(got[field], sub) {
					t.Errorf("field %q: message %q does not contain %q (all: %v)", field, got[field], sub, got)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("fields = %v, want only %v", got, slicesOfKeys(tt.want))
			}
		})
	}
}

func slicesOfKeys(m map[string]string) []string {
	var out []string
	for k := range maps.Keys(m) {
		out = append(out, k)
	}
	return out
}

func TestValidateRegisterInput(t *testing.T) {
	ok := RegisterInput{Email: "a@example.com", Password: "correct horse", Name: "A", Role: RoleCreator}
	tests := []struct {
		name   string
		modify func(*RegisterInput)
		field  string
	}{
		{"valid", func(*RegisterInput) {}, ""},
		{"org", func(in *RegisterInput) { in.Role = RoleOrg }, ""},
		{"bureau is not for registration", func(in *RegisterInput) { in.Role = RoleBureau }, "role"},
		{"admin is not for registration", func(in *RegisterInput) { in.Role = RoleAdmin }, "role"},
		{"short password", func(in *RegisterInput) { in.Password = "short" }, "password"},
		{"huge password", func(in *RegisterInput) { in.Password = strings.Repeat("x", 257) }, "password"},
		{"bad email", func(in *RegisterInput) { in.Email = "a@" }, "email"},
		{"no name", func(in *RegisterInput) { in.Name = "" }, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.modify(&in)
			err := Validate(in)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", ErrorFields(err))
				}
				return
			}
			if _, has := ErrorFields(err)[tt.field]; !has {
				t.Fatalf("want an error on %q, got %v", tt.field, err)
			}
		})
	}
}

func TestTalentNormalizeAndUpdate(t *testing.T) {
	in := TalentInput{
		Name:    "  李明 ",
		Skills:  []string{" 原画", "UE5", "ue5", "", "原画 "},
		Contact: ContactInput{Email: " Ming@Example.COM ", Phone: "138-1234 5678"},
	}
	in.Normalize()
	if in.Name != "李明" || len(in.Skills) != 2 || in.Skills[0] != "原画" || in.Skills[1] != "UE5" {
		t.Fatalf("normalised = %+v", in)
	}
	if in.Contact.Email != "ming@example.com" || in.Contact.Phone != "13812345678" {
		t.Fatalf("contact = %+v", in.Contact)
	}
	tal := NewTalent("000000000000000000000001", in)
	if !tal.Available || tal.Visibility != VisibilityOrgs {
		t.Fatalf("defaults: available=%v visibility=%q", tal.Available, tal.Visibility)
	}

	headline := "动画师"
	no := false
	up := TalentUpdate{Headline: &headline, Available: &no, Skills: &[]string{"动画"}}
	next := up.Apply(tal.Input())
	if next.Name != "李明" || next.Headline != "动画师" || *next.Available || len(next.Skills) != 1 {
		t.Fatalf("applied = %+v", next)
	}
	if len(tal.Skills) != 2 {
		t.Fatalf("Apply changed the original profile: %v", tal.Skills)
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	internal := Internal("store.Get", errSentinel("connection refused to 10.0.0.5"))
	if ErrorCode(internal) != CodeInternal || strings.Contains(ErrorMessage(internal), "10.0.0.5") {
		t.Fatalf("internal error leaks: %q", ErrorMessage(internal))
	}
	nf := Errorf(CodeNotFound, "talent %s not found", "x")
	if ErrorCode(nf) != CodeNotFound || ErrorMessage(nf) != "talent x not found" {
		t.Fatalf("got %s %q", ErrorCode(nf), ErrorMessage(nf))
	}
	if ErrorCode(nil) != "" {
		t.Fatal("nil has a code")
	}
	if ErrorCode(errSentinel("plain")) != CodeInternal {
		t.Fatal("plain errors must be internal")
	}
}

type errSentinel string

func (e errSentinel) Error() string { return string(e) }

// TestRequiredWithoutNamesTheJSONField: a field required unless another is
// given names the other by its JSON name, in the message and the rule's
// parameter, never by the Go field name a client never sees.
func TestRequiredWithoutNamesTheJSONField(t *testing.T) {
	var e *Error
	if !errors.As(Validate(RecruitmentInput{}), &e) {
		t.Fatal("an empty report is not refused")
	}
	for _, f := range []string{"talent_id", "date", "origin"} {
		if got := e.Fields[f]; got != "is required unless application_id is given" {
			t.Errorf("%s: message %q", f, got)
		}
		if got := e.Rules[f]; got != (FieldRule{RuleRequiredWithout, "application_id"}) {
			t.Errorf("%s: rule %+v", f, got)
		}
	}
}

func TestSnakeNamesGoFieldsAsJSONDoes(t *testing.T) {
	for in, want := range map[string]string{"PayMin": "pay_min", "From": "from", "ApplicationID": "application_id",
		"UserID": "user_id", "URLPath": "url_path", "Email": "email", "ID": "id", "Top10Skills": "top10_skills"} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
}
