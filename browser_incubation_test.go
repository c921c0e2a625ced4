package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/szdc/talenthub/models"
)

// TestIncubationJourney walks incubation in headless Chromium against
// run(), with a real SMTP server for the outside expert's mail, in both
// languages and at a phone's 390 px:
//
//   - an incubator, verified by the bureau, opens a call (today to a week
//     on, Shenzhen time) with a required question and a rubric of two
//     criteria weighted 3 and 1, after a rubric line the form cannot read;
//   - two creators each found a team and apply: one saves a draft, then
//     submits; the other, on a phone in English, is told the required
//     answer is missing, then submits;
//   - the incubator adds two reviewers: another member of its organisation
//     and an outside expert by email, who sets a password by the mailed
//     link;
//   - reviewer A scores harshly, reviewer B leniently; B's review page does
//     not show A's scores until B submits (blind review), and B's ranking
//     hides the entry B has not reviewed;
//   - the ranking shows each entry's raw mean, normalised z mean, spread
//     and per-reviewer scores as models.Rank computes them;
//   - the incubator accepts one team with a message and records its
//     incorporation; the creator reads the message; the bureau's dashboard
//     counts one team incubated and one company incorporated this year.
func TestIncubationJourney(t *testing.T) {
	began := time.Now()
	smtpSrv := startSink(t, "127.0.0.1:0")
	addr := freePort(t)
	public := "http://" + addr
	a := startJourney(t, map[string]string{"ADDR": addr, "SMTP_URL": smtpSrv.url(),
		"MAIL_FROM": "深圳数字创意人才平台 <noreply@talent.example.cn>", "PUBLIC_URL": public})
	api := journeyAPI{t, a}
	_, bureau, hr, org := api.officerAndOrg(map[string]any{"name": "深圳星河孵化器", "kind": "incubator", "industries": []string{"games", "animation"}})
	orgID := str(org, "id")
	// Reviewer A: a second member of the incubator.
	reviewerA := api.register("zhou@incubator.example", "周评审", "org")
	api.call("invite reviewer A into the organisation", "POST", "/api/v1/orgs/"+orgID+"/members", hr, map[string]any{"email": "zhou@incubator.example"}, 201)
	api.call("reviewer A joins", "POST", "/api/v1/me/invitations/"+orgID, reviewerA, map[string]any{"decision": "accept"}, 200)
	reviewerA = api.signIn("zhou@incubator.example")
	creator1 := api.register("lin@example.com", "林小画", "creator")
	creator2 := api.register("chen@example.com", "陈一鸣", "creator")

	b := newBrowser(t, a.base)
	defer b.check()
	zh := incubationZH(t, b)
	today := time.Now().In(models.ChinaTime)
	closes := today.AddDate(0, 0, 7).Format(models.DateLayout)

	// ---- The incubator opens a call. ----
	inc := b.signedIn("incubator", hr, models.LangZH, false)
	b.visit(inc, "/calls")
	if !b.has(inc, `.nav a[href="/calls"][aria-current="page"]`) {
		t.Errorf("the organisation's menu does not lead to the calls")
	}
	b.run(inc, "open a call", click("#open-call"))
	b.waitPath(inc, "/calls/new")
	if got := b.eval(inc, `document.querySelector("#f-opens").value`); got != today.Format(models.DateLayout) {
		t.Errorf("a new call opens on %q, want today in Shenzhen", got)
	}
	b.run(inc, "fill the call", fill("#f-title", "2026 星河数字创意孵化营"),
		fill("#f-description", "面向游戏与动漫早期团队的三个月孵化计划，提供办公空间、导师与投资对接。"),
		fill("#f-seats", "2"), fill("#f-closes", closes),
		fill("#f-questions", "pitch | text | 一句话介绍你们的产品 | | 必填\nphase | 选择 | 产品进展 | 原型; 已上线"),
		fill("#f-rubric", "team | 团队\nproduct | 产品 | 1"))
	b.tick(inc, `input[name="industries"][value="games"]`)
	b.submit(inc, "#call-submit", "/calls/new")
	if got := b.text(inc, "#e-rubric"); !strings.Contains(got, "第 1 行") {
		t.Fatalf("an unreadable rubric line: %q (%s)", got, b.text(inc, ".alert"))
	}
	zh(inc, "incubation-call-form-error-zh")
	b.run(inc, "correct the rubric", fill("#f-rubric", "team | 团队 | 3\nproduct | 产品 | 1"))
	callPath := b.submit(inc, "#call-submit", `^/calls/[0-9a-f]{24}$`)
	callID := strings.TrimPrefix(callPath, "/calls/")
	if got := b.text(inc, "#call-facts"); !strings.Contains(got, "征集中") || !strings.Contains(got, closes) || !strings.Contains(got, "深圳时间") {
		t.Errorf("the call's facts: %q", got)
	}
	if got := b.text(inc, "#call-closes"); !strings.Contains(got, closes) {
		t.Errorf("the call's closing day: %q", got)
	}
	zh(inc, "incubation-call-incubator-zh")

	// ---- Two creators found teams. ----
	found := func(ctx context.Context, name, stage, district, pitch string) string {
		t.Helper()
		b.visit(ctx, "/teams")
		b.run(ctx, "found "+name, click("#found-team"))
		b.waitPath(ctx, "/teams/new")
		b.run(ctx, "fill "+name, fill("#f-name", name), fill("#f-stage", stage), fill("#f-industry", "games"), fill("#f-district", district),
			fill("#f-pitch", pitch))
		path := b.submit(ctx, "#team-submit", `^/teams/[0-9a-f]{24}$`)
		// The team is searched for (my teams, the call's choice) once the
		// index has it.
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			b.visit(ctx, "/teams")
			if b.has(ctx, `#my-teams a[href="`+path+`"]`) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s is not among the creator's teams: %q", name, b.text(ctx, "#my-teams"))
			}
		}
		return strings.TrimPrefix(path, "/teams/")
	}
	c1 := b.signedIn("creator1", creator1, models.LangZH, false)
	team1 := found(c1, "山海工作室", "prototype", "nanshan", "以山海经为题材的独立游戏团队，已完成可玩原型。")
	b.visit(c1, "/teams/"+team1)
	zh(c1, "incubation-team-zh")
	c2 := b.signedIn("creator2", creator2, models.LangEN, true)
	team2 := found(c2, "潮汐像素", "idea", "futian", "一个做海洋主题节奏游戏的小团队。")
	b.visit(c2, "/teams/"+team2)
	b.fits(c2, "the team page")
	b.shot(c2, "incubation-team-phone-en")
	// The founder opens its team's edit form (English, on a phone); another
	// creator (Chinese) is refused it and opens its own.
	b.visit(c2, "/teams/"+team2+"/edit")
	if got := b.eval(c2, `(document.querySelector("#f-name") || {}).value || ""`); got != "潮汐像素" {
		t.Fatalf("the founder's edit form: %q", got)
	}
	b.fits(c2, "the team's edit form")
	b.shot(c2, "incubation-team-edit-phone-en")
	b.visit(c1, "/teams/"+team2+"/edit")
	if b.has(c1, "#f-name") {
		t.Fatal("another creator is shown the team's edit form")
	}
	zh(c1, "incubation-team-edit-refused-zh")
	b.visit(c1, "/teams/"+team1+"/edit")
	if got := b.eval(c1, `(document.querySelector("#f-name") || {}).value || ""`); got != "山海工作室" {
		t.Fatalf("creator 1's edit form: %q", got)
	}
	zh(c1, "incubation-team-edit-zh")

	// ---- Creator 1 saves a draft, then submits. ----
	b.visit(c1, callPath)
	if got := b.eval(c1, `document.querySelector("#f-team_id").value`); got != team1 {
		t.Fatalf("the apply form's team: %q, want %s", got, team1)
	}
	b.run(c1, "answer", fill("#f-answer-pitch", "一款东方神话题材的解谜游戏"), fill("#f-answer-phase", "原型"))
	b.submit(c1, "#save-draft", callPath)
	if got := b.text(c1, "#entry .entry-state"); !strings.Contains(got, "草稿") {
		t.Fatalf("the draft: %q", got)
	}
	if got := b.eval(c1, `document.querySelector("#f-answer-pitch").value`); got != "一款东方神话题材的解谜游戏" {
		t.Errorf("the draft's answer is not the form's again: %q", got)
	}
	b.submit(c1, "#submit-entry", callPath)
	if got := b.text(c1, "#entry .entry-state"); !strings.Contains(got, "已提交") {
		t.Fatalf("the submitted entry: %q", got)
	}
	zh(c1, "incubation-call-creator-zh")

	// ---- Creator 2, on a phone in English, misses the required answer. ----
	b.visit(c2, callPath)
	b.fits(c2, "the call page (creator)")
	b.run(c2, "answer one", fill("#f-answer-phase", "原型"))
	b.submit(c2, "#submit-entry", callPath+"/apply")
	if got := b.text(c2, "#apply-form .error"); got != "required" {
		t.Fatalf("the missing answer: %q (%s)", got, b.text(c2, ".alert"))
	}
	b.fits(c2, "the call page with an error")
	b.shot(c2, "incubation-call-error-phone-en")
	b.run(c2, "answer both", fill("#f-answer-pitch", "一款关于大海的节奏游戏"))
	b.submit(c2, "#submit-entry", callPath)
	if got := b.text(c2, "#entry .entry-state"); !strings.Contains(got, "Submitted") {
		t.Fatalf("creator 2's entry: %q", got)
	}
	b.shot(c2, "incubation-call-creator-phone-en")
	b.visit(c2, "/calls")
	if !b.has(c2, `#open-calls a[href="`+callPath+`"]`) || !b.has(c2, "#my-entries .entry-submitted") {
		t.Errorf("creator 2's calls: %q", b.text(c2, "main"))
	}
	b.fits(c2, "the calls")
	b.shot(c2, "incubation-calls-phone-en")
	b.visit(c2, "/teams?stage=idea")
	if !b.has(c2, "#team-"+team2) || b.has(c2, "#team-"+team1) {
		t.Errorf("the teams at the idea stage: %q", b.text(c2, "#results"))
	}
	b.fits(c2, "the team search")
	b.shot(c2, "incubation-teams-phone-en")
	entry1, entry2 := models.EntryID(callID, team1), models.EntryID(callID, team2)

	// ---- The incubator adds the two reviewers. ----
	b.visit(inc, callPath)
	if n := b.eval(inc, `String(document.querySelectorAll("#entries tbody tr").length)`); n != "2" {
		t.Errorf("the incubator sees %s entries, want 2", n)
	}
	memberA := b.eval(inc, `[...document.querySelectorAll("#f-user_id option")].find(o => o.innerText.startsWith("周评审")).value`)
	b.run(inc, "choose reviewer A", fill("#f-user_id", memberA))
	b.submit(inc, "#add-member-reviewer-submit", callPath)
	const expert = "wu.expert@review.example"
	b.run(inc, "invite the expert", fill("#f-email", expert), fill("#f-name", "吴专家"))
	b.submit(inc, "#add-outside-reviewer-submit", callPath)
	if got := b.text(inc, "#reviewers ul"); !strings.Contains(got, "周评审") || !strings.Contains(got, "外部专家") {
		t.Fatalf("the reviewers: %q", got)
	}

	// ---- The expert sets a password by the mailed link and signs in. ----
	mail := smtpSrv.waitTo(t, expert, nil, 90*time.Second)
	link := mail.link(public + "/password-reset/confirm?t=")
	if link == "" {
		t.Fatalf("the expert's mail has no link to set a password: %v\n%s", mail.links(), mail.text)
	}
	rb := b.user("reviewer-b")
	b.run(rb, "open the mailed link", chromedp.Navigate(link), chromedp.WaitReady(chromedp.CSS("body")))
	b.waitPath(rb, "/password-reset/confirm")
	const expertPassword = "the expert's own password"
	b.run(rb, "set the password", fill("#f-password", expertPassword), fill("#f-password2", expertPassword))
	b.submit(rb, "#reset-confirm-submit", "/signin")
	b.run(rb, "sign in", fill("#f-email", expert), fill("#f-password", expertPassword))
	b.submit(rb, "#signin-submit", "/calls")
	b.run(rb, "English", click("#lang-toggle"))
	b.until(rb, "the English page", `document.documentElement.lang === "en"`)
	if got := b.text(rb, ".nav"); got != "Calls to review" {
		t.Errorf("the outside reviewer's menu: %q", got)
	}
	if !b.has(rb, `#calls-reviewing a[href="`+callPath+`"]`) {
		t.Fatalf("the expert's calls do not list the call: %q", b.text(rb, "main"))
	}

	// ---- Reviewer A scores both entries, harshly. ----
	ra := b.signedIn("reviewer-a", reviewerA, models.LangZH, false)
	type scores struct{ team, product int }
	review := func(ctx context.Context, who, entry string, s scores, comment string) {
		t.Helper()
		b.visit(ctx, "/entries/"+entry+"/review")
		b.run(ctx, who+" scores "+entry, fill("#f-score-team", strconv.Itoa(s.team)), fill("#f-score-product", strconv.Itoa(s.product)),
			fill("#f-comment", comment))
		b.submit(ctx, "#review-submit", "/entries/"+entry+"/review")
		if !b.has(ctx, "#review-done") {
			t.Fatalf("%s's review of %s was not submitted: %q", who, entry, b.text(ctx, ".alert"))
		}
	}
	// Weighted 3:1 — A's totals 4.00 and 2.00, B's 9.00 and 7.75.
	a1, a2, b1, b2 := scores{5, 1}, scores{1, 5}, scores{9, 9}, scores{7, 10}
	b.visit(ra, callPath)
	if n := b.eval(ra, `String(document.querySelectorAll("#review-queue li").length)`); n != "2" {
		t.Fatalf("reviewer A's queue has %s entries: %q", n, b.text(ra, "main"))
	}
	review(ra, "A", entry1, a1, "A：团队偏弱，需要补充美术。")
	if got := b.text(ra, "#own-total"); got != "4.00" {
		t.Errorf("A's weighted total of entry 1: %q, want 4.00 (5×3 + 1×1 over 4)", got)
	}
	zh(ra, "incubation-review-done-zh")
	review(ra, "A", entry2, a2, "A：想法有趣，但还很早。")

	// ---- Blind: B's page shows none of A's scores before B submits. ----
	b.visit(rb, "/entries/"+entry1+"/review")
	page := b.text(rb, "main")
	if b.has(rb, "#other-reviews") || strings.Contains(page, "4.00") || strings.Contains(page, "团队偏弱") {
		t.Fatalf("the expert sees reviewer A's review before submitting: %q", page)
	}
	if !b.has(rb, "#blind-note") {
		t.Errorf("the review form does not say the review is blind")
	}
	b.shot(rb, "incubation-review-form-en")
	review(rb, "B", entry1, b1, "B: strong team, clear plan.")
	if got := b.text(rb, "#other-reviews"); !strings.Contains(got, "4.00") || !strings.Contains(got, "团队偏弱") {
		t.Errorf("after submitting, the expert does not see A's review: %q", got)
	}
	// B's ranking hides the entry B has not reviewed yet.
	b.run(rb, "phone size", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	b.visit(rb, callPath+"/ranking")
	if !b.has(rb, "#rank-"+entry2+".hidden-row") || b.has(rb, "#rank-"+entry1+".hidden-row") {
		t.Errorf("B's ranking before reviewing entry 2: %q", b.text(rb, "#ranking"))
	}
	if strings.Contains(b.text(rb, "#rank-"+entry2), "7.75") || strings.Contains(b.text(rb, "#rank-"+entry2), "2.00") {
		t.Errorf("B's hidden row shows scores: %q", b.text(rb, "#rank-"+entry2))
	}
	b.fits(rb, "the reviewer's ranking")
	b.shot(rb, "incubation-ranking-blind-phone-en")
	b.run(rb, "desktop", chromedp.ResetViewport())
	review(rb, "B", entry2, b2, "B: promising.")

	// ---- The ranking, as models.Rank computes it, in both languages. ----
	total := func(s scores) float64 { return float64(s.team*3+s.product) / 4 }
	e1, e2 := &models.Entry{ID: entry1}, &models.Entry{ID: entry2}
	ids := map[string]string{"A": "a", "B": "b"}
	want, _ := models.Rank([]*models.Entry{e1, e2}, []*models.Review{
		{EntryID: entry1, ReviewerID: ids["A"], Total: total(a1), Submitted: true}, {EntryID: entry2, ReviewerID: ids["A"], Total: total(a2), Submitted: true},
		{EntryID: entry1, ReviewerID: ids["B"], Total: total(b1), Submitted: true}, {EntryID: entry2, ReviewerID: ids["B"], Total: total(b2), Submitted: true}})
	if want[0].Entry != e1 || want[0].Raw != 6.5 || want[1].Raw != 4.875 || want[0].Normalised != 1 || want[1].Normalised != -1 {
		t.Fatalf("models.Rank of the journey's scores: %+v", want)
	}
	checkRanking := func(ctx context.Context, who string) {
		t.Helper()
		var rows []struct {
			ID         string
			Rank       int
			Raw, Norm  float64
			Spread     float64
			Reviewers  []float64
			Zs         []float64
			Hidden     bool
			NormalText string
		}
		js := `JSON.stringify([...document.querySelectorAll("#ranking tbody tr")].map(r => ({ID: r.id.slice(5), Rank: +r.dataset.rank,
			Raw: +r.dataset.raw, Norm: +r.dataset.normalised, Spread: +r.dataset.spread, Hidden: r.classList.contains("hidden-row"),
			NormalText: (r.querySelector(".normalised") || {}).innerText || "",
			Reviewers: [...r.querySelectorAll(".by-reviewer li")].map(li => +li.dataset.raw), Zs: [...r.querySelectorAll(".by-reviewer li")].map(li => +li.dataset.z)})))`
		if err := json.Unmarshal([]byte(b.eval(ctx, js)), &rows); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("%s: %d ranked rows", who, len(rows))
		}
		for i, r := range rows {
			w := want[i]
			if r.ID != w.Entry.ID || r.Rank != w.Rank || r.Hidden || math.Abs(r.Raw-w.Raw) > 1e-9 || math.Abs(r.Norm-w.Normalised) > 1e-9 ||
				math.Abs(r.Spread-w.Spread) > 1e-9 || len(r.Reviewers) != 2 {
				t.Errorf("%s: row %d is %+v, models.Rank says %+v", who, i+1, r, w)
				continue
			}
			if r.NormalText != strconv.FormatFloat(w.Normalised, 'f', 2, 64) {
				t.Errorf("%s: row %d shows the normalised score %q, want %.2f", who, i+1, r.NormalText, w.Normalised)
			}
			for j, s := range w.Scores {
				// Rows list the reviewers by id; A's and B's totals differ,
				// so they are matched by value.
				found := false
				for k := range r.Reviewers {
					if math.Abs(r.Reviewers[k]-s.Raw) < 1e-9 && math.Abs(r.Zs[k]-s.Z) < 1e-9 {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: row %d lacks reviewer score %d (%.3f, z %.3f): %v %v", who, i+1, j, s.Raw, s.Z, r.Reviewers, r.Zs)
				}
			}
		}
	}
	b.visit(inc, callPath+"/ranking")
	checkRanking(inc, "the incubator (zh)")
	// The incubator downloads it as a workbook; a reviewer has no link,
	// and the address refuses it.
	fetch := `fetch(%s).then(r => r.status + " " + r.headers.get("Content-Type") + " " + r.headers.get("Content-Disposition"))`
	if got := b.eval(inc, fmt.Sprintf(fetch, `document.querySelector("#ranking-xlsx").href`)); !strings.HasPrefix(got, "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet attachment") {
		t.Errorf("the incubator's ranking download: %s", got)
	}
	b.visit(rb, callPath+"/ranking")
	if b.has(rb, "#ranking-xlsx") {
		t.Errorf("a reviewer is offered the ranking's download")
	}
	if got := b.eval(rb, fmt.Sprintf(fetch, `"/api/v1/calls/`+strings.TrimPrefix(callPath, "/calls/")+`/ranking.xlsx"`)); !strings.HasPrefix(got, "403 application/json") {
		t.Errorf("a reviewer's download of the ranking: %s", got)
	}
	if got := b.text(inc, "#rank-"+entry1+" .raw"); got != "6.50" {
		t.Errorf("entry 1's raw mean: %q", got)
	}
	if got := b.text(inc, "#reviewer-stats"); !strings.Contains(got, "周评审") || !strings.Contains(got, "吴专家") {
		t.Errorf("the reviewers' scales: %q", got)
	}
	zh(inc, "incubation-ranking-zh")
	incPhone := b.signedIn("incubator-phone", hr, models.LangEN, true)
	b.visit(incPhone, callPath+"/ranking")
	checkRanking(incPhone, "the incubator (en, phone)")
	b.fits(incPhone, "the ranking")
	b.shot(incPhone, "incubation-ranking-phone-en")
	b.visit(incPhone, callPath)
	b.fits(incPhone, "the call page (incubator)")
	b.shot(incPhone, "incubation-call-incubator-phone-en")

	// ---- The incubator accepts team 1 with a message. ----
	const welcome = "欢迎加入星河孵化营！12 月 8 日开营。"
	b.run(inc, "accept entry 1", fill("#decision-"+entry1, "accepted"), fill("#message-"+entry1, welcome))
	b.submit(inc, "#decide-"+entry1+" .decide-submit", callPath+"/ranking")
	if got := b.text(inc, "#rank-"+entry1); !strings.Contains(got, "已入选") {
		t.Fatalf("entry 1 after the decision: %q (%s)", got, b.text(inc, ".alert"))
	}
	if got := b.text(inc, ".flash"); got == "" {
		t.Errorf("no word that the decision was saved")
	}

	// ---- Its incorporation, recorded on the cohort. ----
	b.visit(inc, callPath+"/cohort")
	b.run(inc, "open the milestone form", click("#team-"+team1+" summary"))
	if got := b.eval(inc, `document.querySelector("#f-kind-`+team1+`").value + "|" + document.querySelector("#f-date-`+team1+`").value`); got != "incorporated|"+today.Format(models.DateLayout) {
		t.Errorf("the milestone form's defaults: %q", got)
	}
	b.run(inc, "the company's code", fill("#f-registration-"+team1, "91440300MA5F0A1B2C"), fill("#f-note-"+team1, "在南山区注册成立。"))
	b.shot(inc, "incubation-milestone-form-zh")
	b.submit(inc, "#milestone-submit-"+team1, callPath+"/cohort")
	if got := b.text(inc, "#outcome-incorporated"); got != "1" {
		t.Fatalf("the cohort's companies incorporated: %q (%s)", got, b.text(inc, ".alert"))
	}
	if got := b.text(inc, "#team-"+team1+" .milestone-incorporated"); !strings.Contains(got, "91440300MA5F0A1B2C") {
		t.Errorf("the milestone: %q", got)
	}
	zh(inc, "incubation-cohort-zh")

	// ---- The creator reads the decision. ----
	b.visit(c1, callPath)
	if got := b.text(c1, "#entry"); !strings.Contains(got, "已入选") || !strings.Contains(got, welcome) {
		t.Errorf("the creator's entry after the decision: %q", got)
	}
	b.shot(c1, "incubation-call-accepted-zh")

	// ---- The bureau's dashboard counts the year's incubation. ----
	year := strconv.Itoa(today.Year())
	for _, lang := range []string{models.LangZH, models.LangEN} {
		ctx := b.signedIn("bureau-"+lang, bureau, lang, lang == models.LangEN)
		b.visit(ctx, "/bureau?year="+url.QueryEscape(year))
		for id, want := range map[string]string{"#teams-incubated": "1", "#companies-incorporated": "1"} {
			if got := b.text(ctx, "#incubation-figures "+id); got != want {
				t.Errorf("%s: the dashboard's %s: %q, want %s", lang, id, got, want)
			}
		}
		district := map[string]string{models.LangZH: "南山区", models.LangEN: "Nanshan"}[lang]
		if got := b.text(ctx, "#incubation-by-district"); !strings.Contains(got, district) {
			t.Errorf("%s: the dashboard's districts: %q", lang, got)
		}
		if got := b.text(ctx, "#incubation-by-incubator"); !strings.Contains(got, "深圳星河孵化器") {
			t.Errorf("%s: the dashboard's incubators: %q", lang, got)
		}
		if lang == models.LangEN {
			b.fits(ctx, "the dashboard")
		}
		b.run(ctx, "scroll to the card", chromedp.ScrollIntoView(chromedp.CSS("#incubation-figures")))
		if png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#incubation-figures"))); err == nil {
			_ = os.WriteFile(filepath.Join(b.dir, "incubation-dashboard-"+lang+".png"), png, 0o644)
		}
	}
	b.check()
	t.Logf("incubation journey took %s; screenshots in %s", time.Since(began).Round(time.Millisecond), b.dir)
}

