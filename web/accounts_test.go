package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/service"
)

// TestForgotPasswordPages: from the sign-in page's link to a new password
// that signs in, and a used link refused in the page's language.
func TestForgotPasswordPages(t *testing.T) {
	box := &mailLog{}
	w := newRealWorld(t, func(c *service.Config) { c.Mailer = box })
	_, email := w.user("李明", models.RoleCreator)
	for lang, want := range map[string]string{models.LangZH: "忘记密码？", models.LangEN: "Forgot password?"} {
		if page := w.page("/signin", "", lang); !strings.Contains(page, `href="/password-reset"`) || !strings.Contains(page, want) {
			t.Errorf("the %s sign-in page has no forgot-password link", lang)
		}
	}
	status, to, _ := w.post("/password-reset", "", url.Values{"email": {email}})
	if status != 303 || to != "/signin" {
		t.Fatalf("request: %d → %s", status, to)
	}
	// An unknown address is answered alike.
	if status, to, _ := w.post("/password-reset", "", url.Values{"email": {"nobody@example.com"}}); status != 303 || to != "/signin" {
		t.Errorf("request for an unknown address: %d → %s", status, to)
	}
	w.svc.Accounts.Wait()
	link := box.link(t, models.MailPasswordReset, email)
	page := w.page(link, "", models.LangZH)
	if !strings.Contains(page, `id="reset-confirm-form"`) {
		t.Fatalf("the link's page has no form:\n%.1000s", page)
	}
	u, _ := url.Parse(link)
	token := u.Query().Get("t")
	if status, _, body := w.post("/password-reset/confirm", "", url.Values{"t": {token}, "password": {"a new long password"}, "password2": {"another one"}}); status != 422 || strings.Contains(body, "a new long password") {
		t.Errorf("different passwords: %d", status)
	}
	if status, to, _ := w.post("/password-reset/confirm", "", url.Values{"t": {token}, "password": {"a new long password"}, "password2": {"a new long password"}}); status != 303 || to != "/signin" {
		t.Fatalf("confirm: %d → %s", status, to)
	}
	if _, err := w.svc.Accounts.Login(w.ctx, models.LoginInput{Email: email, Password: "a new long password"}, models.ClientInfo{}); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
	status, _, body := w.post("/password-reset/confirm", "", url.Values{"t": {token}, "password": {"a third password"}, "password2": {"a third password"}})
	if status != 422 || !strings.Contains(body, "此链接无效、已使用或已过期") || !strings.Contains(body, `id="reset-again"`) {
		t.Errorf("a used link: %d\n%.1500s", status, text(body))
	}
}

// TestVerifyEmailPages: the account page offers a new link until the
// address is verified; the link verifies once.
func TestVerifyEmailPages(t *testing.T) {
	box := &mailLog{}
	w := newRealWorld(t, func(c *service.Config) { c.Mailer = box })
	_, email := w.user("李明", models.RoleCreator)
	tok := w.signIn(email)
	if page := w.page("/account", tok, models.LangZH); !strings.Contains(page, `id="verify-resend"`) || strings.Contains(page, `id="email-verified"`) {
		t.Fatal("an unverified account's page offers no new link")
	}
	if status, to, _ := w.post("/account/verify-email", tok, nil); status != 303 || to != "/account" {
		t.Fatalf("resend: %d → %s", status, to)
	}
	link := box.link(t, models.MailVerifyEmail, email)
	if page := w.page(link, "", models.LangEN); !strings.Contains(page, `id="verify-email-ok"`) {
		t.Fatalf("the link did not verify:\n%.1000s", text(page))
	}
	res, body := do(t, w.app, call{method: "GET", path: link, cookies: map[string]string{langCookie: models.LangZH}})
	if res.StatusCode != 422 || !strings.Contains(body, `id="verify-email-invalid"`) {
		t.Errorf("a used link: %d", res.StatusCode)
	}
	if page := w.page("/account", tok, models.LangZH); !strings.Contains(page, `id="email-verified"`) || strings.Contains(page, `id="verify-resend"`) {
		t.Error("a verified account's page does not say so")
	}
}

// TestAdminAccountsPage: the admin finds accounts, disables one (whose
// sessions end) and cannot disable themselves; the bureau's queue says
// whether an organisation's contact address is verified.
func TestAdminAccountsPage(t *testing.T) {
	box := &mailLog{}
	w := newRealWorld(t, func(c *service.Config) { c.Mailer = box })
	admin, adminEmail := w.user("系统管理员", models.RoleAdmin)
	adminTok := w.signIn(adminEmail)
	creator, creatorEmail := w.user("李明", models.RoleCreator)
	creatorTok := w.signIn(creatorEmail)

	page := w.page("/admin?role=creator&q="+url.QueryEscape(strings.ToUpper(creatorEmail[:10])), adminTok, models.LangZH)
	table := section(page, "table", "users-table")
	if !strings.Contains(table, creatorEmail) || strings.Contains(table, adminEmail) || !strings.Contains(page, `id="user-`+creator.ID+`"`) {
		t.Fatalf("the search did not find the creator alone:\n%.2000s", text(table))
	}
	if status, to, _ := w.post("/admin/users/"+creator.ID+"/password-reset", adminTok, nil); status != 303 || !strings.HasPrefix(to, "/admin") {
		t.Errorf("send a reset: %d → %s", status, to)
	}
	box.link(t, models.MailPasswordReset, creatorEmail)
	if status, to, _ := w.post("/admin/users/"+creator.ID, adminTok, url.Values{"action": {"disable"}}); status != 303 || !strings.HasPrefix(to, "/admin") {
		t.Fatalf("disable: %d → %s", status, to)
	}
	if res, _ := do(t, w.app, call{method: "GET", path: "/account", cookies: map[string]string{sessionCookie: creatorTok}}); res.StatusCode != 303 {
		t.Errorf("the disabled creator's session still opens pages: %d", res.StatusCode)
	}
	if status, _, body := w.post("/admin/users/"+admin.ID, adminTok, url.Values{"action": {"disable"}}); status != 403 || !strings.Contains(body, `id="users-table"`) {
		t.Errorf("an admin disables themselves: %d", status)
	}
	_, otherEmail := w.user("林小画", models.RoleCreator)
	if status, _, _ := w.post("/admin/users/"+creator.ID, w.signIn(otherEmail), url.Values{"action": {"enable"}}); status != 403 {
		t.Errorf("another creator posts the admin's form: %d", status)
	}
	if u, err := w.svc.Accounts.ListUsers(w.ctx, admin, models.UserFilter{Q: creatorEmail}); err != nil || len(u.Items) != 1 || !u.Items[0].Disabled {
		t.Errorf("the creator after the refused form: %+v, %v", u, err)
	}

	_, bureauEmail := w.user("王审核", models.RoleBureau)
	member, _ := w.user("待审核机构的联系人", models.RoleOrg)
	_, err := w.svc.Orgs.Create(w.ctx, member, models.OrgInput{Name: "待审核机构", Kind: models.OrgEnterprise, District: "nanshan", Industries: []string{"games"}})
	w.must(err)
	for lang, want := range map[string]string{models.LangZH: "未验证", models.LangEN: "not verified"} {
		if page := w.page("/bureau/verify", w.signIn(bureauEmail), lang); !strings.Contains(page, `class="contact-verified">`+want) {
			t.Errorf("the %s queue does not say the contact is unverified", lang)
		}
	}
}
