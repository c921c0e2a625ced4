package service_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/szdc/talenthub/models"
)

// TestOrgUpdate: who may change an organisation's details, and in which
// state. Its managers change it before the bureau verifies it; after a
// rejection, their change sends it back to the bureau; a verified one is
// the bureau's to correct (its status stays). Every refusal changes
// nothing, and the audit trail records the fields that changed, only.
func TestOrgUpdate(t *testing.T) {
	w := newJourneyWorld(t)
	str := func(s string) *string { return &s }
	list := func(s ...string) *[]string { return &s }
	manager := w.account(t, "boss@new.example", models.RoleOrg)
	o, err := w.svc.Orgs.Create(w.ctx, manager, models.OrgInput{Name: "新星孵化器", Kind: models.OrgIncubator, District: "futian", Industries: []string{"games"}})
	must(t, err)
	manager = w.refresh(t, manager)
	unchanged := func(t *testing.T, what string, want *models.Org) {
		t.Helper()
		got, err := w.st.Org(w.ctx, want.ID)
		must(t, err)
		if d := cmp.Diff(want, got, ignoreTimes); d != "" {
			t.Errorf("%s changed the organisation (-before +after):\n%s", what, d)
		}
	}

	t.Run("its manager changes it while pending", func(t *testing.T) {
		got, err := w.svc.Orgs.Update(w.ctx, manager, o.ID, models.OrgUpdate{Name: str("  新星数字孵化器 "), District: str("nanshan"),
			Industries: list("games", "animation")}, o.Version)
		must(t, err)
		if got.Name != "新星数字孵化器" || got.District != "nanshan" || !cmp.Equal(got.Industries, []string{"games", "animation"}) ||
			got.Kind != models.OrgIncubator || got.Status != models.StatusPending || got.Version != o.Version+1 {
			t.Fatalf("after the change: %+v", got)
		}
		o = got
	})
	t.Run("bad changes are refused and change nothing", func(t *testing.T) {
		for _, c := range []struct {
			name    string
			u       models.OrgUpdate
			version int64
			code    models.Code
		}{
			{"an empty name", models.OrgUpdate{Name: str("  ")}, 0, models.CodeValidation},
			{"a district not in the taxonomy", models.OrgUpdate{District: str("atlantis")}, 0, models.CodeValidation},
			{"an unknown kind", models.OrgUpdate{Kind: str("club")}, 0, models.CodeValidation},
			{"an enterprise's flag on an incubator", models.OrgUpdate{Flags: list(models.FlagLeading)}, 0, models.CodeValidation},
			{"a stale version", models.OrgUpdate{Name: str("旧版本")}, o.Version - 1, models.CodePreconditionFailed},
		} {
			_, err := w.svc.Orgs.Update(w.ctx, manager, o.ID, c.u, c.version)
			if !models.IsCode(err, c.code) {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
			unchanged(t, c.name, o)
		}
	})
	t.Run("others may not change it", func(t *testing.T) {
		admin := &models.User{ID: "65f0c0ffee0000000000ad00", Role: models.RoleAdmin}
		for _, c := range []struct {
			name  string
			actor *models.User
			code  models.Code
		}{
			{"another organisation's member", w.member, models.CodeNotFound}, // a pending organisation is not theirs to see
			{"a creator", w.creator, models.CodeNotFound},
			{"an admin", admin, models.CodeForbidden},
			{"nobody signed in", nil, models.CodeUnauthenticated},
		} {
			_, err := w.svc.Orgs.Update(w.ctx, c.actor, o.ID, models.OrgUpdate{Name: str("夺走")}, 0)
			if !models.IsCode(err, c.code) {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		// A verified organisation is seen by all; still not theirs.
		_, err := w.svc.Orgs.Update(w.ctx, w.creator, w.org.ID, models.OrgUpdate{Name: str("夺走")}, 0)
		if !models.IsCode(err, models.CodeForbidden) {
			t.Errorf("a creator on a verified organisation: %v", err)
		}
		unchanged(t, "the refusals", o)
	})
	t.Run("after a rejection, a change goes back to the bureau", func(t *testing.T) {
		_, err := w.svc.Orgs.Decide(w.ctx, w.bureau, o.ID, models.DecisionInput{Decision: models.StatusRejected, Reason: "名称与营业执照不符"})
		must(t, err)
		got, err := w.svc.Orgs.Update(w.ctx, manager, o.ID, models.OrgUpdate{Name: str("深圳市新星数字孵化器有限公司")}, 0)
		must(t, err)
		if got.Status != models.StatusPending || got.Decision != nil {
			t.Fatalf("a rejected organisation changed: %s, decision %+v", got.Status, got.Decision)
		}
		got, err = w.svc.Orgs.Decide(w.ctx, w.bureau, o.ID, models.DecisionInput{Decision: models.StatusVerified})
		must(t, err)
		o = got
	})
	t.Run("verified: the bureau corrects it, its manager may not", func(t *testing.T) {
		manager = w.refresh(t, manager)
		_, err := w.svc.Orgs.Update(w.ctx, manager, o.ID, models.OrgUpdate{District: str("futian")}, 0)
		if r, _ := models.ErrorRefusal(err); !models.IsCode(err, models.CodeConflict) || r != models.RefusalOrgVerified {
			t.Fatalf("a manager's change to a verified organisation: %v (%s)", err, r)
		}
		unchanged(t, "the manager's change", o)
		got, err := w.svc.Orgs.Update(w.ctx, w.bureau, o.ID, models.OrgUpdate{Kind: str(models.OrgEnterprise), Flags: list(models.FlagLeading)}, 0)
		must(t, err)
		if got.Status != models.StatusVerified || got.Kind != models.OrgEnterprise || !got.HasFlag(models.FlagLeading) {
			t.Fatalf("the bureau's correction: %+v", got)
		}
		// The same values again: nothing to record.
		_, err = w.svc.Orgs.Update(w.ctx, w.bureau, o.ID, models.OrgUpdate{Kind: str(models.OrgEnterprise)}, 0)
		must(t, err)
	})
	t.Run("the audit trail records what changed", func(t *testing.T) {
		trail, err := w.svc.Audit.List(w.ctx, w.bureau, models.AuditFilter{Action: []string{models.AuditOrgUpdate}, ResourceID: []string{o.ID}})
		must(t, err)
		var got []string
		for _, e := range trail.Items {
			got = append(got, string(e.ActorRole)+" "+cmp.Diff(e.Before, e.After))
		}
		if len(trail.Items) != 3 {
			t.Fatalf("%d org.update entries, want 3 (the pending change, the resubmission, the correction):\n%v", len(trail.Items), got)
		}
		want := []map[string]any{
			{"org_kind": models.OrgEnterprise, "flags": models.FlagLeading},
			{"name": "深圳市新星数字孵化器有限公司", "status": string(models.StatusPending)},
			{"name": "新星数字孵化器", "district": "nanshan", "industries": "games,animation"},
		}
		for i, e := range trail.Items { // newest first
			if d := cmp.Diff(want[i], e.After); d != "" {
				t.Errorf("entry %d's changes (-want +got):\n%s", i, d)
			}
		}
	})
}

// TestBaseUpdate: the same rule for a base. The members of the
// organisation that registered it change it before the bureau verifies it
// (a co-operator's members may not); after a rejection their change sends
// it back to the bureau; a verified one is the bureau's to correct, and
// the innovation-bases figure follows the bureau's correction of its kind.
func TestBaseUpdate(t *testing.T) {
	w := newJourneyWorld(t)
	str := func(s string) *string { return &s }
	n := func(v int) *int { return &v }
	// A second verified organisation, named as co-operator and confirming.
	other := w.account(t, "uni@campus.example", models.RoleOrg)
	o2, err := w.svc.Orgs.Create(w.ctx, other, models.OrgInput{Name: "数字大学", Kind: models.OrgUniversity, District: "nanshan"})
	must(t, err)
	_, err = w.svc.Orgs.Decide(w.ctx, w.bureau, o2.ID, models.DecisionInput{Decision: models.StatusVerified})
	must(t, err)
	other = w.refresh(t, other)
	b, err := w.svc.Bases.Create(w.ctx, w.member, models.BaseInput{Name: "星河实训基地", Kind: models.BaseTraining, District: "nanshan",
		OperatorOrgIDs: []string{w.org.ID, o2.ID}, Capacity: 40})
	must(t, err)
	b, err = w.svc.Bases.AnswerOperation(w.ctx, other, b.ID, models.OperationAnswer{Decision: "confirm"})
	must(t, err)

	got, err := w.svc.Bases.Update(w.ctx, w.member, b.ID, models.BaseUpdate{Name: str(" 星河数字实训基地 "), Capacity: n(60), EstablishedOn: str("2024-03-01")}, b.Version)
	must(t, err)
	if got.Name != "星河数字实训基地" || got.Capacity != 60 || got.EstablishedOn != "2024-03-01" || got.Status != models.StatusPending ||
		len(got.OperatorOrgIDs) != 2 {
		t.Fatalf("after the change: %+v", got)
	}
	b = got
	for _, c := range []struct {
		name  string
		actor *models.User
		u     models.BaseUpdate
		code  models.Code
	}{
		{"a co-operator's member", other, models.BaseUpdate{Name: str("夺走")}, models.CodeForbidden},
		{"a creator", w.creator, models.BaseUpdate{Name: str("夺走")}, models.CodeNotFound},
		{"an unknown kind", w.member, models.BaseUpdate{Kind: str("castle")}, models.CodeValidation},
		{"a bad date", w.member, models.BaseUpdate{EstablishedOn: str("2024-13-01")}, models.CodeValidation},
		{"a negative capacity", w.member, models.BaseUpdate{Capacity: n(-1)}, models.CodeValidation},
	} {
		if _, err := w.svc.Bases.Update(w.ctx, c.actor, b.ID, c.u, 0); !models.IsCode(err, c.code) {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	if now, _ := w.st.Base(w.ctx, b.ID); now.Version != b.Version {
		t.Fatalf("a refusal changed the base: %+v", now)
	}

	_, err = w.svc.Bases.Decide(w.ctx, w.bureau, b.ID, models.DecisionInput{Decision: models.StatusRejected, Reason: "容量不实"})
	must(t, err)
	got, err = w.svc.Bases.Update(w.ctx, w.member, b.ID, models.BaseUpdate{Capacity: n(30)}, 0)
	must(t, err)
	if got.Status != models.StatusPending || got.Decision != nil {
		t.Fatalf("a rejected base changed: %s", got.Status)
	}
	_, err = w.svc.Bases.Decide(w.ctx, w.bureau, b.ID, models.DecisionInput{Decision: models.StatusVerified})
	must(t, err)
	_, err = w.svc.Bases.Update(w.ctx, w.member, b.ID, models.BaseUpdate{Capacity: n(90)}, 0)
	if r, _ := models.ErrorRefusal(err); !models.IsCode(err, models.CodeConflict) || r != models.RefusalBaseVerified {
		t.Fatalf("a member's change to a verified base: %v", err)
	}

	// The bureau makes it an innovation base: run by a university, it
	// counts toward the innovation bases at once.
	innovation := func() int {
		t.Helper()
		year := time.Now().In(models.ChinaTime).Year()
		for _, tg := range w.fig.Targets(models.DefaultTargets(), year) {
			if tg.Metric == "innovation_bases" {
				return int(tg.Actual)
			}
		}
		t.Fatal("no innovation_bases target")
		return 0
	}
	before := innovation()
	got, err = w.svc.Bases.Update(w.ctx, w.bureau, b.ID, models.BaseUpdate{Kind: str(models.BaseInnovation)}, 0)
	must(t, err)
	if got.Status != models.StatusVerified || got.Kind != models.BaseInnovation {
		t.Fatalf("the bureau's correction: %+v", got)
	}
	if after := innovation(); after != before+1 {
		t.Errorf("innovation bases %d after the correction, %d before", after, before)
	}
	trail, err := w.svc.Audit.List(w.ctx, w.bureau, models.AuditFilter{Action: []string{models.AuditBaseUpdate}, ResourceID: []string{b.ID}})
	must(t, err)
	if len(trail.Items) != 3 || trail.Items[0].After["base_kind"] != models.BaseInnovation || trail.Items[0].ActorRole != models.RoleBureau {
		t.Errorf("the audit trail of the base's changes: %d entries, newest %+v", len(trail.Items), trail.Items[0])
	}
}
