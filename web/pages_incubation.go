package web

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// Incubation: creators found teams and apply to incubators' calls; the
// incubator's members run the call (its reviewers, ranking, decisions and
// cohort); reviewers score entries. The service decides who may do what;
// the handlers only choose what each visitor is shown.

// teamStages are the stages as the forms offer them.
func teamStages() []string {
	out := make([]string, len(models.TeamStages))
	for i, s := range models.TeamStages {
		out[i] = string(s)
	}
	return out
}

// teamsData is the team search.
type teamsData struct {
	Result *models.SearchResult[*models.Team]
	Query  map[string]string
	Pages  []int
	Page   int
	Facets []string
	// Mine are a creator's teams (accepted member); CanFound says the
	// visitor may found one.
	Mine     []*models.Team
	CanFound bool
	// Invited are the teams that invited the creator, awaiting an answer.
	Invited []*models.Team
}

func (w *Web) teams(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "teams.title")
	qv := queryOf(c, "q", "stage", "industry", "district")
	q := models.TeamSearch{Q: qv["q"], Stage: nonEmpty(qv["stage"]), Industry: nonEmpty(qv["industry"]), District: nonEmpty(qv["district"]),
		Page: pageOf(c, searchPerPage)}
	d := teamsData{Query: qv, Facets: []string{"stage", "industry", "district"}, CanFound: models.Permit(p.User, models.ActFoundTeam) == nil}
	res, err := w.cfg.Incubation.SearchTeams(c.UserContext(), p.User, q)
	if err != nil {
		// A query the search language cannot read is the visitor's to fix.
		if !models.IsCode(err, models.CodeBadRequest) || !w.formErrors(p, err) {
			return "", err
		}
		res = &models.SearchResult[*models.Team]{}
	}
	d.Result, d.Pages, d.Page = res, pages(res.Total, searchPerPage), q.Page.Page
	if d.CanFound {
		mine, err := w.cfg.Incubation.SearchTeams(c.UserContext(), p.User, models.TeamSearch{MemberID: p.User.ID, Page: models.Page{Page: 1, PerPage: 50}})
		if err != nil {
			return "", err
		}
		d.Mine = mine.Items
		invited, err := w.cfg.Incubation.SearchTeams(c.UserContext(), p.User, models.TeamSearch{InvitedID: p.User.ID, Page: models.Page{Page: 1, PerPage: 50}})
		if err != nil {
			return "", err
		}
		d.Invited = invited.Items
	}
	p.Data = d
	return "teams", nil
}

// teamFormData is the team form: the team being changed (nil for a new one).
type teamFormData struct {
	Team *models.Team
}

func teamFormOf(t *models.Team) map[string]string {
	if t == nil {
		return map[string]string{"stage": string(models.StageIdea)}
	}
	return map[string]string{"name": t.Name, "stage": string(t.Stage), "industry": t.Industry, "district": t.District, "pitch": t.Pitch,
		"website": t.Website, "registration_no": t.RegistrationNo, "version": strconv.FormatInt(t.Version, 10)}
}

func teamInputOf(f map[string]string) models.TeamInput {
	return models.TeamInput{Name: f["name"], Stage: models.TeamStage(f["stage"]), Industry: f["industry"], District: f["district"],
		Pitch: f["pitch"], Website: f["website"], RegistrationNo: f["registration_no"]}
}

func (w *Web) teamNew(c *fiber.Ctx, p *page) (string, error) {
	if err := models.Permit(p.User, models.ActFoundTeam); err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "team_form.new")
	p.Form = teamFormOf(nil)
	p.Data = teamFormData{}
	return "team_form", nil
}

func (w *Web) teamCreate(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "team_form.new")
	p.Form = formOf(c)
	p.Data = teamFormData{}
	t, err := w.cfg.Incubation.CreateTeam(c.UserContext(), p.User, teamInputOf(p.Form))
	if err != nil {
		if w.formErrors(p, err) {
			return "team_form", nil
		}
		return "", err
	}
	return w.redirect(c, "/teams/"+t.ID, "flash.team_created")
}

// editable is the team or call of the route's id as read shows it to the
// user, if the user may also change it: its founder, its incubator's
// members (the service says so again when it is saved).
func editable[T interface{ Resource() models.Resource }](c *fiber.Ctx, p *page, read func(context.Context, *models.User, string) (T, error)) (T, error) {
	x, err := read(c.UserContext(), p.User, c.Params("id"))
	if err == nil {
		err = models.Authorize(p.User, models.ActUpdate, x.Resource())
	}
	if err != nil {
		var none T
		return none, err
	}
	return x, nil
}

func (w *Web) teamEdit(c *fiber.Ctx, p *page) (string, error) {
	t, err := editable(c, p, w.cfg.Incubation.Team)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "team_form.edit")
	p.Form = teamFormOf(t)
	p.Data = teamFormData{Team: t}
	return "team_form", nil
}

func (w *Web) teamUpdate(c *fiber.Ctx, p *page) (string, error) {
	t, err := editable(c, p, w.cfg.Incubation.Team)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "team_form.edit")
	p.Form = formOf(c)
	p.Data = teamFormData{Team: t}
	version, _ := strconv.ParseInt(p.Form["version"], 10, 64)
	if _, err := w.cfg.Incubation.UpdateTeam(c.UserContext(), p.User, t.ID, teamInputOf(p.Form), version); err != nil {
		if w.formErrors(p, err) {
			return "team_form", nil
		}
		return "", err
	}
	return w.redirect(c, "/teams/"+t.ID, "flash.saved")
}

