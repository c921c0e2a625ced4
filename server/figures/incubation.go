package figures

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// Incubation keeps every call entry and milestone in memory, in step with
// the database through the change feed (the same follower as the
// figures'), and counts the incubation figures from them at each read
// (models.CountIncubation): reading the accepted entries from the
// embedded database would scan every entry at every dashboard.
type Incubation struct {
	src models.FeedSource
	log *slog.Logger

	mu         sync.RWMutex
	entries    map[string]*models.Entry
	milestones map[string]*models.Milestone
	cursor     string

	follower *models.Follower
}

// NewIncubation returns an empty tally following src; call Load before
// use.
func NewIncubation(src models.FeedSource, now func() time.Time, logger *slog.Logger) *Incubation {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	in := &Incubation{src: src, log: logger, entries: map[string]*models.Entry{}, milestones: map[string]*models.Milestone{}}
	in.follower = models.NewFollower(src, (*incApplier)(in), models.FollowerOptions{Name: "incubation", Now: now, Logger: logger})
	return in
}

// Load reads every entry and milestone, following the feed from the
// position it had before they were read.
func (in *Incubation) Load(ctx context.Context) error {
	return in.follower.Rebuild(ctx, func(position string) error {
		entries, milestones := map[string]*models.Entry{}, map[string]*models.Milestone{}
		err := in.src.Docs(ctx, models.CollEntries, func(d any) error { e := d.(*models.Entry); entries[e.ID] = e; return nil })
		if err == nil {
			err = in.src.Docs(ctx, models.CollMilestones, func(d any) error { m := d.(*models.Milestone); milestones[m.ID] = m; return nil })
		}
		if err != nil {
			return err
		}
		in.mu.Lock()
		defer in.mu.Unlock()
		in.entries, in.milestones, in.cursor = entries, milestones, position
		return nil
	})
}

// Figures counts a year's incubation figures from what the tally holds.
func (in *Incubation) Figures(year int) models.IncubationFigures {
	in.mu.RLock()
	entries := make([]*models.Entry, 0, len(in.entries))
	for _, e := range in.entries {
		if e.Status == models.EntryAccepted {
			entries = append(entries, e)
		}
	}
	milestones := make([]*models.Milestone, 0, len(in.milestones))
	for _, m := range in.milestones {
		milestones = append(milestones, m)
	}
	in.mu.RUnlock()
	return models.CountIncubation(year, entries, milestones)
}

