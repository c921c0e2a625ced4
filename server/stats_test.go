package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/report"
)

// statsWorld has verified records in 2025 for several talents, districts
// and levels, and bases of each kind.
func statsWorld(t *testing.T) *world {
	w := newWorld(t)
	ctx := w.ctx()
	type r struct {
		date, district, industry string
		level                    models.Level
		origin                   models.Origin
		status                   models.Status
	}
	talents := []string{}
	for i := range 6 {
		_, u := w.throwaway(creator)
		tl, err := w.e.svc.Talents.Create(ctx, u, models.TalentInput{Name: fmt.Sprintf("人才%d", i), Visibility: models.VisibilityPublic})
		w.must(err)
		talents = append(talents, tl.ID)
	}
	rows := []r{
		{"2025-01-05", "nanshan", "games", "A", "overseas", models.StatusVerified},
		{"2025-02-10", "futian", "animation", "B", "domestic", models.StatusVerified},
		{"2025-02-11", "futian", "animation", "C", "domestic", models.StatusVerified},
		{"2025-03-01", "nanshan", "games", "", "domestic", models.StatusVerified},  // not high-end
		{"2025-12-31", "luohu", "film_tv", "B", "overseas", models.StatusVerified}, // last day counts in 2025
		{"2026-01-01", "luohu", "film_tv", "B", "overseas", models.StatusVerified}, // first day counts in 2026
	}
	for i, row := range rows {
		rec, err := w.e.svc.Recruitments.Report(ctx, w.users[member], models.RecruitmentInput{TalentID: talents[i], OrgID: w.o1.ID, Date: row.date,
			Origin: row.origin, Level: row.level, District: row.district, Industry: row.industry})
		w.must(err)
		_, err = w.e.svc.Recruitments.Decide(ctx, w.users[bureau], rec.ID, models.DecisionInput{Decision: row.status, Reason: "ok"})
		w.must(err)
	}
	// Talent 0 reported again by the other organisation: still one talent.
	rec, err := w.e.svc.Recruitments.Report(ctx, w.users[member2], models.RecruitmentInput{TalentID: talents[0], OrgID: w.o2.ID, Date: "2025-06-01",
		Origin: "overseas", Level: "A", District: "futian", Industry: "games"})
	w.must(err)
	_, err = w.e.svc.Recruitments.Decide(ctx, w.users[bureau], rec.ID, models.DecisionInput{Decision: models.StatusVerified})
	w.must(err)
	// A pending report and a rejected one do not count.
	_, err = w.e.svc.Recruitments.Report(ctx, w.users[member], models.RecruitmentInput{TalentID: talents[3], OrgID: w.o1.ID, Date: "2025-04-01",
		Origin: "domestic", Level: "A", District: "nanshan", Industry: "games"})
	w.must(err)
	for _, kind := range []string{models.BaseInnovation, models.BaseTraining, models.BaseThemePark} {
		b, err := w.e.svc.Bases.Create(ctx, w.users[member], models.BaseInput{Name: kind, Kind: kind, District: "nanshan", OperatorOrgIDs: []string{w.o1.ID, w.o2.ID}})
		w.must(err)
		_, err = w.e.svc.Bases.Decide(ctx, w.users[bureau], b.ID, models.DecisionInput{Decision: models.StatusVerified})
		w.must(err)
	}
	return w
}

