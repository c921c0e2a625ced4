package web

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/szdc/talenthub/models"
)

// mailLog keeps every mail the services send and hands it on to the
// mailer, if there is one: a test reads the links a mail carries (the
// outbox keeps its tokens hashed).
type mailLog struct {
	next models.Mailer
	mu   sync.Mutex
	sent []models.MailRequest
}

func (m *mailLog) Send(ctx context.Context, r *models.MailRequest) error {
	m.mu.Lock()
	m.sent = append(m.sent, *r)
	m.mu.Unlock()
	if m.next == nil {
		return nil
	}
	return m.next.Send(ctx, r)
}

// link is the link of the latest mail of kind to the address.
func (m *mailLog) link(t *testing.T, kind, to string) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.sent) - 1; i >= 0; i-- {
		if m.sent[i].Kind == kind && m.sent[i].To == to {
			return m.sent[i].Link
		}
	}
	t.Fatalf("no %s mail to %s", kind, to)
	return ""
}

// outsideReviewer has member add an outside expert to a call by email; the
// expert sets a password by the mailed link. It returns the expert's
// account, signed in, and its email.
func (w *realWorld) outsideReviewer(member *models.User, callID, name string) (*models.User, string) {
	w.t.Helper()
	accounts++
	email := "reviewer-" + strings.Repeat("x", accounts) + "@example.com"
	_, err := w.svc.Incubation.AddReviewer(w.ctx, member, callID, models.ReviewerInput{Email: email, Name: name})
	w.must(err)
	link := w.sent.link(w.t, models.MailReviewerInvite, email)
	token := strings.TrimPrefix(link, "/password-reset/confirm?t=")
	w.must(w.svc.Accounts.ConfirmPasswordReset(w.ctx, models.PasswordResetConfirm{Token: token, Password: testPassword}))
	return w.login(email)
}

// incubation is a call with everything on its pages: a creator's team that
// applied, two reviewers (a member of the organisation and an outside
// expert) who scored it, the incubator's decision and a milestone.
type incubation struct {
	team          *models.Team
	call          *models.Call
	entry         *models.Entry
	reviewer      *models.User
	reviewerEmail string
}

// callInput is a call open for a week from the world's today: a required
// question of each kind, and a rubric of two criteria weighted 60 and 40.
func (w *realWorld) callInput(title string) models.CallInput {
	today, _ := models.ParseDate(models.Today(w.clock.now()))
	return models.CallInput{Title: title, Description: "面向数字创意早期团队的三个月孵化计划。", Industries: []string{"games", "animation"},
		Stages: []models.TeamStage{models.StageIdea, models.StagePrototype}, Seats: 2, Opens: today.Format(models.DateLayout),
		Closes: today.AddDate(0, 0, 7).Format(models.DateLayout),
		Questions: []models.Question{{ID: "pitch", Kind: models.QuestionText, Label: "一句话介绍你们的产品", Required: true},
			{ID: "phase", Kind: models.QuestionChoice, Label: "产品进展", Choices: []string{"原型", "已上线"}},
			{ID: "users", Kind: models.QuestionNumber, Label: "月活跃用户数"}, {ID: "demo", Kind: models.QuestionLink, Label: "演示链接"}},
		Rubric: []models.Criterion{{ID: "team", Label: "团队", Weight: 60}, {ID: "product", Label: "产品", Weight: 40}}}
}

