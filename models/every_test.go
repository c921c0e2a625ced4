package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

func TestEveryCallsUntilItsContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	models.Every(ctx, time.Millisecond, func() {
		if n++; n == 3 {
			cancel()
		}
	})
	if n != 3 {
		t.Fatalf("called %d times after the context ended at the third", n)
	}
	models.Every(ctx, time.Millisecond, func() { t.Fatal("called with its context ended") })
}
