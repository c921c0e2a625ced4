package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// feedStub is a database of versioned documents with a change feed.
type feedStub struct {
	now     time.Time
	docs    map[string]int64 // id → version (absent: deleted)
	changes []Change
	pruned  time.Time
	n       int
	reads   atomic.Int64
	clockMu sync.Mutex
}

func (f *feedStub) write(id string, deleted bool) {
	f.n++
	v := f.docs[id] + 1
	if deleted {
		delete(f.docs, id)
	} else {
		f.docs[id] = v
	}
	// Sequences are ObjectIDs: four bytes of seconds, then a counter.
	seq := fmt.Sprintf("%08x%016x", f.now.Unix(), f.n)
	f.changes = append(f.changes, Change{Seq: seq, Coll: "things", ID: id, Version: v, Deleted: deleted})
}

func (f *feedStub) ChangesAfter(_ context.Context, seq string, limit int) ([]Change, error) {
	var out []Change
	for _, c := range f.changes {
		if c.Seq > seq && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *feedStub) Doc(_ context.Context, _, id string) (any, error) {
	v, ok := f.docs[id]
	if !ok {
		return nil, Errorf(CodeNotFound, "gone")
	}
	return v, nil
}

func (f *feedStub) Docs(context.Context, string, func(any) error) error { return nil }

func (f *feedStub) Versions(_ context.Context, _ string, fn func(DocVersion) error) error {
	for id, v := range f.docs {
		if err := fn(DocVersion{ID: id, Version: v}); err != nil {
			return err
		}
	}
	return nil
}

func (f *feedStub) PrunedBefore(context.Context) (time.Time, error) { return f.pruned, nil }

func (f *feedStub) feed() SeqFeed {
	return SeqFeed{Log: f, Overlap: 10 * time.Second, Now: f.clock}
}
func (f *feedStub) clock() time.Time {
	f.clockMu.Lock()
	defer f.clockMu.Unlock()
	return f.now
}
func (f *feedStub) FeedFrom(ctx context.Context, cursor string) (string, bool, error) {
	return f.feed().FeedFrom(ctx, cursor)
}
func (f *feedStub) ReadFeed(ctx context.Context, from string, limit int) (FeedRead, error) {
	f.reads.Add(1)
	return f.feed().ReadFeed(ctx, from, limit)
}
func (f *feedStub) FeedPosition(ctx context.Context) (string, error) {
	return f.feed().FeedPosition(ctx)
}

// copyStub is an applier: a copy of the documents' versions.
type copyStub struct {
	src     *feedStub
	held    map[string]int64
	cursor  string
	applied []string
	resyncs int
	fail    error // what Resync answers, if set
}

func (c *copyStub) Follows(coll string) bool { return coll == "things" }
func (c *copyStub) HeldVersion(_, id string) (int64, error) {
	return c.held[id], nil
}
func (c *copyStub) Apply(_ context.Context, docs []FeedDoc, cursor string) error {
	for _, d := range docs {
		c.applied = append(c.applied, d.ID)
		if d.Doc == nil {
			delete(c.held, d.ID)
		} else {
			c.held[d.ID] = d.Doc.(int64)
		}
	}
	c.cursor = cursor
	return nil
}
func (c *copyStub) Resync(_ context.Context, pos string) (int, error) {
	c.resyncs++
	if c.fail != nil {
		return 0, c.fail
	}
	c.held = map[string]int64{}
	for id, v := range c.src.docs {
		c.held[id] = v
	}
	c.cursor = max(c.cursor, pos)
	return len(c.held), nil
}
func (c *copyStub) Cursor() (string, error) { return c.cursor, nil }
func (c *copyStub) Caught(cursor string) error {
	if cursor > c.cursor {
		c.cursor = cursor
	}
	return nil
}

// TestFollowerKeepsACopyInStep: the follower applies each change once
// (the overlap window re-read costs nothing), skips what the applier
// already holds at that version, applies deletions, moves the cursor on
// over an idle feed, and resynchronises when the feed was pruned past its
// cursor — the protocol every follower of the feed (the index, the
// figures) shares.
func TestFollowerKeepsACopyInStep(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	src := &feedStub{now: now, docs: map[string]int64{}}
	dst := &copyStub{src: src, held: map[string]int64{}}
	f := NewFollower(src, dst, FollowerOptions{Name: "test", Now: func() time.Time { return src.now }})

	src.write("a", false)
	src.write("b", false)
	src.write("a", false)
	if n, err := f.CatchUp(ctx); err != nil || n != 2 || fmt.Sprint(dst.held) != "map[a:2 b:1]" {
		t.Fatalf("first catch-up: %d %v, holds %v", n, err, dst.held)
	}
	// Re-reading the overlap window applies nothing again.
	dst.applied = nil
	if n, err := f.CatchUp(ctx); err != nil || n != 0 || len(dst.applied) != 0 {
		t.Fatalf("again: %d %v, applied %v", n, err, dst.applied)
	}
	// A local write the applier already holds is skipped; a deletion is
	// applied.
	src.write("c", false)
	dst.held["c"] = 1
	src.write("b", true)
	if _, err := f.CatchUp(ctx); err != nil || !slices.Equal(dst.applied, []string{"b"}) || fmt.Sprint(dst.held) != "map[a:2 c:1]" {
		t.Fatalf("after a local write and a deletion: applied %v, holds %v (%v)", dst.applied, dst.held, err)
	}
	// An idle feed moves the cursor on: a prune behind it is no gap.
	for range 20 {
		src.now = src.now.Add(30 * time.Second)
		src.pruned = src.now.Add(-time.Minute)
		if _, err := f.CatchUp(ctx); err != nil || f.NeedsResync() {
			t.Fatalf("an idle feed looks like a gap after %s (%v)", src.now.Sub(now), err)
		}
	}
	if !f.CaughtUp(time.Second) {
		t.Fatal("not caught up")
	}
	// Left unread while pruned past: a gap, resynchronised.
	cursor := dst.cursor
	src.now = src.now.Add(time.Hour)
	src.write("d", false)
	src.changes = src.changes[len(src.changes)-1:] // the rest pruned
	src.pruned = src.now.Add(-time.Second)
	dst.cursor = cursor
	if _, err := f.CatchUp(ctx); err != nil || !f.NeedsResync() {
		t.Fatalf("a pruned gap was not noticed (%v)", err)
	}
	if _, err := f.Resync(ctx); err != nil || f.NeedsResync() || dst.resyncs != 1 || dst.held["d"] != 1 {
		t.Fatalf("resync: %v, holds %v", err, dst.held)
	}
}

// A resynchronisation that fails is not tried again at every catch-up
// (every second, reading every document's version) but after a wait that
// doubles: with the clock stopped, fifty catch-ups make one attempt; past
// the wait, one more.
func TestFailedResyncBacksOff(t *testing.T) {
	src := &feedStub{now: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), docs: map[string]int64{}}
	dst := &copyStub{src: src, held: map[string]int64{}, fail: errors.New("the database is busy")}
	f := NewFollower(src, dst, FollowerOptions{Name: "test", Now: src.clock, Logger: slog.New(slog.DiscardHandler)})
	f.MarkGap()
	follow := func(reads int64) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { f.Follow(ctx, time.Millisecond, 0); close(done) }()
		for src.reads.Load() < reads {
			time.Sleep(time.Millisecond)
		}
		cancel()
		<-done
	}
	follow(50)
	if dst.resyncs != 1 {
		t.Fatalf("%d resynchronisations in fifty catch-ups with the clock stopped; want 1", dst.resyncs)
	}
	src.clockMu.Lock()
	src.now = src.now.Add(time.Second)
	src.clockMu.Unlock()
	follow(100)
	if dst.resyncs != 2 {
		t.Fatalf("%d resynchronisations after the wait; want 2", dst.resyncs)
	}
}

