package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/figures"
	"github.com/szdc/talenthub/server/mail"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// These tests render the pages that show figures over the real services,
// figures and a fresh in-process database, with a clock the test moves.

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// clock is the one time every part of the test world reads.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// at is noon in Shenzhen on a date.
func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 4, 0, 0, 0, time.UTC) }

type realWorld struct {
	t     *testing.T
	ctx   context.Context
	clock *clock
	svc   *service.All
	app   *fiber.App
	st    *store.Store
	mail  *mail.Mailer
	// sent records the mail the services send (the mailer's outbox keeps
	// only hashes of the tokens its links carry).
	sent *mailLog
}

func newRealWorld(t *testing.T, opts ...func(*service.Config)) *realWorld {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: at(2024, 1, 10)}
	logger := slog.New(slog.DiscardHandler)
	st := storetest.MustOpen(t, func(o *store.Options) { o.Now = c.now })
	ix, err := search.Open(ctx, search.Options{Source: st, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	st.Observe(ix.Observe)
	fig := figures.New(st, c.now, logger)
	if err := fig.Load(ctx); err != nil {
		t.Fatal(err)
	}
	st.Observe(fig.Observe)
	mailer, err := mail.New(ctx, mail.Config{Store: st, Now: c.now, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	sent := &mailLog{next: mailer}
	scfg := service.Config{Store: st, Index: ix, Figures: fig, Now: c.now, Logger: logger, Mailer: sent, Mail: mailer}
	for _, o := range opts {
		o(&scfg)
	}
	svc := service.New(scfg)
	t.Cleanup(svc.Accounts.Wait)
	if err := svc.Taxonomies.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	if err := svc.Stats.SeedTargets(ctx); err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	w := Register(app, Config{Services: svc.Models(), Now: c.now, Logger: logger})
	app.Use(func(c *fiber.Ctx) error { return w.RenderError(c, models.Errorf(models.CodeNotFound, "no such page")) })
	return &realWorld{t: t, ctx: ctx, clock: c, svc: svc, app: app, st: st, mail: mailer, sent: sent}
}

func (w *realWorld) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

var accounts int

const testPassword = "correct horse battery"

// user registers a creator or an organisation user, or creates staff, and
// returns it with its email (sign in with login once the clock is set:
// a session lasts 30 days).
func (w *realWorld) user(name string, role models.Role) (*models.User, string) {
	w.t.Helper()
	accounts++
	email := strings.ToLower(string(role)) + "-" + strings.Repeat("x", accounts) + "@example.com"
	if role == models.RoleBureau || role == models.RoleAdmin {
		root := &models.User{ID: "65f0c0ffee00000000000000", Role: models.RoleAdmin}
		_, err := w.svc.Accounts.CreateUser(w.ctx, root, models.NewUserInput{Email: email, Password: testPassword, Name: name, Role: role})
		w.must(err)
	} else {
		_, err := w.svc.Accounts.Register(w.ctx, models.RegisterInput{Email: email, Password: testPassword, Name: name, Role: role}, models.ClientInfo{Addr: "10.0.0.1"})
		w.must(err)
	}
	return w.login(email)
}

// login signs a user in; the user is returned as it is now, with the
// session token.
func (w *realWorld) login(email string) (*models.User, string) {
	w.t.Helper()
	auth, err := w.svc.Accounts.Login(w.ctx, models.LoginInput{Email: email, Password: testPassword}, models.ClientInfo{Addr: "10.0.0.1"})
	w.must(err)
	return auth.User, email
}

// org registers an organisation and has the bureau decide it; its member
// is returned (with the membership) and its email.
func (w *realWorld) org(bureau *models.User, name, kind string, decision models.Status, reason string) (*models.Org, *models.User, string) {
	w.t.Helper()
	u, email := w.user(name+"的联系人", models.RoleOrg)
	o, err := w.svc.Orgs.Create(w.ctx, u, models.OrgInput{Name: name, Kind: kind, District: "nanshan", Industries: []string{"games"}})
	w.must(err)
	_, err = w.svc.Orgs.Decide(w.ctx, bureau, o.ID, models.DecisionInput{Decision: decision, Reason: reason})
	w.must(err)
	u, _ = w.login(email)
	return o, u, email
}

// page renders a page for a session token in a language.
func (w *realWorld) page(path, token, lang string) string {
	w.t.Helper()
	app := w.app
	res, body := do(w.t, app, call{method: "GET", path: path, cookies: map[string]string{sessionCookie: token, langCookie: lang}})
	if res.StatusCode != 200 {
		w.t.Fatalf("GET %s (%s): %d\n%.2000s", path, lang, res.StatusCode, body)
	}
	return body
}

// text is a page's visible text: no tags, no scripts, entities decoded,
// spaces folded.
func text(page string) string {
	page = regexp.MustCompile(`(?s)<script.*?</script>`).ReplaceAllString(page, " ")
	page = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(page, " ")
	return strings.Join(strings.Fields(html.UnescapeString(page)), " ")
}

// section is the visible text of the element of a tag that holds an id,
// up to the tag's next end (enough for rows, cards and sections that do
// not nest their own tag).
func section(page, tag, id string) string {
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(page[:i], "<"+tag)
	if start < 0 {
		return ""
	}
	end := strings.Index(page[start:], "</"+tag+">")
	if end < 0 {
		return text(page[start:])
	}
	return text(page[start : start+end])
}

// englishWords finds Latin words of four letters or more in a Chinese
// page's text (names here are all Chinese; an erased talent's pseudonym
// is a code, and an email address an address, not words).
func englishWords(page string) []string {
	var out []string
	page = regexp.MustCompile(`erased-[0-9a-f]+|[\w.+*-]+@[\w.-]+`).ReplaceAllString(page, "")
	for _, wd := range regexp.MustCompile(`[A-Za-z]{4,}`).FindAllString(text(page), -1) {
		if wd != "Excel" && wd != "English" && wd != "XLSX" { // names (a program, a file format), and the language toggle
			out = append(out, wd)
		}
	}
	return out
}

// figuresWorld (the tokens signed in on the last day) — the plan's period 2022-2025 is over (today is 2026-11-30).
// A university and an incubator each run a verified innovation base (only
// the university's counts); three talents were imported in 2024 (two in
// Nanshan, one in Futian) and two in 2025 (one in each).
func figuresWorld(t *testing.T) (w *realWorld, tokens map[string]string) {
	w = newRealWorld(t)
	tokens = map[string]string{}
	bureau, tok := w.user("王审核", models.RoleBureau)
	tokens["bureau"] = tok
	_, tokens["admin"] = w.user("系统管理员", models.RoleAdmin)

	w.clock.set(at(2024, 3, 1))
	uni, uniMember, uniTok := w.org(bureau, "深圳创新大学", models.OrgUniversity, models.StatusVerified, "")
	inc, incMember, incTok := w.org(bureau, "星河孵化器", models.OrgIncubator, models.StatusVerified, "")
	tokens["university"], tokens["incubator"] = uniTok, incTok
	w.org(bureau, "影子文化公司", models.OrgEnterprise, models.StatusRejected, "营业执照材料不全")
	for _, b := range []struct {
		org    *models.Org
		member *models.User
		name   string
	}{{uni, uniMember, "大学数字创意创新基地"}, {inc, incMember, "星河孵化创新基地"}} {
		base, err := w.svc.Bases.Create(w.ctx, b.member, models.BaseInput{Name: b.name, Kind: models.BaseInnovation, District: "nanshan",
			OperatorOrgIDs: []string{b.org.ID}})
		w.must(err)
		_, err = w.svc.Bases.Decide(w.ctx, bureau, base.ID, models.DecisionInput{Decision: models.StatusVerified})
		w.must(err)
	}

	talent := func(name string) (*models.User, string) {
		u, _ := w.user(name, models.RoleCreator)
		tl, err := w.svc.Talents.Create(w.ctx, u, models.TalentInput{Name: name, Visibility: models.VisibilityPublic})
		w.must(err)
		return u, tl.ID
	}
	hire := func(talentID, date, district, industry string, decision models.Status, reason string) *models.Recruitment {
		r, err := w.svc.Recruitments.Report(w.ctx, uniMember, models.RecruitmentInput{TalentID: talentID, OrgID: uni.ID, Date: date,
			Origin: models.OriginDomestic, Level: models.LevelA, District: district, Industry: industry})
		w.must(err)
		r, err = w.svc.Recruitments.Decide(w.ctx, bureau, r.ID, models.DecisionInput{Decision: decision, Reason: reason})
		w.must(err)
		return r
	}
	_, t1 := talent("李一")
	_, t2 := talent("李二")
	_, t3 := talent("李三")
	hire(t1, "2024-04-01", "nanshan", "games", models.StatusVerified, "")
	hire(t2, "2024-05-01", "nanshan", "games", models.StatusVerified, "")
	hire(t3, "2024-06-01", "futian", "animation", models.StatusVerified, "")
	w.clock.set(at(2025, 7, 1))
	hire(t1, "2025-03-01", "nanshan", "games", models.StatusVerified, "")
	r := hire(t3, "2025-06-01", "nanshan", "animation", models.StatusVerified, "")
	hire(t2, "2025-06-02", "nanshan", "games", models.StatusRejected, "重复上报")
	// The bureau corrects the district of one record: only it changed.
	futian := "futian"
	_, err := w.svc.Recruitments.Correct(w.ctx, bureau, r.ID, models.CorrectionInput{Reason: "区填错了", District: &futian}, 0)
	w.must(err)
	// A talent erases their data: their record stays, under a pseudonym.
	eraser, t5 := talent("赵敏")
	hire(t5, "2025-06-03", "luohu", "games", models.StatusRejected, "不符合高端人才条件")
	w.must(w.svc.Talents.Delete(w.ctx, eraser, t5, 0))

	w.clock.set(at(2026, 11, 30))
	for who, email := range tokens {
		auth, err := w.svc.Accounts.Login(w.ctx, models.LoginInput{Email: email, Password: testPassword}, models.ClientInfo{Addr: "10.0.0.1"})
		w.must(err)
		tokens[who] = auth.Token
	}
	return w, tokens
}

func TestDashboardOpensOnTheFinalResultOfAPeriodThatIsOver(t *testing.T) {
	w, tokens := figuresWorld(t)
	page := w.page("/bureau", tokens["bureau"], models.LangZH)
	if !strings.Contains(page, `<option value="2025" selected>`) {
		t.Errorf("with no year the dashboard does not open on 2025, the plan's last year")
	}
	if got := section(page, "section", "targets-h"); strings.Count(page, "不在计划期内") > 0 {
		t.Errorf("a gauge says it is outside the plan's period: %s", got)
	}
	// The final result of 2022-2025: each year of the yearly goal, and the
	// count at the end of 2025 for the others.
	final := section(page, "section", "final-2022-2025")
	for _, want := range []string{"2022–2025 年计划期最终结果", "每年 1,000 人", "4 年中有 0 年达到目标", "2024 年：3 人", "2025 年：2 人",
		"2025 年底共 1", "未达成"} {
		if !strings.Contains(final, want) {
			t.Errorf("the final result lacks %q: %s", want, final)
		}
	}
	if row := section(page, "tr", "final-innovation_bases"); !strings.Contains(row, "2025 年底共 1") || !strings.Contains(row, "未达成") {
		t.Errorf("innovation bases' final result: %s", row)
	}
	// The gauge of a closed year says met or not, not on track.
	if g := section(page, "figure", "target-talents_imported"); !strings.Contains(g, "2 / 1,000") || !strings.Contains(g, "未达成") ||
		strings.Contains(g, "全年预测") {
		t.Errorf("the talents gauge of 2025: %s", g)
	}
	// Any year can still be asked for; this year is outside every period.
	if p := w.page("/bureau?year=2026", tokens["bureau"], models.LangZH); !strings.Contains(p, `<option value="2026" selected>`) ||
		!strings.Contains(p, "不在计划期内") || strings.Contains(p, "计划期最终结果") {
		t.Errorf("2026 asked for: %s", section(p, "section", "targets-h"))
	}
	if en := w.page("/bureau", tokens["bureau"], models.LangEN); !strings.Contains(text(en), "Final result of the 2022–2025 plan period") ||
		!strings.Contains(text(en), "0 of 4 years reached the goal") {
		t.Errorf("the English final result: %s", section(en, "section", "final-2022-2025"))
	}
	if words := englishWords(page); len(words) > 0 {
		t.Errorf("English on the Chinese dashboard: %v", words)
	}
}

func TestDashboardExplainsTheBasesATargetDoesNotCount(t *testing.T) {
	w, tokens := figuresWorld(t)
	page := w.page("/bureau?year=2025", tokens["bureau"], models.LangZH)
	g := section(page, "figure", "target-innovation_bases")
	for _, want := range []string{"1 / 5", "由高校、科研院所或企业运营的产学研用创新基地", "已认定但未计入", "星河孵化创新基地：运营方为孵化器，不计入本目标"} {
		if !strings.Contains(g, want) {
			t.Errorf("the innovation gauge lacks %q: %s", want, g)
		}
	}
	if strings.Contains(g, "大学数字创意创新基地") {
		t.Errorf("the counted base is listed as not counted: %s", g)
	}
	if b := section(page, "div", "bases-by-kind"); !strings.Contains(b, "产学研用创新基地 2") {
		t.Errorf("the verified bases by kind: %s", b)
	}
	if en := text(w.page("/bureau?year=2025", tokens["bureau"], models.LangEN)); !strings.Contains(en, "星河孵化创新基地: not counted (run by: incubator)") {
		t.Errorf("English: %s", en)
	}

	// The incubator sees, on its own page, that its verified base does not
	// count and why; the university's base counts, so its page says nothing.
	org := w.page("/org", tokens["incubator"], models.LangZH)
	want := "不计入“产学研用创新基地”目标：该目标只计由高校、科研院所或企业运营的基地，本基地的运营方为孵化器。"
	if !strings.Contains(text(org), want) {
		t.Errorf("the incubator's page does not say why its base does not count: %s", section(org, "section", "bases"))
	}
	if strings.Contains(w.page("/org", tokens["university"], models.LangZH), "不计入") {
		t.Errorf("the university's page says its base does not count")
	}
	if words := englishWords(org); len(words) > 0 {
		t.Errorf("English on the Chinese organisation page: %v", words)
	}
}

// The lagging table is in whole people and a district with no history
// lags. 2025 is over: the whole share is expected. Last year (2024)
// counted 3: Nanshan 2, Futian 1; the taxonomy has 12 districts.
//
//	Nanshan (2/3 + 1/12) / 2 = 0.375    → 375, actual 1 → 374 short
//	Futian  (1/3 + 1/12) / 2 = 0.2083…  → 208.3 → 208, actual 1 → 207
//	Longgang (0 + 1/12) / 2  = 0.04166… → 41.7 → 42, actual 0 → 42
func TestLaggingTableShowsWholePeople(t *testing.T) {
	w, tokens := figuresWorld(t)
	page := w.page("/bureau?year=2025", tokens["bureau"], models.LangZH)
	lag := section(page, "div", "lagging")
	for _, want := range []string{"南山区 1 375 374", "福田区 1 208 207", "龙岗区 0 42 42", "大鹏新区 0 42 42"} {
		if !strings.Contains(lag, want) {
			t.Errorf("lagging lacks %q: %s", want, lag)
		}
	}
	if regexp.MustCompile(`\d\.\d`).MatchString(lag) {
		t.Errorf("a fraction of a person in the lagging table: %s", lag)
	}
}

// The trend's y-axis fits the count (2 in 2025), not the goal of 1,000,
// and the actual line is the months' count.
func TestTrendScaleFitsTheData(t *testing.T) {
	w, tokens := figuresWorld(t)
	page := w.page("/bureau?year=2025", tokens["bureau"], models.LangZH)
	m := regexp.MustCompile(`(?s)<script type="application/json" id="chart-data">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no chart data")
	}
	var charts struct {
		Trend struct {
			Actual      []int   `json:"actual"`
			YMax        float64 `json:"ymax"`
			GoalOnScale bool    `json:"goal_on_scale"`
			Goal        float64 `json:"goal"`
		} `json:"trend"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &charts); err != nil {
		t.Fatalf("%v: %s", err, m[1])
	}
	tr := charts.Trend
	if len(tr.Actual) != 12 || tr.Actual[1] != 0 || tr.Actual[2] != 1 || tr.Actual[11] != 2 {
		t.Errorf("cumulative count by month: %v, want 1 from March, 2 from June", tr.Actual)
	}
	if tr.YMax < 2 || tr.YMax > 10 || tr.GoalOnScale || tr.Goal != 1000 {
		t.Errorf("y-axis up to %v (goal %v on the scale: %v), want it to fit a count of 2", tr.YMax, tr.Goal, tr.GoalOnScale)
	}
}

func TestTrendScale(t *testing.T) {
	for _, c := range []struct {
		top, goal, want float64
		onScale         bool
	}{
		{6, 1000, 8, false},      // the count, 6.6 with headroom; the goal far above
		{2, 1000, 5, false},      // at least 5
		{700, 1000, 1200, true},  // a goal within twice the count is on the scale
		{0, 1000, 1200, true},    // nothing yet: the goal sets it
		{1200, 1000, 1500, true}, // past the goal
		{0, 0, 12, false},
	} {
		got, on := trendScale(c.top, c.goal)
		if got != c.want || on != c.onScale {
			t.Errorf("trendScale(%v, %v) = %v, %v; want %v, %v", c.top, c.goal, got, on, c.want, c.onScale)
		}
	}
}

func TestAuditTrailSaysWhatHappenedToWhomByName(t *testing.T) {
	w, tokens := figuresWorld(t)
	page := w.page("/bureau/audit", tokens["bureau"], models.LangZH)
	rows := map[string]string{}
	for _, r := range strings.Split(page, `<tr id="audit-`)[1:] {
		r = r[:strings.Index(r, "</tr>")]
		rows[r[:strings.Index(r, `"`)]] = text("<x " + r)
	}
	find := func(parts ...string) []string {
		var out []string
	rows:
		for _, r := range rows {
			for _, p := range parts {
				if !strings.Contains(r, p) {
					continue rows
				}
			}
			out = append(out, r)
		}
		return out
	}
	// A rejection says rejected, with its reason, and names the object.
	if got := find("驳回机构", "影子文化公司", "营业执照材料不全"); len(got) != 1 {
		t.Errorf("the organisation's rejection: %q", got)
	}
	if got := find("认定机构", "影子文化公司"); len(got) != 0 {
		t.Errorf("a rejection shown as a verification: %q", got)
	}
	if got := find("驳回引进记录", "李二 · 深圳创新大学", "重复上报", "状态: 已上报 → 未通过"); len(got) != 1 {
		t.Errorf("the hire's rejection: %q", got)
	}
	if got := find("认定基地", "星河孵化创新基地"); len(got) != 1 {
		t.Errorf("the base's verification: %q", got)
	}
	// A correction lists only what changed, labelled.
	got := find("更正引进记录", "李三 · 深圳创新大学", "区填错了")
	if len(got) != 1 || !strings.Contains(got[0], "区: 南山区 → 福田区") || strings.Contains(got[0], "行业") || strings.Contains(got[0], "district") {
		t.Errorf("the correction: %q", got)
	}
	// A verification lists the status only, not the unchanged fields.
	for _, r := range find("认定引进") {
		if !strings.Contains(r, "状态: 已上报 → 已认定") || strings.Contains(r, "日期") || strings.Contains(r, "南山区 → 南山区") {
			t.Errorf("a verification's changes: %s", r)
		}
	}
	// The erased talent is their pseudonym, never their name.
	if strings.Contains(page, "赵敏") {
		t.Errorf("the audit trail names a talent who erased their data")
	}
	if got := find("驳回引进记录", "erased-", "不符合高端人才条件"); len(got) != 1 {
		t.Errorf("the erased talent's record: %q", got)
	}
	if words := englishWords(page); len(words) > 0 {
		t.Errorf("English on the Chinese audit trail: %v", words)
	}
	en := text(w.page("/bureau/audit", tokens["bureau"], models.LangEN))
	for _, want := range []string{"Organisation rejected", "District: Nanshan → Futian", "Status: Reported → Rejected"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English trail lacks %q", want)
		}
	}
}

func TestAdminIsToldTheNextPeriodIsNotSet(t *testing.T) {
	w, tokens := figuresWorld(t)
	page := w.page("/admin", tokens["admin"], models.LangZH)
	if got := section(page, "div", "next-period"); !strings.Contains(got, "2025") || !strings.Contains(got, "2026 年起的新一期目标尚未设定") {
		t.Errorf("the admin page in 2026: %q", got)
	}
	w.clock.set(at(2025, 12, 31))
	if strings.Contains(w.page("/admin", tokens["admin"], models.LangZH), `id="next-period"`) {
		t.Errorf("the admin is told of a next period while the plan runs")
	}
}

// TestSearchPagesReadTheParametersAsTheAPIDoes: the web's talent search
// ignored available=false, max_years and tools, and the API refused what
// the web accepted (TestOracle found the web showing more results than
// the same address of the API). Both read searches through
// models.ParseTalentSearch now; a bad parameter is shown on the page.
func TestSearchPagesReadTheParametersAsTheAPIDoes(t *testing.T) {
	w := newRealWorld(t)
	bureau, _ := w.user("审核", models.RoleBureau)
	_, _, email := w.org(bureau, "星河工作室", models.OrgEnterprise, models.StatusVerified, "")
	yes, no := true, false
	for i, in := range []models.TalentInput{
		{Name: "甲", Available: &yes, YearsExperience: 3, Tools: []string{"Maya"}},
		{Name: "乙", Available: &no, YearsExperience: 8, Tools: []string{"Nuke"}},
		{Name: "丙", Available: &no, YearsExperience: 12},
	} {
		u, _ := w.user(fmt.Sprintf("创作者%d", i), models.RoleCreator)
		in.Visibility = models.VisibilityPublic
		_, err := w.svc.Talents.Create(w.ctx, u, in)
		w.must(err)
	}
	auth, err := w.svc.Accounts.Login(w.ctx, models.LoginInput{Email: email, Password: testPassword}, models.ClientInfo{Addr: "10.0.0.1"})
	w.must(err)
	for path, want := range map[string]string{
		"/talents":                              "3 results",
		"/talents?available=false":              "2 results",
		"/talents?available=false&max_years=10": "1 result",
		"/talents?tools=maya":                   "1 result",
		"/talents?min_years=5&max_years=20":     "2 results",
	} {
		if got := text(w.page(path, auth.Token, models.LangEN)); !strings.Contains(got, want) || strings.Contains(got, "1 results") {
			t.Errorf("%s: want %q (and never \"1 results\") in %.300s", path, want, got)
		}
	}
	res, body := do(t, w.app, call{method: "GET", path: "/talents?min_years=abc", cookies: map[string]string{sessionCookie: auth.Token, langCookie: models.LangZH}})
	if res.StatusCode != 400 || !strings.Contains(text(body), "须为整数") {
		t.Errorf("a bad parameter: %d, want 400 with the reason in Chinese: %.500s", res.StatusCode, text(body))
	}
}

// TestAuditTrailNamesTheTeamADecisionWasToldTo: a decision on a team's
// entry records the members it was told to; the trail names them in the
// page's language, and says "gone" for an account deleted since.
func TestAuditTrailNamesTheTeamADecisionWasToldTo(t *testing.T) {
	w := newRealWorld(t)
	a, _ := w.user("周雨桐", models.RoleCreator)
	b, _ := w.user("李明", models.RoleCreator)
	_, email := w.user("审核员", models.RoleBureau)
	tok := w.signIn(email)
	w.must(w.st.Audit(w.ctx, &models.AuditEntry{ActorID: a.ID, Action: models.AuditEntryDecide, ResourceType: string(models.KindEntry),
		ResourceID: "65f0c0ffee0000000000000c-65f0c0ffee0000000000000d", Before: map[string]any{"status": models.EntrySubmitted},
		After: map[string]any{"status": models.EntryRejected, "members": []string{a.ID, b.ID, "65f0c0ffee0000000000dead"}}}))
	for lang, want := range map[string]string{models.LangZH: "已通知的成员: 周雨桐、李明、", models.LangEN: "Members told: 周雨桐, 李明, "} {
		page := text(w.page("/bureau/audit", tok, lang))
		gone := map[string]string{models.LangZH: "已删除", models.LangEN: "deleted"}[lang]
		if i := strings.Index(page, want); i < 0 || !strings.Contains(page[i:min(len(page), i+len(want)+40)], gone) {
			t.Errorf("%s: the decision's members are not named: %.3000s", lang, page)
		}
	}
}

// TestFormListsAreBoundedBeforeTheyAreChecked: a list typed into a form is
// split on every separator people use, and a body of separators becomes at
// most one item more than any list takes (enough for the validation to
// refuse it), not a hundred thousand strings first.
func TestFormListsAreBoundedBeforeTheyAreChecked(t *testing.T) {
	if got := listOf(" 原画, 3D建模，动画、UI\n Maya; Blender；,, "); !slices.Equal(got, []string{"原画", "3D建模", "动画", "UI", "Maya", "Blender"}) {
		t.Errorf("listOf split %q", got)
	}
	if got := listOf(strings.Repeat("x,", 100_000)); len(got) != models.MaxRequestList+1 {
		t.Errorf("a list of 100,000 items became %d, want %d", len(got), models.MaxRequestList+1)
	}
	var many strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&many, "skill%d,", i)
	}
	in := models.TalentInput{Name: "李明", Skills: listOf(many.String())}
	in.Normalize()
	if err := models.Validate(in); !models.IsCode(err, models.CodeValidation) {
		t.Errorf("the bounded list was not refused: %v", err)
	}
}
