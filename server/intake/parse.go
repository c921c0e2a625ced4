package intake

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/szdc/talenthub/models"
	"github.com/xuri/excelize/v2"
)

// parser reads one sheet of one kind.
type parser struct {
	kind    Kind
	o       Options
	res     *Result
	cols    []column
	lang    string       // the headers' language, for columns that are missing
	at      []int        // sheet column → index in cols, or -1
	names   []string     // cols index → header as written ("" when missing)
	where   []int        // cols index → sheet column, or -1
	headed  []bool       // sheet column → it has a header
	unnamed map[int]bool // sheet columns without a header reported

	districts, industries, orgKinds, baseKinds, flags, origins, levels, idTypes *vocab

	h       *hasher
	seen    map[string]int // row key → its row
	serials bool
	today   time.Time

	row  []string // the current row
	line int
	ok   bool // the current row has no problem yet
}

func newParser(kind Kind, tax *models.Taxonomy, o Options) *parser {
	return &parser{
		kind: kind, o: o, cols: columns[kind],
		districts: newVocab("district", tax.Districts), industries: newVocab("industry", tax.Industries),
		orgKinds: newVocab("organisation kind", tax.OrgKinds), baseKinds: newVocab("base kind", tax.BaseKinds),
		flags: newVocab("organisation flag", tax.OrgFlags), origins: newVocab("origin", tax.Origins),
		levels: newVocab("level", tax.Levels), idTypes: identityVocab(),
		h: newHasher(o.KeySecret), seen: map[string]int{}, today: time.Now().In(models.ChinaTime),
	}
}

// problem records a problem of the current row in a column.
func (p *parser) problem(row int, column string, b *bad) {
	p.ok = false
	if len(p.res.Problems) >= p.o.MaxProblems {
		p.res.Truncated = true
		return
	}
	p.res.Problems = append(p.res.Problems, Problem{Row: row, Column: column, Code: b.rule, Param: b.param, Message: b.msg})
}

// columnLetter is the spreadsheet's name of column i (0-based).
func columnLetter(i int) string {
	s, _ := excelize.ColumnNumberToName(i + 1)
	return s
}

func (p *parser) run(src source) error {
	p.serials = src.serials()
	head, line, err := src.next()
	if err == nil && line != 1 {
		p.problem(1, "", fail(models.RuleRequired, "", "row 1 must hold the column headers; it is empty"))
		return nil
	}
	if err == io.EOF || err == nil && blank(head) {
		p.problem(1, "", fail(models.RuleRequired, "", "row 1 must hold the column headers; it is empty"))
		return nil
	}
	if err != nil {
		p.problem(1, "", fail(models.RuleInvalid, "", "row 1 cannot be read: %v", err))
		return nil
	}
	p.header(head)
	p.res.Columns = make(map[string]string, len(p.cols))
	for _, c := range p.cols {
		_, p.res.Columns[c.key] = p.cell(c.key)
	}
	records := 0
	for {
		row, line, err := src.next()
		if err == io.EOF {
			break
		}
		records++
		if records > p.o.MaxRows || line-1 > p.o.MaxRows {
			return models.Errorf(models.CodeTooLarge, "the file has more than %d rows after the header", p.o.MaxRows)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				p.problem(line, "", fail(models.RuleInvalid, "", "the row cannot be read as CSV: %v", pe.Err))
				break
			}
			return unsupported("the sheet cannot be read at row %d: %v", line, err)
		}
		if blank(row) {
			continue
		}
		p.res.Rows++
		p.row, p.line, p.ok = row, line, true
		p.checkUnnamed()
		switch p.kind {
		case KindOrgs:
			p.org()
		case KindBases:
			p.base()
		case KindRecruitments:
			p.recruitment()
		}
	}
	return nil
}

// header maps the header row's cells to columns.
func (p *parser) header(head []string) {
	p.lang = "en"
	for _, h := range head {
		if strings.IndexFunc(h, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
			p.lang = "zh"
		}
	}
	index := headerIndex[p.kind]
	p.at = make([]int, len(head))
	p.headed = make([]bool, len(head))
	p.names = make([]string, len(p.cols))
	p.where = slices.Repeat([]int{-1}, len(p.cols))
	known := make([]string, 0, len(p.cols))
	for _, c := range p.cols {
		known = append(known, c.header(p.lang))
	}
	for i, h := range head {
		p.at[i] = -1
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		p.headed[i] = true
		j, ok := index[fold(h)]
		switch {
		case !ok:
			p.problem(1, h, fail(models.RuleUnknown, strings.Join(known, ", "), "%q is not a column of a %s sheet; the columns are %s", h, p.kind, strings.Join(known, ", ")))
		case p.where[j] >= 0:
			p.problem(1, h, fail(models.RuleRepeated, p.names[j], "%q is the same column as %q (column %s)", h, p.names[j], columnLetter(p.where[j])))
		default:
			p.at[i], p.where[j], p.names[j] = j, i, h
		}
	}
	for j, c := range p.cols {
		if c.required && p.where[j] < 0 {
			name := c.header(p.lang)
			p.problem(1, name, fail(models.RuleRequired, c.key, "the column %q (%s) is missing", name, c.key))
		}
	}
}

