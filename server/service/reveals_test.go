package service_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// The contact reveals of a profile are recorded once per viewer, profile
// and day (Shenzhen time), before the contact is shown; over a real
// database and index, with a clock the test moves.

// revealWorld is a creator's profile with contact details, two bureau
// officers and the services over a store whose audit writes can be made
// to fail.
type revealWorld struct {
	ctx      context.Context
	st       *store.Store
	stores   *flakyAudit
	ix       *search.Index
	svc      *service.All
	now      atomic.Pointer[time.Time]
	creator  *models.User
	talent   *models.Talent
	officers [2]*models.User
}

// flakyAudit is the real store, whose batch audit writes fail while fail
// is set.
type flakyAudit struct {
	service.Stores
	fail atomic.Bool
}

func (f *flakyAudit) AppendAudit(ctx context.Context, entries []*models.AuditEntry) []error {
	if f.fail.Load() {
		errs := make([]error, len(entries))
		for i := range errs {
			errs[i] = errors.New("the disk is full")
		}
		return errs
	}
	return f.Stores.AppendAudit(ctx, entries)
}

func newRevealWorld(t *testing.T) *revealWorld {
	t.Helper()
	ctx := context.Background()
	w := &revealWorld{ctx: ctx, st: storetest.MustOpen(t)}
	w.stores = &flakyAudit{Stores: w.st}
	w.setClock("2026-03-01T10:00:00+08:00")
	logger := slog.New(slog.DiscardHandler)
	ix, err := search.Open(ctx, search.Options{Source: w.st, Logger: logger})
	must(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	w.st.Observe(ix.Observe)
	w.ix = ix
	w.svc = w.services()
	must(t, w.svc.Taxonomies.Seed(ctx))
	w.creator = &models.User{Email: "ming@example.com", Name: "ming", Role: models.RoleCreator}
	must(t, w.st.CreateUser(ctx, w.creator, "h"))
	w.talent, err = w.svc.Talents.Create(ctx, w.creator, models.TalentInput{Name: "李明", Headline: "原画师", Skills: []string{"原画"},
		District: "futian", Visibility: models.VisibilityPublic, Contact: models.ContactInput{Phone: "13812345678"}})
	must(t, err)
	for i := range w.officers {
		w.officers[i] = &models.User{ID: store.NewID(), Role: models.RoleBureau}
	}
	return w
}

// services wires a set of services over the world's store: a second set
// is what another process on the same MongoDB would be (its own memory
// of the reveals recorded).
func (w *revealWorld) services() *service.All {
	return service.New(service.Config{Store: w.stores, Index: w.ix, Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return *w.now.Load() }})
}

func (w *revealWorld) setClock(rfc3339 string) {
	at, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		panic(err)
	}
	w.now.Store(&at)
}

// view reads the profile as the officer and says whether the contact was
// shown.
func (w *revealWorld) view(t *testing.T, svc *service.All, officer *models.User) bool {
	t.Helper()
	v, err := svc.Talents.Get(w.ctx, officer, w.talent.ID)
	must(t, err)
	return v.Contact.Phone == "13812345678" && !v.ContactMasked
}

// reveals are the talent's reveal entries in the database, and the total
// the audit trail's list (the index) gives for them.
func (w *revealWorld) reveals(t *testing.T) ([]*models.AuditEntry, int) {
	t.Helper()
	rs, err := w.st.TalentReveals(w.ctx, w.talent.ID)
	must(t, err)
	// Reveals written together in one batch reach the index through the
	// change feed, as another process's writes do: its follower would
	// apply them within a second.
	_, err = w.ix.CatchUp(w.ctx)
	must(t, err)
	l, err := w.svc.Audit.List(w.ctx, w.officers[0], models.AuditFilter{Action: []string{models.AuditContactReveal},
		ResourceID: []string{w.talent.ID}, Page: models.Page{Page: 1, PerPage: 100}})
	must(t, err)
	return rs, l.Total
}

