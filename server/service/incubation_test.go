package service_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// incWorld is an incubator (a verified organisation with two members), the
// bureau, and creators, over the embedded database and a real index, with
// a clock the tests move.
type incWorld struct {
	ctx            context.Context
	t              *testing.T
	st             *store.Store
	svc            *service.All
	inc            *service.Incubation
	clk            *clock
	mail           *mailbox
	bureau         *models.User
	hr, hr2, other *models.User // members of the incubator; a member of another organisation
	org            *models.Org
	n              int
}

func newIncWorld(t *testing.T) *incWorld {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)} // 10:00 in Shenzhen
	st := storetest.MustOpen(t, func(o *store.Options) { o.Now = clk.Now })
	logger := slog.New(slog.DiscardHandler)
	ix, err := search.Open(ctx, search.Options{Source: st, Logger: logger, Now: clk.Now})
	must(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	st.Observe(ix.Observe)
	mail := &mailbox{}
	svc := service.New(service.Config{Store: st, Index: ix, Logger: logger, Now: clk.Now, Mailer: mail})
	t.Cleanup(svc.Accounts.Wait)
	must(t, svc.Taxonomies.Seed(ctx))
	w := &incWorld{ctx: ctx, t: t, st: st, svc: svc, inc: svc.Incubation, clk: clk, mail: mail,
		bureau: &models.User{ID: store.NewID(), Role: models.RoleBureau}}
	w.hr = w.account("hr@incubator.example", models.RoleOrg)
	w.org, err = svc.Orgs.Create(ctx, w.hr, models.OrgInput{Name: "前海孵化器", Kind: models.OrgIncubator, District: "nanshan", Industries: []string{"games"}})
	must(t, err)
	_, err = svc.Orgs.Decide(ctx, w.bureau, w.org.ID, models.DecisionInput{Decision: models.StatusVerified})
	must(t, err)
	w.hr = w.refresh(w.hr)
	w.hr2 = w.account("hr2@incubator.example", models.RoleOrg)
	_, err = svc.Orgs.Invite(ctx, w.hr, w.org.ID, models.MemberInput{Email: w.hr2.Email})
	must(t, err)
	_, err = svc.Orgs.AnswerInvitation(ctx, w.hr2, w.org.ID, models.InvitationAnswer{Decision: "accept"})
	must(t, err)
	w.hr2 = w.refresh(w.hr2)
	w.other = w.account("hr@elsewhere.example", models.RoleOrg)
	o2, err := svc.Orgs.Create(ctx, w.other, models.OrgInput{Name: "别家公司", Kind: models.OrgEnterprise, District: "futian"})
	must(t, err)
	_, err = svc.Orgs.Decide(ctx, w.bureau, o2.ID, models.DecisionInput{Decision: models.StatusVerified})
	must(t, err)
	w.other = w.refresh(w.other)
	return w
}

func (w *incWorld) account(email string, role models.Role) *models.User {
	w.t.Helper()
	u := &models.User{Email: email, Name: strings.Split(email, "@")[0], Role: role}
	must(w.t, w.st.CreateUser(w.ctx, u, "h"))
	return u
}

func (w *incWorld) refresh(u *models.User) *models.User {
	w.t.Helper()
	fresh, err := w.st.User(w.ctx, u.ID)
	must(w.t, err)
	if fresh.OrgID != "" {
		o, err := w.st.Org(w.ctx, fresh.OrgID)
		must(w.t, err)
		fresh.OrgVerified = o.Status == models.StatusVerified
	}
	return fresh
}

// creator is a new creator with a public profile.
func (w *incWorld) creator(name string) (*models.User, *models.Talent) {
	w.t.Helper()
	w.n++
	u := w.account(fmt.Sprintf("c%d@example.com", w.n), models.RoleCreator)
	tal, err := w.svc.Talents.Create(w.ctx, u, models.TalentInput{Name: name, Visibility: models.VisibilityPublic, Origin: models.OriginDomestic})
	must(w.t, err)
	return u, tal
}

func (w *incWorld) team(founder *models.User, name string, stage models.TeamStage) *models.Team {
	w.t.Helper()
	t, err := w.inc.CreateTeam(w.ctx, founder, models.TeamInput{Name: name, Stage: stage, Industry: "games", District: "nanshan", Pitch: name + "：数字人与虚拟主播"})
	must(w.t, err)
	return t
}

// teamOfTwo is a team at the idea stage: its founder and a mate who
// accepted the founder's invitation.
func (w *incWorld) teamOfTwo() (founder, mate *models.User, team *models.Team) {
	w.t.Helper()
	founder, _ = w.creator("周雨桐")
	mate, mateTalent := w.creator("李明")
	team = w.team(founder, "星火", models.StageIdea)
	_, err := w.inc.InviteMember(w.ctx, founder, team.ID, models.TeamInvite{TalentID: mateTalent.ID})
	must(w.t, err)
	_, err = w.inc.AnswerInvitation(w.ctx, mate, team.ID, true)
	must(w.t, err)
	return founder, mate, team
}

// call opens a call of the incubator from opens to closes with one
// criterion of weight 1 (a review's total is its score) unless rubric
// says otherwise.
func (w *incWorld) call(opens, closes string, seats int, rubric ...models.Criterion) *models.Call {
	w.t.Helper()
	if len(rubric) == 0 {
		rubric = []models.Criterion{{ID: "overall", Label: "Overall", Weight: 1}}
	}
	c, err := w.inc.CreateCall(w.ctx, w.hr, models.CallInput{Title: "数字人孵化营", Description: "虚拟主播 数字人 动作捕捉", Seats: seats,
		Stages: []models.TeamStage{models.StageIdea, models.StagePrototype}, Opens: opens, Closes: closes,
		Questions: []models.Question{{ID: "why", Kind: models.QuestionText, Label: "Why us", Required: true},
			{ID: "size", Kind: models.QuestionNumber, Label: "Team size"},
			{ID: "site", Kind: models.QuestionLink, Label: "Demo"},
			{ID: "city", Kind: models.QuestionChoice, Label: "City", Choices: []string{"深圳", "香港"}}},
		Rubric: rubric})
	must(w.t, err)
	return c
}

func (w *incWorld) apply(u *models.User, c *models.Call, team *models.Team) *models.Entry {
	w.t.Helper()
	in := models.EntryInput{Answers: map[string]string{"why": "因为"}, Submit: true}
	if team != nil {
		in.TeamID = team.ID
	}
	e, err := w.inc.Apply(w.ctx, u, c.ID, in)
	must(w.t, err)
	return e
}

func (w *incWorld) review(u *models.User, e *models.Entry, scores map[string]int) *models.Review {
	w.t.Helper()
	r, err := w.inc.Review(w.ctx, u, e.ID, models.ReviewInput{Scores: scores, Submit: true})
	must(w.t, err)
	return r
}

