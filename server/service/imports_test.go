package service_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/szdc/talenthub/models"
)

// Three valid resident IDs (their check characters computed, GB 11643).
const (
	idWang  = "44030519900101123X"
	idZhang = "440305198512124565"
	idLiu   = "110101199203047895"
)

// counted is the number of people the year's recruitment target counts,
// after checking that the kept figures agree with a recount from the
// records.
func (w *journeyWorld) counted(t testing.TB, year int) int {
	t.Helper()
	rc, err := w.fig.Recount(w.ctx)
	must(t, err)
	if len(rc.Differences) > 0 {
		t.Fatalf("the figures differ from a recount: %v", rc.Differences)
	}
	b, err := w.fig.Recruitment(year, models.ByDistrict)
	must(t, err)
	sum := 0
	for _, g := range b.Groups {
		sum += g.Count
	}
	if sum != b.Total {
		t.Fatalf("districts sum to %d, the total is %d", sum, b.Total)
	}
	return b.Total
}

func (w *journeyWorld) importFile(t *testing.T, actor *models.User, kind, data string, dry bool) (*models.ImportReport, error) {
	t.Helper()
	return w.svc.Imports.Import(w.ctx, actor, models.ImportInput{Kind: kind, File: "list.csv", Data: []byte(data), DryRun: dry, Lang: models.LangEN})
}

func outcomes(rep *models.ImportReport) string {
	var b strings.Builder
	for _, l := range rep.Lines {
		b.WriteString(l.Outcome[:1])
	}
	return b.String()
}

