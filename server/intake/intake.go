// Package intake reads the bureau's spreadsheets — one kind of record per
// file: organisations (orgs), bases (bases) or recruitment records
// (recruitments) — into typed, validated rows, or into a list of problems
// that each name a row and a column. It touches no database and no HTTP:
// a service resolves organisation names, hashes identity numbers and
// stores; a handler maps the returned *models.Error codes to statuses.
//
// The rules it applies:
//
//   - Formats are told by content, never by name: a zip (PK\x03\x04) is
//     read as XLSX (its first sheet, raw cell values, so that dates arrive
//     as Excel serial numbers); anything else must be text and is read as
//     CSV. A legacy .xls (OLE2), a zip that is not a workbook and binary
//     content are refused with models.CodeUnsupportedMediaType.
//   - CSV encodings: UTF-16 LE or BE with their byte-order mark; else
//     valid UTF-8 (a leading BOM dropped); else GB18030 (what Excel writes
//     on a Chinese Windows), which must decode without replacement
//     characters or control characters. The delimiter is the one of comma,
//     tab and semicolon that the header row holds most of.
//   - Limits (Options, DefaultOptions): 20 MiB of file, 100,000 rows after
//     the header, 200 MiB unzipped for an XLSX; beyond them the whole file
//     is refused with models.CodeTooLarge. At most 1,000 problems are
//     listed (Result.Truncated says more were found).
//   - Row 1 holds the headers, in any order, in Chinese or English or as
//     the field keys, matched after width and case folding and dropping
//     spaces, "_", "-", "'" and "*" (the template marks required columns
//     with "*"). An unknown header, a header given twice and a
//     missing required column are problems of row 1. Blank rows are
//     skipped.
//   - Taxonomy cells accept a term's key, its Chinese or English label and
//     short forms of the labels: without a parenthesised part
//     ("海外（含港澳台）" → "海外") and without the suffix 区, 新区 or
//     特别合作区 ("南山区" → "南山"), all compared folded as headers are. A
//     cell that names several terms is a problem (models.RuleAmbiguous),
//     never a guess; a retired term is refused. List cells (industries,
//     flags) split on 、，,;；/ and newlines; a "/" inside a term's own
//     label ("VR/AR/MR") is kept when the joined pieces name a term.
//     Operators split the same way but not on "/". Repeated values in a
//     list are dropped.
//   - An organisation (a recruitment's, a base's operators) is an id when
//     it is 24 hexadecimal digits, else a name for the service to resolve.
//   - Dates: 2025-03-01, 2025-3-1, 2025/3/1, 2025.3.1, 2025年3月1日 (a
//     day between 1900 and 2100), and an XLSX cell holding an Excel serial
//     date number. Numbers are whole, with optional thousands separators.
//   - Identity documents: the type is 居民身份证 (resident_id), 护照
//     (passport) or 港澳台通行证 (hmt_permit), by key or label. Numbers are
//     normalised (spaces and hyphens dropped, full-width folded,
//     upper-cased). A resident ID has 17 digits and a check character
//     (ISO 7064 MOD 11-2, X for 10), a first digit 1-9 and a birth date
//     (characters 7-14) between 1900-01-01 and today. A passport is 5-20
//     letters and digits with at least one digit. An HK/Macao/Taiwan
//     permit is H or M and 8 digits with 2 optional issue digits
//     (港澳居民来往内地通行证), or 8 or 10 digits (台湾居民来往大陆通行证).
//     The number stays in the row as an IdentityNumber, which prints
//     masked; messages never repeat it.
//   - Every problem is {row, column, code, param, message}: the row as the
//     sheet numbers it (the header is 1), the column's header as written,
//     a models.Rule, its parameter and an English message.
//   - Each row carries a key (an identity: orgs by name, bases by name and
//     district, recruitments by identity document, organisation and date)
//     and a content hash of the other fields, both over keys (not labels),
//     so that an import can tell new, unchanged and corrected rows. Two rows
//     with one key in a file are a problem of the later row. Keys and
//     hashes are 128 bits (hex) of HMAC-SHA256 under Options.KeySecret, or
//     of plain SHA-256 without one.
package intake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
	"strings"
	"time"

	"github.com/szdc/talenthub/models"
)

// Kind is the kind of records a file holds.
type Kind string

// The kinds of import.
const (
	KindOrgs         Kind = "orgs"
	KindBases        Kind = "bases"
	KindRecruitments Kind = "recruitments"
)

