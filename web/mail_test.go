package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestMailSettingsAndUnsubscribePages: the account page's email settings
// save; a mail's link shows a confirmation that changes nothing, the mail
// client's one-click POST (no cookie, no CSRF token) turns the kind off,
// and a forged or expired link says so in the page's language and changes
// nothing.
func TestMailSettingsAndUnsubscribePages(t *testing.T) {
	w := newRealWorld(t)
	u, email := w.user("李明", models.RoleCreator)
	tok := w.signIn(email)

	form := url.Values{"email_" + models.NoteInvited: {"on"}, "frequency_" + models.NoteInvited: {"daily"}}
	if status, loc, body := w.post("/account/mail", tok, form); status != 303 || loc != "/account#mail" {
		t.Fatalf("save: %d %s %.300s", status, loc, text(body))
	}
	p, err := w.svc.Mail.Preferences(w.ctx, u)
	w.must(err)
	if inv, moved := p.Pref(models.NoteInvited), p.Pref(models.NoteMoved); !inv.Email || inv.Frequency != models.MailDaily || moved.Email {
		t.Fatalf("after the form: %+v", p)
	}
	_, body := do(t, w.app, call{method: "GET", path: "/account", cookies: map[string]string{sessionCookie: tok, langCookie: models.LangZH}})
	if !strings.Contains(body, `name="email_invitation" id="email_invitation" checked`) || !strings.Contains(body, "项目邀请") {
		t.Fatalf("the account page does not show the settings:\n%.2000s", text(body))
	}

	link := "/unsubscribe?t=" + url.QueryEscape(w.mail.UnsubscribeToken(u.ID, models.NoteInvited))
	res, body := do(t, w.app, call{method: "GET", path: link, cookies: map[string]string{langCookie: models.LangEN}})
	if res.StatusCode != 200 || !strings.Contains(body, "Invitations to projects") || !strings.Contains(body, `id="unsub-confirm"`) {
		t.Fatalf("confirmation: %d %.500s", res.StatusCode, text(body))
	}
	if p, _ := w.svc.Mail.Preferences(w.ctx, u); !p.Pref(models.NoteInvited).Email {
		t.Fatal("opening the link unsubscribed")
	}
	res, body = do(t, w.app, call{method: "POST", path: link, form: url.Values{"List-Unsubscribe": {"One-Click"}}})
	if res.StatusCode != 200 || !strings.Contains(body, `id="unsub-done"`) {
		t.Fatalf("one-click: %d %.500s", res.StatusCode, text(body))
	}
	if p, _ := w.svc.Mail.Preferences(w.ctx, u); p.Pref(models.NoteInvited).Email {
		t.Fatal("the one-click POST did not unsubscribe")
	}

	// A forged link: a clear page, in Chinese, and nothing changed.
	_, err = w.svc.Mail.SetPreferences(w.ctx, u, models.MailPrefsInput{Kinds: []models.MailPrefInput{{Kind: models.NoteMoved, Email: ptrTo(true)}}})
	w.must(err)
	forged := "/unsubscribe?t=" + url.QueryEscape(strings.Replace(w.mail.UnsubscribeToken(u.ID, models.NoteMoved), ".", ".A", 1))
	for _, method := range []string{"GET", "POST"} {
		res, body := do(t, w.app, call{method: method, path: forged, cookies: map[string]string{langCookie: models.LangZH}})
		if res.StatusCode != 400 || !strings.Contains(body, "此退订链接无效或已过期") {
			t.Fatalf("%s forged: %d %.500s", method, res.StatusCode, text(body))
		}
	}
	if p, _ := w.svc.Mail.Preferences(w.ctx, u); !p.Pref(models.NoteMoved).Email {
		t.Fatal("a forged link unsubscribed")
	}
}

func ptrTo[T any](v T) *T { return &v }

// TestTheAdminSeesMailWaitingWhileMailIsOff: with no SMTP server, the
// mail of a registration waits in the outbox, never tried: the admin's
// email box says it waits, not that it is being retried.
func TestTheAdminSeesMailWaitingWhileMailIsOff(t *testing.T) {
	w := newRealWorld(t)
	w.user("李明", models.RoleCreator) // an address to verify: one mail
	_, email := w.user("管理员", models.RoleAdmin)
	adminTok := w.signIn(email)
	for lang, want := range map[string][2]string{models.LangEN: {"Waiting, not tried yet", "Retrying"}, models.LangZH: {"等待发送，尚未尝试", "重试中"}} {
		page := text(w.page("/admin", adminTok, lang))
		if !strings.Contains(page, want[0]) || strings.Contains(page, want[1]) {
			t.Errorf("%s: the mail box does not say the mail waits:\n%.3000s", lang, page[strings.Index(page, "SMTP"):])
		}
	}
}
