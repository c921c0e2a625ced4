package report_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/report"
)

// TestCSVNeutralisesFormulas: a cell that a spreadsheet would read as a
// formula (=, +, -, @, tab, carriage return first, after OWASP's CSV
// injection advice) is written with a leading apostrophe, so that it shows
// as text; numbers stay numbers.
func TestCSVNeutralisesFormulas(t *testing.T) {
	tax := models.DefaultTaxonomy()
	hostile := []string{`=HYPERLINK("https://evil.example","x")`, "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"}
	for i, label := range hostile {
		tax.Districts[i].ZH = label
	}
	var districts []models.Group
	for i := range hostile {
		districts = append(districts, models.Group{Key: tax.Districts[i].Key, Count: i + 1})
	}
	r := &models.Report{AsOf: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Year: 2025,
		Targets:    []models.TargetStatus{{Target: models.Target{Metric: "talents_imported", LabelZH: "=1+2", Goal: 1000}, Actual: -3, Percent: -0.5}},
		Breakdowns: []models.Breakdown{{By: models.ByDistrict, Groups: districts, Total: 21}}}
	var buf bytes.Buffer
	if err := report.CSV(&buf, r, &tax); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cells := 0
	for _, row := range rows {
		for _, cell := range row {
			cells++
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !isNumber(cell) {
				t.Errorf("a formula reaches the CSV: %q (row %q)", cell, row)
			}
		}
	}
	text := buf.String()
	for _, want := range []string{`'=HYPERLINK(`, `'+1+1`, `'-2+3`, `'@SUM(A1)`, "'\tcmd", `'=1+2`, ",-3,", ",-0.5,"} {
		if !strings.Contains(text, want) {
			t.Errorf("the CSV lacks %q:\n%s", want, text)
		}
	}
	if cells < 40 {
		t.Fatalf("only %d cells", cells)
	}
}

func isNumber(s string) bool {
	for i, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == '-' && i == 0) {
			return false
		}
	}
	return true
}

// TestXLSXWritesTextNotFormulas: in the workbook a creator's name or a
// label that looks like a formula is a text cell; no cell of it is a
// formula.
func TestXLSXWritesTextNotFormulas(t *testing.T) {
	tax := models.DefaultTaxonomy()
	tax.Districts[0].ZH = "=1+2"
	r := &models.Report{AsOf: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Year: 2025,
		Targets:    []models.TargetStatus{{Target: models.Target{Metric: "talents_imported", LabelZH: "=3+4", Goal: 1000}}},
		Breakdowns: []models.Breakdown{{By: models.ByDistrict, Groups: []models.Group{{Key: tax.Districts[0].Key, Count: 1}}, Total: 1}},
		Records: []models.ReportRecord{{Recruitment: models.Recruitment{ID: "r1", TalentName: `=HYPERLINK("https://evil.example")`,
			District: tax.Districts[0].Key, Date: "2025-01-02"}}}}
	var buf bytes.Buffer
	if err := report.XLSX(&buf, r, &tax); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/") || !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if strings.HasPrefix(f.Name, "xl/worksheets/") && bytes.Contains(b, []byte("<f>")) {
			t.Errorf("%s holds a formula", f.Name)
		}
		found += bytes.Count(b, []byte("HYPERLINK")) + bytes.Count(b, []byte("=1+2")) + bytes.Count(b, []byte("=3+4"))
	}
	if found < 3 {
		t.Fatalf("the hostile texts are not in the workbook (%d found)", found)
	}
}

// TestTheSameReportIsTheSameFile: a publication's workbook must be the same
// bytes every time it is made; excelize listed the image types of a
// workbook with a chart (the monthly sheet's) in a map's order.
func TestTheSameReportIsTheSameFile(t *testing.T) {
	tax := models.DefaultTaxonomy()
	months := models.Breakdown{By: models.ByMonth, Total: 3}
	for m := 1; m <= 12; m++ {
		months.Groups = append(months.Groups, models.Group{Key: fmt.Sprintf("%02d", m), Count: m % 2})
	}
	r := &models.Report{AsOf: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Year: 2025, Breakdowns: []models.Breakdown{months}}
	var first []byte
	for i := range 8 {
		var buf bytes.Buffer
		if err := report.XLSX(&buf, r, &tax); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.Bytes()
			if _, err := excelize.OpenReader(bytes.NewReader(first)); err != nil {
				t.Fatalf("the workbook does not open: %v", err)
			}
		} else if !bytes.Equal(buf.Bytes(), first) {
			t.Fatalf("write %d differs from the first", i+1)
		}
	}
}