// teamData is a team's page.
type teamData struct {
	Team *models.Team
	// What the visitor is to the team.
	Founder, Member, Invited bool
	// Matches are the open calls suggested to its members.
	Matches []models.CallMatch
}

func (w *Web) teamView(c *fiber.Ctx, p *page) (string, error) {
	t, err := w.cfg.Incubation.Team(c.UserContext(), p.User, c.Params("id"))
	if err != nil {
		return "", err
	}
	p.Title = t.Name
	d := teamData{Team: t, Founder: t.FounderID == p.User.ID}
	if m, ok := t.Member(p.User.ID); ok {
		d.Member, d.Invited = m.Status == models.MemberActive, m.Status == models.MemberInvited
	}
	if d.Member {
		// Suggestions help, and the page reads without them (no search
		// index: the service answers unavailable).
		if list, err := w.cfg.Incubation.TeamMatches(c.UserContext(), p.User, t.ID, models.Page{Page: 1, PerPage: 10}); err == nil {
			d.Matches = list.Items
		}
	}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	p.Data = d
	return "team", nil
}

// talentIDPattern finds a profile's id in what a founder pastes: the id,
// or the address of the profile's page.
var talentIDPattern = regexp.MustCompile(`(?:^|/talents/)([0-9a-fA-F]{24})(?:$|[/?#])`)

func talentIDOf(s string) string {
	s = strings.TrimSpace(s)
	if m := talentIDPattern.FindStringSubmatch(s); m != nil {
		return strings.ToLower(m[1])
	}
	return s
}

// teamInvite invites a creator to the team by their profile.
func (w *Web) teamInvite(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	p.Form = formOf(c)
	if _, err := w.cfg.Incubation.InviteMember(c.UserContext(), p.User, id, models.TeamInvite{TalentID: talentIDOf(p.Form["talent_id"])}); err != nil {
		if !w.formErrors(p, err) {
			return "", err
		}
		if p.Errors["talent_id"] == "" {
			p.Errors["talent_id"] = p.Errors["_"]
		}
		return again(c, p, w.teamView)
	}
	return w.redirect(c, "/teams/"+id+"#members", "flash.team_invited")
}

// teamInvitation accepts or declines the user's invitation to a team.
func (w *Web) teamInvitation(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	accept := c.FormValue("decision") == "accept"
	if _, err := w.cfg.Incubation.AnswerInvitation(c.UserContext(), p.User, id, accept); err != nil {
		if models.IsCode(err, models.CodeConflict) {
			// Answered already (another tab) or withdrawn.
			return w.redirect(c, "/teams", "flash.invitation_gone")
		}
		return "", err
	}
	if accept {
		return w.redirect(c, "/teams/"+id, "flash.team_joined")
	}
	return w.redirect(c, "/teams", "flash.invitation_declined")
}

// teamMemberRemove removes a member (the founder) or the user (leaving).
func (w *Web) teamMemberRemove(c *fiber.Ctx, p *page) (string, error) {
	id, who := c.Params("id"), c.Params("user")
	if _, err := w.cfg.Incubation.RemoveMember(c.UserContext(), p.User, id, who); err != nil {
		if !w.formErrors(p, err) {
			return "", err
		}
		return again(c, p, w.teamView)
	}
	if who == p.User.ID {
		return w.redirect(c, "/teams", "flash.team_left")
	}
	return w.redirect(c, "/teams/"+id+"#members", "flash.member_removed")
}

// callsData is the list of calls.
type callsData struct {
	Open      *models.List[*models.Call]
	Pages     []int
	Mine      []*models.Call
	Reviewing []*models.Call
	// Entries are a creator's own entries, with their calls' titles.
	Entries  []*models.Entry
	Titles   map[string]string
	OrgNames map[string]string
	Today    string
	Now      time.Time
	CanOpen  bool
}

func (w *Web) calls(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "calls.title")
	ctx := c.UserContext()
	now := w.cfg.Now()
	d := callsData{Titles: map[string]string{}, OrgNames: map[string]string{}, Today: models.Today(now), Now: now}
	if p.User.Role != models.RoleReviewer {
		open, err := w.cfg.Incubation.Calls(ctx, p.User, models.CallFilter{Page: pageOf(c, searchPerPage)})
		if err != nil {
			return "", err
		}
		d.Open, d.Pages = open, pages(open.Total, searchPerPage)
	}
	if models.Permit(p.User, models.ActOpenCall) == nil {
		mine, err := w.cfg.Incubation.Calls(ctx, p.User, models.CallFilter{Mine: true, Page: models.Page{Page: 1, PerPage: 50}})
		if err != nil {
			return "", err
		}
		d.Mine, d.CanOpen = mine.Items, true
	}
	if p.User.Is(models.RoleReviewer, models.RoleOrg) {
		rev, err := w.cfg.Incubation.Calls(ctx, p.User, models.CallFilter{Reviewing: true, Page: models.Page{Page: 1, PerPage: 50}})
		if err != nil {
			return "", err
		}
		d.Reviewing = rev.Items
	}
	if p.User.Role == models.RoleCreator {
		list, err := w.cfg.Incubation.Entries(ctx, p.User, "", models.Page{Page: 1, PerPage: 50})
		if err != nil {
			return "", err
		}
		d.Entries = list.Items
		for _, e := range d.Entries {
			if _, ok := d.Titles[e.CallID]; !ok {
				d.Titles[e.CallID] = e.CallID
				if call, err := w.cfg.Incubation.Call(ctx, p.User, e.CallID); err == nil {
					d.Titles[e.CallID] = call.Title
				}
			}
		}
	}
	var all []*models.Call
	if d.Open != nil {
		all = d.Open.Items
	}
	for _, call := range slices.Concat(all, d.Mine, d.Reviewing) {
		w.orgName(c, p, d.OrgNames, call.OrgID)
	}
	p.Data = d
	return "calls", nil
}

