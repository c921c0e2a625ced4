package web

import (
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