// Kinds lists every kind.
var Kinds = []Kind{KindOrgs, KindBases, KindRecruitments}

// ParseKind returns the kind named s, or models.CodeNotFound.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", models.Errorf(models.CodeNotFound, "no import of kind %q: use orgs, bases or recruitments", s)
}

// Problem is what is wrong with one cell (or, with row 1, one column).
type Problem struct {
	// Row is the row as the sheet numbers it: the header is 1.
	Row int `json:"row"`
	// Column is the column's header as written ("" for the whole row).
	Column string `json:"column"`
	// Code is the rule broken; the UI shows "form.rule.<code>".
	Code models.Rule `json:"code"`
	// Param is the rule's parameter (a range, a length, the keys).
	Param string `json:"param"`
	// Message says it in English.
	Message string `json:"message"`
}

// Row is what every kind of row carries.
type Row struct {
	// Line is the row's number in the sheet (the header is 1).
	Line int `json:"row"`
	// Key identifies the record (hex): the same key in a later import is
	// the same record.
	Key string `json:"key"`
	// Hash is the hash (hex) of the rest: same key and hash is unchanged,
	// same key and another hash a correction.
	Hash string `json:"hash"`
}

// OrgRef names an organisation by id (24 hexadecimal digits, lower case)
// or by name; the service resolves a name.
type OrgRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

func (r OrgRef) String() string {
	if r.ID != "" {
		return r.ID
	}
	return r.Name
}

// OrgRow is one organisation.
type OrgRow struct {
	Row
	models.OrgInput
}

