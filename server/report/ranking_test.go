package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/report"
)

// TestRankingWorkbook: the ranking's rows in its order, with the scores
// rounded as the page shows them, each reviewer's total in their column
// (blank where they did not score), the answers in the questions' columns
// as text (a leading "=" is no formula), the labels of the taxonomy, and
// the reviewers' sheet, headed in the language asked; a normalised score
// the reader may not see is blank.
func TestRankingWorkbook(t *testing.T) {
	tax := models.DefaultTaxonomy()
	at := time.Date(2025, 3, 1, 2, 30, 0, 0, time.UTC) // 10:30 in Shenzhen
	hostile := `=HYPERLINK("https://evil.example","点我")`
	r := &models.Ranking{
		Call: &models.Call{ID: "c1", Title: "星河孵化营", Questions: []models.Question{{ID: "pitch", Kind: "text", Label: "一句话介绍"},
			{ID: "size", Kind: "number", Label: "团队人数"}}},
		Items: []models.RankedEntry{
			{Rank: 1, Reviews: 2, Raw: 8.125, Normalised: 0.70710678, Spread: 1.25, Entry: &models.Entry{Name: "山海团队", TeamID: "t1",
				Status: "accepted", District: "nanshan", Industry: "games", SubmittedAt: &at, Message: "欢迎加入",
				Answers: map[string]string{"pitch": hostile, "size": "007"}},
				Scores: []models.RankedScore{{ReviewerID: "r1", Raw: 7.5}, {ReviewerID: "r2", Raw: 8.75}}},
			{Rank: 2, Reviews: 1, Raw: 6, Normalised: -0.70710678, Entry: &models.Entry{Name: "李四", Status: "submitted",
				Answers: map[string]string{"pitch": "独立开发"}},
				Scores: []models.RankedScore{{ReviewerID: "r2", Raw: 6}}},
		},
		Reviewers: []models.ReviewerStats{{ReviewerID: "r1", Name: "严评审", Reviews: 1, Mean: 7.5}, {ReviewerID: "r2", Name: "宽评审", Reviews: 2, Mean: 7.375, SD: 1.375}},
	}
	open := func(lang string, r *models.Ranking) *excelize.File {
		t.Helper()
		var buf bytes.Buffer
		if err := report.RankingXLSX(&buf, r, &tax, lang); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}

	f := open(models.LangZH, r)
	if got := strings.Join(f.GetSheetList(), ","); got != "排名,评审人" {
		t.Fatalf("sheets: %s", got)
	}
	rows, err := f.GetRows("排名")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"「星河孵化营」的排名（c1）"},
		nil,
		{"排名", "申请方", "类型", "状态", "评审数", "原始分（均值）", "标准化分", "分差", "所在区", "产业门类", "提交时间", "决定说明", "一句话介绍", "团队人数", "评分：严评审", "评分：宽评审"},
		{"1", "山海团队", "团队", "已录取", "2", "8.13", "0.71", "1.25", "南山区", "游戏", "2025-03-01 10:30", "欢迎加入", hostile, "007", "7.5", "8.75"},
		{"2", "李四", "个人", "已提交", "1", "6", "-0.71", "0", "", "", "", "", "独立开发", "", "", "6"},
	}
	for i, w := range want {
		var got []string
		if i < len(rows) {
			got = rows[i]
		}
		if strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, got, w)
		}
	}
	if formula, _ := f.GetCellFormula("排名", "M4"); formula != "" {
		t.Errorf("an answer became a formula: %q", formula)
	}
	if typ, _ := f.GetCellType("排名", "E4"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("the number of reviews is text, not a number")
	}
	reviewers, _ := f.GetRows("评审人")
	if got := strings.Join(reviewers[2], "|"); got != "宽评审|2|7.38|1.38" {
		t.Errorf("the reviewers' sheet: %q", reviewers)
	}

	// In English; and for a reader who may not see the normalised scores.
	r.NormalisedHidden = true
	f = open(models.LangEN, r)
	rows, _ = f.GetRows("Ranking")
	if len(rows) < 4 || rows[2][1] != "Applicant" || rows[3][2] != "Team" || rows[3][3] != "Accepted" || rows[3][6] != "" || rows[3][8] != "Nanshan" {
		t.Errorf("the English workbook: %q", rows)
	}
}
