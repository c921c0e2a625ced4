package web

import (
	"bytes"
	"encoding/json"
	"image/color"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestEveryPageRendersForEveryRole renders every page of the UI for every
// kind of visitor in both languages, over the real services (no browser):
// a template error, a missing string or English on a Chinese page fails
// plain `go test`, and every answer is the one of the UI's authorization
// matrix (pageMatrix).
func TestEveryPageRendersForEveryRole(t *testing.T) {
	w := newRealWorld(t, withImages(t))
	w.clock.set(at(2026, 11, 30))
	bureau, bureauEmail := w.user("王审核", models.RoleBureau)
	_, adminEmail := w.user("系统管理员", models.RoleAdmin)
	org, member, memberEmail := w.org(bureau, "星河数字工作室", models.OrgEnterprise, models.StatusVerified, "")
	_, orglessEmail := w.user("未注册机构的联系人", models.RoleOrg)
	creator, creatorEmail := w.user("李明", models.RoleCreator)
	yes := true
	tal, err := w.svc.Talents.Create(w.ctx, creator, models.TalentInput{Name: "李明", Headline: "原画师", Skills: []string{"原画", "角色设计"},
		District: "nanshan", Available: &yes, Visibility: models.VisibilityPublic, Contact: models.ContactInput{Phone: "13812345678"}})
	w.must(err)
	proj, err := w.svc.Projects.Create(w.ctx, member, models.ProjectInput{Title: "游戏原画师", Description: "负责角色原画", Kind: models.ProjectJob,
		Skills: []string{"原画"}, District: "nanshan", Openings: 2})
	w.must(err)
	app, err := w.svc.Applications.Create(w.ctx, creator, proj.ID, models.ApplicationInput{Message: "您好"})
	w.must(err)
	// Images on every kind of page: the profile's photo and a work's two,
	// the organisation's logo and the project's cover.
	upload := func(u *models.User, purpose string) string {
		m, err := w.svc.Media.Upload(w.ctx, u, purpose, bytes.NewReader(testImage(t, color.RGBA{40, 90, 200, 255})))
		w.must(err)
		return m.ID
	}
	avatar := upload(creator, models.PurposeAvatar)
	works := []models.WorkInput{{Title: "山海经角色集", Images: []string{upload(creator, models.PurposeWork), upload(creator, models.PurposeWork)}}}
	_, err = w.svc.Talents.Update(w.ctx, creator, tal.ID, models.TalentUpdate{AvatarID: &avatar, Works: &works}, 0)
	w.must(err)
	_, err = w.svc.Orgs.SetLogo(w.ctx, member, org.ID, models.LogoInput{LogoID: upload(member, models.PurposeLogo)})
	w.must(err)
	cover := upload(member, models.PurposeCover)
	_, err = w.svc.Projects.Update(w.ctx, member, proj.ID, models.ProjectUpdate{CoverID: &cover}, 0)
	w.must(err)
	base, err := w.svc.Bases.Create(w.ctx, member, models.BaseInput{Name: "星河培训基地", Kind: models.BaseTraining, District: "nanshan", OperatorOrgIDs: []string{org.ID}})
	w.must(err)
	_, err = w.svc.Bases.Decide(w.ctx, bureau, base.ID, models.DecisionInput{Decision: models.StatusVerified})
	w.must(err)
	rec, err := w.svc.Recruitments.Report(w.ctx, member, models.RecruitmentInput{TalentID: tal.ID, OrgID: org.ID, Date: "2025-06-01",
		Origin: models.OriginDomestic, Level: models.LevelB, District: "nanshan", Industry: "games"})
	w.must(err)
	_, err = w.svc.Recruitments.Decide(w.ctx, bureau, rec.ID, models.DecisionInput{Decision: models.StatusVerified})
	w.must(err)
	// A second report, still waiting for the bureau (its edit page).
	waiting, err := w.svc.Recruitments.Report(w.ctx, member, models.RecruitmentInput{TalentID: tal.ID, OrgID: org.ID, Date: "2025-07-01",
		Origin: models.OriginDomestic, District: "nanshan", Industry: "games"})
	w.must(err)

	// A call with an entry reviewed, decided and a milestone; its outside
	// reviewer is the seventh visitor.
	inc := w.incubation(member, creator)

	tokens := map[string]string{"anonymous": ""}
	for who, email := range map[string]string{"creator": creatorEmail, "member": memberEmail, "orgless": orglessEmail, "bureau": bureauEmail, "admin": adminEmail,
		"reviewer": inc.reviewerEmail} {
		auth, err := w.svc.Accounts.Login(w.ctx, models.LoginInput{Email: email, Password: testPassword}, models.ClientInfo{Addr: "10.0.0.1"})
		w.must(err)
		tokens[who] = auth.Token
	}

	pages := map[string]string{
		"/": "/", "/signup": "/signup", "/signin": "/signin", "/account": "/account",
		"/notifications": "/notifications?unread=true", "/notifications/bell": "/notifications/bell", "/saved": "/saved",
		"/me/profile": "/me/profile", "/me/matches": "/me/matches", "/me/applications": "/me/applications", "/me/privacy": "/me/privacy",
		"/me/export.json": "",
		"/projects":       "/projects", "/projects/:id": "/projects/" + proj.ID,
		"/org": "/org", "/org/projects": "/org/projects", "/org/projects/new": "/org/projects/new",
		"/org/projects/:id/edit": "/org/projects/" + proj.ID + "/edit", "/org/projects/:id/matches": "/org/projects/" + proj.ID + "/matches",
		"/org/projects/:id/pipeline": "/org/projects/" + proj.ID + "/pipeline",
		"/applications/:id/messages": "/applications/" + app.ID + "/messages",
		"/org/recruitments":          "/org/recruitments", "/org/recruitments/new": "/org/recruitments/new", "/org/favourites": "/org/favourites",
		"/imports":                   "/imports",
		"/org/recruitments/:id/edit": "/org/recruitments/" + waiting.ID + "/edit",
		"/talents":                   "/talents", "/talents/:id": "/talents/" + tal.ID,
		"/bureau": "/bureau", "/bureau/verify": "/bureau/verify", "/bureau/audit": "/bureau/audit",
		"/bureau/orgs": "/bureau/orgs?q=星河&status=verified", "/bureau/orgs/:id": "/bureau/orgs/" + org.ID,
		"/admin": "/admin?q=example&role=creator", "/admin/reindex": "/admin/reindex", "/admin/synonyms": "/admin/synonyms",
		"/unsubscribe":    "/unsubscribe?t=" + url.QueryEscape(w.mail.UnsubscribeToken(creator.ID, models.NoteMoved)),
		"/password-reset": "/password-reset", "/password-reset/confirm": "/password-reset/confirm?t=" + strings.Repeat("A", 43),
		"/verify-email": "/verify-email",
		"/teams":        "/teams?q=山海&stage=prototype", "/teams/new": "/teams/new", "/teams/:id": "/teams/" + inc.team.ID,
		"/teams/:id/edit": "/teams/" + inc.team.ID + "/edit",
		"/calls":          "/calls", "/calls/new": "/calls/new", "/calls/:id": "/calls/" + inc.call.ID, "/calls/:id/edit": "/calls/" + inc.call.ID + "/edit",
		"/calls/:id/ranking": "/calls/" + inc.call.ID + "/ranking", "/calls/:id/cohort": "/calls/" + inc.call.ID + "/cohort",
		"/entries/:id/review": "/entries/" + inc.entry.ID + "/review",
	}
	// Every page of the route table is here and in the matrix: a page
	// added without a row fails.
	for _, r := range w.app.GetRoutes(true) {
		if r.Method != "GET" || !IsPage(r.Path) || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		if _, ok := pages[r.Path]; !ok {
			t.Errorf("the page %s is not rendered by this test", r.Path)
		}
		if _, ok := pageMatrix[r.Path]; !ok {
			t.Errorf("the page %s has no row in the matrix", r.Path)
		}
	}
	ids := untranslatedIDs(t)
	rendered := 0
	for route, path := range pages {
		if path == "" {
			continue // a download, not a page
		}
		for who, token := range tokens {
			for _, lang := range []string{models.LangZH, models.LangEN} {
				res, body := do(t, w.app, call{method: "GET", path: path, cookies: map[string]string{sessionCookie: token, langCookie: lang}})
				if want := pageMatrix[route][slices.Index(visitors, who)]; res.StatusCode != want {
					t.Errorf("%s as %s (%s): %d, the matrix says %d", route, who, lang, res.StatusCode, want)
				}
				switch res.StatusCode {
				case 200:
				case 303, 403, 404:
					if who != "anonymous" || res.StatusCode != 303 {
						// A refusal is a page too, in the visitor's language.
						if res.StatusCode != 303 && !strings.Contains(body, `<html lang="`+lang+`">`) {
							t.Errorf("%s as %s (%s): %d without the error page", route, who, lang, res.StatusCode)
						}
					}
					continue
				default:
					t.Errorf("%s as %s (%s): %d\n%.500s", route, who, lang, res.StatusCode, text(body))
					continue
				}
				rendered++
				if !strings.Contains(body, `<html lang="`+lang+`">`) {
					t.Errorf("%s as %s: not a %s page", route, who, lang)
				}
				if m := ids.FindString(text(body)); m != "" {
					t.Errorf("%s as %s (%s) shows the message id %q instead of its text", route, who, lang, m)
				}
				if lang == models.LangZH {
					// What an editor shows as data (the vocabularies with
					// their English labels, metric keys) is not the page's.
					data := regexp.MustCompile(`(?s)<textarea.*?</textarea>|<code>.*?</code>`).ReplaceAllString(body, "")
					if words := slices.DeleteFunc(englishWords(data), func(w string) bool { return w == "JSON" }); len(words) > 0 {
						t.Errorf("English on the Chinese page %s as %s: %v", route, who, words)
					}
				}
			}
		}
	}
	if rendered < 2*len(pages) {
		t.Errorf("only %d pages rendered", rendered)
	}
	t.Logf("%d pages rendered (%d routes × %d visitors × 2 languages)", rendered, len(pages), len(tokens))
}

// visitors are the columns of pageMatrix (and of the forms' formMatrix).
var visitors = []string{"anonymous", "creator", "member", "orgless", "bureau", "admin", "reviewer"}

// pageMatrix is the web UI's authorization matrix: for every page, what
// each kind of visitor gets (anonymous, a creator, a member of a verified
// organisation, an organisation account without one, a bureau officer, an
// admin, an outside expert's reviewer account). 303 sends an anonymous
// visitor to sign in (and the rebuild's status, a fragment, to the admin
// page); the project and talent pages are the creator's and the member's
// own, the team and call pages the creator's team and the member's call,
// which the reviewer reviews.
var pageMatrix = map[string][7]int{
	"/":                          {200, 200, 200, 200, 200, 200, 200},
	"/signup":                    {200, 200, 200, 200, 200, 200, 200},
	"/signin":                    {200, 200, 200, 200, 200, 200, 200},
	"/account":                   {303, 200, 200, 200, 200, 200, 200},
	"/notifications":             {303, 200, 200, 200, 200, 200, 200},
	"/notifications/bell":        {303, 200, 200, 200, 200, 200, 200},
	"/saved":                     {303, 200, 200, 200, 200, 200, 200},
	"/me/profile":                {303, 200, 403, 403, 403, 403, 403},
	"/me/matches":                {303, 200, 403, 403, 403, 403, 403},
	"/me/applications":           {303, 200, 403, 403, 403, 403, 403},
	"/applications/:id/messages": {303, 200, 200, 404, 403, 403, 403}, // the creator's application to the member's organisation; others may not see it
	"/me/privacy":                {303, 200, 403, 403, 403, 403, 403},
	"/me/export.json":            {},
	"/projects":                  {303, 200, 200, 200, 200, 200, 200},
	"/projects/:id":              {303, 200, 200, 200, 200, 200, 200},
	"/org":                       {303, 403, 200, 200, 403, 403, 403},
	"/org/projects":              {303, 403, 200, 200, 403, 403, 403},
	"/org/projects/new":          {303, 403, 200, 200, 403, 403, 403},
	"/org/projects/:id/edit":     {303, 403, 200, 403, 403, 403, 403},
	"/org/projects/:id/matches":  {303, 403, 200, 403, 403, 403, 403},
	"/org/projects/:id/pipeline": {303, 403, 200, 403, 403, 403, 403},
	"/org/recruitments":          {303, 403, 200, 403, 403, 403, 403},
	"/imports":                   {303, 403, 200, 403, 200, 403, 403},
	"/org/recruitments/new":      {303, 403, 200, 200, 403, 403, 403},
	"/org/favourites":            {303, 403, 200, 403, 403, 403, 403},
	"/org/recruitments/:id/edit": {303, 403, 200, 404, 403, 403, 403}, // the member's organisation's report
	"/talents":                   {303, 403, 200, 200, 200, 200, 403},
	"/talents/:id":               {303, 200, 200, 200, 200, 200, 200},
	"/bureau":                    {303, 403, 403, 403, 200, 200, 403},
	"/bureau/verify":             {303, 403, 403, 403, 200, 200, 403},
	"/bureau/audit":              {303, 403, 403, 403, 200, 200, 403},
	"/bureau/orgs":               {303, 403, 403, 403, 200, 200, 403},
	"/bureau/orgs/:id":           {303, 403, 403, 403, 200, 200, 403}, // the member's organisation, in the bureau's directory
	"/admin":                     {303, 403, 403, 403, 403, 200, 403},
	"/admin/reindex":             {303, 403, 403, 403, 403, 303, 403},
	"/admin/synonyms":            {303, 403, 403, 403, 403, 200, 403},
	"/unsubscribe":               {200, 200, 200, 200, 200, 200, 200}, // the link's token is the authority
	"/password-reset":            {200, 200, 200, 200, 200, 200, 200},
	"/password-reset/confirm":    {200, 200, 200, 200, 200, 200, 200},
	"/verify-email":              {200, 200, 200, 200, 200, 200, 200},
	// Incubation: teams and calls are seen by everyone signed in (an
	// outside reviewer's account only the calls that name it); the
	// incubator runs its calls, the reviewers score their entries.
	"/teams":              {303, 200, 200, 200, 200, 200, 403},
	"/teams/new":          {303, 200, 403, 403, 403, 403, 403},
	"/teams/:id":          {303, 200, 200, 200, 200, 200, 200},
	"/teams/:id/edit":     {303, 200, 403, 403, 403, 403, 403}, // the creator founded it
	"/calls":              {303, 200, 200, 200, 200, 200, 200},
	"/calls/new":          {303, 403, 200, 403, 403, 403, 403},
	"/calls/:id":          {303, 200, 200, 200, 200, 200, 200},
	"/calls/:id/edit":     {303, 403, 200, 403, 403, 403, 403},
	"/calls/:id/ranking":  {303, 403, 200, 403, 403, 403, 200}, // the incubator and the call's reviewers
	"/calls/:id/cohort":   {303, 200, 200, 403, 200, 200, 403}, // the incubator, the bureau and the cohort's teams
	"/entries/:id/review": {303, 403, 200, 404, 403, 403, 200}, // the member and the outside expert review it
}

// untranslatedIDs matches a message id shown as text: a prefix of the
// locale's ids, a dot and a name.
func untranslatedIDs(t *testing.T) *regexp.Regexp {
	t.Helper()
	raw, err := os.ReadFile("locales/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var alt []string
	for k := range m {
		if p := regexp.QuoteMeta(strings.SplitN(k, ".", 2)[0]); !slices.Contains(alt, p) {
			alt = append(alt, p)
		}
	}
	return regexp.MustCompile(`\b(?:` + strings.Join(alt, "|") + `)\.[a-z_]+\b`)
}

// TestFormErrorsInThePagesLanguage: a refused form says what is wrong with
// each field, and why the form was refused, in the page's language, from
// the error's rules (the UI matched English messages by prefix, so a
// message it did not know showed English on a Chinese page).
func TestFormErrorsInThePagesLanguage(t *testing.T) {
	w := newRealWorld(t)
	w.user("已注册", models.RoleCreator)
	taken := "creator-" + strings.Repeat("x", accounts) + "@example.com"
	for lang, want := range map[string][]string{
		models.LangZH: {"已被注册", "至少 10 个字符", "请从以下选项中选择"},
		models.LangEN: {"is already registered", "at least 10 characters", "choose one of"},
	} {
		form := url.Values{"email": {taken}, "password": {"short"}, "password2": {"short"}, "name": {"名字"}, "role": {"creator"}}
		const csrf = "a-csrf-token-that-is-long-enough-000000"
		form.Set(csrfField, csrf)
		res, body := do(t, w.app, call{method: "POST", path: "/signup", form: form, cookies: map[string]string{csrfCookie: csrf, langCookie: lang}})
		page := text(body)
		if res.StatusCode != 422 {
			t.Errorf("%s: %d", lang, res.StatusCode)
		}
		if banner := strings.Count(body, `class="alert"`); banner != 1 {
			t.Errorf("%s: %d banners", lang, banner)
		}
		for _, s := range want[1:2] {
			if !strings.Contains(page, s) {
				t.Errorf("%s: %q is not on the page: %.600s", lang, s, page)
			}
		}
		if lang == models.LangZH {
			if words := englishWords(body); len(words) > 0 {
				t.Errorf("English on the Chinese form: %v", words)
			}
		}
		// The address is taken: said once the password is long enough.
		form.Set("password", "correct horse battery")
		form.Set("password2", "correct horse battery")
		_, body = do(t, w.app, call{method: "POST", path: "/signup", form: form, cookies: map[string]string{csrfCookie: csrf, langCookie: lang}})
		if !strings.Contains(text(body), want[0]) {
			t.Errorf("%s: %q is not on the page: %.600s", lang, want[0], text(body))
		}
		form.Set("role", "emperor")
		form.Set("email", "new-"+lang+"@example.com")
		_, body = do(t, w.app, call{method: "POST", path: "/signup", form: form, cookies: map[string]string{csrfCookie: csrf, langCookie: lang}})
		if !strings.Contains(text(body), want[2]) {
			t.Errorf("%s: %q is not on the page: %.600s", lang, want[2], text(body))
		}
	}
}
