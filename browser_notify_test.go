package main

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserNotificationJourneys walks issue 14's journeys in headless
// Chromium against run(), with a real SMTP server started by the test and
// PUBLIC_URL the server's own address, so that the links the mails carry
// are opened as their reader would open them:
//
//   - a Chinese creator signs up, verifies the address by the mailed link,
//     forgets the password, asks for a reset from the sign-in page, follows
//     the mailed link, sets a new password and signs in with it (not with
//     the old one); the reset's security notice is on the bell;
//   - an organisation, verified by the bureau, invites an English-speaking
//     creator from its project's matches: the creator's bell lights up
//     without a reload, the notifications page lists it in English and
//     opening it marks it read and leads to the applications; the mail
//     about it is in English and its link works. At a phone's width the
//     bell shows and overlaps nothing.
func TestBrowserNotificationJourneys(t *testing.T) {
	began := time.Now()
	smtpSrv := startSink(t, "127.0.0.1:0")
	// run() takes PUBLIC_URL before it listens: the test picks the port
	// so that the links in the mails point at this very server.
	addr := freePort(t)
	public := "http://" + addr
	a := startJourney(t, map[string]string{"ADDR": addr,
		"SMTP_URL": smtpSrv.url(), "MAIL_FROM": "深圳数字创意人才平台 <noreply@talent.example.cn>", "PUBLIC_URL": public,
	})
	if a.base != public {
		t.Fatalf("the server listens on %s, PUBLIC_URL is %s", a.base, public)
	}
	b := newBrowser(t, a.base)
	defer b.check()
	mailGuard := 90 * time.Second // a hang guard: the worker sends at once, or 30 s after a failed try

	// openLink opens a mailed link in the browser, after checking that it
	// points at PUBLIC_URL + path.
	openLink := func(ctx context.Context, link, path string) {
		t.Helper()
		u, err := url.Parse(link)
		if err != nil || u.Scheme+"://"+u.Host != public || u.Path != path {
			t.Fatalf("the mailed link %q does not point at %s%s", link, public, path)
		}
		b.run(ctx, "open "+link, chromedp.Navigate(link), chromedp.WaitReady(chromedp.CSS("body")))
		b.waitPath(ctx, path)
	}
	zhPage := chineseOnly(t, b)

	// ---- Forgot password, in Chinese. ----
	const email1, oldPassword, newPassword = "zhou@example.com", "the password I will forget", "a password I will remember"
	cr := b.user("forgetful")
	b.visit(cr, "/signup")
	zhPage(cr)
	b.run(cr, "sign up", fill("#f-name", "周小雨"), fill("#f-email", email1),
		fill("#f-password", oldPassword), fill("#f-password2", oldPassword))
	b.submit(cr, "#signup-submit", "/me/profile")

	verify := smtpSrv.waitTo(t, email1, regexp.MustCompile(`验证`), mailGuard)
	if !hasHan(verify.subject) || latinWord.MatchString(verify.subject) {
		t.Errorf("the verification mail to a Chinese reader: subject %q", verify.subject)
	}
	openLink(cr, verify.link(public+"/verify-email?t="), "/verify-email")
	if got := b.text(cr, "#verify-email-ok"); got != "您的邮箱地址已验证，谢谢。" {
		t.Fatalf("verifying by the mailed link: %q %q", got, b.text(cr, "#verify-email"))
	}
	zhPage(cr)
	b.shot(cr, "notify-verified")
	b.visit(cr, "/account")
	if !b.has(cr, "#email-verified") {
		t.Fatalf("the account page does not say the address is verified")
	}
	b.submit(cr, "#signout", "/")

	b.visit(cr, "/signin")
	if got := b.text(cr, "#forgot-password"); got != "忘记密码？" {
		t.Fatalf("the sign-in page's forgot-password link: %q", got)
	}
	b.submit(cr, "#forgot-password", "/password-reset")
	zhPage(cr)
	b.run(cr, "ask for a reset", fill("#f-email", email1))
	b.submit(cr, "#reset-submit", "/signin")
	if got := b.text(cr, ".flash"); got != "如果该邮箱地址对应一个账号，重置密码的链接已发出，请查收邮件。" {
		t.Errorf("after asking for a reset: %q", got)
	}
	reset := smtpSrv.waitTo(t, email1, regexp.MustCompile(`重置`), mailGuard)
	if reset.subject != "重置您的 talenthub 密码" || reset.header.Get("Content-Language") != "zh-CN" {
		t.Errorf("the reset mail: subject %q, language %q", reset.subject, reset.header.Get("Content-Language"))
	}
	if len(reset.rcpt) != 1 || reset.rcpt[0] != email1 {
		t.Errorf("the reset mail went to %v", reset.rcpt)
	}
	link := reset.link(public + "/password-reset/confirm?t=")
	if link == "" {
		t.Fatalf("the reset mail has no link to %s/password-reset/confirm: %v\n%s", public, reset.links(), reset.text)
	}
	if !strings.Contains(reset.html, `href="`+link+`"`) {
		t.Errorf("the HTML part does not carry the link %s", link)
	}
	openLink(cr, link, "/password-reset/confirm")
	zhPage(cr)
	b.shot(cr, "notify-reset-confirm")
	b.run(cr, "set a new password", fill("#f-password", newPassword), fill("#f-password2", newPassword))
	b.submit(cr, "#reset-confirm-submit", "/signin")
	if got := b.text(cr, ".flash"); got != "新密码已设置，请用新密码登录。" {
		t.Errorf("after the reset: %q (%s)", got, b.text(cr, ".alert"))
	}
	// The old password fails; the new one signs in.
	b.run(cr, "sign in with the old password", fill("#f-email", email1), fill("#f-password", oldPassword))
	b.submit(cr, "#signin-submit", "/signin")
	if b.text(cr, ".alert") == "" || b.cookie(cr, "th_session") != "" {
		t.Fatalf("the old password was not refused")
	}
	b.run(cr, "sign in with the new password", fill("#f-email", email1), fill("#f-password", newPassword))
	b.submit(cr, "#signin-submit", "/me/profile")
	// The link works once.
	openLink(cr, link, "/password-reset/confirm")
	b.run(cr, "reuse the link", fill("#f-password", "yet another password"), fill("#f-password2", "yet another password"))
	b.submit(cr, "#reset-confirm-submit", "/password-reset/confirm")
	if !b.has(cr, "#reset-again") {
		t.Errorf("a used reset link was not refused: %q", b.text(cr, ".alert"))
	}
	b.visit(cr, "/signin")
	b.run(cr, "sign in again", fill("#f-email", email1), fill("#f-password", newPassword))
	b.submit(cr, "#signin-submit", "/me/profile")
	// The reset is a security notice: on the bell and in the inbox, in
	// Chinese.
	b.visit(cr, "/notifications")
	waitBell(t, b, cr, "1")
	if got := b.text(cr, ".notification"); !hasHan(got) {
		t.Errorf("the security notice on the notifications page: %q", got)
	}
	zhPage(cr)
	b.shot(cr, "notify-security-zh")
	// The Chinese header is laid out otherwise: the bell fits there too.
	b.run(cr, "phone width", chromedp.EmulateViewport(390, 844))
	b.visit(cr, "/notifications")
	bellFits(t, b, cr, "Chinese")
	b.shot(cr, "notify-security-phone-zh")
	b.run(cr, "desktop width", chromedp.ResetViewport())

	// ---- An invitation, to an English-speaking creator. ----
	admin := b.user("admin")
	b.visit(admin, "/signin")
	b.run(admin, "admin signs in", fill("#f-email", "admin@example.com"), fill("#f-password", journeyPassword))
	b.submit(admin, "#signin-submit", "/admin")
	b.run(admin, "create an officer", fill("#user-form #f-name", "王审核"), fill("#user-form #f-email", "officer@example.com"),
		fill("#user-form #f-password", journeyPassword), fill("#user-form #f-role", "bureau"))
	b.submit(admin, "#user-submit", "/admin/users")

	const email2 = "amy@example.com"
	en := b.user("english creator")
	b.visit(en, "/signup")
	b.run(en, "sign up", fill("#f-name", "Amy Lin"), fill("#f-email", email2),
		fill("#f-password", journeyPassword), fill("#f-password2", journeyPassword))
	b.submit(en, "#signup-submit", "/me/profile")
	b.visit(en, "/account")
	b.run(en, "choose English", fill("#f-language", "en"))
	b.submit(en, "#account-save", "/account")
	if got := b.eval(en, `document.documentElement.lang`); got != "en" {
		t.Fatalf("the account page after choosing English is %q", got)
	}
	verify = smtpSrv.waitTo(t, email2, regexp.MustCompile(`验证|[Vv]erify`), mailGuard)
	openLink(en, verify.link(public+"/verify-email?t="), "/verify-email")
	if got := b.text(en, "#verify-email-ok"); got != "Your email address is verified. Thank you." {
		t.Fatalf("verifying by the mailed link: %q", got)
	}
	b.visit(en, "/me/profile")
	b.run(en, "fill the profile", fill("#f-headline", "Concept artist for games"),
		fill("#f-skills", "原画, 角色设计"), click(`input[name="industries"][value="games"]`),
		fill("#f-district", "nanshan"), fill("#f-years_experience", "5"), click(`input[name="visibility"][value="public"]`))
	b.tick(en, `input[name="available"]`)
	b.submit(en, "#profile-save", "/me/profile")
	if got := b.text(en, ".flash"); got != "Saved." {
		t.Fatalf("profile not saved: %q %q", got, b.text(en, ".alert"))
	}

	org := b.user("org")
	b.visit(org, "/signup?role=org")
	b.registerStudio(org)
	bu := b.user("bureau")
	b.visit(bu, "/signin")
	b.run(bu, "officer signs in", fill("#f-email", "officer@example.com"), fill("#f-password", journeyPassword))
	b.submit(bu, "#signin-submit", "/bureau")
	b.visit(bu, "/bureau/verify")
	b.submit(bu, `#queue-orgs tr[id^="orgs-"] button.approve`, "/bureau/verify")
	b.visit(org, "/org/projects/new")
	b.run(org, "post a project", fill("#f-title", "二次元手游角色原画师"),
		fill("#f-description", "为新开发的二次元手游设计主要角色。"), fill("#f-kind", "job"), fill("#f-district", "nanshan"),
		fill("#f-skills", "原画, 角色设计"), click(`input[name="industries"][value="games"]`), fill("#f-openings", "1"))
	matches := b.submit(org, "#project-submit", `^/org/projects/[^/]+/matches$`)

	// The creator looks at their applications, at a phone's width; the
	// page is not reloaded until the bell has changed.
	b.run(en, "phone width", chromedp.EmulateViewport(390, 844))
	b.visit(en, "/me/applications")
	if b.has(en, "#bell-count") {
		t.Fatalf("the bell counts %q before anything happened", b.text(en, "#bell-count"))
	}
	bellFits(t, b, en, "before")
	b.run(en, "mark the page", chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`))

	b.visit(org, matches)
	card := `.match:has(a[href$="/talents/` + b.eval(org, `(() => { const h = [...document.querySelectorAll(".match h2 a")].find(a => a.innerText === "Amy Lin"); return h ? h.getAttribute("href").split("/").pop() : "" })()`) + `"])`
	if !b.has(org, card) {
		t.Fatalf("the creator is not among the project's matches: %q", b.text(org, "main"))
	}
	b.submit(org, card+" button.invite", matches)
	if got := b.text(org, card+" .badge"); got != "已邀请" {
		t.Errorf("the match's stage after inviting: %q", got)
	}

	// The htmx poll (every 20 s) brings the count; the guard is generous.
	waitBell(t, b, en, "1")
	if b.eval(en, `String(window.__sameDocument === true)`) != "true" {
		t.Errorf("the bell changed by a full reload")
	}
	bellFits(t, b, en, "with a count")
	b.shot(en, "notify-bell-phone-en")

	b.submit(en, "#bell", "/notifications")
	items := b.eval(en, `[...document.querySelectorAll(".notification.unread .note-open")].map(e => e.innerText).join("|")`)
	if !strings.Contains(items, "深圳星河游戏孵化器 invites you to “二次元手游角色原画师”") || strings.Count(items, "|") != 0 {
		t.Fatalf("the notifications page in English: %q", items)
	}
	if got := b.text(en, "h1"); got != "Notifications" {
		t.Errorf("the notifications page's heading: %q", got)
	}
	b.shot(en, "notify-list-phone-en")
	b.submit(en, ".notification.unread .note-open", "/me/applications")
	if b.has(en, "#bell-count") {
		t.Errorf("the bell still counts %q after opening the notification", b.text(en, "#bell-count"))
	}
	if got := b.text(en, ".application .badge"); got != "Invited" {
		t.Errorf("the invitation on the applications page: %q", got)
	}
	b.visit(en, "/notifications")
	if b.has(en, ".notification.unread") || !b.has(en, ".notification") {
		t.Errorf("after opening it the notification is not read: %q", b.text(en, ".notifications"))
	}
	b.run(en, "desktop width", chromedp.ResetViewport())

	invite := smtpSrv.waitTo(t, email2, regexp.MustCompile(`invites you`), mailGuard)
	if invite.subject != "深圳星河游戏孵化器 invites you to “二次元手游角色原画师”" || invite.header.Get("Content-Language") != "en" ||
		!strings.Contains(invite.text, "Open in talenthub") {
		t.Errorf("the invitation's mail: subject %q, language %q\n%s", invite.subject, invite.header.Get("Content-Language"), invite.text)
	}
	openLink(en, invite.link(public+"/me/applications"), "/me/applications")
	if got := b.text(en, ".application .badge"); got != "Invited" {
		t.Errorf("the mail's link leads to %q", got)
	}
	if n := len(smtpSrv.to(email2, regexp.MustCompile(`invites you`))); n != 1 {
		t.Errorf("%d invitation mails", n)
	}

	// ---- A saved search alerts on a new profile. ----
	// The organisation saves the search it is looking at.
	b.visit(org, "/talents?q=%E5%8E%9F%E7%94%BB&district=nanshan")
	b.run(org, "open the save form", click("#save-search summary"))
	b.run(org, "name the search", fill("#save-search #f-name", "南山原画"), fill("#save-search #f-alert", "instant"))
	b.submit(org, "#save-search-submit", "/saved")
	if got := b.text(org, ".saved"); !strings.Contains(got, "南山原画") || !strings.Contains(got, "立即") {
		t.Fatalf("the saved searches page: %q", got)
	}
	zhPage(org)
	// A new creator's profile that the search finds.
	code, reg := a.call(t, "POST", "/api/v1/auth/register", "", map[string]any{"email": "new@example.com", "password": journeyPassword, "name": "周雨桐", "role": "creator"})
	if code != 201 {
		t.Fatalf("register: %d %v", code, reg)
	}
	code, prof := a.call(t, "POST", "/api/v1/talents", str(reg, "token"), map[string]any{"name": "周雨桐", "headline": "游戏原画师",
		"skills": []string{"原画"}, "district": "nanshan", "visibility": "public"})
	if code != 201 {
		t.Fatalf("profile: %d %v", code, prof)
	}
	// The alert shows on the organisation's notifications page (reloaded
	// until it does: the guard only catches a hang).
	alert := ".notification.unread .note-open"
	deadline := time.Now().Add(60 * time.Second)
	for {
		b.visit(org, "/notifications")
		if strings.Contains(b.eval(org, `[...document.querySelectorAll(".note-open")].map(e => e.innerText).join("|")`), "保存的搜索「南山原画」") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no alert of the saved search: %q", b.text(org, "main"))
		}
		time.Sleep(time.Second)
	}
	zhPage(org)
	b.shot(org, "notify-saved-search-zh")
	alert = `.notification.unread:has(input[name="link"][value="/talents/` + str(prof, "id") + `"]) .note-open`
	b.submit(org, alert, "/talents/"+str(prof, "id"))
	if got := b.text(org, "h1"); !strings.Contains(got, "周雨桐") {
		t.Errorf("the alert leads to %q", got)
	}

	b.check()
	t.Logf("notification journeys took %s; %d mails; screenshots in %s", time.Since(began).Round(time.Millisecond), len(smtpSrv.messages()), b.dir)
}

// waitBell waits, without reloading, for the header's bell to count want.
// The bell is polled every 20 s; the guard only catches a hang.
func waitBell(t *testing.T, b *browser, ctx context.Context, want string) {
	t.Helper()
	deadline := time.Now().Add(50 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("#bell-count") || {}).innerText || ""`))
		if got = strings.TrimSpace(s); err == nil && got == want {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.shot(ctx, "failed-bell")
	t.Fatalf("the bell counts %q, want %q", got, want)
}