func (w *realWorld) incubation(member, creator *models.User) incubation {
	w.t.Helper()
	var in incubation
	var err error
	in.team, err = w.svc.Incubation.CreateTeam(w.ctx, creator, models.TeamInput{Name: "山海工作室", Stage: models.StagePrototype,
		Industry: "games", District: "nanshan", Pitch: "以山海经为题材的独立游戏团队。"})
	w.must(err)
	in.call, err = w.svc.Incubation.CreateCall(w.ctx, member, w.callInput("2026 冬季数字创意孵化营"))
	w.must(err)
	in.entry, err = w.svc.Incubation.Apply(w.ctx, creator, in.call.ID, models.EntryInput{TeamID: in.team.ID, Submit: true,
		Answers: map[string]string{"pitch": "一款东方神话题材的解谜游戏", "phase": "原型", "users": "1200", "demo": "https://example.com/demo"}})
	w.must(err)
	_, err = w.svc.Incubation.AddReviewer(w.ctx, member, in.call.ID, models.ReviewerInput{UserID: member.ID})
	w.must(err)
	in.reviewer, in.reviewerEmail = w.outsideReviewer(member, in.call.ID, "赵评审")
	for _, r := range []*models.User{member, in.reviewer} {
		_, err = w.svc.Incubation.Review(w.ctx, r, in.entry.ID, models.ReviewInput{Scores: map[string]int{"team": 7, "product": 6},
			Comment: "团队完整，产品仍需打磨。", Submit: true})
		w.must(err)
	}
	_, err = w.svc.Incubation.Decide(w.ctx, member, in.entry.ID, models.DecideInput{Decision: models.EntryAccepted, Message: "欢迎加入！"})
	w.must(err)
	_, err = w.svc.Incubation.AddMilestone(w.ctx, member, in.call.ID, in.team.ID, models.MilestoneInput{Kind: models.MilestoneIncorporated,
		Date: models.Today(w.clock.now()), RegistrationNo: "91440300MA5F0A1B2C"})
	w.must(err)
	return in
}

