package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store"
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

// TestTheSweepReadsTheUntoldEntries: on the embedded database the
// notices' sweep reads an entry written with each notice, not every
// account (a scan of a million after each crash); an entry that points at
// nothing untold is kept while its change may still be landing, then
// dropped; a database from a release that kept no entries is scanned once
// and has them from then on. On MongoDB the sweep asks the sparse index
// and keeps no entries.
func TestTheSweepReadsTheUntoldEntries(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := storetest.MustOpen(t, func(o *store.Options) { o.Now = func() time.Time { return now } })
	embedded := storetest.Embedded() != nil
	u := newUser(t, s, "u@example.com", models.RoleCreator)
	v := newUser(t, s, "v@example.com", models.RoleCreator)
	w := newUser(t, s, "w@example.com", models.RoleCreator)
	pendingOf := func() []string {
		t.Helper()
		pending, err := s.PendingNotices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, p := range pending {
			for _, n := range p.Notices {
				keys = append(keys, p.User.ID+"/"+n.Key)
			}
		}
		slices.Sort(keys)
		return keys
	}
	entries := func(want ...string) {
		t.Helper()
		if !embedded {
			want = nil
		}
		if got := s.UntoldIDs(t); !slices.Equal(got, want) {
			t.Errorf("untold entries = %q, want %q", got, want)
		}
	}

	if _, err := s.UpdateAccount(ctx, u.ID, func(_ *models.User, st *models.AccountState) error {
		st.Notices = append(st.Notices, models.PendingNotice{Key: "pw:u:1", Kind: models.NotePasswordChanged, At: now})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	entries("notice:" + u.ID + "/pw:u:1")
	// What a release that kept no entries left: a notice without one.
	s.PutNotice(t, v.ID, "pw:v:1", now)
	want := []string{u.ID + "/pw:u:1"}
	if !embedded {
		want = append(want, v.ID+"/pw:v:1")
		slices.Sort(want)
	}
	if got := pendingOf(); !slices.Equal(got, want) {
		t.Fatalf("pending = %q, want %q (the embedded database's sweep reads the entries, not the accounts)", got, want)
	}

	if embedded {
		// An entry whose notice is not (or not yet) on its account.
		s.PutUntold(t, "notice:"+w.ID+"/pw:w:9", w.ID, now)
		if got := pendingOf(); !slices.Equal(got, []string{u.ID + "/pw:u:1"}) {
			t.Fatalf("pending with an entry of nothing = %q", got)
		}
		entries("notice:"+u.ID+"/pw:u:1", "notice:"+w.ID+"/pw:w:9")
		now = now.Add(2 * time.Minute)
		pendingOf()
		entries("notice:" + u.ID + "/pw:u:1")
	}
	if err := s.NoticeTold(ctx, u.ID, "pw:u:1"); err != nil {
		t.Fatal(err)
	}
	entries()

	// The first sweep of a database of that earlier release scans, and
	// writes the entries it lacked.
	s.ForgetUntold(t)
	if got := pendingOf(); !slices.Equal(got, []string{v.ID + "/pw:v:1"}) {
		t.Fatalf("pending after an upgrade = %q", got)
	}
	entries("notice:" + v.ID + "/pw:v:1")
	if err := s.NoticeTold(ctx, v.ID, "pw:v:1"); err != nil {
		t.Fatal(err)
	}
	entries()
	if got := pendingOf(); len(got) != 0 {
		t.Fatalf("pending after all is told = %q", got)
	}
}

// TestTheMessagesSweepReadsTheUntoldEntries: the same for messages, told
// in the order of their thread.
func TestTheMessagesSweepReadsTheUntoldEntries(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := storetest.MustOpen(t, func(o *store.Options) { o.Now = func() time.Time { return now } })
	embedded := storetest.Embedded() != nil
	untold := func() []string {
		t.Helper()
		ms, err := s.UntoldMessages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(ms))
		for i, m := range ms {
			ids[i] = m.ID
		}
		return ids
	}
	entries := func(want ...string) {
		t.Helper()
		if !embedded {
			want = nil
		}
		slices.Sort(want)
		if got := s.UntoldIDs(t); !slices.Equal(got, want) {
			t.Errorf("untold entries = %q, want %q", got, want)
		}
	}
	var inThread, their []string
	for range 11 {
		m, err := s.AppendMessage(ctx, "app1", &models.Message{Side: models.SideOrg, AuthorID: "u1", AuthorName: "A", Body: "hi", At: now})
		if err != nil {
			t.Fatal(err)
		}
		inThread = append(inThread, m.ID)
		their = append(their, "message:"+m.ID)
	}
	entries(their...)
	s.PutUntoldMessage(t, "app2", 0, now) // without its entry
	want := inThread
	if !embedded {
		want = append(slices.Clone(inThread), "app2#0")
	}
	if got := untold(); !slices.Equal(got, want) {
		t.Fatalf("untold = %q, want %q, in the thread's order", got, want)
	}
	for _, id := range inThread {
		if err := s.MessageTold(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	entries()
	if embedded {
		s.PutUntold(t, "message:app3#0", "app3#0", now) // its message never landed
		if got := untold(); len(got) != 0 {
			t.Fatalf("untold with an entry of nothing = %q", got)
		}
		entries("message:app3#0")
		now = now.Add(2 * time.Minute)
		untold()
		entries()
	}
	s.ForgetUntold(t)
	if got := untold(); !slices.Equal(got, []string{"app2#0"}) {
		t.Fatalf("untold after an upgrade = %q", got)
	}
	entries("message:app2#0")
	if err := s.MessageTold(ctx, "app2#0"); err != nil {
		t.Fatal(err)
	}
	entries()
}
