package models

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
)

// validate is the one validator of the process. It is configured once at init
// and only read afterwards; validator instances are safe for concurrent use.
var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// Report JSON names, never Go names, so that messages match what the
	// client sent.
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(v.RegisterValidation("singleline", func(fl validator.FieldLevel) bool { return cleanText(fl.Field().String(), false) }))
	must(v.RegisterValidation("multiline", func(fl validator.FieldLevel) bool { return cleanText(fl.Field().String(), true) }))
	// Taxonomy keys are checked against the taxonomy the caller passes in
	// the context (Taxonomy.Validate), so that admins can extend them.
	taxo := func(tag string, list func(*Taxonomy) []Term) {
		must(v.RegisterValidationCtx(tag, func(ctx context.Context, fl validator.FieldLevel) bool {
			return accepts(list(taxonomyFrom(ctx)), fl.Field().String())
		}))
	}
	taxo("district", func(t *Taxonomy) []Term { return t.Districts })
	taxo("industry", func(t *Taxonomy) []Term { return t.Industries })
	taxo("base_kind", func(t *Taxonomy) []Term { return t.BaseKinds })
	taxo("org_kind", func(t *Taxonomy) []Term { return t.OrgKinds })
	taxo("org_flag", func(t *Taxonomy) []Term { return t.OrgFlags })
	taxo("project_kind", func(t *Taxonomy) []Term { return t.ProjectKinds })
	must(v.RegisterValidation("level", func(fl validator.FieldLevel) bool {
		switch Level(fl.Field().String()) {
		case "", LevelA, LevelB, LevelC:
			return true
		}
		return false
	}))
	must(v.RegisterValidation("date", func(fl validator.FieldLevel) bool { _, err := ParseDate(fl.Field().String()); return err == nil }))
	must(v.RegisterValidation("phone", func(fl validator.FieldLevel) bool { return phoneRE.MatchString(fl.Field().String()) }))
	must(v.RegisterValidation("httpurl", func(fl validator.FieldLevel) bool { return isHTTPURL(fl.Field().String()) }))
	must(v.RegisterValidation("langtag", func(fl validator.FieldLevel) bool { return langRE.MatchString(fl.Field().String()) }))
	return v
}

