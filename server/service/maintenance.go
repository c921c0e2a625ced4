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
	ix  Reindexable
	ctx context.Context // the server's: a stop ends a rebuild
	log *slog.Logger

	mu     sync.Mutex
	status models.ReindexStatus
}

var _ models.Maintenance = (*Reindexer)(nil)

// Reindexable is the search index as a Reindexer drives it (search.Index).
type Reindexable interface {
	// RebuildReporting re-indexes every document, telling its progress.
	RebuildReporting(ctx context.Context, progress func(done int)) error
	// Reconcile drops and fixes what differs from the database.
	Reconcile(ctx context.Context) (int, error)
	// Reconciling says whether a reconciliation runs or is due.
	Reconciling() bool
}

// NewReindexer returns the runner of rebuilds of ix, which reconciles after
// each; ctx is the server's (a stop ends a rebuild).
func NewReindexer(ctx context.Context, ix Reindexable, logger *slog.Logger) *Reindexer {
	return &Reindexer{ctx: ctx, ix: ix, log: logger}
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
		err := r.ix.RebuildReporting(r.ctx, r.progress)
		if err == nil {
			_, err = r.ix.Reconcile(r.ctx)
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
	st := r.status
	r.mu.Unlock()
	st.Reconciling = r.ix.Reconciling()
	return st
}
