package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/web"
)

// reindexer runs the admin page's rebuild of the search index in the
// background and reports its progress. The rebuild re-indexes every
// document in place (searches keep answering) and then reconciles, which
// drops what no longer exists.
type reindexer struct {
	rebuild   func(context.Context) error
	reconcile func(context.Context) (int, error)
	ctx       context.Context // the server's: a stop ends a rebuild
	log       *slog.Logger

	mu     sync.Mutex
	status web.ReindexStatus
}

// progress is the index's Progress callback.
func (r *reindexer) progress(done int) {
	r.mu.Lock()
	if r.status.Running {
		r.status.Done = done
	}
	r.mu.Unlock()
}

func (r *reindexer) StartReindex() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.status.Running {
		return models.Errorf(models.CodeConflict, "a rebuild is already running")
	}
	r.status = web.ReindexStatus{Running: true, Started: time.Now()}
	go func() {
		err := r.rebuild(r.ctx)
		if err == nil {
			_, err = r.reconcile(r.ctx)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.status.Running = false
		r.status.Finished = time.Now()
		if err != nil {
			r.status.Err = err.Error()
			r.log.Error("search: rebuild from the admin page", "error", err)
		}
	}()
	return nil
}

func (r *reindexer) ReindexStatus() web.ReindexStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}
