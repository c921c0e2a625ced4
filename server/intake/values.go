package intake

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/szdc/talenthub/models"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// bad is what is wrong with a cell.
type bad struct {
	rule  models.Rule
	param string
	msg   string
}

func fail(rule models.Rule, param, format string, args ...any) *bad {
	return &bad{rule, param, fmt.Sprintf(format, args...)}
}

// fold is the form headers and labels are compared in: width-folded
// (full-width letters and digits to ASCII), lower case, without spaces,
// "_", "-", apostrophes and a trailing "*".
func fold(s string) string {
	s = narrow(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '_', r == '-', r == '\'', r == '’', r == '*':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// hasWide reports whether s holds a full-width or half-width form (the
// block U+FF00-U+FFEF) or an ideographic space, which fold folds.
func hasWide(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0xEF || s[i] == 0xE3 && strings.Contains(s[i:], "\u3000") {
			return true
		}
	}
	return false
}

// narrow folds full-width letters and digits to ASCII (width.Fold), and
// spares strings without any.
func narrow(s string) string {
	if hasWide(s) {
		return width.Fold.String(s)
	}
	return s
}

// vocab resolves cells to the terms of one vocabulary.
type vocab struct {
	noun  string // "district"
	terms []models.Term
	index map[string][]int
}

// shortForms are the forms a label is also known by: without a final
// parenthesised part, and without a district's suffix.
func shortForms(label string) []string {
	out := []string{label}
	for _, p := range [][2]string{{"（", "）"}, {"(", ")"}} {
		if strings.HasSuffix(label, p[1]) {
			if i := strings.LastIndex(label, p[0]); i > 0 {
				out = append(out, strings.TrimSpace(label[:i]))
			}
		}
	}
	for _, l := range slices.Clone(out) {
		for _, suffix := range []string{"特别合作区", "新区", "区"} {
			if rest, ok := strings.CutSuffix(l, suffix); ok && utf8.RuneCountInString(rest) >= 2 {
				out = append(out, rest)
				break
			}
		}
	}
	return out
}

func newVocab(noun string, terms []models.Term) *vocab {
	v := &vocab{noun: noun, terms: terms, index: map[string][]int{}}
	for i, t := range terms {
		forms := append([]string{t.Key}, shortForms(t.ZH)...)
		forms = append(forms, shortForms(t.EN)...)
		for _, f := range forms {
			v.add(f, i)
		}
	}
	return v
}

// add makes form a name of term i.
func (v *vocab) add(form string, i int) {
	k := fold(form)
	if k != "" && !slices.Contains(v.index[k], i) {
		v.index[k] = append(v.index[k], i)
	}
}

// lookup returns the key of the one live term cell names.
func (v *vocab) lookup(cell string) (string, *bad) {
	hits := v.index[fold(cell)]
	var live []int
	for _, i := range hits {
		if !v.terms[i].Retired {
			live = append(live, i)
		}
	}
	switch {
	case len(live) == 1:
		return v.terms[live[0]].Key, nil
	case len(live) > 1:
		keys, names := make([]string, len(live)), make([]string, len(live))
		for j, i := range live {
			keys[j] = v.terms[i].Key
			names[j] = fmt.Sprintf("%s (%s, %s)", v.terms[i].Key, v.terms[i].ZH, v.terms[i].EN)
		}
		return "", fail(models.RuleAmbiguous, strings.Join(keys, ", "), "ambiguous: %q could be %s; write the key", cell, strings.Join(names, " or "))
	case len(hits) > 0:
		return "", fail(models.RuleTaxonomy, v.noun, "%q is a retired %s: choose a current one", cell, v.noun)
	}
	return "", fail(models.RuleTaxonomy, v.noun, "%q is not a %s of the list (a key, a Chinese or an English label)", cell, v.noun)
}

// known reports whether s names a term, live or not, or several.
func (v *vocab) known(s string) bool { return len(v.index[fold(s)]) > 0 }

var listSeparators = "、，,;；\n\r"

// splitCell splits a list cell on 、，,;； and line ends.
func splitCell(cell string) []string {
	var out []string
	for p := range strings.FieldsFuncSeq(cell, func(r rune) bool { return strings.ContainsRune(listSeparators, r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// lookupList resolves a list cell: pieces split as splitCell does and on
// "/", except where pieces joined by "/" name a term ("VR/AR/MR"). Keys
// repeat once at most.
func (v *vocab) lookupList(cell string) ([]string, *bad) {
	keys := []string{}
	for _, piece := range splitCell(cell) {
		parts := strings.Split(piece, "/")
		for i := 0; i < len(parts); {
			j := len(parts)
			for ; j > i+1; j-- { // the longest run of parts that names a term
				if v.known(strings.Join(parts[i:j], "/")) {
					break
				}
			}
			item := strings.TrimSpace(strings.Join(parts[i:j], "/"))
			i = j
			if item == "" {
				continue
			}
			k, b := v.lookup(item)
			if b != nil {
				return nil, b
			}
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys, nil
}

// text checks a single line of visible text of at most max characters.
func text(s string, max int) *bad {
	if n := utf8.RuneCountInString(s); n > max {
		return fail(models.RuleMaxChars, strconv.Itoa(max), "has %d characters; at most %d", n, max)
	}
	if !models.SingleLine(s) {
		return fail(models.RuleSingleLine, "", "must be a single line of visible text (no line breaks, control or invisible characters)")
	}
	return nil
}

var (
	dashedDate = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?$`)
	hanDate    = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$`)
	serialDate = regexp.MustCompile(`^\d{1,5}(?:\.\d+)?$`)
)

// date reads a date cell as YYYY-MM-DD; serials allows Excel serial
// numbers (XLSX cells).
func date(s string, serials bool) (string, *bad) {
	s = narrow(s)
	var y, m, d int
	if g := dashedDate.FindStringSubmatch(s); g != nil {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if g := hanDate.FindStringSubmatch(s); g != nil {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if serials && serialDate.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err == nil && f >= 1 && f < 73051 { // 2100-01-01
			t, err := excelize.ExcelDateToTime(f, false)
			if err == nil {
				y, m, d = t.Year(), int(t.Month()), t.Day()
			}
		}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || y > 2100 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", fail(models.RuleDate, "", "%q is not a date like 2025-03-01, 2025/3/1 or 2025年3月1日", s)
	}
	return t.Format(models.DateLayout), nil
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

var wholeNumber = regexp.MustCompile(`^\d{1,3}(?:,\d{3})+$|^\d+(?:\.0+)?$`)

// number reads a whole number from lo to hi.
func number(s string, lo, hi int) (int, *bad) {
	rng := fmt.Sprintf("%d–%d", lo, hi)
	s = narrow(s)
	if !wholeNumber.MatchString(s) {
		return 0, fail(models.RuleNumber, rng, "%q is not a whole number from %d to %d", s, lo, hi)
	}
	s, _, _ = strings.Cut(strings.ReplaceAll(s, ",", ""), ".")
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fail(models.RuleNumber, rng, "%s is not a whole number from %d to %d", s, lo, hi)
	}
	return n, nil
}

// identityTypes are the identity documents as a vocabulary.
var identityTypes = []models.Term{
	{Key: string(IDResident), ZH: "居民身份证", EN: "Resident identity card"},
	{Key: string(IDPassport), ZH: "护照", EN: "Passport"},
	{Key: string(IDHMTPermit), ZH: "港澳台通行证", EN: "HK/Macao/Taiwan permit"},
}

// identityAliases are other names of the documents.
var identityAliases = map[IdentityType][]string{
	IDResident:  {"身份证", "居民身份证号", "ID card", "Resident ID", "PRC ID"},
	IDPassport:  {"护照号"},
	IDHMTPermit: {"港澳通行证", "台湾通行证", "回乡证", "台胞证", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "Home Return Permit", "Mainland Travel Permit", "HMT permit"},
}

func identityVocab() *vocab {
	v := newVocab("identity document type", identityTypes)
	for i, t := range identityTypes {
		for _, a := range identityAliases[IdentityType(t.Key)] {
			v.add(a, i)
		}
	}
	return v
}

var (
	residentRE = regexp.MustCompile(`^[1-9]\d{16}[\dX]$`)
	passportRE = regexp.MustCompile(`^[A-Z0-9]{5,20}$`)
	permitRE   = regexp.MustCompile(`^(?:[HM]\d{8}(?:\d{2})?|\d{8}|\d{10})$`)
)

// normalizeIdentity drops spaces and hyphens, folds width and upper-cases.
func normalizeIdentity(s string) string {
	s = narrow(s)
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, s))
}

// residentCheck is the check character of the first 17 digits of a
// resident ID (GB 11643, ISO 7064 MOD 11-2).
func residentCheck(d17 string) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(d17[i]-'0') * weights[i]
	}
	return "10X98765432"[sum%11]
}

// identity checks a normalised number of a document type. Its messages
// never repeat the number.
func identity(kind IdentityType, n string, today time.Time) *bad {
	switch kind {
	case IDResident:
		if !residentRE.MatchString(n) {
			return fail(models.RuleIdentityNumber, string(kind), "a resident ID has 18 characters: 17 digits and a digit or X")
		}
		if residentCheck(n[:17]) != n[17] {
			return fail(models.RuleIdentityNumber, string(kind), "the resident ID's check character (the 18th) does not match: a digit is mistyped")
		}
		born, err := time.Parse("20060102", n[6:14])
		if err != nil || born.Year() < 1900 || born.After(today) {
			return fail(models.RuleIdentityNumber, string(kind), "the resident ID's birth date (characters 7-14) is not a plausible date")
		}
	case IDPassport:
		if !passportRE.MatchString(n) || strings.IndexFunc(n, unicode.IsDigit) < 0 {
			return fail(models.RuleIdentityNumber, string(kind), "a passport number has 5-20 letters and digits, with at least one digit")
		}
	case IDHMTPermit:
		if !permitRE.MatchString(n) {
			return fail(models.RuleIdentityNumber, string(kind), "an HK/Macao permit is H or M and 8 digits (and 2 issue digits); a Taiwan permit has 8 or 10 digits")
		}
	}
	return nil
}

// orgRef reads an organisation's id or name.
func orgRef(s string) (OrgRef, *bad) {
	if id := strings.ToLower(s); models.ValidID(id) {
		return OrgRef{ID: id}, nil
	}
	if b := text(s, 200); b != nil {
		return OrgRef{}, b
	}
	return OrgRef{Name: s}, nil
}

// refKey is the form of a reference in a row key: an id, or the name
// folded.
func refKey(r OrgRef) string {
	if r.ID != "" {
		return "id:" + r.ID
	}
	return "name:" + fold(r.Name)
}