// expert adds an outside expert as a reviewer of c and returns the
// expert's account.
func (w *incWorld) expert(c *models.Call, email string) *models.User {
	w.t.Helper()
	c, err := w.inc.AddReviewer(w.ctx, w.hr, c.ID, models.ReviewerInput{Email: email, Name: "专家"})
	must(w.t, err)
	u, _, err := w.st.UserByEmail(w.ctx, models.NormalizeEmail(email))
	must(w.t, err)
	if !slices.Contains(c.Reviewers, u.ID) {
		w.t.Fatalf("the expert is not a reviewer of the call: %v", c.Reviewers)
	}
	return u
}

func (w *incWorld) addReviewer(c *models.Call, u *models.User) {
	w.t.Helper()
	_, err := w.inc.AddReviewer(w.ctx, w.hr, c.ID, models.ReviewerInput{UserID: u.ID})
	must(w.t, err)
}

func wantCode(t *testing.T, what string, err error, code models.Code) {
	t.Helper()
	if !models.IsCode(err, code) {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

func wantRefusal(t *testing.T, what string, err error, r models.Refusal) {
	t.Helper()
	if got, _ := models.ErrorRefusal(err); got != r {
		t.Fatalf("%s: %v (refusal %q), want the refusal %q", what, err, got, r)
	}
}

func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	if !models.IsCode(err, models.CodeValidation) || models.ErrorFields(err)[field] == "" {
		t.Fatalf("%s: %v (fields %v), want a problem with %s", what, err, models.ErrorFields(err), field)
	}
}

func TestTeamsAndTheirMembers(t *testing.T) {
	w := newIncWorld(t)
	founder, _ := w.creator("周雨桐")
	mate, mateTalent := w.creator("李明")
	_, err := w.inc.CreateTeam(w.ctx, w.hr, models.TeamInput{Name: "X", Stage: models.StageIdea, Industry: "games", District: "nanshan", Pitch: "p"})
	wantCode(t, "an organisation account founds a team", err, models.CodeForbidden)
	_, err = w.inc.CreateTeam(w.ctx, founder, models.TeamInput{Name: "X", Stage: "seed", Industry: "games", District: "nowhere", Pitch: "p"})
	wantField(t, "a team of an unknown stage", err, "stage")
	wantField(t, "a team of an unknown district", err, "district")

	team := w.team(founder, "星火", models.StageIdea)
	if len(team.Members) != 1 || !team.Members[0].Founder || team.MemberIDs()[0] != founder.ID {
		t.Fatalf("the founder is the first member: %+v", team.Members)
	}
	_, err = w.inc.InviteMember(w.ctx, mate, team.ID, models.TeamInvite{TalentID: mateTalent.ID})
	wantCode(t, "someone else invites into the team", err, models.CodeForbidden)
	_, private := w.creator("隐身")
	_, err = w.st.UpdateTalent(w.ctx, private.ID, 0, func(t *models.Talent) error { t.Visibility = models.VisibilityPrivate; return nil })
	must(t, err)
	_, err = w.inc.InviteMember(w.ctx, founder, team.ID, models.TeamInvite{TalentID: private.ID})
	wantField(t, "inviting a private profile", err, "talent_id")

	team, err = w.inc.InviteMember(w.ctx, founder, team.ID, models.TeamInvite{TalentID: mateTalent.ID})
	must(t, err)
	if m, ok := team.Member(mate.ID); !ok || m.Status != models.MemberInvited || slices.Contains(team.MemberIDs(), mate.ID) {
		t.Fatalf("an invited creator is not a member until it accepts: %+v", team.Members)
	}
	_, err = w.inc.InviteMember(w.ctx, founder, team.ID, models.TeamInvite{TalentID: mateTalent.ID})
	wantCode(t, "inviting twice", err, models.CodeConflict)
	_, err = w.inc.AnswerInvitation(w.ctx, founder, team.ID, true)
	wantRefusal(t, "the founder accepts an invitation it does not have", err, models.RefusalNotInvited)
	team, err = w.inc.AnswerInvitation(w.ctx, mate, team.ID, true)
	must(t, err)
	if !slices.Contains(team.MemberIDs(), mate.ID) {
		t.Fatalf("an accepted invitation makes a member: %+v", team.Members)
	}
	_, err = w.inc.UpdateTeam(w.ctx, mate, team.ID, team.Input(), 0)
	wantCode(t, "a member changes the team", err, models.CodeForbidden)
	_, err = w.inc.RemoveMember(w.ctx, mate, team.ID, founder.ID)
	wantCode(t, "a member removes the founder", err, models.CodeForbidden)
	_, err = w.inc.RemoveMember(w.ctx, founder, team.ID, founder.ID)
	wantCode(t, "the founder leaves", err, models.CodeConflict)
	team, err = w.inc.RemoveMember(w.ctx, mate, team.ID, mate.ID)
	must(t, err)
	if _, ok := team.Member(mate.ID); ok {
		t.Fatal("a member that leaves is gone")
	}
	in := team.Input()
	in.Stage, in.RegistrationNo = models.StageRevenue, "91440300MA5ABCDE1X"
	team, err = w.inc.UpdateTeam(w.ctx, founder, team.ID, in, team.Version)
	must(t, err)
	if team.Stage != models.StageRevenue || team.RegistrationNo != "91440300MA5ABCDE1X" {
		t.Fatalf("the founder's change: %+v", team)
	}
	_, err = w.inc.UpdateTeam(w.ctx, founder, team.ID, in, team.Version-1)
	wantCode(t, "a change of a stale version", err, models.CodePreconditionFailed)
}

func TestCallsTakeEntriesThroughTheirLastDayInShenzhen(t *testing.T) {
	w := newIncWorld(t)
	founder, _ := w.creator("周雨桐")
	team := w.team(founder, "星火", models.StageIdea)
	c := w.call("2026-03-11", "2026-03-12", 5)
	w.clk.t = time.Date(2026, 3, 10, 15, 59, 59, 0, time.UTC) // 23:59:59 on the 10th in Shenzhen
	_, err := w.inc.Apply(w.ctx, founder, c.ID, models.EntryInput{TeamID: team.ID})
	wantRefusal(t, "an entry the day before the call opens", err, models.RefusalCallNotOpen)
	w.clk.t = time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC) // midnight of the 11th in Shenzhen
	draft, err := w.inc.Apply(w.ctx, founder, c.ID, models.EntryInput{TeamID: team.ID, Answers: map[string]string{"size": "3"}})
	must(t, err)
	if draft.Status != models.EntryDraft || draft.ID != models.EntryID(c.ID, team.ID) {
		t.Fatalf("a draft: %+v", draft)
	}
	_, err = w.inc.Entry(w.ctx, w.hr, draft.ID)
	wantCode(t, "the incubator reads a draft", err, models.CodeNotFound)
	list, err := w.inc.Entries(w.ctx, w.hr, c.ID, models.Page{Page: 1, PerPage: 10})
	must(t, err)
	if list.Total != 0 {
		t.Fatalf("the incubator's list shows drafts: %+v", list.Items)
	}
	_, err = w.inc.UpdateEntry(w.ctx, founder, draft.ID, models.EntryInput{Answers: map[string]string{"size": "3"}, Submit: true}, 0)
	wantField(t, "submitting without the required answer", err, "answers.why")

	w.clk.t = time.Date(2026, 3, 12, 15, 59, 59, 0, time.UTC) // the last second of the 12th in Shenzhen
	e, err := w.inc.UpdateEntry(w.ctx, founder, draft.ID, models.EntryInput{Answers: map[string]string{"why": "因为", "size": "3"}, Submit: true}, draft.Version)
	must(t, err)
	if e.Status != models.EntrySubmitted || e.SubmittedAt == nil {
		t.Fatalf("submitted: %+v", e)
	}
	w.clk.t = time.Date(2026, 3, 12, 16, 0, 0, 0, time.UTC)
	_, err = w.inc.UpdateEntry(w.ctx, founder, e.ID, models.EntryInput{Answers: map[string]string{"why": "改了"}}, 0)
	wantRefusal(t, "a change after the last day", err, models.RefusalCallClosed)
	late, _ := w.creator("迟到")
	_, err = w.inc.Apply(w.ctx, late, c.ID, models.EntryInput{})
	wantRefusal(t, "an entry after the last day", err, models.RefusalCallClosed)
	got, err := w.inc.Entry(w.ctx, w.hr, e.ID)
	must(t, err)
	if got.Answers["why"] != "因为" {
		t.Fatalf("the refused change changed the entry: %+v", got.Answers)
	}
}

