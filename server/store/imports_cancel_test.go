package store_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// TestCancelledImportWritesNoBatch: an import whose context is cancelled
// before a batch writes none of it and tells no observer; the same records
// written afterwards are all written and all told (one observer's change
// per record, as the figures count them).
func TestCancelledImportWritesNoBatch(t *testing.T) {
	s := storetest.MustOpen(t)
	var told atomic.Int64
	s.Observe(func(_ context.Context, c models.Change) {
		if c.Coll == models.CollRecruitments {
			told.Add(1)
		}
	})
	recs := func() []*models.Recruitment {
		out := make([]*models.Recruitment, 1500) // two batches
		for i := range out {
			out[i] = &models.Recruitment{ID: store.NewID(), TalentID: store.NewID(), TalentName: "李明", OrgID: "org",
				Date: "2025-03-01", District: "nanshan", Status: models.StatusVerified}
		}
		return out
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	first := recs()
	if err := s.CreateRecruitments(cancelled, first); err == nil {
		t.Fatal("a cancelled import was written")
	}
	for _, r := range []*models.Recruitment{first[0], first[len(first)-1]} {
		if _, err := s.Recruitment(context.Background(), r.ID); !models.IsCode(err, models.CodeNotFound) {
			t.Errorf("record %s of a cancelled import: %v, want not found", r.ID, err)
		}
	}
	if n := told.Load(); n != 0 {
		t.Fatalf("a cancelled import told the observers of %d records", n)
	}
	again := recs()
	if err := s.CreateRecruitments(context.Background(), again); err != nil {
		t.Fatal(err)
	}
	if n := told.Load(); n != int64(len(again)) {
		t.Errorf("observers told of %d records, want %d", n, len(again))
	}
	if _, err := s.Recruitment(context.Background(), again[len(again)-1].ID); err != nil {
		t.Errorf("the last record: %v", err)
	}
}
