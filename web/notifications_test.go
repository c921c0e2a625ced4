package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/notify"
)

// TestNotificationsPageAndBell: what the notifier tells shows on the
// notifications page and on the bell in the reader's language; opening one
// marks it read and goes to what it is about, never off the site.
func TestNotificationsPageAndBell(t *testing.T) {
	w, member, project, creator, tok := consentWorld(t)
	app, err := w.svc.Applications.Create(w.ctx, creator, project.ID, models.ApplicationInput{})
	w.must(err)
	_, err = w.svc.Applications.Update(w.ctx, member, app.ID, models.ApplicationUpdate{Stage: models.StageShortlisted}, 0)
	w.must(err)
	n := notify.New(w.st, w.st, notify.Options{Now: w.clock.now})
	if _, err := n.CatchUp(w.ctx); err != nil {
		t.Fatal(err)
	}

	for lang, want := range map[string]string{models.LangZH: "您对「原画师」的申请：入围", models.LangEN: "Your application to “原画师”: shortlisted"} {
		page := w.page("/notifications", tok, lang)
		if !strings.Contains(page, want) || !strings.Contains(page, `id="bell-count">1<`) || !strings.Contains(page, `id="mark-all-read"`) {
			t.Errorf("%s: the notification, the bell's count or the button is missing:\n%.3000s", lang, section(page, "main", "main"))
		}
		// The bell is on every page, and alone for the poll.
		if p := w.page("/me/applications", tok, lang); !strings.Contains(p, `id="bell-count">1<`) {
			t.Errorf("%s: no count on the bell of another page", lang)
		}
		res, body := do(t, w.app, call{method: "GET", path: "/notifications/bell", cookies: map[string]string{sessionCookie: tok, langCookie: lang},
			headers: map[string]string{"HX-Request": "true"}})
		if res.StatusCode != 200 || !strings.HasPrefix(strings.TrimSpace(body), `<a href="/notifications" id="bell"`) || strings.Contains(body, "<html") {
			t.Errorf("%s: the bell's fragment: %d %.500s", lang, res.StatusCode, body)
		}
	}
	// The member was told of the application, not the creator's move.
	mtok := w.signIn(member.Email)
	if page := w.page("/notifications", mtok, models.LangZH); !strings.Contains(page, "「原画师」收到新的申请") || strings.Contains(page, "入围") {
		t.Errorf("the member's notifications:\n%.3000s", section(page, "main", "main"))
	}

	in, err := w.svc.Notifications.Inbox(w.ctx, creator, false, models.Page{Page: 1, PerPage: 10})
	w.must(err)
	id := in.Items[0].ID
	// A link that leaves the site goes home instead.
	code, loc, _ := w.post("/notifications/read", tok, url.Values{"open": {id}, "link": {"//evil.example/x"}})
	if code != 303 || loc != "/" {
		t.Errorf("open with a foreign link: %d %q", code, loc)
	}
	code, loc, _ = w.post("/notifications/read", tok, url.Values{"open": {id}, "link": {"/me/applications"}})
	if code != 303 || loc != "/me/applications" {
		t.Errorf("open: %d %q", code, loc)
	}
	if p := w.page("/notifications?unread=true", tok, models.LangEN); strings.Contains(p, `id="bell-count"`) || !strings.Contains(p, "0 unread") {
		t.Errorf("after opening it, still unread:\n%.2000s", section(p, "main", "main"))
	}
	// Without a session the form is refused; with one but nothing named, a
	// clear error and nothing changed.
	if code, loc, _ := w.post("/notifications/read", "", url.Values{"all": {"true"}}); code != 303 || !strings.HasPrefix(loc, "/signin") {
		t.Errorf("anonymous read: %d %q", code, loc)
	}
	if code, _, _ := w.post("/notifications/read", mtok, url.Values{}); code != 422 {
		t.Errorf("a read naming nothing: %d", code)
	}
	code, _, _ = w.post("/notifications/read", mtok, url.Values{"all": {"true"}})
	if in, _ := w.svc.Notifications.Inbox(w.ctx, member, true, models.Page{Page: 1, PerPage: 10}); code != 303 || in.Unread != 0 {
		t.Errorf("mark all: %d, %d unread", code, in.Unread)
	}
}

