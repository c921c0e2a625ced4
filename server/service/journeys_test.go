package service_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/figures"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// The hiring journey, the hire's report and an erasure, called on the
// services directly (no HTTP), over a real database, index and figures,
// step by step; answers are compared whole with the objects expected.

// journeyWorld is a verified organisation with a project, a bureau
// officer and a creator with a profile.
type journeyWorld struct {
	ctx     context.Context
	st      *store.Store
	svc     *service.All
	fig     *figures.Figures
	bureau  *models.User
	member  *models.User
	org     *models.Org
	project *models.Project
	creator *models.User
	talent  *models.Talent
}

func newJourneyWorld(t *testing.T) *journeyWorld { return newJourneyWorldIn(t, "") }

// newJourneyWorldIn is newJourneyWorld with the search index on disk in
// dir (as a server keeps it), or in memory when dir is "".
func newJourneyWorldIn(t testing.TB, dir string) *journeyWorld {
	t.Helper()
	ctx := context.Background()
	st := storetest.MustOpen(t)
	logger := slog.New(slog.DiscardHandler)
	ix, err := search.Open(ctx, search.Options{Source: st, Logger: logger, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	st.Observe(ix.Observe)
	fig := figures.New(st, nil, logger)
	must(t, fig.Load(ctx))
	st.Observe(fig.Observe)
	svc := service.New(service.Config{Store: st, Index: ix, Figures: fig, Logger: logger})
	must(t, svc.Taxonomies.Seed(ctx))
	must(t, svc.Stats.SeedTargets(ctx))
	w := &journeyWorld{ctx: ctx, st: st, svc: svc, fig: fig, bureau: &models.User{ID: store.NewID(), Role: models.RoleBureau}}
	w.member = w.account(t, "hr@studio.example", models.RoleOrg)
	w.org, err = svc.Orgs.Create(ctx, w.member, models.OrgInput{Name: "星河工作室", Kind: models.OrgEnterprise, District: "nanshan", Industries: []string{"games"}})
	must(t, err)
	_, err = svc.Orgs.Decide(ctx, w.bureau, w.org.ID, models.DecisionInput{Decision: models.StatusVerified})
	must(t, err)
	w.member = w.refresh(t, w.member)
	w.project, err = svc.Projects.Create(ctx, w.member, models.ProjectInput{Title: "游戏原画师", Kind: models.ProjectJob, Skills: []string{"原画"},
		Industries: []string{"games"}, District: "nanshan", Openings: 1})
	must(t, err)
	w.creator = w.account(t, "ming@example.com", models.RoleCreator)
	w.talent, err = svc.Talents.Create(ctx, w.creator, models.TalentInput{Name: "李明", Headline: "原画师", Skills: []string{"原画"},
		District: "futian", Origin: models.OriginOverseas, Level: models.LevelB, Visibility: models.VisibilityPublic,
		Contact: models.ContactInput{Phone: "13812345678"}})
	must(t, err)
	return w
}

func (w *journeyWorld) account(t testing.TB, email string, role models.Role) *models.User {
	t.Helper()
	u := &models.User{Email: email, Name: strings.Split(email, "@")[0], Role: role}
	must(t, w.st.CreateUser(w.ctx, u, "h"))
	return u
}

// refresh reads a user as Authenticate would give it.
func (w *journeyWorld) refresh(t testing.TB, u *models.User) *models.User {
	t.Helper()
	fresh, err := w.st.User(w.ctx, u.ID)
	must(t, err)
	if fresh.OrgID != "" {
		o, err := w.st.Org(w.ctx, fresh.OrgID)
		must(t, err)
		fresh.OrgVerified = o.Status == models.StatusVerified
	}
	return fresh
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// ignoreTimes compares what happened, not when.
var ignoreTimes = cmpopts.IgnoreTypes(time.Time{})

func TestPipelineThroughTheServices(t *testing.T) {
	w := newJourneyWorld(t)
	var app *models.Application
	t.Run("the creator applies", func(t *testing.T) {
		var err error
		app, err = w.svc.Applications.Create(w.ctx, w.creator, w.project.ID, models.ApplicationInput{Message: "您好，我想申请。"})
		must(t, err)
		want := &models.Application{ID: app.ID, ProjectID: w.project.ID, ProjectTitle: "游戏原画师", OrgID: w.org.ID, TalentID: w.talent.ID,
			TalentName: "李明", Stage: models.StageApplied, InitiatedBy: models.SideCreator, Message: "您好，我想申请。", Version: 1,
			History: []models.Move{{By: w.creator.ID, Side: models.SideCreator, Action: "apply", To: models.StageApplied}}}
		if d := cmp.Diff(want, app, ignoreTimes); d != "" {
			t.Fatalf("the application (-want +got):\n%s", d)
		}
		_, err = w.svc.Applications.Create(w.ctx, w.creator, w.project.ID, models.ApplicationInput{})
		if !models.IsCode(err, models.CodeConflict) {
			t.Fatalf("a second application: %v", err)
		}
	})
	t.Run("the organisation moves it to hired, one step at a time", func(t *testing.T) {
		_, err := w.svc.Applications.Update(w.ctx, w.member, app.ID, models.ApplicationUpdate{Stage: models.StageHired}, 0)
		if r, param := models.ErrorRefusal(err); !models.IsCode(err, models.CodeConflict) || r != models.RefusalIllegalMove || param != "hired" {
			t.Fatalf("a jump from applied to hired: %v (%s %s)", err, r, param)
		}
		for _, to := range []models.Stage{models.StageShortlisted, models.StageInterviewing, models.StageOffered, models.StageHired} {
			app, err = w.svc.Applications.Update(w.ctx, w.member, app.ID, models.ApplicationUpdate{Stage: to, Note: "ok"}, 0)
			must(t, err)
		}
		var got []string
		for _, m := range app.History {
			got = append(got, fmt.Sprintf("%s:%s %s→%s", m.Side, m.Action, m.From, m.To))
		}
		want := []string{"creator:apply →applied", "org:move applied→shortlisted", "org:move shortlisted→interviewing",
			"org:move interviewing→offered", "org:move offered→hired"}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("the history (-want +got):\n%s", d)
		}
	})
	t.Run("nothing leaves hired, and the creator no longer withdraws", func(t *testing.T) {
		for _, u := range []struct {
			who *models.User
			to  models.Stage
		}{{w.member, models.StageRejected}, {w.creator, models.StageWithdrawn}} {
			if _, err := w.svc.Applications.Update(w.ctx, u.who, app.ID, models.ApplicationUpdate{Stage: u.to}, 0); !models.IsCode(err, models.CodeConflict) {
				t.Errorf("%s moves a hired application to %s: %v", u.who.Role, u.to, err)
			}
		}
	})
	t.Run("another organisation sees nothing of it", func(t *testing.T) {
		other := w.account(t, "other@example.com", models.RoleOrg)
		if _, err := w.svc.Applications.Get(w.ctx, other, app.ID); !models.IsCode(err, models.CodeNotFound) {
			t.Fatalf("read by another organisation's account: %v", err)
		}
	})
}

func TestRecruitmentsThroughTheServices(t *testing.T) {
	w := newJourneyWorld(t)
	app, err := w.svc.Applications.Create(w.ctx, w.creator, w.project.ID, models.ApplicationInput{})
	must(t, err)
	for _, to := range []models.Stage{models.StageShortlisted, models.StageInterviewing, models.StageOffered, models.StageHired} {
		_, err = w.svc.Applications.Update(w.ctx, w.member, app.ID, models.ApplicationUpdate{Stage: to}, 0)
		must(t, err)
	}
	var rec *models.Recruitment
	talentsIn := func(year int) float64 {
		t.Helper()
		ts, err := w.svc.Stats.Targets(w.ctx, w.bureau, year)
		must(t, err)
		for _, s := range ts {
			if s.Metric == "talents_imported" {
				return s.Actual
			}
		}
		t.Fatal("no talents_imported target")
		return 0
	}
	t.Run("the organisation reports the hire from its application", func(t *testing.T) {
		rec, err = w.svc.Recruitments.Report(w.ctx, w.member, models.RecruitmentInput{ApplicationID: app.ID, Date: "2025-03-01"})
		must(t, err)
		want := &models.Recruitment{ID: rec.ID, TalentID: w.talent.ID, TalentName: "李明", OrgID: w.org.ID, Date: "2025-03-01",
			Origin: models.OriginOverseas, Level: models.LevelB, District: "nanshan", Industry: "games", ProjectID: w.project.ID,
			ApplicationID: app.ID, Status: models.StatusReported, ReportedBy: w.member.ID, Version: 1}
		if d := cmp.Diff(want, rec, ignoreTimes, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("the record (-want +got):\n%s", d)
		}
		if n := talentsIn(2025); n != 0 {
			t.Fatalf("a reported record counts: %v", n)
		}
	})
	t.Run("the bureau verifies it: it counts once", func(t *testing.T) {
		rec, err = w.svc.Recruitments.Decide(w.ctx, w.bureau, rec.ID, models.DecisionInput{Decision: models.StatusVerified})
		must(t, err)
		if rec.Status != models.StatusVerified || rec.Decision == nil || rec.Decision.By != w.bureau.ID || talentsIn(2025) != 1 {
			t.Fatalf("after verification: %+v, %v counted", rec, talentsIn(2025))
		}
		if _, err := w.svc.Recruitments.Decide(w.ctx, w.bureau, rec.ID, models.DecisionInput{Decision: models.StatusRejected, Reason: "x"}); !models.IsCode(err, models.CodeConflict) {
			t.Fatalf("decided twice: %v", err)
		}
		if err := w.svc.Recruitments.Withdraw(w.ctx, w.member, rec.ID, 0); !models.IsCode(err, models.CodeConflict) {
			t.Fatalf("a verified record withdrawn: %v", err)
		}
	})
	t.Run("a correction moves it to another year, recorded before and after", func(t *testing.T) {
		date := "2024-12-20"
		rec, err = w.svc.Recruitments.Correct(w.ctx, w.bureau, rec.ID, models.CorrectionInput{Reason: "入职日期有误", Date: &date}, 0)
		must(t, err)
		if len(rec.Corrections) != 1 || rec.Corrections[0].Before["date"] != "2025-03-01" || rec.Corrections[0].After["date"] != date {
			t.Fatalf("the correction: %+v", rec.Corrections)
		}
		if talentsIn(2025) != 0 || talentsIn(2024) != 1 {
			t.Fatalf("after the correction: 2025 counts %v, 2024 %v", talentsIn(2025), talentsIn(2024))
		}
	})
}

func TestErasureThroughTheServices(t *testing.T) {
	w := newJourneyWorld(t)
	app, err := w.svc.Applications.Create(w.ctx, w.creator, w.project.ID, models.ApplicationInput{AcceptContact: true})
	must(t, err)
	rec, err := w.svc.Recruitments.Report(w.ctx, w.member, models.RecruitmentInput{TalentID: w.talent.ID, OrgID: w.org.ID, Date: "2025-05-01",
		Origin: models.OriginOverseas, Level: models.LevelA, District: "nanshan", Industry: "games"})
	must(t, err)
	_, err = w.svc.Recruitments.Decide(w.ctx, w.bureau, rec.ID, models.DecisionInput{Decision: models.StatusVerified})
	must(t, err)
	t.Run("the creator deletes the account", func(t *testing.T) {
		must(t, w.svc.Talents.DeleteAccount(w.ctx, w.creator))
	})
	t.Run("the profile and the application are gone", func(t *testing.T) {
		if _, err := w.st.Talent(w.ctx, w.talent.ID); !models.IsCode(err, models.CodeNotFound) {
			t.Errorf("the profile: %v", err)
		}
		if _, err := w.st.Application(w.ctx, app.ID); !models.IsCode(err, models.CodeNotFound) {
			t.Errorf("the application: %v", err)
		}
	})
	t.Run("the record keeps counting under a pseudonym, without the name", func(t *testing.T) {
		got, err := w.st.Recruitment(w.ctx, rec.ID)
		must(t, err)
		if !got.Erased || got.TalentName != "" || got.TalentID == w.talent.ID || !models.IsPseudonym(got.TalentID) {
			t.Fatalf("the record after the erasure: %+v", got)
		}
		ts, err := w.svc.Stats.Targets(w.ctx, w.bureau, 2025)
		must(t, err)
		if ts[0].Metric != "talents_imported" || ts[0].Actual != 1 {
			t.Fatalf("the count after the erasure: %+v", ts[0])
		}
	})
	t.Run("no audit entry names the creator", func(t *testing.T) {
		list, err := w.svc.Audit.List(w.ctx, w.bureau, models.AuditFilter{Page: models.Page{Page: 1, PerPage: 100}})
		must(t, err)
		for _, e := range list.Items {
			if e.ActorID == w.creator.ID || e.ResourceID == w.creator.ID || strings.Contains(fmt.Sprint(e.Before, e.After), w.creator.ID) {
				t.Errorf("an audit entry names the erased creator: %+v", e)
			}
		}
	})
}