func TestEntriesAreChecked(t *testing.T) {
	w := newIncWorld(t)
	founder, _ := w.creator("周雨桐")
	stranger, _ := w.creator("路人")
	team := w.team(founder, "星火", models.StageIdea)
	late := w.team(founder, "老兵", models.StageScaling)
	c := w.call("2026-03-01", "2026-03-31", 5)
	for _, tc := range []struct {
		name  string
		who   *models.User
		in    models.EntryInput
		field string
	}{
		{"another's team", stranger, models.EntryInput{TeamID: team.ID}, "team_id"},
		{"a stage the call does not take", founder, models.EntryInput{TeamID: late.ID}, "team_id"},
		{"alone where the call takes teams", founder, models.EntryInput{}, "team_id"},
		{"a question the call does not ask", founder, models.EntryInput{TeamID: team.ID, Answers: map[string]string{"nope": "x"}}, "answers.nope"},
		{"a number that is not one", founder, models.EntryInput{TeamID: team.ID, Answers: map[string]string{"size": "three"}}, "answers.size"},
		{"a link that is not one", founder, models.EntryInput{TeamID: team.ID, Answers: map[string]string{"site": "javascript:alert(1)"}}, "answers.site"},
		{"a choice not offered", founder, models.EntryInput{TeamID: team.ID, Answers: map[string]string{"city": "上海"}}, "answers.city"},
		{"submitted without the required answer", founder, models.EntryInput{TeamID: team.ID, Submit: true}, "answers.why"},
	} {
		_, err := w.inc.Apply(w.ctx, tc.who, c.ID, tc.in)
		wantField(t, tc.name, err, tc.field)
	}
	_, err := w.inc.Apply(w.ctx, w.hr, c.ID, models.EntryInput{TeamID: team.ID})
	wantCode(t, "an organisation account applies", err, models.CodeForbidden)
	e := w.apply(founder, c, team)
	_, err = w.inc.Apply(w.ctx, founder, c.ID, models.EntryInput{TeamID: team.ID})
	wantCode(t, "a second entry of a team", err, models.CodeConflict)
	for _, who := range []*models.User{stranger, w.other} {
		_, err = w.inc.Entry(w.ctx, who, e.ID)
		wantCode(t, "a stranger reads an entry", err, models.CodeNotFound)
	}
	_, err = w.inc.Entries(w.ctx, w.other, c.ID, models.Page{Page: 1, PerPage: 10})
	wantCode(t, "another organisation lists the call's entries", err, models.CodeForbidden)
	mine, err := w.inc.Entries(w.ctx, founder, "", models.Page{Page: 1, PerPage: 10})
	must(t, err)
	if mine.Total != 1 || mine.Items[0].ID != e.ID {
		t.Fatalf("the creator's own entries: %+v", mine)
	}
}

func TestReviewsAreBlindAndConflictsRespected(t *testing.T) {
	w := newIncWorld(t)
	founder, mate, team := w.teamOfTwo()
	c := w.call("2026-03-01", "2026-03-31", 5, models.Criterion{ID: "team", Label: "Team", Weight: 3}, models.Criterion{ID: "market", Label: "Market", Weight: 1})
	w.addReviewer(c, w.hr2)
	expert := w.expert(c, "expert@uni.example")
	e := w.apply(founder, c, team)

	_, err := w.inc.Review(w.ctx, w.other, e.ID, models.ReviewInput{Scores: map[string]int{"team": 5}})
	wantCode(t, "another organisation reviews", err, models.CodeNotFound)
	_, err = w.inc.Review(w.ctx, w.hr, e.ID, models.ReviewInput{Scores: map[string]int{"team": 5}})
	wantCode(t, "a member who is not a reviewer reviews", err, models.CodeForbidden)
	_, err = w.inc.Review(w.ctx, expert, e.ID, models.ReviewInput{Scores: map[string]int{"team": 11}})
	wantField(t, "a score above 10", err, "scores[team]")
	_, err = w.inc.Review(w.ctx, expert, e.ID, models.ReviewInput{Scores: map[string]int{"design": 5}})
	wantField(t, "a criterion the rubric lacks", err, "scores.design")
	_, err = w.inc.Review(w.ctx, expert, e.ID, models.ReviewInput{Scores: map[string]int{"team": 5}, Submit: true})
	wantField(t, "submitting without every criterion", err, "scores")

	// The member-reviewer scores first; the expert has a draft.
	r := w.review(w.hr2, e, map[string]int{"team": 8, "market": 4})
	if want := (8.0*3 + 4) / 4; r.Total != want {
		t.Fatalf("the weighted total is %v, want %v", r.Total, want)
	}
	_, err = w.inc.Review(w.ctx, expert, e.ID, models.ReviewInput{Scores: map[string]int{"team": 2}})
	must(t, err)
	seen, err := w.inc.Reviews(w.ctx, expert, e.ID)
	must(t, err)
	if len(seen) != 1 || seen[0].ReviewerID != expert.ID {
		t.Fatalf("before submitting, a reviewer sees only its own: %+v", seen)
	}
	rank, err := w.inc.Ranking(w.ctx, expert, c.ID)
	must(t, err)
	if !rank.Items[0].Hidden || len(rank.Items[0].Scores) != 0 || rank.Items[0].Raw != 0 || len(rank.Reviewers) != 0 {
		t.Fatalf("before submitting, the ranking hides the entry's scores from a reviewer: %+v", rank)
	}
	seen, err = w.inc.Reviews(w.ctx, w.hr, e.ID)
	must(t, err)
	if len(seen) != 1 || seen[0].ReviewerID != w.hr2.ID {
		t.Fatalf("the incubator sees the submitted reviews, not a draft: %+v", seen)
	}
	w.review(expert, e, map[string]int{"team": 4, "market": 8})
	seen, err = w.inc.Reviews(w.ctx, expert, e.ID)
	must(t, err)
	if len(seen) != 2 {
		t.Fatalf("once submitted, a reviewer sees the others: %+v", seen)
	}
	_, err = w.inc.Review(w.ctx, expert, e.ID, models.ReviewInput{Scores: map[string]int{"team": 9, "market": 9}, Submit: true})
	wantRefusal(t, "a submitted review changes", err, models.RefusalAlreadyDecided)

	// A team's member cannot be made a reviewer (reviewers are the
	// incubator's members or outside experts' accounts); a reviewer that
	// declares a conflict never sees the entry's scores.
	_, err = w.inc.AddReviewer(w.ctx, w.hr, c.ID, models.ReviewerInput{UserID: mate.ID})
	wantField(t, "a team's member as a reviewer", err, "user_id")
	_, err = w.inc.AddReviewer(w.ctx, w.hr, c.ID, models.ReviewerInput{Email: mate.Email, Name: "X"})
	wantField(t, "a team's member as an outside reviewer", err, "email")
	judge := w.expert(c, "judge@uni.example")
	_, err = w.inc.Review(w.ctx, judge, e.ID, models.ReviewInput{Conflict: true, Comment: "I advise this team"})
	must(t, err)
	seen, err = w.inc.Reviews(w.ctx, judge, e.ID)
	must(t, err)
	if len(seen) != 1 || seen[0].ReviewerID != judge.ID || !seen[0].Conflict {
		t.Fatalf("a declared conflict sees only its own declaration: %+v", seen)
	}
	rank, err = w.inc.Ranking(w.ctx, judge, c.ID)
	must(t, err)
	if !rank.Items[0].Hidden {
		t.Fatalf("a declared conflict sees the entry's scores in the ranking: %+v", rank.Items[0])
	}
	_, err = w.inc.Review(w.ctx, judge, e.ID, models.ReviewInput{Scores: map[string]int{"team": 1, "market": 1}, Submit: true})
	wantCode(t, "a declared conflict scores later", err, models.CodeConflict)
	rank, err = w.inc.Ranking(w.ctx, w.hr, c.ID)
	must(t, err)
	if it := rank.Items[0]; it.Reviews != 2 || it.Raw != 6 || it.Spread != 2 || it.Hidden {
		t.Fatalf("the incubator's ranking counts the two scores, not the conflict: %+v", it)
	}
}

