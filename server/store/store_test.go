package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/embeddb"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func wantCode(t *testing.T, err error, code models.Code) {
	t.Helper()
	if got := models.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

func newUser(t *testing.T, s *store.Store, email string, role models.Role) *models.User {
	t.Helper()
	u := &models.User{Email: email, Name: "N " + email, Role: role}
	if err := s.CreateUser(context.Background(), u, "hash-of-"+email); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)

	u := newUser(t, s, "ming@example.com", models.RoleCreator)
	if !models.ValidID(u.ID) || u.Version != 1 || u.CreatedAt.IsZero() {
		t.Fatalf("created user = %+v", u)
	}
	got, err := s.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if *got != *u {
		t.Fatalf("User = %+v, want %+v", got, u)
	}
	byEmail, hash, err := s.UserByEmail(ctx, "ming@example.com")
	if err != nil || byEmail.ID != u.ID || hash != "hash-of-ming@example.com" {
		t.Fatalf("UserByEmail = %+v, %q, %v", byEmail, hash, err)
	}

	err = s.CreateUser(ctx, &models.User{Email: "ming@example.com", Name: "Other", Role: models.RoleOrg}, "h")
	wantCode(t, err, models.CodeConflict)
	if models.ErrorFields(err)["email"] == "" {
		t.Errorf("conflict does not name the email field: %v", err)
	}

	_, err = s.User(ctx, "65f0c0ffee00000000000001")
	wantCode(t, err, models.CodeNotFound)
	_, err = s.User(ctx, "not-an-id")
	wantCode(t, err, models.CodeNotFound)
	_, _, err = s.UserByEmail(ctx, "nobody@example.com")
	wantCode(t, err, models.CodeNotFound)
}

