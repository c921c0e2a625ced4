package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store/storetest"
)

// refused is a cell of formMatrix where the role gate turns the visitor
// away: a redirect to sign in for an anonymous visitor, the 403 page for
// a signed-in one of another role (the page a service behind the gate
// would answer too: the cell checks what the visitor gets and that
// nothing changed, not which layer refused). Any other value is the
// status of the answer of the form's handler to the visitor it let
// through.
const refused = 0

// formMatrix is the web UI's authorization matrix for its forms: for every
// POST route, what each kind of visitor (the columns of pageMatrix) gets
// for the form as its page sends it, empty or minimal, naming objects of
// someone else (another organisation's member, project, application,
// base, reports, invitation and call with an entry, another creator's
// application, saved search and team). 303 is a form done, or one that had nothing to do (no consent
// to withdraw, no invitation to cancel or answer); 403 and 404 are the
// services' refusals; 400, 409 and 422 the form's errors.
var formMatrix = map[string][7]int{
	// Anyone: the forms that sign up, in and out, and those whose mailed
	// token is the authority (none is sent here).
	"/signup":                 {422, 422, 422, 422, 422, 422, 422},
	"/signin":                 {422, 422, 422, 422, 422, 422, 422},
	"/signout":                {303, 303, 303, 303, 303, 303, 303},
	"/lang":                   {303, 303, 303, 303, 303, 303, 303},
	"/unsubscribe":            {400, 400, 400, 400, 400, 400, 400},
	"/password-reset":         {422, 422, 422, 422, 422, 422, 422},
	"/password-reset/confirm": {422, 422, 422, 422, 422, 422, 422},
	// Every signed-in user: their own account.
	"/account":                   {refused, 422, 422, 422, 422, 422, 422},
	"/account/password":          {refused, 422, 422, 422, 422, 422, 422},
	"/account/mail":              {refused, 303, 303, 303, 303, 303, 303},
	"/account/verify-email":      {refused, 303, 303, 303, 303, 303, 409}, // the expert's address is verified by its invitation's link
	"/notifications/read":        {refused, 303, 303, 303, 303, 303, 303},
	"/saved":                     {refused, 422, 422, 422, 422, 422, 403}, // a reviewer searches nothing to save
	"/saved/:id/delete":          {refused, 404, 404, 404, 404, 404, 404}, // another user's saved search
	"/media":                     {401, 422, 422, 422, 422, 422, 422},     // a picker's upload without its file (JSON for its script)
	"/media/:id/delete":          {401, 404, 404, 404, 404, 404, 404},     // an upload of nobody's
	"/applications/:id/messages": {refused, 404, 404, 404, refused, refused, refused},
	// Creators.
	"/me/profile":                 {refused, 422, refused, refused, refused, refused, refused},
	"/me/profile/works":           {refused, 422, refused, refused, refused, refused, refused},
	"/me/profile/works/:i":        {refused, 404, refused, refused, refused, refused, refused}, // a work the profile does not have
	"/me/profile/works/:i/delete": {refused, 404, refused, refused, refused, refused, refused},
	"/me/profile/works/:i/move":   {refused, 404, refused, refused, refused, refused, refused},
	"/me/applications/:id":        {refused, 404, refused, refused, refused, refused, refused}, // another creator's application
	"/me/consents/:org/withdraw":  {refused, 303, refused, refused, refused, refused, refused},
	"/me/delete":                  {refused, 422, refused, refused, refused, refused, refused}, // without the typed confirmation
	"/projects/:id/apply":         {refused, 303, refused, refused, refused, refused, refused},
	// Organisation accounts: the member's organisation's forms, on another
	// organisation's objects; the account without an organisation has no
	// members, projects, bases or reports.
	"/org":                                    {refused, refused, 409, 422, refused, refused, refused}, // a member registers no second organisation
	"/org/details":                            {refused, refused, 409, 404, refused, refused, refused}, // a verified organisation's are the bureau's to correct
	"/org/logo":                               {refused, refused, 303, 404, refused, refused, refused}, // the logo it does not have removed
	"/org/members":                            {refused, refused, 422, 404, refused, refused, refused},
	"/org/members/:user/remove":               {refused, refused, 404, 404, refused, refused, refused},
	"/org/members/:user/manager":              {refused, refused, 404, 404, refused, refused, refused},
	"/org/invitations/:user/cancel":           {refused, refused, 303, 303, refused, refused, refused},
	"/org/invited/:org":                       {refused, refused, 303, 303, refused, refused, refused},
	"/org/bases":                              {refused, refused, 422, 403, refused, refused, refused},
	"/org/bases/:id/operators":                {refused, refused, 404, 404, refused, refused, refused},
	"/org/bases/:id/details":                  {refused, refused, 404, 404, refused, refused, refused}, // another organisation's pending base
	"/org/bases/:id/co-operators":             {refused, refused, 404, 404, refused, refused, refused},
	"/org/bases/:id/co-operators/:org/remove": {refused, refused, 404, 404, refused, refused, refused},
	"/org/projects/new":                       {refused, refused, 422, 403, refused, refused, refused},
	"/org/projects/:id/edit":                  {refused, refused, 403, 403, refused, refused, refused},
	"/org/projects/:id/status":                {refused, refused, 403, 403, refused, refused, refused},
	"/org/projects/:id/invite":                {refused, refused, 403, 403, refused, refused, refused},
	"/org/invite":                             {refused, refused, 403, 403, refused, refused, refused},
	"/org/applications/:id/move":              {refused, refused, 404, 404, refused, refused, refused},
	"/org/recruitments/new":                   {refused, refused, 422, 403, refused, refused, refused},
	"/imports":                                {refused, refused, 422, 403, 422, refused, refused}, // no file: nothing read, nothing changed
	"/me/identity":                            {refused, 422, refused, refused, refused, refused, refused},
	"/org/recruitments/:id/edit":              {refused, refused, 404, 404, refused, refused, refused},
	"/org/recruitments/:id/withdraw":          {refused, refused, 404, 404, refused, refused, refused},
	"/talents/:id/notes":                      {refused, refused, 303, 403, refused, refused, refused}, // the member's organisation's own notes
	"/talents/:id/favourite":                  {refused, refused, 303, 403, refused, refused, refused},
	// The bureau decides; an admin sees its queues but decides nothing.
	"/bureau/verify/:kind":                 {refused, refused, refused, refused, 303, 403, refused},
	"/bureau/verify/:kind/:id":             {refused, refused, refused, refused, 422, 403, refused},
	"/bureau/publications":                 {refused, refused, refused, refused, 422, 403, refused},     // no period
	"/bureau/orgs/:id/details":             {refused, refused, refused, refused, 422, refused, refused}, // a name without the rest; an admin reads the directory, corrects nothing
	"/bureau/orgs/:id/bases/:base/details": {refused, refused, refused, refused, 422, refused, refused},
	// Admins.
	"/admin/users":                    {refused, refused, refused, refused, refused, 422, refused},
	"/admin/users/:id":                {refused, refused, refused, refused, refused, 422, refused},
	"/admin/users/:id/password-reset": {refused, refused, refused, refused, refused, 303, refused},
	"/admin/targets/:metric":          {refused, refused, refused, refused, refused, 422, refused},
	"/admin/targets/period":           {refused, refused, refused, refused, refused, 422, refused}, // no years
	"/admin/taxonomies":               {refused, refused, refused, refused, refused, 422, refused},
	"/admin/synonyms":                 {refused, refused, refused, refused, refused, 422, refused},
	"/admin/reindex":                  {refused, refused, refused, refused, refused, 503, refused}, // no rebuild in this test's server
	"/admin/recount":                  {refused, refused, refused, refused, refused, 200, refused},
	// Incubation: a creator's forms on another creator's team and on
	// another organisation's call (one that takes teams only); a member's
	// on another organisation's call and entry; the outside reviewer's on
	// an entry of a call it does not review.
	"/teams/new":                         {refused, 422, refused, refused, refused, refused, refused},
	"/teams/:id/edit":                    {refused, 403, refused, refused, refused, refused, refused},
	"/teams/:id/members":                 {refused, 403, refused, refused, refused, refused, refused},
	"/teams/:id/members/:user/remove":    {refused, 403, refused, refused, refused, refused, refused},
	"/teams/:id/invitation":              {refused, 303, refused, refused, refused, refused, refused}, // no invitation to answer
	"/calls/new":                         {refused, refused, 422, 403, refused, refused, refused},
	"/calls/:id/edit":                    {refused, refused, 403, 403, refused, refused, refused},
	"/calls/:id/apply":                   {refused, 422, refused, refused, refused, refused, refused},
	"/calls/:id/reviewers":               {refused, refused, 403, 403, refused, refused, refused},
	"/calls/:id/reviewers/:user/remove":  {refused, refused, 403, 403, refused, refused, refused},
	"/calls/:id/cohort/:team/milestones": {refused, refused, 403, 403, refused, refused, refused},
	"/entries/:id/review":                {refused, refused, 404, 404, refused, refused, 404},
	"/entries/:id/decision":              {refused, refused, 404, 404, refused, refused, refused},
}