func TestStatsAPI(t *testing.T) {
	w := statsWorld(t)
	e, B := w.e, w.tokens[bureau]

	r := e.call("GET", "/api/v1/stats/recruitment?year=2025&by=district", B, nil)
	check(t, "by district", r, 200, "")
	if r.body["total"] != 4.0 || r.str("as_of") == "" {
		t.Fatalf("2025 by district: %s", r.raw)
	}
	counts := map[string]float64{}
	for _, g := range r.body["groups"].([]any) {
		gm := g.(map[string]any)
		counts[gm["key"].(string)] = gm["count"].(float64)
	}
	if counts["nanshan"] != 1 || counts["futian"] != 2 || counts["luohu"] != 1 {
		t.Errorf("districts: %v", counts)
	}
	if r := e.call("GET", "/api/v1/stats/recruitment?year=2026&by=month", B, nil); r.body["total"] != 1.0 {
		t.Errorf("2026: %s", r.raw)
	}
	r = e.call("GET", "/api/v1/stats/recruitment?year=2025&by=district_industry", B, nil)
	if r.body["total"] != 4.0 || !strings.Contains(r.raw, `"district":"futian","industry":"animation"`) {
		t.Errorf("cross: %s", r.raw)
	}
	check(t, "unknown dimension", e.call("GET", "/api/v1/stats/recruitment?by=colour", B, nil), 400, "bad_request")
	check(t, "bad year", e.call("GET", "/api/v1/stats/recruitment?year=1999", B, nil), 400, "bad_request")

	r = e.call("GET", "/api/v1/stats/bases?by=kind", B, nil)
	if r.body["total"] != 3.0 {
		t.Errorf("bases: %s", r.raw)
	}

	r = e.call("GET", "/api/v1/targets?year=2025", B, nil)
	check(t, "targets", r, 200, "")
	got := map[string]map[string]any{}
	for _, it := range r.body["items"].([]any) {
		m := it.(map[string]any)
		got[m["metric"].(string)] = m
	}
	if len(got) != 6 {
		t.Fatalf("targets: %s", r.raw)
	}
	ti := got["talents_imported"]
	if ti["actual"] != 4.0 || ti["goal"] != 1000.0 || ti["percent"] != 0.4 || ti["in_period"] != true || ti["as_of"] == nil {
		t.Errorf("talents_imported: %v", ti)
	}
	// The bases were verified this year (2026): they count from 2026 on.
	if got["innovation_bases"]["actual"] != 0.0 || got["theme_parks"]["actual"] != 0.0 {
		t.Errorf("2025 bases targets: %v %v", got["innovation_bases"], got["theme_parks"])
	}
	r = e.call("GET", "/api/v1/targets?year=2026", B, nil)
	for _, it := range r.body["items"].([]any) {
		m := it.(map[string]any)
		want := map[string]float64{"innovation_bases": 1, "theme_parks": 1, "cooperation_bases": 0, "talents_imported": 1}[m["metric"].(string)]
		if m["metric"] != "training_bases_per_leading_enterprise" && m["metric"] != "brands" && m["actual"] != want {
			t.Errorf("2026 %s = %v, want %v", m["metric"], m["actual"], want)
		}
	}

	// A correction moves the count at once, in every figure.
	r = e.call("GET", "/api/v1/recruitments?year=2025&district=luohu", B, nil)
	id := r.body["items"].([]any)[0].(map[string]any)["id"].(string)
	check(t, "revoke", e.call("POST", "/api/v1/recruitments/"+id+"/corrections", B, map[string]any{"reason": "重复上报", "status": "rejected"}), 200, "")
	if r := e.call("GET", "/api/v1/stats/recruitment?year=2025&by=origin", B, nil); r.body["total"] != 3.0 {
		t.Errorf("after revoking: %s", r.raw)
	}

	// Targets are data: admins edit goals and add metrics.
	A := w.tokens[admin]
	r = e.call("PUT", "/api/v1/targets/overseas_talents", A, map[string]any{"kind": "talents_per_year", "label_zh": "海外人才", "label_en": "Overseas talents",
		"period": map[string]any{"from": 2025, "to": 2027}, "goal": 300, "origin": "overseas"})
	check(t, "add a metric", r, 200, "")
	r = e.call("GET", "/api/v1/targets?year=2025", B, nil)
	if !strings.Contains(r.raw, `"metric":"overseas_talents"`) {
		t.Fatalf("new metric missing: %s", r.raw)
	}
	for _, it := range r.body["items"].([]any) {
		if m := it.(map[string]any); m["metric"] == "overseas_talents" && m["actual"] != 1.0 {
			t.Errorf("overseas talents: %v", m)
		}
	}
	check(t, "change a metric's kind", e.call("PUT", "/api/v1/targets/brands", A, map[string]any{"kind": "bases", "label_zh": "x", "label_en": "x",
		"period": map[string]any{"from": 2022, "to": 2025}, "goal": 3, "base_kind": "training"}), 409, "conflict")
	check(t, "bad period", e.call("PUT", "/api/v1/targets/brands", A, map[string]any{"kind": "orgs_flagged", "label_zh": "x", "label_en": "x",
		"period": map[string]any{"from": 2026, "to": 2022}, "goal": 3, "org_flag": "brand"}), 422, "validation_failed")
	check(t, "bad metric name", e.call("PUT", "/api/v1/targets/Bad-Name!", A, map[string]any{"kind": "orgs_flagged", "label_zh": "x", "label_en": "x",
		"period": map[string]any{"from": 2022, "to": 2025}, "goal": 3, "org_flag": "brand"}), 400, "bad_request")

	r = e.call("POST", "/api/v1/admin/recount", A, nil)
	check(t, "recount", r, 200, "")
	if d := r.body["differences"].([]any); len(d) != 0 || r.body["checked"].(float64) < 10 {
		t.Fatalf("recount: %s", r.raw)
	}
	check(t, "lagging", e.call("GET", "/api/v1/stats/lagging?year=2025", B, nil), 200, "")
}