// orgName keeps the name of an organisation in names (its id when the
// user may not see it).
func (w *Web) orgName(c *fiber.Ctx, p *page, names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	names[id] = id
	if o, err := w.cfg.Orgs.Get(c.UserContext(), p.User, id); err == nil {
		names[id] = o.Name
	}
	return names[id]
}

// callFormData is the call form: the call being changed (nil for a new
// one) and its phase.
type callFormData struct {
	Call *models.Call
}

// callFormOf fills the call form: a new call opens today and closes in
// four weeks.
func callFormOf(cl *models.Call, now time.Time) map[string]string {
	if cl == nil {
		now := now.In(models.ChinaTime)
		return map[string]string{"seats": "10", "opens": now.Format(models.DateLayout), "closes": now.AddDate(0, 0, 28).Format(models.DateLayout),
			"stages": string(models.StageIdea) + "," + string(models.StagePrototype)}
	}
	stages := make([]string, len(cl.Stages))
	for i, s := range cl.Stages {
		stages[i] = string(s)
	}
	f := map[string]string{"title": cl.Title, "description": cl.Description, "industries": strings.Join(cl.Industries, ","),
		"stages": strings.Join(stages, ","), "seats": strconv.Itoa(cl.Seats), "opens": cl.Opens, "closes": cl.Closes,
		"questions": questionsText(cl.Questions), "rubric": rubricText(cl.Rubric), "version": strconv.FormatInt(cl.Version, 10)}
	if cl.Individuals {
		f["individuals"] = "on"
	}
	return f
}

// questionsText writes a call's questions as the form edits them, a line
// each: "id | kind | label | choice; choice | required".
func questionsText(qs []models.Question) string {
	var b strings.Builder
	for _, q := range qs {
		b.WriteString(q.ID + " | " + q.Kind + " | " + q.Label)
		if len(q.Choices) > 0 || q.Required {
			b.WriteString(" | " + strings.Join(q.Choices, "; "))
		}
		if q.Required {
			b.WriteString(" | required")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// rubricText writes a rubric as the form edits it: "id | label | weight".
func rubricText(cs []models.Criterion) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.ID + " | " + c.Label + " | " + strconv.Itoa(c.Weight) + "\n")
	}
	return b.String()
}

// lineError is a line of the questions or the rubric that cannot be read;
// the page says which, and why, in its language.
type lineError struct {
	field string // questions or rubric
	line  int
	key   string // the message id of what is wrong
}

// Words that mark a question required, and the kinds' names in Chinese,
// for a form typed in either language.
var (
	requiredWords = []string{"required", "yes", "true", "y", "*", "必填", "是", "必答"}
	kindWords     = map[string]string{"文本": models.QuestionText, "选择": models.QuestionChoice, "单选": models.QuestionChoice,
		"数字": models.QuestionNumber, "链接": models.QuestionLink, "网址": models.QuestionLink}
)

// lines splits a textarea into its non-empty lines with their numbers.
func lines(s string) (out []string, numbers []int) {
	for i, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) != "" {
			out, numbers = append(out, l), append(numbers, i+1)
		}
	}
	return out, numbers
}

// cells splits a line at "|" (or the full-width "｜") into trimmed cells.
func cells(l string) []string {
	parts := strings.FieldsFunc(l, func(r rune) bool { return r == '|' || r == '｜' })
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		out = append(out, strings.TrimSpace(p))
	}
	// A trailing empty cell ("a | b |") is no cell.
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// parseQuestions reads the questions' textarea: "id | kind | label"
// with, for a choice, "| choice; choice", and "| required" last. It
// returns the line of each question, to name it in the service's errors.
func parseQuestions(s string) ([]models.Question, []int, *lineError) {
	ls, numbers := lines(s)
	out := []models.Question{}
	for i, l := range ls {
		cs := cells(l)
		if len(cs) < 3 || len(cs) > 5 {
			return nil, nil, &lineError{"questions", numbers[i], "call_form.question_line"}
		}
		q := models.Question{ID: cs[0], Kind: strings.ToLower(cs[1]), Label: cs[2]}
		if k, ok := kindWords[cs[1]]; ok {
			q.Kind = k
		}
		rest := cs[3:]
		if n := len(rest); n > 0 && slices.Contains(requiredWords, strings.ToLower(rest[n-1])) {
			q.Required, rest = true, rest[:n-1]
		}
		switch {
		case len(rest) > 1:
			return nil, nil, &lineError{"questions", numbers[i], "call_form.question_line"}
		case len(rest) == 1 && rest[0] != "":
			q.Choices = strings.FieldsFunc(rest[0], func(r rune) bool { return r == ';' || r == '；' })
			for j := range q.Choices {
				q.Choices[j] = strings.TrimSpace(q.Choices[j])
			}
		}
		if q.Kind == models.QuestionChoice && len(q.Choices) == 0 {
			return nil, nil, &lineError{"questions", numbers[i], "call_form.question_choices"}
		}
		out = append(out, q)
	}
	return out, numbers, nil
}

