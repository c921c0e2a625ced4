// Package report renders the bureau's recruitment report (models.Report,
// one snapshot of the figures) as an Excel workbook and as CSV, with
// Chinese headings and labels from the taxonomy. The numbers are the
// snapshot's, unchanged, so both agree with the API to the unit. It also
// renders a call's ranking as its incubator's workbook (ranking.go).
//
// It imports models and excelize only; the API and the web UI both use it.
package report

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/szdc/talenthub/models"
)

// Title is the heading of every report.
const Title = "深圳市数字创意产业人才与基地统计"

// dimSheets names each breakdown's sheet and the heading of its key.
var dimSheets = map[string][2]string{
	models.ByMonth:            {"按月份", "月份"},
	models.ByDistrict:         {"按区", "区"},
	models.ByIndustry:         {"按产业", "产业门类"},
	models.ByOrigin:           {"按来源", "来源"},
	models.ByLevel:            {"按层次", "人才层次"},
	models.ByDistrictIndustry: {"区×产业", "区 × 产业门类"},
}

var baseSheets = map[string][2]string{
	models.ByKind:     {"基地按类型", "基地类型"},
	models.ByDistrict: {"基地按区", "区"},
}

// labeler turns keys into Chinese labels.
type labeler struct{ t *models.Taxonomy }

func (l labeler) label(dim, key string) string {
	if l.t == nil {
		return key
	}
	switch dim {
	case models.ByMonth:
		n, _ := strconv.Atoi(key)
		return fmt.Sprintf("%d月", n)
	case models.ByDistrict:
		return models.Label(l.t.Districts, key, "zh")
	case models.ByIndustry:
		return models.Label(l.t.Industries, key, "zh")
	case models.ByOrigin:
		return models.Label(l.t.Origins, key, "zh")
	case models.ByLevel:
		if key == "flagged" {
			return "经认定的高端人才"
		}
		return models.Label(l.t.Levels, key, "zh")
	case models.ByKind:
		return models.Label(l.t.BaseKinds, key, "zh")
	case models.ByDistrictIndustry:
		d, i := models.SplitPair(key)
		return models.Label(l.t.Districts, d, "zh") + " × " + models.Label(l.t.Industries, i, "zh")
	}
	return key
}

// asOf is how reports print the time of the figures: Shenzhen time.
func asOf(t time.Time) string { return t.In(models.ChinaTime).Format("2006-01-02 15:04:05 (UTC+8)") }

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func statusLabel(s models.Status) string {
	switch s {
	case models.StatusReported:
		return "待核验"
	case models.StatusVerified:
		return "已核验"
	case models.StatusRejected:
		return "已驳回"
	}
	return string(s)
}

// CSVHeader is the header row of the CSV report.
var CSVHeader = []string{"类别", "键", "名称", "数量", "目标", "完成率(%)", "年末预测", "是否达标"}

// Categories of the CSV rows.
const (
	CSVTarget = "指标"
	CSVFinal  = "期末结果"
	CSVBase   = "基地"
)

// CSV writes the report as CSV: UTF-8 with a byte-order mark (so that Excel
// reads the Chinese), a title and time, then one row per target and per
// group of every breakdown.
func CSV(w io.Writer, r *models.Report, tax *models.Taxonomy) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	l := labeler{tax}
	rows := [][]string{
		{Title, strconv.Itoa(r.Year)},
		{"数据截至", asOf(r.AsOf)},
		{},
		CSVHeader,
	}
	for _, t := range r.Targets {
		rows = append(rows, []string{CSVTarget, t.Metric, t.LabelZH, num(t.Actual), num(t.Goal), num(t.Percent), num(t.Forecast), yesNo(t.OnTrack)})
	}
	// The result over each period that is over, as the dashboard shows it:
	// the count (for a yearly goal, the years that met it), the goal, met.
	for _, t := range r.Targets {
		if f := t.Final; f != nil {
			rows = append(rows, []string{CSVFinal, t.Metric, fmt.Sprintf("%s（%d-%d）", t.LabelZH, f.Period.From, f.Period.To), num(f.Actual), num(f.Goal), "", "", yesNo(f.Met)})
			for _, y := range f.Years {
				rows = append(rows, []string{CSVFinal, fmt.Sprintf("%s/%d", t.Metric, y.Year), fmt.Sprintf("%s（%d年）", t.LabelZH, y.Year), num(y.Actual), num(f.Goal), "", "", yesNo(y.Met)})
			}
		}
	}
	for _, b := range r.Breakdowns {
		cat := dimSheets[b.By][1]
		for _, g := range b.Groups {
			rows = append(rows, []string{cat, g.Key, l.label(b.By, g.Key), strconv.Itoa(g.Count)})
		}
		rows = append(rows, []string{cat, "total", "合计", strconv.Itoa(b.Total)})
	}
	for _, b := range r.Bases {
		cat := CSVBase + baseSheets[b.By][1]
		for _, g := range b.Groups {
			rows = append(rows, []string{cat, g.Key, l.label(b.By, g.Key), strconv.Itoa(g.Count)})
		}
		rows = append(rows, []string{cat, "total", "合计", strconv.Itoa(b.Total)})
	}
	// Every row as wide as the header, so that the file is one table; no
	// cell a spreadsheet would run as a formula.
	for i, r := range rows {
		for len(r) < len(CSVHeader) {
			r = append(r, "")
		}
		for j := range r {
			r[j] = SafeCell(r[j])
		}
		rows[i] = r
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return bw.Flush()
}

