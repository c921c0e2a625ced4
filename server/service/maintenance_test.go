package service_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/szdc/talenthub/server/service"
)

// fakeIndex is a Reindexable whose reconciliation is set by the test and
// whose rebuild reports two steps.
type fakeIndex struct {
	reconciling, reconciled atomic.Bool
}

func (f *fakeIndex) RebuildReporting(_ context.Context, progress func(int)) error {
	progress(1)
	progress(2)
	return nil
}

func (f *fakeIndex) Reconcile(context.Context) (int, error) { f.reconciled.Store(true); return 0, nil }
func (f *fakeIndex) Reconciling() bool                      { return f.reconciling.Load() }

// The status of the maintenance says, besides the rebuild, whether the
// index is being reconciled now (asked of the index at each read, not
// remembered); a rebuild is followed by a reconciliation.
func TestReindexerStatusSaysWhetherTheIndexReconciles(t *testing.T) {
	ix := &fakeIndex{}
	r := service.NewReindexer(context.Background(), ix, slog.New(slog.DiscardHandler))
	if st := r.ReindexStatus(); st.Running || st.Reconciling {
		t.Fatalf("at rest: %+v", st)
	}
	ix.reconciling.Store(true)
	if !r.ReindexStatus().Reconciling {
		t.Fatal("the index reconciles, the status does not say so")
	}
	ix.reconciling.Store(false)
	if err := r.StartReindex(); err != nil {
		t.Fatal(err)
	}
	for r.ReindexStatus().Running { // the test's own time limit ends a rebuild that never does
		time.Sleep(time.Millisecond)
	}
	if st := r.ReindexStatus(); st.Done != 2 || st.Err != "" || st.Reconciling || !ix.reconciled.Load() {
		t.Fatalf("after the rebuild: %+v, reconciled %v", st, ix.reconciled.Load())
	}
}