// formWrites are the cells of formMatrix whose form changes the database,
// each the visitor's own records; every other cell, refusals and forms
// that had nothing to do alike, changes nothing.
var formWrites = map[string][]string{
	"/signout":                        {"creator", "member", "orgless", "bureau", "admin", "reviewer"}, // their session
	"/lang":                           {"creator", "member", "orgless", "bureau", "admin", "reviewer"}, // their language
	"/account/mail":                   {"creator", "member", "orgless", "bureau", "admin", "reviewer"}, // their mail settings
	"/account/verify-email":           {"creator", "member", "orgless", "bureau", "admin"},             // a mail to them
	"/notifications/read":             {"reviewer"},                                                    // their notification (asked to review)
	"/projects/:id/apply":             {"creator"},                                                     // their application
	"/talents/:id/notes":              {"member"},                                                      // their organisation's note
	"/talents/:id/favourite":          {"member"},                                                      // their organisation's favourite
	"/bureau/verify/:kind":            {"bureau"},                                                      // the report approved
	"/admin/users/:id/password-reset": {"admin"},                                                       // the reset mailed
}

// formCell is one form of formMatrix as the test sends it: the route's
// address with its ids and a minimal form.
type formCell struct {
	path string
	form url.Values
}

// TestFormMatrix sends every form of the UI as every kind of visitor, with
// a valid CSRF token, and checks each answer against formMatrix; a visitor
// the role gate turns away, and a form refused for any reason, changed
// nothing in the database. A form route added without a row fails.
func TestFormMatrix(t *testing.T) {
	w, forms, tokens, emails := formWorld(t)
	fp := dbFingerprint(t, w)
	zh := locale(t, models.LangZH)

	for _, r := range w.app.GetRoutes(true) {
		if r.Method != "POST" || !IsPage(r.Path) {
			continue
		}
		if _, ok := formMatrix[r.Path]; !ok {
			t.Errorf("the form %s has no row in formMatrix", r.Path)
		}
		if _, ok := forms[r.Path]; !ok {
			t.Errorf("the form %s is not sent by this test", r.Path)
		}
	}
	for route := range formMatrix {
		if _, ok := forms[route]; !ok {
			t.Errorf("formMatrix has a row for %s, which is not a form of the routes", route)
		}
	}
	for route, whos := range formWrites {
		for _, who := range whos {
			if i := slices.Index(visitors, who); i < 0 || formMatrix[route][i] == refused {
				t.Errorf("formWrites lets %s change the database through %s, which the matrix refuses them", who, route)
			}
		}
	}

	routes := slices.Sorted(func(yield func(string) bool) {
		for r := range forms {
			if !yield(r) {
				return
			}
		}
	})
	// FORM_MATRIX_DISCOVER=1 logs every answer and the rows as they are.
	discover := os.Getenv("FORM_MATRIX_DISCOVER") != ""
	cells, refusals := 0, 0
	for _, route := range routes {
		f := forms[route]
		var seen [7]int
		for i, who := range visitors {
			before := fp()
			form := url.Values{}
			for k, v := range f.form {
				form[k] = slices.Clone(v)
			}
			status, location, body := w.post(f.path, tokens[who], form)
			w.svc.Accounts.Wait() // the mail of a reset, sent after the answer
			after := fp()
			seen[i] = status
			cells++
			want := formMatrix[route][i]
			changed := after != before
			switch {
			case want == refused && who == "anonymous":
				refusals++
				seen[i] = refused
				if status != 303 || location != "/signin?next="+url.QueryEscape(f.path) {
					t.Errorf("%s as %s: %d to %q, not the way to sign in", route, who, status, location)
					seen[i] = status
				}
			case want == refused:
				refusals++
				seen[i] = refused
				if status != 403 || !strings.Contains(body, zh["error.forbidden"]) {
					t.Errorf("%s as %s: %d, not the 403 page\n%.300s", route, who, status, text(body))
					seen[i] = status
				}
			default:
				if status != want {
					t.Errorf("%s as %s: %d, the matrix says %d\n%.300s", route, who, status, want, text(body))
				}
				if status == 303 && strings.HasPrefix(location, "/signin?next=") && route != "/signout" {
					t.Errorf("%s as %s: sent to sign in, the role gate's refusal", route, who)
				}
			}
			if status >= 500 && status != want {
				t.Errorf("%s as %s: %d\n%.500s", route, who, status, text(body))
			}
			if changed && !slices.Contains(formWrites[route], who) {
				t.Errorf("%s as %s: %d, and the database changed:\n  before %s\n  after  %s", route, who, status, before, after)
			}
			// The forms that certainly write prove the fingerprint sees a
			// change (or every "unchanged" above would prove nothing).
			if (route == "/projects/:id/apply" && who == "creator" || route == "/talents/:id/notes" && who == "member") && !changed {
				t.Errorf("%s as %s: %d, and the fingerprint saw no change", route, who, status)
			}
			if discover {
				t.Logf("%-34s %-9s %d %q changed=%v", route, who, status, location, changed)
			}
			// A form that ended the session (signing out) leaves the
			// visitor signed in for the next one.
			if who != "anonymous" {
				if _, err := w.svc.Accounts.Authenticate(w.ctx, tokens[who]); err != nil {
					tokens[who] = w.signIn(emails[who])
				}
			}
		}
		if discover {
			t.Logf("MATRIX %q: %v,", route, seen)
		}
	}
	t.Logf("%d cells (%d forms × %d visitors), %d refused by the role gate", cells, len(forms), len(visitors), refusals)
}

