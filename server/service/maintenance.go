package service

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// Reindexer runs an admin's rebuild of the search index (from the admin
// page or the API) in the background and reports its progress. The
// rebuild re-indexes every document in place (searches keep answering)
// and then reconciles, which drops what no longer exists. It implements
// models.Maintenance.
type Reindexer struct {
	rebuild   func(context.Context, func(done int)) error
	reconcile func(context.Context) (int, error)
	ctx       context.Context // the server's: a stop ends a rebuild
	log       *slog.Logger

	mu     sync.Mutex
	status models.ReindexStatus
}

var _ models.Maintenance = (*Reindexer)(nil)

// NewReindexer returns the runner of rebuilds of an index: rebuild tells
// its progress as it goes, reconcile runs after it; ctx is the server's (a
// stop ends a rebuild).
func NewReindexer(ctx context.Context, rebuild func(context.Context, func(done int)) error, reconcile func(context.Context) (int, error), logger *slog.Logger) *Reindexer {
	return &Reindexer{ctx: ctx, rebuild: rebuild, reconcile: reconcile, log: logger}
}

// progress is the rebuild's progress callback.
func (r *Reindexer) progress(done int) {
	r.mu.Lock()
	if r.status.Running {
		r.status.Done = done
	}
	r.mu.Unlock()
}

func (r *Reindexer) StartReindex() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.status.Running {
		return models.Errorf(models.CodeConflict, "a rebuild is already running")
	}
	r.status = models.ReindexStatus{Running: true, Started: time.Now()}
	go func() {
		err := r.rebuild(r.ctx, r.progress)
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

func (r *Reindexer) ReindexStatus() models.ReindexStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}