// TestNormalisedScoresWeighHarshAndLenientReviewersAlike is the case the
// normalisation is for: a harsh reviewer's best entry and a lenient one's
// worst. Raw means put every entry the lenient reviewer saw above every one
// the harsh reviewer saw; per-reviewer z-scores put each reviewer's better
// entry above its worse one, whoever reviewed it.
func TestNormalisedScoresWeighHarshAndLenientReviewersAlike(t *testing.T) {
	w := newIncWorld(t)
	c := w.call("2026-03-01", "2026-03-31", 5)
	harsh, lenient := w.expert(c, "harsh@uni.example"), w.expert(c, "lenient@uni.example")
	w.addReviewer(c, w.hr2)
	var es []*models.Entry
	for i := range 4 {
		u, _ := w.creator(fmt.Sprintf("创作者%d", i))
		es = append(es, w.apply(u, c, w.team(u, fmt.Sprintf("团队%d", i), models.StageIdea)))
	}
	w.review(harsh, es[0], map[string]int{"overall": 2})
	w.review(harsh, es[1], map[string]int{"overall": 4})
	w.review(lenient, es[2], map[string]int{"overall": 8})
	w.review(lenient, es[3], map[string]int{"overall": 10})
	for _, e := range es {
		w.review(w.hr2, e, map[string]int{"overall": 5}) // no spread: every z is 0
	}
	rank, err := w.inc.Ranking(w.ctx, w.hr, c.ID)
	must(t, err)
	// Independently: harsh mean 3 sd 1, lenient mean 9 sd 1, the member
	// all 5 (sd 0).
	want := map[string][2]float64{ // raw, normalised
		es[0].ID: {3.5, -0.5}, es[1].ID: {4.5, 0.5}, es[2].ID: {6.5, -0.5}, es[3].ID: {7.5, 0.5},
	}
	order := []string{}
	for _, it := range rank.Items {
		wv := want[it.Entry.ID]
		if math.Abs(it.Raw-wv[0]) > 1e-9 || math.Abs(it.Normalised-wv[1]) > 1e-9 {
			t.Errorf("%s: raw %v normalised %v, want %v", it.Entry.Name, it.Raw, it.Normalised, wv)
		}
		order = append(order, it.Entry.ID)
	}
	if wantOrder := []string{es[3].ID, es[1].ID, es[2].ID, es[0].ID}; !slices.Equal(order, wantOrder) {
		t.Fatalf("ranked %v, want %v (the harsh reviewer's best above the lenient one's worst)", order, wantOrder)
	}
	// The harsh reviewer, who has two entries left, sees raw scores of its
	// own two only: another's z-scores would tell the scores it has not
	// yet seen.
	hr, err := w.inc.Ranking(w.ctx, harsh, c.ID)
	must(t, err)
	if !hr.NormalisedHidden || hr.Items[0].Entry.ID != es[1].ID || hr.Items[1].Entry.ID != es[0].ID || !hr.Items[2].Hidden || !hr.Items[3].Hidden {
		t.Fatalf("a reviewer with entries left: %+v", hr)
	}
	for _, it := range hr.Items {
		for _, sc := range it.Scores {
			if it.Normalised != 0 || sc.Z != 0 {
				t.Fatalf("a z-score shown to a reviewer with entries left: %+v", it)
			}
		}
	}
	// The member, who reviewed all four, sees the ranking whole.
	mr, err := w.inc.Ranking(w.ctx, w.hr2, c.ID)
	must(t, err)
	if mr.NormalisedHidden || mr.Items[0].Entry.ID != es[3].ID || mr.Items[0].Normalised != 0.5 {
		t.Fatalf("a reviewer who reviewed every entry: %+v", mr.Items[0])
	}
	byID := map[string]models.ReviewerStats{}
	for _, st := range rank.Reviewers {
		byID[st.ReviewerID] = st
	}
	if h, l := byID[harsh.ID], byID[lenient.ID]; h.Mean != 3 || h.SD != 1 || l.Mean != 9 || l.SD != 1 || h.Name == "" {
		t.Fatalf("the reviewers' statistics: %+v", rank.Reviewers)
	}
}

