package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store/storetest"
)

// TestAccountNoticesAndGeneration: the notices and the session generation
// are written by UpdateAccount with the rest of the account; a told notice
// leaves without a new version of the account (its owner may be editing
// with the version they read), and the last one leaves no field behind.
func TestAccountNoticesAndGeneration(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	u := newUser(t, s, "a@example.com", models.RoleCreator)
	bystander := newUser(t, s, "b@example.com", models.RoleCreator)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	written, err := s.UpdateAccount(ctx, u.ID, func(_ *models.User, st *models.AccountState) error {
		st.SessionGen, st.KeptSession = 3, "kept"
		st.Notices = append(st.Notices, models.PendingNotice{Key: "pw:1", Kind: models.NotePasswordChanged, At: at},
			models.PendingNotice{Key: "disabled:2", Kind: models.NoteAccountDisabled, At: at})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.User(ctx, u.ID); err != nil || got.SessionGen != 3 || got.KeptSession != "kept" {
		t.Fatalf("the generation as read: %+v, %v", got, err)
	}
	pending, err := s.PendingNotices(ctx)
	if err != nil || len(pending) != 1 || pending[0].User.ID != u.ID || len(pending[0].Notices) != 2 ||
		pending[0].Notices[0] != (models.PendingNotice{Key: "pw:1", Kind: models.NotePasswordChanged, At: at}) {
		t.Fatalf("PendingNotices = %+v, %v", pending, err)
	}
	if err := s.NoticeTold(ctx, u.ID, "pw:1"); err != nil {
		t.Fatal(err)
	}
	if err := s.NoticeTold(ctx, bystander.ID, "pw:1"); err != nil {
		t.Fatalf("an account without that notice: %v", err)
	}
	pending, err = s.PendingNotices(ctx)
	if err != nil || len(pending) != 1 || len(pending[0].Notices) != 1 || pending[0].Notices[0].Key != "disabled:2" {
		t.Fatalf("after one is told: %+v, %v", pending, err)
	}
	if err := s.NoticeTold(ctx, u.ID, "disabled:2"); err != nil {
		t.Fatal(err)
	}
	if pending, err := s.PendingNotices(ctx); err != nil || len(pending) != 0 {
		t.Fatalf("after both are told: %+v, %v", pending, err)
	}
	if got := s.RawField(t, "users", u.ID, "notices"); got != nil {
		t.Errorf("the notices field after the last is told: %v", got)
	}
	got, err := s.User(ctx, u.ID)
	if err != nil || got.Version != written.Version || got.SessionGen != 3 {
		t.Errorf("telling made a new version or lost the generation: %+v (written at version %d), %v", got, written.Version, err)
	}

	ss := &models.Session{ID: "s1", UserID: u.ID, CreatedAt: at, ExpiresAt: at.Add(time.Hour), Gen: 3}
	if err := s.CreateSession(ctx, ss); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Session(ctx, "s1"); err != nil || got.Gen != 3 {
		t.Errorf("the session's generation: %+v, %v", got, err)
	}
}

// TestUntoldMessages: a message is stored marked untold, and told once
// its notifications are made.
func TestUntoldMessages(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	m, err := s.AppendMessage(ctx, "app1", &models.Message{Side: models.SideOrg, AuthorID: "u1", AuthorName: "A", Body: "hi", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	untold, err := s.UntoldMessages(ctx)
	if err != nil || len(untold) != 1 || untold[0].ID != m.ID || untold[0].App != "app1" || untold[0].N != 0 {
		t.Fatalf("UntoldMessages = %+v, %v", untold, err)
	}
	if err := s.MessageTold(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if untold, err := s.UntoldMessages(ctx); err != nil || len(untold) != 0 {
		t.Fatalf("after it is told: %+v, %v", untold, err)
	}
	if got, err := s.Messages(ctx, "app1", 0, 1); err != nil || len(got) != 1 || got[0].Body != "hi" {
		t.Fatalf("the message after it is told: %+v, %v", got, err)
	}
}