// besideStub is a copy whose resynchronisation (run beside catch-ups:
// ResyncBeside) waits, once begun, to be released.
type besideStub struct {
	mu      sync.Mutex
	src     *feedStub
	held    map[string]int64
	cursor  string
	began   chan struct{}
	once    sync.Once
	release chan struct{}
}

func (b *besideStub) Follows(coll string) bool { return coll == "things" }
func (b *besideStub) HeldVersion(_, id string) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.held[id], nil
}
func (b *besideStub) Apply(_ context.Context, docs []FeedDoc, cursor string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, d := range docs {
		b.held[d.ID] = d.Doc.(int64)
	}
	b.cursor = max(b.cursor, cursor)
	return nil
}
func (b *besideStub) Resync(ctx context.Context, _ string) (int, error) {
	b.once.Do(func() { close(b.began) })
	select {
	case <-b.release:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	return 0, nil
}
func (b *besideStub) Cursor() (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cursor, nil
}
func (b *besideStub) Caught(cursor string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cursor = max(b.cursor, cursor)
	return nil
}

// A follower whose applier resynchronises beside the catch-ups keeps
// catching up while a resynchronisation runs, and counts as caught up
// after an unclean stop (the feed has all but the changes in flight at the
// crash) but not after a gap of unknown size (a pruned feed) until a
// resynchronisation begun after it completes.
func TestResyncBesideCatchUps(t *testing.T) {
	ctx := context.Background()
	src := &feedStub{now: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), docs: map[string]int64{}}
	dst := &besideStub{src: src, held: map[string]int64{}, began: make(chan struct{}), release: make(chan struct{})}
	f := NewFollower(src, dst, FollowerOptions{Name: "test", Now: src.clock, ResyncBeside: true})
	src.write("a", false)
	if _, err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	f.MarkUnclean()
	if !f.NeedsResync() || !f.CaughtUp(time.Minute) {
		t.Fatalf("after an unclean stop: needs a resync %v (want true), caught up %v (want true)", f.NeedsResync(), f.CaughtUp(time.Minute))
	}
	resynced := make(chan error, 1)
	go func() { _, err := f.Resync(ctx); resynced <- err }()
	<-dst.began
	src.write("b", false)
	caught := make(chan error, 1)
	go func() { _, err := f.CatchUp(ctx); caught <- err }()
	select {
	case err := <-caught:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		close(dst.release)
		t.Fatal("the catch-up waited for the resynchronisation")
	}
	if v, _ := dst.HeldVersion("things", "b"); v != 1 || !f.Resyncing() {
		t.Fatalf("beside a resynchronisation: b held at %d (want 1), resyncing %v", v, f.Resyncing())
	}
	// A gap of unknown size marked now is not covered by the running
	// resynchronisation, and until another covers it the follower is not
	// caught up.
	f.MarkGap()
	if f.CaughtUp(time.Minute) {
		t.Fatal("caught up with a gap of unknown size pending")
	}
	close(dst.release)
	if err := <-resynced; err != nil {
		t.Fatal(err)
	}
	if !f.NeedsResync() || f.CaughtUp(time.Minute) || f.Resyncing() {
		t.Fatalf("the gap marked during the resynchronisation was cleared by it (needs %v, caught up %v, resyncing %v)",
			f.NeedsResync(), f.CaughtUp(time.Minute), f.Resyncing())
	}
	dst.release = make(chan struct{})
	close(dst.release)
	if _, err := f.Resync(ctx); err != nil || f.NeedsResync() || !f.CaughtUp(time.Minute) {
		t.Fatalf("after the next resynchronisation: %v, needs %v, caught up %v", err, f.NeedsResync(), f.CaughtUp(time.Minute))
	}
}

