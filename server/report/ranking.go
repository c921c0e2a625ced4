package report

import (
	"fmt"
	"io"
	"math"

	"github.com/xuri/excelize/v2"

	"github.com/szdc/talenthub/models"
)

// rankingTexts are the ranking workbook's headings, by language.
var rankingTexts = map[string]map[string]string{
	models.LangZH: {
		"sheet": "排名", "reviewers": "评审人", "rank": "排名", "applicant": "申请方", "kind": "类型", "team": "团队", "alone": "个人",
		"status": "状态", "reviews": "评审数", "raw": "原始分（均值）", "normalised": "标准化分", "spread": "分差",
		"district": "所在区", "industry": "产业门类", "submitted": "提交时间", "message": "决定说明", "name": "评审人",
		"mean": "平均分", "sd": "标准差", "score": "评分：%s", "title": "「%s」的排名（%s）",
		"st.draft": "草稿", "st.submitted": "已提交", "st.accepted": "已录取", "st.waitlisted": "候补", "st.rejected": "未入选",
	},
	models.LangEN: {
		"sheet": "Ranking", "reviewers": "Reviewers", "rank": "Rank", "applicant": "Applicant", "kind": "Kind", "team": "Team", "alone": "Individual",
		"status": "Status", "reviews": "Reviews", "raw": "Raw score (mean)", "normalised": "Normalised score", "spread": "Spread",
		"district": "District", "industry": "Industry", "submitted": "Submitted", "message": "Decision message", "name": "Reviewer",
		"mean": "Mean", "sd": "Standard deviation", "score": "Score: %s", "title": "Ranking of “%s” (%s)",
		"st.draft": "Draft", "st.submitted": "Submitted", "st.accepted": "Accepted", "st.waitlisted": "Waitlisted", "st.rejected": "Not selected",
	},
}

// RankingXLSX writes a call's ranking as a workbook for its incubator, in
// lang: a row per submitted entry in the ranking's order, with its scores
// (raw, normalised, spread, and each reviewer's total), its answers to the
// call's questions and its decision; and a sheet of the reviewers' means
// and spreads. The figures are the ranking's, rounded to two places as the
// page shows them. What applicants wrote goes in as text cells (a
// leading "=" is not a formula in a cell written as a string).
func RankingXLSX(w io.Writer, r *models.Ranking, tax *models.Taxonomy, lang string) error {
	tx, ok := rankingTexts[lang]
	if !ok {
		tx = rankingTexts[models.LangZH]
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	sheet := tx["sheet"]
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	put := func(sheet string, row int, cells []any, style int) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
		if style == 0 || len(cells) == 0 {
			return nil
		}
		end, _ := excelize.CoordinatesToCellName(len(cells), row)
		return f.SetCellStyle(sheet, cell, end, style)
	}

	c := r.Call
	if err := put(sheet, 1, []any{fmt.Sprintf(tx["title"], c.Title, c.ID)}, bold); err != nil {
		return err
	}
	head := []any{tx["rank"], tx["applicant"], tx["kind"], tx["status"], tx["reviews"], tx["raw"], tx["normalised"], tx["spread"],
		tx["district"], tx["industry"], tx["submitted"], tx["message"]}
	for _, q := range c.Questions {
		head = append(head, q.Label)
	}
	for _, rv := range r.Reviewers {
		head = append(head, fmt.Sprintf(tx["score"], rv.Name))
	}
	if err := put(sheet, 3, head, bold); err != nil {
		return err
	}
	for i, it := range r.Items {
		e := it.Entry
		kind := tx["team"]
		if e.TeamID == "" {
			kind = tx["alone"]
		}
		status := e.Status
		if s, ok := tx["st."+e.Status]; ok {
			status = s
		}
		submitted := ""
		if e.SubmittedAt != nil {
			submitted = e.SubmittedAt.In(models.ChinaTime).Format("2006-01-02 15:04")
		}
		var normalised any = round2(it.Normalised)
		if r.NormalisedHidden {
			normalised = ""
		}
		row := []any{it.Rank, e.Name, kind, status, it.Reviews, round2(it.Raw), normalised, round2(it.Spread),
			models.Label(tax.Districts, e.District, lang), models.Label(tax.Industries, e.Industry, lang), submitted, e.Message}
		for _, q := range c.Questions {
			row = append(row, e.Answers[q.ID])
		}
		for _, rv := range r.Reviewers {
			var score any = ""
			for _, s := range it.Scores {
				if s.ReviewerID == rv.ReviewerID {
					score = round2(s.Raw)
				}
			}
			row = append(row, score)
		}
		if err := put(sheet, 4+i, row, 0); err != nil {
			return err
		}
	}
	_ = f.SetColWidth(sheet, "B", "B", 28)
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return err
	}

	rs := tx["reviewers"]
	if _, err := f.NewSheet(rs); err != nil {
		return err
	}
	if err := put(rs, 1, []any{tx["name"], tx["reviews"], tx["mean"], tx["sd"]}, bold); err != nil {
		return err
	}
	for i, rv := range r.Reviewers {
		if err := put(rs, 2+i, []any{rv.Name, rv.Reviews, round2(rv.Mean), round2(rv.SD)}, 0); err != nil {
			return err
		}
	}
	_ = f.SetColWidth(rs, "A", "A", 24)
	return f.Write(w)
}

// round2 is a score as the ranking page shows it.
func round2(x float64) float64 { return math.Round(x*100) / 100 }
