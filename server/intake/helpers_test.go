package intake

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

func taxonomy() *models.Taxonomy {
	t := models.DefaultTaxonomy()
	return &t
}

// csvOf writes rows as CSV (UTF-8, no BOM).
func csvOf(t testing.TB, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func withBOM(b []byte) []byte { return append([]byte("\uFEFF"), b...) }

func gb18030(t testing.TB, b []byte) []byte {
	t.Helper()
	out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func utf16le(t testing.TB, b []byte) []byte {
	t.Helper()
	out, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// xlsxOf writes rows into the first sheet of a workbook with the stream
// writer (as Excel would store them: strings as strings; a cell given as
// any other value keeps its type).
func xlsxOf(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func anyRows(rows [][]string) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = make([]any, len(r))
		for j, c := range r {
			out[i][j] = c
		}
	}
	return out
}

func parse(t testing.TB, data []byte, kind Kind) *Result {
	t.Helper()
	res, err := Parse(data, kind, taxonomy())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return res
}

func problems(r *Result) string {
	var b bytes.Buffer
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "\n  row %d, %q: %s [%s] %s", p.Row, p.Column, p.Code, p.Param, p.Message)
	}
	return b.String()
}

// validIdentity returns the n-th valid resident ID (born in 1990), for n
// below 336,000.
func validIdentity(n int) string {
	d17 := fmt.Sprintf("4403051990%02d%02d%03d", 1+n/28000%12, 1+n/1000%28, n%1000)
	return d17 + string(residentCheck(d17))
}
