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
// /readyz knows without a ping of its own. Two failed pings in a row mark
// it down (one slow ping under load is not an outage); one good ping marks
// it up again, with no restart.
type dbWatch struct {
	ping     func(context.Context) error
	interval time.Duration
	timeout  time.Duration
	log      *slog.Logger

	mu     sync.Mutex
	up     context.Context
	cancel context.CancelFunc
	ok     bool
	fails  int
}

func newDBWatch(ping func(context.Context) error, logger *slog.Logger) *dbWatch {
	w := &dbWatch{ping: ping, interval: 250 * time.Millisecond, timeout: 750 * time.Millisecond, log: logger, ok: true}
	w.up, w.cancel = context.WithCancel(context.Background())
	return w
}

// Gate implements server.Config.Gate.
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
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, w.timeout)
		err := w.ping(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		w.observe(err)
	}
}

func (w *dbWatch) observe(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err == nil && !w.ok:
		w.ok, w.fails = true, 0
		w.up, w.cancel = context.WithCancel(context.Background())
		w.log.Info("database: answering again")
	case err == nil:
		w.fails = 0
	case w.ok:
		w.fails++
		if w.fails >= 2 {
			w.ok = false
			w.cancel()
			w.log.Error("database: not answering; API requests get 503 until it does", "error", err)
		}
	}
}
