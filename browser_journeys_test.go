package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/report"
)

const journeyPassword = "a long journey password"

// registerStudio has org, on the sign-up form, sign up as 陈经理 and
// register 深圳星河游戏孵化器, which waits for the bureau.
func (b *browser) registerStudio(org context.Context) {
	b.t.Helper()
	b.run(org, "org signs up", fill("#f-name", "陈经理"), fill("#f-email", "chen@starlight.example.com"),
		fill("#f-password", journeyPassword), fill("#f-password2", journeyPassword))
	b.submit(org, "#signup-submit", "/org")
	b.run(org, "register the organisation", fill("#f-name", "深圳星河游戏孵化器"), fill("#f-kind", "incubator"),
		fill("#f-district", "nanshan"), click(`input[name="industries"][value="games"]`))
	b.submit(org, "#org-submit", "/org")
}

// TestBrowserJourneys walks the journeys in headless Chromium
// against run(): a creator builds a profile and switches to English; an
// organisation registers, is verified, posts a project, finds the creator by
// searching 原画, shortlists them from the matches, moves them to hired on
// the board (by drag and drop and by buttons) and reports the hire; the
// bureau verifies it and sees one more on the dashboard's gauge and in the
// XLSX. Every page it sees must log no error and request nothing from
// elsewhere.
func TestBrowserJourneys(t *testing.T) {
	began := time.Now()
	a := startJourney(t, nil)
	b := newBrowser(t, a.base)
	defer b.check()

	// ---- The admin opens a bureau officer's account. ----
	admin := b.user("admin")
	// The admin signs in with the keyboard only: Tab from the e-mail field
	// reaches the password, Enter submits.
	b.visit(admin, "/signin")
	b.run(admin, "admin types", chromedp.Focus(chromedp.CSS("#f-email")),
		chromedp.KeyEvent("admin@example.com"), chromedp.KeyEvent("\t"), chromedp.KeyEvent(journeyPassword), chromedp.KeyEvent("\r"))
	b.waitPath(admin, "/admin")
	b.run(admin, "create an officer", fill("#user-form #f-name", "王审核"), fill("#user-form #f-email", "officer@example.com"),
		fill("#user-form #f-password", journeyPassword), fill("#user-form #f-role", "bureau"))
	b.submit(admin, "#user-submit", "/admin/users")
	if got := b.text(admin, "#user-created"); !strings.Contains(got, "officer@example.com") {
		t.Fatalf("the admin page does not confirm the new account: %q", got)
	}

	// ---- A creator signs up and builds a profile with a work. ----
	cr := b.user("creator")
	b.visit(cr, "/")
	b.shot(cr, "home")
	b.submit(cr, "#cta-creator", "/signup")
	// A refused form keeps what was typed and says what is wrong, by the
	// field.
	b.run(cr, "sign up with differing passwords", typed("#f-name", "林小画"), fill("#f-email", "lin@example.com"),
		fill("#f-password", journeyPassword), fill("#f-password2", journeyPassword+"!"))
	b.submit(cr, "#signup-submit", "/signup")
	if msg := b.text(cr, "#e-password2"); msg == "" || b.eval(cr, `document.querySelector("#f-email").value`) != "lin@example.com" {
		t.Fatalf("a refused sign-up should keep the input and explain: %q", msg)
	}
	b.shot(cr, "signup-error")
	b.run(cr, "sign up", fill("#f-password", journeyPassword), fill("#f-password2", journeyPassword))
	b.submit(cr, "#signup-submit", "/me/profile")
	if got := b.text(cr, ".flash"); got != "欢迎！" {
		t.Errorf("welcome flash: %q", got)
	}
	b.run(cr, "fill the profile",
		fill("#f-headline", "游戏原画师，擅长角色与场景设计"),
		fill("#f-bio", "八年手游与主机游戏原画经验，负责过多款二次元游戏的角色设计。"),
		fill("#f-skills", "原画, 角色设计, 场景设计"), fill("#f-tools", "Photoshop, Blender"),
		click(`input[name="industries"][value="games"]`), click(`input[name="industries"][value="animation"]`),
		fill("#f-district", "nanshan"), fill("#f-origin", "overseas"), fill("#f-years_experience", "8"), fill("#f-level", "B"),
		click(`input[name="visibility"][value="public"]`),
		fill(`[id="f-contact.email"]`, "lin.art@example.com"), fill(`[id="f-contact.phone"]`, "13912345678"))
	b.tick(cr, `input[name="available"]`)
	b.submit(cr, "#profile-save", "/me/profile")
	if got := b.text(cr, ".flash"); got != "已保存。" {
		t.Fatalf("profile not saved: flash %q, alert %q", got, b.text(cr, ".alert"))
	}
	for i, w := range []string{"《星海》角色原画", "赛博深圳场景概念图"} {
		b.run(cr, "open the work form", click("#work-add-open"))
		b.run(cr, "add a work", fill("#w-new-title", w), fill("#w-new-year", strconv.Itoa(2023+i)),
			fill("#w-new-url", "https://art.example.com/"+strconv.Itoa(i)), fill("#w-new-description", "为项目绘制的主视觉与角色设定"),
			fill("#w-new-tags", "原画, 角色"))
		b.submit(cr, "#work-add-submit", "/me/profile")
	}
	works := func() string {
		return b.eval(cr, `[...document.querySelectorAll("ol.works li.work summary strong")].map(e => e.innerText).join("|")`)
	}
	if got := works(); got != "《星海》角色原画|赛博深圳场景概念图" {
		t.Fatalf("works after adding: %q", got)
	}
	// Reorder by dragging the second work onto the first, then back with
	// the keyboard-reachable arrow.
	b.run(cr, "drag a work", chromedp.DragAndDrop(chromedp.CSS(`li.work[data-index="1"]`), chromedp.CSS(`li.work[data-index="0"] summary`)))
	b.waitPath(cr, "/me/profile")
	b.until(cr, "reordered by drag", `document.querySelector("ol.works li.work summary strong").innerText === "赛博深圳场景概念图"`)
	b.submit(cr, `li.work[data-index="0"] .work-actions form:nth-child(2) button`, "/me/profile")
	if got := works(); got != "《星海》角色原画|赛博深圳场景概念图" {
		t.Fatalf("works after moving down: %q", got)
	}
	// Edit a work in place.
	b.run(cr, "open a work", click(`li.work[data-index="1"] summary`))
	b.run(cr, "edit the work", fill("#w-1-title", "赛博深圳场景概念图（终稿）"))
	b.submit(cr, `li.work[data-index="1"] form.form-grid button[type=submit]`, "/me/profile")
	if got := works(); got != "《星海》角色原画|赛博深圳场景概念图（终稿）" {
		t.Fatalf("works after editing: %q", got)
	}
	b.shot(cr, "profile")
	talentPath := b.eval(cr, `document.querySelector(".page-head a[href^='/talents/']").getAttribute("href")`)
	b.visit(cr, talentPath)
	if got := b.text(cr, ".works-view"); !strings.Contains(got, "《星海》角色原画") {
		t.Fatalf("the public profile does not show the work: %q", got)
	}
	// Switching to English sticks: on this page, on the next, after
	// signing in again.
	b.submit(cr, "#lang-toggle", talentPath)
	if lang := b.eval(cr, `document.documentElement.lang`); lang != "en" {
		t.Fatalf("after the toggle the page is %q", lang)
	}
	b.visit(cr, "/me/profile")
	if got := b.text(cr, "h1"); got != "My profile" {
		t.Fatalf("English profile heading: %q", got)
	}
	b.shot(cr, "profile-en")

	// ---- An organisation registers and the bureau verifies it. ----
	org := b.user("org")
	b.visit(org, "/")
	b.submit(org, "#cta-org", "/signup")
	b.registerStudio(org)
	if got := b.text(org, "#org-status"); got != "待审核" {
		t.Fatalf("a new organisation's status: %q", got)
	}

	bu := b.user("bureau")
	b.visit(bu, "/signin")
	b.run(bu, "officer signs in", fill("#f-email", "officer@example.com"), fill("#f-password", journeyPassword))
	b.submit(bu, "#signin-submit", "/bureau")
	// The hire is dated today; with no year asked for the dashboard opens on
	// the plan's last year once the plan is over, so this year is asked for.
	dashboard := fmt.Sprintf("/bureau?year=%d", time.Now().In(models.ChinaTime).Year())
	b.visit(bu, dashboard)
	before := gauge(t, b.eval(bu, `document.querySelector('[data-metric="talents_imported"]').dataset.actual`))
	b.visit(bu, "/bureau/verify")
	b.shot(bu, "verify")
	b.submit(bu, `#queue-orgs tr[id^="orgs-"] button.approve`, "/bureau/verify")
	b.visit(org, "/org")
	if got := b.text(org, "#org-status"); got != "已认定" {
		t.Fatalf("status after verification: %q", got)
	}
	// A base: registered, rejected without a reason (refused, said by the
	// row), then with one, which the organisation sees.
	b.run(org, "open the base form", click("#base-new summary"))
	b.run(org, "register a base", fill("#f-base_name", "星河游戏人才培训基地"), fill("#f-base_kind", "training"),
		fill("#f-base_district", "nanshan"), click(`input[name="base_industries"][value="games"]`),
		fill("#f-base_established_on", "2024-05-01"), fill("#f-base_capacity", "120"))
	b.submit(org, "#base-new form button[type=submit]", "/org")
	b.visit(bu, "/bureau/verify")
	b.submit(bu, `#queue-bases tr[id^="bases-"] button.reject`, "/bureau/verify/bases/"+b.eval(bu, `document.querySelector('#queue-bases tr[id^="bases-"]').id.slice(6)`))
	if got := b.text(bu, "#queue-bases .error"); got == "" {
		t.Fatalf("a rejection without a reason was not refused by its row")
	}
	b.run(bu, "give a reason", fill(`#queue-bases input[name="reason"]`, "场地证明材料不全"))
	b.submit(bu, `#queue-bases tr[id^="bases-"] button.reject`, "/bureau/verify")
	b.visit(org, "/org")
	if got := b.text(org, `#bases tbody tr`); !strings.Contains(got, "未通过") || !strings.Contains(got, "场地证明材料不全") {
		t.Fatalf("the organisation does not see the rejection and its reason: %q", got)
	}
	b.shot(org, "org")

	// ---- It posts a project, searches 原画, and the creator applies. ----
	b.visit(org, "/org/projects/new")
	b.run(org, "post a project", fill("#f-title", "二次元手游角色原画师"),
		fill("#f-description", "为新开发的二次元手游设计主要角色，负责角色原画与三视图。"),
		fill("#f-kind", "job"), fill("#f-district", "nanshan"), fill("#f-skills", "原画, 角色设计"),
		click(`input[name="industries"][value="games"]`), fill("#f-openings", "2"), fill("#f-deadline", "2027-03-31"))
	matchesPath := b.submit(org, "#project-submit", `^/org/projects/[^/]+/matches$`)
	projectID := strings.Split(matchesPath, "/")[3]

	b.visit(org, "/talents")
	b.run(org, "search 原画", typed("#q", "原画"), click("#talent-search-submit"))
	// htmx swaps the results in and puts the query in the address.
	b.until(org, "search results", `location.search.includes("q=") && document.querySelector("#results .hit mark")`)
	if got := b.text(org, "#results .hit h2"); got != "林小画" {
		t.Errorf("the first hit for 原画: %q", got)
	}
	if strings.Contains(b.text(org, "#results"), "13912345678") {
		t.Errorf("the phone number shows in the search results")
	}
	b.shot(org, "talent-search")
	// A facet narrows the results at once and stays in the address.
	b.run(org, "tick a facet", click(`#results input[name="industries"][value="games"]`))
	b.until(org, "facet applied", `location.search.includes("industries=games") && document.querySelector('#results input[name="industries"][value="games"]').checked`)
	if got := b.text(org, "#result-count"); got != "共 1 条结果" {
		t.Errorf("results with the facet: %q", got)
	}

	b.visit(cr, "/me/matches")
	b.until(cr, "the project in my matches", `document.querySelector(".match h2") && document.querySelector(".match h2").innerText.includes("二次元手游角色原画师")`)
	b.shot(cr, "my-matches-en")
	b.submit(cr, ".match a.button", "/projects/"+projectID)
	b.run(cr, "apply", fill("#message", "很想参与这个项目！"), click(`input[name="accept_contact"]`))
	b.submit(cr, "#apply-submit", "/me/applications")
	if got := b.text(cr, ".application .badge"); got != "Applied" {
		t.Fatalf("the application's stage: %q", got)
	}

	// ---- The organisation shortlists from the matches and hires. ----
	b.visit(org, matchesPath)
	b.shot(org, "project-matches")
	if got := b.text(org, ".match .skills"); !strings.Contains(got, "原画") {
		t.Errorf("the match does not name the matched skills: %q", got)
	}
	if got := b.eval(org, `document.querySelector(".match .reasons").textContent`); !strings.Contains(got, "项目要求 2 项技能，具备其中 2 项") || !strings.Contains(got, "同在南山区") {
		t.Errorf("the match's reasons are not explained in Chinese: %q", got)
	}
	b.submit(org, ".match button.shortlist", matchesPath)
	if got := b.text(org, ".match .badge"); got != "入围" {
		t.Fatalf("stage after shortlisting: %q", got)
	}
	b.visit(org, "/org/projects/"+projectID+"/pipeline")
	b.run(org, "drag the card to interviewing", chromedp.DragAndDrop(chromedp.CSS(".cardlet[data-app]"), chromedp.CSS(`.column[data-stage="interviewing"] h2`)))
	b.until(org, "card moved by drag", `document.querySelector('.column[data-stage="interviewing"] .cardlet')`)
	b.run(org, "move to offered", click(".cardlet button.move-offered"))
	b.until(org, "card offered", `document.querySelector('.column[data-stage="offered"] .cardlet')`)
	b.run(org, "move to hired", click(".cardlet button.move-hired"))
	b.until(org, "card hired", `document.querySelector('.column[data-stage="hired"] .cardlet .report-hire')`)
	b.shot(org, "pipeline")
	// The hired card opens the report filled from the application, to
	// check before it goes.
	b.submit(org, ".report-hire", "/org/recruitments/new")
	b.submit(org, "#recruitment-form button[type=submit]", "/org/recruitments")
	if got := b.text(org, ".flash"); !strings.Contains(got, "已上报") {
		t.Fatalf("reporting the hire: %q", got)
	}
	b.shot(org, "recruitments")

	// ---- An invitation from the profile page, accepted by the creator. ----
	b.visit(org, "/org/projects/new")
	b.run(org, "post a second project", fill("#f-title", "赛博城市场景原画外包"), fill("#f-kind", "collaboration"),
		fill("#f-skills", "场景设计"), click(`input[name="industries"][value="games"]`))
	second := strings.Split(b.submit(org, "#project-submit", `^/org/projects/[^/]+/matches$`), "/")[3]
	b.visit(org, talentPath)
	b.run(org, "choose the project", fill("#invite-project", second))
	b.submit(org, "#invite-form button", talentPath)
	if got := b.text(org, ".flash"); got != "已发出邀请。" {
		t.Fatalf("inviting: %q", got)
	}
	b.visit(cr, "/me/applications")
	card := `.application:has(a[href="/projects/` + second + `"])`
	if got := b.text(cr, card+" .badge"); got != "Invited" {
		t.Fatalf("the invitation's stage for the creator: %q", got)
	}
	b.submit(cr, card+` form:not([data-confirm]) button`, "/me/applications")
	if got := b.text(cr, card+" .badge"); got != "Shortlisted" {
		t.Fatalf("after accepting the invitation: %q", got)
	}
	if got := b.eval(cr, `document.querySelector('`+card+` .history').textContent`); !strings.Contains(got, "Accepted the invitation") {
		t.Errorf("the history does not show the acceptance: %q", got)
	}

	// ---- The bureau verifies the hire; the gauge and the XLSX count it. ----
	b.visit(bu, "/bureau/verify")
	b.submit(bu, `#queue-recruitments tr[id^="recruitments-"] button.approve`, "/bureau/verify")
	b.visit(bu, "/bureau/audit")
	if got := b.text(bu, "table"); !strings.Contains(got, "王审核") || !strings.Contains(got, "认定引进") {
		t.Errorf("the audit trail does not name who decided the hire: %q", got)
	}
	b.visit(bu, dashboard)
	b.until(bu, "charts drawn", `document.querySelectorAll('[data-chart][data-ready] svg').length === document.querySelectorAll('[data-chart]:not([hidden])').length`)
	after := gauge(t, b.eval(bu, `document.querySelector('[data-metric="talents_imported"]').dataset.actual`))
	if after != before+1 {
		t.Fatalf("the talent gauge went from %v to %v, want one more", before, after)
	}
	b.shot(bu, "dashboard")
	// Every figure on the page is the API's.
	year := b.eval(bu, `document.querySelector("#year").value`)
	res, err := b.get(bu, "/api/v1/targets?year="+year)
	if err != nil {
		t.Fatal(err)
	}
	var api struct {
		Items []struct {
			Metric string  `json:"metric"`
			Actual float64 `json:"actual"`
		} `json:"items"`
	}
	err = json.NewDecoder(res.Body).Decode(&api)
	res.Body.Close()
	if err != nil || len(api.Items) == 0 {
		t.Fatalf("GET /api/v1/targets: %d %v", res.StatusCode, err)
	}
	for _, it := range api.Items {
		onPage := gauge(t, b.eval(bu, fmt.Sprintf(`document.querySelector('[data-metric=%q]').dataset.actual`, it.Metric)))
		if onPage != it.Actual {
			t.Errorf("%s: the dashboard shows %v, the API %v", it.Metric, onPage, it.Actual)
		}
	}
	href := b.eval(bu, `document.querySelector("#download-xlsx").getAttribute("href")`)
	if n := xlsxTalents(t, b, bu, href); n != after {
		t.Fatalf("the XLSX counts %v talents imported, the dashboard %v", n, after)
	}

	// ---- A form posted without its CSRF token is refused and changes nothing. ----
	projects := b.eval(org, `fetch("/org/projects").then(r => r.text()).then(t => String((t.match(/<tr id="project-/g) || []).length))`)
	b.eval(org, `(() => { const f = document.createElement("form"); f.method = "post"; f.action = "/org/projects/new";
		for (const [k, v] of [["title", "伪造的项目"], ["kind", "job"]]) { const i = document.createElement("input"); i.name = k; i.value = v; f.appendChild(i); }
		document.body.appendChild(f); f.submit(); return "" })()`)
	b.waitPath(org, "/org/projects/new")
	if got := b.text(org, ".error-page"); !strings.Contains(got, "403") {
		t.Fatalf("a CSRF-less post was not refused: %q", got)
	}
	if projects != "2" {
		t.Fatalf("the organisation's project list shows %s projects, want 2", projects)
	}
	if again := b.eval(org, `fetch("/org/projects").then(r => r.text()).then(t => String((t.match(/<tr id="project-/g) || []).length))`); again != projects {
		t.Fatalf("projects before the forged post %s, after %s", projects, again)
	}
	if got := b.eval(org, `fetch("/org/projects/new", {method: "POST", body: new URLSearchParams({title: "x"})}).then(r => String(r.status))`); got != "403" {
		t.Fatalf("a CSRF-less fetch got %s", got)
	}

	// ---- The admin rebuilds the index and recounts, watching progress. ----
	b.visit(admin, "/admin")
	b.run(admin, "start a rebuild", click("#reindex-start"))
	b.until(admin, "rebuild done", `document.querySelector("#reindex-done")`)
	b.run(admin, "recount", click("#recount-start"))
	b.until(admin, "recount clean", `document.querySelector("#recount-clean")`)
	b.shot(admin, "admin")
	// A target's goal and the vocabularies, edited and saved.
	b.run(admin, "change a goal", fill("#goal-talents_imported", "1200"))
	b.submit(admin, "#target-talents_imported button[type=submit]", "/admin")
	if got := b.eval(admin, `document.querySelector("#goal-talents_imported").value`); got != "1200" {
		t.Fatalf("the goal after saving: %q (%s)", got, b.text(admin, ".alert"))
	}
	b.run(admin, "add an industry", chromedp.Evaluate[chromedp.Void](`(() => { const v = document.querySelector("#v-industries"); v.value += "\nmetaverse | 元宇宙 | Metaverse\n"; })()`))
	b.submit(admin, "#taxonomy-submit", "/admin")
	if got := b.text(admin, ".flash"); got != "已保存。" {
		t.Fatalf("saving the vocabularies: %q %q", got, b.text(admin, ".alert"))
	}
	b.visit(admin, "/talents")
	if !b.has(admin, `#results`) {
		t.Fatalf("no talent search for the admin")
	}

	// ---- Every page of every role, in both languages. ----
	anon := b.user("anonymous")
	pages := map[string][]string{
		"anonymous": {"/", "/signin", "/signup"},
		"creator":   {"/me/profile", "/me/matches", "/me/applications", "/me/privacy", "/projects", "/projects/" + projectID, "/account", talentPath},
		"org": {"/org", "/org/projects", "/org/projects/new", "/org/projects/" + projectID + "/edit", matchesPath,
			"/org/projects/" + projectID + "/pipeline", "/org/recruitments", "/org/recruitments/new", "/account", "/talents?q=原画", talentPath},
		"bureau": {"/bureau", "/bureau/verify", "/bureau/audit", "/talents", "/account"},
		"admin":  {"/admin", "/bureau", "/bureau/audit", "/account"},
	}
	users := map[string]context.Context{"anonymous": anon, "creator": cr, "org": org, "bureau": bu, "admin": admin}
	keyLike := untranslatedPattern(t)
	for _, who := range []string{"anonymous", "creator", "org", "bureau", "admin"} {
		ctx := users[who]
		for round := 0; round < 2; round++ {
			lang := b.eval(ctx, `document.documentElement.lang || "zh-CN"`)
			for i, path := range pages[who] {
				b.visit(ctx, path)
				if b.has(ctx, ".error-page") {
					t.Errorf("%s %s (%s): error page %q", who, path, lang, b.text(ctx, ".error-page"))
				}
				if got := b.eval(ctx, `document.documentElement.lang`); got != lang {
					t.Errorf("%s %s: language %q, want %q", who, path, got, lang)
				}
				if m := keyLike.FindAllString(b.eval(ctx, `document.body.innerText`), 5); m != nil {
					t.Errorf("%s %s (%s): untranslated %v", who, path, lang, m)
				}
				if lang == "zh-CN" {
					// The page's own words, without what people typed
					// (editors, codes) or named (the data's own words).
					visible := b.eval(ctx, `(() => { const c = document.body.cloneNode(true);
						c.querySelectorAll("textarea, code, script, input, .chip").forEach(e => e.remove()); return c.innerText })()`)
					visible = emailLike.ReplaceAllString(visible, "")
					for _, w := range latinWord.FindAllString(visible, -1) {
						if !journeyWords[w] {
							t.Errorf("%s %s: English on the Chinese page: %q", who, path, w)
						}
					}
				}
				for _, v := range b.accessibility(ctx) {
					t.Errorf("%s %s (%s): accessibility: %s", who, path, lang, v)
				}
				b.shot(ctx, fmt.Sprintf("%s-%02d-%s", who, i, lang))
			}
			b.submit(ctx, "#lang-toggle", strings.SplitN(pages[who][len(pages[who])-1], "?", 2)[0])
		}
	}

	// ---- At a phone's width nothing overflows the page. ----
	for who, path := range map[string]string{"anonymous": "/", "creator": "/me/profile", "org": "/org/projects/" + projectID + "/pipeline", "bureau": "/bureau"} {
		ctx := users[who]
		b.run(ctx, "phone width", chromedp.EmulateViewport(390, 844))
		b.visit(ctx, path)
		if w := b.eval(ctx, `String(document.documentElement.scrollWidth)`); w > "391" && len(w) >= 3 {
			t.Errorf("%s at 390px is %spx wide", path, w)
		}
		b.shot(ctx, "phone-"+who)
		b.run(ctx, "desktop width", chromedp.ResetViewport())
	}

	// ---- The organisation edits its project, closes it and reopens it. ----
	b.visit(org, "/org/projects/"+projectID+"/edit")
	b.run(org, "edit the project", fill("#f-openings", "3"))
	b.submit(org, "#project-submit", "/org/projects")
	b.visit(org, "/projects/"+projectID)
	if got := b.eval(org, `[...document.querySelectorAll("dl.facts dt")].find(d => /招募人数|Openings/.test(d.innerText)).nextElementSibling.innerText`); got != "3" {
		t.Fatalf("openings after editing: %q", got)
	}
	b.visit(org, "/org/projects")
	b.submit(org, "#project-"+projectID+" .row-actions form button", "/org/projects")
	if got := b.text(org, "#project-"+projectID+" .badge"); got != "Closed" && got != "已关闭" {
		t.Fatalf("status after closing: %q", got)
	}
	b.submit(org, "#project-"+projectID+" .row-actions form button", "/org/projects")
	if got := b.text(org, "#project-"+projectID+" .badge"); got != "Open" && got != "招募中" {
		t.Fatalf("status after reopening: %q", got)
	}

	// ---- The organisation's manager changes the password. ----
	b.visit(org, "/account")
	b.run(org, "a wrong current password", fill("#f-current_password", "not my password"),
		fill("#f-new_password", "a brand new password"), fill("#f-new_password2", "a brand new password"))
	b.submit(org, "#password-save", "/account/password")
	if got := b.text(org, "#e-current_password"); got == "" || b.eval(org, `document.querySelector("#f-new_password").value`) != "" {
		t.Fatalf("a wrong current password: error %q, or a password sent back into the page", got)
	}
	b.run(org, "the right one", fill("#f-current_password", journeyPassword),
		fill("#f-new_password", "a brand new password"), fill("#f-new_password2", "a brand new password"))
	b.submit(org, "#password-save", "/account")
	b.submit(org, "#signout", "/")
	b.visit(org, "/signin")
	b.run(org, "sign in with the new password", fill("#f-email", "chen@starlight.example.com"), fill("#f-password", "a brand new password"))
	b.submit(org, "#signin-submit", "/org")

	// ---- The creator downloads their data and deletes the account. ----
	res, err = b.get(cr, "/me/export.json")
	if err != nil {
		t.Fatal(err)
	}
	export, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(export), "《星海》角色原画") {
		t.Fatalf("export: %d %.200s", res.StatusCode, export)
	}
	b.visit(cr, "/me/privacy")
	if got := b.text(cr, "#shared"); !strings.Contains(got, "深圳星河游戏孵化器") || !strings.Contains(got, "二次元手游角色原画师") {
		t.Errorf("the privacy page does not say who sees the contact details: %q", got)
	}
	word := b.eval(cr, `document.querySelector("label[for=f-confirm]").innerText.match(/[“"](.+)[”"]/)[1]`)
	b.run(cr, "confirm the deletion", fill("#f-confirm", word))
	b.submit(cr, "#delete-form button", "/")
	b.visit(cr, "/me/profile")
	b.waitPath(cr, "/signin")

	b.check()
	t.Logf("journeys took %s; screenshots in %s", time.Since(began).Round(time.Millisecond), b.dir)
}

