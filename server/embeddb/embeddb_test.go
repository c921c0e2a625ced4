package embeddb_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/server/embeddb"
)

// start runs an embedded server in a temp dir and connects a client to it.
func start(tb testing.TB) (*embeddb.Server, *mongo.Client) {
	tb.Helper()
	ctx := context.Background()
	srv, err := embeddb.Start(ctx, tb.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(srv.URI()))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = client.Disconnect(context.Background())
		if err := srv.Close(); err != nil {
			tb.Error(err)
		}
	})
	return srv, client
}

// fill inserts n documents with string _ids "doc-0" … into coll.
func fill(tb testing.TB, coll *mongo.Collection, n int) {
	tb.Helper()
	ctx := context.Background()
	const batch = 1000
	for i := 0; i < n; i += batch {
		docs := make([]any, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("doc-%d", j)}, {Key: "name", Value: fmt.Sprintf("name %d", j)}, {Key: "n", Value: j}})
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestRepairIndexesMakesIDLookupsUseAnIndex(t *testing.T) {
	ctx := context.Background()
	srv, client := start(t)
	db := client.Database("plan")
	fill(t, db.Collection("talents"), 10)
	fill(t, db.Collection("users"), 10)

	sqldb, err := srv.OpenSQL("plan")
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	// One connection, so that the read below refreshes the schema that
	// EXPLAIN uses: EXPLAIN alone does not notice an index created by
	// another connection (real queries do, when SQLite re-prepares them).
	sqldb.SetMaxOpenConns(1)
	tables, err := embeddb.Tables(ctx, sqldb)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 2 {
		t.Fatalf("tables = %v", tables)
	}

	// The query FerretDB runs for find({_id: …}) (sqlite backend,
	// collection.Query with metadata.IDColumn).
	plan := func(table string) string {
		if _, err := sqldb.ExecContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %q`, table)); err != nil {
			t.Fatal(err)
		}
		p, err := embeddb.QueryPlan(ctx, sqldb, fmt.Sprintf(`SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table), `"doc-1"`)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	// Without the repair SQLite scans: this is the defect, and if a
	// FerretDB upgrade fixes it this assertion tells us the repair can go.
	if p := plan(tables["talents"]); !strings.HasPrefix(p, "SCAN") {
		t.Fatalf("before repair the plan is %q; FerretDB's own index is now used, revisit the repair", p)
	}

	n, err := srv.RepairIndexes(ctx, "plan", nil)
	if err != nil || n != 2 {
		t.Fatalf("RepairIndexes = %d, %v; want 2 indexes created", n, err)
	}
	for coll, table := range tables {
		want := "USING INDEX " + embeddb.IDIndexName(table)
		if p := plan(table); !strings.Contains(p, want) {
			t.Errorf("%s: plan %q does not contain %q", coll, p, want)
		}
	}

	// Idempotent: a second run creates nothing.
	if n, err := srv.RepairIndexes(ctx, "plan", nil); err != nil || n != 0 {
		t.Fatalf("second RepairIndexes = %d, %v", n, err)
	}

	// FerretDB still answers through the repaired table, including writes.
	coll := db.Collection("talents")
	if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "doc-3"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "changed"}}}}); err != nil {
		t.Fatal(err)
	}
	var got struct{ Name string }
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "doc-3"}}).Decode(&got); err != nil || got.Name != "changed" {
		t.Fatalf("findOne after repair: %+v, %v", got, err)
	}
}

func TestStartStopAndReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for round := range 2 {
		srv, err := embeddb.Start(ctx, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		client, err := mongo.Connect(ctx, options.Client().ApplyURI(srv.URI()).SetTimeout(10*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		coll := client.Database("reopen").Collection("c")
		if round == 0 {
			if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "kept"}}); err != nil {
				t.Fatal(err)
			}
		} else if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "kept"}}).Err(); err != nil {
			t.Fatalf("document lost across restart: %v", err)
		}
		_ = client.Disconnect(ctx)
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkFindOneByID measures findOne by _id among 50k documents with and
// without the repair index, side by side:
//
//	go test -run '^$' -bench FindOneByID -benchtime 200x ./server/embeddb
func BenchmarkFindOneByID(b *testing.B) {
	const n = 50_000
	ctx := context.Background()
	srv, client := start(b)
	coll := client.Database("bench").Collection("talents")
	fill(b, coll, n)

	find := func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			var doc struct{ N int }
			id := fmt.Sprintf("doc-%d", (i*7919)%n)
			if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("unrepaired", find)
	if _, err := srv.RepairIndexes(ctx, "bench", nil); err != nil {
		b.Fatal(err)
	}
	b.Run("repaired", find)
}

func TestSecondServerOnTheSameDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	srv, err := embeddb.Start(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := embeddb.Start(context.Background(), dir, nil); !errors.Is(err, embeddb.ErrInUse) || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("second Start on one dir: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := embeddb.Start(context.Background(), dir, nil)
	if err != nil {
		t.Fatalf("Start after Close: %v", err)
	}
	_ = again.Close()
}

// Versions reads ids and versions as the driver gives them for the odd
// documents too: a string _id, an ObjectID, a version stored as a 32-bit
// or a 64-bit integer, none at all (0); a collection that does not exist,
// or a database that does not, has no documents or an error, never a panic.
// It reads the same from the table and, once RepairIndexes made it, from
// the versions index, which SQLite then uses and FerretDB's writes keep.
func TestVersionsOfOddDocuments(t *testing.T) {
	ctx := context.Background()
	srv, client := start(t)
	coll := client.Database("odd").Collection("things")
	oid, err := primitive.ObjectIDFromHex("65f0c0ffee00000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertMany(ctx, []any{
		bson.D{{Key: "_id", Value: "doc-a"}, {Key: "version", Value: int64(7)}},
		bson.D{{Key: "_id", Value: oid}, {Key: "version", Value: int32(3)}},
		bson.D{{Key: "_id", Value: "doc-none"}, {Key: "name", Value: "no version"}},
	}); err != nil {
		t.Fatal(err)
	}
	read := func() string {
		t.Helper()
		got := map[string]int64{}
		if err := srv.Versions(ctx, "odd", "things", func(id string, v int64) error { got[id] = v; return nil }); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(got)
	}
	if got, want := read(), "map[65f0c0ffee00000000000001:3 doc-a:7 doc-none:0]"; got != want {
		t.Fatalf("versions from the table %v, want %s", got, want)
	}
	table := versionsPlan(t, srv, "odd", "things", "")
	if n, err := srv.RepairIndexes(ctx, "odd", []string{"things", "nothing"}); err != nil || n != 2 {
		t.Fatalf("RepairIndexes = %d, %v; want the _id and the versions index of things", n, err)
	}
	versionsPlan(t, srv, "odd", "things", embeddb.VersionsIndexName(table))
	if got, want := read(), "map[65f0c0ffee00000000000001:3 doc-a:7 doc-none:0]"; got != want {
		t.Fatalf("versions from the index %v, want %s", got, want)
	}
	// Writes through FerretDB keep the index: a new version, a document
	// without one that gains one, an insert and a delete.
	if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "doc-a"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "version", Value: int64(8)}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "doc-none"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "version", Value: int64(1)}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "doc-b"}, {Key: "version", Value: int64(2)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: oid}}); err != nil {
		t.Fatal(err)
	}
	if got, want := read(), "map[doc-a:8 doc-b:2 doc-none:1]"; got != want {
		t.Fatalf("versions from the index after writes %v, want %s", got, want)
	}
	if n, err := srv.RepairIndexes(ctx, "odd", []string{"things"}); err != nil || n != 0 {
		t.Fatalf("second RepairIndexes = %d, %v", n, err)
	}

	calls := 0
	if err := srv.Versions(ctx, "odd", "nothing", func(string, int64) error { calls++; return nil }); err != nil || calls != 0 {
		t.Fatalf("a collection that does not exist: %d calls, %v", calls, err)
	}
	if err := srv.Versions(ctx, "nodb", "things", func(string, int64) error { return nil }); err == nil {
		t.Fatal("a database that does not exist read without an error")
	}
	stop := errors.New("stop")
	if err := srv.Versions(ctx, "odd", "things", func(string, int64) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("the callback's error came back as %v", err)
	}
}

// versionsPlan checks that SQLite reads the versions of coll from the
// index named index, or from the table itself when index is empty, and
// returns the collection's table.
func versionsPlan(tb testing.TB, srv *embeddb.Server, database, coll, index string) string {
	tb.Helper()
	ctx := context.Background()
	db, err := embeddb.OpenFile(srv.DatabaseFile(database), true)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	tables, err := embeddb.Tables(ctx, db)
	if err != nil {
		tb.Fatal(err)
	}
	table := tables[coll]
	detail, err := embeddb.QueryPlan(ctx, db, embeddb.VersionsQuery(table))
	if err != nil {
		tb.Fatal(err)
	}
	if index == "" && detail != "SCAN "+table {
		tb.Fatalf("plan %q, want a scan of %s", detail, table)
	}
	if index != "" && !strings.HasSuffix(detail, "INDEX "+index) {
		tb.Fatalf("plan %q, want a read of the index %s", detail, index)
	}
	return table
}

