package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/szdc/talenthub/models"
)

// phoneCheck finds, on the page shown, what does not fit a phone: the page
// wider than the window, an element whose right edge is past it (one
// inside a box that scrolls sideways on its own, such as the month table,
// is reached by scrolling that box, not the page), and buttons, links
// styled as buttons and selects narrower than their text.
// The width is the phone's, not window.innerWidth: a mobile browser widens
// its layout viewport to fit a page that overflows, and innerWidth with it.
const phoneCheck = `(() => {
  const vw = 390, out = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "") +
    ' "' + (el.innerText || el.value || "").trim().slice(0, 30).replace(/\s+/g, " ") + '"';
  const shown = el => { const s = getComputedStyle(el); return s.display !== "none" && s.visibility !== "hidden" && el.getClientRects().length > 0; };
  const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true; } return false; };
  if (document.documentElement.scrollWidth > vw || window.innerWidth > vw) out.push("the page is " + Math.max(document.documentElement.scrollWidth, window.innerWidth) + "px wide");
  const past = new Set(); // the outermost element is named, not each of its children
  for (const el of document.body.querySelectorAll("*")) {
    if (!shown(el) || el.closest(".sr-only, .skip") || past.has(el.parentElement)) { if (past.has(el.parentElement)) past.add(el); continue; }
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 1 && !scrolls(el)) { past.add(el); out.push("past the right edge (" + Math.round(r.right) + "px): " + name(el)); }
  }
  // Every item of the menu within the window (a menu that scrolls on its
  // own hides its last items).
  for (const el of document.querySelectorAll(".nav a")) {
    const r = el.getBoundingClientRect();
    if (r.left < 0 || r.right > vw + 1) out.push("a menu item out of sight: " + name(el));
  }
  for (const el of document.querySelectorAll("button, .button, select, input[type=submit]")) {
    if (!shown(el) || el.closest(".sr-only")) continue;
    if (el.scrollWidth > el.clientWidth + 1) out.push("narrower than its text (" + el.clientWidth + " < " + el.scrollWidth + "px): " + name(el));
  }
  return JSON.stringify(out.slice(0, 12));
})()`