func TestDecisionsCohortsAndMilestones(t *testing.T) {
	w := newIncWorld(t)
	c := w.call("2026-03-01", "2026-03-31", 1)
	w.addReviewer(c, w.hr)
	expert := w.expert(c, "expert@uni.example")
	a, _ := w.creator("周雨桐")
	b, _ := w.creator("李明")
	ta, tb := w.team(a, "星火", models.StageIdea), w.team(b, "燎原", models.StagePrototype)
	ea, eb := w.apply(a, c, ta), w.apply(b, c, tb)
	w.review(w.hr, ea, map[string]int{"overall": 8})
	_, err := w.inc.Decide(w.ctx, w.hr, ea.ID, models.DecideInput{Decision: models.EntryAccepted})
	wantRefusal(t, "a decision with one review", err, models.RefusalTooFewReviews)
	for _, e := range []*models.Entry{ea, eb} {
		w.review(expert, e, map[string]int{"overall": 6})
	}
	w.review(w.hr, eb, map[string]int{"overall": 5})
	_, err = w.inc.Decide(w.ctx, w.hr2, ea.ID, models.DecideInput{Decision: "maybe"})
	wantField(t, "an unknown decision", err, "decision")
	_, err = w.inc.Decide(w.ctx, expert, ea.ID, models.DecideInput{Decision: models.EntryAccepted})
	wantCode(t, "a reviewer decides", err, models.CodeForbidden)
	_, err = w.inc.Decide(w.ctx, a, ea.ID, models.DecideInput{Decision: models.EntryAccepted})
	wantCode(t, "the applicant decides", err, models.CodeForbidden)
	got, err := w.inc.Decide(w.ctx, w.hr2, ea.ID, models.DecideInput{Decision: models.EntryAccepted, Message: " 欢迎加入 "})
	must(t, err)
	if got.Status != models.EntryAccepted || got.Message != "欢迎加入" || got.DecidedOn != "2026-03-10" || got.District != "nanshan" {
		t.Fatalf("accepted: %+v", got)
	}
	// The decision records whom it concerns: the team's members then,
	// whom the notifier tells (whoever the team is when it reads it).
	trail, err := w.svc.Audit.List(w.ctx, w.bureau, models.AuditFilter{Action: []string{models.AuditEntryDecide}, ResourceID: []string{ea.ID},
		Page: models.Page{Page: 1, PerPage: 10}})
	must(t, err)
	if len(trail.Items) != 1 {
		t.Fatalf("%d audit entries of the decision", len(trail.Items))
	}
	if members, ok := models.StringsOf(trail.Items[0].After["members"]); !ok || !slices.Equal(members, ta.MemberIDs()) || len(members) != 1 {
		t.Fatalf("the decision's audit entry: %+v; want the members %v", trail.Items[0].After, ta.MemberIDs())
	}
	_, err = w.inc.Decide(w.ctx, w.hr, eb.ID, models.DecideInput{Decision: models.EntryAccepted})
	wantRefusal(t, "a second team into one seat", err, models.RefusalCohortFull)
	_, err = w.inc.Decide(w.ctx, w.hr, eb.ID, models.DecideInput{Decision: models.EntryWaitlisted})
	must(t, err)
	_, err = w.inc.UpdateEntry(w.ctx, b, eb.ID, models.EntryInput{Answers: map[string]string{"why": "再说"}}, 0)
	wantRefusal(t, "a decided entry changes", err, models.RefusalAlreadyDecided)

	// A message changed is not a new decision: its day stays.
	w.clk.t = time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC)
	got, err = w.inc.Decide(w.ctx, w.hr, ea.ID, models.DecideInput{Decision: models.EntryAccepted, Message: "欢迎加入，三月二十日开营"})
	must(t, err)
	if got.DecidedOn != "2026-03-10" || got.Message != "欢迎加入，三月二十日开营" {
		t.Fatalf("a decision's message changed: %+v", got)
	}
	// Milestones: the cohort's teams only, from the day they joined, not
	// in the future.
	_, err = w.inc.AddMilestone(w.ctx, w.hr, c.ID, tb.ID, models.MilestoneInput{Kind: models.MilestoneFunding, Date: "2026-03-15", Amount: 1})
	wantCode(t, "a milestone of a waitlisted team", err, models.CodeNotFound)
	_, err = w.inc.AddMilestone(w.ctx, w.hr, c.ID, ta.ID, models.MilestoneInput{Kind: models.MilestoneIncorporated, Date: "2026-03-21"})
	wantField(t, "a milestone in the future", err, "date")
	_, err = w.inc.AddMilestone(w.ctx, w.hr, c.ID, ta.ID, models.MilestoneInput{Kind: models.MilestoneIncorporated, Date: "2026-03-09"})
	wantField(t, "a milestone before the team joined", err, "date")
	_, err = w.inc.AddMilestone(w.ctx, w.other, c.ID, ta.ID, models.MilestoneInput{Kind: models.MilestoneAward, Date: "2026-03-15"})
	wantCode(t, "another organisation records a milestone", err, models.CodeForbidden)
	_, err = w.inc.AddMilestone(w.ctx, w.hr, c.ID, ta.ID, models.MilestoneInput{Kind: models.MilestoneRevenue, Date: "2026-03-15"})
	wantField(t, "revenue without its band", err, "band")
	for _, in := range []models.MilestoneInput{
		{Kind: models.MilestoneIncorporated, Date: "2026-03-16", RegistrationNo: "91440300ma5abcde1x"},
		{Kind: models.MilestoneFunding, Date: "2026-03-17", Amount: 2_000_000},
		{Kind: models.MilestoneFunding, Date: "2026-03-18", Amount: 500_000},
		{Kind: models.MilestoneHeadcount, Date: "2026-03-18", Amount: 12},
		{Kind: models.MilestoneHeadcount, Date: "2026-03-12", Amount: 5},
		{Kind: models.MilestoneAward, Date: "2026-03-19", Note: "深圳创新创业大赛"},
	} {
		_, err := w.inc.AddMilestone(w.ctx, w.hr, c.ID, ta.ID, in)
		must(t, err)
	}
	team, err := w.inc.Team(w.ctx, a, ta.ID)
	must(t, err)
	if team.RegistrationNo != "91440300MA5ABCDE1X" {
		t.Fatalf("an incorporation gives the team its company code: %q", team.RegistrationNo)
	}
	co, err := w.inc.Cohort(w.ctx, w.hr, c.ID)
	must(t, err)
	want := models.CohortOutcomes{Teams: 1, Incorporated: 1, Funding: 2_500_000, Headcount: 12, Awards: 1}
	if len(co.Teams) != 1 || co.Teams[0].Entry.ID != ea.ID || co.Outcomes != want || len(co.Teams[0].Milestones) != 6 {
		t.Fatalf("the cohort: %+v, outcomes %+v, want %+v", co.Teams, co.Outcomes, want)
	}
	for _, who := range []*models.User{a, w.bureau} {
		_, err = w.inc.Cohort(w.ctx, who, c.ID)
		must(t, err)
	}
	for _, who := range []*models.User{b, w.other} {
		_, err = w.inc.Cohort(w.ctx, who, c.ID)
		wantCode(t, "outside the cohort", err, models.CodeForbidden)
	}
	// A seat freed takes the waitlisted team.
	_, err = w.inc.Decide(w.ctx, w.hr, ea.ID, models.DecideInput{Decision: models.EntryRejected, Message: "team split"})
	must(t, err)
	_, err = w.inc.Decide(w.ctx, w.hr, eb.ID, models.DecideInput{Decision: models.EntryAccepted})
	must(t, err)
}