// TestFormMatrixNeedsCSRF: every form (but the mailed unsubscribe link's,
// whose token is the authority), sent by a signed-in visitor it lets
// through but without the CSRF token, is refused and changes nothing.
func TestFormMatrixNeedsCSRF(t *testing.T) {
	w, forms, tokens, _ := formWorld(t)
	fp := dbFingerprint(t, w)
	zh := locale(t, models.LangZH)
	checked := 0
	for route, f := range forms {
		if route == "/unsubscribe" {
			continue
		}
		who := ""
		for i, v := range visitors[1:] {
			if formMatrix[route][i+1] != refused {
				who = v
				break
			}
		}
		if who == "" {
			t.Errorf("%s: no signed-in visitor may send it", route)
			continue
		}
		const csrf = "a-csrf-token-that-is-long-enough-000000"
		before := fp()
		for name, c := range map[string]call{
			"no token":      {method: "POST", path: f.path, form: f.form, cookies: map[string]string{sessionCookie: tokens[who], csrfCookie: csrf}},
			"token differs": {method: "POST", path: f.path, form: withCSRF(f.form, csrf+"x"), cookies: map[string]string{sessionCookie: tokens[who], csrfCookie: csrf}},
		} {
			res, body := do(t, w.app, c)
			w.svc.Accounts.Wait()
			if res.StatusCode != 403 || !strings.Contains(body, zh["error.csrf"]) {
				t.Errorf("%s as %s (%s): %d, not the CSRF refusal", route, who, name, res.StatusCode)
			}
			if cookieOf(res, sessionCookie) != nil {
				t.Errorf("%s as %s (%s): the refused form set the session cookie", route, who, name)
			}
			checked++
		}
		if after := fp(); after != before {
			t.Errorf("%s as %s without the CSRF token: the database changed:\n  before %s\n  after  %s", route, who, before, after)
		}
	}
	t.Logf("%d forms sent without a valid CSRF token", checked)
}

