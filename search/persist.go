package search

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/szdc/talenthub/models"
)

// How a commit reaches the disk.
//
// Bleve's scorch index applies a batch in memory (searches see it at once)
// and then waits for its persister to write it. When that write fails (a
// full disk: ENOSPC), Batch returns the error after closing the batch's
// in-memory segment, which it has already put in the index: every later
// read that touches the segment panics ("assignment to entry in nil map",
// bleve v2.6.3, zapx v17). In a request that is a 500; in the feed's
// follower, outside any recovery, it ends the process. Found by
// TestDiskFull.
//
// So the index is opened with unsafe_batch, which makes Batch return once
// the batch is applied in memory and never close what it applied, and
// commit waits for the write itself: a persisted callback on the batch
// when the persister has written it, or the persister's failure, reported
// through an async error callback (asyncErrorCallback). A commit that was
// applied but not written returns a notPersisted error. Nothing is lost by
// that: the persister writes the whole index each time it tries, so it
// writes the change on its next success (it retries until then, see
// onAsyncError); and if the process stops first, the index on disk
// is an older, consistent state still marked open (keyOpen is written at
// open and cleared at a clean close, both after waiting for the disk), so
// the next start reconciles it with the database.

// asyncErrorCallback is the name under which Bleve's scorch finds
// onAsyncError (its configuration names callbacks, not functions).
const asyncErrorCallback = "talenthub-search"

// persistRetryPause is how long the persister and the merger rest after a
// failure. Both retry at once in a loop, and on a full disk each attempt
// fails at once: without a pause a full index took 1.26 s of CPU in 2 s,
// with it 4.5 ms. It delays the first write after space returns by at most
// this.
const persistRetryPause = 200 * time.Millisecond

// persistWarnEvery bounds how often a persister that keeps failing is
// logged.
const persistWarnEvery = time.Minute

func init() {
	scorch.RegistryAsyncErrorCallbacks[asyncErrorCallback] = onAsyncError
}

// openIndexes are the open on-disk indexes by the path of their store,
// where onAsyncError finds the one that failed.
var openIndexes sync.Map // string → *Index

// storePath is the directory of the scorch store of an index in dir, as
// Bleve names it to the async error callback.
func storePath(dir string) string { return filepath.Clean(dir + string(os.PathSeparator) + "store") }

// onAsyncError receives the errors of scorch's persister and merger, which
// run on their own: it wakes the commits waiting for the disk and slows
// the retries down.
func onAsyncError(err error, path string) {
	if v, ok := openIndexes.Load(filepath.Clean(path)); ok {
		v.(*Index).disk.failed(err)
	}
	if errors.Is(err, scorch.ErrPersist) {
		time.Sleep(persistRetryPause)
	}
}

// diskState is what an on-disk index knows of its writes to disk.
type diskState struct {
	log *slog.Logger

	mu sync.Mutex
	// failure is closed (and replaced) at every failure of the
	// persister: the commits waiting then stop waiting.
	failure chan struct{}
	lastErr error
	// dead: the persister panicked and no write will come.
	dead bool
	// failingSince is when the current run of failures began (zero when
	// the last write succeeded); lastWarn and lastMergeWarn are when the
	// persister's and the merger's failures were last logged.
	failingSince, lastWarn, lastMergeWarn time.Time
	// closed is closed when the index is, for commits still waiting.
	closed chan struct{}
}

func newDiskState(logger *slog.Logger) *diskState {
	return &diskState{log: logger, failure: make(chan struct{}), closed: make(chan struct{})}
}

func (d *diskState) failed(err error) {
	var se *scorch.ScorchError
	persister := errors.As(err, &se) && se.Source == "persister"
	panicked := errors.Is(err, scorch.ErrAsyncPanic)
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	if !persister {
		// A merge that failed is tried again; the segments it would have
		// merged stay as they are, written.
		if now.Sub(d.lastMergeWarn) >= persistWarnEvery || panicked {
			d.lastMergeWarn = now
			d.log.Warn("search: merging index segments failed", "error", err, "no_space", noSpace(err), "merger_stopped", panicked)
		}
		return
	}
	if panicked {
		// Nothing will be written again: the next start reconciles.
		d.dead = true
	}
	d.lastErr = err
	first := d.failingSince.IsZero()
	if first {
		d.failingSince = now
	}
	close(d.failure)
	d.failure = make(chan struct{})
	if first || now.Sub(d.lastWarn) >= persistWarnEvery {
		d.lastWarn = now
		d.log.Warn("search: the index cannot be written to disk; searches see every change, and it is written once the disk takes it (or reconciled at the next start)",
			"error", err, "no_space", noSpace(err), "failing_for", now.Sub(d.failingSince).Round(time.Millisecond).String())
	}
}

// written is told by the persister that it wrote the index: all of it, so
// also what the commits before were told was not written.
func (d *diskState) written() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.failingSince.IsZero() {
		d.log.Info("search: the index is written to disk again", "failed_for", time.Since(d.failingSince).Round(time.Millisecond).String())
		d.failingSince = time.Time{}
	}
}

// expect sets b's persisted callback and returns the wait for it, to call
// once Batch has applied b. The wait ends when the persister has written b
// (nil), when it fails (a notPersisted error: it may have tried a state
// from before b, which only makes the answer cautious), or when the index
// closes.
func (d *diskState) expect(b *bleve.Batch) func() error {
	done := make(chan struct{}, 1)
	b.SetPersistedCallback(func(error) {
		d.written()
		done <- struct{}{}
	})
	d.mu.Lock()
	failure, dead, lastErr := d.failure, d.dead, d.lastErr
	d.mu.Unlock()
	return func() error {
		if dead {
			return &notPersisted{err: lastErr}
		}
		select {
		case <-done:
			return nil
		case <-failure:
			d.mu.Lock()
			err := d.lastErr
			d.mu.Unlock()
			return &notPersisted{err: err}
		case <-d.closed:
			return &notPersisted{err: bleve.ErrorIndexClosed}
		}
	}
}

// notPersisted is the error of a commit the index applied in memory but
// could not write to disk (yet).
type notPersisted struct{ err error }

func (e *notPersisted) Error() string {
	return fmt.Sprintf("search: applied but not written to disk: %v", e.err)
}

// Unwrap gives a full disk its models code (507 where it reaches a
// client: a rebuild), anything else as it is.
func (e *notPersisted) Unwrap() error {
	if noSpace(e.err) {
		return &models.Error{Code: models.CodeStorageFull, Message: "the search index's storage is full", Err: e.err}
	}
	return e.err
}

// applied reports whether err is nil or says the change is in the index
// (searches see it) but not yet on disk, which the index makes good on its
// own (see "How a commit reaches the disk"): a follower has applied it.
func applied(err error) bool {
	var np *notPersisted
	return err == nil || errors.As(err, &np)
}

// noSpace reports a full disk or quota. Scorch reports its failures as
// text, so the words are looked for too.
func noSpace(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "no space left on device") || strings.Contains(msg, "disk quota exceeded")
}
