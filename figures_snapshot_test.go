package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store"
)

// TestStartFromFiguresSnapshot: a clean stop saves the figures with their
// feed position; the next start reads them from there instead of decoding
// every record (the start at 1M profiles: BENCHMARKS.md), answers the same
// figures, and `recount` against the running server finds no difference.
// One written before a bulk load (a seed writes no feed entries) is not
// used. After a crash (the mark of a running server left behind) the
// snapshot is reconciled with the database by versions, which finds a
// change the feed never recorded.
func TestStartFromFiguresSnapshot(t *testing.T) {
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "correct horse battery staple"}
	getenv := func(k string) string { return env[k] }
	seedRun := func(args ...string) {
		t.Helper()
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"seed"}, args...), getenv, &out); err != nil {
			t.Fatalf("seed: %v\n%s", err, out.String())
		}
	}
	figuresOf := func(in *instance) string {
		t.Helper()
		token := login(t, in, "bureau@seed.talenthub.example")
		var all []any
		for _, path := range []string{"/api/v1/stats/recruitment?year=2025&by=district", "/api/v1/stats/recruitment?year=2024&by=level",
			"/api/v1/stats/bases?by=kind", "/api/v1/targets?year=2025"} {
			code, body := in.call(t, "GET", path, token, nil)
			if code != 200 {
				t.Fatalf("%s: %d %v", path, code, body)
			}
			stripAsOf(body)
			all = append(all, body)
		}
		raw, _ := json.Marshal(all)
		return string(raw)
	}
	recountClean := func(in *instance) {
		t.Helper()
		var out bytes.Buffer
		if err := run(context.Background(), []string{"recount", "--server", in.base}, getenv, &out); err != nil || !strings.Contains(out.String(), "no differences") {
			t.Fatalf("recount: %v\n%s", err, out.String())
		}
	}
	snapshot := filepath.Join(env["DATA_DIR"], figuresSnapshot)

	seedRun("--demo", "--seed", "3")
	a := start(t, env)
	want := figuresOf(a)
	a.stop(t)
	if _, err := os.Stat(snapshot); err != nil {
		t.Fatalf("a clean stop saved no snapshot: %v", err)
	}

	b := start(t, env)
	if !strings.Contains(b.out.String(), "figures loaded from a snapshot") {
		t.Fatalf("the start did not use the snapshot:\n%s", b.out.String())
	}
	if got := figuresOf(b); got != want {
		t.Fatalf("figures after a start from the snapshot:\n%s\nwant\n%s", got, want)
	}
	recountClean(b)
	b.stop(t)

	// A write after the snapshot, through the store (so in the feed): the
	// start catches it up.
	db, _ := openStopped(t, env)
	ctx := context.Background()
	var verified string
	err := db.store.Docs(ctx, models.CollRecruitments, func(d any) error {
		if r := d.(*models.Recruitment); verified == "" && r.Status == models.StatusVerified && strings.HasPrefix(r.Date, "2025") {
			verified = r.ID
		}
		return nil
	})
	if err != nil || verified == "" {
		t.Fatalf("no verified record of 2025 to reject (%v)", err)
	}
	if _, err := db.store.UpdateRecruitment(ctx, verified, 0, func(r *models.Recruitment) error {
		r.Status = models.StatusRejected
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b = start(t, env)
	if !strings.Contains(b.out.String(), "figures loaded from a snapshot") {
		t.Fatalf("the second start did not use the snapshot:\n%s", b.out.String())
	}
	if figuresOf(b) == want {
		t.Fatal("a record rejected after the snapshot still counts")
	}
	recountClean(b)
	if _, err := os.Stat(snapshot + ".running"); err != nil {
		t.Fatalf("no mark of a running server beside the snapshot (a crash would pass for a clean stop): %v", err)
	}
	b.stop(t)
	if _, err := os.Stat(snapshot + ".running"); !os.IsNotExist(err) {
		t.Fatalf("the mark of a running server outlived a clean stop: %v", err)
	}

	// A bulk load after the snapshot (as a seed or an import makes, with
	// no feed entries on the embedded database): it must not be used.
	db, _ = openStopped(t, env)
	var bulk []any
	for range 40 {
		bulk = append(bulk, &models.Recruitment{ID: store.NewID(), TalentID: store.NewID(), OrgID: store.NewID(), Date: "2025-06-01",
			Status: models.StatusVerified, Level: models.LevelA, Origin: models.OriginOverseas, District: "nanshan", Industry: "games"})
	}
	if err := db.store.BulkInsert(ctx, models.CollRecruitments, bulk); err != nil {
		t.Fatal(err)
	}
	db.Close()
	c := start(t, env)
	if strings.Contains(c.out.String(), "figures loaded from a snapshot") || !strings.Contains(c.out.String(), "no usable snapshot") {
		t.Fatalf("a snapshot older than a seed was used:\n%s", c.out.String())
	}
	if figuresOf(c) == want {
		t.Fatal("the figures did not change with forty more records")
	}
	want = figuresOf(c)
	recountClean(c)
	c.stop(t)

	// A crash: the mark stays, and a record was changed without its feed
	// entry (a crash between the two writes).
	db, cfg := openStopped(t, env)
	var other *models.Recruitment
	err = db.store.Docs(ctx, models.CollRecruitments, func(d any) error {
		if r := d.(*models.Recruitment); other == nil && r.Status == models.StatusVerified && strings.HasPrefix(r.Date, "2025") {
			other = r
		}
		return nil
	})
	if err != nil || other == nil {
		t.Fatalf("no verified record of 2025 left (%v)", err)
	}
	raw, disconnect := rawDatabase(t, db, cfg)
	oid, _ := primitive.ObjectIDFromHex(other.ID)
	if _, err := raw.Collection("recruitments").UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "rejected"}, {Key: "version", Value: other.Version + 1}}}}); err != nil {
		t.Fatal(err)
	}
	disconnect()
	db.Close()
	if err := os.WriteFile(snapshot+".running", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e := start(t, env)
	if !strings.Contains(e.out.String(), "figures loaded from a snapshot") || !strings.Contains(e.out.String(), "figures: the snapshot reconciled") {
		t.Fatalf("after a crash the snapshot was not used and reconciled:\n%s", e.out.String())
	}
	if figuresOf(e) == want {
		t.Fatal("a record rejected without its feed entry before a crash still counts")
	}
	recountClean(e)
	e.stop(t)
}