func withCSRF(form url.Values, token string) url.Values {
	out := url.Values{csrfField: {token}}
	for k, v := range form {
		out[k] = v
	}
	return out
}

// formWorld: two verified organisations with a member, a project, a base,
// an application and a recruitment report waiting for the bureau each; a
// creator with a public profile who applied to the first, another who
// applied to the second and saved a search; an organisation account
// without organisation, an officer of the bureau and an admin; a call of
// each organisation, the first reviewed by an outside expert, the second
// with the entry of the second creator's team. The visitors are the first
// organisation's member, the first creator, the outside expert and the
// others; the forms name the second organisation's objects and the second
// creator's. It returns the forms by route, the visitors' session tokens
// and emails.
func formWorld(t *testing.T) (w *realWorld, forms map[string]formCell, tokens, emails map[string]string) {
	w = newRealWorld(t)
	w.clock.set(at(2026, 11, 30))
	bureau, bureauEmail := w.user("王审核", models.RoleBureau)
	_, adminEmail := w.user("系统管理员", models.RoleAdmin)
	_, member, memberEmail := w.org(bureau, "星河数字工作室", models.OrgEnterprise, models.StatusVerified, "")
	_, orglessEmail := w.user("未注册机构的联系人", models.RoleOrg)
	creator, creatorEmail := w.user("李明", models.RoleCreator)
	yes := true
	profile := func(u *models.User, name string) *models.Talent {
		tal, err := w.svc.Talents.Create(w.ctx, u, models.TalentInput{Name: name, Headline: "原画师", Skills: []string{"原画"},
			District: "nanshan", Available: &yes, Visibility: models.VisibilityPublic, Contact: models.ContactInput{Phone: "13812345678"}})
		w.must(err)
		return tal
	}
	profile(creator, "李明")
	proj, err := w.svc.Projects.Create(w.ctx, member, models.ProjectInput{Title: "游戏原画师", Description: "负责角色原画", Kind: models.ProjectJob,
		Skills: []string{"原画"}, District: "nanshan", Openings: 2})
	w.must(err)
	_, err = w.svc.Applications.Create(w.ctx, creator, proj.ID, models.ApplicationInput{Message: "您好"})
	w.must(err)

	// Someone else's: another organisation, its project, base, report and
	// invitation, another creator's application and saved search.
	other, member2, _ := w.org(bureau, "光子工作室", models.OrgEnterprise, models.StatusVerified, "")
	creator2, _ := w.user("林小画", models.RoleCreator)
	tal2 := profile(creator2, "林小画")
	proj2, err := w.svc.Projects.Create(w.ctx, member2, models.ProjectInput{Title: "关卡设计师", Description: "负责关卡", Kind: models.ProjectJob,
		Skills: []string{"原画"}, District: "futian", Openings: 1})
	w.must(err)
	app2, err := w.svc.Applications.Create(w.ctx, creator2, proj2.ID, models.ApplicationInput{Message: "您好"})
	w.must(err)
	base2, err := w.svc.Bases.Create(w.ctx, member2, models.BaseInput{Name: "光子培训基地", Kind: models.BaseTraining, District: "futian",
		OperatorOrgIDs: []string{other.ID}})
	w.must(err)
	rec2, err := w.svc.Recruitments.Report(w.ctx, member2, models.RecruitmentInput{TalentID: tal2.ID, OrgID: other.ID, Date: "2025-07-01",
		Origin: models.OriginDomestic, District: "futian", Industry: "games"})
	w.must(err)
	rec3, err := w.svc.Recruitments.Report(w.ctx, member2, models.RecruitmentInput{TalentID: tal2.ID, OrgID: other.ID, Date: "2025-08-01",
		Origin: models.OriginDomestic, District: "futian", Industry: "games"})
	w.must(err)
	invitee, inviteeEmail := w.user("被邀请的联系人", models.RoleOrg)
	_, err = w.svc.Orgs.Invite(w.ctx, member2, other.ID, models.MemberInput{Email: inviteeEmail})
	w.must(err)
	saved2, err := w.svc.SavedSearches.Create(w.ctx, creator2, models.SavedSearchInput{Name: "原画", Query: "q=原画"})
	w.must(err)
	// Incubation: the member's organisation's call, which an outside
	// expert reviews (the seventh visitor); the other organisation's call
	// (teams only), with the second creator's team's entry.
	call1, err := w.svc.Incubation.CreateCall(w.ctx, member, w.callInput("星河孵化营"))
	w.must(err)
	_, reviewerEmail := w.outsideReviewer(member, call1.ID, "赵评审")
	team2, err := w.svc.Incubation.CreateTeam(w.ctx, creator2, models.TeamInput{Name: "光子团队", Stage: models.StageIdea, Industry: "games",
		District: "futian", Pitch: "一个游戏团队。"})
	w.must(err)
	call2, err := w.svc.Incubation.CreateCall(w.ctx, member2, w.callInput("光子孵化营"))
	w.must(err)
	entry2, err := w.svc.Incubation.Apply(w.ctx, creator2, call2.ID, models.EntryInput{TeamID: team2.ID, Submit: true,
		Answers: map[string]string{"pitch": "一款游戏"}})
	w.must(err)

	none := url.Values{}
	forms = map[string]formCell{
		"/signup": {"/signup", none}, "/signin": {"/signin", none}, "/signout": {"/signout", none}, "/lang": {"/lang", none},
		"/unsubscribe": {"/unsubscribe", none}, "/password-reset": {"/password-reset", none},
		"/password-reset/confirm": {"/password-reset/confirm", none},
		"/account":                {"/account", none}, "/account/password": {"/account/password", none}, "/account/mail": {"/account/mail", none},
		"/account/verify-email": {"/account/verify-email", none}, "/notifications/read": {"/notifications/read", url.Values{"all": {"true"}}},
		"/media":                     {"/media", url.Values{"purpose": {"work"}}},
		"/org/logo":                  {"/org/logo", url.Values{"logo_id": {""}}},
		"/org/details":               {"/org/details", url.Values{"name": {"改名"}}},
		"/media/:id/delete":          {"/media/" + strings.Repeat("ab", 12) + "/delete", none},
		"/saved":                     {"/saved", none},
		"/saved/:id/delete":          {"/saved/" + saved2.ID + "/delete", none},
		"/applications/:id/messages": {"/applications/" + app2.ID + "/messages", url.Values{"body": {"您好"}}},
		"/me/profile":                {"/me/profile", none}, "/me/profile/works": {"/me/profile/works", none},
		"/me/profile/works/:i":        {"/me/profile/works/0", none},
		"/me/profile/works/:i/delete": {"/me/profile/works/0/delete", none},
		"/me/profile/works/:i/move":   {"/me/profile/works/0/move", url.Values{"dir": {"down"}}},
		"/me/applications/:id":        {"/me/applications/" + app2.ID, url.Values{"action": {"withdraw"}}},
		"/me/consents/:org/withdraw":  {"/me/consents/" + other.ID + "/withdraw", none},
		"/me/delete":                  {"/me/delete", none},
		"/projects/:id/apply":         {"/projects/" + proj2.ID + "/apply", none},
		"/org":                        {"/org", none}, "/org/members": {"/org/members", none},
		"/org/members/:user/remove":               {"/org/members/" + member2.ID + "/remove", none},
		"/org/members/:user/manager":              {"/org/members/" + member2.ID + "/manager", url.Values{"manager": {"false"}}},
		"/org/invitations/:user/cancel":           {"/org/invitations/" + invitee.ID + "/cancel", none},
		"/org/invited/:org":                       {"/org/invited/" + other.ID, url.Values{"decision": {"accept"}}},
		"/org/bases":                              {"/org/bases", none},
		"/org/bases/:id/operators":                {"/org/bases/" + base2.ID + "/operators", url.Values{"decision": {"confirm"}}},
		"/org/bases/:id/details":                  {"/org/bases/" + base2.ID + "/details", url.Values{"b" + base2.ID + "_name": {"改名"}}},
		"/org/bases/:id/co-operators":             {"/org/bases/" + base2.ID + "/co-operators", url.Values{"b" + base2.ID + "_org_id": {other.ID}}},
		"/org/bases/:id/co-operators/:org/remove": {"/org/bases/" + base2.ID + "/co-operators/" + other.ID + "/remove", none},
		"/org/projects/new":                       {"/org/projects/new", none},
		"/org/projects/:id/edit":                  {"/org/projects/" + proj2.ID + "/edit", url.Values{"title": {"改了"}}},
		"/org/projects/:id/status":                {"/org/projects/" + proj2.ID + "/status", url.Values{"status": {string(models.ProjectClosed)}}},
		"/org/projects/:id/invite":                {"/org/projects/" + proj2.ID + "/invite", url.Values{"talent_id": {tal2.ID}}},
		"/org/invite":                             {"/org/invite", url.Values{"project": {proj2.ID}, "talent_id": {tal2.ID}}},
		"/org/applications/:id/move":              {"/org/applications/" + app2.ID + "/move", url.Values{"stage": {string(models.StageShortlisted)}}},
		"/org/recruitments/new":                   {"/org/recruitments/new", none},
		"/imports":                                {"/imports", url.Values{"kind": {models.ImportRecruitments}, "action": {"import"}}},
		"/me/identity":                            {"/me/identity", none},
		"/org/recruitments/:id/edit":              {"/org/recruitments/" + rec2.ID + "/edit", none},
		"/org/recruitments/:id/withdraw":          {"/org/recruitments/" + rec2.ID + "/withdraw", none},
		"/talents/:id/notes":                      {"/talents/" + tal2.ID + "/notes", url.Values{"body": {"备注"}}},
		"/talents/:id/favourite":                  {"/talents/" + tal2.ID + "/favourite", url.Values{"on": {"true"}}},
		"/bureau/verify/:kind":                    {"/bureau/verify/recruitments", url.Values{"id": {rec3.ID}}},
		"/bureau/verify/:kind/:id":                {"/bureau/verify/recruitments/" + rec2.ID, none},
		"/bureau/publications":                    {"/bureau/publications", none},
		"/bureau/orgs/:id/details":                {"/bureau/orgs/" + other.ID + "/details", url.Values{"name": {"改名"}}},
		"/bureau/orgs/:id/bases/:base/details":    {"/bureau/orgs/" + other.ID + "/bases/" + base2.ID + "/details", url.Values{"b" + base2.ID + "_name": {"改名"}}},
		"/admin/users":                            {"/admin/users", none},
		"/admin/users/:id":                        {"/admin/users/" + creator2.ID, none},
		"/admin/users/:id/password-reset":         {"/admin/users/" + creator2.ID + "/password-reset", none},
		"/admin/targets/:metric":                  {"/admin/targets/" + models.DefaultTargets()[0].Metric, none},
		"/admin/targets/period":                   {"/admin/targets/period", none},
		"/admin/taxonomies":                       {"/admin/taxonomies", none},
		"/admin/synonyms":                         {"/admin/synonyms", none},
		"/admin/reindex":                          {"/admin/reindex", none},
		"/admin/recount":                          {"/admin/recount", none},
		"/teams/new":                              {"/teams/new", none},
		"/teams/:id/edit":                         {"/teams/" + team2.ID + "/edit", url.Values{"name": {"改了"}}},
		"/teams/:id/members":                      {"/teams/" + team2.ID + "/members", url.Values{"talent_id": {tal2.ID}}},
		"/teams/:id/members/:user/remove":         {"/teams/" + team2.ID + "/members/" + creator2.ID + "/remove", none},
		"/teams/:id/invitation":                   {"/teams/" + team2.ID + "/invitation", url.Values{"decision": {"accept"}}},
		"/calls/new":                              {"/calls/new", none},
		"/calls/:id/edit":                         {"/calls/" + call2.ID + "/edit", url.Values{"title": {"改了"}, "rubric": {"a | b | 1"}}},
		"/calls/:id/apply":                        {"/calls/" + call2.ID + "/apply", url.Values{"action": {"submit"}}},
		"/calls/:id/reviewers":                    {"/calls/" + call2.ID + "/reviewers", url.Values{"user_id": {member.ID}}},
		"/calls/:id/reviewers/:user/remove":       {"/calls/" + call2.ID + "/reviewers/" + member2.ID + "/remove", none},
		"/calls/:id/cohort/:team/milestones": {"/calls/" + call2.ID + "/cohort/" + team2.ID + "/milestones",
			url.Values{"kind": {"award"}, "date": {"2026-11-01"}}},
		"/entries/:id/review":   {"/entries/" + entry2.ID + "/review", url.Values{"score.team": {"5"}}},
		"/entries/:id/decision": {"/entries/" + entry2.ID + "/decision", url.Values{"decision": {"accepted"}}},
	}
	emails = map[string]string{"creator": creatorEmail, "member": memberEmail, "orgless": orglessEmail, "bureau": bureauEmail, "admin": adminEmail,
		"reviewer": reviewerEmail}
	tokens = map[string]string{"anonymous": ""}
	for who, email := range emails {
		tokens[who] = w.signIn(email)
	}
	return w, forms, tokens, emails
}