// parseRubric reads the rubric's textarea: "id | label | weight".
func parseRubric(s string) ([]models.Criterion, []int, *lineError) {
	ls, numbers := lines(s)
	out := []models.Criterion{}
	for i, l := range ls {
		cs := cells(l)
		if len(cs) != 3 {
			return nil, nil, &lineError{"rubric", numbers[i], "call_form.rubric_line"}
		}
		weight, err := strconv.Atoi(cs[2])
		if err != nil {
			return nil, nil, &lineError{"rubric", numbers[i], "call_form.rubric_weight"}
		}
		out = append(out, models.Criterion{ID: cs[0], Label: cs[1], Weight: weight})
	}
	return out, numbers, nil
}

// callInputOf reads the call form; a line it cannot read is said on the
// form with its number.
func (w *Web) callInputOf(c *fiber.Ctx, p *page) (models.CallInput, []int, []int, bool) {
	f := p.Form
	var stages []models.TeamStage
	for _, s := range valuesOf(c, "stages") {
		stages = append(stages, models.TeamStage(s))
	}
	in := models.CallInput{Title: f["title"], Description: f["description"], Industries: valuesOf(c, "industries"), Stages: stages,
		Seats: atoi(f["seats"]), Opens: f["opens"], Closes: f["closes"], Individuals: f["individuals"] != ""}
	if in.Industries == nil {
		in.Industries = []string{}
	}
	qs, qLines, qErr := parseQuestions(f["questions"])
	rs, rLines, rErr := parseRubric(f["rubric"])
	if qErr != nil || rErr != nil {
		p.Errors = map[string]string{"_": w.tr.t(p.Lang, "form.has_errors")}
		for _, e := range []*lineError{qErr, rErr} {
			if e != nil {
				p.Errors[e.field] = w.tr.t(p.Lang, "call_form.line", "N", e.line, "Problem", w.tr.t(p.Lang, e.key))
			}
		}
		p.Status = fiber.StatusUnprocessableEntity
		return in, nil, nil, false
	}
	in.Questions, in.Rubric = qs, rs
	return in, qLines, rLines, true
}

// itemField reads the list and index of a service's field path, as
// "questions[2].kind" or "questions.2.kind".
var itemField = regexp.MustCompile(`^(questions|rubric)(?:\[(\d+)\]|\.(\d+))`)

// callFormErrors places the service's errors on the call form: an error of
// a question or a criterion on its textarea, with its line; one of an
// industry or a stage on its list.
func (w *Web) callFormErrors(p *page, qLines, rLines []int) {
	for k, msg := range p.Errors {
		if k == "_" {
			continue
		}
		if m := itemField.FindStringSubmatch(k); m != nil {
			i := atoi(cmp.Or(m[2], m[3]))
			numbers := qLines
			if m[1] == "rubric" {
				numbers = rLines
			}
			if i < len(numbers) {
				msg = w.tr.t(p.Lang, "call_form.line", "N", numbers[i], "Problem", msg)
			}
			delete(p.Errors, k)
			p.Errors[m[1]] = msg
			continue
		}
		for _, list := range []string{"industries", "stages", "questions", "rubric"} {
			if k != list && strings.HasPrefix(k, list) {
				delete(p.Errors, k)
				p.Errors[list] = msg
			}
		}
	}
}

func (w *Web) callNew(c *fiber.Ctx, p *page) (string, error) {
	if err := models.Permit(p.User, models.ActOpenCall); err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "call_form.new")
	p.Form = callFormOf(nil, w.cfg.Now())
	p.Data = callFormData{}
	return "call_form", nil
}

func (w *Web) callCreate(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "call_form.new")
	p.Form = formOf(c)
	p.Data = callFormData{}
	in, qLines, rLines, ok := w.callInputOf(c, p)
	if !ok {
		// Who may open a call is said before what is wrong with the form.
		if err := models.Permit(p.User, models.ActOpenCall); err != nil {
			return "", err
		}
		return "call_form", nil
	}
	cl, err := w.cfg.Incubation.CreateCall(c.UserContext(), p.User, in)
	if err != nil {
		refusal, status := models.ErrorRefusal(err)
		if models.IsCode(err, models.CodeForbidden) && refusal == "" {
			return "", err // not a member of an organisation: the error page
		}
		if w.formErrors(p, err) {
			if refusal == models.RefusalOrgNotVerified {
				// A member of an organisation still waiting for the bureau.
				p.Errors["_"] = w.tr.t(p.Lang, "refusal.org_not_verified", "N", w.tr.t(p.Lang, "status."+status))
			}
			w.callFormErrors(p, qLines, rLines)
			return "call_form", nil
		}
		return "", err
	}
	return w.redirect(c, "/calls/"+cl.ID, "flash.call_created")
}

func (w *Web) callEdit(c *fiber.Ctx, p *page) (string, error) {
	cl, err := editable(c, p, w.cfg.Incubation.Call)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "call_form.edit")
	p.Form = callFormOf(cl, w.cfg.Now())
	p.Data = callFormData{Call: cl}
	return "call_form", nil
}

