package service_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/service"
)

// TestDecisionsRecordTheMembersTheyAreToldTo: the bureau's decision on an
// organisation, a base or a hire report records the members of the
// organisations concerned at that moment, which the notifier tells; a
// member who joins afterwards is not among them (the notifier follows the
// feed a moment behind, and its reading would otherwise decide who hears).
func TestDecisionsRecordTheMembersTheyAreToldTo(t *testing.T) {
	w := newJourneyWorld(t)
	told := func(action, id string) []string {
		t.Helper()
		trail, err := w.svc.Audit.List(w.ctx, w.bureau, models.AuditFilter{Action: []string{action}, ResourceID: []string{id},
			Page: models.Page{Page: 1, PerPage: 10}})
		must(t, err)
		if len(trail.Items) != 1 {
			t.Fatalf("%s %s: %d audit entries", action, id, len(trail.Items))
		}
		members, ok := models.StringsOf(trail.Items[0].After["members"])
		if !ok {
			t.Fatalf("%s %s: the entry names no members: %+v", action, id, trail.Items[0].After)
		}
		return members
	}
	// The organisation was verified while its registrar was its only member.
	if got := told(models.AuditOrgDecide, w.org.ID); !slices.Equal(got, []string{w.member.ID}) {
		t.Errorf("the organisation's decision told %v, want %v", got, []string{w.member.ID})
	}
	second := w.account(t, "hr2@studio.example", models.RoleOrg)
	_, err := w.svc.Orgs.Invite(w.ctx, w.member, w.org.ID, models.MemberInput{Email: second.Email})
	must(t, err)
	_, err = w.svc.Orgs.AnswerInvitation(w.ctx, second, w.org.ID, models.InvitationAnswer{Decision: "accept"})
	must(t, err)
	both := []string{w.member.ID, second.ID}

	b, err := w.svc.Bases.Create(w.ctx, w.member, models.BaseInput{Name: "星河实训基地", Kind: models.BaseTraining, District: "nanshan",
		OperatorOrgIDs: []string{w.org.ID}, Capacity: 40})
	must(t, err)
	_, err = w.svc.Bases.Decide(w.ctx, w.bureau, b.ID, models.DecisionInput{Decision: models.StatusRejected, Reason: "材料不全"})
	must(t, err)
	if got := told(models.AuditBaseDecide, b.ID); !slices.Equal(got, both) {
		t.Errorf("the base's decision told %v, want %v", got, both)
	}

	r, err := w.svc.Recruitments.Report(w.ctx, w.member, models.RecruitmentInput{TalentID: w.talent.ID, OrgID: w.org.ID, Date: "2025-04-01",
		Origin: models.OriginOverseas, Level: models.LevelB, District: "nanshan", Industry: "games"})
	must(t, err)
	_, err = w.svc.Recruitments.Decide(w.ctx, w.bureau, r.ID, models.DecisionInput{Decision: models.StatusVerified})
	must(t, err)
	if got := told(models.AuditRecruitmentDecide, r.ID); !slices.Equal(got, both) {
		t.Errorf("the hire report's decision told %v, want %v", got, both)
	}
}

// orgReadsFail is a store whose reads of organisations fail (the database
// slow at that moment).
type orgReadsFail struct{ service.Stores }

func (orgReadsFail) Org(context.Context, string) (*models.Org, error) {
	return nil, models.Internal("test.Org", errors.New("the database did not answer"))
}

// TestADecisionStandsWhenItsMembersCannotBeRead: the members are read after
// the decision is written; when they cannot be, the decision still stands
// (no error for what was done) and its entry names no members, so the
// notifier reads them when it tells it.
func TestADecisionStandsWhenItsMembersCannotBeRead(t *testing.T) {
	w := newJourneyWorld(t)
	b, err := w.svc.Bases.Create(w.ctx, w.member, models.BaseInput{Name: "星河实训基地", Kind: models.BaseTraining, District: "nanshan",
		OperatorOrgIDs: []string{w.org.ID}, Capacity: 40})
	must(t, err)
	svc := service.New(service.Config{Store: orgReadsFail{w.st}, Logger: slog.New(slog.DiscardHandler)})
	got, err := svc.Bases.Decide(w.ctx, w.bureau, b.ID, models.DecisionInput{Decision: models.StatusVerified})
	if err != nil || got.Status != models.StatusVerified {
		t.Fatalf("the decision: %+v, %v", got, err)
	}
	trail, err := w.svc.Audit.List(w.ctx, w.bureau, models.AuditFilter{Action: []string{models.AuditBaseDecide}, ResourceID: []string{b.ID},
		Page: models.Page{Page: 1, PerPage: 10}})
	must(t, err)
	if len(trail.Items) != 1 {
		t.Fatalf("%d audit entries of the decision", len(trail.Items))
	}
	if m, ok := trail.Items[0].After["members"]; ok {
		t.Errorf("the entry names members it could not read: %v", m)
	}
}
