package web

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// These are unit tests of the UI's own parts (translations, templates,
// cookies and CSRF) with stand-in services. The pages with real data are
// tested end to end in a browser (browser_*_test.go at the root).

func locale(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := fs.ReadFile(files, "locales/"+lang+".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", lang, err)
	}
	return m
}

func TestLocalesHaveTheSameKeys(t *testing.T) {
	zh, en := locale(t, models.LangZH), locale(t, models.LangEN)
	for k, v := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is in zh-CN.json, not in en.json", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("zh-CN %q is empty", k)
		}
	}
	for k, v := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%q is in en.json, not in zh-CN.json", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("en %q is empty", k)
		}
	}
	placeholders := regexp.MustCompile(`\{\{\.[A-Za-z]+\}\}`)
	for k := range zh {
		a, b := placeholders.FindAllString(zh[k], -1), placeholders.FindAllString(en[k], -1)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("%q has placeholders %v in Chinese, %v in English", k, a, b)
		}
	}
}

// usedKeys are the message ids the templates and the Go code name
// literally, and those they build from a prefix and a known set of values.
func usedKeys(t *testing.T) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	literal := []*regexp.Regexp{
		regexp.MustCompile(`\bt "([a-z0-9_.]+)"`),                      // templates
		regexp.MustCompile(`tr\.t\([^,()]+, "([a-z0-9_.]*[a-z0-9_])"`), // Go
		regexp.MustCompile(`"((?:flash|error)\.[a-z0-9_]+)"`),          // flash and error keys in Go
	}
	err := fs.WalkDir(files, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(files, p)
		for _, m := range literal[0].FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, re := range literal[1:] {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				keys[m[1]] = true
			}
		}
	}
	built := map[string][]string{
		"role":       {"creator", "org", "bureau", "admin", "reviewer"},
		"stage":      {"applied", "invited", "shortlisted", "interviewing", "offered", "hired", "rejected", "withdrawn"},
		"status":     {"pending", "reported", "verified", "rejected", "open", "closed", "draft", "submitted", "accepted", "waitlisted"},
		"kind":       {"talents_per_year", "bases", "bases_per_org", "orgs_flagged"},
		"unit":       {"talents", "bases", "organisations", "organisations reaching the goal"},
		"dim":        {"month", "district", "industry", "origin", "level"},
		"facet":      {"district", "industries", "skills", "origin", "level", "stage", "industry"},
		"factor":     {"text", "skills", "industry", "district", "availability", "experience", "stage"},
		"field":      {"name", "headline", "bio", "skills", "tools", "works", "title", "description"},
		"visibility": {"public", "orgs", "private", "public_help", "orgs_help", "private_help"},
		"action":     {"apply", "invite", "move", "accept_invitation", "accept_contact", "withdraw_contact"},
		"vocab":      vocabNames,
		"language":   {"zh", "en", "yue", "ja", "ko", "fr", "de"},
		"audit_action": {"org.decide", "org.update", "base.update", "org.member_add", "org.invite", "org.invite_cancel", "org.invite_decline", "org.member_join", "org.member_leave",
			"org.member_remove", "org.manager", "base.operator_confirm", "base.operator_decline", "base.operator_ask", "base.operator_remove", "base.decide", "recruitment.report", "recruitment.decide", "recruitment.correct",
			"recruitment.withdraw", "recruitment.amend", "contact.accept", "contact.reveal", "contact.withdraw", "talent.erase", "user.create", "taxonomy.replace", "target.set",
			"org.verified", "org.rejected", "base.verified", "base.rejected", "recruitment.verified", "recruitment.rejected",
			"import.commit", "org.import", "base.import", "talent.identity_link", "figures.publish",
			"team.invite", "call.reviewer", "entry.decide", "entry.accepted", "entry.waitlisted", "entry.rejected"},
		"audit_field": auditFields,
		"ui_language": {"zh-CN", "en"},
		"resource": {"talent", "org", "base", "project", "application", "recruitment", "audit", "users", "taxonomy", "stats", "target", "import",
			"team", "call", "entry"},
		"mailkind":        append(slices.Clone(models.NoteKinds), models.MailPasswordReset, models.MailVerifyEmail, models.MailDigest, models.MailReviewerInvite),
		"mailstate":       {models.MailPending, models.MailSending, models.MailSent, models.MailFailed},
		"saved.param":     append(slices.Clone(models.SavedTalentParams), models.SavedProjectParams...),
		"saved.yes_no":    {"true", "false"},
		"pay":             {"per_month", "per_day", "per_hour", "per_project"},
		"pay_unit":        {"month", "day", "hour", "project"},
		"projects":        {"sort_relevance", "sort_newest", "sort_pay", "sort_match"},
		"imports.kind":    models.ImportKinds,
		"id_type":         models.IdentityTypes,
		"imports.outcome": {models.RowCreated, models.RowUpdated, models.RowUnchanged},
		"imports.phase":   {models.PhaseReading, models.PhaseChecking, models.PhaseWriting},
		// Incubation's.
		"team_stage":   teamStages(),
		"entry_status": {models.EntryDraft, models.EntrySubmitted, models.EntryAccepted, models.EntryWaitlisted, models.EntryRejected},
		"phase":        {models.PhaseUpcoming, models.PhaseOpen, models.PhaseClosed},
		"milestone":    milestoneKinds,
		"band":         models.RevenueBands,
		"review_state": {"draft", "submitted", "conflict"},
		"call_form":    {"question_line", "question_choices", "rubric_line", "rubric_weight"},
	}
	for prefix, values := range built {
		for _, v := range values {
			keys[prefix+"."+v] = true
		}
	}
	// Every rule of a field error and every named refusal the services can
	// produce has its text (models.Rules, models.Refusals; a field error
	// without a rule shows form.rule.invalid).
	for _, r := range models.Rules {
		keys["form.rule."+string(r)] = true
	}
	for _, r := range models.Refusals {
		keys["refusal."+string(r)] = true
	}
	for _, code := range []models.Code{models.CodeBadRequest, models.CodeUnauthenticated, models.CodeForbidden, models.CodeNotFound,
		models.CodeMethodNotAllowed, models.CodeConflict, models.CodePreconditionFailed, models.CodeTooLarge, models.CodeUnsupportedMediaType,
		models.CodeValidation, models.CodeRateLimited, models.CodeUnavailable, models.CodeStorageFull, models.CodeInternal} {
		keys["form.code."+string(code)] = true
	}
	return keys
}