// incubationZH checks a Chinese page of the journey: its language, no
// message id shown, no English but data (textareas, codes, inputs, chips,
// emails), no accessibility violation; and saves its screenshot.
func incubationZH(t *testing.T, b *browser) func(ctx context.Context, shot string) {
	keyLike := untranslatedPattern(t)
	return func(ctx context.Context, shot string) {
		t.Helper()
		path := b.eval(ctx, `location.pathname`)
		if lang := b.eval(ctx, `document.documentElement.lang`); lang != "zh-CN" {
			t.Errorf("%s: language %q", path, lang)
		}
		if m := keyLike.FindAllString(b.eval(ctx, `document.body.innerText`), 5); m != nil {
			t.Errorf("%s: untranslated %v", path, m)
		}
		visible := b.eval(ctx, `(() => { const c = document.body.cloneNode(true);
			c.querySelectorAll("textarea, code, script, input, .chip").forEach(e => e.remove()); return c.innerText })()`)
		for _, w := range latinWord.FindAllString(emailLike.ReplaceAllString(visible, ""), -1) {
			if !journeyWords[w] {
				t.Errorf("%s: English on the Chinese page: %q", path, w)
			}
		}
		for _, v := range b.accessibility(ctx) {
			t.Errorf("%s: accessibility: %s", path, v)
		}
		b.shot(ctx, shot)
	}
}