// checkUnnamed reports, once per column, values under a column without a
// header (a column with an unknown header is reported in row 1).
func (p *parser) checkUnnamed() {
	for i, v := range p.row {
		if i < len(p.at) && (p.at[i] >= 0 || p.headed[i]) || p.unnamed[i] || strings.TrimSpace(v) == "" {
			continue
		}
		if p.unnamed == nil {
			p.unnamed = map[int]bool{}
		}
		p.unnamed[i] = true
		letter := columnLetter(i)
		p.problem(p.line, letter, fail(models.RuleUnknown, "", "column %s has a value but no header", letter))
	}
}

// cell returns the trimmed value of column key and its header as written.
func (p *parser) cell(key string) (string, string) {
	for j, c := range p.cols {
		if c.key == key {
			name := p.names[j]
			if name == "" {
				name = c.header(p.lang)
			}
			if i := p.where[j]; i >= 0 && i < len(p.row) {
				return strings.TrimSpace(p.row[i]), name
			}
			return "", name
		}
	}
	panic("intake: no column " + key)
}

// present reports whether the sheet has column key.
func (p *parser) present(key string) bool {
	for j, c := range p.cols {
		if c.key == key {
			return p.where[j] >= 0
		}
	}
	return false
}

// required returns the value of a required column, or reports it empty
// (a missing column is reported once, in row 1).
func (p *parser) required(key string) (string, string, bool) {
	v, name := p.cell(key)
	if v == "" {
		if p.present(key) {
			p.problem(p.line, name, fail(models.RuleRequired, "", "is required"))
		}
		return "", name, false
	}
	return v, name, true
}

// term resolves a required (or optional) taxonomy cell.
func (p *parser) term(key string, v *vocab, required bool) string {
	var (
		s    string
		name string
		ok   bool
	)
	if required {
		s, name, ok = p.required(key)
	} else {
		s, name = p.cell(key)
		ok = s != ""
	}
	if !ok {
		return ""
	}
	k, b := v.lookup(s)
	if b != nil {
		p.problem(p.line, name, b)
	}
	return k
}

// terms resolves a list cell of at most max terms.
func (p *parser) terms(key string, v *vocab, max int) []string {
	s, name := p.cell(key)
	if s == "" {
		return []string{}
	}
	keys, b := v.lookupList(s)
	if b == nil && len(keys) > max {
		b = fail(models.RuleMaxItems, strconv.Itoa(max), "has %d values; at most %d", len(keys), max)
	}
	if b != nil {
		p.problem(p.line, name, b)
		return nil
	}
	return keys
}

// name reads a required single line of at most max characters.
func (p *parser) name(key string, max int) string {
	s, name, ok := p.required(key)
	if !ok {
		return ""
	}
	if b := text(s, max); b != nil {
		p.problem(p.line, name, b)
	}
	return s
}

// keyed sets the row's key and hash and reports a key seen before.
func (p *parser) keyed(r *Row, idColumn string, key []string, content []string) {
	r.Line = p.line
	r.Key = p.h.of(p.kind, "key", key...)
	r.Hash = p.h.of(p.kind, "content", content...)
	if first, dup := p.seen[r.Key]; dup {
		_, name := p.cell(idColumn)
		p.problem(p.line, name, fail(models.RuleRepeated, strconv.Itoa(first), "repeats row %d (%s)", first, identityOf[p.kind]))
		return
	}
	p.seen[r.Key] = p.line
}

var identityOf = map[Kind]string{
	KindOrgs:         "the same organisation name",
	KindBases:        "the same base name and district",
	KindRecruitments: "the same identity document, organisation and date",
}

var enterpriseFlags = []string{models.FlagLeading, models.FlagSME, models.FlagSpecialized}

func sorted(s []string) string {
	s = slices.Clone(s)
	slices.Sort(s)
	return strings.Join(s, "\x1f")
}