func TestEveryKeyUsedIsTranslated(t *testing.T) {
	keys := usedKeys(t)
	if len(keys) < 300 {
		t.Fatalf("found only %d keys: the patterns no longer match the code", len(keys))
	}
	for _, lang := range languages {
		m := locale(t, lang)
		for k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("%s: no translation of %q", lang, k)
			}
		}
	}
	// And no translation is left over from a string the UI no longer
	// shows (a renamed key would otherwise hide in both files).
	for k := range locale(t, models.LangEN) {
		if !keys[k] && !strings.HasPrefix(k, "home.out_of") && !strings.HasPrefix(k, "role.system") {
			t.Errorf("en.json has %q, which nothing uses", k)
		}
	}
}

// Stand-in services for the handler tests: only what the public pages and
// the session touch.
type fakeAccounts struct {
	models.AccountService
	users map[string]*models.User // token → user
}

func (f *fakeAccounts) Authenticate(_ context.Context, token string) (*models.User, error) {
	if u := f.users[token]; u != nil {
		return u, nil
	}
	return nil, models.Errorf(models.CodeUnauthenticated, "no session")
}

func (f *fakeAccounts) Login(_ context.Context, in models.LoginInput, _ models.ClientInfo) (*models.Auth, error) {
	for tok, u := range f.users {
		if u.Email == in.Email && in.Password == "right password" {
			return &models.Auth{Token: tok, User: u, ExpiresAt: time.Now().Add(time.Hour)}, nil
		}
	}
	return nil, models.Errorf(models.CodeUnauthenticated, "wrong email or password")
}

func (f *fakeAccounts) UpdateMe(_ context.Context, u *models.User, in models.UserUpdate, _ int64) (*models.User, error) {
	if in.Language != nil {
		u.Language = *in.Language
	}
	return u, nil
}

type fakeTaxonomies struct{ models.TaxonomyService }

func (fakeTaxonomies) Get(context.Context) (*models.Taxonomy, error) {
	t := models.DefaultTaxonomy()
	return &t, nil
}

type fakeStats struct{ models.StatsService }

func (fakeStats) Progress(_ context.Context, year int) ([]models.TargetStatus, error) {
	return []models.TargetStatus{{Target: models.DefaultTargets()[0], Year: year, InPeriod: true, Actual: 1234, Percent: 61.7, Unit: "talents"}}, nil
}

func newTestApp(t *testing.T) (*fiber.App, *fakeAccounts) {
	t.Helper()
	acc := &fakeAccounts{users: map[string]*models.User{
		"creator-token": {ID: "u1", Email: "c@example.com", Name: "林小画", Role: models.RoleCreator},
	}}
	app := fiber.New()
	w := Register(app, Config{Services: models.Services{Accounts: acc, Taxonomies: fakeTaxonomies{}, Stats: fakeStats{}},
		Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }})
	app.Use(func(c *fiber.Ctx) error { return w.RenderError(c, models.Errorf(models.CodeNotFound, "no such page")) })
	return app, acc
}

