package intake

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/szdc/talenthub/models"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// source yields the rows of a sheet, the header first.
type source interface {
	// next returns the next row and its number as the sheet shows it;
	// io.EOF at the end. A *csv.ParseError names a row that could not be
	// read.
	next() ([]string, int, error)
	// serials reports whether numbers in date cells are Excel serials.
	serials() bool
	close()
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

func unsupported(format string, args ...any) error {
	return models.Errorf(models.CodeUnsupportedMediaType, format, args...)
}

// open tells the format by content and opens the first sheet.
func open(data []byte, o Options) (source, string, error) {
	switch {
	case bytes.HasPrefix(data, zipMagic):
		s, err := openXLSX(data, o)
		return s, "xlsx", err
	case bytes.HasPrefix(data, oleMagic):
		return nil, "", unsupported("this is a legacy Excel file (.xls) or another OLE document: save it as .xlsx or as CSV")
	}
	text, format, err := decodeText(data)
	if err != nil {
		return nil, "", err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sniffDelimiter(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	return &csvSource{r: r}, format, nil
}

// decodeText returns data as UTF-8 text, or refuses it.
func decodeText(data []byte) (string, string, error) {
	var (
		text   string
		format string
	)
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		format = "csv/utf-16le"
		e := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM)
		if data[0] == 0xFE {
			format = "csv/utf-16be"
			e = xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM)
		}
		b, err := e.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(b) || bytes.ContainsRune(b, utf8.RuneError) {
			return "", "", unsupported("the file starts as UTF-16 text but is not")
		}
		text = string(b)
	case utf8.Valid(data):
		format = "csv/utf-8"
		text = string(bytes.TrimPrefix(data, []byte("\uFEFF")))
	default:
		format = "csv/gb18030"
		b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(b, utf8.RuneError) {
			return "", "", unsupported("the file is neither a workbook (.xlsx) nor text in UTF-8, UTF-16 or GB18030")
		}
		text = string(b)
	}
	text = strings.TrimPrefix(text, "\uFEFF")
	if !isText(text) {
		return "", "", unsupported("the file is neither a workbook (.xlsx) nor CSV text: it holds control characters")
	}
	return text, format, nil
}

// isText rejects content with control characters other than tab and line
// ends: binary files that happen to decode.
func isText(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7F {
			return false
		}
	}
	return true
}

// sniffDelimiter returns the one of , \t ; the first line holds most of
// outside quotes (comma on a tie or when it holds none).
func sniffDelimiter(text string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range text {
		if r == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if r == '\n' || r == '\r' {
			break
		}
		if r == ',' || r == '\t' || r == ';' {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{'\t', ';'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// csvSource numbers rows as a spreadsheet shows the file: a record per
// row, and an empty line (which encoding/csv skips) a blank row.
type csvSource struct {
	r       *csv.Reader
	row     int // the last record's row
	lastEnd int // the line the last record ended on
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.r.Read()
	if err != nil {
		s.row++
		return rec, s.row, err
	}
	start, _ := s.r.FieldPos(0)
	s.row += 1 + max(start-s.lastEnd-1, 0)
	last := len(rec) - 1
	end, _ := s.r.FieldPos(last)
	s.lastEnd = end + strings.Count(rec[last], "\n")
	return rec, s.row, nil
}
func (s *csvSource) serials() bool { return false }
func (s *csvSource) close()        {}

type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	row  int
}

func openXLSX(data []byte, o Options) (source, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: o.MaxUnzipped, UnzipXMLSizeLimit: min(o.MaxUnzipped, 16<<20)})
	if err != nil {
		return nil, sizeOrFormat(err, o)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, unsupported("the workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, unsupported("the workbook's first sheet cannot be read: %v", err)
	}
	return &xlsxSource{f: f, rows: rows}, nil
}

func sizeOrFormat(err error, o Options) error {
	if strings.Contains(err.Error(), "unzip size") || errors.Is(err, excelize.ErrOptionsUnzipSizeLimit) {
		return models.Errorf(models.CodeTooLarge, "the workbook unzips to more than %d MiB", o.MaxUnzipped>>20)
	}
	return unsupported("the file is a zip but not an Excel workbook (.xlsx)")
}

func (s *xlsxSource) next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, s.row + 1, err
		}
		return nil, 0, io.EOF
	}
	s.row++
	cols, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	return cols, s.row, err
}

func (s *xlsxSource) serials() bool { return true }

func (s *xlsxSource) close() {
	s.rows.Close()
	s.f.Close()
}

// blank reports whether a row holds nothing but spaces.
func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimFunc(c, unicode.IsSpace) != "" {
			return false
		}
	}
	return true
}
