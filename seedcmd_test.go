package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/mongo"

	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/scripts/seed"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/embeddb"
	"github.com/szdc/talenthub/server/store"
)

// TestSeedAndReindex seeds a demo set through run(), starts the server on
// it, signs in as the printed demo accounts, finds the seeded profiles by
// search, and checks that reindex rebuilds the same index and that seeding
// is refused while the server holds the embedded database.
func TestSeedAndReindex(t *testing.T) {
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed", "--demo", "--seed", "3"}, getenv, &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	for _, want := range []string{"seeded 60 talents, 12 organisations", seed.BureauEmail, seed.Password} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("seed output lacks %q:\n%s", want, out.String())
		}
	}

	// A new database seeded has no notice untold: the first start does
	// not sweep for them.
	if _, err := os.Stat(filepath.Join(env["DATA_DIR"], noticesToldFile)); err != nil {
		t.Errorf("the seed of a new database left no %s: %v", noticesToldFile, err)
	}

	// The index the seed wrote holds exactly the database's documents and
	// versions: a reconciliation finds nothing to fix.
	indexMatchesDatabase(t, env)

	a := start(t, env)
	signIn := func(email string) string { return login(t, a, email) }
	bureau := signIn(seed.BureauEmail)
	org := signIn("org1@seed.talenthub.example")
	creator := signIn("creator1@seed.talenthub.example")
	if creator == "" || org == "" {
		t.Fatal("seeded accounts did not sign in")
	}
	code, body := a.call(t, "GET", "/api/v1/talents?per_page=5", bureau, nil)
	if code != 200 || body["total"] == nil {
		t.Fatalf("bureau lists talents: %d %v", code, body)
	}
	total := fmt.Sprint(body["total"])
	if total == "0" {
		t.Fatalf("the index of the seeded data is empty: %v", body)
	}
	code, body = a.call(t, "GET", "/api/v1/targets?year=2024", bureau, nil)
	if code != 200 {
		t.Fatalf("targets: %d %v", code, body)
	}

	// The server holds the embedded database: seeding now must fail
	// cleanly rather than corrupt it.
	out.Reset()
	if err := run(context.Background(), []string{"seed", "--talents", "5"}, getenv, &out); err == nil {
		t.Fatal("seed succeeded while the server held the database")
	}
	a.stop(t)

	out.Reset()
	if err := run(context.Background(), []string{"reindex"}, getenv, &out); err != nil {
		t.Fatalf("reindex: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "reindexed ") {
		t.Fatalf("reindex output: %s", out.String())
	}
	b := start(t, env)
	code, body = b.call(t, "GET", "/api/v1/talents?per_page=5", login(t, b, seed.BureauEmail), nil)
	if code != 200 || fmt.Sprint(body["total"]) != total {
		t.Fatalf("after reindex the bureau sees %v talents, before %s: %d", body["total"], total, code)
	}
	b.stop(t)

	// A second seed would collide with the first: refused before writing.
	out.Reset()
	if err := run(context.Background(), []string{"seed", "--talents", "5"}, getenv, &out); err == nil || !strings.Contains(err.Error(), "already holds seeded data") {
		t.Fatalf("second seed: %v", err)
	}
	indexMatchesDatabase(t, env)

	// Bad flags are refused with a message, and change nothing.
	out.Reset()
	if err := run(context.Background(), []string{"seed", "--talents", "0"}, getenv, &out); err == nil || !strings.Contains(err.Error(), "--talents") {
		t.Fatalf("seed --talents 0: %v", err)
	}
	if err := run(context.Background(), []string{"seed", "--orgs", "-3"}, getenv, &out); err == nil || !strings.Contains(err.Error(), "--orgs") {
		t.Fatalf("seed --orgs -3: %v", err)
	}
}

func login(t *testing.T, in *instance, email string) string {
	t.Helper()
	code, body := in.call(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": seed.Password})
	if code != 200 {
		t.Fatalf("login %s: %d %v", email, code, body)
	}
	return str(body, "token")
}

// openStopped opens the database of a stopped server's DATA_DIR as a
// server would; the caller closes it (before opening it again: one process
// at a time owns it).
func openStopped(t *testing.T, env map[string]string) (*database, config) {
	t.Helper()
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	db, err := openDatabase(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return db, cfg
}

// rawDatabase is the driver's view of an opened embedded database, to read
// the records as they are stored, and how to disconnect it.
func rawDatabase(t *testing.T, db *database, cfg config) (*mongo.Database, func()) {
	t.Helper()
	client, err := mongo.Connect(context.Background(), options.Client().ApplyURI(db.embedded.URI()))
	if err != nil {
		t.Fatal(err)
	}
	return client.Database(cfg.MongoDatabase), func() { _ = client.Disconnect(context.Background()) }
}

// indexMatchesDatabase opens DATA_DIR's database and index as a server
// would and checks that reconciling them changes nothing.
func indexMatchesDatabase(t *testing.T, env map[string]string) {
	t.Helper()
	db, cfg := openStopped(t, env)
	defer db.Close()
	indexMatches(t, db, cfg)
}

// indexMatches checks that the index of an opened DATA_DIR was not rebuilt
// at open and that reconciling it with the database changes nothing.
func indexMatches(t *testing.T, db *database, cfg config) {
	t.Helper()
	ctx := context.Background()
	ix, err := search.Open(ctx, search.Options{Dir: filepath.Join(cfg.DataDir, "index"), Source: db.store, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Rebuilt() != 0 {
		t.Fatalf("the index was rebuilt at open (%d documents)", ix.Rebuilt())
	}
	if fixed, err := ix.Reconcile(ctx); err != nil || fixed != 0 {
		t.Fatalf("reconciling the index with the database fixed %d documents (%v)", fixed, err)
	}
}

// TestSeederStopsAtTheIndexersFirstError: when the indexer fails, the next
// chunk is refused with its error instead of the seed writing every chunk
// before it says so.
func TestSeederStopsAtTheIndexersFirstError(t *testing.T) {
	ctx := context.Background()
	db, err := embeddb.Start(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := store.Open(ctx, store.Options{URI: db.URI(), Database: "seedfail", SerializeWrites: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	ix, err := search.Open(ctx, search.Options{Source: st})
	if err != nil {
		t.Fatal(err)
	}
	_ = ix.Close() // every Add now fails
	sd := newSeeder(ctx, st, "not a hash", ix)
	chunk := func() []any {
		return []any{&models.Org{ID: store.NewID(), Name: "机构", Kind: models.OrgEnterprise, District: "nanshan", Status: models.StatusPending}}
	}
	if err := sd.put(ctx, models.CollOrgs, nil, chunk()); err != nil {
		t.Fatalf("the first chunk: %v", err)
	}
	sd.drain()
	if err := sd.put(ctx, models.CollOrgs, nil, chunk()); err == nil || !strings.Contains(err.Error(), "index") {
		t.Fatalf("a chunk after the indexer failed: %v", err)
	}
	if err := sd.wait(); err == nil {
		t.Fatal("wait does not report the indexer's error")
	}
}

// TestSeedKeepsTheSweepAfterACrash: a seed into a database whose last stop
// was not clean (no mark: notices may be untold) leaves the sweep to the
// next start.
func TestSeedKeepsTheSweepAfterACrash(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": dir}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed", "--talents", "5", "--orgs", "2"}, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, noticesToldFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a seed after an unclean stop marked the notices told (%v)", err)
	}
}