func (w *Web) callUpdate(c *fiber.Ctx, p *page) (string, error) {
	cl, err := editable(c, p, w.cfg.Incubation.Call)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "call_form.edit")
	p.Form = formOf(c)
	p.Data = callFormData{Call: cl}
	in, qLines, rLines, ok := w.callInputOf(c, p)
	if !ok {
		return "call_form", nil
	}
	version, _ := strconv.ParseInt(p.Form["version"], 10, 64)
	if _, err := w.cfg.Incubation.UpdateCall(c.UserContext(), p.User, cl.ID, in, version); err != nil {
		if w.formErrors(p, err) {
			if models.IsCode(err, models.CodeConflict) {
				// The one conflict of an edit: entries fix the questions
				// and the rubric.
				p.Errors["_"] = w.tr.t(p.Lang, "call_form.entries_fixed")
			}
			w.callFormErrors(p, qLines, rLines)
			return "call_form", nil
		}
		return "", err
	}
	return w.redirect(c, "/calls/"+cl.ID, "flash.saved")
}

// callData is a call's page. What it holds depends on the visitor: a
// creator's teams and entry, the incubator's entries, reviewers and
// suggested teams, a reviewer's queue.
type callData struct {
	Call    *models.Call
	OrgName string
	Phase   string
	Today   string
	// Member: the user's organisation runs the call; Reviewer: the user
	// reviews it.
	Member, Reviewer bool

	// A creator's: the teams they may apply for, their entries to the
	// call, and whether the form may be sent.
	Teams    []teamChoice
	Entries  []*models.Entry
	CanApply bool
	Editing  *models.Entry // the entry the form changes (nil: a new one)
	Decided  bool          // the entry the form shows is decided

	// The incubator's.
	Submitted  []*models.Entry
	Reviewers  []models.CallReviewer
	Candidates []option // the organisation's members who are not reviewers
	Matches    []models.TeamMatch

	// A reviewer's: the submitted entries and where their review stands.
	Queue []queueRow
}

// teamChoice is one of a creator's teams on the apply form.
type teamChoice struct {
	Team *models.Team
	Fits bool // the call takes its stage
}

// queueRow is an entry in a reviewer's queue.
type queueRow struct {
	Entry *models.Entry
	// State of the reviewer's own review: "", draft, submitted or
	// conflict.
	State string
}

func (w *Web) callView(c *fiber.Ctx, p *page) (string, error) {
	ctx := c.UserContext()
	cl, err := w.cfg.Incubation.Call(ctx, p.User, c.Params("id"))
	if err != nil {
		return "", err
	}
	p.Title = cl.Title
	now := w.cfg.Now()
	d := callData{Call: cl, Phase: cl.Phase(now), Today: models.Today(now), OrgName: w.orgName(c, p, map[string]string{}, cl.OrgID),
		Member: models.Authorize(p.User, models.ActUpdate, cl.Resource()) == nil, Reviewer: slices.Contains(cl.Reviewers, p.User.ID)}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	if p.User.Role == models.RoleCreator {
		if err := w.creatorSide(c, p, cl, &d); err != nil {
			return "", err
		}
	}
	if d.Member {
		if err := w.incubatorSide(c, p, cl, &d); err != nil {
			return "", err
		}
	}
	if d.Reviewer {
		list, err := w.cfg.Incubation.Entries(ctx, p.User, cl.ID, models.Page{Page: 1, PerPage: models.MaxPerPage})
		if err != nil {
			return "", err
		}
		for _, e := range list.Items {
			row := queueRow{Entry: e}
			if rs, err := w.cfg.Incubation.Reviews(ctx, p.User, e.ID); err == nil {
				if own := ownReview(rs, p.User.ID); own != nil {
					row.State = reviewState(own)
				}
			}
			d.Queue = append(d.Queue, row)
		}
	}
	p.Data = d
	return "call", nil
}

func ownReview(rs []*models.Review, userID string) *models.Review {
	for _, r := range rs {
		if r.ReviewerID == userID {
			return r
		}
	}
	return nil
}

func reviewState(r *models.Review) string {
	switch {
	case r == nil:
		return ""
	case r.Conflict:
		return "conflict"
	case r.Submitted:
		return "submitted"
	}
	return "draft"
}

// creatorSide fills a creator's part of the call page: their teams, their
// entries to the call, and the apply form (the first entry's answers, or
// what was sent).
func (w *Web) creatorSide(c *fiber.Ctx, p *page, cl *models.Call, d *callData) error {
	ctx := c.UserContext()
	mine, err := w.cfg.Incubation.SearchTeams(ctx, p.User, models.TeamSearch{MemberID: p.User.ID, Page: models.Page{Page: 1, PerPage: 50}})
	if err != nil && !models.IsCode(err, models.CodeUnavailable) {
		return err
	}
	ids := []string{models.EntryID(cl.ID, p.User.ID)}
	if mine != nil {
		for _, t := range mine.Items {
			d.Teams = append(d.Teams, teamChoice{Team: t, Fits: slices.Contains(cl.Stages, t.Stage)})
			ids = append(ids, models.EntryID(cl.ID, t.ID))
		}
	}
	for _, id := range ids {
		e, err := w.cfg.Incubation.Entry(ctx, p.User, id)
		switch {
		case err == nil:
			d.Entries = append(d.Entries, e)
		case !models.IsCode(err, models.CodeNotFound):
			return err
		}
	}
	fits := cl.Individuals || slices.ContainsFunc(d.Teams, func(t teamChoice) bool { return t.Fits })
	d.CanApply = d.Phase == models.PhaseOpen && fits
	if _, sent := p.Form["team_id"]; sent {
		// The form as sent (refused): its entry, if it has one.
		for _, e := range d.Entries {
			if e.TeamID == p.Form["team_id"] {
				d.Editing = e
			}
		}
	} else if len(d.Entries) > 0 {
		e := d.Entries[0]
		d.Editing = e
		p.Form["team_id"] = e.TeamID
		for k, v := range e.Answers {
			p.Form["answer."+k] = v
		}
	} else if i := slices.IndexFunc(d.Teams, func(t teamChoice) bool { return t.Fits }); i >= 0 {
		p.Form["team_id"] = d.Teams[i].Team.ID
	}
	d.Decided = d.Editing != nil && d.Editing.Decided()
	return nil
}

