package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// FeedDoc is one document a follower brings to the database's state: the
// document as the database has it now, or nil when it is gone.
type FeedDoc struct {
	Coll, ID string
	Doc      any
}

// FeedApplier is what a Follower keeps in step with the database (the
// search index, the figures, and any later follower): it says which
// collections it follows and what version of a document it holds, and
// applies documents. The Follower owns the protocol of the feed: the
// cursor and its overlap window, the entries already applied, the
// watermark of pruning, the resynchronisation.
type FeedApplier interface {
	// Follows reports whether the applier keeps documents of coll.
	Follows(coll string) bool
	// HeldVersion is the version of a document the applier holds (0 for
	// none): a change at that version or older is skipped.
	HeldVersion(coll, id string) (int64, error)
	// Apply brings documents to the database's state and records the feed
	// position they reach (an applier that keeps its position on disk
	// writes it with them). It may skip a document it holds newer (a local
	// write that overtook the feed).
	Apply(ctx context.Context, docs []FeedDoc, cursor string) error
	// Resync brings every document in step with the database after
	// entries may have been missed (by versions, or by reloading all),
	// moves the applier's cursor on to position (taken before it began)
	// if it is behind, and returns how many documents it fixed.
	Resync(ctx context.Context, position string) (int, error)
	// Cursor is the feed position the applier has reached ("" for none).
	Cursor() (string, error)
	// Caught records that the feed was read up to cursor with nothing
	// left to apply (the cursor moves on while the feed is idle, so that a
	// prune behind an idle follower is not taken for a gap).
	Caught(cursor string) error
}

