package store_test

import (
	"context"
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/mongo"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// TestRegistrationNeverBlocksAnEmail: a claim insert that answers an error
// after it was committed (a deadline, a failover) leaves a working account,
// one that failed before committing leaves nothing, and a claim naming an
// account that is gone (left by earlier code or a crash) is healed where it
// is read, so the email registers again.
func TestRegistrationNeverBlocksAnEmail(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	timeout := mongo.CommandError{Code: 50, Name: "MaxTimeMSExpired", Message: "operation exceeded time limit"}

	t.Run("an error after the commit", func(t *testing.T) {
		restore := store.SetClaimInsertHook(func(committed bool) error {
			if committed {
				return context.DeadlineExceeded
			}
			return nil
		})
		u := &models.User{Email: "late@example.com", Name: "L", Role: models.RoleCreator}
		err := s.CreateUser(ctx, u, "hash")
		restore()
		if err != nil {
			t.Fatalf("the registration failed though its claim was committed: %v", err)
		}
		got, _, err := s.UserByEmail(ctx, "late@example.com")
		if err != nil || got.ID != u.ID {
			t.Fatalf("the account by its email: %+v %v", got, err)
		}
	})
	t.Run("an error before the commit", func(t *testing.T) {
		restore := store.SetClaimInsertHook(func(committed bool) error {
			if !committed {
				return timeout
			}
			return nil
		})
		u := &models.User{Email: "early@example.com", Name: "E", Role: models.RoleCreator}
		err := s.CreateUser(ctx, u, "hash")
		restore()
		if err == nil {
			t.Fatal("a registration whose claim was never written succeeded")
		}
		if _, err := s.User(ctx, u.ID); !models.IsCode(err, models.CodeNotFound) {
			t.Fatalf("the account of a failed registration is left: %v", err)
		}
		// The email is free.
		if err := s.CreateUser(ctx, &models.User{Email: "early@example.com", Name: "E", Role: models.RoleCreator}, "hash"); err != nil {
			t.Fatalf("registering again: %v", err)
		}
	})
	t.Run("a claim naming an account that is gone", func(t *testing.T) {
		s.PutClaim(t, "ghost@example.com", "65f0c0ffee00000000000099")
		// Signing in finds nobody, and heals the claim ...
		if _, _, err := s.UserByEmail(ctx, "ghost@example.com"); !models.IsCode(err, models.CodeNotFound) {
			t.Fatalf("sign-in with a dangling claim: %v", err)
		}
		if err := s.CreateUser(ctx, &models.User{Email: "ghost@example.com", Name: "G", Role: models.RoleCreator}, "hash"); err != nil {
			t.Fatalf("registering an email whose claim was dangling: %v", err)
		}
		// ... and so does a registration that meets one.
		s.PutClaim(t, "ghost2@example.com", "65f0c0ffee00000000000098")
		u := &models.User{Email: "ghost2@example.com", Name: "G2", Role: models.RoleCreator}
		if err := s.CreateUser(ctx, u, "hash"); err != nil {
			t.Fatalf("registering over a dangling claim: %v", err)
		}
		if got, _, err := s.UserByEmail(ctx, "ghost2@example.com"); err != nil || got.ID != u.ID {
			t.Fatalf("after healing: %+v %v", got, err)
		}
	})
	t.Run("a live account keeps its email", func(t *testing.T) {
		u := &models.User{Email: "late@example.com", Name: "Other", Role: models.RoleCreator}
		if err := s.CreateUser(ctx, u, "hash"); !models.IsCode(err, models.CodeConflict) {
			t.Fatalf("a second account for a taken email: %v", err)
		}
		if _, err := s.User(ctx, u.ID); !models.IsCode(err, models.CodeNotFound) {
			t.Fatalf("the refused account is left: %v", err)
		}
	})
}

// TestFailoverErrorsAreUnavailable: the errors a replica set answers while
// it elects a primary, or when a write concern is not met, are 503 (try
// again), not 500.
func TestFailoverErrorsAreUnavailable(t *testing.T) {
	for name, err := range map[string]error{
		"NotWritablePrimary":              mongo.CommandError{Code: 10107, Name: "NotWritablePrimary"},
		"InterruptedDueToReplStateChange": mongo.CommandError{Code: 11602, Name: "InterruptedDueToReplStateChange"},
		"PrimarySteppedDown":              mongo.CommandError{Code: 189, Name: "PrimarySteppedDown"},
		"NotPrimaryNoSecondaryOk":         mongo.CommandError{Code: 13435, Name: "NotPrimaryNoSecondaryOk"},
		"ShutdownInProgress":              mongo.CommandError{Code: 91, Name: "ShutdownInProgress"},
		"a retryable label":               mongo.CommandError{Code: 1, Labels: []string{"RetryableWriteError"}},
		"a write concern error": mongo.WriteException{WriteConcernError: &mongo.WriteConcernError{Code: 64, Name: "WriteConcernFailed",
			Message: "waiting for replication timed out"}},
		"a write's NotWritablePrimary": mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 10107, Message: "not primary"}}},
	} {
		if got := store.Translate(err); !models.IsCode(got, models.CodeUnavailable) {
			t.Errorf("%s: %v (%s)", name, got, models.ErrorCode(got))
		}
	}
	// A duplicate key stays a conflict, any other error an internal one.
	if got := store.Translate(mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000}}}); !models.IsCode(got, models.CodeConflict) {
		t.Errorf("a duplicate key: %v", got)
	}
	if got := store.Translate(errors.New("boom")); !models.IsCode(got, models.CodeInternal) {
		t.Errorf("an unknown error: %v", got)
	}
}

// TestUpdatesKeepFieldsThisVersionDoesNotKnow: during a rolling deploy an
// older binary replaces documents that a newer one wrote with more fields;
// the fields it does not know survive its updates.
func TestUpdatesKeepFieldsThisVersionDoesNotKnow(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	u := &models.User{Email: "rolling@example.com", Name: "R", Role: models.RoleOrg}
	if err := s.CreateUser(ctx, u, "hash"); err != nil {
		t.Fatal(err)
	}
	o := &models.Org{Name: "滚动发布工作室", Kind: models.OrgEnterprise, District: "nanshan", Status: models.StatusPending, CreatedBy: u.ID, MemberIDs: []string{u.ID}}
	if err := s.CreateOrg(ctx, o); err != nil {
		t.Fatal(err)
	}
	s.SetRawField(t, "orgs", o.ID, "future_field", "kept")
	s.SetRawField(t, "users", u.ID, "future_field", "kept")
	if _, err := s.UpdateOrg(ctx, o.ID, 0, func(o *models.Org) error { o.Name = "改名工作室"; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, u.ID, "another hash"); err != nil {
		t.Fatal(err)
	}
	for _, coll := range []struct{ name, id string }{{"orgs", o.ID}, {"users", u.ID}} {
		if got := s.RawField(t, coll.name, coll.id, "future_field"); got != "kept" {
			t.Errorf("%s: the unknown field after an update: %v", coll.name, got)
		}
	}
	if got, err := s.Org(ctx, o.ID); err != nil || got.Name != "改名工作室" {
		t.Fatalf("the update itself: %+v %v", got, err)
	}
}