var (
	// A mainland mobile number (11 digits starting 1[3-9]) or an
	// international number in E.164 form.
	phoneRE = regexp.MustCompile(`^(1[3-9][0-9]{9}|\+[1-9][0-9]{6,14})$`)
	// A BCP 47-like language tag: "zh", "en", "zh-Hant", "yue".
	langRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$`)
)

// SingleLine reports whether s is a single line of visible text, as the
// "singleline" rule of the inputs checks it (readers of other formats,
// such as spreadsheets, check their cells by the same rule).
func SingleLine(s string) bool { return cleanText(s, false) }

// cleanText rejects text that renders differently from what it stores:
// invalid UTF-8, control characters, bidirectional overrides and invisible
// separators that are used to spoof names. Multi-line text may hold
// newlines and tabs.
func cleanText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r):
			return false
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
			return false // bidirectional controls
		case r == 0x200B, r == 0xFEFF, r == 0x2060, r == 0x00AD:
			return false // zero-width space, BOM, word joiner, soft hyphen
		}
	}
	return true
}

func isHTTPURL(s string) bool {
	if len(s) > 2048 || !cleanText(s, false) || strings.ContainsAny(s, " \t") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// Validate checks v against its `validate` tags, taxonomy keys against the
// default taxonomy, and returns nil or an *Error with code CodeValidation
// whose Fields are keyed by JSON path.
func Validate(v any) error { return validateCtx(context.Background(), v) }

func validateCtx(ctx context.Context, v any) error {
	err := validate.StructCtx(ctx, v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return Internal("models.Validate", err)
	}
	fields := make(map[string]string, len(verrs))
	rules := make(map[string]FieldRule, len(verrs))
	for _, fe := range verrs {
		path := fe.Namespace()
		// Drop the root struct name: "TalentInput.contact.email" → "contact.email".
		if _, rest, ok := strings.Cut(path, "."); ok {
			path = rest
		}
		if _, dup := fields[path]; !dup {
			fields[path], rules[path] = message(fe)
		}
	}
	return &Error{Code: CodeValidation, Message: "some fields are invalid", Fields: fields, Rules: rules}
}

// message is what is wrong with a field, in English for the API and as a
// rule with its parameter for the UI.
func message(fe validator.FieldError) (string, FieldRule) {
	isList := fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map
	isNumber := fe.Kind() == reflect.Int || fe.Kind() == reflect.Int64 || fe.Kind() == reflect.Float64
	unit, maxRule, minRule := "characters", RuleMaxChars, RuleMinChars
	if isList {
		unit, maxRule, minRule = "items", RuleMaxItems, RuleMinItems
	}
	p := fe.Param()
	switch fe.Tag() {
	case "required":
		return "is required", FieldRule{RuleRequired, ""}
	case "email":
		return "must be a valid email address", FieldRule{RuleEmail, ""}
	case "max":
		if isNumber {
			return "must be at most " + p, FieldRule{RuleMax, p}
		}
		return fmt.Sprintf("must have at most %s %s", p, unit), FieldRule{maxRule, p}
	case "min":
		if isNumber {
			return "must be at least " + p, FieldRule{RuleMin, p}
		}
		return fmt.Sprintf("must have at least %s %s", p, unit), FieldRule{minRule, p}
	case "gte", "gt":
		return "must be at least " + p, FieldRule{RuleMin, p}
	case "lte", "lt":
		return "must be at most " + p, FieldRule{RuleMax, p}
	case "oneof":
		vals := strings.Join(strings.Fields(p), ", ")
		return "must be one of: " + vals, FieldRule{RuleOneOf, vals}
	case "singleline":
		return "must be a single line of visible text (no control, bidirectional or zero-width characters)", FieldRule{RuleSingleLine, ""}
	case "multiline":
		return "must be visible text (no control, bidirectional or zero-width characters)", FieldRule{RuleMultiLine, ""}
	case "district":
		return "must be a district key of the taxonomy", FieldRule{RuleTaxonomy, ""}
	case "industry":
		return "must be an industry key of the taxonomy", FieldRule{RuleTaxonomy, ""}
	case "base_kind":
		return "must be a base kind of the taxonomy", FieldRule{RuleTaxonomy, ""}
	case "org_kind":
		return "must be an organisation kind of the taxonomy", FieldRule{RuleTaxonomy, ""}
	case "org_flag":
		return "must be an organisation flag of the taxonomy", FieldRule{RuleTaxonomy, ""}
	case "project_kind":
		return "must be a project kind of the taxonomy", FieldRule{RuleTaxonomy, ""}
	case "date":
		return "must be a date like 2025-03-01", FieldRule{RuleDate, ""}
	case "level":
		return "must be A, B, C or empty", FieldRule{RuleLevel, ""}
	case "len":
		return "must have " + p + " characters", FieldRule{RuleLenChars, p}
	case "hexadecimal":
		return "must be an id of 24 hexadecimal digits", FieldRule{RuleID, ""}
	case "required_without":
		// The other field by its JSON name, as required_with and gtefield
		// say it: the tag holds the Go name, which no client sends.
		return "is required unless " + snake(p) + " is given", FieldRule{RuleRequiredWithout, snake(p)}
	case "required_with":
		with := make([]string, 0, 2)
		for _, f := range strings.Fields(p) {
			with = append(with, snake(f))
		}
		return "is required with " + strings.Join(with, " and "), FieldRule{RuleRequired, ""}
	case "required_if":
		return "is required", FieldRule{RuleRequired, ""}
	case "gtefield":
		return "must be at least " + snake(p), FieldRule{RuleMin, snake(p)}
	case "phone":
		return "must be a mobile number like 13812345678 or an international number like +85291234567", FieldRule{RulePhone, ""}
	case "httpurl":
		return "must be an http or https URL", FieldRule{RuleURL, ""}
	case "langtag":
		return "must be a language tag like zh or en", FieldRule{RuleLanguage, ""}
	case "unique":
		return "must not repeat values", FieldRule{RuleUnique, ""}
	}
	return "is invalid (" + fe.Tag() + ")", FieldRule{RuleInvalid, ""}
}

// snake is the JSON name of a Go field a tag names (PayMin → pay_min,
// ApplicationID → application_id): a word starts at an upper-case letter
// after a lower-case one, or at the last upper-case letter of a run that a
// lower-case one follows (URLPath → url_path).
func snake(goName string) string {
	rs := []rune(goName)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 &&
			(unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
