package service_test

import (
	"testing"

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