// TestSavedSearchPages: an organisation saves the search it sees; a
// creator sets a project alert (a bad score is shown beside its field, in
// the page's language); both see and delete only their own.
func TestSavedSearchPages(t *testing.T) {
	w, member, _, creator, ctok := consentWorld(t)
	mtok := w.signIn(member.Email)
	page := w.page("/talents?q=原画&district=nanshan&sort=newest", mtok, models.LangZH)
	if !strings.Contains(page, `name="query" value="district=nanshan&amp;q=%E5%8E%9F%E7%94%BB"`) {
		t.Fatalf("the talent search page does not offer to save its search:\n%.2000s", section(page, "details", "save-search"))
	}
	code, loc, _ := w.post("/saved", mtok, url.Values{"name": {"南山原画"}, "query": {"district=nanshan&q=原画"}, "alert": {"daily"}, "next": {"/saved"}})
	if code != 303 || loc != "/saved" {
		t.Fatalf("save: %d %q", code, loc)
	}
	if page := w.page("/saved", mtok, models.LangZH); !strings.Contains(page, "南山原画") || !strings.Contains(page, "每日汇总") ||
		!strings.Contains(page, "关键词：原画 · 区域：南山区") ||
		!strings.Contains(page, `href="/talents?district=nanshan&amp;q=%E5%8E%9F%E7%94%BB"`) {
		t.Errorf("the saved search is not listed with its link:\n%.2000s", section(page, "main", "main"))
	}

	// The creator: a score out of range is refused beside its field.
	code, _, body := w.post("/saved", ctok, url.Values{"name": {"游戏"}, "industries": {"games"}, "min_score": {"150"}, "alert": {"instant"}})
	if code != 422 || !strings.Contains(body, `id="e-min_score"`) || !strings.Contains(body, `value="游戏"`) {
		t.Fatalf("a bad score: %d\n%.2000s", code, section(body, "main", "main"))
	}
	if words := englishWords(section(body, "main", "main")); len(words) > 0 {
		t.Errorf("English on the Chinese page: %v", words)
	}
	code, _, _ = w.post("/saved", ctok, url.Values{"name": {"游戏"}, "industries": {"games"}, "min_score": {"40"}, "alert": {"instant"}})
	list, err := w.svc.SavedSearches.List(w.ctx, creator)
	w.must(err)
	if code != 303 || len(list) != 1 || list[0].Kind != models.SavedProjects || list[0].Query != "industries=games" || list[0].MinScore != 40 {
		t.Fatalf("the project alert: %d %+v", code, list)
	}
	// The member cannot delete the creator's; the creator can.
	if code, _, _ := w.post("/saved/"+list[0].ID+"/delete", mtok, nil); code != 404 {
		t.Errorf("another's delete: %d", code)
	}
	if code, loc, _ := w.post("/saved/"+list[0].ID+"/delete", ctok, nil); code != 303 || loc != "/saved" {
		t.Errorf("delete: %d %q", code, loc)
	}
	if list, _ := w.svc.SavedSearches.List(w.ctx, creator); len(list) != 0 {
		t.Errorf("after delete: %+v", list)
	}
}