func (p *parser) org() {
	in := models.OrgInput{
		Name:       p.name(colName, 200),
		Kind:       p.term(colKind, p.orgKinds, true),
		District:   p.term(colDistrict, p.districts, true),
		Industries: p.terms(colIndustries, p.industries, 14),
		Flags:      p.terms(colFlags, p.flags, 10),
	}
	if in.Kind != "" && in.Kind != models.OrgEnterprise && slices.ContainsFunc(in.Flags, func(f string) bool { return slices.Contains(enterpriseFlags, f) }) {
		_, name := p.cell(colFlags)
		p.problem(p.line, name, fail(models.RuleEnterpriseFlags, "", "leading, sme and specialized apply to enterprises only"))
	}
	if !p.ok {
		return
	}
	r := OrgRow{OrgInput: in}
	p.keyed(&r.Row, colName, []string{fold(in.Name)}, []string{in.Name, in.Kind, in.District, sorted(in.Industries), sorted(in.Flags)})
	if p.ok {
		p.res.Orgs = append(p.res.Orgs, r)
	}
}

func (p *parser) base() {
	r := BaseRow{
		Name:       p.name(colName, 200),
		Kind:       p.term(colKind, p.baseKinds, true),
		District:   p.term(colDistrict, p.districts, true),
		Industries: p.terms(colIndustries, p.industries, 14),
		Operators:  []OrgRef{},
	}
	if s, name, ok := p.required(colOperators); ok {
		for _, item := range splitCell(s) {
			ref, b := orgRef(item)
			if b != nil {
				p.problem(p.line, name, b)
				break
			}
			if !slices.Contains(r.Operators, ref) {
				r.Operators = append(r.Operators, ref)
			}
		}
		if len(r.Operators) > 20 {
			p.problem(p.line, name, fail(models.RuleMaxItems, "20", "names %d operators; at most 20", len(r.Operators)))
		}
	}
	if s, name := p.cell(colEstablishedOn); s != "" {
		d, b := date(s, p.serials)
		if b != nil {
			p.problem(p.line, name, b)
		}
		r.EstablishedOn = d
	}
	if s, name := p.cell(colCapacity); s != "" {
		n, b := number(s, 0, 1_000_000)
		if b != nil {
			p.problem(p.line, name, b)
		}
		r.Capacity = n
	}
	if !p.ok {
		return
	}
	ops := make([]string, len(r.Operators))
	for i, o := range r.Operators {
		ops[i] = refKey(o)
	}
	p.keyed(&r.Row, colName, []string{fold(r.Name), r.District},
		[]string{r.Name, r.Kind, sorted(r.Industries), sorted(ops), r.EstablishedOn, strconv.Itoa(r.Capacity)})
	if p.ok {
		p.res.Bases = append(p.res.Bases, r)
	}
}

func (p *parser) recruitment() {
	r := RecruitmentRow{
		PersonName: p.name(colPersonName, 100),
		IDType:     IdentityType(p.term(colIDType, p.idTypes, true)),
	}
	if s, name, ok := p.required(colIDNumber); ok {
		n := normalizeIdentity(s)
		if r.IDType != "" {
			if b := identity(r.IDType, n, p.today); b != nil {
				p.problem(p.line, name, b)
			}
		}
		r.IDNumber = IdentityNumber(n)
	}
	if s, name, ok := p.required(colOrg); ok {
		ref, b := orgRef(s)
		if b != nil {
			p.problem(p.line, name, b)
		}
		r.Org = ref
	}
	if s, name, ok := p.required(colDate); ok {
		d, b := date(s, p.serials)
		if b != nil {
			p.problem(p.line, name, b)
		}
		r.Date = d
	}
	r.Origin = models.Origin(p.term(colOrigin, p.origins, true))
	r.Level = models.Level(p.term(colLevel, p.levels, false))
	r.District = p.term(colDistrict, p.districts, true)
	r.Industry = p.term(colIndustry, p.industries, true)
	if s, name := p.cell(colExternalRef); s != "" {
		if b := text(s, 100); b != nil {
			p.problem(p.line, name, b)
		}
		r.ExternalRef = s
	}
	if !p.ok {
		return
	}
	p.keyed(&r.Row, colIDNumber, []string{string(r.IDType), r.IDNumber.Reveal(), refKey(r.Org), r.Date},
		[]string{r.PersonName, string(r.Origin), string(r.Level), r.District, r.Industry, r.ExternalRef})
	if p.ok {
		p.res.Recruitments = append(p.res.Recruitments, r)
	}
}