// FollowerOptions configure a Follower.
type FollowerOptions struct {
	// Name is the follower's name in the log ("search", "figures").
	Name string
	// ResyncBeside says that the applier's Resync may run while catch-ups
	// go on: it re-checks, as it writes each document, that it does not
	// hold a newer version than the one it read (the search index). A
	// resynchronisation reads every document's version, a minute at a
	// million profiles; otherwise catch-ups wait for it, and the changes of
	// other processes with them.
	ResyncBeside bool
	// Batch bounds the entries of one read (1,000).
	Batch int
	// Now is the clock (time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// seenKeep is how many applied feed entries a follower remembers, so that
// re-reading the overlap window costs no lookups.
const seenKeep = 200_000

// Follower follows the change feed for one applier: it reads the entries
// after the applier's cursor (and an overlap window before it), skips what
// it already applied or the applier holds at that version or newer, and
// applies the rest from the database's current documents. When entries may
// have been missed (an unclean stop, a cursor older than the feed keeps) it
// resynchronises the applier.
type Follower struct {
	src  FeedSource
	app  FeedApplier
	opts FollowerOptions

	// mu serialises catch-ups, and resynchronisations unless they run
	// beside catch-ups (opts.ResyncBeside), and whatever else the applier
	// must not run beside either (Exclusive). resyncMu serialises the
	// resynchronisations; it is taken before mu.
	mu       sync.Mutex
	resyncMu sync.Mutex
	seenMu   sync.Mutex
	seen     map[string]struct{}
	seenQ    []string
	caughtUp atomic.Int64 // unix nanos of the last complete catch-up
	lastSync atomic.Int64 // unix nanos of the last resynchronisation

	// Gaps are numbered: marked is the number of the last (any kind),
	// blocking that of the last that keeps the follower from counting as
	// caught up, cleared the last a completed resynchronisation covers
	// (the one marked when it began: a gap marked while it runs waits for
	// the next).
	marked, blocking, cleared atomic.Uint64
	resyncing                 atomic.Bool
}

// FeedPager is a feed source that says how many entries a follower should
// read at once (FollowerOptions.Batch, unless set): a database that scans
// the whole feed for each read (the embedded one: it sorts in memory)
// wants few reads, so large ones.
type FeedPager interface {
	FeedBatch() int
}

// NewFollower returns a follower of src for app.
func NewFollower(src FeedSource, app FeedApplier, opts FollowerOptions) *Follower {
	if p, ok := src.(FeedPager); ok && opts.Batch <= 0 {
		opts.Batch = p.FeedBatch()
	}
	if opts.Batch <= 0 {
		opts.Batch = 1000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	f := &Follower{src: src, app: app, opts: opts, seen: map[string]struct{}{}}
	f.lastSync.Store(opts.Now().UnixNano())
	return f
}

// MarkGap says that entries may have been missed, any number of them (the
// feed was pruned past the cursor, a change failed with its entry): the
// next Follow round resynchronises first, and the follower does not count
// as caught up until a resynchronisation begun after this completes.
func (f *Follower) MarkGap() {
	f.blocking.Store(f.marked.Add(1))
}

// MarkUnclean says that the applier's last run ended without a clean stop
// (a crash): the feed still holds every change since its cursor but those
// in flight at the crash, whose documents may have been written without
// their entries. The next Follow round resynchronises to find them, and
// the follower counts as caught up once the feed is, a resynchronisation
// running beside catch-ups where the options allow it (ResyncBeside).
// What a search could get wrong meanwhile is bounded by those few
// documents, and never their visibility: hits are read back from the
// database, with its visibility rules, before they are shown.
func (f *Follower) MarkUnclean() { f.marked.Add(1) }

// NeedsResync reports whether entries may have been missed.
func (f *Follower) NeedsResync() bool { return f.marked.Load() > f.cleared.Load() }

// CaughtUp reports whether the last catch-up completed within maxAge and
// no gap that blocks it is waiting for a resynchronisation.
func (f *Follower) CaughtUp(maxAge time.Duration) bool {
	if f.blocking.Load() > f.cleared.Load() {
		return false
	}
	last := f.caughtUp.Load()
	return last != 0 && f.opts.Now().Sub(time.Unix(0, last)) <= maxAge
}

// Resyncing reports whether a resynchronisation is running.
func (f *Follower) Resyncing() bool { return f.resyncing.Load() }

// Exclusive runs fn with catch-ups and resynchronisations held off (the
// applier closing).
func (f *Follower) Exclusive(fn func() error) error {
	f.resyncMu.Lock()
	defer f.resyncMu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	return fn()
}

// Rebuild runs fn, which builds the applier anew from the database and
// sets its cursor to the position it is given (the feed's, taken before
// fn reads anything), with catch-ups and resynchronisations held off; once
// it succeeds, nothing is missed any more.
func (f *Follower) Rebuild(ctx context.Context, fn func(position string) error) error {
	f.resyncMu.Lock()
	defer f.resyncMu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	start := f.opts.Now()
	gap := f.marked.Load()
	pos, err := f.src.FeedPosition(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", f.opts.Name, err)
	}
	if err := fn(pos); err != nil {
		return err
	}
	f.clear(gap)
	f.lastSync.Store(start.UnixNano())
	return nil
}

// Resync resynchronises the applier with the database and clears the
// gaps marked before it began. With ResyncBeside, catch-ups go on
// meanwhile.
func (f *Follower) Resync(ctx context.Context) (int, error) {
	f.resyncMu.Lock()
	defer f.resyncMu.Unlock()
	if !f.opts.ResyncBeside {
		f.mu.Lock()
		defer f.mu.Unlock()
	}
	f.resyncing.Store(true)
	defer f.resyncing.Store(false)
	start := f.opts.Now()
	gap := f.marked.Load()
	pos, err := f.src.FeedPosition(ctx)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", f.opts.Name, err)
	}
	n, err := f.app.Resync(ctx, pos)
	if err != nil {
		return n, err
	}
	f.clear(gap)
	f.lastSync.Store(start.UnixNano())
	if !f.opts.ResyncBeside {
		// Everything up to pos is applied; beside, catch-ups say so.
		f.caughtUp.Store(start.UnixNano())
	}
	return n, nil
}

// clear records that the gaps up to number gap are resynchronised.
func (f *Follower) clear(gap uint64) {
	for {
		c := f.cleared.Load()
		if c >= gap || f.cleared.CompareAndSwap(c, gap) {
			return
		}
	}
}

// CatchUp applies the feed's entries since the applier's cursor (the
// source re-reads what it must before it: an overlap window, on the
// embedded database) and returns how many documents it applied. Applying
// is idempotent: an entry already applied, or older than what the applier
// holds, is skipped; otherwise the applier takes the document as the
// database has it now, or drops it if it is gone. Entries may come late,
// twice or out of order; one that never comes is found by the periodic
// resynchronisation.
func (f *Follower) CatchUp(ctx context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cursor, err := f.app.Cursor()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", f.opts.Name, err)
	}
	from, lost, err := f.src.FeedFrom(ctx, cursor)
	if err != nil {
		return 0, err
	}
	if lost {
		f.MarkGap()
	}
	applied := 0
	for {
		read, err := f.src.ReadFeed(ctx, from, f.opts.Batch)
		if errors.Is(err, ErrFeedLost) {
			f.MarkGap()
			return applied, nil
		}
		if err != nil {
			return applied, err
		}
		changes := read.Changes
		var docs []FeedDoc
		var seqs []string
		batch := map[string]bool{} // documents read in this batch already
		for _, c := range changes {
			if !f.app.Follows(c.Coll) || f.wasSeen(c.Seq) {
				continue
			}
			seqs = append(seqs, c.Seq)
			if batch[c.Coll+"/"+c.ID] {
				continue // read as the database has it now, once
			}
			if !c.Deleted && c.Version > 0 {
				have, err := f.app.HeldVersion(c.Coll, c.ID)
				if err != nil {
					return applied, err
				}
				if have >= c.Version {
					continue
				}
			}
			doc, err := f.src.Doc(ctx, c.Coll, c.ID)
			switch {
			case IsCode(err, CodeNotFound):
				doc = nil
			case err != nil:
				return applied, err
			}
			batch[c.Coll+"/"+c.ID] = true
			docs = append(docs, FeedDoc{Coll: c.Coll, ID: c.ID, Doc: doc})
		}
		if len(seqs) > 0 { // every document read has its entry among seqs
			if err := f.app.Apply(ctx, docs, max(cursor, read.Next)); err != nil {
				return applied, fmt.Errorf("%s: %w", f.opts.Name, err)
			}
			applied += len(docs)
		}
		for _, s := range seqs {
			f.markSeen(s)
		}
		cursor = max(cursor, read.Next)
		if len(changes) < f.opts.Batch || read.Next <= from {
			break
		}
		from = read.Next
	}
	if err := f.app.Caught(cursor); err != nil {
		return applied, fmt.Errorf("%s: %w", f.opts.Name, err)
	}
	f.caughtUp.Store(f.opts.Now().UnixNano())
	return applied, nil
}

