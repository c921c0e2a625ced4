package models

import (
	"fmt"
	"strings"
	"time"
)

// DateLayout is how dates travel and are stored: YYYY-MM-DD. Stored as
// text, dates sort correctly and carry no time zone to get wrong.
const DateLayout = "2006-01-02"

// ParseDate parses a YYYY-MM-DD date.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil || t.Format(DateLayout) != s {
		return time.Time{}, fmt.Errorf("%q is not a date like 2025-03-01", s)
	}
	return t, nil
}

// DateYear returns the calendar year of a valid YYYY-MM-DD date, 0 if it is
// not one.
func DateYear(s string) int {
	t, err := ParseDate(s)
	if err != nil {
		return 0
	}
	return t.Year()
}

// ChinaTime is Shenzhen's time zone (UTC+8, no daylight saving): the day a
// date names is a day there.
var ChinaTime = time.FixedZone("CST", 8*60*60)

// Today returns the date of now in Shenzhen.
func Today(now time.Time) string { return now.In(ChinaTime).Format(DateLayout) }

// Status is the verification state of an organisation, a base or a
// recruitment report.
type Status string

// Verification states. Organisations and bases start pending; recruitment
// reports start reported.
const (
	StatusPending  Status = "pending"
	StatusReported Status = "reported"
	StatusVerified Status = "verified"
	StatusRejected Status = "rejected"
)

// Decision records who verified or rejected something, when, and why.
type Decision struct {
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// DecisionInput is the body of every /verify route.
type DecisionInput struct {
	Decision Status `json:"decision" validate:"required,oneof=verified rejected"`
	Reason   string `json:"reason" validate:"required_if=Decision rejected,multiline,max=1000"`
}

// Normalize trims the reason.
func (in *DecisionInput) Normalize() { in.Reason = strings.TrimSpace(in.Reason) }

// Page selects a page of a list: page from 1, per_page at most 100.
type Page struct {
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

// MaxPerPage bounds every list.
const MaxPerPage = 100

// MaxRequestList bounds every list a request carries, an array of a JSON
// body or a list typed into a form: no field takes more (each says its own
// limit, at most this), so a longer one is refused before any other work.
const MaxRequestList = 200

// NewPage checks and defaults paging parameters (0 means the default).
func NewPage(page, perPage int) (Page, error) {
	if page == 0 {
		page = 1
	}
	if perPage == 0 {
		perPage = 20
	}
	fields, rules := map[string]string{}, map[string]FieldRule{}
	if page < 1 || page > 10000 {
		fields["page"], rules["page"] = "must be between 1 and 10000", FieldRule{RuleNumber, "1–10000"}
	}
	if perPage < 1 || perPage > MaxPerPage {
		fields["per_page"], rules["per_page"] = fmt.Sprintf("must be between 1 and %d", MaxPerPage), FieldRule{RuleNumber, fmt.Sprintf("1–%d", MaxPerPage)}
	}
	if len(fields) > 0 {
		return Page{}, &Error{Code: CodeBadRequest, Message: "bad paging parameters", Fields: fields, Rules: rules}
	}
	return Page{Page: page, PerPage: perPage}, nil
}

// Offset is the number of items before the page.
func (p Page) Offset() int { return (p.Page - 1) * p.PerPage }

// List is one page of a list answer.
type List[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

// GetVersion returns the version of a user, for ETags.
func (u *User) GetVersion() int64 { return u.Version }

// GetVersion returns the version of a profile, for ETags.
func (t *Talent) GetVersion() int64 { return t.Version }

// GetVersion returns the version of an organisation, for ETags.
func (o *Org) GetVersion() int64 { return o.Version }

// GetVersion returns the version of a base, for ETags.
func (b *Base) GetVersion() int64 { return b.Version }

// GetVersion returns the version of a project, for ETags.
func (p *Project) GetVersion() int64 { return p.Version }

// GetVersion returns the version of an application, for ETags.
func (a *Application) GetVersion() int64 { return a.Version }

// GetVersion returns the version of a record, for ETags.
func (r *Recruitment) GetVersion() int64 { return r.Version }

// GetVersion returns the version of the taxonomy, for ETags.
func (t *Taxonomy) GetVersion() int64 { return t.Version }
