package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/szdc/talenthub/models"
)

// languages of the UI, the default first.
var languages = []string{models.LangZH, models.LangEN}

// translator holds every string of the UI in both languages
// (locales/*.json; a test checks that both files have the same keys and
// that every key the templates use exists).
type translator struct {
	loc map[string]*i18n.Localizer
}

func newTranslator() (*translator, error) {
	b := i18n.NewBundle(language.SimplifiedChinese)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	tr := &translator{loc: map[string]*i18n.Localizer{}}
	for _, l := range languages {
		if _, err := b.LoadMessageFileFS(files, "locales/"+l+".json"); err != nil {
			return nil, fmt.Errorf("web: locale %s: %w", l, err)
		}
		tr.loc[l] = i18n.NewLocalizer(b, l)
	}
	return tr, nil
}

// t translates a message id; pairs of name, value fill its placeholders
// ({{.Name}}). A missing id shows as itself, so that it is seen (and the
// tests fail).
func (tr *translator) t(lang, id string, pairs ...any) string {
	var data map[string]any
	if len(pairs) > 0 {
		data = map[string]any{}
		for i := 0; i+1 < len(pairs); i += 2 {
			data[fmt.Sprint(pairs[i])] = pairs[i+1]
		}
	}
	s, err := tr.loc[lang].Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// funcs are the template functions of one language.
func (w *Web) funcs(lang string) template.FuncMap {
	en := lang == models.LangEN
	return template.FuncMap{
		"t": func(id string, pairs ...any) string { return w.tr.t(lang, id, pairs...) },
		// label shows a taxonomy key in the page's language.
		"label": func(tax *models.Taxonomy, vocab string, key any) string {
			return termLabel(tax, vocab, fmt.Sprint(key), en)
		},
		"terms": func(tax *models.Taxonomy, vocab string) []models.Term { return activeTerms(tax, vocab) },
		// opts are the active terms of a vocabulary as select options.
		"opts": func(tax *models.Taxonomy, vocab string) []option {
			var out []option
			for _, t := range activeTerms(tax, vocab) {
				l := t.ZH
				if en {
					l = t.EN
				}
				out = append(out, option{Key: t.Key, Label: l})
			}
			return out
		},
		// enum are fixed keys as options, labelled by "prefix.key".
		"enum": func(prefix string, keys ...string) []option {
			out := make([]option, len(keys))
			for i, k := range keys {
				out[i] = option{Key: k, Label: w.tr.t(lang, prefix+"."+k)}
			}
			return out
		},
		"split": func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, ",")
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			t = t.In(models.ChinaTime)
			if en {
				return t.Format("2 Jan 2006")
			}
			return t.Format("2006年1月2日")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			t = t.In(models.ChinaTime)
			if en {
				return t.Format("2 Jan 2006 15:04")
			}
			return t.Format("2006年1月2日 15:04")
		},
		"num": func(v any) string { return groupDigits(toFloat(v), 0) },
		// pay says a project's pay: "8,000–12,000 元/月", "CNY 8,000–12,000
		// / month", or negotiable.
		"pay": func(p *models.Project) string { return w.pay(lang, p) },
		// total says how many results, in the singular for one.
		"total": func(n int) string {
			if n == 1 {
				return w.tr.t(lang, "search.total_one", "N", groupDigits(1, 0))
			}
			return w.tr.t(lang, "search.total", "N", groupDigits(float64(n), 0))
		},
		"num1": func(v any) string { return groupDigits(toFloat(v), 1) },
		"pct": func(v any) string {
			return strconv.FormatFloat(toFloat(v), 'f', 1, 64) + "%"
		},
		"pct100":    func(v any) string { return strconv.FormatFloat(math.Min(toFloat(v), 100), 'f', 0, 64) },
		"has":       func(xs []string, x string) bool { return slices.Contains(xs, x) },
		"hasPrefix": strings.HasPrefix,
		"mul100":    func(v any) float64 { return toFloat(v) * 100 },
		// qs writes a query string from a map, with one key set (paging).
		// It is typed as a URL: html/template would otherwise escape its
		// "=" and "&" after a "?" (page%3d2, read as no page at all);
		// url.Values encodes every key and value itself.
		"qs": func(q map[string]string, key string, value any) template.URL {
			v := url.Values{}
			for k, x := range q {
				v.Set(k, x)
			}
			v.Set(key, fmt.Sprint(value))
			return template.URL(v.Encode())
		},
		"join": strings.Join,
		// thumb and large are where an image's sizes are served; cover is
		// a profile's cover image (the first of its first work with any).
		"thumb": func(id string) string { return models.MediumURL(id, models.SizeThumb) },
		"large": func(id string) string { return models.MediumURL(id, models.SizeLarge) },
		"cover": coverOf,
		"initial": func(name string) string {
			for _, r := range strings.TrimSpace(name) {
				return strings.ToUpper(string(r))
			}
			return "?"
		},
		"ids": func(id string) []string { return idsOf(id) },
		"add": func(a, b int) int { return a + b },
		"sub": func(a, b int) int { return a - b },
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i
			}
			return out
		},
		"lang": func() string { return lang },
		"otherLang": func() string {
			if en {
				return models.LangZH
			}
			return models.LangEN
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		// mark shows a highlight fragment: the index marks matches with
		// <mark>; everything else of it is escaped here.
		"mark": func(s string) template.HTML { return safeMarks(s) },
		// nextPeriod says, when every target's period ended before year,
		// the last year of the latest one: the next plan's targets are not
		// set yet (nil otherwise).
		// personKey tells a record about someone known only by an identity
		// document (imported): no profile to link to.
		"personKey": models.IsPersonKey,
		"nextPeriod": func(ts []models.TargetStatus, year int) map[string]int {
			plan := make([]models.Target, len(ts))
			last := 0
			for i, t := range ts {
				plan[i], last = t.Target, max(last, t.Period.To)
			}
			if !models.PeriodsOver(plan, year) {
				return nil
			}
			return map[string]int{"To": last, "Year": year}
		},
		"why": func(tax *models.Taxonomy, r models.Reason, t *models.Talent, p *models.Project, matched, missing []string) string {
			return w.why(lang, tax, r, t, p, matched, missing)
		},
		// whyTeam explains a factor of a team's match to a call.
		"whyTeam": func(tax *models.Taxonomy, r models.Reason, c *models.Call, t *models.Team) string {
			return w.whyTeam(lang, tax, r, c, t)
		},
		// num2 writes a score with two decimals (a normalised one may be
		// below zero).
		"num2":       func(v any) string { return groupDigits(toFloat(v), 2) },
		"daysLeft":   daysLeft,
		"teamStages": teamStages,
	}
}