// latinWord is a word of Latin letters, long enough to be English;
// emailLike an address, which is data.
var (
	latinWord = regexp.MustCompile(`[A-Za-z]{4,}`)
	emailLike = regexp.MustCompile(`[\w.+*-]+@[\w.-]+`)
)

// journeyWords are the Latin words a Chinese page may show: names (of the
// format, of the other language) and the journeys' own data.
var journeyWords = map[string]bool{"Excel": true, "English": true, "JSON": true, "Unity": true, "Blender": true, "Maya": true,
	"Photoshop": true, "Unreal": true, "Houdini": true, "ZBrush": true, "Spine": true, "Substance": true, "Painter": true}

// untranslatedPattern matches a message id shown as text: a prefix of the
// locale's ids, a dot and a name.
func untranslatedPattern(t *testing.T) *regexp.Regexp {
	t.Helper()
	raw, err := os.ReadFile("web/locales/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	prefixes := map[string]bool{}
	for k := range m {
		prefixes[regexp.QuoteMeta(strings.SplitN(k, ".", 2)[0])] = true
	}
	var alt []string
	for p := range prefixes {
		alt = append(alt, p)
	}
	return regexp.MustCompile(`\b(?:` + strings.Join(alt, "|") + `)\.[a-z_]+\b`)
}

func gauge(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("gauge value %q: %v", s, err)
	}
	return f
}

// xlsxTalents downloads the report as the page's link does and reads the
// talents_imported figure of its summary sheet.
func xlsxTalents(t *testing.T, b *browser, ctx context.Context, href string) float64 {
	t.Helper()
	res, err := b.get(ctx, href)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	book, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("download %s: %d %v", href, res.StatusCode, err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if len(row) > 4 && row[1] == "talents_imported" {
			n, err := strconv.ParseFloat(row[4], 64)
			if err != nil {
				t.Fatalf("summary row %v: %v", row, err)
			}
			return n
		}
	}
	t.Fatalf("no talents_imported row in the summary: %v", rows)
	return 0
}

// serverErrors shows the server's logged errors when a test failed.
func serverErrors(t *testing.T, a *instance) {
	if !t.Failed() {
		return
	}
	for _, l := range strings.Split(a.out.String(), "\n") {
		if strings.Contains(l, "level=ERROR") || strings.Contains(l, "level=WARN") {
			t.Log(l)
		}
	}
}