// The lagging view counts whole people: 2025 is over (the tests run after
// it), so each of the taxonomy's 12 districts expects 1000 / 12 = 83.3 →
// 83 people and each of its 14 industries 1000 / 14 = 71.4 → 71 (no 2024
// to weigh by); the shortfall is that less the count.
func TestLaggingIsInWholePeople(t *testing.T) {
	w := statsWorld(t)
	e, B := w.e, w.tokens[bureau]
	r := e.call("GET", "/api/v1/stats/lagging?year=2025", B, nil)
	check(t, "lagging", r, 200, "")
	rows := func(key string) map[string][2]float64 {
		out := map[string][2]float64{}
		for _, x := range r.body[key].([]any) {
			m := x.(map[string]any)
			out[m["key"].(string)] = [2]float64{m["expected"].(float64), m["shortfall"].(float64)}
		}
		return out
	}
	districts := rows("districts")
	want := map[string][2]float64{"nanshan": {83, 82}, "futian": {83, 81}, "luohu": {83, 82}, "longgang": {83, 83}, "dapeng": {83, 83}}
	if len(districts) != 12 {
		t.Errorf("lagging districts %d, want the 12 of the taxonomy: %s", len(districts), r.raw)
	}
	for k, v := range want {
		if districts[k] != v {
			t.Errorf("%s: expected, shortfall %v, want %v", k, districts[k], v)
		}
	}
	industries := rows("industries")
	if len(industries) != 14 || industries["animation"] != [2]float64{71, 69} || industries["esports"] != [2]float64{71, 71} {
		t.Errorf("lagging industries: %v", industries)
	}
	// Outside the plan's period there is no goal to lag behind.
	r = e.call("GET", "/api/v1/stats/lagging?year=2021", B, nil)
	if len(r.body["districts"].([]any))+len(r.body["industries"].([]any)) != 0 {
		t.Errorf("2021 lags: %s", r.raw)
	}
}

// The plan's period 2022-2025 is over (the tests run after it): every
// target carries its final result.
func TestTargetsCarryTheFinalResult(t *testing.T) {
	w := statsWorld(t)
	r := w.e.call("GET", "/api/v1/targets?year=2025", w.tokens[bureau], nil)
	check(t, "targets", r, 200, "")
	for _, it := range r.body["items"].([]any) {
		m := it.(map[string]any)
		f, _ := m["final"].(map[string]any)
		if f == nil || f["met"] != false {
			t.Errorf("%s: final %v", m["metric"], m["final"])
			continue
		}
		if m["metric"] == "innovation_bases" {
			// Verified this year, so not in 2025's count: named, with why.
			nc, _ := m["not_counted"].([]any)
			if len(nc) != 1 || nc[0].(map[string]any)["reason"] != models.NotCountedLater || nc[0].(map[string]any)["name"] != models.BaseInnovation {
				t.Errorf("innovation bases not counted in 2025: %v", m["not_counted"])
			}
		}
		if m["metric"] == "talents_imported" {
			years := f["years"].([]any)
			last := years[len(years)-1].(map[string]any)
			if len(years) != 4 || last["year"] != 2025.0 || last["actual"] != 4.0 || last["met"] != false || f["actual"] != 0.0 || f["of"] != 4.0 {
				t.Errorf("talents_imported final: %v", f)
			}
		}
	}
	// The public view has the final results, not the bases' names.
	r = w.e.call("GET", "/api/v1/progress?year=2025", "", nil)
	if check(t, "progress", r, 200, ""); strings.Contains(r.raw, "not_counted") || !strings.Contains(r.raw, `"final":`) {
		t.Errorf("progress: %s", r.raw)
	}
}

