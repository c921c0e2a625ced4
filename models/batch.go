package models

import (
	"context"
	"sync"
)

// Batch lets the observers of the change feed, told of many changes at once
// (an import's thousands of records), do their costly part once for all of
// them: an observer keeps its work in the batch under its own key and the
// teller runs every observer's flush after the last change. Without a batch
// in the context an observer works change by change.
type Batch struct {
	mu      sync.Mutex
	vals    map[any]any
	flushes []func()
}

type batchKey struct{}

// WithBatch returns a context that carries a new batch, and the batch.
func WithBatch(ctx context.Context) (context.Context, *Batch) {
	b := &Batch{vals: map[any]any{}}
	return context.WithValue(ctx, batchKey{}, b), b
}

// BatchOf returns the batch of ctx, or nil.
func BatchOf(ctx context.Context) *Batch {
	b, _ := ctx.Value(batchKey{}).(*Batch)
	return b
}

// Get returns the value kept under key, making it with start (the value and
// the flush that applies it) the first time.
func (b *Batch) Get(key any, start func() (any, func())) any {
	b.mu.Lock()
	defer b.mu.Unlock()
	if v, ok := b.vals[key]; ok {
		return v
	}
	v, flush := start()
	b.vals[key] = v
	b.flushes = append(b.flushes, flush)
	return v
}

// Flush runs the observers' flushes, in the order they started.
func (b *Batch) Flush() {
	b.mu.Lock()
	fs := b.flushes
	b.flushes, b.vals = nil, map[any]any{}
	b.mu.Unlock()
	for _, f := range fs {
		f()
	}
}