// Follow catches up every interval until ctx ends, and resynchronises the
// applier when entries may have been missed and, if resyncEvery is set,
// that often. A resynchronisation that fails is tried again after a wait
// that doubles with each failure (from the interval up to five minutes),
// not every interval: it reads every document's version. With
// ResyncBeside, the resynchronisation runs in a goroutine of its own while
// the catch-ups go on every interval.
func (f *Follower) Follow(ctx context.Context, interval, resyncEvery time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var background sync.WaitGroup
	defer background.Wait()
	var busy atomic.Bool // a resynchronisation runs in the background
	var backoff time.Duration
	var retryAt time.Time
	resync := func() {
		if !retryAt.IsZero() && f.opts.Now().Before(retryAt) {
			return
		}
		began := f.opts.Now()
		n, err := f.Resync(ctx)
		took := f.opts.Now().Sub(began)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			backoff = min(max(2*backoff, interval), resyncBackoffMax)
			retryAt = f.opts.Now().Add(backoff)
			f.opts.Logger.Warn(f.opts.Name+": resynchronise with the database", "error", err, "retry_in", backoff.String())
			return
		case n > 0 || took >= time.Second:
			// A long one is worth a line even when it fixed nothing.
			f.opts.Logger.Info(f.opts.Name+": resynchronised with the database", "fixed", n, "took", took.Round(time.Millisecond).String())
		}
		backoff, retryAt = 0, time.Time{}
	}
	// backoff and retryAt are used by one resync at a time: busy's
	// atomic operations order the goroutines that run them.
	startResync := func() {
		if ctx.Err() != nil {
			return
		}
		if !f.opts.ResyncBeside {
			resync()
			return
		}
		if !busy.CompareAndSwap(false, true) {
			return
		}
		background.Add(1)
		go func() {
			defer background.Done()
			defer busy.Store(false)
			resync()
		}()
	}
	for {
		due := resyncEvery > 0 && f.opts.Now().Sub(time.Unix(0, f.lastSync.Load())) > resyncEvery
		if f.NeedsResync() || due {
			startResync()
		}
		if _, err := f.CatchUp(ctx); err != nil && ctx.Err() == nil {
			f.opts.Logger.Warn(f.opts.Name+": catch up with the change feed", "error", err)
		}
		if f.NeedsResync() {
			// The catch-up found entries lost before it read them.
			startResync()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// resyncBackoffMax bounds the wait before a failed resynchronisation is
// tried again.
const resyncBackoffMax = 5 * time.Minute

func (f *Follower) wasSeen(seq string) bool {
	f.seenMu.Lock()
	defer f.seenMu.Unlock()
	_, ok := f.seen[seq]
	return ok
}

func (f *Follower) markSeen(seq string) {
	if seq == "" {
		return
	}
	f.seenMu.Lock()
	defer f.seenMu.Unlock()
	if _, ok := f.seen[seq]; ok {
		return
	}
	f.seen[seq] = struct{}{}
	f.seenQ = append(f.seenQ, seq)
	if len(f.seenQ) > seenKeep {
		for _, old := range f.seenQ[:seenKeep/2] {
			delete(f.seen, old)
		}
		f.seenQ = append([]string(nil), f.seenQ[seenKeep/2:]...)
	}
}
