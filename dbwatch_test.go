package main

import (
	"errors"
	"log/slog"
	"testing"
)

// One failed ping is not an outage; two are, and they end the requests in
// flight; one good ping ends it, with a fresh context for new requests.
func TestDBWatchTransitions(t *testing.T) {
	w := newDBWatch(nil, slog.New(slog.DiscardHandler))
	up, ok := w.Gate()
	if !ok {
		t.Fatal("a new watch starts up")
	}
	fail := errors.New("no answer")
	w.observe(fail)
	if _, ok := w.Gate(); !ok || up.Err() != nil {
		t.Fatal("one failed ping marked the database down")
	}
	w.observe(nil)
	w.observe(fail)
	if _, ok := w.Gate(); !ok {
		t.Fatal("failures separated by a success counted as consecutive")
	}
	w.observe(fail)
	if _, ok := w.Gate(); ok || up.Err() == nil || w.err() == nil {
		t.Fatal("two failed pings in a row did not mark the database down and end the requests in flight")
	}
	w.observe(nil)
	fresh, ok := w.Gate()
	if !ok || fresh.Err() != nil || w.err() != nil {
		t.Fatal("a good ping did not bring the database back")
	}
}