// TestEveryPageOnAPhone visits every page each role may open (the 200s of
// the web UI's authorization matrix, pageMatrix in web/render_test.go) in
// both languages at 390×844, with something on each (a project with an
// application, an organisation, a base and a hire report waiting for the
// bureau), and fails on anything that makes the page scroll sideways or
// cuts a control's text. It saves screenshots of the pages that had such
// faults before (phone-*.png).
func TestEveryPageOnAPhone(t *testing.T) {
	began := time.Now()
	a := startJourney(t, nil)

	// ---- The world, through the API. ----
	api := journeyAPI{t, a}
	call, register := api.call, api.register
	admin, bureau, member, org := api.officerAndOrg(map[string]any{"industries": []string{"games", "animation"}, "flags": []string{"sme"}})
	project := call("post a project", "POST", "/api/v1/projects", member, map[string]any{"title": "次世代游戏角色原画设计师（资深）",
		"description": "负责主机与手游项目的角色原画、场景概念设计。", "kind": "job", "skills": []string{"原画", "角色设计"},
		"industries": []string{"games"}, "district": "nanshan", "openings": 2}, 201)
	projectID := str(project, "id")

	creator := register("lin@example.com", "林小画", "creator")
	talent := call("a profile", "POST", "/api/v1/talents", creator, map[string]any{"name": "林小画", "headline": "游戏原画师，擅长角色与场景设计",
		"skills": []string{"原画", "角色设计"}, "industries": []string{"games"}, "district": "nanshan", "origin": "overseas",
		"years_experience": 8, "visibility": "public", "available": true, "contact": map[string]any{"email": "lin.art@example.com"}}, 201)
	talentID := str(talent, "id")
	appID := str(call("apply", "POST", "/api/v1/projects/"+projectID+"/applications", creator, map[string]any{"message": "您好，我对这个职位很感兴趣。"}, 201), "id")

	// Waiting for the bureau: an organisation, a base and a hire report.
	other := register("contact@academy.example", "周老师", "org")
	call("a pending organisation", "POST", "/api/v1/orgs", other, map[string]any{"name": "深圳数字创意产业学院继续教育中心", "kind": "university",
		"district": "futian", "industries": []string{"animation"}}, 201)
	call("a pending base", "POST", "/api/v1/bases", member, map[string]any{"name": "星河数字创意人才培训基地", "kind": "training",
		"district": "nanshan", "industries": []string{"games"}, "operator_org_ids": []string{str(org, "id")}, "established_on": "2021-04-01",
		"capacity": 300}, 201)
	recID := str(call("a hire report", "POST", "/api/v1/recruitments", member, map[string]any{"talent_id": talentID, "org_id": str(org, "id"),
		"date": time.Now().Format("2006-01-02"), "origin": "overseas", "level": "B", "district": "nanshan", "industry": "games"}, 201), "id")
	orgless := register("solo@example.com", "未注册机构的联系人", "org")
	// Two bilingual headlines: a synonym pair for the admin to review.
	for i, h := range []string{"资深节奏编程师 / Senior Beat Programmer", "节奏编程师（Beat Programmer）"} {
		tok := register(fmt.Sprintf("sound%d@example.com", i), "声音"+fmt.Sprint(i), "creator")
		call("a bilingual profile", "POST", "/api/v1/talents", tok, map[string]any{"name": "周雨桐", "headline": h, "visibility": "public"}, 201)
	}

	// Incubation: the creator's team applies to the organisation's call,
	// which the member reviews.
	teamID := str(call("a team", "POST", "/api/v1/teams", creator, map[string]any{"name": "山海工作室", "stage": "prototype", "industry": "games",
		"district": "nanshan", "pitch": "以山海经为题材的独立游戏团队，已完成可玩原型。"}, 201), "id")
	today := time.Now().In(models.ChinaTime)
	callID := str(call("a call", "POST", "/api/v1/calls", member, map[string]any{"title": "2026 星河数字创意孵化营",
		"description": "面向游戏与动漫早期团队的三个月孵化计划，提供办公空间、导师与投资对接。", "industries": []string{"games"},
		"stages": []string{"idea", "prototype"}, "seats": 2, "opens": today.Format(models.DateLayout), "closes": today.AddDate(0, 0, 7).Format(models.DateLayout),
		"questions": []map[string]any{{"id": "pitch", "kind": "text", "label": "一句话介绍你们的产品", "required": true}},
		"rubric":    []map[string]any{{"id": "team", "label": "团队", "weight": 3}, {"id": "product", "label": "产品", "weight": 1}}}, 201), "id")
	memberID := str(call("who the member is", "GET", "/api/v1/me", member, nil, 200), "id")
	call("the member reviews", "POST", "/api/v1/calls/"+callID+"/reviewers", member, map[string]any{"user_id": memberID}, 200)
	entryID := str(call("the team applies", "POST", "/api/v1/calls/"+callID+"/entries", creator, map[string]any{"team_id": teamID,
		"answers": map[string]string{"pitch": "山海经题材的动作游戏，已有可玩原型。"}, "submit": true}, 201), "id")

	// ---- Every page of every role (pageMatrix's 200s; the bell is a
	// fragment, the export a download). ----
	common := []string{"/", "/account", "/notifications", "/saved", "/projects", "/projects/" + projectID, "/talents/" + talentID,
		"/teams", "/teams/" + teamID, "/calls", "/calls/" + callID}
	roles := []struct {
		who, token string
		pages      []string
	}{
		{"anonymous", "", []string{"/", "/signin", "/signup", "/password-reset", "/password-reset/confirm?t=" + strings.Repeat("A", 43),
			"/verify-email", "/unsubscribe?t=x"}},
		{"creator", creator, append(common, "/me/profile", "/me/matches", "/me/applications", "/me/privacy", "/applications/"+appID+"/messages",
			"/teams/new", "/teams/"+teamID+"/edit")},
		{"member", member, append(common, "/org", "/org/projects", "/org/projects/new", "/org/projects/"+projectID+"/edit",
			"/org/projects/"+projectID+"/matches", "/org/projects/"+projectID+"/pipeline", "/org/recruitments", "/org/recruitments/new",
			"/org/recruitments/"+recID+"/edit", "/org/favourites", "/applications/"+appID+"/messages", "/imports",
			"/calls/new", "/calls/"+callID+"/edit", "/calls/"+callID+"/ranking", "/calls/"+callID+"/cohort", "/entries/"+entryID+"/review",
			"/talents", "/talents?q=原画")},
		{"orgless", orgless, append(common, "/org", "/org/projects", "/org/projects/new", "/org/recruitments/new", "/talents")},
		{"bureau", bureau, append(common, "/talents", "/bureau", "/bureau/verify", "/bureau/audit", "/imports", "/calls/"+callID+"/cohort")},
		{"admin", admin, append(common, "/talents", "/bureau", "/bureau/verify", "/bureau/audit", "/admin", "/admin/synonyms")},
	}
	// The pages that did not fit before, kept as screenshots to look at.
	shots := map[string]string{"/bureau/verify": "verify", "/org/projects": "org-projects", "/bureau": "dashboard", "/org": "org",
		"/admin": "admin", "/me/profile": "profile", "/admin/synonyms": "admin-synonyms"}

	b := newBrowser(t, a.base)
	defer b.check()
	host := strings.TrimPrefix(strings.TrimPrefix(a.base, "http://"), "https://")
	host, _, _ = strings.Cut(host, ":")
	visits := 0
	var adminCtx context.Context
	for _, r := range roles {
		ctx := b.user(r.who)
		if r.who == "admin" {
			adminCtx = ctx
		}
		b.run(ctx, "phone size", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
		for _, lang := range []string{models.LangZH, models.LangEN} {
			cookies := map[string]string{"th_lang": lang}
			if r.token != "" {
				cookies[models.SessionCookie] = r.token
			}
			for name, value := range cookies {
				if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, Domain: host, Path: "/"}); err != nil {
					t.Fatalf("%s: cookie %s: %v", r.who, name, err)
				}
			}
			for _, path := range r.pages {
				b.visit(ctx, path)
				visits++
				if got := b.eval(ctx, `document.documentElement.lang`); got != lang {
					t.Errorf("%s %s: a %s page, want %s", r.who, path, got, lang)
				}
				if b.has(ctx, ".error-page") {
					t.Errorf("%s %s (%s): error page %q", r.who, path, lang, b.text(ctx, ".error-page"))
				}
				var faults []string
				if err := json.Unmarshal([]byte(b.eval(ctx, phoneCheck)), &faults); err != nil {
					t.Fatal(err)
				}
				for _, f := range faults {
					t.Errorf("%s %s (%s) at 390px: %s", r.who, path, lang, f)
				}
				if path == "/bureau" && r.who == "bureau" {
					// The trend on its own: its legend under the month
					// labels, not over them.
					if png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(`[data-chart="trend"]`))); err == nil {
						_ = os.WriteFile(filepath.Join(b.dir, "phone-trend-"+lang+".png"), png, 0o644)
					}
				}
				if s, ok := shots[path]; ok && (len(faults) > 0 || r.who != "admin" || path == "/admin" || path == "/admin/synonyms") {
					b.shot(ctx, fmt.Sprintf("phone-%s-%s-%s", s, r.who, lang))
				} else if len(faults) > 0 {
					b.shot(ctx, fmt.Sprintf("phone-fault-%s-%s-%s", r.who, strings.NewReplacer("/", "_", "?", "_").Replace(path), lang))
				}
			}
		}
	}
	// The admin accepts the suggested pair on the phone: the page says so
	// and the pair moves to the accepted (what it does to searches:
	// TestSynonymReview in the server's tests).
	ctx := adminCtx
	b.visit(ctx, "/admin/synonyms")
	if !b.has(ctx, "#synonym-suggestions") {
		t.Fatalf("no suggestion to review: %q", b.text(ctx, "main"))
	}
	b.submit(ctx, `#synonym-suggestions button[value="1"]`, "/admin/synonyms")
	if got := b.text(ctx, ".flash"); !strings.Contains(got, "Accepted") {
		t.Errorf("accepting a pair: %q %q", got, b.text(ctx, ".alert"))
	}
	if !b.has(ctx, "#synonyms-accepted") || b.has(ctx, "#synonym-suggestions") {
		t.Errorf("after accepting, the pair is not among the accepted: %q", b.text(ctx, "main"))
	}
	b.shot(ctx, "phone-admin-synonyms-accepted-en")
	t.Logf("%d pages at 390px in %s; screenshots in %s", visits, time.Since(began).Round(time.Millisecond), b.dir)
}