func TestImportRecruitments(t *testing.T) {
	w := newJourneyWorld(t)
	head := "姓名,证件类型,证件号码,用人单位,引进日期,人才来源,人才层次,所在区,行业领域\n"
	// Labels and keys mixed: 南山区, 南山 and nanshan are one district; the
	// organisation by its name and by its id. Wang twice in 2025 (two
	// dates): one person, counted once.
	good := "\uFEFF" + head +
		"王芳,居民身份证,44030519900101123x,星河工作室,2025-03-01,海外,A,南山区,游戏\n" +
		"王芳,身份证,440305 19900101 123X,星河工作室,2025/6/1,overseas,A,南山,games\n" +
		"张伟,resident_id," + idZhang + "," + w.org.ID + ",2025年7月1日,国内,B,nanshan,游戏\n"
	base := w.counted(t, 2025)

	t.Run("a file with a bad row changes nothing, and says where", func(t *testing.T) {
		bad := head +
			"王芳,居民身份证,440305199001011234,星河工作室,2025-03-01,海外,A,南山区,游戏\n" +
			"张伟,居民身份证," + idZhang + ",没有这家公司,2025-07-01,国内,B,南山区,游戏\n" +
			"刘洋,居民身份证," + idLiu + ",星河工作室,2025-08-01,国内,B,南山区,游戏\n"
		rep, err := w.importFile(t, w.bureau, models.ImportRecruitments, bad, false)
		if !models.IsCode(err, models.CodeValidation) || rep == nil {
			t.Fatalf("a file with problems: %v", err)
		}
		var got []string
		for _, e := range rep.Errors {
			got = append(got, e.Column+":"+string(e.Code))
			if strings.Contains(e.Message, "440305199001011234") {
				t.Errorf("a message repeats the identity number: %s", e.Message)
			}
		}
		if strings.Join(got, " ") != "证件号码:identity_number 用人单位:no_such" || rep.Rows != 3 || rep.OK != 1 || rep.Created != 0 {
			t.Fatalf("errors %v, rows %d, ok %d, created %d", got, rep.Rows, rep.OK, rep.Created)
		}
		if n := w.counted(t, 2025); n != base {
			t.Fatalf("a refused file changed the count: %d → %d", base, n)
		}
	})

	t.Run("a dry run reports and writes nothing", func(t *testing.T) {
		rep, err := w.importFile(t, w.bureau, models.ImportRecruitments, good, true)
		must(t, err)
		if rep.ID != "" || rep.Created != 3 || outcomes(rep) != "ccc" || rep.Format != "csv/utf-8" {
			t.Fatalf("dry run: id %q, created %d, lines %s, format %s", rep.ID, rep.Created, outcomes(rep), rep.Format)
		}
		if strings.Contains(rep.Lines[0].Label, "19900101") || !strings.Contains(rep.Lines[0].Label, "****123X") {
			t.Fatalf("a line shows the identity number: %q", rep.Lines[0].Label)
		}
		if n := w.counted(t, 2025); n != base {
			t.Fatalf("a dry run changed the count: %d → %d", base, n)
		}
	})

	var first *models.ImportReport
	t.Run("the import creates verified records; one person counts once", func(t *testing.T) {
		var err error
		first, err = w.importFile(t, w.bureau, models.ImportRecruitments, good, false)
		must(t, err)
		if first.ID == "" || first.Created != 3 || len(first.SHA256) != 64 {
			t.Fatalf("import: %+v", first)
		}
		if n := w.counted(t, 2025); n != base+2 {
			t.Fatalf("count %d after importing two people, want %d", n, base+2)
		}
		r, err := w.st.Recruitment(w.ctx, first.Lines[2].RecordID)
		must(t, err)
		if r.Status != models.StatusVerified || r.IDLast4 != "4565" || !models.IsPersonKey(r.TalentID) || r.ImportID != first.ID || r.TalentName != "张伟" {
			t.Fatalf("the record: %+v", r)
		}
	})

	t.Run("the same file again, in GB18030, creates nothing", func(t *testing.T) {
		gb, err := simplifiedchinese.GB18030.NewEncoder().String(strings.TrimPrefix(good, "\uFEFF"))
		must(t, err)
		rep, err := w.importFile(t, w.bureau, models.ImportRecruitments, gb, false)
		must(t, err)
		if rep.Format != "csv/gb18030" || rep.Created != 0 || rep.Unchanged != 3 || outcomes(rep) != "uuu" {
			t.Fatalf("again: format %s, created %d, unchanged %d", rep.Format, rep.Created, rep.Unchanged)
		}
		if n := w.counted(t, 2025); n != base+2 {
			t.Fatalf("count %d, want %d", n, base+2)
		}
	})

	t.Run("a changed row is a recorded correction", func(t *testing.T) {
		changed := strings.Replace(good, "张伟,resident_id,"+idZhang+","+w.org.ID+",2025年7月1日,国内,B", "张伟,resident_id,"+idZhang+","+w.org.ID+",2025年7月1日,海外,B", 1)
		rep, err := w.importFile(t, w.bureau, models.ImportRecruitments, changed, false)
		must(t, err)
		if outcomes(rep) != "uuu" || rep.Updated != 1 || rep.Lines[2].Changes["origin"] != [2]string{"domestic", "overseas"} {
			t.Fatalf("changed: %s, %+v", outcomes(rep), rep.Lines[2])
		}
		r, err := w.st.Recruitment(w.ctx, rep.Lines[2].RecordID)
		must(t, err)
		if r.Origin != models.OriginOverseas || len(r.Corrections) != 1 || !strings.Contains(r.Corrections[0].Reason, rep.ID) {
			t.Fatalf("the corrected record: %+v", r)
		}
		b, err := w.fig.Recruitment(2025, models.ByOrigin)
		must(t, err)
		for _, g := range b.Groups {
			if g.Key == string(models.OriginDomestic) && g.Count != 0 {
				t.Fatalf("the correction did not move the count: %+v", b.Groups)
			}
		}
		if n := w.counted(t, 2025); n != base+2 {
			t.Fatalf("count %d, want %d", n, base+2)
		}
	})

	t.Run("an organisation imports its own hires only, as reports", func(t *testing.T) {
		other := w.account(t, "hr@other.example", models.RoleOrg)
		o, err := w.svc.Orgs.Create(w.ctx, other, models.OrgInput{Name: "别家公司", Kind: models.OrgEnterprise, District: "futian"})
		must(t, err)
		_, err = w.svc.Orgs.Decide(w.ctx, w.bureau, o.ID, models.DecisionInput{Decision: models.StatusVerified})
		must(t, err)
		file := head + "刘洋,居民身份证," + idLiu + ",别家公司,2025-08-01,国内,B,福田区,游戏\n"
		rep, err := w.importFile(t, w.member, models.ImportRecruitments, file, false)
		if !models.IsCode(err, models.CodeValidation) || len(rep.Errors) != 1 || rep.Errors[0].Code != models.RuleNotOwnOrg {
			t.Fatalf("another organisation's hire: %v %+v", err, rep)
		}
		own := head + "刘洋,居民身份证," + idLiu + ",星河工作室,2025-08-01,国内,B,福田区,游戏\n"
		rep, err = w.importFile(t, w.member, models.ImportRecruitments, own, false)
		must(t, err)
		r, err := w.st.Recruitment(w.ctx, rep.Lines[0].RecordID)
		must(t, err)
		if r.Status != models.StatusReported || rep.OrgID != w.org.ID {
			t.Fatalf("an organisation's import: status %s, org %s", r.Status, rep.OrgID)
		}
		if n := w.counted(t, 2025); n != base+2 {
			t.Fatalf("a report awaiting the bureau counts: %d, want %d", n, base+2)
		}
		for _, kind := range []string{models.ImportOrgs, models.ImportBases} {
			if _, err := w.importFile(t, w.member, kind, "name\n", false); !models.IsCode(err, models.CodeForbidden) {
				t.Fatalf("an organisation imports %s: %v", kind, err)
			}
		}
		if _, err := w.importFile(t, w.creator, models.ImportRecruitments, own, false); !models.IsCode(err, models.CodeForbidden) {
			t.Fatalf("a creator imports: %v", err)
		}
		if _, err := w.importFile(t, w.bureau, "people", own, false); !models.IsCode(err, models.CodeNotFound) {
			t.Fatalf("an unknown kind: %v", err)
		}
	})

	t.Run("the imports are listed, the organisation's to it", func(t *testing.T) {
		all, err := w.svc.Imports.List(w.ctx, w.bureau, models.Page{Page: 1, PerPage: 20})
		must(t, err)
		mine, err := w.svc.Imports.List(w.ctx, w.member, models.Page{Page: 1, PerPage: 20})
		must(t, err)
		if all.Total != 4 || mine.Total != 1 || mine.Items[0].OrgID != w.org.ID {
			t.Fatalf("listed: all %d, the organisation's %d", all.Total, mine.Total)
		}
	})
}