func TestIncubationFigures(t *testing.T) {
	w := newIncWorld(t)
	_, err := w.inc.Figures(w.ctx, w.hr, 2026)
	wantCode(t, "an organisation reads the figures", err, models.CodeForbidden)
	accept := func(c *models.Call, e *models.Entry, reviewers ...*models.User) {
		t.Helper()
		for _, r := range reviewers {
			w.review(r, e, map[string]int{"overall": 7})
		}
		_, err := w.inc.Decide(w.ctx, w.hr, e.ID, models.DecideInput{Decision: models.EntryAccepted})
		must(t, err)
	}
	a, _ := w.creator("周雨桐")
	b, _ := w.creator("李明")
	ta, tb := w.team(a, "星火", models.StageIdea), w.team(b, "燎原", models.StageIdea)
	w.clk.t = time.Date(2025, 12, 31, 15, 59, 0, 0, time.UTC) // 23:59 on 2025-12-31 in Shenzhen
	c1 := w.call("2025-12-01", "2025-12-31", 5)
	w.addReviewer(c1, w.hr)
	x1 := w.expert(c1, "x1@uni.example")
	accept(c1, w.apply(a, c1, ta), w.hr, x1)
	w.clk.t = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	c2 := w.call("2026-03-01", "2026-03-31", 5)
	w.addReviewer(c2, w.hr)
	x2 := w.expert(c2, "x2@uni.example")
	// Team A again (a second cohort of the same incubator, the next year),
	// and team B, which then moves to another district: it counts where
	// it was when accepted.
	accept(c2, w.apply(a, c2, ta), w.hr, x2)
	accept(c2, w.apply(b, c2, tb), w.hr, x2)
	in := tb.Input()
	in.District = "futian"
	_, err = w.inc.UpdateTeam(w.ctx, b, tb.ID, in, 0)
	must(t, err)
	// Team A incorporates in 2026 (recorded by both cohorts' calls: once).
	for c, date := range map[*models.Call]string{c1: "2026-02-01", c2: "2026-03-01"} {
		_, err := w.inc.AddMilestone(w.ctx, w.hr, c.ID, ta.ID, models.MilestoneInput{Kind: models.MilestoneIncorporated, Date: date})
		must(t, err)
	}
	f25, err := w.inc.Figures(w.ctx, w.bureau, 2025)
	must(t, err)
	if f25.Teams != 1 || f25.Incorporated != 0 || len(f25.ByIncubator) != 1 || f25.ByIncubator[0] != (models.IncubationCount{Key: w.org.ID, Teams: 1}) {
		t.Fatalf("2025: %+v", f25)
	}
	f26, err := w.inc.Figures(w.ctx, w.bureau, 2026)
	must(t, err)
	if f26.Teams != 2 || f26.Incorporated != 1 {
		t.Fatalf("2026: teams %d incorporated %d, want 2 and 1", f26.Teams, f26.Incorporated)
	}
	if want := []models.IncubationCount{{Key: "nanshan", Teams: 2, Incorporated: 1}}; !slices.Equal(f26.ByDistrict, want) {
		t.Fatalf("2026 by district: %+v, want %+v", f26.ByDistrict, want)
	}
	if want := []models.IncubationCount{{Key: w.org.ID, Teams: 2, Incorporated: 1}}; !slices.Equal(f26.ByIncubator, want) {
		t.Fatalf("2026 by incubator: %+v, want %+v", f26.ByIncubator, want)
	}
	if len(f26.Cohorts) != 2 {
		t.Fatalf("every cohort's outcomes: %+v", f26.Cohorts)
	}
}

func TestOutsideReviewersReviewTheirCallsAndNothingElse(t *testing.T) {
	w := newIncWorld(t)
	c := w.call("2026-03-01", "2026-03-31", 5)
	elsewhere := w.call("2026-03-01", "2026-03-31", 5)
	expert := w.expert(c, "Expert@Uni.example")
	if expert.Role != models.RoleReviewer || expert.Email != "expert@uni.example" {
		t.Fatalf("the expert's account: %+v", expert)
	}
	token := w.mail.token(t, models.MailReviewerInvite, "expert@uni.example")
	must(t, w.svc.Accounts.ConfirmPasswordReset(w.ctx, models.PasswordResetConfirm{Token: token, Password: "a long new password"}))
	auth, err := w.svc.Accounts.Login(w.ctx, models.LoginInput{Email: "expert@uni.example", Password: "a long new password"}, models.ClientInfo{})
	must(t, err)
	me := auth.User
	if _, err := w.inc.Call(w.ctx, me, c.ID); err != nil {
		t.Fatalf("the expert reads its call: %v", err)
	}
	_, err = w.inc.Call(w.ctx, me, elsewhere.ID)
	wantCode(t, "the expert reads another call", err, models.CodeNotFound)
	list, err := w.inc.Calls(w.ctx, me, models.CallFilter{Page: models.Page{Page: 1, PerPage: 10}})
	must(t, err)
	if list.Total != 1 || list.Items[0].ID != c.ID {
		t.Fatalf("the expert's calls: %+v", list)
	}
	_, err = w.inc.CreateTeam(w.ctx, me, models.TeamInput{Name: "X", Stage: models.StageIdea, Industry: "games", District: "nanshan", Pitch: "p"})
	wantCode(t, "the expert founds a team", err, models.CodeForbidden)
	_, err = w.inc.CreateCall(w.ctx, me, models.CallInput{})
	wantCode(t, "the expert opens a call", err, models.CodeForbidden)
	_, err = w.svc.Talents.Create(w.ctx, me, models.TalentInput{Name: "X"})
	wantCode(t, "the expert makes a profile", err, models.CodeForbidden)
	_, err = w.svc.Stats.Targets(w.ctx, me, 2026)
	wantCode(t, "the expert reads the figures", err, models.CodeForbidden)

	// The same expert for a second call: the same account, no second mail.
	again := w.expert(elsewhere, "expert@uni.example")
	if again.ID != expert.ID || len(w.mail.of(models.MailReviewerInvite, "expert@uni.example")) != 1 {
		t.Fatalf("a known expert is added, not made again")
	}
	// Every other account's email gets one answer, whatever it is.
	creator, _ := w.creator("周雨桐")
	for _, email := range []string{creator.Email, w.other.Email} {
		_, err := w.inc.AddReviewer(w.ctx, w.hr, c.ID, models.ReviewerInput{Email: email, Name: "X"})
		wantField(t, "adding "+email, err, "email")
	}
	_, err = w.inc.AddReviewer(w.ctx, w.hr, c.ID, models.ReviewerInput{UserID: w.other.ID})
	wantField(t, "a member of another organisation by id", err, "user_id")
	_, err = w.inc.AddReviewer(w.ctx, w.other, c.ID, models.ReviewerInput{UserID: w.other.ID})
	wantCode(t, "another organisation adds a reviewer", err, models.CodeForbidden)
}

