package web

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

// queueWorld: 22 organisations registered a day apart (even ones in
// Nanshan, odd ones in Futian), waiting for the bureau, and the bureau's
// session; the clock is a day after the last.
func queueWorld(t *testing.T) (w *realWorld, bureau *models.User, bureauTok string, orgs []*models.Org) {
	w = newRealWorld(t)
	start := at(2025, 3, 1)
	w.clock.set(start)
	bureau, email := w.user("王审核", models.RoleBureau)
	for i := range 22 {
		w.clock.set(start.Add(time.Duration(i) * 24 * time.Hour))
		u, _ := w.user(fmt.Sprintf("联系人%d", i), models.RoleOrg)
		district := "nanshan"
		if i%2 == 1 {
			district = "futian"
		}
		o, err := w.svc.Orgs.Create(w.ctx, u, models.OrgInput{Name: fmt.Sprintf("待审机构%02d", i), Kind: models.OrgEnterprise, District: district,
			Industries: []string{"games"}})
		w.must(err)
		orgs = append(orgs, o)
	}
	w.clock.set(start.Add(22 * 24 * time.Hour))
	return w, bureau, w.signIn(email), orgs
}

// rowIDs are the ids of a queue's rows, in the page's order.
func rowIDs(page, kind string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<tr id="`+kind+`-([0-9a-f]{24})"`).FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestVerifyQueuePagesSortsAndFilters: a queue waits oldest first, 20 to
// a page with its own page parameter, newest first on demand, filtered by
// district; each row says how long it has waited in the page's language.
func TestVerifyQueuePagesSortsAndFilters(t *testing.T) {
	w, _, tok, orgs := queueWorld(t)

	page := w.page("/bureau/verify", tok, models.LangZH)
	ids := rowIDs(page, "orgs")
	if len(ids) != 20 || ids[0] != orgs[0].ID || ids[19] != orgs[19].ID {
		t.Fatalf("page 1, oldest first: %d rows, first %v", len(ids), ids[:min(len(ids), 2)])
	}
	if got := section(page, "h2", "queue-orgs"); !strings.Contains(page, `<span class="count">22</span>`) {
		t.Errorf("the count: %q", got)
	}
	// The oldest waited 22 days, the newest one day.
	if got := section(page, "tr", "orgs-"+orgs[0].ID); !strings.Contains(got, "22 天") || !strings.Contains(got, "2025年3月1日") {
		t.Errorf("the oldest row's wait: %q", got)
	}
	if got := section(w.page("/bureau/verify", tok, models.LangEN), "tr", "orgs-"+orgs[0].ID); !strings.Contains(got, "22 days") {
		t.Errorf("the oldest row's wait in English: %q", got)
	}
	// The pager of the organisations moves only them.
	if !strings.Contains(page, `href="/bureau/verify?orgs_page=2"`) {
		t.Errorf("no link to the second page of organisations: %s", regexp.MustCompile(`(?s)<nav class="pager".*?</nav>`).FindString(page))
	}
	page2 := w.page("/bureau/verify?orgs_page=2", tok, models.LangZH)
	if got := rowIDs(page2, "orgs"); len(got) != 2 || got[0] != orgs[20].ID || got[1] != orgs[21].ID {
		t.Errorf("page 2: %v", got)
	}
	if got := section(page2, "tr", "orgs-"+orgs[21].ID); !strings.Contains(got, "1 天") {
		t.Errorf("the newest row's wait: %q", got)
	}
	// Newest first.
	if got := rowIDs(w.page("/bureau/verify?order=newest", tok, models.LangZH), "orgs"); len(got) != 20 || got[0] != orgs[21].ID || got[1] != orgs[20].ID {
		t.Errorf("newest first: %v", got[:2])
	}
	// A district: the 11 odd ones, oldest first; the filter stays in the
	// decision forms' actions so that a decision comes back to it.
	futian := w.page("/bureau/verify?district=futian", tok, models.LangZH)
	got := rowIDs(futian, "orgs")
	if len(got) != 11 || got[0] != orgs[1].ID || got[10] != orgs[21].ID {
		t.Errorf("in Futian: %d rows", len(got))
	}
	if !strings.Contains(futian, `action="/bureau/verify/orgs/`+orgs[1].ID+`?district=futian"`) {
		t.Errorf("the decision form does not keep the filter")
	}
	if !strings.Contains(futian, `<option value="futian" selected>`) {
		t.Errorf("the filter form does not show the district chosen")
	}
	// A value outside the vocabularies is no filter, not an error.
	if got := rowIDs(w.page("/bureau/verify?district=atlantis&orgs_page=x&order=sideways", tok, models.LangEN), "orgs"); len(got) != 20 || got[0] != orgs[0].ID {
		t.Errorf("with nonsense parameters: %d rows", len(got))
	}
}

// TestVerifyBulkApproval: "approve selected" decides each record through
// the service, one audit entry each; one already decided is reported on
// its own and does not stop the others.
func TestVerifyBulkApproval(t *testing.T) {
	w, bureau, tok, orgs := queueWorld(t)
	picked := []string{orgs[0].ID, orgs[1].ID, orgs[2].ID}
	// Another officer rejects the second meanwhile.
	_, err := w.svc.Orgs.Decide(w.ctx, bureau, orgs[1].ID, models.DecisionInput{Decision: models.StatusRejected, Reason: "材料不全"})
	w.must(err)

	status, _, body := w.post("/bureau/verify/orgs?district=nanshan", tok, url.Values{"id": picked})
	if status != 200 {
		t.Fatalf("bulk with one refused: %d\n%.800s", status, text(body))
	}
	if got := text(body); !strings.Contains(got, "已批准 2 条；1 条未能批准") {
		t.Errorf("the summary: %.400s", got)
	}
	if got := section(body, "li", "bulk-"+orgs[1].ID); !strings.Contains(got, "待审机构01") || !strings.Contains(got, "已被其他人处理") {
		t.Errorf("the refused row, named with why: %q", got)
	}
	for _, id := range []string{orgs[0].ID, orgs[2].ID} {
		if got := section(body, "li", "bulk-"+id); !strings.Contains(got, "已批准") {
			t.Errorf("an approved row: %q", got)
		}
	}
	for i, want := range []models.Status{models.StatusVerified, models.StatusRejected, models.StatusVerified} {
		o, err := w.svc.Orgs.Get(w.ctx, bureau, picked[i])
		w.must(err)
		if o.Status != want {
			t.Errorf("%s: %s, want %s", o.Name, o.Status, want)
		}
	}
	// One audit entry per decision: the rejection and the two approvals,
	// none for the refusal.
	trail, err := w.svc.Audit.List(w.ctx, bureau, models.AuditFilter{Action: []string{models.AuditOrgDecide}, ResourceID: picked,
		Page: models.Page{Page: 1, PerPage: 50}})
	w.must(err)
	per := map[string]int{}
	for _, e := range trail.Items {
		per[e.ResourceID]++
		if e.ActorID != bureau.ID {
			t.Errorf("an entry by %s", e.ActorID)
		}
	}
	if trail.Total != 3 || per[orgs[0].ID] != 1 || per[orgs[1].ID] != 1 || per[orgs[2].ID] != 1 {
		t.Errorf("audit entries: %d, %v", trail.Total, per)
	}

	// All approved: back to the queue as it was, with a message.
	status, to, _ := w.post("/bureau/verify/orgs?order=newest", tok, url.Values{"id": {orgs[3].ID, orgs[4].ID, orgs[3].ID}})
	if status != 303 || to != "/bureau/verify?order=newest" {
		t.Errorf("bulk all approved: %d → %q", status, to)
	}
	if o, _ := w.svc.Orgs.Get(w.ctx, bureau, orgs[4].ID); o.Status != models.StatusVerified {
		t.Errorf("orgs[4]: %s", o.Status)
	}

	// Bad input: nothing selected, too many, nothing decidable, an
	// unknown queue; nothing changes.
	if status, _, body := w.post("/bureau/verify/orgs", tok, nil); status != 422 || !strings.Contains(text(body), "请至少选择一条") {
		t.Errorf("nothing selected: %d", status)
	}
	many := url.Values{"id": {orgs[5].ID}}
	for i := range bulkMax {
		many.Add("id", fmt.Sprintf("%024x", i))
	}
	if status, _, _ := w.post("/bureau/verify/orgs", tok, many); status != 422 {
		t.Errorf("too many: %d", status)
	}
	if o, _ := w.svc.Orgs.Get(w.ctx, bureau, orgs[5].ID); o.Status != models.StatusPending {
		t.Errorf("a refused bulk decided: %s", o.Status)
	}
	if status, _, body := w.post("/bureau/verify/orgs", tok, url.Values{"id": {"nonsense", orgs[1].ID}}); status != 409 && status != 404 || strings.Contains(body, "internal") {
		t.Errorf("nothing decidable: %d", status)
	}
	if status, _, _ := w.post("/bureau/verify/talents", tok, url.Values{"id": {orgs[6].ID}}); status != 404 {
		t.Errorf("an unknown queue: %d", status)
	}

	// Who else may post it: nobody but the staff.
	_, creatorEmail := w.user("李明", models.RoleCreator)
	_, _, memberEmail := w.org(bureau, "已审机构", models.OrgEnterprise, models.StatusVerified, "")
	_, orglessEmail := w.user("无机构", models.RoleOrg)
	for who, email := range map[string]string{"creator": creatorEmail, "member": memberEmail, "orgless": orglessEmail} {
		if status, _, _ := w.post("/bureau/verify/orgs", w.signIn(email), url.Values{"id": {orgs[7].ID}}); status != 403 {
			t.Errorf("%s: %d", who, status)
		}
	}
	if status, to, _ := w.post("/bureau/verify/orgs", "", url.Values{"id": {orgs[7].ID}}); status != 303 || !strings.HasPrefix(to, "/signin") {
		t.Errorf("anonymous: %d → %s", status, to)
	}
	// Without the CSRF token.
	res, _ := do(t, w.app, call{method: "POST", path: "/bureau/verify/orgs", form: url.Values{"id": {orgs[7].ID}}, cookies: map[string]string{sessionCookie: tok}})
	if res.StatusCode != 403 {
		t.Errorf("without CSRF: %d", res.StatusCode)
	}
	if o, _ := w.svc.Orgs.Get(w.ctx, bureau, orgs[7].ID); o.Status != models.StatusPending {
		t.Errorf("orgs[7] decided by someone refused: %s", o.Status)
	}
	_, adminEmail := w.user("管理员", models.RoleAdmin)
	// An admin sees the queues but decides nothing (the services' rule:
	// verifying is the bureau's).
	if status, _, _ := w.post("/bureau/verify/orgs", w.signIn(adminEmail), url.Values{"id": {orgs[7].ID}}); status != 403 {
		t.Errorf("admin: %d", status)
	}
}

// TestVerifyQueueEvidence: a hire report links to the talent's profile and
// the project, names who reported it and how; a base lists its operators
// and the co-operator still asked.
func TestVerifyQueueEvidence(t *testing.T) {
	w := newRealWorld(t)
	w.clock.set(at(2025, 3, 1))
	bureau, email := w.user("王审核", models.RoleBureau)
	org, member, _ := w.org(bureau, "星河数字工作室", models.OrgEnterprise, models.StatusVerified, "")
	other, _, _ := w.org(bureau, "光子学院", models.OrgUniversity, models.StatusVerified, "")
	creator, _ := w.user("李明", models.RoleCreator)
	tal, err := w.svc.Talents.Create(w.ctx, creator, models.TalentInput{Name: "李明", Visibility: models.VisibilityPublic, District: "nanshan",
		Industries: []string{"games"}})
	w.must(err)
	proj, err := w.svc.Projects.Create(w.ctx, member, models.ProjectInput{Title: "游戏原画师", Kind: models.ProjectJob, District: "nanshan",
		Industries: []string{"games"}})
	w.must(err)
	app, err := w.svc.Applications.Create(w.ctx, creator, proj.ID, models.ApplicationInput{})
	w.must(err)
	for _, s := range []models.Stage{models.StageShortlisted, models.StageInterviewing, models.StageOffered, models.StageHired} {
		_, err = w.svc.Applications.Update(w.ctx, member, app.ID, models.ApplicationUpdate{Stage: s}, 0)
		w.must(err)
	}
	rec, err := w.svc.Recruitments.Report(w.ctx, member, models.RecruitmentInput{ApplicationID: app.ID, Date: "2025-02-20",
		Origin: models.OriginDomestic})
	w.must(err)
	base, err := w.svc.Bases.Create(w.ctx, member, models.BaseInput{Name: "星河培训基地", Kind: models.BaseTraining, District: "nanshan",
		OperatorOrgIDs: []string{org.ID, other.ID}, EstablishedOn: "2020-05-01", Capacity: 300})
	w.must(err)
	w.clock.set(at(2025, 3, 1).Add(5 * time.Hour))
	tok := w.signIn(email)
	for _, lang := range []string{models.LangZH, models.LangEN} {
		page := w.page("/bureau/verify", tok, lang)
		row := page[strings.Index(page, `<tr id="recruitments-`+rec.ID):]
		row = row[:strings.Index(row, "</tr>")]
		for _, want := range []string{`href="/talents/` + tal.ID + `"`, `href="/projects/` + proj.ID + `"`, `href="/bureau/audit?resource_id=` + org.ID + `"`} {
			if !strings.Contains(row, want) {
				t.Errorf("%s: the report's row lacks %s", lang, want)
			}
		}
		wantText := map[string][]string{models.LangZH: {"经招聘流程录用", "5 小时", "星河数字工作室"}, models.LangEN: {"Hired through the pipeline", "5 hours"}}[lang]
		for _, want := range wantText {
			if !strings.Contains(text(row), want) {
				t.Errorf("%s: the report's row lacks %q: %s", lang, want, text(row))
			}
		}
		brow := section(page, "tr", "bases-"+base.ID)
		if lang == models.LangZH && (!strings.Contains(brow, "光子学院（已邀请，未确认）") || !strings.Contains(brow, "容量 300") || !strings.Contains(brow, "成立于 2020-05-01")) {
			t.Errorf("the base's row: %s", brow)
		}
	}
}
