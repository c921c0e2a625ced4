package models

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// chaosFeed is a feed source that delivers entries the way a real one can
// misbehave: late (an entry lands after later ones, beyond any overlap),
// twice (a change stream resumed from an older token), out of order within
// a read, or never (a lost feed insert on the embedded database, a crash
// between a write and its entry). Positions are delivery indexes, as a
// change stream's are commit order.
type chaosFeed struct {
	docs      map[string]int64 // id → version (absent: deleted)
	delivered []Change
	pending   []Change // written, not delivered yet
	dropped   map[string]bool
	gone      map[string]bool // deleted ids, never used again (as ObjectIDs)
	n         int
}

func (c *chaosFeed) write(rng *rand.Rand, id string, deleted bool) {
	c.n++
	v := c.docs[id] + 1
	if deleted {
		delete(c.docs, id)
		c.gone[id] = true
	} else {
		c.docs[id] = v
	}
	e := Change{Seq: fmt.Sprintf("w%06d", c.n), Coll: "things", ID: id, Version: v, Deleted: deleted}
	if rng.IntN(20) == 0 {
		c.dropped[id] = true
		return
	}
	c.pending = append(c.pending, e)
}

// deliver lands some pending entries (in shuffled order, some twice).
func (c *chaosFeed) deliver(rng *rand.Rand, all bool) {
	rng.Shuffle(len(c.pending), func(i, j int) { c.pending[i], c.pending[j] = c.pending[j], c.pending[i] })
	var keep []Change
	for _, e := range c.pending {
		if !all && rng.IntN(3) == 0 {
			keep = append(keep, e) // late
			continue
		}
		c.delivered = append(c.delivered, e)
		if rng.IntN(8) == 0 {
			c.delivered = append(c.delivered, e) // twice
		}
	}
	c.pending = keep
}

func pos(i int) string { return fmt.Sprintf("%08x", i) }

func (c *chaosFeed) FeedFrom(_ context.Context, cursor string) (string, bool, error) {
	return cursor, false, nil
}

func (c *chaosFeed) ReadFeed(_ context.Context, from string, limit int) (FeedRead, error) {
	i := 0
	if from != "" {
		fmt.Sscanf(from, "%08x", &i)
	}
	end := min(len(c.delivered), i+limit)
	out := slices.Clone(c.delivered[i:end])
	for k := range out {
		out[k].Seq = pos(i+k+1) + "." + out[k].Seq
	}
	return FeedRead{Changes: out, Next: pos(end)}, nil
}

func (c *chaosFeed) FeedPosition(context.Context) (string, error) { return pos(len(c.delivered)), nil }

func (c *chaosFeed) Doc(_ context.Context, _, id string) (any, error) {
	v, ok := c.docs[id]
	if !ok {
		return nil, Errorf(CodeNotFound, "gone")
	}
	return v, nil
}

func (c *chaosFeed) Docs(context.Context, string, func(any) error) error { return nil }

func (c *chaosFeed) Versions(_ context.Context, _ string, fn func(DocVersion) error) error {
	for id, v := range c.docs {
		if err := fn(DocVersion{ID: id, Version: v}); err != nil {
			return err
		}
	}
	return nil
}

// countingCopy is a copy that also counts, per feed entry, how often the
// follower handed it a document for that entry.
type countingCopy struct {
	src     *chaosFeed
	held    map[string]int64
	cursor  string
	resyncs int
}

func (c *countingCopy) Follows(coll string) bool                { return coll == "things" }
func (c *countingCopy) HeldVersion(_, id string) (int64, error) { return c.held[id], nil }
func (c *countingCopy) Apply(_ context.Context, docs []FeedDoc, cursor string) error {
	for _, d := range docs {
		if d.Doc == nil {
			delete(c.held, d.ID)
		} else if v := d.Doc.(int64); v > c.held[d.ID] {
			c.held[d.ID] = v
		}
	}
	c.cursor = max(c.cursor, cursor)
	return nil
}
func (c *countingCopy) Resync(_ context.Context, pos string) (int, error) {
	c.resyncs++
	fixed := 0
	for id, v := range c.src.docs {
		if c.held[id] != v {
			c.held[id] = v
			fixed++
		}
	}
	for id := range c.held {
		if _, ok := c.src.docs[id]; !ok {
			delete(c.held, id)
			fixed++
		}
	}
	c.cursor = max(c.cursor, pos)
	return fixed, nil
}
func (c *countingCopy) Cursor() (string, error) { return c.cursor, nil }
func (c *countingCopy) Caught(cursor string) error {
	c.cursor = max(c.cursor, cursor)
	return nil
}

// TestFollowerOverAMisbehavingFeed: whatever the source does with its
// entries — deliver them late, twice or shuffled, or lose one — every
// document whose entries all arrived is exact after a catch-up, and a
// resynchronisation mends what a lost entry left behind. Seeded random sequences; the seed is in the failure.
func TestFollowerOverAMisbehavingFeed(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 21))
		src := &chaosFeed{docs: map[string]int64{}, dropped: map[string]bool{}, gone: map[string]bool{}}
		dst := &countingCopy{src: src, held: map[string]int64{}}
		f := NewFollower(src, dst, FollowerOptions{Name: "chaos", Batch: 1 + rng.IntN(7)})
		for step := range 200 {
			for range rng.IntN(4) {
				id := fmt.Sprint(rng.IntN(8))
				for src.gone[id] {
					id += "'"
				}
				src.write(rng, id, rng.IntN(6) == 0)
			}
			src.deliver(rng, false)
			if _, err := f.CatchUp(ctx); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
			if step%50 == 49 {
				if _, err := f.Resync(ctx); err != nil {
					t.Fatal(err)
				}
				if !maps2Equal(dst.held, src.docs) {
					t.Fatalf("seed %d step %d: after a resync the copy %v differs from %v", seed, step, dst.held, src.docs)
				}
				clear(src.dropped)
			}
		}
		src.deliver(rng, true)
		if _, err := f.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		for id, v := range src.docs {
			if dst.held[id] != v && !src.dropped[id] {
				t.Fatalf("seed %d: %s held at %d after every entry arrived, the database has %d", seed, id, dst.held[id], v)
			}
		}
		for id := range dst.held {
			if _, ok := src.docs[id]; !ok && !src.dropped[id] {
				t.Fatalf("seed %d: %s deleted, still held", seed, id)
			}
		}
		if _, err := f.Resync(ctx); err != nil || !maps2Equal(dst.held, src.docs) {
			t.Fatalf("seed %d: final resync: %v, copy %v, database %v", seed, err, dst.held, src.docs)
		}
	}
}

func maps2Equal(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
