package search_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func newOrg(t *testing.T, st *store.Store, name string) *models.Org {
	t.Helper()
	o := &models.Org{Name: name, Kind: models.OrgEnterprise, District: "nanshan", Status: models.StatusPending, CreatedBy: "x"}
	if err := st.CreateOrg(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o
}

func orgs(t *testing.T, ix *search.Index, status string) []string {
	t.Helper()
	q := models.ListQuery{Coll: models.CollOrgs, Page: models.Page{Page: 1, PerPage: 100}}
	if status != "" {
		q.All = []models.AnyOf{models.Terms("status", status)}
	}
	ids, _, err := ix.List(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// follower is an in-memory index over a fresh store, closed with the test.
func follower(t *testing.T) (*store.Store, *search.Index) {
	t.Helper()
	st := storetest.MustOpen(t)
	ix, err := search.Open(context.Background(), search.Options{Source: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return st, ix
}

// Another process's writes (no observer here) reach the index through the
// change feed: creates, updates and deletes.
func TestCatchUpFollowsTheFeed(t *testing.T) {
	ctx := context.Background()
	st, ix := follower(t)

	a := newOrg(t, st, "A")
	newOrg(t, st, "B")
	if got := orgs(t, ix, ""); len(got) != 0 {
		t.Fatalf("indexed before catching up: %v", got)
	}
	if n, err := ix.CatchUp(ctx); err != nil || n != 2 {
		t.Fatalf("CatchUp = %d, %v", n, err)
	}
	if got := orgs(t, ix, "pending"); len(got) != 2 {
		t.Fatalf("after catch-up: %v", got)
	}
	if _, err := st.UpdateOrg(ctx, a.ID, 0, func(o *models.Org) error { o.Status = models.StatusVerified; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := orgs(t, ix, "verified"); len(got) != 1 || got[0] != a.ID {
		t.Fatalf("after update: %v", got)
	}
	// Re-reading the overlap window applies nothing twice.
	if n, err := ix.CatchUp(ctx); err != nil || n != 0 {
		t.Fatalf("idle CatchUp = %d, %v", n, err)
	}
	if !ix.CaughtUp(time.Minute) {
		t.Error("not caught up after a catch-up")
	}
	// A deletion is a tombstone in the feed.
	p := &models.Project{OrgID: a.ID, Title: "T", Kind: models.ProjectJob, Status: models.ProjectOpen}
	if err := st.CreateProject(ctx, p); err != nil {
		t.Fatal(err)
	}
	projects := func() int {
		_, n, err := ix.List(ctx, models.ListQuery{Coll: models.CollProjects})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, err := ix.CatchUp(ctx); err != nil || projects() != 1 {
		t.Fatalf("project not indexed: %v", err)
	}
	if err := st.DeleteProject(ctx, p.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.CatchUp(ctx); err != nil || projects() != 0 {
		t.Fatalf("deleted project still indexed: %v", err)
	}
}

// The process that writes indexes at once, through its observer.
func TestObserverIndexesLocalWritesAtOnce(t *testing.T) {
	st, ix := follower(t)
	st.Observe(ix.Observe)
	a := newOrg(t, st, "A")
	if got := orgs(t, ix, "pending"); len(got) != 1 || got[0] != a.ID {
		t.Fatalf("local write not indexed at once: %v", got)
	}
}

// A write whose feed entry was lost (a crash between the write and its
// record) is found by reconciliation, which compares versions.
func TestReconcileFindsLostChanges(t *testing.T) {
	ctx := context.Background()
	st, ix := follower(t)
	a := newOrg(t, st, "A")
	b := newOrg(t, st, "B")
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	// Lose every feed entry from now on, then change A and delete nothing.
	if _, err := st.UpdateOrg(ctx, a.ID, 0, func(o *models.Org) error { o.Status = models.StatusVerified; return nil }); err != nil {
		t.Fatal(err)
	}
	c := newOrg(t, st, "C")
	if _, err := st.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := orgs(t, ix, "verified"); len(got) != 0 {
		t.Fatalf("the lost change was applied without reconciliation: %v", got)
	}
	n, err := ix.Reconcile(ctx)
	if err != nil || n != 2 {
		t.Fatalf("Reconcile = %d, %v; want 2 fixed (A's update, C's creation)", n, err)
	}
	if got := orgs(t, ix, "verified"); len(got) != 1 || got[0] != a.ID {
		t.Fatalf("after reconcile: %v", got)
	}
	if got := orgs(t, ix, ""); len(got) != 3 {
		t.Fatalf("after reconcile, all: %v (b=%s c=%s)", got, b.ID, c.ID)
	}
	if n, err := ix.Reconcile(ctx); err != nil || n != 0 {
		t.Fatalf("second Reconcile = %d, %v", n, err)
	}
}

// A new index is built from the database; a broken or deleted one is
// quarantined and rebuilt.
func TestOpenRebuildsAndQuarantines(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	a := newOrg(t, st, "A")
	dir := filepath.Join(t.TempDir(), "index")

	ix, err := search.Open(ctx, search.Options{Dir: dir, Source: st})
	if err != nil {
		t.Fatal(err)
	}
	if got := orgs(t, ix, ""); len(got) != 1 || got[0] != a.ID {
		t.Fatalf("built index: %v", got)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	// Corrupt it: the index metadata becomes garbage.
	if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	ix, err = search.Open(ctx, search.Options{Dir: dir, Source: st})
	if err != nil {
		t.Fatalf("a broken index was not rebuilt: %v", err)
	}
	if got := orgs(t, ix, ""); len(got) != 1 {
		t.Fatalf("rebuilt index: %v", got)
	}
	_ = ix.Close()
	broken, _ := filepath.Glob(dir + ".broken-*")
	if len(broken) != 1 {
		t.Fatalf("quarantined copies: %v", broken)
	}

	// Deleted entirely: rebuilt too.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	ix, err = search.Open(ctx, search.Options{Dir: dir, Source: st})
	if err != nil {
		t.Fatal(err)
	}
	if got := orgs(t, ix, ""); len(got) != 1 {
		t.Fatalf("index rebuilt after deletion: %v", got)
	}
	_ = ix.Close()
}

// An idle feed is not a missed feed: a follower that reads an idle feed for
// longer than the feed keeps entries, while it is pruned, needs no
// reconciliation (before: an idle server reconciled every second once its
// last entry was older than the retention, and a restart after a long
// stop or a seed reconciled everything: six minutes at 1M profiles); one
// whose unread entries were pruned needs one, once.
func TestIdleFeedNeedsNoReconcile(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	clock := func() time.Time { return now }
	st := storetest.MustOpen(t, func(o *store.Options) { o.Now = clock })
	if st.Streams() {
		t.Skip("the feed is a change stream here: the changes collection and its pruning are not read")
	}
	ix, err := search.Open(ctx, search.Options{Source: st, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	newOrg(t, st, "A")
	for i := range 20 { // ten idle minutes, read every 30 s, pruned to two minutes
		if _, err := ix.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if ix.NeedsReconcile() {
			t.Fatalf("after %d idle reads the index asks for a reconciliation", i)
		}
		now = now.Add(30 * time.Second)
		if _, err := st.PruneChanges(ctx, now.Add(-2*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	// A follower that stopped reading while the feed was pruned past it.
	now = now.Add(10 * time.Minute)
	if _, err := st.PruneChanges(ctx, now.Add(-2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if !ix.NeedsReconcile() {
		t.Fatal("a follower whose unread entries were pruned does not reconcile")
	}
	if _, err := ix.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	if _, err := ix.CatchUp(ctx); err != nil || ix.NeedsReconcile() {
		t.Fatalf("after reconciling, the next read asks again (%v)", err)
	}
}

// A local change the index failed to apply is normally brought by the
// catch-up, from its feed entry; when the store could not write that entry
// either (a full disk between the two writes) the index must resynchronise
// rather than wait for the hourly reconcile.
func TestAFailedChangeWithoutFeedEntryIsReconciled(t *testing.T) {
	ctx := context.Background()
	ix, err := search.Open(ctx, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// A document the index cannot take stands for any failure to apply.
	unindexable := models.Change{Coll: models.CollOrgs, ID: "65f0c0ffee00000000000001", Version: 1, Doc: struct{}{}}
	ix.Observe(ctx, unindexable)
	if ix.NeedsReconcile() {
		t.Fatal("a failed change with its feed entry asked for a reconcile; the catch-up brings it")
	}
	unindexable.Unrecorded = true
	ix.Observe(ctx, unindexable)
	if !ix.NeedsReconcile() {
		t.Fatal("a failed change without a feed entry left the index to the hourly reconcile")
	}
}

// heldDoc is a store whose Doc, once armed, reads a document and then
// waits before it answers, as a reconciliation reading at a million
// profiles leaves time for other writes between its read and its write.
type heldDoc struct {
	*store.Store
	armed   chan struct{} // closed: the next Doc is held
	read    chan struct{} // closed when the held Doc has read
	release chan struct{}
}

func (h *heldDoc) Doc(ctx context.Context, coll, id string) (any, error) {
	doc, err := h.Store.Doc(ctx, coll, id)
	select {
	case <-h.armed:
		h.armed = make(chan struct{}) // once
		close(h.read)
		<-h.release
	default:
	}
	return doc, err
}

// A reconciliation runs beside the catch-ups (at a million profiles it
// reads for minutes): a change the feed brings meanwhile is applied at
// once, and the reconciliation does not then write over it the older
// version it had read.
func TestReconcileBesideCatchUpsKeepsTheNewerVersion(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	src := &heldDoc{Store: st, armed: make(chan struct{}), read: make(chan struct{}), release: make(chan struct{})}
	ix, err := search.Open(ctx, search.Options{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	a := newOrg(t, st, "A")
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	// A change whose feed entry is lost: only a reconciliation finds it.
	if _, err := st.UpdateOrg(ctx, a.ID, 0, func(o *models.Org) error { o.Name = "A2"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	close(src.armed)
	reconciled := make(chan error, 1)
	go func() { _, err := ix.Reconcile(ctx); reconciled <- err }()
	<-src.read // the reconciliation holds A as "A2", pending
	if _, err := st.UpdateOrg(ctx, a.ID, 0, func(o *models.Org) error { o.Status = models.StatusVerified; return nil }); err != nil {
		t.Fatal(err)
	}
	caught := make(chan error, 1)
	go func() { _, err := ix.CatchUp(ctx); caught <- err }()
	select {
	case err := <-caught:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		close(src.release)
		t.Fatal("the catch-up waited for the reconciliation")
	}
	if got := orgs(t, ix, "verified"); len(got) != 1 {
		t.Fatalf("the catch-up beside a reconciliation did not apply the change: %v", got)
	}
	close(src.release)
	if err := <-reconciled; err != nil {
		t.Fatal(err)
	}
	if got := orgs(t, ix, "verified"); len(got) != 1 {
		t.Fatalf("the reconciliation wrote the older version it had read over the newer: verified %v, pending %v", got, orgs(t, ix, "pending"))
	}
	// The catch-up found the feed pruned past its cursor while the
	// reconciliation ran: that gap waits for the next one.
	if !ix.NeedsReconcile() {
		t.Fatal("a gap found during a reconciliation was taken as covered by it")
	}
	if _, err := ix.Reconcile(ctx); err != nil || ix.NeedsReconcile() {
		t.Fatalf("after a second reconciliation: %v, needs another: %v", err, ix.NeedsReconcile())
	}
}

// An index closed while a reconciliation is still owed (a stop soon after
// a crash, a change lost with its feed entry) is not marked closed
// cleanly: the next start reconciles it, rather than forgetting the gap.
func TestAnIndexClosedBeforeItsReconciliationIsReconciledAtTheNextStart(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := search.Open(ctx, search.Options{Dir: dir, Source: st})
	if err != nil {
		t.Fatal(err)
	}
	// A change that failed with its feed entry (Observe's rule).
	ix.Observe(ctx, models.Change{Coll: models.CollOrgs, ID: "65f0c0ffee00000000000001", Version: 1, Doc: struct{}{}, Unrecorded: true})
	if !ix.NeedsReconcile() {
		t.Fatal("no reconcile owed")
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = search.Open(ctx, search.Options{Dir: dir, Source: st})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !ix.NeedsReconcile() {
		t.Fatal("the reconcile owed at the close was forgotten at the next start")
	}
	if _, err := ix.Reconcile(ctx); err != nil || ix.NeedsReconcile() {
		t.Fatalf("reconcile: %v, still owed: %v", err, ix.NeedsReconcile())
	}
}