type call struct {
	method, path string
	form         url.Values
	cookies      map[string]string
	headers      map[string]string
}

func do(t *testing.T, app *fiber.App, c call) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if c.form != nil {
		body = strings.NewReader(c.form.Encode())
	}
	req := httptest.NewRequest(c.method, c.path, body)
	if c.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func cookieOf(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestHomePageInBothLanguages(t *testing.T) {
	app, _ := newTestApp(t)
	res, body := do(t, app, call{method: "GET", path: "/"})
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("home: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, `<html lang="zh-CN">`) || !strings.Contains(body, "2025 年目标进度") || !strings.Contains(body, "1,234") {
		t.Errorf("the Chinese home page lacks its heading or figure:\n%.600s", body)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP: %q", csp)
	}
	if strings.Contains(body, "<script>") || regexp.MustCompile(`<script(?: [^>]*)?>[^<]+</script>`).MatchString(strings.ReplaceAll(body, `type="application/json"`, "")) {
		t.Errorf("the page has an inline script")
	}
	ck := cookieOf(res, csrfCookie)
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || len(ck.Value) < 32 {
		t.Fatalf("CSRF cookie: %+v", ck)
	}
	if !strings.Contains(body, `name="_csrf" value="`+ck.Value+`"`) {
		t.Errorf("the page's forms do not carry the new CSRF token")
	}
	_, body = do(t, app, call{method: "GET", path: "/", cookies: map[string]string{langCookie: "en"}})
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Progress toward the 2025 targets") {
		t.Errorf("the English home page:\n%.600s", body)
	}
}

// TestFirstVisitFollowsTheBrowsersLanguage: before any choice (no cookie,
// no account language), the page is in the browser's language: English
// for an English or any non-Chinese browser (overseas talents are a target
// group), Chinese for a Chinese one or when the browser says nothing; the
// toggle's cookie wins over the browser.
func TestFirstVisitFollowsTheBrowsersLanguage(t *testing.T) {
	app, _ := newTestApp(t)
	for header, want := range map[string]string{
		"":                              "zh-CN",
		"en-US,en;q=0.9":                "en",
		"zh-TW,zh;q=0.9,en;q=0.8":       "zh-CN",
		"fr-FR,fr;q=0.9":                "en",
		"de-DE,zh-CN;q=0.8,en;q=0.5":    "zh-CN",
		"ja;q=0.9,en-GB;q=0.8,zh;q=0.7": "en",
		"garbage;;q=x":                  "zh-CN",
	} {
		_, body := do(t, app, call{method: "GET", path: "/", headers: map[string]string{"Accept-Language": header}})
		if !strings.Contains(body, `<html lang="`+want+`">`) {
			t.Errorf("Accept-Language %q: want a %s page", header, want)
		}
	}
	_, body := do(t, app, call{method: "GET", path: "/", headers: map[string]string{"Accept-Language": "en-US"}, cookies: map[string]string{langCookie: "zh-CN"}})
	if !strings.Contains(body, `<html lang="zh-CN">`) {
		t.Error("the language chosen with the toggle does not win over the browser's")
	}
}

func TestPostWithoutCSRFIsRefused(t *testing.T) {
	app, acc := newTestApp(t)
	form := url.Values{"email": {"c@example.com"}, "password": {"right password"}}
	for name, c := range map[string]call{
		"no token":        {method: "POST", path: "/signin", form: form},
		"no cookie":       {method: "POST", path: "/signin", form: url.Values{"email": form["email"], "password": form["password"], "_csrf": {strings.Repeat("a", 43)}}},
		"token differs":   {method: "POST", path: "/signin", form: url.Values{"email": form["email"], "password": form["password"], "_csrf": {strings.Repeat("a", 43)}}, cookies: map[string]string{csrfCookie: strings.Repeat("b", 43)}},
		"signed in, none": {method: "POST", path: "/lang", form: url.Values{"lang": {"en"}}, cookies: map[string]string{sessionCookie: "creator-token", csrfCookie: strings.Repeat("b", 43)}},
	} {
		res, body := do(t, app, c)
		if res.StatusCode != 403 || !strings.Contains(body, "页面已过期") {
			t.Errorf("%s: %d\n%.300s", name, res.StatusCode, body)
		}
		if cookieOf(res, sessionCookie) != nil || cookieOf(res, langCookie) != nil {
			t.Errorf("%s: a refused post set a cookie", name)
		}
	}
	if acc.users["creator-token"].Language != "" {
		t.Errorf("a refused post changed the user's language")
	}
	// With the token, the same sign-in works and the session cookie is
	// HttpOnly and Lax.
	tok := strings.Repeat("b", 43)
	res, _ := do(t, app, call{method: "POST", path: "/signin", form: url.Values{"email": form["email"], "password": form["password"], "_csrf": {tok}},
		cookies: map[string]string{csrfCookie: tok}})
	ck := cookieOf(res, sessionCookie)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/me/profile" || ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Value != "creator-token" {
		t.Fatalf("sign-in with the token: %d %s %+v", res.StatusCode, res.Header.Get("Location"), ck)
	}
}