// incubatorSide fills the incubator's part: the submitted entries, the
// reviewers, the members who may become one, and suggested teams.
func (w *Web) incubatorSide(c *fiber.Ctx, p *page, cl *models.Call, d *callData) error {
	ctx := c.UserContext()
	list, err := w.cfg.Incubation.Entries(ctx, p.User, cl.ID, models.Page{Page: 1, PerPage: models.MaxPerPage})
	if err != nil {
		return err
	}
	d.Submitted = list.Items
	members, err := w.cfg.Orgs.Members(ctx, p.User, cl.OrgID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if !slices.Contains(cl.Reviewers, m.ID) {
			d.Candidates = append(d.Candidates, option{Key: m.ID, Label: m.Name + " · " + m.Email})
		}
	}
	if d.Reviewers, err = w.cfg.Incubation.Reviewers(ctx, p.User, cl.ID); err != nil {
		return err
	}
	if m, err := w.cfg.Incubation.CallMatches(ctx, p.User, cl.ID, models.Page{Page: 1, PerPage: 10}); err == nil {
		d.Matches = m.Items
	}
	return nil
}

// answerField reads the key of an answer in a service's field path:
// "answers.q1" or "answers[q1]".
var answerField = regexp.MustCompile(`^answers(?:\.|\[)([^\]]+)\]?$`)

// entryApply makes or changes the creator's entry to a call: a draft, or
// submitted (action "submit").
func (w *Web) entryApply(c *fiber.Ctx, p *page) (string, error) {
	ctx := c.UserContext()
	id := c.Params("id")
	p.Form = formOf(c)
	in := models.EntryInput{TeamID: p.Form["team_id"], Answers: map[string]string{}, Submit: c.FormValue("action") == "submit"}
	for k, v := range p.Form {
		if q, ok := strings.CutPrefix(k, "answer."); ok {
			in.Answers[q] = v
		}
	}
	applicant := in.TeamID
	if applicant == "" {
		applicant = p.User.ID
	}
	var err error
	existing, gerr := w.cfg.Incubation.Entry(ctx, p.User, models.EntryID(id, applicant))
	switch {
	case gerr == nil:
		_, err = w.cfg.Incubation.UpdateEntry(ctx, p.User, existing.ID, in, 0)
	case models.IsCode(gerr, models.CodeNotFound):
		_, err = w.cfg.Incubation.Apply(ctx, p.User, id, in)
	default:
		err = gerr
	}
	if err != nil {
		if !w.formErrors(p, err) {
			return "", err
		}
		if r, param := models.ErrorRefusal(err); r == models.RefusalAlreadyDecided {
			p.Errors["_"] = w.tr.t(p.Lang, "call.entry_decided", "Status", w.tr.t(p.Lang, "entry_status."+param))
		}
		for k, msg := range p.Errors {
			if m := answerField.FindStringSubmatch(k); m != nil {
				delete(p.Errors, k)
				p.Errors["answer."+m[1]] = msg
			}
		}
		return again(c, p, w.callView)
	}
	if in.Submit {
		return w.redirect(c, "/calls/"+id+"#entry", "flash.entry_submitted")
	}
	return w.redirect(c, "/calls/"+id+"#entry", "flash.entry_saved")
}

// reviewerAdd adds a reviewer to a call: a member of the organisation, or
// an outside expert by email and name.
func (w *Web) reviewerAdd(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	p.Form = formOf(c)
	in := models.ReviewerInput{UserID: p.Form["user_id"], Email: p.Form["email"], Name: p.Form["name"]}
	if in.UserID != "" {
		in.Email, in.Name = "", ""
	}
	if _, err := w.cfg.Incubation.AddReviewer(c.UserContext(), p.User, id, in); err != nil {
		if !w.formErrors(p, err) {
			return "", err
		}
		return again(c, p, w.callView)
	}
	return w.redirect(c, "/calls/"+id+"#reviewers", "flash.reviewer_added")
}

func (w *Web) reviewerRemove(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	if _, err := w.cfg.Incubation.RemoveReviewer(c.UserContext(), p.User, id, c.Params("user")); err != nil {
		return "", err
	}
	return w.redirect(c, "/calls/"+id+"#reviewers", "flash.reviewer_removed")
}

// rankingData is a call's ranking with the decision forms.
type rankingData struct {
	Ranking *models.Ranking
	// Names of the reviewers by id; a reviewer the reader may not know is
	// named by number.
	Names map[string]string
	// Member: the reader decides (the incubator); Reviewer: the reader is
	// one of its reviewers (blind: hidden rows).
	Member, Reviewer bool
	MinReviews       int
}