// BenchmarkWritesWithVersionsIndex measures what the versions index costs
// a write: updates by _id (a new version and a changed field) and inserts
// of documents about the size of a profile (2 KB), among 20k, with the
// _id repair index, before and after the versions index is added, in one
// run:
//
//	go test -run '^$' -bench WritesWithVersionsIndex -benchtime 2000x -count 3 ./server/embeddb
func BenchmarkWritesWithVersionsIndex(b *testing.B) {
	const n = 20_000
	ctx := context.Background()
	srv, client := start(b)
	coll := client.Database("bench").Collection("talents")
	bio := strings.Repeat("资深原画师，擅长角色设计与场景概念。", 40) // about 2 KB
	doc := func(id string, v int) bson.D {
		return bson.D{{Key: "_id", Value: id}, {Key: "version", Value: int64(v)}, {Key: "bio", Value: bio}, {Key: "n", Value: v}}
	}
	for i := 0; i < n; i += 1000 {
		docs := make([]any, 0, 1000)
		for j := i; j < i+1000; j++ {
			docs = append(docs, doc(fmt.Sprintf("doc-%d", j), 1))
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := srv.RepairIndexes(ctx, "bench", nil); err != nil {
		b.Fatal(err)
	}
	inserted := 0
	writes := func(b *testing.B) {
		b.Run("update", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				id := fmt.Sprintf("doc-%d", (i*7919)%n)
				if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}, {Key: "n", Value: 1}}}}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("insert", func(b *testing.B) {
			for b.Loop() {
				inserted++
				if _, err := coll.InsertOne(ctx, doc(fmt.Sprintf("new-%d", inserted), 1)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("without", writes)
	if n, err := srv.RepairIndexes(ctx, "bench", []string{"talents"}); err != nil || n != 1 {
		b.Fatalf("versions index: %d, %v", n, err)
	}
	b.Run("with", writes)
}

// ReadAfter reads the documents after an _id in _id order, through the
// _id repair index (a range, not a scan of the table), with a limit or
// none; string and ObjectID ids alike; a field name that could change the
// query is refused; and a database dropped and made again is read anew,
// not from the file the reader had open.
func TestReadAfterInIDOrderByTheIndex(t *testing.T) {
	ctx := context.Background()
	srv, client := start(t)
	db := client.Database("feed")
	coll := db.Collection("changes")
	var oids []primitive.ObjectID
	for i := range 5 {
		oid := primitive.NewObjectIDFromTimestamp(time.Unix(int64(1_700_000_000+i), 0))
		oids = append(oids, oid)
	}
	// Inserted out of order, so that the table's order is not the answer.
	for _, i := range []int{3, 0, 4, 1, 2} {
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: oids[i]}, {Key: "n", Value: int64(i)}, {Key: "deleted", Value: i%2 == 1},
			{Key: "at", Value: time.UnixMilli(int64(1000 * i)).UTC()}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.RepairIndexes(ctx, "feed", nil); err != nil {
		t.Fatal(err)
	}
	read := func(after string, limit int) string {
		t.Helper()
		var out []string
		err := srv.ReadAfter(ctx, "feed", "changes", after, limit, []string{"_id", "n", "deleted", "at", "missing"}, func(v []any) error {
			out = append(out, fmt.Sprintf("%v/%v/%v/%v/%v", v[0] == oids[v[1].(int64)].Hex(), v[1], v[2], v[3], v[4]))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, " ")
	}
	if got, want := read("", 0), "true/0/0/0/<nil> true/1/1/1000/<nil> true/2/0/2000/<nil> true/3/1/3000/<nil> true/4/0/4000/<nil>"; got != want {
		t.Fatalf("from the start: %s, want %s", got, want)
	}
	if got, want := read(oids[1].Hex(), 2), "true/2/0/2000/<nil> true/3/1/3000/<nil>"; got != want {
		t.Fatalf("after the second, two: %s, want %s", got, want)
	}
	if got := read(oids[4].Hex(), 0); got != "" {
		t.Fatalf("after the last: %s", got)
	}
	sqldb, err := srv.OpenSQL("feed")
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	tables, err := embeddb.Tables(ctx, sqldb)
	if err != nil {
		t.Fatal(err)
	}
	q := embeddb.ReadAfterQuery(tables["changes"], []string{`_ferretdb_sjson->>'$.n'`}, true)
	if p, err := embeddb.QueryPlan(ctx, sqldb, q, `"x"`, 10); err != nil || !strings.Contains(p, "SEARCH") || !strings.Contains(p, embeddb.IDIndexName(tables["changes"])) {
		t.Fatalf("plan %q (%v), want a search of the _id repair index", p, err)
	}
	for _, bad := range []string{"n') FROM x --", "a.b", ""} {
		if err := srv.ReadAfter(ctx, "feed", "changes", "", 0, []string{bad}, func([]any) error { return nil }); err == nil {
			t.Errorf("field %q was read", bad)
		}
	}

	// Dropped and made again: the new database's documents, not the old.
	if err := db.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "again"}, {Key: "n", Value: int64(9)}}); err != nil {
		t.Fatal(err)
	}
	var got []any
	if err := srv.ReadAfter(ctx, "feed", "changes", "", 0, []string{"_id", "n"}, func(v []any) error { got = append(got, v...); return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[again 9]" {
		t.Fatalf("after the database was made again: %v", got)
	}
}