func TestACallsRubricIsFixedOnceItHasEntries(t *testing.T) {
	w := newIncWorld(t)
	c := w.call("2026-03-01", "2026-03-31", 5)
	in := c.Input()
	in.Rubric = append(in.Rubric, models.Criterion{ID: "x", Label: "X", Weight: 1})
	c, err := w.inc.UpdateCall(w.ctx, w.hr2, c.ID, in, 0)
	must(t, err)
	u, _ := w.creator("周雨桐")
	w.apply(u, c, w.team(u, "星火", models.StageIdea))
	in = c.Input()
	in.Rubric[0].Weight = 9
	_, err = w.inc.UpdateCall(w.ctx, w.hr, c.ID, in, 0)
	wantCode(t, "a rubric changed under its entries", err, models.CodeConflict)
	in = c.Input()
	in.Seats, in.Closes = 9, "2026-04-30"
	c, err = w.inc.UpdateCall(w.ctx, w.hr, c.ID, in, 0)
	must(t, err)
	if c.Seats != 9 || c.Closes != "2026-04-30" {
		t.Fatalf("seats and dates still change: %+v", c)
	}
	in.Rubric = append(in.Rubric, in.Rubric[0])
	_, err = w.inc.UpdateCall(w.ctx, w.hr, c.ID, in, 0)
	wantField(t, "a criterion twice", err, "rubric[2].id")
	in = c.Input()
	in.Closes = "2026-02-01"
	_, err = w.inc.UpdateCall(w.ctx, w.hr, c.ID, in, 0)
	wantField(t, "closing before opening", err, "closes")
}

func TestAnErasedCreatorLeavesTeamsAndEntriesButTheFiguresStay(t *testing.T) {
	w := newIncWorld(t)
	founder, mate, team := w.teamOfTwo()
	in := models.CallInput{Title: "个人赛道", Description: "独立创作者", Stages: []models.TeamStage{models.StageIdea}, Seats: 3,
		Opens: "2026-03-01", Closes: "2026-03-31", Individuals: true, Rubric: []models.Criterion{{ID: "overall", Label: "Overall", Weight: 1}}}
	c, err := w.inc.CreateCall(w.ctx, w.hr, in)
	if err != nil {
		t.Fatal(err, models.ErrorFields(err))
	}
	w.addReviewer(c, w.hr)
	expert := w.expert(c, "expert@uni.example")
	alone, err := w.inc.Apply(w.ctx, founder, c.ID, models.EntryInput{Answers: map[string]string{}, Submit: true})
	must(t, err)
	withTeam, err := w.inc.Apply(w.ctx, founder, c.ID, models.EntryInput{TeamID: team.ID, Submit: true})
	must(t, err)
	for _, e := range []*models.Entry{alone, withTeam} {
		w.review(w.hr, e, map[string]int{"overall": 6})
		w.review(expert, e, map[string]int{"overall": 7})
		_, err := w.inc.Decide(w.ctx, w.hr, e.ID, models.DecideInput{Decision: models.EntryAccepted})
		must(t, err)
	}
	x, err := w.svc.Talents.Export(w.ctx, founder, founder.ID)
	must(t, err)
	if len(x.Teams) != 1 || len(x.Entries) != 2 {
		t.Fatalf("the export holds the creator's teams and entries: %d teams, %d entries", len(x.Teams), len(x.Entries))
	}
	before, err := w.inc.Figures(w.ctx, w.bureau, 2026)
	must(t, err)

	must(t, w.svc.Talents.DeleteAccount(w.ctx, founder))
	team, err = w.inc.Team(w.ctx, mate, team.ID)
	must(t, err)
	if _, ok := team.Member(founder.ID); ok || team.FounderID != mate.ID {
		t.Fatalf("the team passes to its remaining member: %+v", team)
	}
	got, err := w.inc.Entry(w.ctx, w.hr, alone.ID)
	must(t, err)
	if got.Name != "" || got.Status != models.EntryAccepted {
		t.Fatalf("an erased creator's own entry keeps its decision, not its name: %+v", got)
	}
	after, err := w.inc.Figures(w.ctx, w.bureau, 2026)
	must(t, err)
	if after.Teams != before.Teams || before.Teams != 2 {
		t.Fatalf("the figures move with an erasure: %d teams before, %d after", before.Teams, after.Teams)
	}
}

func TestATeamsMembersSeeItsEntriesAndItsInvitationsAreFound(t *testing.T) {
	w := newIncWorld(t)
	founder, _ := w.creator("周雨桐")
	mate, mateTalent := w.creator("李明")
	team := w.team(founder, "星火", models.StageIdea)
	_, err := w.inc.InviteMember(w.ctx, founder, team.ID, models.TeamInvite{TalentID: mateTalent.ID})
	must(t, err)
	invited, err := w.inc.SearchTeams(w.ctx, mate, models.TeamSearch{InvitedID: mate.ID, Page: models.Page{Page: 1, PerPage: 10}})
	must(t, err)
	if invited.Total != 1 || invited.Items[0].ID != team.ID {
		t.Fatalf("the invited creator finds the team among its invitations: %+v", invited)
	}
	_, err = w.inc.AnswerInvitation(w.ctx, mate, team.ID, true)
	must(t, err)
	c := w.call("2026-03-01", "2026-03-31", 5)
	e := w.apply(founder, c, team)
	for _, who := range []*models.User{founder, mate} {
		mine, err := w.inc.Entries(w.ctx, who, "", models.Page{Page: 1, PerPage: 10})
		must(t, err)
		if mine.Total != 1 || mine.Items[0].ID != e.ID {
			t.Fatalf("a member of the team sees its entry among its own: %+v", mine)
		}
	}
	w.addReviewer(c, w.hr2)
	rs, err := w.inc.Reviewers(w.ctx, w.hr, c.ID)
	must(t, err)
	if len(rs) != 1 || rs[0].Name != w.hr2.Name || rs[0].Outside {
		t.Fatalf("the call's reviewers: %+v", rs)
	}
	expert := w.expert(c, "expert@uni.example")
	w.review(expert, e, map[string]int{"overall": 7})
	rs, err = w.inc.Reviewers(w.ctx, w.hr2, c.ID)
	must(t, err)
	if len(rs) != 2 || !rs[1].Outside || rs[1].Name != "专家" || rs[1].Submitted != 1 {
		t.Fatalf("an outside expert is named, with its reviews: %+v", rs)
	}
	_, err = w.inc.Reviewers(w.ctx, expert, c.ID)
	wantCode(t, "a reviewer lists the reviewers", err, models.CodeForbidden)
}