func termLabel(tax *models.Taxonomy, vocab, key string, en bool) string {
	if tax != nil {
		for _, t := range vocabulary(tax, vocab) {
			if t.Key == key {
				if en {
					return t.EN
				}
				return t.ZH
			}
		}
	}
	return key
}

func activeTerms(tax *models.Taxonomy, vocab string) []models.Term {
	var out []models.Term
	for _, t := range vocabulary(tax, vocab) {
		if !t.Retired {
			out = append(out, t)
		}
	}
	return out
}

func vocabulary(tax *models.Taxonomy, vocab string) []models.Term {
	if v := vocabularyOf(tax, vocab); v != nil {
		return *v
	}
	return nil
}

// vocabularyOf is the named vocabulary of a taxonomy, to read or to
// replace; nil for an unknown name.
func vocabularyOf(tax *models.Taxonomy, vocab string) *[]models.Term {
	if tax == nil {
		return nil
	}
	switch vocab {
	case "industries":
		return &tax.Industries
	case "districts":
		return &tax.Districts
	case "base_kinds":
		return &tax.BaseKinds
	case "org_kinds":
		return &tax.OrgKinds
	case "org_flags":
		return &tax.OrgFlags
	case "project_kinds":
		return &tax.ProjectKinds
	case "origins":
		return &tax.Origins
	case "levels":
		return &tax.Levels
	case "business_forms":
		return &tax.BusinessForms
	}
	return nil
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case float64:
		return x
	case float32:
		return float64(x)
	}
	return 0
}

// option is one choice of a select or a set of checkboxes.
type option struct{ Key, Label string }

// groupDigits writes 12345.6 as "12,345.6" (both languages group by three).
func groupDigits(f float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if f < 0 {
		out = "-" + out
	}
	return out
}

// safeMarks escapes a fragment except for <mark> and </mark>.
func safeMarks(s string) template.HTML {
	var b strings.Builder
	for {
		i := strings.Index(s, "<mark>")
		if i < 0 {
			b.WriteString(template.HTMLEscapeString(s))
			break
		}
		b.WriteString(template.HTMLEscapeString(s[:i]))
		s = s[i+len("<mark>"):]
		j := strings.Index(s, "</mark>")
		if j < 0 {
			b.WriteString(template.HTMLEscapeString(s))
			break
		}
		b.WriteString("<mark>" + template.HTMLEscapeString(s[:j]) + "</mark>")
		s = s[j+len("</mark>"):]
	}
	return template.HTML(b.String())
}

// parseTemplates parses every page with the layout and the partials, once
// per language (the functions know their language).
func (w *Web) parseTemplates() error {
	w.pages = map[string]map[string]*template.Template{}
	pages, err := fs.Glob(files, "templates/pages/*.html")
	if err != nil {
		return err
	}
	for _, lang := range languages {
		base, err := template.New("base").Funcs(w.funcs(lang)).ParseFS(files, "templates/layout.html", "templates/partials/*.html")
		if err != nil {
			return fmt.Errorf("web: templates: %w", err)
		}
		w.pages[lang] = map[string]*template.Template{}
		for _, p := range pages {
			t, err := template.Must(base.Clone()).ParseFS(files, p)
			if err != nil {
				return fmt.Errorf("web: template %s: %w", p, err)
			}
			w.pages[lang][strings.TrimSuffix(path.Base(p), ".html")] = t
		}
	}
	return nil
}

// pay says a project's pay in lang: the range (one figure when its ends
// meet) in yuan per unit, or that it is negotiable.
func (w *Web) pay(lang string, p *models.Project) string {
	if p == nil || !p.HasPay() {
		return w.tr.t(lang, "pay.negotiable")
	}
	amount := groupDigits(float64(*p.PayMin), 0)
	if *p.PayMax != *p.PayMin {
		amount += "–" + groupDigits(float64(*p.PayMax), 0)
	}
	unit := "pay.per_" + string(p.PayUnit)
	return w.tr.t(lang, "pay.amount", "Amount", amount, "Unit", w.tr.t(lang, unit))
}
