package notify

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// TestNothingIsKeptForAnAccountDeletedMeanwhile: an event told after one of
// its recipients deleted the account (the notifier follows the feed a
// moment behind: a decision on a team's entry, then its founder erases the
// account before the decision is read) leaves nothing for that account,
// which the deletion has already swept; the other recipient is told.
// Found by the oracle (seed 3017): an erased creator kept the decision's
// notification.
func TestNothingIsKeptForAnAccountDeletedMeanwhile(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	gone := &models.User{Email: "ming@example.com", Name: "李明", Role: models.RoleCreator}
	kept := &models.User{Email: "fang@example.com", Name: "王芳", Role: models.RoleCreator}
	for _, u := range []*models.User{gone, kept} {
		if err := st.CreateUser(ctx, u, "not a real hash"); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.DeleteUser(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	n := New(st, st, Options{})
	ev := event{key: "audit:65f0c0ffee00000000000001", at: time.Now(), kind: models.NoteEntryDecided, link: "/calls/c1",
		params: map[string]string{"call": "2026 孵化营", "org": "星河孵化器", "status": "rejected"}, recipients: []string{gone.ID, kept.ID}}
	for range 2 { // told again, as a replay of the feed does
		if err := n.tell(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		u    *models.User
		want int
	}{{gone, 0}, {kept, 1}} {
		in, err := st.Inbox(ctx, c.u.ID, false, models.Page{Page: 1, PerPage: 10})
		if err != nil {
			t.Fatal(err)
		}
		if in.Total != c.want || len(in.Items) != c.want {
			t.Errorf("%s: %d notifications (%d listed), want %d", c.u.Name, in.Total, len(in.Items), c.want)
		}
	}
}

// TestADecisionIsToldToTheTeamItWasMadeFor: a decision on a team's entry
// is told to the members the decision recorded, whoever belongs to the
// team by the time the notifier reads it (the notifier follows a moment
// behind: a member may leave, another join, in between). A decision
// recorded before decisions named their members is told to the members
// then. Found by the oracle (seed 3017): a founder who erased their
// profile right after a rejection was told, or not, by the timing.
func TestADecisionIsToldToTheTeamItWasMadeFor(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	member := func(id string) models.TeamMember {
		return models.TeamMember{UserID: id, TalentID: id, Name: id, Status: models.MemberActive, At: time.Now()}
	}
	const a, b, c = "65f0c0ffee000000000000a1", "65f0c0ffee000000000000b2", "65f0c0ffee000000000000c3"
	team := &models.Team{Name: "星河", FounderID: a, Members: []models.TeamMember{member(a), member(b)}}
	if err := st.CreateTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	call := &models.Call{OrgID: "65f0c0ffee0000000000000f", Title: "2026 孵化营", Seats: 3}
	if err := st.CreateCall(ctx, call); err != nil {
		t.Fatal(err)
	}
	entry := &models.Entry{ID: call.ID + "-" + team.ID, CallID: call.ID, OrgID: call.OrgID, TeamID: team.ID, ApplicantID: a, Status: models.EntryRejected}
	if err := st.CreateEntry(ctx, entry); err != nil {
		t.Fatal(err)
	}
	// Decided while a and b were the team; then b leaves and c joins.
	if _, err := st.UpdateTeam(ctx, team.ID, 0, func(t *models.Team) error {
		t.Members = []models.TeamMember{member(a), member(c)}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	n := New(st, st, Options{})
	for _, tc := range []struct {
		after map[string]any
		want  []string
	}{
		{map[string]any{"status": models.EntryRejected, "members": []string{a, b}}, []string{a, b}},
		{map[string]any{"status": models.EntryRejected, "members": []any{a, b}}, []string{a, b}}, // as the database gives it back
		{map[string]any{"status": models.EntryRejected}, []string{a, c}},                         // recorded before decisions named them
	} {
		evs, err := n.incubationEvent(ctx, &models.AuditEntry{ID: "65f0c0ffee00000000000009", Action: models.AuditEntryDecide,
			ResourceType: string(models.KindEntry), ResourceID: entry.ID, After: tc.after}, event{key: "audit:65f0c0ffee00000000000009"})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || !slices.Equal(evs[0].recipients, tc.want) {
			t.Errorf("after %v: told %+v, want %v", tc.after, evs, tc.want)
		}
	}
}

// TestOrganisationDecisionsAreToldToTheMembersTheyRecord: a decision on an
// organisation, a base or a hire report is told to the members it
// recorded, whoever belongs by the time the notifier reads it; one recorded
// before decisions named their members is told to the members then.
func TestOrganisationDecisionsAreToldToTheMembersTheyRecord(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	const a, b, c = "65f0c0ffee000000000000a1", "65f0c0ffee000000000000b2", "65f0c0ffee000000000000c3"
	org := &models.Org{Name: "星河工作室", Kind: models.OrgEnterprise, District: "nanshan", MemberIDs: []string{a, b}}
	if err := st.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	base := &models.Base{Name: "星河实训基地", Kind: models.BaseTraining, District: "nanshan", OperatorOrgIDs: []string{org.ID}}
	if err := st.CreateBase(ctx, base); err != nil {
		t.Fatal(err)
	}
	rec := &models.Recruitment{TalentID: "65f0c0ffee000000000000d4", OrgID: org.ID, Date: "2025-04-01", Status: models.StatusVerified}
	if err := st.CreateRecruitment(ctx, rec); err != nil {
		t.Fatal(err)
	}
	// Decided while a and b were the members; then b leaves and c joins.
	if _, err := st.UpdateOrg(ctx, org.ID, 0, func(o *models.Org) error {
		o.MemberIDs = []string{a, c}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	n := New(st, st, Options{})
	for _, action := range []struct{ name, id string }{
		{models.AuditOrgDecide, org.ID}, {models.AuditBaseDecide, base.ID}, {models.AuditRecruitmentDecide, rec.ID},
	} {
		for _, tc := range []struct {
			after map[string]any
			want  []string
		}{
			{map[string]any{"status": "verified", "members": []any{a, b}}, []string{a, b}}, // as the database gives it back
			{map[string]any{"status": "verified", "members": []any{}}, nil},                // no member then: nobody
			{map[string]any{"status": "verified"}, []string{a, c}},                         // recorded before decisions named them
		} {
			evs, err := n.auditEvents(ctx, &models.AuditEntry{ID: "65f0c0ffee00000000000009", Action: action.name, ResourceID: action.id, After: tc.after})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 || !slices.Equal(evs[0].recipients, tc.want) {
				t.Errorf("%s after %v: told %+v, want %v", action.name, tc.after, evs, tc.want)
			}
		}
	}
}