func (w *Web) ranking(c *fiber.Ctx, p *page) (string, error) {
	return w.rankingPage(c, p, c.Params("id"))
}

func (w *Web) rankingPage(c *fiber.Ctx, p *page, id string) (string, error) {
	ctx := c.UserContext()
	rk, err := w.cfg.Incubation.Ranking(ctx, p.User, id)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "ranking.title") + " · " + rk.Call.Title
	d := rankingData{Ranking: rk, Names: map[string]string{}, Member: models.Authorize(p.User, models.ActDecide, rk.Call.Resource()) == nil,
		Reviewer: slices.Contains(rk.Call.Reviewers, p.User.ID), MinReviews: models.MinReviews}
	for _, st := range rk.Reviewers {
		if st.Name != "" {
			d.Names[st.ReviewerID] = st.Name
		}
	}
	if d.Member {
		if members, err := w.cfg.Orgs.Members(ctx, p.User, rk.Call.OrgID); err == nil {
			for _, m := range members {
				d.Names[m.ID] = m.Name
			}
		}
	}
	n := 0
	for _, it := range rk.Items {
		for _, s := range it.Scores {
			if _, ok := d.Names[s.ReviewerID]; !ok {
				n++
				d.Names[s.ReviewerID] = w.tr.t(p.Lang, "ranking.reviewer_n", "N", n)
			}
		}
	}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	p.Data = d
	return "ranking", nil
}

// entryDecide accepts, waitlists or rejects an entry, with a message to
// its applicants.
func (w *Web) entryDecide(c *fiber.Ctx, p *page) (string, error) {
	ctx := c.UserContext()
	id := c.Params("id")
	e, err := w.cfg.Incubation.Entry(ctx, p.User, id)
	if err != nil {
		return "", err
	}
	p.Form = formOf(c)
	if _, err := w.cfg.Incubation.Decide(ctx, p.User, id, models.DecideInput{Decision: p.Form["decision"], Message: p.Form["message"]}); err != nil {
		if !w.formErrors(p, err) {
			return "", err
		}
		// The ranking again, the error at the entry's form.
		p.Form["entry"] = id
		return again(c, p, func(c *fiber.Ctx, p *page) (string, error) { return w.rankingPage(c, p, e.CallID) })
	}
	return w.redirect(c, "/calls/"+e.CallID+"/ranking#rank-"+id, "flash.decided")
}

// reviewData is the review form of an entry.
type reviewData struct {
	Entry *models.Entry
	Call  *models.Call
	Own   *models.Review
	// Others are the other reviewers' reviews, once the reader's own is
	// submitted (the service's blind rule), with their names.
	Others []*models.Review
	Names  map[string]string
	Scores []int
}

func (w *Web) review(c *fiber.Ctx, p *page) (string, error) {
	ctx := c.UserContext()
	e, err := w.cfg.Incubation.Entry(ctx, p.User, c.Params("id"))
	if err != nil {
		return "", err
	}
	cl, err := w.cfg.Incubation.Call(ctx, p.User, e.CallID)
	if err != nil {
		return "", err
	}
	if !slices.Contains(cl.Reviewers, p.User.ID) {
		return "", models.Errorf(models.CodeForbidden, "only the call's reviewers review its entries")
	}
	rs, err := w.cfg.Incubation.Reviews(ctx, p.User, e.ID)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "review.title") + " · " + e.Name
	d := reviewData{Entry: e, Call: cl, Own: ownReview(rs, p.User.ID), Names: map[string]string{}}
	for s := models.MinScore; s <= models.MaxScore; s++ {
		d.Scores = append(d.Scores, s)
	}
	if d.Own != nil && d.Own.Submitted {
		n := 0
		for _, r := range rs {
			if r.ReviewerID != p.User.ID && r.Submitted {
				n++
				d.Others = append(d.Others, r)
				d.Names[r.ReviewerID] = w.tr.t(p.Lang, "ranking.reviewer_n", "N", n)
			}
		}
	}
	if p.Form == nil {
		p.Form = map[string]string{}
		if d.Own != nil {
			for k, v := range d.Own.Scores {
				p.Form["score."+k] = strconv.Itoa(v)
			}
			p.Form["comment"] = d.Own.Comment
			if d.Own.Conflict {
				p.Form["conflict"] = "on"
			}
		}
	}
	p.Data = d
	return "review", nil
}

// scoreField reads the criterion of a service's field path: "scores.c1"
// or "scores[c1]".
var scoreField = regexp.MustCompile(`^scores(?:\.|\[)([^\]]+)\]?$`)

func (w *Web) reviewSave(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	p.Form = formOf(c)
	in := models.ReviewInput{Scores: map[string]int{}, Comment: p.Form["comment"], Conflict: p.Form["conflict"] != "",
		Submit: c.FormValue("action") == "submit"}
	for k, v := range p.Form {
		if cr, ok := strings.CutPrefix(k, "score."); ok && strings.TrimSpace(v) != "" {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				n = 0 // refused by the score's range, next to its field
			}
			in.Scores[cr] = n
		}
	}
	if _, err := w.cfg.Incubation.Review(c.UserContext(), p.User, id, in); err != nil {
		if !w.formErrors(p, err) {
			return "", err
		}
		if r, _ := models.ErrorRefusal(err); r == models.RefusalAlreadyDecided {
			p.Errors["_"] = w.tr.t(p.Lang, "review.already_final")
		}
		for k, msg := range p.Errors {
			if m := scoreField.FindStringSubmatch(k); m != nil {
				delete(p.Errors, k)
				p.Errors["score."+m[1]] = msg
			}
		}
		if _, ok := p.Errors["scores"]; ok {
			// Every criterion must be scored to submit.
			p.Errors["_"] = w.tr.t(p.Lang, "review.score_all")
			delete(p.Errors, "scores")
		}
		return again(c, p, w.review)
	}
	if in.Submit || in.Conflict {
		return w.redirect(c, "/entries/"+id+"/review", "flash.review_submitted")
	}
	return w.redirect(c, "/entries/"+id+"/review", "flash.saved")
}