// bellFits checks that the bell (and its count) is on screen, on top, and
// overlaps no other control of the header, and that the page is no wider
// than the screen.
func bellFits(t *testing.T, b *browser, ctx context.Context, when string) {
	t.Helper()
	out := b.eval(ctx, `(() => {
		const bell = document.querySelector("#bell");
		if (!bell) return "no bell";
		const vw = document.documentElement.clientWidth;
		const boxes = [bell, document.querySelector("#bell-count")].filter(Boolean).map(e => [e, e.getBoundingClientRect()]);
		const problems = [];
		for (const [e, r] of boxes) {
			if (r.width === 0 || r.height === 0) problems.push((e.id || "bell") + " has no size");
			if (r.left < 0 || r.right > vw) problems.push((e.id || "bell") + " leaves the screen: " + r.left + ".." + r.right + " of " + vw);
			const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
			if (!hit || !bell.contains(hit)) problems.push((e.id || "bell") + " is covered by " + (hit ? hit.outerHTML.slice(0, 80) : "nothing"));
		}
		for (const o of document.querySelectorAll("header a, header button, header .brand")) {
			if (bell.contains(o) || o.contains(bell)) continue;
			const q = o.getBoundingClientRect();
			if (q.width === 0) continue;
			for (const [e, r] of boxes) {
				if (r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom)
					problems.push((e.id || "bell") + " overlaps " + o.outerHTML.slice(0, 80));
			}
		}
		if (document.documentElement.scrollWidth > vw) problems.push("the page is " + document.documentElement.scrollWidth + "px wide");
		return problems.join("; ");
	})()`)
	if out != "" {
		b.shot(ctx, "failed-bell-fits")
		t.Errorf("the bell at %s px (%s): %s", b.eval(ctx, `String(innerWidth)`), when, out)
	}
}