func TestImportedPersonAndLinkedProfileCountOnce(t *testing.T) {
	w := newJourneyWorld(t)
	base := w.counted(t, 2025)
	// The profile's hire, reported and verified.
	r, err := w.svc.Recruitments.Report(w.ctx, w.member, models.RecruitmentInput{TalentID: w.talent.ID, OrgID: w.org.ID, Date: "2025-04-01",
		Origin: models.OriginOverseas, Level: models.LevelB, District: "nanshan", Industry: "games"})
	must(t, err)
	_, err = w.svc.Recruitments.Decide(w.ctx, w.bureau, r.ID, models.DecisionInput{Decision: models.StatusVerified})
	must(t, err)
	// The same person, imported by the bureau from a district's list.
	file := "name,id type,id number,organisation,date,origin,level,district,industry\n" +
		"Li Ming,passport,E12345678," + w.org.ID + ",2025-09-01,overseas,B,futian,games\n"
	_, err = w.importFile(t, w.bureau, models.ImportRecruitments, file, false)
	must(t, err)
	if n := w.counted(t, 2025); n != base+2 {
		t.Fatalf("before the link: %d, want %d (two people as far as anyone knows)", n, base+2)
	}
	if _, err := w.svc.Talents.LinkIdentity(w.ctx, w.member, w.talent.ID, models.IdentityInput{Type: models.IDPassport, Number: "E12345678"}); !models.IsCode(err, models.CodeForbidden) {
		t.Fatalf("someone else links the profile: %v", err)
	}
	if _, err := w.svc.Talents.LinkIdentity(w.ctx, w.creator, w.talent.ID, models.IdentityInput{Type: models.IDResident, Number: "440305199001011234"}); !models.IsCode(err, models.CodeValidation) {
		t.Fatalf("a resident ID with a wrong check character: %v", err)
	}
	ident, err := w.svc.Talents.LinkIdentity(w.ctx, w.creator, w.talent.ID, models.IdentityInput{Type: models.IDPassport, Number: " e1234-5678 "})
	must(t, err)
	if ident.Last4 != "5678" {
		t.Fatalf("the link: %+v", ident)
	}
	if n := w.counted(t, 2025); n != base+1 {
		t.Fatalf("after the link: %d, want %d (one person)", n, base+1)
	}
	// A second profile cannot claim the same document.
	second := w.account(t, "other@example.com", models.RoleCreator)
	t2, err := w.svc.Talents.Create(w.ctx, second, models.TalentInput{Name: "冒名", Visibility: models.VisibilityPublic})
	must(t, err)
	if _, err := w.svc.Talents.LinkIdentity(w.ctx, second, t2.ID, models.IdentityInput{Type: models.IDPassport, Number: "E12345678"}); !models.IsCode(err, models.CodeConflict) {
		t.Fatalf("a second profile claims the document: %v", err)
	}
	// A later report of the linked profile counts as the same person.
	r2, err := w.svc.Recruitments.Report(w.ctx, w.member, models.RecruitmentInput{TalentID: w.talent.ID, OrgID: w.org.ID, Date: "2025-10-01",
		Origin: models.OriginOverseas, Level: models.LevelA, District: "nanshan", Industry: "games"})
	must(t, err)
	_, err = w.svc.Recruitments.Decide(w.ctx, w.bureau, r2.ID, models.DecisionInput{Decision: models.StatusVerified})
	must(t, err)
	if n := w.counted(t, 2025); n != base+1 {
		t.Fatalf("after a later report: %d, want %d", n, base+1)
	}
	x, err := w.svc.Talents.Export(w.ctx, w.creator, w.talent.ID)
	must(t, err)
	if x.Identity == nil || x.Identity.Last4 != "5678" || x.Identity.Type != models.IDPassport {
		t.Fatalf("the export's identity document: %+v", x.Identity)
	}
	// Erased, the person still counts once.
	must(t, w.svc.Talents.Delete(w.ctx, w.creator, w.talent.ID, 0))
	if n := w.counted(t, 2025); n != base+1 {
		t.Fatalf("after the erasure: %d, want %d", n, base+1)
	}
	if _, err := w.st.TalentIdentity(w.ctx, w.talent.ID); !models.IsCode(err, models.CodeNotFound) {
		t.Fatalf("the link outlives the erasure: %v", err)
	}
}

