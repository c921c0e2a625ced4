package intake

import (
	"fmt"
	"strings"

	"github.com/szdc/talenthub/models"
	"github.com/xuri/excelize/v2"
)

// templateRows is how many rows the drop-down lists cover.
const templateRows = 5000

// exampleIdentity is a resident ID with a valid check character, the
// sample of GB 11643's documentation (not a real person's).
const exampleIdentity = "11010519491231002X"

// Template returns an XLSX to fill in for kind: on its first sheet the
// headers in lang ("zh", else English; required ones marked "*") and one
// example row, with drop-down lists for the taxonomy columns (a list
// column's drop-down suggests without refusing other text, since it may
// hold several values); on a second sheet the allowed values with their
// key and both labels. Retired terms are left out.
func Template(kind Kind, lang string, tax *models.Taxonomy) ([]byte, error) {
	if _, err := ParseKind(string(kind)); err != nil {
		return nil, err
	}
	if lang != "en" {
		lang = "zh"
	}
	if tax == nil {
		d := models.DefaultTaxonomy()
		tax = &d
	}
	f := excelize.NewFile()
	defer f.Close()
	names := map[Kind][2]string{KindOrgs: {"机构", "Organisations"}, KindBases: {"基地", "Bases"}, KindRecruitments: {"人才引进", "Recruitments"}}
	sheet, values := names[kind][0], "取值"
	if lang == "en" {
		sheet, values = names[kind][1], "Values"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(values); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": identity numbers stay text
	if err != nil {
		return nil, err
	}
	vocabs := templateVocabs(kind, tax)
	cols := columns[kind]
	example := exampleRow(kind, lang, tax)
	valueCol := 1
	for i, c := range cols {
		letter := columnLetter(i)
		h := c.header(lang)
		if c.required {
			h += " *"
		}
		if err := f.SetCellStr(sheet, letter+"1", h); err != nil {
			return nil, err
		}
		if err := f.SetCellStr(sheet, letter+"2", example[c.key]); err != nil {
			return nil, err
		}
		if err := f.SetColWidth(sheet, letter, letter, 20); err != nil {
			return nil, err
		}
		if c.key == colIDNumber || c.key == colDate || c.key == colEstablishedOn {
			if err := f.SetColStyle(sheet, letter, textStyle); err != nil {
				return nil, err
			}
		}
		terms, ok := vocabs[c.key]
		if !ok {
			continue
		}
		// The allowed values: the column's header, then key | 中文 | English.
		k, zh, en := columnLetter(valueCol-1), columnLetter(valueCol), columnLetter(valueCol+1)
		cells := map[string]string{k + "1": c.header(lang), k + "2": "key", zh + "2": "中文", en + "2": "English"}
		n := 0
		for _, t := range terms {
			if t.Retired {
				continue
			}
			row := fmt.Sprint(3 + n)
			cells[k+row], cells[zh+row], cells[en+row] = t.Key, t.ZH, t.EN
			n++
		}
		for cell, v := range cells {
			if err := f.SetCellStr(values, cell, v); err != nil {
				return nil, err
			}
		}
		if err := f.SetCellStyle(values, k+"1", en+"2", bold); err != nil {
			return nil, err
		}
		if err := f.SetColWidth(values, k, en, 24); err != nil {
			return nil, err
		}
		labels := zh
		if lang == "en" {
			labels = en
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", letter, letter, templateRows+1)
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$3:$%s$%d", values, labels, labels, 2+max(n, 1)))
		if !c.list {
			msg := "请从列表中选择（也可填写代码）"
			if lang == "en" {
				msg = "Choose from the list (or write the key)"
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, h, msg)
		}
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return nil, err
		}
		valueCol += 4
	}
	last := columnLetter(len(cols) - 1)
	if err := f.SetCellStyle(sheet, "A1", last+"1", bold); err != nil {
		return nil, err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// templateVocabs are the vocabularies of a kind's taxonomy columns.
func templateVocabs(kind Kind, tax *models.Taxonomy) map[string][]models.Term {
	switch kind {
	case KindOrgs:
		return map[string][]models.Term{colKind: tax.OrgKinds, colDistrict: tax.Districts, colIndustries: tax.Industries, colFlags: tax.OrgFlags}
	case KindBases:
		return map[string][]models.Term{colKind: tax.BaseKinds, colDistrict: tax.Districts, colIndustries: tax.Industries}
	}
	return map[string][]models.Term{colIDType: identityTypes, colOrigin: tax.Origins, colLevel: tax.Levels, colDistrict: tax.Districts, colIndustry: tax.Industries}
}

// exampleRow is the template's example, in lang.
func exampleRow(kind Kind, lang string, tax *models.Taxonomy) map[string]string {
	label := func(terms []models.Term, n int) string {
		var out []string
		for _, t := range terms {
			if !t.Retired && len(out) < n {
				if lang == "en" {
					out = append(out, t.EN)
				} else {
					out = append(out, t.ZH)
				}
			}
		}
		sep := "、"
		if lang == "en" {
			sep = "; "
		}
		return strings.Join(out, sep)
	}
	pick := func(zh, en string) string {
		if lang == "en" {
			return en
		}
		return zh
	}
	enterprise := pick("企业", "Enterprise")
	for _, t := range tax.OrgKinds {
		if t.Key == models.OrgEnterprise && !t.Retired {
			enterprise = pick(t.ZH, t.EN)
		}
	}
	switch kind {
	case KindOrgs:
		return map[string]string{colName: pick("深圳示例科技有限公司", "Shenzhen Example Technology Co., Ltd."), colKind: enterprise,
			colDistrict: label(tax.Districts, 1), colIndustries: label(tax.Industries, 2), colFlags: ""}
	case KindBases:
		return map[string]string{colName: pick("示例数字创意产业园", "Example Digital Creative Park"), colKind: label(tax.BaseKinds, 1),
			colDistrict: label(tax.Districts, 1), colIndustries: label(tax.Industries, 2),
			colOperators: pick("深圳示例科技有限公司", "Shenzhen Example Technology Co., Ltd."), colEstablishedOn: "2024-06-01", colCapacity: "300"}
	}
	return map[string]string{colPersonName: pick("张三", "Zhang San"), colIDType: label(identityTypes, 1), colIDNumber: exampleIdentity,
		colOrg: pick("深圳示例科技有限公司", "Shenzhen Example Technology Co., Ltd."), colDate: "2025-03-01",
		colOrigin: label(tax.Origins, 1), colLevel: label(tax.Levels, 1), colDistrict: label(tax.Districts, 1),
		colIndustry: label(tax.Industries, 1), colExternalRef: ""}
}
