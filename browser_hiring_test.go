package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserHiringJourney walks the hiring journey both sides take, in
// headless Chromium against run(): a creator sorts projects by pay and
// applies with a message; the organisation reads it on the pipeline card,
// answers in the application's thread, and the creator replies; the
// organisation moves the card to hired, reviews the report filled from the
// application before it goes, reports a second hire by choosing the talent
// by name, changes that report and withdraws it. The creator reads the
// thread in English too, and both sides see it at a phone's width.
func TestBrowserHiringJourney(t *testing.T) {
	began := time.Now()
	a := startJourney(t, nil)
	must := a.expecting(t)
	// The world, through the API: a verified studio with two projects at
	// different pay, a bureau officer, and a creator with a profile.
	_, _, hr, _ := journeyAPI{t, a}.officerAndOrg(map[string]any{"name": "山海游戏工作室", "industries": []string{"games"}})
	for _, p := range []map[string]any{
		{"title": "场景原画（兼职）", "pay_min": 300, "pay_max": 500, "pay_unit": "day"},
		{"title": "角色原画师", "pay_min": 15000, "pay_max": 25000, "pay_unit": "month"},
		{"title": "原画实习生", "pay_min": 3000, "pay_max": 4000, "pay_unit": "month"},
	} {
		p["description"], p["kind"], p["skills"], p["industries"], p["district"], p["openings"] = "为新游戏绘制原画", "job", []string{"原画"}, []string{"games"}, "nanshan", 1
		must(201, "POST", "/api/v1/projects", hr, p)
	}
	cr := must(201, "POST", "/api/v1/auth/register", "", map[string]any{"email": "lin@example.com", "password": journeyPassword, "name": "林小画", "role": "creator"})
	must(201, "POST", "/api/v1/talents", str(cr, "token"), map[string]any{"name": "林小画", "headline": "游戏原画师", "skills": []string{"原画"},
		"district": "nanshan", "origin": "domestic", "visibility": "public", "industries": []string{"games"}})
	second := must(201, "POST", "/api/v1/auth/register", "", map[string]any{"email": "zhou@example.com", "password": journeyPassword, "name": "周雨桐", "role": "creator"})
	must(201, "POST", "/api/v1/talents", str(second, "token"), map[string]any{"name": "周雨桐", "headline": "场景原画", "skills": []string{"原画"},
		"district": "futian", "origin": "overseas", "visibility": "public"})

	b := newBrowser(t, a.base)
	defer b.check()
	signIn := func(who, email string) context.Context {
		ctx := b.user(who)
		b.visit(ctx, "/signin")
		b.run(ctx, who+" signs in", fill("#f-email", email), fill("#f-password", journeyPassword))
		b.submit(ctx, "#signin-submit", "^/")
		return ctx
	}
	creator, org2 := signIn("creator", "lin@example.com"), signIn("org", "hr@studio.example")

	// ---- The creator sorts the projects by pay and applies with a message. ----
	b.visit(creator, "/projects?sort=pay")
	titles := b.eval(creator, `[...document.querySelectorAll(".project-card h2 a")].map(a => a.innerText).join("|")`)
	if titles != "角色原画师|场景原画（兼职）|原画实习生" {
		t.Fatalf("projects sorted by pay: %q (a day's 300-500 counts as 6,525-10,875 a month)", titles)
	}
	if !strings.Contains(b.text(creator, ".project-card .pay"), "15,000–25,000") {
		t.Errorf("the pay on the first card: %q", b.text(creator, ".project-card .pay"))
	}
	b.run(creator, "open the best paid", click(".project-card h2 a"))
	projectPath := b.waitPath(creator, `^/projects/[0-9a-f]+$`)
	b.run(creator, "write a message", fill("#message", "您好，我有五年游戏原画经验，作品见主页。"))
	b.submit(creator, "#apply-submit", "/me/applications")

	// ---- The organisation reads it on the card and answers in the thread. ----
	pipeline := "/org" + projectPath + "/pipeline"
	b.visit(org2, "/org/projects")
	b.run(org2, "open the pipeline", click(`a[href="`+pipeline+`"]`))
	b.waitPath(org2, pipeline)
	if got := b.text(org2, ".applicant-message"); !strings.Contains(got, "五年游戏原画经验") {
		t.Fatalf("the card does not show what the applicant wrote: %q", got)
	}
	b.run(org2, "open the thread", click(".thread-link"))
	b.waitPath(org2, `^/applications/[0-9a-f]+/messages$`)
	if got := b.text(org2, ".application-message"); !strings.Contains(got, "五年游戏原画经验") {
		t.Errorf("the thread does not show the application's message: %q", got)
	}
	b.run(org2, "answer", fill("#f-body", "您好！周三下午方便来面试吗？"))
	b.submit(org2, "#message-send", `^/applications/[0-9a-f]+/messages$`)
	if got := b.text(org2, ".msg.mine .body"); got != "您好！周三下午方便来面试吗？" {
		t.Fatalf("the organisation's message: %q", got)
	}
	threadPath := b.eval(org2, `location.pathname`)

	// ---- The creator replies; the organisation sees it read and answered. ----
	b.visit(creator, "/me/applications")
	b.run(creator, "open the thread", click(".thread-link"))
	b.waitPath(creator, "^"+threadPath+"$")
	if got := b.text(creator, ".msg.theirs .body"); got != "您好！周三下午方便来面试吗？" {
		t.Fatalf("the creator does not see the organisation's message: %q", got)
	}
	b.run(creator, "reply", fill("#f-body", "可以，周三下午两点见。"))
	b.submit(creator, "#message-send", "^"+threadPath+"$")
	b.visit(org2, threadPath)
	if got := b.text(org2, ".msg.theirs .body"); got != "可以，周三下午两点见。" {
		t.Errorf("the organisation does not see the reply: %q", got)
	}
	if got := b.text(org2, ".msg.mine .receipt"); got != "已读" {
		t.Errorf("the organisation's message's receipt: %q", got)
	}
	b.run(org2, "phone width", chromedp.EmulateViewport(390, 844))
	b.shot(org2, "hiring-thread-phone-zh")
	b.run(org2, "desktop width", chromedp.ResetViewport())

	// ---- The creator reads the same thread in English, their choice. ----
	b.visit(creator, "/account")
	b.run(creator, "choose English", fill("#f-language", "en"))
	b.submit(creator, "#account-save", "/account")
	b.visit(creator, threadPath)
	if got := b.eval(creator, `document.documentElement.lang`); got != "en" {
		t.Fatalf("the thread after choosing English is %q", got)
	}
	if got := b.text(creator, ".msg.mine .receipt"); got != "Read" {
		t.Errorf("the creator's reply, read by the organisation, in English: %q", got)
	}
	if got := b.text(creator, "#message-send"); got != "Send" {
		t.Errorf("the thread's send button in English: %q", got)
	}
	if got := b.text(creator, ".msg.theirs .body"); got != "您好！周三下午方便来面试吗？" {
		t.Errorf("the organisation's message is shown as written, whatever the language: %q", got)
	}
	b.shot(creator, "hiring-thread-en")
	b.run(creator, "phone width", chromedp.EmulateViewport(390, 844))
	b.visit(creator, "/me/applications")
	b.shot(creator, "hiring-applications-phone-en")
	b.run(creator, "desktop width", chromedp.ResetViewport())

	// ---- Hired, then the report reviewed before it goes. ----
	b.visit(org2, pipeline)
	for _, stage := range []string{"shortlisted", "interviewing", "offered", "hired"} {
		// The board answers a move in place (htmx), without a new page.
		b.run(org2, "move to "+stage, click(".cardlet button.move-"+stage))
		b.until(org2, "the card in "+stage, `document.querySelector('.column[data-stage="`+stage+`"] .cardlet')`)
	}
	b.run(org2, "report the hire", click(".cardlet .report-hire"))
	b.waitPath(org2, "/org/recruitments/new")
	if got := b.text(org2, "#review-talent"); got != "林小画" {
		t.Fatalf("the review form's talent: %q", got)
	}
	if got := b.eval(org2, `document.querySelector("#f-district").value + "|" + document.querySelector("#f-origin").value + "|" + document.querySelector("#f-industry").value`); got != "nanshan|domestic|games" {
		t.Fatalf("the review form is not filled from the application: %q", got)
	}
	b.shot(org2, "hiring-review-zh")
	b.run(org2, "choose the level", fill("#f-level", "B"))
	b.submit(org2, "#recruitment-form button[type=submit]", "/org/recruitments")
	if got := b.text(org2, "tbody"); !strings.Contains(got, "林小画") || !strings.Contains(got, "已上报") {
		t.Fatalf("the reported hire: %q", got)
	}

	// ---- A refused report is shown again, the applicants still to choose
	// from, in both languages and at a phone's width. ----
	b.run(org2, "phone width", chromedp.EmulateViewport(390, 844))
	for _, lang := range []string{"zh", "en"} {
		if lang == "en" {
			b.visit(org2, "/account")
			b.run(org2, "choose English", fill("#f-language", "en"))
			b.submit(org2, "#account-save", "/account")
		}
		b.visit(org2, "/org/recruitments/new")
		// The browser would not send the form without a date; the server
		// must refuse it all the same.
		b.run(org2, "a report without a date", chromedp.Evaluate[chromedp.Void](
			`document.querySelectorAll("#recruitment-form [required]").forEach(e => e.removeAttribute("required")); document.querySelector("#f-date").value = ""`))
		b.submit(org2, "#recruitment-form button[type=submit]", "/org/recruitments/new")
		if !b.has(org2, "#e-date") || !b.has(org2, "#f-talent_id option") || b.has(org2, "#review-talent") {
			t.Fatalf("the refused report (%s) is not shown again with its error and the applicants", lang)
		}
		if got := b.eval(org2, `document.documentElement.lang`); !strings.HasPrefix(got, lang) {
			t.Errorf("the refused report is in %q, want %s", got, lang)
		}
		// Said as a person reads it: no field of the API (the application
		// the form has not got) in the message.
		if got, want := b.text(org2, "#e-date"), map[string]string{"zh": "必填", "en": "required"}[lang]; got != want {
			t.Errorf("the missing date (%s) is said as %q, want %q", lang, got, want)
		}
		b.shot(org2, "hiring-report-refused-phone-"+lang)
	}
	b.visit(org2, "/account")
	b.run(org2, "back to Chinese", fill("#f-language", "zh-CN"))
	b.submit(org2, "#account-save", "/account")
	b.run(org2, "desktop width", chromedp.ResetViewport())

	// ---- A hire reported by choosing the talent by name. ----
	b.visit(org2, "/org/recruitments/new")
	if b.has(org2, "#f-talent_id[type=text]") {
		t.Fatal("the manual report asks for a database id")
	}
	value := b.eval(org2, `[...document.querySelectorAll("#f-talent_id option")].find(o => o.innerText.startsWith("林小画")).value`)
	b.run(org2, "fill the manual report", fill("#f-talent_id", value), fill("#f-date", "2025-05-20"), fill("#f-origin", "domestic"),
		fill("#f-district", "nanshan"), fill("#f-industry", "games"))
	b.submit(org2, "#recruitment-form button[type=submit]", "/org/recruitments")
	rows := b.eval(org2, `[...document.querySelectorAll("tbody tr")].map(r => r.innerText).join("\n")`)
	if !strings.Contains(rows, "2025-05-20") {
		t.Fatalf("the manual report is not listed: %q", rows)
	}
	// Changed while it waits, then withdrawn.
	manual := func(sel string) string {
		return b.eval(org2, `(() => { const r = [...document.querySelectorAll("tbody tr")].find(r => r.innerText.includes("2025-05-2")); return r ? "#" + r.id + " `+sel+`" : "" })()`)
	}
	b.run(org2, "edit the manual report", click(manual("a.edit-report")))
	b.waitPath(org2, `^/org/recruitments/[0-9a-f]+/edit$`)
	b.run(org2, "change the date", fill("#f-date", "2025-05-21"))
	b.submit(org2, "#recruitment-form button[type=submit]", "/org/recruitments")
	rows = b.eval(org2, `[...document.querySelectorAll("tbody tr")].map(r => r.innerText).join("\n")`)
	if !strings.Contains(rows, "2025-05-21") || strings.Contains(rows, "2025-05-20") {
		t.Fatalf("the changed report: %q", rows)
	}
	b.run(org2, "accept the confirmation", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`))
	b.submit(org2, manual(".withdraw-report"), "/org/recruitments")
	rows = b.eval(org2, `[...document.querySelectorAll("tbody tr")].map(r => r.innerText).join("\n")`)
	if strings.Contains(rows, "2025-05-21") || !strings.Contains(rows, "林小画") {
		t.Fatalf("after the withdrawal: %q", rows)
	}
	b.check()
	t.Logf("hiring journey took %s; screenshots in %s", time.Since(began).Round(time.Millisecond), b.dir)
}