func TestAdminMarker(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	if ok, err := s.AdminExists(ctx); err != nil || ok {
		t.Fatalf("fresh database: AdminExists = %v, %v", ok, err)
	}
	for range 2 { // idempotent
		if err := s.MarkAdminExists(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := s.AdminExists(ctx); err != nil || !ok {
		t.Fatalf("AdminExists = %v, %v", ok, err)
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	u := newUser(t, s, "a@example.com", models.RoleCreator)
	ss := &models.Session{ID: "abc123", UserID: u.ID, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour), ClientAddr: "127.0.0.1"}
	if err := s.CreateSession(ctx, ss); err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx, "abc123")
	if err != nil || got.UserID != u.ID || !got.ExpiresAt.Equal(ss.ExpiresAt) {
		t.Fatalf("Session = %+v, %v", got, err)
	}
	wantCode(t, s.CreateSession(ctx, ss), models.CodeConflict)
	list, err := s.UserSessions(ctx, u.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("UserSessions = %v, %v", list, err)
	}
	if err := s.DeleteSession(ctx, "abc123"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx, "abc123")
	wantCode(t, err, models.CodeNotFound)
	if err := s.DeleteSession(ctx, "abc123"); err != nil {
		t.Fatalf("deleting a missing session: %v", err)
	}
}

func TestPurgeExpired(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := storetest.MustOpen(t, func(o *store.Options) { o.Now = func() time.Time { return now } })
	u := newUser(t, s, "a@example.com", models.RoleCreator)
	for id, exp := range map[string]time.Time{"old": now.Add(-time.Minute), "live": now.Add(time.Minute)} {
		if err := s.CreateSession(ctx, &models.Session{ID: id, UserID: u.ID, CreatedAt: now, ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PurgeExpired(ctx)
	if err != nil || n != 1 {
		t.Fatalf("PurgeExpired = %d, %v", n, err)
	}
	if _, err := s.Session(ctx, "live"); err != nil {
		t.Fatalf("live session purged: %v", err)
	}
}

func talentFor(u *models.User) *models.Talent {
	in := models.TalentInput{Name: "李明", Skills: []string{"原画"}, Contact: models.ContactInput{Phone: "13812345678"},
		Works: []models.WorkInput{{Title: "山海", Tags: []string{"原画"}}}}
	in.Normalize()
	return models.NewTalent(u.ID, in)
}

func TestTalentCRUD(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	u := newUser(t, s, "a@example.com", models.RoleCreator)

	tal := talentFor(u)
	if err := s.CreateTalent(ctx, tal); err != nil {
		t.Fatal(err)
	}
	if tal.Version != 1 {
		t.Fatalf("version = %d", tal.Version)
	}
	wantCode(t, s.CreateTalent(ctx, talentFor(u)), models.CodeConflict)

	got, err := s.Talent(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "李明" || got.Contact.Phone != "13812345678" || len(got.Works) != 1 || got.Works[0].Tags[0] != "原画" ||
		!got.CreatedAt.Equal(tal.CreatedAt) || got.OwnerID != u.ID {
		t.Fatalf("Talent = %+v", got)
	}

	up, err := s.UpdateTalent(ctx, u.ID, 1, func(t *models.Talent) error { t.Headline = "原画师"; return nil })
	if err != nil || up.Version != 2 || up.Headline != "原画师" || !up.CreatedAt.Equal(tal.CreatedAt) {
		t.Fatalf("UpdateTalent = %+v, %v", up, err)
	}
	// A stale version changes nothing.
	_, err = s.UpdateTalent(ctx, u.ID, 1, func(t *models.Talent) error { t.Headline = "lost"; return nil })
	wantCode(t, err, models.CodePreconditionFailed)
	// An error from fn changes nothing.
	boom := errors.New("boom")
	if _, err := s.UpdateTalent(ctx, u.ID, 0, func(t *models.Talent) error { t.Headline = "lost"; return boom }); !errors.Is(err, boom) {
		t.Fatalf("fn error = %v", err)
	}
	got, _ = s.Talent(ctx, u.ID)
	if got.Headline != "原画师" || got.Version != 2 {
		t.Fatalf("after refused updates: %q v%d", got.Headline, got.Version)
	}

	_, err = s.UpdateTalent(ctx, "65f0c0ffee00000000000001", 0, func(*models.Talent) error { return nil })
	wantCode(t, err, models.CodeNotFound)

	wantCode(t, s.DeleteTalent(ctx, u.ID, 1), models.CodePreconditionFailed)
	if err := s.DeleteTalent(ctx, u.ID, 2); err != nil {
		t.Fatal(err)
	}
	_, err = s.Talent(ctx, u.ID)
	wantCode(t, err, models.CodeNotFound)
	wantCode(t, s.DeleteTalent(ctx, u.ID, 0), models.CodeNotFound)

	// Without a version, whatever version is stored goes.
	other := talentFor(newUser(t, s, "b@example.com", models.RoleCreator))
	if err := s.CreateTalent(ctx, other); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateTalent(ctx, other.ID, 0, func(t *models.Talent) error { t.Headline = "v2"; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTalent(ctx, other.ID, 0); err != nil {
		t.Fatalf("delete at any version: %v", err)
	}
	_, err = s.Talent(ctx, other.ID)
	wantCode(t, err, models.CodeNotFound)
}

// The embedded database loses concurrent updates of one document unless the
// store serialises them (docs/architecture.md "Data", 3). Conditional updates of the
// same version must have exactly one winner.
func TestConcurrentConditionalUpdatesHaveOneWinner(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	u := newUser(t, s, "a@example.com", models.RoleCreator)
	if err := s.CreateTalent(ctx, talentFor(u)); err != nil {
		t.Fatal(err)
	}
	const n = 50
	var wins, stale atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, err := s.UpdateTalent(ctx, u.ID, 1, func(t *models.Talent) error { t.YearsExperience = i + 1; return nil })
			switch models.ErrorCode(err) {
			case "":
				wins.Add(1)
			case models.CodePreconditionFailed:
				stale.Add(1)
			default:
				t.Errorf("update %d: %v", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if wins.Load() != 1 || stale.Load() != n-1 {
		t.Fatalf("winners = %d, stale = %d; want 1 and %d", wins.Load(), stale.Load(), n-1)
	}
	got, _ := s.Talent(ctx, u.ID)
	if got.Version != 2 {
		t.Fatalf("version = %d, want 2", got.Version)
	}
}

// Unconditional read-modify-writes must not lose each other's changes.
func TestConcurrentIncrementsAreNotLost(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	u := newUser(t, s, "a@example.com", models.RoleCreator)
	if err := s.CreateTalent(ctx, talentFor(u)); err != nil {
		t.Fatal(err)
	}
	const n = 100
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := s.UpdateTalent(ctx, u.ID, 0, func(t *models.Talent) error { t.YearsExperience++; return nil }); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, _ := s.Talent(ctx, u.ID)
	if got.YearsExperience != n || got.Version != n+1 {
		t.Fatalf("years = %d version = %d; want %d and %d", got.YearsExperience, got.Version, n, n+1)
	}
}

func TestLimits(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := storetest.MustOpen(t, func(o *store.Options) { o.Now = clock })

	if l, err := s.LimitGet(ctx, "k"); err != nil || l.Count != 0 {
		t.Fatalf("fresh LimitGet = %+v, %v", l, err)
	}
	const n = 40
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := s.LimitHit(ctx, "k", time.Minute); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	l, err := s.LimitGet(ctx, "k")
	if err != nil || l.Count != n || !l.ResetAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("after %d concurrent hits: %+v, %v", n, l, err)
	}

	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	if l, _ := s.LimitGet(ctx, "k"); l.Count != 0 {
		t.Fatalf("expired window still counts %d", l.Count)
	}
	if l, _ := s.LimitHit(ctx, "k", time.Minute); l.Count != 1 {
		t.Fatalf("new window starts at %d", l.Count)
	}
	if err := s.LimitReset(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.LimitGet(ctx, "k"); l.Count != 0 {
		t.Fatalf("after reset: %d", l.Count)
	}
	if err := s.LimitReset(ctx, "never"); err != nil {
		t.Fatalf("reset of a missing key: %v", err)
	}
}

func TestOpenIsIdempotentAndRepairCoversEveryCollection(t *testing.T) {
	ctx := context.Background()
	opts := storetest.Options(t)
	for range 2 {
		s, err := store.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close(ctx) })
	}
	srv := storetest.Embedded()
	if srv == nil {
		t.Skip("the _id repair is specific to the embedded database")
	}
	if _, err := srv.RepairIndexes(ctx, opts.Database, models.FeedCollections); err != nil {
		t.Fatal(err)
	}
	db, err := srv.OpenSQL(opts.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables, err := embeddb.Tables(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, coll := range store.Collections() {
		table, ok := tables[coll]
		if !ok {
			t.Errorf("collection %s was not created at open", coll)
			continue
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='index' AND name=?`, embeddb.IDIndexName(table)).Scan(&n); err != nil || n != 1 {
			t.Errorf("collection %s lacks the _id repair index (%d, %v)", coll, n, err)
		}
		// The collections followed by the index and the figures, where
		// the store made them at open, have the index their versions are
		// read from; no other collection pays for it in its writes.
		want := 0
		if slices.Contains(models.FeedCollections, coll) {
			want = 1
		}
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='index' AND name=?`, embeddb.VersionsIndexName(table)).Scan(&n); err != nil || n != want {
			t.Errorf("collection %s: %d versions indexes, want %d (%v)", coll, n, want, err)
		}
	}
	for _, coll := range []string{models.CollTalents, models.CollRecruitments} {
		if _, ok := tables[coll]; !ok || !slices.Contains(models.FeedCollections, coll) {
			t.Errorf("%s, whose versions a start after a crash reads, is not a feed collection made at open", coll)
		}
	}
}

// TestAuthCacheFollowsWrites: sessions and users are served from a cache
// after the first read, but a logout, a change of membership or a deleted
// account is seen by the very next read; and on a short time-to-live a
// change made behind the store's back (another process) is seen once it
// has passed.
func TestAuthCacheFollowsWrites(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	u := newUser(t, s, "cache@example.com", models.RoleOrg)
	for _, id := range []string{"s1", "s2"} {
		if err := s.CreateSession(ctx, &models.Session{ID: id, UserID: u.ID, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, id); err != nil { // now cached
			t.Fatal(err)
		}
	}
	if _, err := s.User(ctx, u.ID); err != nil { // now cached
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Session(ctx, "s1")
	wantCode(t, err, models.CodeNotFound)

	orgID := store.NewID()
	if _, err := s.SetUserOrg(ctx, u.ID, orgID, func(*models.User) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got, err := s.User(ctx, u.ID); err != nil || got.OrgID != orgID {
		t.Fatalf("after joining an organisation the cached user says %+v, %v", got, err)
	}
	// What callers get is theirs to change.
	got, _ := s.User(ctx, u.ID)
	got.Role = models.RoleAdmin
	if again, _ := s.User(ctx, u.ID); again.Role != models.RoleOrg {
		t.Fatal("a caller's change reached the cache")
	}

	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx, "s2")
	wantCode(t, err, models.CodeNotFound)
	_, err = s.User(ctx, u.ID)
	wantCode(t, err, models.CodeNotFound)

	// Another process's logout: a second store on the same database with a
	// short time-to-live sees it after that time, not before.
	opts := storetest.Options(t)
	a, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	opts.AuthCacheTTL = time.Second
	b, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	v := newUser(t, a, "other@example.com", models.RoleCreator)
	if err := a.CreateSession(ctx, &models.Session{ID: "s3", UserID: v.ID, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Session(ctx, "s3"); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteSession(ctx, "s3"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Session(ctx, "s3"); err != nil {
		t.Fatalf("within the time-to-live the other store should still answer from its cache: %v", err)
	}
	time.Sleep(1100 * time.Millisecond)
	_, err = b.Session(ctx, "s3")
	wantCode(t, err, models.CodeNotFound)
}

// The feed's prune watermark only rises, and says how far entries may be
// gone.
func TestPrunedBeforeWatermark(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	if w, err := s.PrunedBefore(ctx); err != nil || !w.IsZero() {
		t.Fatalf("a fresh feed: %v, %v", w, err)
	}
	t1 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{t1, t1.Add(-time.Hour)} {
		if _, err := s.PruneChanges(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	if w, err := s.PrunedBefore(ctx); err != nil || !w.Equal(t1) {
		t.Fatalf("watermark %v (%v), want %v: it must never go back", w, err, t1)
	}
}

// BulkInsert (the seed's path) refuses a model of another collection, a
// model without an id and a nil one, and stores nothing of such a batch.
func TestBulkInsertRefusesWhatItCannotStore(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	good := &models.Talent{ID: store.NewID(), Name: "甲", Visibility: models.VisibilityPublic}
	for name, docs := range map[string][]any{
		"another collection's model": {good, &models.Org{ID: store.NewID(), Name: "机构"}},
		"no id":                      {good, &models.Talent{Name: "乙"}},
		"a nil model":                {good, (*models.Talent)(nil)},
		"not a model":                {good, "talent"},
	} {
		if err := s.BulkInsert(ctx, models.CollTalents, docs); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, err := s.Talent(ctx, good.ID); !models.IsCode(err, models.CodeNotFound) {
			t.Errorf("%s: the good model of the refused batch was stored (%v)", name, err)
		}
	}
	if err := s.BulkInsert(ctx, "no_such_collection", []any{good}); err == nil {
		t.Error("an unknown collection: accepted")
	}
	if err := s.BulkInsert(ctx, models.CollTalents, []any{good}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Talent(ctx, good.ID); err != nil || got.Version != 1 || got.Name != "甲" {
		t.Fatalf("the stored talent: %+v %v", got, err)
	}
}

// TestSecretsAreMadeOnceAndKept: the pseudonym key exists from the first
// open, is 32 bytes, and every later open of the database (another
// process, a restart) reads the same one; other names get other secrets.
func TestSecretsAreMadeOnceAndKept(t *testing.T) {
	ctx := context.Background()
	opts := storetest.Options(t)
	var keys [][]byte
	for range 2 {
		s, err := store.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close(ctx) })
		k, err := s.Secret(ctx, models.SecretPseudonym)
		if err != nil || len(k) != 32 {
			t.Fatalf("Secret = %x, %v", k, err)
		}
		keys = append(keys, k)
		other, err := s.Secret(ctx, "another")
		if err != nil || bytes.Equal(other, k) {
			t.Fatalf("another secret = %x, %v", other, err)
		}
	}
	if !bytes.Equal(keys[0], keys[1]) {
		t.Fatalf("the key changed between two opens: %x, %x", keys[0], keys[1])
	}
	if bytes.Equal(keys[0], make([]byte, 32)) {
		t.Fatal("the key is zeros")
	}
}

// TestFeedFromAPosition: whichever source the feed has (the changes
// collection here; change streams under MONGODB_TEST_URI on a replica
// set), a follower that takes the feed's position, then reads from it,
// finds every write made after it, with its version, and the position
// after a read to the end is never behind where it began.
func TestFeedFromAPosition(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	before := newUser(t, s, "before@example.com", models.RoleCreator)
	if err := s.CreateTalent(ctx, talentFor(before)); err != nil {
		t.Fatal(err)
	}
	pos, err := s.FeedPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := newUser(t, s, "after@example.com", models.RoleCreator)
	tal := talentFor(u)
	if err := s.CreateTalent(ctx, tal); err != nil {
		t.Fatal(err)
	}
	o := &models.Org{Name: "后来的公司", Kind: models.OrgEnterprise, District: "nanshan", Status: models.StatusPending, CreatedBy: u.ID, MemberIDs: []string{u.ID}}
	if err := s.CreateOrg(ctx, o); err != nil {
		t.Fatal(err)
	}
	from, lost, err := s.FeedFrom(ctx, pos)
	if err != nil || lost {
		t.Fatalf("FeedFrom(%s) = %s, %v, %v", pos, from, lost, err)
	}
	seen := map[string]int64{}
	last := ""
	for range 100 {
		read, err := s.ReadFeed(ctx, from, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range read.Changes {
			if c.Seq <= last {
				t.Fatalf("entry %s after %s: out of order", c.Seq, last)
			}
			last = c.Seq
			seen[c.Coll+"/"+c.ID] = max(seen[c.Coll+"/"+c.ID], c.Version)
		}
		if read.Next < from {
			t.Fatalf("the position went back from %s to %s", from, read.Next)
		}
		if len(read.Changes) == 0 {
			break
		}
		from = read.Next
	}
	if seen[models.CollTalents+"/"+tal.ID] != tal.Version || seen[models.CollOrgs+"/"+o.ID] != o.Version {
		t.Fatalf("after the position the feed has %v; want the profile %s v%d and the org %s v%d", seen, tal.ID, tal.Version, o.ID, o.Version)
	}
}

// TestAtomically: on a replica set (MONGODB_TEST_URI) a failing fn leaves
// none of its writes and tells the observers nothing; a committed one
// tells them after the commit. The embedded database has no transactions:
// fn runs as it is (its callers order their writes for that), and the test
// says so.
func TestAtomically(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	var mu sync.Mutex
	var told []string
	s.Observe(func(_ context.Context, c models.Change) {
		mu.Lock()
		defer mu.Unlock()
		told = append(told, c.Coll)
	})
	u := newUser(t, s, "txn@example.com", models.RoleOrg)
	newOrg := func(name string) *models.Org {
		return &models.Org{Name: name, Kind: models.OrgEnterprise, District: "nanshan", Status: models.StatusPending, CreatedBy: u.ID, MemberIDs: []string{u.ID}}
	}
	boom := errors.New("the second write failed")
	o := newOrg("半途而废")
	err := s.Atomically(ctx, func(ctx context.Context) error {
		if err := s.CreateOrg(ctx, o); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Atomically = %v, want the fn's error", err)
	}
	_, gerr := s.Org(ctx, o.ID)
	mu.Lock()
	n := len(told)
	mu.Unlock()
	if s.ReplicaSet() {
		if !models.IsCode(gerr, models.CodeNotFound) || n != 0 {
			t.Fatalf("a failed transaction left its write (%v) or told %d observers", gerr, n)
		}
	} else if gerr != nil || n != 1 {
		t.Fatalf("without transactions fn runs as it is: org %v, told %d", gerr, n)
	}

	ok := newOrg("一气呵成")
	if err := s.Atomically(ctx, func(ctx context.Context) error {
		if err := s.CreateOrg(ctx, ok); err != nil {
			return err
		}
		_, err := s.SetUserOrg(ctx, u.ID, ok.ID, func(*models.User) error { return nil })
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.User(ctx, u.ID); err != nil || got.OrgID != ok.ID {
		t.Fatalf("after the commit: %+v, %v", got, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if told[len(told)-1] != models.CollOrgs {
		t.Fatalf("observers told %v; want the organisation after the commit", told)
	}
}

// TestFeedIgnoresWriterClocks: two processes on one replica set, one of
// them with a clock a minute fast. A follower that reads past the fast
// one's write still finds the other's later write: the change stream is in
// commit order. (The changes collection is ordered by the writers'
// clocks: there the follower skipped every entry of the slower host for
// about fifty seconds. It serves one process, so this runs only where the
// feed is a change stream: MONGODB_TEST_URI.)
func TestFeedIgnoresWriterClocks(t *testing.T) {
	ctx := context.Background()
	opts := storetest.Options(t)
	slow, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = slow.Drop(ctx); _ = slow.Close(ctx) })
	if !slow.Streams() {
		t.Skip("the feed is the changes collection here, ordered by the one process's clock")
	}
	fastOpts := opts
	fastOpts.Now = func() time.Time { return time.Now().Add(time.Minute) }
	fast, err := store.Open(ctx, fastOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fast.Close(ctx) })

	pos, err := slow.FeedPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first := newUser(t, fast, "fast@example.com", models.RoleCreator)
	if err := fast.CreateTalent(ctx, talentFor(first)); err != nil {
		t.Fatal(err)
	}
	read, err := slow.ReadFeed(ctx, pos, 100)
	if err != nil || len(read.Changes) == 0 {
		t.Fatalf("the fast host's write: %v, %v", read, err)
	}
	second := newUser(t, slow, "slow@example.com", models.RoleCreator)
	tal := talentFor(second)
	if err := slow.CreateTalent(ctx, tal); err != nil {
		t.Fatal(err)
	}
	from, _, err := slow.FeedFrom(ctx, read.Next)
	if err != nil {
		t.Fatal(err)
	}
	again, err := slow.ReadFeed(ctx, from, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range again.Changes {
		if c.Coll == models.CollTalents && c.ID == tal.ID {
			return
		}
	}
	t.Fatalf("after the fast host's write, the slow host's later write is not in the feed: %+v", again.Changes)
}
