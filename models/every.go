package models

import (
	"context"
	"time"
)

// Every calls fn every interval until ctx ends, the first time one
// interval from now. A call that outlasts the interval delays the next
// (ticks are not queued).
func Every(ctx context.Context, interval time.Duration, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if ctx.Err() != nil {
			return
		}
		fn()
	}
}
