package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/szdc/talenthub/server/store/storetest"
)

// TestLimitHitCountsEveryConcurrentHit: n concurrent hits on one key are
// all counted, and each is told a different count, 1 to n (the embedded
// database's serialised path here; the atomic one on MONGODB_TEST_URI).
func TestLimitHitCountsEveryConcurrentHit(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	const n = 24
	counts := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			l, err := s.LimitHit(ctx, "burst", time.Minute)
			if err != nil {
				t.Error(err)
			}
			counts[i] = l.Count
		})
	}
	wg.Wait()
	slices.Sort(counts)
	for i, c := range counts {
		if c != i+1 {
			t.Fatalf("counts told to %d concurrent hits: %v", n, counts)
		}
	}
	if l, err := s.LimitGet(ctx, "burst"); err != nil || l.Count != n {
		t.Fatalf("LimitGet = %+v, %v", l, err)
	}
}
