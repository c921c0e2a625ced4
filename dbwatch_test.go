package main

import (
	"errors"
	"log/slog"
	"testing"
	"time"
)

// fakeClock is the watch's clock in these tests: observe is driven
// directly, so nothing depends on how fast the machine is.
type fakeClock struct{ t time.Time }

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }

// testWatch is a watch on the fake clock; its ping is never called.
func testWatch(o dbWatchOptions, clk *fakeClock) *dbWatch {
	o.Now = clk.now
	return newDBWatch(nil, slog.New(slog.DiscardHandler), o)
}

// fakeRefused stands for store.PingRefused.
func fakeRefused(err error) bool { return errors.Is(err, errRefused) }

var (
	errRefused  = errors.New("connection refused")
	errTimedOut = errors.New("no answer in time")
)

// The embedded database: one refused ping is not an outage; two in a row
// are, and they end the requests in flight; one good ping ends it, with a
// fresh context for new requests.
func TestDBWatchEmbeddedRefused(t *testing.T) {
	clk := newFakeClock()
	w := testWatch(embeddedWatch(fakeRefused), clk)
	up, ok := w.Gate()
	if !ok {
		t.Fatal("a new watch starts up")
	}
	w.observe(errRefused)
	if _, ok := w.Gate(); !ok || up.Err() != nil {
		t.Fatal("one refused ping marked the database down")
	}
	clk.add(time.Second)
	w.observe(nil)
	w.observe(errRefused)
	if _, ok := w.Gate(); !ok {
		t.Fatal("failures separated by a success counted as consecutive")
	}
	clk.add(time.Second)
	w.observe(errRefused)
	if _, ok := w.Gate(); ok || up.Err() == nil || w.err() == nil {
		t.Fatal("two refused pings in a row did not mark the embedded database down and end the requests in flight")
	}
	clk.add(time.Second)
	w.observe(nil)
	fresh, ok := w.Gate()
	if !ok || fresh.Err() != nil || w.err() != nil {
		t.Fatal("a good ping did not bring the database back")
	}
}

// The embedded database, slow: pings that time out mark it down (and end
// the requests in flight) only once they have gone on for SlowGrace.
func TestDBWatchEmbeddedSlow(t *testing.T) {
	clk := newFakeClock()
	o := embeddedWatch(fakeRefused)
	w := testWatch(o, clk)
	up, _ := w.Gate()
	for elapsed := time.Duration(0); elapsed < o.SlowGrace; elapsed += time.Second {
		w.observe(errTimedOut)
		if _, ok := w.Gate(); !ok || up.Err() != nil {
			t.Fatalf("slow pings for %s marked the embedded database down", elapsed)
		}
		clk.add(time.Second)
	}
	w.observe(errTimedOut)
	if _, ok := w.Gate(); ok || up.Err() == nil {
		t.Fatalf("slow pings for %s did not mark the embedded database down", o.SlowGrace)
	}
	// A refused ping ends a run of slow ones at once: the grace is the
	// last failure's.
	w.observe(nil)
	up, _ = w.Gate()
	w.observe(errTimedOut)
	clk.add(time.Second)
	w.observe(errRefused)
	if _, ok := w.Gate(); ok || up.Err() == nil {
		t.Fatal("a refused ping after a slow one did not mark the embedded database down")
	}
}

// MongoDB: requests in flight are never ended; new ones are refused only
// once pings, refused or slow, have failed for longer than an election.
// A good ping in between starts the count again.
func TestDBWatchMongoWaitsOutAnElection(t *testing.T) {
	clk := newFakeClock()
	o := mongoWatch(fakeRefused)
	if o.Grace <= 12*time.Second || o.SlowGrace <= 12*time.Second {
		t.Fatalf("grace %s/%s is not longer than an election (up to 12 s)", o.Grace, o.SlowGrace)
	}
	w := testWatch(o, clk)
	up, _ := w.Gate()
	fail := func(n int) error { // the pings alternate between the kinds
		if n%2 == 0 {
			return errRefused
		}
		return errTimedOut
	}
	// 12 s of failures, a good ping, 12 s more: never down.
	for round := range 2 {
		for n := range 49 { // 12 s at four pings a second
			w.observe(fail(n))
			if _, ok := w.Gate(); !ok {
				t.Fatalf("round %d: down after %d failed pings (%s)", round, n+1, time.Duration(n)*250*time.Millisecond)
			}
			clk.add(250 * time.Millisecond)
		}
		w.observe(nil)
	}
	for n := 0; ; n++ {
		w.observe(fail(n))
		elapsed := time.Duration(n) * 250 * time.Millisecond
		_, ok := w.Gate()
		if elapsed < o.Grace && !ok {
			t.Fatalf("down after %s of failures, before the grace of %s", elapsed, o.Grace)
		}
		if up.Err() != nil {
			t.Fatal("the requests in flight were ended on MongoDB")
		}
		if !ok {
			if w.err() == nil {
				t.Fatal("/readyz does not see the database down")
			}
			break
		}
		if elapsed > o.Grace {
			t.Fatalf("still up after %s of failures", elapsed)
		}
		clk.add(250 * time.Millisecond)
	}
	w.observe(nil)
	again, ok := w.Gate()
	if !ok || w.err() != nil || again.Err() != nil || up.Err() != nil {
		t.Fatal("a good ping did not bring MongoDB back, or a context was ended")
	}
}

// Without a classifier every failure counts as refused.
func TestDBWatchDefaultsToRefused(t *testing.T) {
	clk := newFakeClock()
	w := testWatch(dbWatchOptions{Cancel: true, SlowGrace: time.Hour}, clk)
	w.observe(errTimedOut)
	w.observe(errTimedOut)
	if _, ok := w.Gate(); ok {
		t.Fatal("without Refused, two failures did not mark the database down")
	}
}