// dbFingerprint returns a function that hashes every document of every
// collection of the test's database, in _id order, but for those that
// change without anyone changing a record: the counters of sign-in
// attempts, and what a session records of its use (sessions are hashed
// by id: a session begun or ended shows).
func dbFingerprint(t *testing.T, w *realWorld) func() string {
	t.Helper()
	ctx := context.Background()
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(storetest.URI()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	db := client.Database(w.st.Database())
	skip := map[string]bool{"login_limits": true}
	return func() string {
		t.Helper()
		names, err := db.ListCollectionNames(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(names)
		h := sha256.New()
		var counts []string
		for _, name := range names {
			if skip[name] {
				continue
			}
			opts := options.Find()
			if name == "sessions" {
				opts.SetProjection(bson.D{{Key: "_id", Value: 1}})
			}
			cur, err := db.Collection(name).Find(ctx, bson.D{}, opts)
			if err != nil {
				t.Fatal(err)
			}
			var docs []bson.Raw
			if err := cur.All(ctx, &docs); err != nil {
				t.Fatal(err)
			}
			sort.Slice(docs, func(i, j int) bool { return docs[i].Lookup("_id").String() < docs[j].Lookup("_id").String() })
			fmt.Fprintf(h, "%s:%d\n", name, len(docs))
			for _, d := range docs {
				h.Write(d)
			}
			if len(docs) > 0 {
				counts = append(counts, fmt.Sprintf("%s:%d", name, len(docs)))
			}
		}
		return strings.Join(counts, " ") + " sha256 " + hex.EncodeToString(h.Sum(nil))[:16]
	}
}