// SafeCell neutralises a CSV cell that a spreadsheet would read as a
// formula (OWASP, CSV injection): one that starts with =, +, -, @, a tab
// or a carriage return gets a leading apostrophe, so that it shows as the
// text it is. A plain number (-3, 0.5) stays a number. Labels and names
// come from editable taxonomies and targets, so every CSV cell passes
// here.
func SafeCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || plainNumber(s) {
		return s
	}
	return "'" + s
}

// plainNumber reports whether s is an optional minus, digits and at most
// one decimal point: what num and strconv.Itoa write.
func plainNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	digits, dots := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

// Sheet names of the workbook.
const (
	SheetSummary = "汇总"
	SheetFinal   = "期末结果"
	SheetRecords = "记录明细"
)

// SheetOf returns the sheet name of a recruitment breakdown.
func SheetOf(by string) string { return dimSheets[by][0] }

// XLSX writes the report as an Excel workbook: a summary of every target,
// a sheet per breakdown (the monthly one with a column chart), and the
// list of the year's records with whether each counts.
func XLSX(w io.Writer, r *models.Report, tax *models.Taxonomy) error {
	f := excelize.NewFile()
	defer f.Close()
	l := labeler{tax}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	head := func(sheet string, row int, cells []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
		end, _ := excelize.CoordinatesToCellName(len(cells), row)
		return f.SetCellStyle(sheet, cell, end, bold)
	}
	row := func(sheet string, n int, cells []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return f.SetSheetRow(sheet, cell, &cells)
	}

	// Summary.
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	if err := head(SheetSummary, 1, []any{fmt.Sprintf("%s（%d年）", Title, r.Year)}); err != nil {
		return err
	}
	if err := row(SheetSummary, 2, []any{"数据截至", asOf(r.AsOf)}); err != nil {
		return err
	}
	if err := head(SheetSummary, 4, []any{"指标", "指标代码", "期间", "目标", "实际", "完成率(%)", "年末预测", "是否达标", "计数单位"}); err != nil {
		return err
	}
	for i, t := range r.Targets {
		period := fmt.Sprintf("%d-%d", t.Period.From, t.Period.To)
		if err := row(SheetSummary, 5+i, []any{t.LabelZH, t.Metric, period, t.Goal, t.Actual, t.Percent, t.Forecast, yesNo(t.OnTrack), unitZH(t.Unit)}); err != nil {
			return err
		}
	}
	_ = f.SetColWidth(SheetSummary, "A", "A", 36)
	_ = f.SetColWidth(SheetSummary, "B", "I", 14)

	// The result over each period that is over.
	finals := 0
	for _, t := range r.Targets {
		if t.Final == nil {
			continue
		}
		if finals == 0 {
			if _, err := f.NewSheet(SheetFinal); err != nil {
				return err
			}
			if err := head(SheetFinal, 1, []any{"指标", "指标代码", "期间", "年度", "目标", "实际", "是否达成"}); err != nil {
				return err
			}
			_ = f.SetColWidth(SheetFinal, "A", "A", 36)
		}
		fr := t.Final
		period := fmt.Sprintf("%d-%d", fr.Period.From, fr.Period.To)
		finals++
		if err := row(SheetFinal, 1+finals, []any{t.LabelZH, t.Metric, period, "全期", fr.Goal, fr.Actual, yesNo(fr.Met)}); err != nil {
			return err
		}
		for _, y := range fr.Years {
			finals++
			if err := row(SheetFinal, 1+finals, []any{t.LabelZH, t.Metric, period, y.Year, fr.Goal, y.Actual, yesNo(y.Met)}); err != nil {
				return err
			}
		}
	}

	// Breakdowns.
	write := func(sheet, keyHead string, b models.Breakdown, dim string) error {
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		if err := row(sheet, 1, []any{"数据截至", asOf(b.AsOf)}); err != nil {
			return err
		}
		if err := head(sheet, 3, []any{keyHead, "键", "数量"}); err != nil {
			return err
		}
		for i, g := range b.Groups {
			if err := row(sheet, 4+i, []any{l.label(dim, g.Key), g.Key, g.Count}); err != nil {
				return err
			}
		}
		if err := head(sheet, 4+len(b.Groups), []any{"合计", "total", b.Total}); err != nil {
			return err
		}
		_ = f.SetColWidth(sheet, "A", "A", 28)
		return nil
	}
	for _, b := range r.Breakdowns {
		s := dimSheets[b.By]
		if err := write(s[0], s[1], b, b.By); err != nil {
			return err
		}
		if b.By == models.ByMonth && len(b.Groups) > 0 {
			last := 3 + len(b.Groups)
			err := f.AddChart(s[0], "E3", &excelize.Chart{
				Type: excelize.Col,
				Series: []excelize.ChartSeries{{
					Name:       fmt.Sprintf("'%s'!$C$3", s[0]),
					Categories: fmt.Sprintf("'%s'!$A$4:$A$%d", s[0], last),
					Values:     fmt.Sprintf("'%s'!$C$4:$C$%d", s[0], last),
				}},
				Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: fmt.Sprintf("%d年高端人才引进（按月）", r.Year)}}},
				Legend: excelize.ChartLegend{Position: "none"},
			})
			if err != nil {
				return err
			}
		}
	}
	for _, b := range r.Bases {
		s := baseSheets[b.By]
		if err := write(s[0], s[1], b, b.By); err != nil {
			return err
		}
	}

	// The record list, streamed: it may hold 100k rows.
	if _, err := f.NewSheet(SheetRecords); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetRecords)
	if err != nil {
		return err
	}
	header := []any{"记录编号", "日期", "人才", "人才编号", "机构编号", "来源", "层次", "经认定高端", "区", "产业门类", "状态", "是否计入"}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, rec := range r.Records {
		name := rec.TalentName
		if rec.Erased {
			name = "（已删除个人信息）"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		vals := []any{rec.ID, rec.Date, name, rec.TalentID, rec.OrgID, l.label(models.ByOrigin, string(rec.Origin)),
			string(rec.Level), yesNo(rec.HighEnd), l.label(models.ByDistrict, rec.District), l.label(models.ByIndustry, rec.Industry),
			statusLabel(rec.Status), yesNo(rec.Counts)}
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	out, err := steadyContentTypes(buf.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

var defaultTypes = regexp.MustCompile(`(?:<Default Extension="[^"]*" ContentType="[^"]*"></Default>)+`)
var defaultType = regexp.MustCompile(`<Default Extension="[^"]*" ContentType="[^"]*"></Default>`)

// steadyContentTypes makes the same report the same bytes: excelize lists
// the image types of a workbook with a chart in [Content_Types].xml in the
// order of a map's iteration, so two writes of one report differed there
// (and a publication's workbook must be the same file every time). The
// entries are sorted; the rest of the archive is copied as it is.
func steadyContentTypes(book []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if f.Name == "[Content_Types].xml" {
			body = defaultTypes.ReplaceAllFunc(body, func(run []byte) []byte {
				items := defaultType.FindAll(run, -1)
				slices.SortFunc(items, bytes.Compare)
				return bytes.Join(items, nil)
			})
		}
		hdr := f.FileHeader
		fw, err := zw.CreateHeader(&hdr)
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(body); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func unitZH(u string) string {
	switch u {
	case "talents":
		return "人"
	case "bases":
		return "个基地"
	case "organisations":
		return "家机构"
	case "organisations reaching the goal":
		return "家达标企业"
	}
	return u
}