func TestImportOrgsAndBases(t *testing.T) {
	w := newJourneyWorld(t)
	orgs := "机构名称,机构类型,所在区,行业领域,企业标签\n" +
		"云端孵化器,孵化器,福田区,动漫,\n" +
		"星河工作室,企业,南山,游戏,龙头企业\n"
	rep, err := w.importFile(t, w.bureau, models.ImportOrgs, orgs, false)
	must(t, err)
	if outcomes(rep) != "cu" || rep.Lines[1].Changes["flags"][1] != models.FlagLeading {
		t.Fatalf("orgs: %s %+v", outcomes(rep), rep.Lines)
	}
	o, err := w.st.Org(w.ctx, w.org.ID)
	must(t, err)
	if !o.HasFlag(models.FlagLeading) || o.Name != "星河工作室" {
		t.Fatalf("the updated organisation: %+v", o)
	}
	rep, err = w.importFile(t, w.bureau, models.ImportOrgs, orgs, false)
	must(t, err)
	if outcomes(rep) != "uu" || rep.Created+rep.Updated != 0 {
		t.Fatalf("orgs again: %s", outcomes(rep))
	}
	bases := "基地名称,基地类型,所在区,行业领域,运营机构,成立日期,容纳人数\n" +
		"云端实训基地,人才培训基地,福田区,动漫,云端孵化器、星河工作室,2024-05-01,\"1,200\"\n"
	rep, err = w.importFile(t, w.bureau, models.ImportBases, bases, false)
	must(t, err)
	if outcomes(rep) != "c" {
		t.Fatalf("bases: %s %+v", outcomes(rep), rep.Errors)
	}
	all, err := w.st.AllBases(w.ctx)
	must(t, err)
	if len(all) != 1 || all[0].Status != models.StatusVerified || len(all[0].OperatorOrgIDs) != 2 || all[0].Capacity != 1200 {
		t.Fatalf("the base: %+v", all)
	}
	rep, err = w.importFile(t, w.bureau, models.ImportBases, strings.Replace(bases, "1,200", "1,500", 1), false)
	must(t, err)
	if outcomes(rep) != "u" || rep.Lines[0].Changes["capacity"] != [2]string{"1200", "1500"} {
		t.Fatalf("bases changed: %s %+v", outcomes(rep), rep.Lines)
	}
	bad := "基地名称,基地类型,所在区,运营机构\n某基地,人才培训基地,福田区,不存在的机构\n"
	if rep, err := w.importFile(t, w.bureau, models.ImportBases, bad, false); !models.IsCode(err, models.CodeValidation) || rep.Errors[0].Code != models.RuleNoSuch {
		t.Fatalf("an unknown operator: %v", err)
	}
}

