package store_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// TestStoreWithoutTheLock: a store opened without SerializeWrites takes
// the MongoDB paths. On the embedded FerretDB (as when MONGODB_URI names a
// FerretDB) it opens all the same, with plain indexes where it has no TTL
// ones, and counts hits with the compare-and-swap once the update pipeline
// is refused; on a real MongoDB (MONGODB_TEST_URI) the expiring
// collections get TTL indexes, a plain one made by an earlier version is
// made one, and the counting is the pipeline's. Either way the feed
// collections get the version-scan index. Opened fresh, and over a
// database the embedded way made first (an upgrade).
func TestStoreWithoutTheLock(t *testing.T) {
	for _, upgrade := range []bool{false, true} {
		t.Run(fmt.Sprintf("upgrade=%v", upgrade), func(t *testing.T) { testStoreWithoutTheLock(t, upgrade) })
	}
}

func testStoreWithoutTheLock(t *testing.T, upgrade bool) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	opts := storetest.Options(t)
	opts.Now = clock
	opts.Logger = slog.New(slog.DiscardHandler)
	if upgrade {
		opts.SerializeWrites = true
		first, err := store.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		_ = first.Close(ctx)
	}
	opts.SerializeWrites = false
	s, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Drop(ctx); _ = s.Close(ctx) })

	for i := 1; i <= 3; i++ {
		l, err := s.LimitHit(ctx, "k", time.Minute)
		if err != nil || l.Count != i || !l.ResetAt.Equal(now.Add(time.Minute)) || !l.Last.Equal(now) {
			t.Fatalf("hit %d = %+v, %v", i, l, err)
		}
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	if l, err := s.LimitHit(ctx, "k", time.Minute); err != nil || l.Count != 1 || !l.ResetAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("hit after the window = %+v, %v", l, err)
	}
	if l, err := s.LimitGet(ctx, "k"); err != nil || l.Count != 1 {
		t.Fatalf("LimitGet = %+v, %v", l, err)
	}

	c, err := mongo.Connect(ctx, options.Client().ApplyURI(storetest.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(ctx)
	db := c.Database(opts.Database)
	spec := func(coll, name string) *mongo.IndexSpecification {
		specs, err := db.Collection(coll).Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range specs {
			if sp.Name == name {
				return sp
			}
		}
		return nil
	}
	for _, coll := range []string{"sessions", "login_limits", "account_tokens"} {
		sp := spec(coll, "expires_at")
		if sp == nil {
			t.Fatalf("%s has no expires_at index", coll)
		}
		ttl := sp.ExpireAfterSeconds
		if embedded := storetest.Embedded() != nil; embedded != (ttl == nil) || (ttl != nil && *ttl != 0) {
			t.Errorf("%s: expires_at has expireAfterSeconds %v (embedded: %v)", coll, ttl, embedded)
		}
	}
	for _, coll := range models.FeedCollections {
		if sp := spec(coll, "version_scan"); sp == nil || fmt.Sprint(sp.KeysDocument) != `{"_id": {"$numberInt":"1"},"version": {"$numberInt":"1"}}` {
			t.Errorf("%s: version_scan = %+v", coll, sp)
		}
	}
}