// stripAsOf removes the "as of" times, which differ between two starts.
func stripAsOf(v any) {
	switch v := v.(type) {
	case map[string]any:
		delete(v, "as_of")
		for _, x := range v {
			stripAsOf(x)
		}
	case []any:
		for _, x := range v {
			stripAsOf(x)
		}
	}
}

// TestNoticesSweptAfterAnUncleanStopOnly: the scan of every account and
// message for untold notices runs at a start only when the last stop did
// not leave the mark that nothing was untold: a clean stop leaves it, a
// start takes it away (so that a crash leaves none), and a crash is
// followed by a sweep.
func TestNoticesSweptAfterAnUncleanStopOnly(t *testing.T) {
	if os.Getenv("MONGODB_TEST_URI") != "" {
		t.Skip("several processes on MongoDB sweep at every start")
	}
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir()}
	mark := filepath.Join(env["DATA_DIR"], noticesToldFile)
	a := start(t, env)
	if _, err := os.Stat(mark); !os.IsNotExist(err) {
		t.Fatalf("a first start found the mark: %v", err)
	}
	// A stop before the first sweep ends leaves no mark, rightly: wait
	// for it (a bound on the wait, not on the speed).
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(a.out.String(), "notices: swept at start"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the first start never swept:\n%s", a.out.String())
		}
	}
	a.stop(t)
	if _, err := os.Stat(mark); err != nil {
		t.Fatalf("a clean stop left no mark: %v", err)
	}
	b := start(t, env)
	if _, err := os.Stat(mark); !os.IsNotExist(err) {
		t.Fatalf("the mark is still there while the server runs (a crash would reuse it): %v", err)
	}
	b.stop(t)
	if strings.Contains(b.out.String(), "notices: swept at start") {
		t.Error("a start after a clean stop swept the notices")
	}
}