// cohortData is a call's cohort.
type cohortData struct {
	Cohort *models.Cohort
	Member bool
	Today  string
	Kinds  []string
	Bands  []string
}

// milestoneKinds are the kinds of milestones in the order the form offers
// them.
var milestoneKinds = []string{models.MilestoneIncorporated, models.MilestoneFunding, models.MilestoneRevenue, models.MilestoneHeadcount,
	models.MilestoneAward}

func (w *Web) cohort(c *fiber.Ctx, p *page) (string, error) {
	return w.cohortPage(c, p, c.Params("id"))
}

func (w *Web) cohortPage(c *fiber.Ctx, p *page, id string) (string, error) {
	co, err := w.cfg.Incubation.Cohort(c.UserContext(), p.User, id)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "cohort.title") + " · " + co.Call.Title
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	p.Data = cohortData{Cohort: co, Member: models.Authorize(p.User, models.ActUpdate, co.Call.Resource()) == nil,
		Today: models.Today(w.cfg.Now()), Kinds: milestoneKinds, Bands: models.RevenueBands}
	return "cohort", nil
}

// milestoneAdd records a milestone of a team of the cohort.
func (w *Web) milestoneAdd(c *fiber.Ctx, p *page) (string, error) {
	id, team := c.Params("id"), c.Params("team")
	p.Form = formOf(c)
	amount, err := strconv.ParseInt(strings.TrimSpace(cmp.Or(p.Form["amount"], "0")), 10, 64)
	if err != nil {
		amount = -1 // refused by the amount's range, next to its field
	}
	in := models.MilestoneInput{Kind: p.Form["kind"], Date: p.Form["date"], Amount: amount, Band: p.Form["band"],
		RegistrationNo: p.Form["registration_no"], Note: p.Form["note"]}
	if _, err := w.cfg.Incubation.AddMilestone(c.UserContext(), p.User, id, team, in); err != nil {
		if !w.formErrors(p, err) {
			return "", err
		}
		p.Form["team"] = team
		return again(c, p, func(c *fiber.Ctx, p *page) (string, error) { return w.cohortPage(c, p, id) })
	}
	return w.redirect(c, "/calls/"+id+"/cohort#team-"+team, "flash.milestone_recorded")
}

// incubationCard is the dashboard's incubation figures with the names
// they need: the incubators' and the cohorts' calls'.
type incubationCard struct {
	*models.IncubationFigures
	OrgNames map[string]string
	Titles   map[string]string
}

// incubationFigures reads the incubation figures of the dashboard's year.
func (w *Web) incubationFigures(c *fiber.Ctx, p *page, year int) (*incubationCard, error) {
	if w.cfg.Incubation == nil {
		return nil, nil
	}
	f, err := w.cfg.Incubation.Figures(c.UserContext(), p.User, year)
	if err != nil {
		return nil, err
	}
	card := &incubationCard{IncubationFigures: f, OrgNames: map[string]string{}, Titles: map[string]string{}}
	for _, l := range f.ByIncubator {
		w.orgName(c, p, card.OrgNames, l.Key)
	}
	for _, co := range f.Cohorts {
		w.orgName(c, p, card.OrgNames, co.OrgID)
		card.Titles[co.CallID] = co.CallID
		if cl, err := w.cfg.Incubation.Call(c.UserContext(), p.User, co.CallID); err == nil {
			card.Titles[co.CallID] = cl.Title
		}
	}
	return card, nil
}

// whyTeam says, in the page's language, what one factor of a team's match
// to a call measured.
func (w *Web) whyTeam(lang string, tax *models.Taxonomy, r models.Reason, cl *models.Call, t *models.Team) string {
	en := lang == models.LangEN
	switch r.Factor {
	case "stage":
		stage := w.tr.t(lang, "team_stage."+string(t.Stage))
		if r.Score > 0 {
			return w.tr.t(lang, "why.stage_fits", "S", stage)
		}
		return w.tr.t(lang, "why.stage_not", "S", stage)
	case "industry":
		ind := termLabel(tax, "industries", t.Industry, en)
		if r.Score > 0 {
			return w.tr.t(lang, "why.team_industry_same", "I", ind)
		}
		return w.tr.t(lang, "why.team_industry_other", "I", ind)
	case "text":
		return w.tr.t(lang, "why.text", "P", strconv.Itoa(int(r.Score*100+0.5)))
	}
	if en {
		return r.Detail
	}
	return ""
}

// daysLeft is how many days a call stays open after today (0 on its last
// day).
func daysLeft(today, closes string) int {
	a, err1 := models.ParseDate(today)
	b, err2 := models.ParseDate(closes)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a) / (24 * time.Hour))
}