// Follow runs the resynchronisation of such an applier in a goroutine and
// goes on catching up every interval; when its context ends it returns
// only once the resynchronisation has ended too.
func TestFollowResyncsBesideCatchUps(t *testing.T) {
	src := &feedStub{now: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), docs: map[string]int64{}}
	dst := &besideStub{src: src, held: map[string]int64{}, began: make(chan struct{}), release: make(chan struct{})}
	f := NewFollower(src, dst, FollowerOptions{Name: "test", Now: src.clock, Logger: slog.New(slog.DiscardHandler), ResyncBeside: true})
	f.MarkUnclean()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.Follow(ctx, time.Millisecond, 0); close(done) }()
	<-dst.began
	deadline := time.Now().Add(time.Minute)
	for r := src.reads.Load(); src.reads.Load() < r+20; {
		if time.Now().After(deadline) {
			cancel()
			close(dst.release)
			t.Fatal("no catch-up beside the resynchronisation in a minute")
		}
		time.Sleep(time.Millisecond)
	}
	if !f.Resyncing() || !f.CaughtUp(time.Minute) {
		t.Fatalf("twenty catch-ups beside a resynchronisation: resyncing %v, caught up %v", f.Resyncing(), f.CaughtUp(time.Minute))
	}
	cancel()
	<-done
	if f.Resyncing() {
		t.Fatal("Follow returned with its resynchronisation running")
	}
}