// Observe applies a change made by this process before the write is
// answered. It is registered with the store.
func (in *Incubation) Observe(_ context.Context, c models.Change) {
	if !incFollows(c.Coll) {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if c.Deleted {
		in.apply(c.Coll, c.ID, nil)
	} else if c.Doc != nil && in.version(c.Coll, c.ID) < c.Version {
		in.apply(c.Coll, c.ID, c.Doc)
	}
}

// CatchUp applies the feed's changes since the cursor.
func (in *Incubation) CatchUp(ctx context.Context) (int, error) { return in.follower.CatchUp(ctx) }

// Follow catches up every interval and reconciles every reconcileEvery,
// as the figures do.
func (in *Incubation) Follow(ctx context.Context, interval, reconcileEvery time.Duration) {
	in.follower.Follow(ctx, interval, reconcileEvery)
}

// Reconcile fixes every entry and milestone whose version differs from the
// database's, and returns how many.
func (in *Incubation) Reconcile(ctx context.Context) (int, error) { return in.follower.Resync(ctx) }

func incFollows(coll string) bool { return coll == models.CollEntries || coll == models.CollMilestones }

// version is the version held of a document. Call with in.mu held.
func (in *Incubation) version(coll, id string) int64 {
	switch coll {
	case models.CollEntries:
		if e, ok := in.entries[id]; ok {
			return e.Version
		}
	case models.CollMilestones:
		if m, ok := in.milestones[id]; ok {
			return m.Version
		}
	}
	return 0
}

// apply holds doc (nil: deleted). Call with in.mu held.
func (in *Incubation) apply(coll, id string, doc any) {
	switch coll {
	case models.CollEntries:
		if e, ok := doc.(*models.Entry); ok {
			in.entries[id] = e
		} else {
			delete(in.entries, id)
		}
	case models.CollMilestones:
		if m, ok := doc.(*models.Milestone); ok {
			in.milestones[id] = m
		} else {
			delete(in.milestones, id)
		}
	}
}

// incApplier is the tally as the feed's follower keeps it.
type incApplier Incubation

func (a *incApplier) Follows(coll string) bool { return incFollows(coll) }

func (a *incApplier) HeldVersion(coll, id string) (int64, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return (*Incubation)(a).version(coll, id), nil
}

func (a *incApplier) Apply(_ context.Context, docs []models.FeedDoc, cursor string) error {
	in := (*Incubation)(a)
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, d := range docs {
		if d.Doc == nil || in.version(d.Coll, d.ID) < incVersionOf(d.Doc) {
			in.apply(d.Coll, d.ID, d.Doc)
		}
	}
	in.cursor = max(in.cursor, cursor)
	return nil
}

// Resync compares versions with the database's, as the figures do.
func (a *incApplier) Resync(ctx context.Context, position string) (int, error) {
	in := (*Incubation)(a)
	fixed, err := resync(ctx, in.src, &in.mu, []string{models.CollEntries, models.CollMilestones}, in.versions, in.version, in.apply)
	if err != nil {
		return fixed, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.cursor = max(in.cursor, position)
	return fixed, nil
}

// versions returns the id and version of every document of coll held.
// Call with in.mu held.
func (in *Incubation) versions(coll string) map[string]int64 {
	held := map[string]int64{}
	if coll == models.CollEntries {
		for id, e := range in.entries {
			held[id] = e.Version
		}
	} else {
		for id, m := range in.milestones {
			held[id] = m.Version
		}
	}
	return held
}

func (a *incApplier) Cursor() (string, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cursor, nil
}

func (a *incApplier) Caught(cursor string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cursor = max(a.cursor, cursor)
	return nil
}

func incVersionOf(doc any) int64 {
	switch d := doc.(type) {
	case *models.Entry:
		return d.Version
	case *models.Milestone:
		return d.Version
	}
	return 0
}

// Recount reads every entry and milestone from the database after a
// catch-up and compares them, and every year's figures counted from them,
// with the tally's: what differs, and how many documents were checked.
func (in *Incubation) Recount(ctx context.Context) ([]string, int, error) {
	var entries []*models.Entry
	var milestones []*models.Milestone
	err := in.src.Docs(ctx, models.CollEntries, func(d any) error { entries = append(entries, d.(*models.Entry)); return nil })
	if err == nil {
		err = in.src.Docs(ctx, models.CollMilestones, func(d any) error { milestones = append(milestones, d.(*models.Milestone)); return nil })
	}
	if err != nil {
		return nil, 0, err
	}
	if _, err := in.CatchUp(ctx); err != nil {
		return nil, 0, err
	}
	var diffs []string
	years := map[int]bool{}
	in.mu.RLock()
	for _, e := range entries {
		if held := in.version(models.CollEntries, e.ID); held != e.Version {
			diffs = append(diffs, fmt.Sprintf("entry %s is at version %d in the incubation figures, %d in the database", e.ID, held, e.Version))
		}
		years[models.DateYear(e.DecidedOn)] = true
	}
	for _, m := range milestones {
		if held := in.version(models.CollMilestones, m.ID); held != m.Version {
			diffs = append(diffs, fmt.Sprintf("milestone %s is at version %d in the incubation figures, %d in the database", m.ID, held, m.Version))
		}
		years[models.DateYear(m.Date)] = true
	}
	held := len(in.entries) + len(in.milestones)
	in.mu.RUnlock()
	if held != len(entries)+len(milestones) {
		diffs = append(diffs, fmt.Sprintf("the incubation figures hold %d entries and milestones, the database %d", held, len(entries)+len(milestones)))
	}
	var accepted []*models.Entry
	for _, e := range entries {
		if e.Status == models.EntryAccepted {
			accepted = append(accepted, e)
		}
	}
	for y := range years {
		if y == 0 {
			continue
		}
		if live, want := in.Figures(y), models.CountIncubation(y, accepted, milestones); !reflect.DeepEqual(live, want) {
			diffs = append(diffs, fmt.Sprintf("the incubation figures of %d are %+v; the records say %+v", y, live, want))
		}
	}
	return diffs, len(entries) + len(milestones), nil
}