func TestRevealsAreRecordedOncePerViewerProfileAndDay(t *testing.T) {
	w := newRevealWorld(t)
	a, b := w.officers[0], w.officers[1]
	for range 5 {
		if !w.view(t, w.svc, a) {
			t.Fatal("the bureau does not see the contact")
		}
	}
	rs, listed := w.reveals(t)
	if len(rs) != 1 || listed != 1 || rs[0].ActorID != a.ID || rs[0].ActorRole != models.RoleBureau {
		t.Fatalf("five views by one officer on one day: %d entries (%d listed) %+v, want one", len(rs), listed, rs)
	}
	if want := w.now.Load().UTC(); !rs[0].At.Equal(want) {
		t.Errorf("the entry is at %s, want the first view's time %s", rs[0].At, want)
	}

	// Another viewer, the same day: an entry of their own.
	w.view(t, w.svc, b)
	if rs, listed := w.reveals(t); len(rs) != 2 || listed != 2 {
		t.Fatalf("after a second officer's view: %d entries (%d listed), want 2", len(rs), listed)
	}

	// Another process (its own memory) the same day: its write of the
	// day's entry is a duplicate, taken as recorded, and it shows the
	// contact.
	other := w.services()
	if !w.view(t, other, a) {
		t.Fatal("another process refuses the contact the day's entry allows")
	}
	if rs, _ := w.reveals(t); len(rs) != 2 {
		t.Fatalf("another process's view wrote a second entry for the day: %d entries", len(rs))
	}

	// 00:30 in Shenzhen is another day, though it is the same day in UTC.
	w.setClock("2026-03-02T00:30:00+08:00")
	w.view(t, w.svc, a)
	w.view(t, w.svc, a)
	rs, listed = w.reveals(t)
	if len(rs) != 3 || listed != 3 {
		t.Fatalf("the next day's views: %d entries (%d listed), want 3", len(rs), listed)
	}

	// The creator's export lists the same entries: who saw the contact,
	// on which days.
	x, err := w.svc.Talents.Export(w.ctx, w.creator, w.talent.ID)
	must(t, err)
	if len(x.ContactReveals) != 3 {
		t.Errorf("the export lists %d reveals, want 3", len(x.ContactReveals))
	}
}

func TestRevealsOfManyFirstViewsAtOnceMakeOneEntry(t *testing.T) {
	w := newRevealWorld(t)
	var wg sync.WaitGroup
	shown := make([]bool, 20)
	for i := range shown {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := w.svc.Talents.Get(w.ctx, w.officers[0], w.talent.ID)
			shown[i] = err == nil && !v.ContactMasked
		}()
	}
	wg.Wait()
	for i, ok := range shown {
		if !ok {
			t.Fatalf("view %d did not show the contact", i)
		}
	}
	if rs, listed := w.reveals(t); len(rs) != 1 || listed != 1 {
		t.Fatalf("20 views at once by one officer: %d entries (%d listed), want 1", len(rs), listed)
	}
}

func TestRevealRefusedWhenItCannotBeRecorded(t *testing.T) {
	w := newRevealWorld(t)
	w.stores.fail.Store(true)
	v, err := w.svc.Talents.Get(w.ctx, w.officers[0], w.talent.ID)
	if !models.IsCode(err, models.CodeUnavailable) || v != nil {
		t.Fatalf("a view whose reveal cannot be recorded: %+v, %v; want no profile and unavailable (503)", v, err)
	}
	if rs, _ := w.reveals(t); len(rs) != 0 {
		t.Fatalf("entries after a failed write: %+v", rs)
	}
	// A failed write is not remembered as recorded: once the audit can be
	// written, the next view writes the entry and shows the contact.
	w.stores.fail.Store(false)
	if !w.view(t, w.svc, w.officers[0]) {
		t.Fatal("the contact is not shown once the audit works again")
	}
	if rs, _ := w.reveals(t); len(rs) != 1 {
		t.Fatalf("entries once the audit works again: %d, want 1", len(rs))
	}
	// Views that need no reveal never wait on the audit: the owner's own.
	w.stores.fail.Store(true)
	if _, err := w.svc.Talents.Get(w.ctx, w.creator, w.talent.ID); err != nil {
		t.Fatalf("the owner's view while the audit fails: %v", err)
	}
}

func TestRevealOfAProfileCreatedAgainIsRecordedAgain(t *testing.T) {
	w := newRevealWorld(t)
	w.view(t, w.svc, w.officers[0])
	// The creator deletes the profile (the erasure deletes its entries)
	// and makes a new one, which has the same id (its owner's), the same
	// day.
	must(t, w.svc.Talents.Delete(w.ctx, w.creator, w.talent.ID, 0))
	w.setClock("2026-03-01T11:00:00+08:00")
	var err error
	w.talent, err = w.svc.Talents.Create(w.ctx, w.creator, models.TalentInput{Name: "李明", Headline: "原画师", Skills: []string{"原画"},
		District: "futian", Visibility: models.VisibilityPublic, Contact: models.ContactInput{Phone: "13812345678"}})
	must(t, err)
	if !w.view(t, w.svc, w.officers[0]) {
		t.Fatal("the new profile's contact is not shown")
	}
	if rs, _ := w.reveals(t); len(rs) != 1 {
		t.Fatalf("the new profile's reveals: %d entries, want 1 (the view of the new profile)", len(rs))
	}
}