func TestCookiesAreSecureBehindTLS(t *testing.T) {
	app, _ := newTestApp(t)
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if ck := cookieOf(res, csrfCookie); ck == nil || !ck.Secure {
		t.Errorf("behind TLS the CSRF cookie is not Secure: %+v", ck)
	}
	res, _ = do(t, app, call{method: "GET", path: "/"})
	if ck := cookieOf(res, csrfCookie); ck == nil || ck.Secure {
		t.Errorf("over plain HTTP (development) the cookie is Secure and would be dropped: %+v", ck)
	}
}

func TestLanguageToggleSticksToTheAccount(t *testing.T) {
	app, acc := newTestApp(t)
	tok := strings.Repeat("c", 43)
	res, _ := do(t, app, call{method: "POST", path: "/lang", form: url.Values{"lang": {"en"}, "next": {"/projects?q=x"}, "_csrf": {tok}},
		cookies: map[string]string{csrfCookie: tok, sessionCookie: "creator-token"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/projects?q=x" {
		t.Fatalf("toggle: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if ck := cookieOf(res, langCookie); ck == nil || ck.Value != "en" {
		t.Errorf("language cookie: %+v", ck)
	}
	if acc.users["creator-token"].Language != "en" {
		t.Errorf("the account's language was not saved")
	}
	// The account's setting wins over a stale cookie.
	_, body := do(t, app, call{method: "GET", path: "/", cookies: map[string]string{sessionCookie: "creator-token", langCookie: "zh-CN"}})
	if !strings.Contains(body, `<html lang="en">`) {
		t.Errorf("the account's language does not win over the cookie")
	}
	// An open redirect is not possible through next.
	for _, next := range []string{"//evil.example.com", "https://evil.example.com", `/\evil.example.com`} {
		res, _ := do(t, app, call{method: "POST", path: "/lang", form: url.Values{"lang": {"zh-CN"}, "next": {next}, "_csrf": {tok}}, cookies: map[string]string{csrfCookie: tok}})
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("next %q redirected to %q", next, loc)
		}
	}
}

func TestPagesNeedTheirRole(t *testing.T) {
	app, _ := newTestApp(t)
	res, _ := do(t, app, call{method: "GET", path: "/me/profile?tab=1"})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/signin?next="+url.QueryEscape("/me/profile?tab=1") {
		t.Errorf("anonymous profile: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := do(t, app, call{method: "GET", path: "/bureau", cookies: map[string]string{sessionCookie: "creator-token"}})
	if res.StatusCode != 403 || !strings.Contains(body, "您没有访问此页面的权限") {
		t.Errorf("a creator on the dashboard: %d", res.StatusCode)
	}
	res, body = do(t, app, call{method: "GET", path: "/no/such/page", cookies: map[string]string{langCookie: "en"}})
	if res.StatusCode != 404 || !strings.Contains(body, "does not exist") || !strings.Contains(body, `<html lang="en">`) {
		t.Errorf("unknown page: %d\n%.300s", res.StatusCode, body)
	}
	// A revoked session is forgotten, not an error.
	res, _ = do(t, app, call{method: "GET", path: "/", cookies: map[string]string{sessionCookie: "revoked"}})
	if ck := cookieOf(res, sessionCookie); res.StatusCode != 200 || ck == nil || ck.MaxAge >= 0 && ck.Value != "" {
		t.Errorf("revoked session: %d %+v", res.StatusCode, ck)
	}
}

func TestSafeMarksEscapesAllButMark(t *testing.T) {
	for in, want := range map[string]string{
		"<mark>原画</mark>师":                 "<mark>原画</mark>师",
		"<script>x</script><mark>a</mark>": "&lt;script&gt;x&lt;/script&gt;<mark>a</mark>",
		"<mark><b>a</b></mark>":            "<mark>&lt;b&gt;a&lt;/b&gt;</mark>",
		"<mark>unclosed":                   "unclosed",
		`"quoted" & more`:                  "&#34;quoted&#34; &amp; more",
	} {
		if got := string(safeMarks(in)); got != want {
			t.Errorf("safeMarks(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAuditDiffListsOnlyWhatChanged(t *testing.T) {
	labels := func(cs []auditChange) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Label)
		}
		return strings.Join(out, ",")
	}
	rec := func(status, district string) map[string]any {
		return map[string]any{"status": status, "date": "2025-03-01", "origin": "domestic", "level": "A", "high_end": false,
			"district": district, "industry": "games"}
	}
	for name, c := range map[string]struct {
		before, after map[string]any
		want          string
	}{
		"a decision":            {rec("reported", "nanshan"), rec("rejected", "nanshan"), "status"},
		"a correction":          {map[string]any{"district": "nanshan"}, map[string]any{"district": "futian"}, "district"},
		"a report (set fields)": {nil, rec("reported", "nanshan"), "status,date,origin,level,district,industry"},
		"a target":              {nil, map[string]any{"goal": 1200.0, "period_to": 2027.0, "kind": "bases"}, "kind,goal,period_to"},
		"a field added":         {map[string]any{"status": "pending"}, map[string]any{"status": "verified", "member_id": "u1"}, "status,member_id"},
	} {
		if got := labels(auditDiff(c.before, c.after)); got != c.want {
			t.Errorf("%s: %s, want %s", name, got, c.want)
		}
	}
	for action, want := range map[string]string{"org.decide verified": "audit_action.org.verified", "recruitment.decide rejected": "audit_action.recruitment.rejected",
		"recruitment.correct rejected": "audit_action.recruitment.correct", "base.decide ": "audit_action.base.decide"} {
		a, st, _ := strings.Cut(action, " ")
		if got := auditActionKey(&models.AuditEntry{Action: a, After: map[string]any{"status": st}}); got != want {
			t.Errorf("%s: %s, want %s", action, got, want)
		}
	}
}

func TestGroupDigits(t *testing.T) {
	for _, c := range []struct {
		f    float64
		d    int
		want string
	}{{0, 0, "0"}, {999, 0, "999"}, {1000, 0, "1,000"}, {1234567.25, 1, "1,234,567.2"}, {-12345, 0, "-12,345"}} {
		if got := groupDigits(c.f, c.d); got != c.want {
			t.Errorf("groupDigits(%v, %d) = %q, want %q", c.f, c.d, got, c.want)
		}
	}
}

func TestParseVocab(t *testing.T) {
	terms, err := parseVocab("games | 游戏 | Games\n\n old | 旧 | Old | retired \n older | 更旧 | Older | 停用")
	if err != nil || len(terms) != 3 || !terms[1].Retired || !terms[2].Retired || terms[0].ZH != "游戏" {
		t.Fatalf("parseVocab: %+v %v", terms, err)
	}
	for _, bad := range []string{"games | 游戏", "a | b | c | gone", "a|b|c|retired|x"} {
		if _, err := parseVocab(bad); err == nil {
			t.Errorf("parseVocab(%q) accepted", bad)
		}
	}
	if _, err := parseVocab("a | b | c\nx | y"); err == nil || err.(vocabLineError).line != 2 {
		t.Errorf("the bad line: %v", err)
	}
	if got := vocabText(terms[:2]); got != "games | 游戏 | Games\nold | 旧 | Old | retired\n" {
		t.Errorf("vocabText: %q", got)
	}
}

func TestLocalPathKeepsDestinationsOnThisSite(t *testing.T) {
	for in, want := range map[string]string{
		"/org/projects?page=2": "/org/projects?page=2", "/": "/", "": "/", "//evil.example.com/x": "/",
		"https://evil.example.com": "/", `/\evil.example.com`: "/", "javascript:alert(1)": "/", "org": "/",
		// Browsers drop tabs and newlines from addresses: these become
		// //evil.example.com. Percent-encoded, a later decoding does so.
		"/\t/evil.example.com": "/", "/\n/evil.example.com": "/", "/\r/evil.example.com": "/", "/%09/evil.example.com": "/",
		"/%0a/evil.example.com": "/", "/%5Cevil.example.com": "/", "/%2F/evil.example.com": "/", "/\x7f/x": "/", "/x\x00": "/",
		"http:/evil.example.com": "/", "/ok?next=//x": "/ok?next=//x", "/talents?q=%E5%8E%9F%E7%94%BB": "/talents?q=%E5%8E%9F%E7%94%BB",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
