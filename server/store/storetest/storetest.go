// Package storetest gives tests a real database: one embedded FerretDB per
// test binary (or the MongoDB named by MONGODB_TEST_URI) and a fresh
// database per test.
//
//	func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
//
//	func TestX(t *testing.T) { s := storetest.MustOpen(t) … }
package storetest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/embeddb"
	"github.com/szdc/talenthub/server/store"
)

// env is the database server of this test binary, set by Main.
var env struct {
	uri      string
	embedded *embeddb.Server
	seq      atomic.Int64
}

// Main starts the database server, runs the tests and stops it. Use it from
// TestMain.
func Main(m *testing.M) int {
	if uri := os.Getenv("MONGODB_TEST_URI"); uri != "" {
		env.uri = uri
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "talenthub-storetest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	srv, err := embeddb.Start(context.Background(), dir, slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		return 1
	}
	env.uri, env.embedded = srv.URI(), srv
	code := m.Run()
	if err := srv.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
	}
	return code
}

// Embedded returns the embedded server, or nil when the tests run against
// MONGODB_TEST_URI.
func Embedded() *embeddb.Server { return env.embedded }

// URI returns the address of the test database server.
func URI() string { return env.uri }

// Options returns store options for a fresh database name, with the
// embedded database's write serialisation when it is in use.
func Options(tb testing.TB) store.Options {
	tb.Helper()
	if env.uri == "" {
		tb.Fatal("storetest: call storetest.Main from TestMain")
	}
	opts := store.Options{
		URI:             env.uri,
		Database:        fmt.Sprintf("t%d_%d", os.Getpid(), env.seq.Add(1)),
		SerializeWrites: env.embedded != nil,
		Now:             time.Now,
	}
	if srv := env.embedded; srv != nil {
		// As the server opens the embedded database.
		opts.File = srv.Reader(opts.Database)
	}
	return opts
}

// MustOpen opens a store on a fresh database that is dropped when the test
// ends. modify may change the options (a clock, say).
func MustOpen(tb testing.TB, modify ...func(*store.Options)) *store.Store {
	tb.Helper()
	opts := Options(tb)
	for _, f := range modify {
		f(&opts)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, opts)
	if err != nil {
		tb.Fatal(err)
	}
	if env.embedded != nil {
		if _, err := env.embedded.RepairIndexes(ctx, opts.Database, models.FeedCollections); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Cleanup(func() {
		ctx := context.Background()
		if err := s.Drop(ctx); err != nil {
			tb.Errorf("storetest: drop %s: %v", opts.Database, err)
		}
		if err := s.Close(ctx); err != nil {
			tb.Errorf("storetest: close: %v", err)
		}
	})
	return s
}

// Raw returns the database a test store uses through a client of its own,
// for a test that damages what the store wrote (a document lost, say);
// the client is closed when the test ends.
func Raw(tb testing.TB, database string) *mongo.Database {
	tb.Helper()
	c, err := mongo.Connect(context.Background(), options.Client().ApplyURI(env.uri))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c.Database(database)
}