func TestParseCallLines(t *testing.T) {
	qs, lines, err := parseQuestions("\npitch | text | 介绍 | | required\nphase ｜ 选择 ｜ 进展 ｜ 原型；已上线 ｜ 必填\n\nusers | number | 用户数\n")
	if err != nil || len(qs) != 3 {
		t.Fatalf("parseQuestions: %+v %v", qs, err)
	}
	if !qs[0].Required || qs[0].Kind != models.QuestionText || qs[0].Choices != nil {
		t.Errorf("first question: %+v", qs[0])
	}
	if qs[1].Kind != models.QuestionChoice || !qs[1].Required || strings.Join(qs[1].Choices, "/") != "原型/已上线" {
		t.Errorf("a choice typed in Chinese: %+v", qs[1])
	}
	if qs[2].Required || lines[2] != 5 {
		t.Errorf("third question: %+v on line %d", qs[2], lines[2])
	}
	for text, line := range map[string]int{"a | text": 1, "a | text | b\nc | choice | d": 2, "a | text | b | c | d | e": 1} {
		if _, _, err := parseQuestions(text); err == nil || err.line != line {
			t.Errorf("parseQuestions(%q): %+v, want line %d", text, err, line)
		}
	}
	rs, _, err := parseRubric("team | 团队 | 60\nproduct|产品|40")
	if err != nil || len(rs) != 2 || rs[1].Weight != 40 || rs[1].Label != "产品" {
		t.Fatalf("parseRubric: %+v %v", rs, err)
	}
	if _, _, err := parseRubric("team | 团队 | 六十"); err == nil || err.key != "call_form.rubric_weight" {
		t.Errorf("a weight in words: %+v", err)
	}
	if got := questionsText(qs[1:2]); got != "phase | choice | 进展 | 原型; 已上线 | required\n" {
		t.Errorf("questionsText: %q", got)
	}
	if qs2, _, err := parseQuestions(questionsText(qs)); err != nil || len(qs2) != 3 || qs2[1].Required != qs[1].Required {
		t.Errorf("the form's text does not read back: %+v %v", qs2, err)
	}
	for in, want := range map[string]string{"https://talent.example.cn/talents/65f0c0ffee00000000000001": "65f0c0ffee00000000000001",
		" 65F0C0FFEE00000000000001 ": "65f0c0ffee00000000000001", "/talents/65f0c0ffee00000000000001?x=1": "65f0c0ffee00000000000001", "李明": "李明"} {
		if got := talentIDOf(in); got != want {
			t.Errorf("talentIDOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestIncubationFormsSayWhatIsWrong: the call, apply, review, decision and
// milestone forms answer what cannot be read, or what the service refuses,
// on the form, in the page's language, never with an error page.
func TestIncubationFormsSayWhatIsWrong(t *testing.T) {
	w := newRealWorld(t)
	w.clock.set(at(2026, 11, 30))
	bureau, _ := w.user("王审核", models.RoleBureau)
	_, member, memberEmail := w.org(bureau, "星河孵化器", models.OrgIncubator, models.StatusVerified, "")
	creator, creatorEmail := w.user("李明", models.RoleCreator)
	memberTok, creatorTok := w.signIn(memberEmail), w.signIn(creatorEmail)
	in := w.incubation(member, creator)

	postIn := func(path, token, lang string, form url.Values) (int, string, string) {
		t.Helper()
		res, body := w.postIn(path, token, lang, form)
		return res.StatusCode, res.Header.Get("Location"), text(body)
	}
	// The call form: a line that is not "id | kind | question", a weight
	// in words, then the service's own errors placed on their lines.
	form := url.Values{"title": {"新征集"}, "description": {"说明"}, "stages": {"idea"}, "seats": {"3"}, "opens": {"2026-12-01"}, "closes": {"2026-12-20"},
		"questions": {"pitch | text | 介绍 | | required\n\nbad line"}, "rubric": {"team | 团队 | 六十"}}
	for lang, want := range map[string][]string{models.LangZH: {"第 3 行", "第 1 行：权重必须是整数"}, models.LangEN: {"Line 3:", "Line 1: the weight must be a whole number"}} {
		status, _, page := postIn("/calls/new", memberTok, lang, form)
		if status != 422 {
			t.Errorf("%s: the unreadable call form: %d", lang, status)
		}
		for _, s := range want {
			if !strings.Contains(page, s) {
				t.Errorf("%s: %q is not on the page: %.800s", lang, s, page)
			}
		}
	}
	form.Set("questions", "pitch | text | 介绍\nPitch! | text | 重复")
	form.Set("rubric", "team | 团队 | 0")
	status, _, page := postIn("/calls/new", memberTok, models.LangEN, form)
	if status != 422 || !strings.Contains(page, "Line 2:") || !strings.Contains(page, "Line 1:") {
		t.Errorf("the service's errors on their lines: %d %.800s", status, page)
	}
	// Closing before it opens.
	form.Set("questions", "")
	form.Set("rubric", "team | 团队 | 1")
	form.Set("closes", "2026-11-01")
	if status, _, page := postIn("/calls/new", memberTok, models.LangZH, form); status != 422 || strings.Contains(page, "closes") {
		t.Errorf("a call closing before it opens: %d %.600s", status, page)
	}

	// A member of an organisation the bureau has not verified yet.
	pending, pendingEmail := w.user("待审核孵化器的联系人", models.RoleOrg)
	_, err := w.svc.Orgs.Create(w.ctx, pending, models.OrgInput{Name: "待审核孵化器", Kind: models.OrgIncubator, District: "futian"})
	w.must(err)
	form.Set("closes", "2026-12-20")
	if status, _, page := postIn("/calls/new", w.signIn(pendingEmail), models.LangZH, form); status != 403 || !strings.Contains(page, "您的机构尚未通过核验（待审核）") {
		t.Errorf("a pending organisation's call: %d %.600s", status, page)
	}

	// Applying: the required question unanswered, a number that is none.
	other, err := w.svc.Incubation.CreateTeam(w.ctx, creator, models.TeamInput{Name: "第二个团队", Stage: models.StageIdea, Industry: "games",
		District: "futian", Pitch: "另一个团队。"})
	w.must(err)
	apply := url.Values{"team_id": {other.ID}, "answer.phase": {"原型"}, "action": {"submit"}}
	for lang, want := range map[string]string{models.LangZH: "必填", models.LangEN: "required"} {
		status, _, page := postIn("/calls/"+in.call.ID+"/apply", creatorTok, lang, apply)
		if status != 422 || !strings.Contains(page, want) {
			t.Errorf("%s: an entry without its required answer: %d %.600s", lang, status, page)
		}
	}
	apply.Set("answer.pitch", "介绍")
	apply.Set("answer.users", "很多")
	if status, _, page := postIn("/calls/"+in.call.ID+"/apply", creatorTok, models.LangEN, apply); status != 422 || !strings.Contains(page, "is not valid") {
		t.Errorf("a number that is none: %d %.600s", status, page)
	}
	apply.Set("answer.users", "12")
	apply.Set("action", "draft")
	if status, to, _ := postIn("/calls/"+in.call.ID+"/apply", creatorTok, models.LangEN, apply); status != 303 || to != "/calls/"+in.call.ID+"#entry" {
		t.Fatalf("a draft: %d → %s", status, to)
	}
	// The draft is the form's again, then submitted.
	page = w.page("/calls/"+in.call.ID, creatorTok, models.LangEN)
	if s := section(page, "section", "entry"); !strings.Contains(s, "第二个团队 Draft") || !strings.Contains(s, "山海工作室 Accepted") {
		t.Errorf("the creator's entries: %.800s", page)
	}
	apply.Set("action", "submit")
	if status, _, _ := postIn("/calls/"+in.call.ID+"/apply", creatorTok, models.LangEN, apply); status != 303 {
		t.Fatalf("submitting the draft: %d", status)
	}
	second := models.EntryID(in.call.ID, other.ID)

	// Deciding with too few reviews, in both languages.
	for lang, want := range map[string]string{models.LangZH: "至少需要两份", models.LangEN: "at least two submitted reviews"} {
		status, _, page := postIn("/entries/"+second+"/decision", memberTok, lang, url.Values{"decision": {"accepted"}})
		if status != 409 || !strings.Contains(page, want) {
			t.Errorf("%s: a decision without reviews: %d %.600s", lang, status, page)
		}
	}
	// Reviewing: a score out of range, then submitting without every
	// criterion scored; a submitted review is final.
	revTok := w.signIn(in.reviewerEmail)
	if status, _, page := postIn("/entries/"+second+"/review", revTok, models.LangEN, url.Values{"score.team": {"11"}, "action": {"submit"}}); status != 422 || !strings.Contains(page, "10") {
		t.Errorf("a score of 11: %d %.600s", status, page)
	}
	if status, _, page := postIn("/entries/"+second+"/review", revTok, models.LangZH, url.Values{"score.team": {"3"}, "action": {"submit"}}); status != 422 || !strings.Contains(page, "每项标准打分") {
		t.Errorf("submitting half a review: %d %.600s", status, page)
	}
	if status, to, _ := postIn("/entries/"+second+"/review", revTok, models.LangZH, url.Values{"score.team": {"3"}, "action": {"draft"}}); status != 303 || to != "/entries/"+second+"/review" {
		t.Errorf("a draft review: %d → %s", status, to)
	}
	if got := w.page("/entries/"+second+"/review", revTok, models.LangZH); !strings.Contains(got, `<option value="3" selected>`) {
		t.Errorf("the draft's score is not the form's again")
	}
	// The milestone form: a date to come, a revenue without its band.
	for _, f := range []url.Values{{"kind": {"incorporated"}, "date": {"2027-01-01"}}, {"kind": {"revenue"}, "date": {"2026-11-01"}}, {"kind": {"funding"}, "date": {"2026-11-01"}, "amount": {"一百万"}}} {
		status, _, page := postIn("/calls/"+in.call.ID+"/cohort/"+in.team.ID+"/milestones", memberTok, models.LangZH, f)
		if status != 422 || !regexp.MustCompile(`[\p{Han}]`).MatchString(page) || len(englishWords(page)) > 0 {
			t.Errorf("milestone %v: %d %v %.600s", f, status, englishWords(page), page)
		}
	}
	// The call edited with entries: the questions and the rubric as the
	// form shows them are unchanged, and the rest changes; a changed
	// rubric is refused in words.
	edit := url.Values{}
	page = w.page("/calls/"+in.call.ID+"/edit", memberTok, models.LangZH)
	cl, err := w.svc.Incubation.Call(w.ctx, member, in.call.ID)
	w.must(err)
	for k, v := range callFormOf(cl, w.clock.now()) {
		edit.Set(k, v)
	}
	edit.Del("stages")
	edit.Del("industries")
	for _, s := range cl.Stages {
		edit.Add("stages", string(s))
	}
	for _, s := range cl.Industries {
		edit.Add("industries", s)
	}
	if !strings.Contains(text(page), "pitch | text | 一句话介绍你们的产品 | | required phase | choice | 产品进展 | 原型; 已上线 users | number | 月活跃用户数 demo") {
		t.Errorf("the edit form does not show the questions: %.600s", text(page))
	}
	edit.Set("seats", "3")
	if status, to, page := postIn("/calls/"+in.call.ID+"/edit", memberTok, models.LangZH, edit); status != 303 || to != "/calls/"+in.call.ID {
		t.Errorf("an edit of the seats with entries: %d → %s %.600s", status, to, page)
	}
	cl, err = w.svc.Incubation.Call(w.ctx, member, in.call.ID)
	w.must(err)
	if cl.Seats != 3 {
		t.Errorf("the seats: %d", cl.Seats)
	}
	edit.Set("version", strconv.FormatInt(cl.Version, 10))
	edit.Set("rubric", "team | 团队 | 50\nproduct | 产品 | 50")
	if status, _, page := postIn("/calls/"+in.call.ID+"/edit", memberTok, models.LangZH, edit); status != 409 || !strings.Contains(page, "已有团队申请") {
		t.Errorf("a changed rubric with entries: %d %.600s", status, page)
	}

	// Adding a reviewer: an address that is another organisation's member.
	_, otherMember, _ := w.org(bureau, "光子工作室", models.OrgEnterprise, models.StatusVerified, "")
	status, _, page = postIn("/calls/"+in.call.ID+"/reviewers", memberTok, models.LangEN, url.Values{"email": {otherMember.Email}, "name": {"某人"}})
	if status != 422 || !strings.Contains(page, "cannot review this call") {
		t.Errorf("another organisation's member as reviewer: %d %.600s", status, page)
	}
}

// TestIncubationPagesShowTheirParts: each visitor of a call's pages sees
// their part: the creator their entry and the decision's message, the
// incubator the entries, reviewers and the ranking with decisions, an
// outside reviewer the queue; the dashboard counts the cohort.
func TestIncubationPagesShowTheirParts(t *testing.T) {
	w := newRealWorld(t)
	w.clock.set(at(2026, 11, 30))
	bureau, bureauEmail := w.user("王审核", models.RoleBureau)
	_, member, memberEmail := w.org(bureau, "星河孵化器", models.OrgIncubator, models.StatusVerified, "")
	creator, creatorEmail := w.user("李明", models.RoleCreator)
	in := w.incubation(member, creator)
	tok := map[string]string{"member": w.signIn(memberEmail), "creator": w.signIn(creatorEmail), "reviewer": w.signIn(in.reviewerEmail),
		"bureau": w.signIn(bureauEmail)}
	call := "/calls/" + in.call.ID

	page := w.page(call, tok["creator"], models.LangZH)
	if s := section(page, "section", "entry"); !strings.Contains(s, "已入选") || !strings.Contains(s, "欢迎加入！") {
		t.Errorf("the creator's entry: %q", s)
	}
	page = w.page(call, tok["member"], models.LangEN)
	if s := section(page, "section", "reviewers"); !strings.Contains(s, "星河孵化器的联系人") || !strings.Contains(s, "outside expert") {
		t.Errorf("the reviewers: %q", s)
	}
	if s := section(page, "section", "entries"); !strings.Contains(s, "山海工作室") || !strings.Contains(s, "Accepted") {
		t.Errorf("the entries: %q", s)
	}
	page = w.page(call, tok["reviewer"], models.LangEN)
	if s := section(page, "section", "review-queue"); !strings.Contains(s, "山海工作室") || !strings.Contains(s, "Reviewed") {
		t.Errorf("the outside reviewer's queue: %q", s)
	}
	if strings.Contains(page, `id="reviewers"`) || strings.Contains(page, `id="apply-form"`) {
		t.Error("the outside reviewer sees the incubator's or the creator's part")
	}
	// Both reviewers gave 7 and 6: a weighted total of 6.6 each.
	page = w.page(call+"/ranking", tok["member"], models.LangEN)
	if s := section(page, "tr", "rank-"+in.entry.ID); !strings.Contains(s, "6.60") || !strings.Contains(s, "0.00") {
		t.Errorf("the ranking's row: %q", s)
	}
	page = w.page(call+"/cohort", tok["member"], models.LangZH)
	if got := section(page, "strong", "outcome-incorporated"); got != "1" {
		t.Errorf("the cohort's incorporated: %q", got)
	}
	// The dashboard shows the last plan's final year (2025) unless asked.
	page = w.page("/bureau?year=2026", tok["bureau"], models.LangEN)
	for id, want := range map[string]string{"teams-incubated": "1", "companies-incorporated": "1"} {
		if got := section(page, "strong", id); got != want {
			t.Errorf("the dashboard's %s: %q, want %q", id, got, want)
		}
	}
	if s := section(page, "table", "incubation-by-district"); !strings.Contains(s, "Nanshan") {
		t.Errorf("the dashboard's districts: %q", s)
	}
	if s := section(page, "table", "incubation-by-incubator"); !strings.Contains(s, "星河孵化器") {
		t.Errorf("the dashboard's incubators: %q", s)
	}
}

// TestIncubationBadAddresses: ids that name nothing, or are not ids, are
// the not-found page (or a form's refusal), never an error of the server.
func TestIncubationBadAddresses(t *testing.T) {
	w := newRealWorld(t)
	w.clock.set(at(2026, 11, 30))
	bureau, _ := w.user("王审核", models.RoleBureau)
	_, member, memberEmail := w.org(bureau, "星河孵化器", models.OrgIncubator, models.StatusVerified, "")
	creator, creatorEmail := w.user("李明", models.RoleCreator)
	in := w.incubation(member, creator)
	tokens := map[string]string{"member": w.signIn(memberEmail), "creator": w.signIn(creatorEmail)}
	missing := "65f0c0ffee00000000000009"
	for _, id := range []string{missing, "not-an-id", missing + "-" + missing, in.call.ID + "-" + missing, "%00"} {
		for who, tok := range tokens {
			for _, path := range []string{"/teams/" + id, "/teams/" + id + "/edit", "/calls/" + id, "/calls/" + id + "/edit", "/calls/" + id + "/ranking",
				"/calls/" + id + "/cohort", "/entries/" + id + "/review"} {
				res, body := do(t, w.app, call{method: "GET", path: path, cookies: map[string]string{sessionCookie: tok}})
				if res.StatusCode >= 500 || res.StatusCode == 200 {
					t.Errorf("GET %s as %s: %d %.300s", path, who, res.StatusCode, text(body))
				}
			}
			for _, path := range []string{"/teams/" + id + "/edit", "/teams/" + id + "/members", "/teams/" + id + "/invitation",
				"/teams/" + id + "/members/" + id + "/remove", "/calls/" + id + "/edit", "/calls/" + id + "/apply", "/calls/" + id + "/reviewers",
				"/calls/" + id + "/reviewers/" + id + "/remove", "/calls/" + in.call.ID + "/reviewers/" + id + "/remove",
				"/calls/" + id + "/cohort/" + id + "/milestones", "/calls/" + in.call.ID + "/cohort/" + id + "/milestones",
				"/entries/" + id + "/review", "/entries/" + id + "/decision"} {
				status, _, body := w.post(path, tok, url.Values{"kind": {"award"}, "date": {"2026-11-01"}, "decision": {"accepted"}, "talent_id": {id},
					"user_id": {id}, "team_id": {id}, "action": {"submit"}, "rubric": {"a | b | 1"}})
				if status >= 500 {
					t.Errorf("POST %s as %s: %d %.300s", path, who, status, text(body))
				}
			}
		}
	}
}