// TestInvitationWithdrawnAndClosedProject: the organisation takes an
// invitation back from the board, and the creator is told; a closed
// project's matches page offers no invitation, and says why.
func TestInvitationWithdrawnAndClosedProject(t *testing.T) {
	w, member, project, creator, ctok := consentWorld(t)
	mtok := w.signIn(member.Email)
	app, err := w.svc.Applications.Create(w.ctx, member, project.ID, models.ApplicationInput{TalentID: creator.ID})
	w.must(err)
	board := w.page("/org/projects/"+project.ID+"/pipeline", mtok, models.LangZH)
	if !strings.Contains(section(board, "li", "card-"+app.ID), "撤回邀请") {
		t.Fatalf("the invited card offers no withdrawal:\n%.2000s", section(board, "li", "card-"+app.ID))
	}
	if code, _, _ := w.post("/org/applications/"+app.ID+"/move", mtok, url.Values{"stage": {"withdrawn"}}); code != 303 {
		t.Fatalf("withdraw the invitation: %d", code)
	}
	got, err := w.svc.Applications.Get(w.ctx, creator, app.ID)
	w.must(err)
	if got.Stage != models.StageWithdrawn {
		t.Fatalf("after the withdrawal: %s", got.Stage)
	}
	if _, err := notify.New(w.st, w.st, notify.Options{Now: w.clock.now}).CatchUp(w.ctx); err != nil {
		t.Fatal(err)
	}
	// Told as the invitation taken back, not as "your application:
	// withdrawn" (the creator never applied).
	for lang, want := range map[string]string{models.LangZH: "撤回了「原画师」的邀请", models.LangEN: "withdrew its invitation to “原画师”"} {
		if page := w.page("/notifications", ctok, lang); !strings.Contains(page, want) || strings.Contains(page, "的申请：已撤回") {
			t.Errorf("%s: the creator was not told of the withdrawn invitation:\n%.2000s", lang, section(page, "main", "main"))
		}
	}

	_, err = w.svc.Projects.Update(w.ctx, member, project.ID, models.ProjectUpdate{Status: ptrTo(models.ProjectClosed)}, 0)
	w.must(err)
	page := w.page("/org/projects/"+project.ID+"/matches", mtok, models.LangZH)
	if strings.Contains(page, `class="button small secondary invite"`) || !strings.Contains(page, `id="project-closed"`) {
		t.Errorf("a closed project's matches offer invitations:\n%.2000s", section(page, "main", "main"))
	}
}

// TestReportAmendedOrRefused: a report still waiting is changed from the
// form; a bad date is shown beside its field, and a decided report is not
// changed.
func TestReportAmendedOrRefused(t *testing.T) {
	w, member, _, creator, _ := consentWorld(t)
	mtok := w.signIn(member.Email)
	r, err := w.svc.Recruitments.Report(w.ctx, member, models.RecruitmentInput{TalentID: creator.ID, OrgID: member.OrgID, Date: "2025-03-01",
		Origin: models.OriginDomestic, District: "nanshan", Industry: "games"})
	w.must(err)
	form := url.Values{"date": {"2025-13-40"}, "origin": {"domestic"}, "district": {"nanshan"}, "industry": {"games"}, "version": {fmt.Sprint(r.Version)}}
	code, _, body := w.post("/org/recruitments/"+r.ID+"/edit", mtok, form)
	if code != 422 || !strings.Contains(body, `id="e-date"`) || !strings.Contains(body, `value="2025-13-40"`) {
		t.Fatalf("a bad date: %d\n%.1500s", code, section(body, "main", "main"))
	}
	form.Set("date", "2025-03-02")
	if code, loc, _ := w.post("/org/recruitments/"+r.ID+"/edit", mtok, form); code != 303 || loc != "/org/recruitments" {
		t.Fatalf("amend: %d %q", code, loc)
	}
	got, err := w.svc.Recruitments.Get(w.ctx, member, r.ID)
	w.must(err)
	if got.Date != "2025-03-02" {
		t.Fatalf("after the amendment: %s", got.Date)
	}
	bureau, _ := w.user("审核员二", models.RoleBureau)
	_, err = w.svc.Recruitments.Decide(w.ctx, bureau, r.ID, models.DecisionInput{Decision: models.StatusVerified})
	w.must(err)
	form.Set("date", "2025-03-03")
	form.Set("version", fmt.Sprint(got.Version+1))
	if code, _, _ := w.post("/org/recruitments/"+r.ID+"/edit", mtok, form); code != 409 {
		t.Errorf("amending a verified report: %d", code)
	}
	if got, _ := w.svc.Recruitments.Get(w.ctx, member, r.ID); got.Date != "2025-03-02" {
		t.Errorf("a verified report changed: %s", got.Date)
	}
}