func TestPublicationsAreFrozen(t *testing.T) {
	w := newJourneyWorld(t)
	file := "name,id type,id number,organisation,date,origin,level,district,industry\n" +
		"A,passport,E1000001," + w.org.ID + ",2025-02-01,overseas,A,nanshan,games\n" +
		"B,passport,E1000002," + w.org.ID + ",2025-03-15,domestic,B,futian,games\n" +
		"C,passport,E1000003," + w.org.ID + ",2025-08-01,domestic,C,nanshan,games\n" +
		"A,passport,E1000001," + w.org.ID + ",2025-09-01,overseas,A,futian,games\n"
	rep, err := w.importFile(t, w.bureau, models.ImportRecruitments, file, false)
	must(t, err)

	year, err := w.svc.Publications.Publish(w.ctx, w.bureau, models.PublicationInput{Period: "2025"})
	must(t, err)
	q1, err := w.svc.Publications.Publish(w.ctx, w.bureau, models.PublicationInput{Period: "2025-Q1"})
	must(t, err)
	var yf, qf models.PublishedFigures
	must(t, json.Unmarshal(year.Figures, &yf))
	must(t, json.Unmarshal(q1.Figures, &qf))
	if yf.Total() != 3 || qf.Total() != 2 || *year.Revised != 0 {
		t.Fatalf("published: the year %d people, Q1 %d, revised %d", yf.Total(), qf.Total(), *year.Revised)
	}
	// The year's breakdowns are the dashboard's.
	for _, b := range yf.Recruitment {
		live, err := w.fig.Recruitment(2025, b.By)
		must(t, err)
		live.AsOf = b.AsOf
		if d := cmp.Diff(live, b); d != "" {
			t.Fatalf("the published %s breakdown differs from the live one (-live +published):\n%s", b.By, d)
		}
	}
	if sum := sha256.Sum256(year.Figures); hex.EncodeToString(sum[:]) != year.SHA256 {
		t.Fatalf("the digest is not of the figures")
	}

	for _, c := range []struct {
		period string
		code   models.Code
	}{{"2025", models.CodeConflict}, {"2026", models.CodeConflict}, {"2026-Q4", models.CodeConflict}, {"2025-Q5", models.CodeValidation}, {"25", models.CodeValidation}} {
		if _, err := w.svc.Publications.Publish(w.ctx, w.bureau, models.PublicationInput{Period: c.period}); !models.IsCode(err, c.code) {
			t.Errorf("publish %s: %v, want %s", c.period, err, c.code)
		}
	}
	if _, err := w.svc.Publications.Publish(w.ctx, w.member, models.PublicationInput{Period: "2025-Q2"}); !models.IsCode(err, models.CodeForbidden) {
		t.Errorf("an organisation publishes: %v", err)
	}

	// A correction after: the publication is the same bytes; it says how
	// far the live figures moved.
	_, err = w.svc.Recruitments.Correct(w.ctx, w.bureau, rep.Lines[1].RecordID, models.CorrectionInput{Reason: "not high-end", Level: ptr(models.Level(""))}, 0)
	must(t, err)
	again, err := w.svc.Publications.Get(w.ctx, w.bureau, year.ID)
	must(t, err)
	if !bytes.Equal(again.Figures, year.Figures) || again.SHA256 != year.SHA256 || *again.Revised != -1 {
		t.Fatalf("after a correction: same bytes %v, revised %d", bytes.Equal(again.Figures, year.Figures), *again.Revised)
	}
	anon, err := w.svc.Publications.Get(w.ctx, nil, q1.ID)
	must(t, err)
	if anon.Revised != nil || !bytes.Equal(anon.Figures, q1.Figures) {
		t.Fatalf("anyone reads a publication, without the live figures: %+v", anon.Revised)
	}
	list, err := w.svc.Publications.List(w.ctx, nil, 2025, models.Page{Page: 1, PerPage: 10})
	must(t, err)
	if list.Total != 2 || list.Items[0].Period != "2025" || list.Items[1].Period != "2025-Q1" {
		t.Fatalf("listed: %d, %v", list.Total, list.Items)
	}
}