// The reports show the API's numbers to the unit.
func TestReportsEqualTheAPI(t *testing.T) {
	w := statsWorld(t)
	e, B := w.e, w.tokens[bureau]

	api := map[string]map[string]int{} // dimension → key → count ("total" too)
	for _, by := range models.RecruitmentDims {
		r := e.call("GET", "/api/v1/stats/recruitment?year=2025&by="+by, B, nil)
		m := map[string]int{"total": int(r.body["total"].(float64))}
		for _, g := range r.body["groups"].([]any) {
			gm := g.(map[string]any)
			m[gm["key"].(string)] = int(gm["count"].(float64))
		}
		api[by] = m
	}
	bases := map[string]map[string]int{}
	for _, by := range []string{"kind", "district"} {
		r := e.call("GET", "/api/v1/stats/bases?by="+by, B, nil)
		m := map[string]int{"total": int(r.body["total"].(float64))}
		for _, g := range r.body["groups"].([]any) {
			gm := g.(map[string]any)
			m[gm["key"].(string)] = int(gm["count"].(float64))
		}
		bases[by] = m
	}
	targets := map[string]float64{}
	r := e.call("GET", "/api/v1/targets?year=2025", B, nil)
	asOf := r.str("as_of")
	for _, it := range r.body["items"].([]any) {
		m := it.(map[string]any)
		targets[m["metric"].(string)] = m["actual"].(float64)
	}

	download := func(format string) []byte {
		req := httptest.NewRequest("GET", "/api/v1/reports/recruitment."+format+"?year=2025", nil)
		req.Header.Set("Authorization", "Bearer "+B)
		res, err := e.app.Test(req, -1)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %v %v", format, err, res.Status)
		}
		if res.Header.Get("X-As-Of") == "" || !strings.Contains(res.Header.Get("Content-Disposition"), "recruitment-2025."+format) {
			t.Errorf("%s headers: %v", format, res.Header)
		}
		b, _ := io.ReadAll(res.Body)
		return b
	}

	// CSV: a byte-order mark, then one row per target and group.
	raw := download("csv")
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatal("the CSV has no UTF-8 byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	csvDims := map[string]string{"月份": "month", "区": "district", "产业门类": "industry", "来源": "origin", "人才层次": "level", "区 × 产业门类": "district_industry"}
	seen := 0
	for _, row := range rows[4:] {
		n, _ := strconv.ParseFloat(row[3], 64)
		switch {
		case row[0] == report.CSVTarget:
			if targets[row[1]] != n {
				t.Errorf("csv target %s = %v, api %v", row[1], n, targets[row[1]])
			}
		case row[0] == report.CSVFinal:
			// The final results: TestOracle compares them with the records.
			continue
		case strings.HasPrefix(row[0], report.CSVBase):
			by := "kind"
			if row[0] == report.CSVBase+"区" {
				by = "district"
			}
			if bases[by][row[1]] != int(n) {
				t.Errorf("csv bases %s %s = %v, api %d", by, row[1], n, bases[by][row[1]])
			}
		default:
			by := csvDims[row[0]]
			if api[by][row[1]] != int(n) {
				t.Errorf("csv %s %s = %v, api %d", by, row[1], n, api[by][row[1]])
			}
		}
		seen++
	}
	if seen < 20 {
		t.Errorf("csv rows: %d", seen)
	}

	// XLSX: the summary, a sheet per breakdown, the records, a chart.
	book := download("xlsx")
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	charts := 0
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
		}
	}
	if charts != 1 {
		t.Errorf("native charts in the workbook: %d", charts)
	}
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	summary, err := f.GetRows(report.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(summary[0][0], report.Title) || summary[1][0] != "数据截至" || summary[3][0] != "指标" {
		t.Errorf("summary head: %v", summary[:4])
	}
	for _, row := range summary[4:] {
		n, _ := strconv.ParseFloat(row[4], 64)
		if targets[row[1]] != n {
			t.Errorf("xlsx target %s = %v, api %v", row[1], n, targets[row[1]])
		}
	}
	for _, by := range models.RecruitmentDims {
		rows, err := f.GetRows(report.SheetOf(by))
		if err != nil {
			t.Fatalf("sheet of %s: %v", by, err)
		}
		for _, row := range rows[3:] {
			n, _ := strconv.Atoi(row[2])
			if api[by][row[1]] != n {
				t.Errorf("xlsx %s %s = %d, api %d", by, row[1], n, api[by][row[1]])
			}
		}
	}
	recs, _ := f.GetRows(report.SheetRecords)
	counted := 0
	for _, row := range recs[1:] {
		if row[len(row)-1] == "是" {
			counted++
		}
	}
	if len(recs) != 8 || counted != api["month"]["total"] {
		t.Errorf("records: %d rows, %d counted (api total %d)", len(recs)-1, counted, api["month"]["total"])
	}
	// The summary, the final results (the 2022-2025 period is over), the
	// breakdowns, the bases by kind and by district, the records.
	if sheets := f.GetSheetList(); len(sheets) != 3+len(models.RecruitmentDims)+2 {
		t.Errorf("sheets: %v", sheets)
	}
	if asOf == "" {
		t.Error("no as_of")
	}
}
