package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// dbWatch pings the database a few times a second and says whether it
// answers, so that requests are refused with 503 at once while it does not
// (server.Config.Gate) instead of each waiting for a timeout, and so that
// /readyz knows without a ping of its own. One good ping marks it up
// again, with no restart.
//
// When it is marked down depends on the database (dbWatchOptions): a slow
// database must not be taken for a dead one. On the embedded database two
// refused pings in a row mark it down and end the requests in flight (the
// database runs in this process: if it refuses connections it is dead, and
// cancelling is what stops requests from hanging on it), and pings that
// only time out must keep doing so for a while first. On MongoDB the
// requests in flight are never ended (the driver's server selection and
// retryable writes ride out an election, which takes up to about 12 s),
// and new requests are refused only once pings have failed for longer
// than an election.
//
// A full disk is not an outage: a ping writes nothing and keeps answering,
// so the database stays up, reads go on, and each refused write answers
// 507 storage_full on its own (TestDiskFull).
type dbWatch struct {
	ping     func(context.Context) error
	interval time.Duration
	timeout  time.Duration
	log      *slog.Logger
	opts     dbWatchOptions

	mu     sync.Mutex
	up     context.Context
	cancel context.CancelFunc
	ok     bool
	// The current run of failed pings: when the first failed, and how
	// many were refused and how many timed out.
	since           time.Time
	nRefused, nSlow int
}

// dbWatchOptions say how failed pings are read.
type dbWatchOptions struct {
	// Cancel ends the requests in flight when the database is marked down.
	Cancel bool
	// Grace is how long pings must keep failing, the last one refused,
	// before the database is marked down; SlowGrace the same when the last
	// one timed out. Two failed pings in a row are needed in any case.
	Grace, SlowGrace time.Duration
	// Refused tells a ping refused by a dead connection from one that
	// timed out (store.PingRefused); nil counts every failure as refused.
	Refused func(error) bool
	// Now is the clock (time.Now if nil).
	Now func() time.Time
}

// embeddedWatch and mongoWatch are the options of main: see dbWatch.
func embeddedWatch(refused func(error) bool) dbWatchOptions {
	return dbWatchOptions{Cancel: true, Grace: 0, SlowGrace: 5 * time.Second, Refused: refused}
}

func mongoWatch(refused func(error) bool) dbWatchOptions {
	return dbWatchOptions{Cancel: false, Grace: 15 * time.Second, SlowGrace: 15 * time.Second, Refused: refused}
}

func newDBWatch(ping func(context.Context) error, logger *slog.Logger, opts dbWatchOptions) *dbWatch {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Refused == nil {
		opts.Refused = func(error) bool { return true }
	}
	w := &dbWatch{ping: ping, interval: 250 * time.Millisecond, timeout: 750 * time.Millisecond, log: logger, opts: opts, ok: true}
	w.up, w.cancel = context.WithCancel(context.Background())
	return w
}

// Gate implements server.Config.Gate. The context ends when the database
// is marked down only with Cancel.
func (w *dbWatch) Gate() (context.Context, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.up, w.ok
}

// err is nil while the database answers.
func (w *dbWatch) err() error {
	if _, ok := w.Gate(); !ok {
		return models.Errorf(models.CodeUnavailable, "the database does not answer")
	}
	return nil
}

func (w *dbWatch) run(ctx context.Context) {
	models.Every(ctx, w.interval, func() {
		pctx, cancel := context.WithTimeout(ctx, w.timeout)
		err := w.ping(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		w.observe(err)
	})
}

func (w *dbWatch) observe(err error) {
	now := w.opts.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil {
		if !w.ok {
			w.ok = true
			if w.opts.Cancel {
				w.up, w.cancel = context.WithCancel(context.Background())
			}
			w.log.Info("database: answering again", "down_for", now.Sub(w.since).Round(time.Millisecond).String())
		} else if w.nRefused+w.nSlow > 0 {
			w.log.Info("database: answering again before it was marked down", "failing_for", now.Sub(w.since).Round(time.Millisecond).String(),
				"refused", w.nRefused, "timed_out", w.nSlow)
		}
		w.nRefused, w.nSlow = 0, 0
		return
	}
	refused := w.opts.Refused(err)
	if w.nRefused+w.nSlow == 0 {
		w.since = now
	}
	if refused {
		w.nRefused++
	} else {
		w.nSlow++
	}
	if !w.ok || w.nRefused+w.nSlow < 2 {
		return
	}
	if now.Sub(w.since) < w.grace(refused) {
		if w.nRefused+w.nSlow == 2 {
			w.log.Warn("database: pings fail; requests go on until the failures outlast the grace period",
				"refused", refused, "grace", w.grace(refused).String(), "error", err)
		}
		return
	}
	w.ok = false
	if w.opts.Cancel {
		w.cancel()
	}
	w.log.Error("database: not answering; API requests get 503 until it does", "failing_for", now.Sub(w.since).Round(time.Millisecond).String(),
		"refused", w.nRefused, "timed_out", w.nSlow, "requests_in_flight_ended", w.opts.Cancel, "error", err)
}

// grace is how long failures must last, the last one refused or not,
// before the database is marked down.
func (w *dbWatch) grace(refused bool) time.Duration {
	if refused {
		return w.opts.Grace
	}
	return w.opts.SlowGrace
}