func TestTheNextPlanPeriod(t *testing.T) {
	w := newJourneyWorld(t)
	admin := &models.User{ID: "a", Role: models.RoleAdmin}
	if _, err := w.svc.Stats.StartPeriod(w.ctx, w.bureau, models.PeriodInput{From: 2026, To: 2030}); !models.IsCode(err, models.CodeForbidden) {
		t.Fatalf("the bureau opens a period: %v", err)
	}
	if _, err := w.svc.Stats.StartPeriod(w.ctx, admin, models.PeriodInput{From: 2024, To: 2028}); !models.IsCode(err, models.CodeConflict) {
		t.Fatalf("a period overlapping the plan: %v", err)
	}
	if _, err := w.svc.Stats.StartPeriod(w.ctx, admin, models.PeriodInput{From: 2026, To: 2020}); !models.IsCode(err, models.CodeValidation) {
		t.Fatalf("a period that ends before it starts: %v", err)
	}
	made, err := w.svc.Stats.StartPeriod(w.ctx, admin, models.PeriodInput{From: 2026, To: 2030})
	must(t, err)
	plan := models.DefaultTargets()
	if len(made) != len(plan) {
		t.Fatalf("%d targets copied, want %d", len(made), len(plan))
	}
	for i, m := range made {
		if m.Period != (models.Period{From: 2026, To: 2030}) || !strings.HasSuffix(m.Metric, "_2026") || m.Goal == 0 || m.Kind == "" {
			t.Errorf("copy %d: %+v", i, m)
		}
	}
	again, err := w.svc.Stats.StartPeriod(w.ctx, admin, models.PeriodInput{From: 2026, To: 2030})
	must(t, err)
	if len(again) != len(made) {
		t.Fatalf("again: %d targets", len(again))
	}
	// The old period keeps its targets and its final result; the new one
	// has the copies, whose goals the admin changes one by one.
	old, err := w.svc.Stats.Targets(w.ctx, w.bureau, 2025)
	must(t, err)
	inPlan := 0
	for _, s := range old {
		if s.Period == (models.Period{From: 2022, To: 2025}) {
			inPlan++
		}
	}
	if inPlan != len(plan) {
		t.Fatalf("2025 shows %d targets of 2022-2025, want %d", inPlan, len(plan))
	}
	first := made[0]
	_, err = w.svc.Stats.SetTarget(w.ctx, admin, first.Metric, models.TargetInput{Kind: first.Kind, LabelZH: first.LabelZH, LabelEN: first.LabelEN,
		Period: first.Period, Goal: 1500, BaseKind: first.BaseKind, OrgFlag: first.OrgFlag}, 0)
	must(t, err)
	cur, err := w.svc.Stats.Targets(w.ctx, w.bureau, 2027)
	must(t, err)
	for _, s := range cur {
		if s.Metric == first.Metric && s.Goal != 1500 {
			t.Fatalf("the new period's goal: %v", s.Goal)
		}
		if s.Metric == plan[0].Metric && s.Goal != plan[0].Goal {
			t.Fatalf("the old period's goal changed: %v", s.Goal)
		}
	}
}