// TestTheReviewFindingsStayFixed keeps the holes an attacker's review of
// incubation found closed.
func TestTheReviewFindingsStayFixed(t *testing.T) {
	w := newIncWorld(t)
	c := w.call("2026-03-01", "2026-03-31", 1)
	w.addReviewer(c, w.hr2)
	expert, judge := w.expert(c, "expert@uni.example"), w.expert(c, "judge@uni.example")
	founder, _ := w.creator("周雨桐")
	mate, mateTalent := w.creator("李明")
	team := w.team(founder, "星火", models.StageIdea)
	_, err := w.inc.InviteMember(w.ctx, founder, team.ID, models.TeamInvite{TalentID: mateTalent.ID})
	must(t, err)

	t.Run("an invitation is the team's and the invitee's business", func(t *testing.T) {
		stranger, _ := w.creator("路人")
		for who, want := range map[*models.User]int{stranger: 1, w.hr: 1, mate: 2, founder: 2} {
			got, err := w.inc.Team(w.ctx, who, team.ID)
			must(t, err)
			if len(got.Members) != want {
				t.Errorf("%s sees %d rows of the team, want %d", who.Name, len(got.Members), want)
			}
		}
		_, err := w.inc.SearchTeams(w.ctx, expert, models.TeamSearch{Page: models.Page{Page: 1, PerPage: 10}})
		wantCode(t, "an outside reviewer searches teams", err, models.CodeForbidden)
	})
	_, err = w.inc.AnswerInvitation(w.ctx, mate, team.ID, true)
	must(t, err)
	e, err := w.inc.Apply(w.ctx, mate, c.ID, models.EntryInput{TeamID: team.ID, Answers: map[string]string{"why": "因为"}, Submit: true})
	must(t, err)

	t.Run("who reviews a call is its incubator's to know", func(t *testing.T) {
		got, err := w.inc.Call(w.ctx, founder, c.ID)
		must(t, err)
		if len(got.Reviewers) != 0 {
			t.Errorf("an applicant sees the reviewers: %v", got.Reviewers)
		}
		got, err = w.inc.Call(w.ctx, expert, c.ID)
		must(t, err)
		if !slices.Equal(got.Reviewers, []string{expert.ID}) {
			t.Errorf("a reviewer sees %v, want itself", got.Reviewers)
		}
	})
	t.Run("a member who leaves has no more say over the team's entry", func(t *testing.T) {
		_, err := w.inc.RemoveMember(w.ctx, mate, team.ID, mate.ID)
		must(t, err)
		_, err = w.inc.Entry(w.ctx, mate, e.ID)
		wantCode(t, "the member who applied, gone, reads the entry", err, models.CodeNotFound)
		_, err = w.inc.UpdateEntry(w.ctx, mate, e.ID, models.EntryInput{Answers: map[string]string{"why": "我改了"}}, 0)
		wantCode(t, "the member who applied, gone, changes the entry", err, models.CodeNotFound)
		mine, err := w.inc.Entries(w.ctx, mate, "", models.Page{Page: 1, PerPage: 10})
		must(t, err)
		if len(mine.Items) != 0 {
			t.Errorf("the former member still lists the team's entry: %+v", mine.Items)
		}
	})
	t.Run("answers are fixed once a reviewer has begun", func(t *testing.T) {
		_, err := w.inc.Review(w.ctx, expert, e.ID, models.ReviewInput{Scores: map[string]int{"overall": 3}})
		must(t, err)
		_, err = w.inc.UpdateEntry(w.ctx, founder, e.ID, models.EntryInput{Answers: map[string]string{"why": "换个说法"}}, 0)
		wantRefusal(t, "answers changed under review", err, models.RefusalUnderReview)
	})
	other, _ := w.creator("王五")
	e2 := w.apply(other, c, w.team(other, "燎原", models.StageIdea))
	t.Run("a declared conflict never sees the normalised scores", func(t *testing.T) {
		w.review(w.hr2, e, map[string]int{"overall": 9})
		w.review(w.hr2, e2, map[string]int{"overall": 3})
		_, err := w.inc.Review(w.ctx, judge, e.ID, models.ReviewInput{Conflict: true})
		must(t, err)
		w.review(judge, e2, map[string]int{"overall": 6})
		rk, err := w.inc.Ranking(w.ctx, judge, c.ID)
		must(t, err)
		if !rk.NormalisedHidden || rk.Items[0].Entry.ID != e2.ID || !rk.Items[1].Hidden || rk.Items[1].Reviews != 0 {
			t.Fatalf("the judge, in conflict on one entry: %+v", rk)
		}
		for _, it := range rk.Items {
			for _, sc := range it.Scores {
				if sc.Z != 0 {
					t.Fatalf("a z-score shown to a reviewer in conflict: %+v", it)
				}
			}
		}
	})
	t.Run("a reviewer leaving the panel stays blind", func(t *testing.T) {
		_, err := w.inc.RemoveReviewer(w.ctx, w.hr, c.ID, w.hr2.ID)
		must(t, err)
		w.review(expert, e2, map[string]int{"overall": 7})
		rk, err := w.inc.Ranking(w.ctx, w.hr2, c.ID)
		must(t, err)
		if !rk.NormalisedHidden && len(rk.Reviewers) > 1 {
			t.Fatalf("a member who reviewed and left the panel sees every reviewer's scale: %+v", rk.Reviewers)
		}
	})
	t.Run("seats cannot fall below the cohort", func(t *testing.T) {
		w.review(expert, e, map[string]int{"overall": 5})
		_, err := w.inc.Decide(w.ctx, w.hr, e2.ID, models.DecideInput{Decision: models.EntryAccepted})
		must(t, err)
		in := c.Input()
		in.Seats = 2
		c2, err := w.inc.UpdateCall(w.ctx, w.hr, c.ID, in, 0)
		must(t, err)
		_, err = w.inc.Decide(w.ctx, w.hr, e.ID, models.DecideInput{Decision: models.EntryAccepted})
		must(t, err)
		in = c2.Input()
		in.Seats = 1
		_, err = w.inc.UpdateCall(w.ctx, w.hr, c.ID, in, 0)
		wantRefusal(t, "seats below the accepted", err, models.RefusalCohortFull)
	})
	t.Run("a creator alone counts where its profile is", func(t *testing.T) {
		c3 := w.call("2026-03-01", "2026-03-31", 3)
		in := c3.Input()
		in.Individuals = true
		c3, err := w.inc.UpdateCall(w.ctx, w.hr, c3.ID, in, 0)
		must(t, err)
		w.addReviewer(c3, w.hr2)
		x := w.expert(c3, "x3@uni.example")
		solo := &models.User{}
		*solo = *w.account("solo@example.com", models.RoleCreator)
		_, err = w.svc.Talents.Create(w.ctx, solo, models.TalentInput{Name: "独行", Visibility: models.VisibilityPublic, District: "futian", Industries: []string{"animation"}})
		must(t, err)
		se, err := w.inc.Apply(w.ctx, solo, c3.ID, models.EntryInput{Answers: map[string]string{"why": "x"}, Submit: true})
		must(t, err)
		w.review(w.hr2, se, map[string]int{"overall": 8})
		w.review(x, se, map[string]int{"overall": 8})
		got, err := w.inc.Decide(w.ctx, w.hr, se.ID, models.DecideInput{Decision: models.EntryAccepted})
		must(t, err)
		if got.District != "futian" || got.Industry != "animation" {
			t.Fatalf("a creator accepted alone: %+v", got)
		}
	})
	t.Run("an erased sole founder's team goes", func(t *testing.T) {
		must(t, w.svc.Talents.DeleteAccount(w.ctx, other))
		_, err := w.inc.Team(w.ctx, founder, e2.TeamID)
		wantCode(t, "the team of an erased sole founder", err, models.CodeNotFound)
		f, err := w.inc.Figures(w.ctx, w.bureau, 2026)
		must(t, err)
		if f.Teams != 3 {
			t.Fatalf("the figures keep the erased founder's team: %d teams, want 3", f.Teams)
		}
	})
}