// chineseOnly returns a check of the page a browser context shows: in
// Chinese, with no English words but names, and no message ids shown as
// text (as TestBrowserJourneys checks every page).
func chineseOnly(t *testing.T, b *browser) func(ctx context.Context) {
	keyLike := untranslatedPattern(t)
	return func(ctx context.Context) {
		t.Helper()
		path := b.eval(ctx, `location.pathname`)
		if lang := b.eval(ctx, `document.documentElement.lang`); lang != "zh-CN" {
			t.Errorf("%s: language %q", path, lang)
			return
		}
		if m := keyLike.FindAllString(b.eval(ctx, `document.body.innerText`), 5); m != nil {
			t.Errorf("%s: untranslated %v", path, m)
		}
		visible := b.eval(ctx, `(() => { const c = document.body.cloneNode(true);
			c.querySelectorAll("textarea, code, script, input, .chip").forEach(e => e.remove()); return c.innerText })()`)
		visible = emailLike.ReplaceAllString(visible, "")
		for _, w := range latinWord.FindAllString(visible, -1) {
			if !journeyWords[w] {
				t.Errorf("%s: English on the Chinese page: %q", path, w)
			}
		}
		for _, v := range b.accessibility(ctx) {
			t.Errorf("%s: accessibility: %s", path, v)
		}
		b.shot(ctx, fmt.Sprintf("notify-zh%s", strings.ReplaceAll(path, "/", "-")))
	}
}

// hasHan reports whether s has a Chinese character.
func hasHan(s string) bool { return hanChar.MatchString(s) }

var hanChar = regexp.MustCompile(`\p{Han}`)