func TestRecruitmentSlice(t *testing.T) {
	w := newJourneyWorld(t)
	file := "name,id type,id number,organisation,date,origin,level,district,industry\n" +
		"A,passport,E1000001," + w.org.ID + ",2024-02-01,overseas,A,nanshan,games\n" +
		"B,passport,E1000002," + w.org.ID + ",2024-11-15,domestic,B,futian,games\n" +
		"A,passport,E1000001," + w.org.ID + ",2025-01-10,overseas,A,nanshan,games\n" +
		"C,passport,E1000003," + w.org.ID + ",2025-05-01,domestic,C,nanshan,animation\n" +
		"A,passport,E1000001," + w.org.ID + ",2025-09-01,domestic,A,futian,games\n" +
		"D,passport,E1000004," + w.org.ID + ",2025-10-01,overseas,B,futian,games\n"
	_, err := w.importFile(t, w.bureau, models.ImportRecruitments, file, false)
	must(t, err)
	all, err := w.svc.Stats.Slice(w.ctx, w.bureau, 2025, models.SliceFilter{})
	must(t, err)
	for _, b := range all.Breakdowns {
		live, err := w.fig.Recruitment(2025, b.By)
		must(t, err)
		if d := cmp.Diff(live, b); d != "" {
			t.Fatalf("unfiltered %s differs from /stats/recruitment:\n%s", b.By, d)
		}
	}
	// A counts once in 2025, under her first record (January, Nanshan,
	// overseas): her September record in Futian does not count.
	if all.Total != 3 || all.Quarters != [4]int{1, 1, 0, 1} || all.SamePoint != (models.SamePoint{Day: "12-31", This: 3, Previous: 2}) {
		t.Fatalf("2025: total %d, quarters %v, same point %+v", all.Total, all.Quarters, all.SamePoint)
	}
	for _, c := range []struct {
		f          models.SliceFilter
		total, was int
	}{
		{models.SliceFilter{District: "nanshan"}, 2, 1},
		{models.SliceFilter{District: "futian"}, 1, 1},
		{models.SliceFilter{Origin: "overseas"}, 2, 1},
		{models.SliceFilter{District: "futian", Origin: "domestic"}, 0, 1},
		{models.SliceFilter{Industry: "animation"}, 1, 0},
	} {
		s, err := w.svc.Stats.Slice(w.ctx, w.bureau, 2025, c.f)
		must(t, err)
		sum := 0
		for _, g := range s.Breakdowns[1].Groups {
			sum += g.Count
		}
		if s.Total != c.total || s.SamePoint.Previous != c.was || sum != s.Total {
			t.Errorf("%+v: total %d (districts sum %d), 2024 %d; want %d, %d", c.f, s.Total, sum, s.SamePoint.Previous, c.total, c.was)
		}
	}
	if _, err := w.svc.Stats.Slice(w.ctx, w.bureau, 2025, models.SliceFilter{District: "atlantis"}); !models.IsCode(err, models.CodeBadRequest) {
		t.Fatalf("an unknown district: %v", err)
	}
	if _, err := w.svc.Stats.Slice(w.ctx, w.member, 2025, models.SliceFilter{}); !models.IsCode(err, models.CodeForbidden) {
		t.Fatalf("an organisation reads the slice: %v", err)
	}
}

func TestAWithdrawnImportedRecordIsMadeAgain(t *testing.T) {
	w := newJourneyWorld(t)
	file := "name,id type,id number,organisation,date,origin,level,district,industry\n" +
		"A,passport,E1000001," + w.org.ID + ",2025-02-01,overseas,A,nanshan,games\n"
	rep, err := w.importFile(t, w.member, models.ImportRecruitments, file, false)
	must(t, err)
	must(t, w.svc.Recruitments.Withdraw(w.ctx, w.member, rep.Lines[0].RecordID, 0))
	again, err := w.importFile(t, w.member, models.ImportRecruitments, file, false)
	must(t, err)
	if outcomes(again) != "c" {
		t.Fatalf("the withdrawn row imported again: %s", outcomes(again))
	}
	if _, err := w.st.Recruitment(w.ctx, again.Lines[0].RecordID); err != nil {
		t.Fatalf("the record made again: %v", err)
	}
}

// TestImportsAreOneAtATimeAcrossProcesses: another process's import holds
// the database's lock; this one is refused (409, nothing written) until it
// is given back or expires.
func TestImportsAreOneAtATimeAcrossProcesses(t *testing.T) {
	w := newJourneyWorld(t)
	file := "name,id type,id number,organisation,date,origin,level,district,industry\n" +
		"A,passport,E1000001," + w.org.ID + ",2025-02-01,overseas,A,nanshan,games\n"
	ok, err := w.st.TryLock(w.ctx, "imports", "another process", time.Minute)
	must(t, err)
	if !ok {
		t.Fatal("the lock was not free")
	}
	if _, err := w.importFile(t, w.bureau, models.ImportRecruitments, file, false); !models.IsCode(err, models.CodeConflict) {
		t.Fatalf("an import while another runs: %v", err)
	}
	if n := w.counted(t, 2025); n != 0 {
		t.Fatalf("a refused import counted %d", n)
	}
	must(t, w.st.Unlock(w.ctx, "imports", "another process"))
	_, err = w.importFile(t, w.bureau, models.ImportRecruitments, file, false)
	must(t, err)
	// A lock left by a process that died expires.
	ok, err = w.st.TryLock(w.ctx, "imports", "a process that died", -time.Second)
	must(t, err)
	if !ok {
		t.Fatal("the lock was not given back after the import")
	}
	rep, err := w.importFile(t, w.bureau, models.ImportRecruitments, file, false)
	must(t, err)
	if rep.Unchanged != 1 {
		t.Fatalf("after an expired lock: %+v", rep)
	}
}