// BaseRow is one base. Its operators are ids or names; the service
// resolves names into BaseInput.OperatorOrgIDs.
type BaseRow struct {
	Row
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`
	District      string   `json:"district"`
	Industries    []string `json:"industries"`
	Operators     []OrgRef `json:"operators"`
	EstablishedOn string   `json:"established_on"`
	Capacity      int      `json:"capacity"`
}

// IdentityType is the kind of an identity document.
type IdentityType string

// The identity documents.
const (
	IDResident  IdentityType = models.IDResident  // 居民身份证
	IDPassport  IdentityType = models.IDPassport  // 护照
	IDHMTPermit IdentityType = models.IDHMTPermit // 港澳台通行证
)

// IdentityNumber is a normalised identity document number. It prints and
// marshals masked (first 4 and last 2 characters); Reveal returns it, for
// hashing only.
type IdentityNumber string

// Reveal returns the number.
func (n IdentityNumber) Reveal() string { return string(n) }

// String returns the number masked.
func (n IdentityNumber) String() string {
	s := string(n)
	if len(s) <= 6 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + strings.Repeat("*", len(s)-6) + s[len(s)-2:]
}

// GoString masks too (%#v).
func (n IdentityNumber) GoString() string { return n.String() }

// MarshalJSON writes the number masked.
func (n IdentityNumber) MarshalJSON() ([]byte, error) { return []byte(`"` + n.String() + `"`), nil }

// RecruitmentRow is one recruitment record.
type RecruitmentRow struct {
	Row
	PersonName string         `json:"person_name"`
	IDType     IdentityType   `json:"id_type"`
	IDNumber   IdentityNumber `json:"id_number"`
	Org        OrgRef         `json:"org"`
	Date       string         `json:"date"`
	Origin     models.Origin  `json:"origin"`
	Level      models.Level   `json:"level"`
	District   string         `json:"district"`
	Industry   string         `json:"industry"`
	// ExternalRef is the reporting body's own reference, if given.
	ExternalRef string `json:"external_ref"`
}

// Result is a read file: the valid rows of its kind and the problems. A
// row with a problem is not among the rows.
type Result struct {
	Kind Kind `json:"kind"`
	// Format is "xlsx", "csv/utf-8", "csv/gb18030", "csv/utf-16le" or
	// "csv/utf-16be".
	Format string `json:"format"`
	// Rows counts the data rows read (blank rows excepted).
	Rows         int              `json:"rows"`
	Orgs         []OrgRow         `json:"orgs,omitempty"`
	Bases        []BaseRow        `json:"bases,omitempty"`
	Recruitments []RecruitmentRow `json:"recruitments,omitempty"`
	Problems     []Problem        `json:"problems"`
	// Truncated is true when more problems were found than listed.
	Truncated bool `json:"truncated,omitempty"`
	// Columns are the headers as written (or, for a missing column, in the
	// sheet's language), by column key: what the service names in the
	// problems it finds (an organisation that does not exist).
	Columns map[string]string `json:"-"`
}

// OK reports whether the file had no problem.
func (r *Result) OK() bool { return len(r.Problems) == 0 }

// Options bound a read.
type Options struct {
	MaxBytes    int   // the largest file
	MaxRows     int   // the most rows after the header
	MaxUnzipped int64 // the most bytes an XLSX may unzip to
	MaxProblems int   // the most problems listed
	// KeySecret, if set, makes row keys and hashes HMAC-SHA256 under it,
	// so that a key cannot be reversed by trying identity numbers.
	KeySecret []byte
}

// DefaultOptions are the limits of an upload.
var DefaultOptions = Options{MaxBytes: 20 << 20, MaxRows: 100_000, MaxUnzipped: 200 << 20, MaxProblems: 1000}

// Parse reads data as a spreadsheet of kind against tax with
// DefaultOptions. See Options.Parse.
func Parse(data []byte, kind Kind, tax *models.Taxonomy) (*Result, error) {
	return DefaultOptions.Parse(data, kind, tax)
}

// Parse reads data as a spreadsheet of kind against tax. The error is a
// *models.Error for a file refused as a whole (CodeNotFound for an unknown
// kind, CodeTooLarge, CodeUnsupportedMediaType); problems of rows and
// cells are in the Result, whose rows are those without a problem.
func (o Options) Parse(data []byte, kind Kind, tax *models.Taxonomy) (*Result, error) {
	if _, err := ParseKind(string(kind)); err != nil {
		return nil, err
	}
	if tax == nil {
		d := models.DefaultTaxonomy()
		tax = &d
	}
	o.fill()
	if len(data) > o.MaxBytes {
		return nil, models.Errorf(models.CodeTooLarge, "the file has %d bytes; the most is %d (%d MiB)", len(data), o.MaxBytes, o.MaxBytes>>20)
	}
	src, format, err := open(data, o)
	if err != nil {
		return nil, err
	}
	defer src.close()
	p := newParser(kind, tax, o)
	res := &Result{Kind: kind, Format: format, Problems: []Problem{}}
	p.res = res
	if err := p.run(src); err != nil {
		return nil, err
	}
	return res, nil
}

func (o *Options) fill() {
	d := DefaultOptions
	if o.MaxBytes <= 0 {
		o.MaxBytes = d.MaxBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = d.MaxRows
	}
	if o.MaxUnzipped <= 0 {
		o.MaxUnzipped = d.MaxUnzipped
	}
	if o.MaxProblems <= 0 {
		o.MaxProblems = d.MaxProblems
	}
}

// hasher makes row keys and content hashes.
type hasher struct {
	h   hash.Hash
	buf []byte
	sum []byte
}

func newHasher(secret []byte) *hasher {
	if len(secret) > 0 {
		return &hasher{h: hmac.New(sha256.New, secret)}
	}
	return &hasher{h: sha256.New()}
}

// of hashes the parts, each length-prefixed so that no two lists of parts
// hash alike, and returns 32 hexadecimal digits (128 bits).
func (h *hasher) of(kind Kind, what string, parts ...string) string {
	b := h.buf[:0]
	b = append(append(append(append(b, kind...), 0), what...), 0)
	for _, s := range parts {
		b = append(append(append(strconv.AppendInt(b, int64(len(s)), 10), ':'), s...), ';')
	}
	h.buf = b
	h.h.Reset()
	h.h.Write(b)
	h.sum = h.h.Sum(h.sum[:0])
	return hex.EncodeToString(h.sum[:16])
}

// Fold is the form names and labels are compared in: width and case
// folded, spaces and the punctuation of headers dropped.
func Fold(s string) string { return fold(s) }

// CheckIdentity normalises and checks an identity document's number
// (Parse's rules) for a type of models.IdentityTypes: the normalised
// number, or a models.CodeValidation error on the field "number" whose
// message never repeats it.
func CheckIdentity(idType, number string, today time.Time) (string, error) {
	n := normalizeIdentity(number)
	if b := identity(IdentityType(idType), n, today); b != nil {
		return "", &models.Error{Code: models.CodeValidation, Message: "some fields are invalid",
			Fields: map[string]string{"number": b.msg}, Rules: map[string]models.FieldRule{"number": {Rule: b.rule, Param: b.param}}}
	}
	return n, nil
}
