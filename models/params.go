package models

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Params reads the query parameters of a list or a search: lists are
// comma-separated, numbers are checked, and each problem is kept under its
// parameter's name. The API and the web UI read every search through it
// (ParseTalentSearch, ParseProjectSearch), so that the same address means
// the same search in both.
type Params struct {
	get   func(name string) string
	Errs  map[string]string
	rules map[string]FieldRule
}

// NewParams reads parameters through get, which returns a parameter's
// value ("" when absent), several values joined by commas.
func NewParams(get func(name string) string) *Params {
	return &Params{get: get, Errs: map[string]string{}, rules: map[string]FieldRule{}}
}

// Fail records a problem of a parameter: the English message, and the
// rule with its parameter for the UI.
func (p *Params) Fail(name string, rule Rule, param, msg string) {
	p.Errs[name], p.rules[name] = msg, FieldRule{rule, param}
}

// Has reports whether a parameter is given.
func (p *Params) Has(name string) bool { return strings.TrimSpace(p.get(name)) != "" }

// List returns a comma-separated parameter as values (at most 50).
func (p *Params) List(name string) []string {
	raw := p.get(name)
	if raw == "" {
		return nil
	}
	var out []string
	for v := range strings.SplitSeq(raw, ",") {
		if v = strings.TrimSpace(v); v != "" {
			if len(out) == 50 {
				// Refused at the 51st value, without reading the rest.
				p.Fail(name, RuleTooManyValues, "50", "has more than 50 values")
				break
			}
			out = append(out, v)
		}
	}
	return out
}

// Enum is List with every value among allowed.
func (p *Params) Enum(name string, allowed ...string) []string {
	vals := p.List(name)
	for _, v := range vals {
		found := false
		for _, a := range allowed {
			found = found || v == a
		}
		if !found {
			p.Fail(name, RuleOneOf, strings.Join(allowed, ", "), "must be among: "+strings.Join(allowed, ", "))
		}
	}
	return vals
}

// Number returns an integer parameter in [min, max], or 0 when absent.
func (p *Params) Number(name string, min, max int) int {
	raw := strings.TrimSpace(p.get(name))
	if raw == "" {
		return 0
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		rng := strconv.Itoa(min) + " to " + strconv.Itoa(max)
		p.Fail(name, RuleNumber, strconv.Itoa(min)+"–"+strconv.Itoa(max), "must be a whole number from "+rng)
		return 0
	}
	return n
}

// OptionalNumber is Number, nil when absent.
func (p *Params) OptionalNumber(name string, min, max int) *int {
	if !p.Has(name) {
		return nil
	}
	n := p.Number(name, min, max)
	return &n
}

// Bool returns a true/false parameter, nil when absent.
func (p *Params) Bool(name string) *bool {
	switch strings.TrimSpace(p.get(name)) {
	case "":
		return nil
	case "true":
		t := true
		return &t
	case "false":
		f := false
		return &f
	}
	p.Fail(name, RuleBool, "", "must be true or false")
	return nil
}

// Text returns a free-text parameter.
func (p *Params) Text(name string, maxRunes int) string {
	s := strings.TrimSpace(p.get(name))
	if utf8.RuneCountInString(s) > maxRunes {
		p.Fail(name, RuleMaxChars, strconv.Itoa(maxRunes), "is longer than "+strconv.Itoa(maxRunes)+" characters")
	}
	return s
}

// Page returns the paging parameters (page, per_page).
func (p *Params) Page() Page {
	n, per := p.Number("page", 1, 10000), p.Number("per_page", 1, MaxPerPage)
	page, _ := NewPage(n, per)
	return page
}

// Err returns the 400 for every problem found, or nil.
func (p *Params) Err() error {
	if len(p.Errs) == 0 {
		return nil
	}
	return &Error{Code: CodeBadRequest, Message: "bad query parameters", Fields: p.Errs, Rules: p.rules}
}

// TalentSearchParams are the parameters of a talent search.
var TalentSearchParams = []string{"q", "skills", "tools", "industries", "district", "origin", "level", "available", "min_years", "max_years", "sort", "page", "per_page"}

// ParseTalentSearch reads a talent search (GET /api/v1/talents, the web
// page /talents).
func ParseTalentSearch(p *Params) TalentSearch {
	return TalentSearch{
		Q: p.Text("q", 200), Skills: p.List("skills"), Tools: p.List("tools"), Industries: p.List("industries"),
		District: p.List("district"), Origin: p.Enum("origin", string(OriginOverseas), string(OriginDomestic)),
		Level: p.Enum("level", string(LevelA), string(LevelB), string(LevelC)), Available: p.Bool("available"),
		MinYears: p.OptionalNumber("min_years", 0, 70), MaxYears: p.OptionalNumber("max_years", 0, 70),
		Sort: p.get("sort"), Page: p.Page(),
	}
}

// TalentFacets and ProjectFacets are the fields whose values a search
// counts, in the order the pages show them.
var (
	TalentFacets  = []string{"district", "industries", "skills", "origin", "level"}
	ProjectFacets = []string{"district", "industries", "skills", "kind"}
)

// ProjectSearchParams are the parameters of a project search.
var ProjectSearchParams = []string{"q", "kind", "district", "industries", "skills", "org_id", "status", "pay_unit", "sort", "page", "per_page"}

// ParseProjectSearch reads a project search (GET /api/v1/projects, the web
// page /projects).
func ParseProjectSearch(p *Params) ProjectSearch {
	return ProjectSearch{
		Q: p.Text("q", 200), Kind: p.List("kind"), District: p.List("district"), Industries: p.List("industries"),
		Skills: p.List("skills"), OrgID: p.List("org_id"), Status: p.Enum("status", string(ProjectOpen), string(ProjectClosed)),
		PayUnit: p.Enum("pay_unit", string(PayMonth), string(PayDay), string(PayHour), string(PayProject)),
		Sort:    p.get("sort"), Page: p.Page(),
	}
}
