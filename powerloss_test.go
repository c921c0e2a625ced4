package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/embeddb"
	"github.com/szdc/talenthub/server/store"
)

// copyAsPowerCut copies the embedded database of a running server (its
// SQLite file and write-ahead log, not the -shm index, which SQLite
// rebuilds from the log) into dst/db: what a power cut leaves on the disk
// when the operating system had written every byte it was given, down to a
// frame of the log torn by the copy.
//
// The copy is of one instant although it reads two files in turn: it holds
// a read transaction of its own meanwhile. A reader stops SQLite from
// restarting the log (which would overwrite frames already copied from the
// main file's point of view) and from checkpointing frames newer than its
// snapshot into the main file; frames appended to the log meanwhile are
// only more of the same log. So main file then log is a state the disk
// could have held.
func copyAsPowerCut(t *testing.T, srcDataDir, dstDataDir string) (walBytes int64) {
	t.Helper()
	ctx := context.Background()
	src := filepath.Join(srcDataDir, "db", "talenthub.sqlite")
	dst := filepath.Join(dstDataDir, "db", "talenthub.sqlite")
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		t.Fatal(err)
	}
	u := url.URL{Scheme: "file", Path: src, RawQuery: "mode=ro&_pragma=busy_timeout(10000)"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		t.Fatal(err)
	}
	copyFile(t, src, dst)
	walBytes = copyFile(t, src+"-wal", dst+"-wal")
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	return walBytes
}

// copyFile copies a file as it is now; a missing one copies nothing.
func copyFile(t *testing.T, from, to string) int64 {
	t.Helper()
	in, err := os.Open(from)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	n, err := io.Copy(out, in)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPowerLossCopies: while four clients write, the embedded database's
// files are copied three times at random moments, as a power cut would
// leave them. A server started on each copy (no index: it is not part of
// a power cut's interest, and is rebuilt) opens it, finds every write
// acknowledged before the copy began, holds nothing half-made, and its
// index and figures agree with the records.
//
// What this does not show: the difference between synchronous=FULL and
// NORMAL. A copy reads what the operating system holds, written or not to
// the disk; both settings write the log before they answer, and differ
// only in when they fsync it. That FULL fsyncs every commit is SQLite's
// documented behaviour, and BenchmarkDurableWrites shows its cost, so
// that the setting is seen to reach FerretDB's connections.
func TestPowerLossCopies(t *testing.T) {
	embeddedOnly(t)
	ctx := context.Background()
	src := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir()}
	log := &writeLog{}
	a, stopLoad := startLoad(t, src, log)
	type powerCut struct {
		env   map[string]string
		began time.Time
		wal   int64
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	var cuts []powerCut
	for i := range 3 {
		// Each copy waits for more writes than the one before (so that the
		// last ones come after SQLite's checkpoints, every 1,000 pages of
		// log), then a random moment.
		log.waitFor(t, len(log.snapshot())+10+30*i)
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
		env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": filepath.Join(t.TempDir(), fmt.Sprint("cut", i)),
			"ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "correct horse battery staple"}
		began := time.Now()
		wal := copyAsPowerCut(t, src["DATA_DIR"], env["DATA_DIR"])
		cuts = append(cuts, powerCut{env: env, began: began, wal: wal})
	}
	stopLoad()
	a.stop(t)
	writes := log.snapshot()

	for i, cut := range cuts {
		in := start(t, cut.env)
		waitReady(t, in)
		// The latest acknowledged version of each profile and every
		// account, as of the copy.
		accounts := map[string]bool{}
		profiles, records := map[string]loggedWrite{}, map[string]int64{}
		for _, w := range writes {
			if !w.acked.Before(cut.began) {
				continue
			}
			if w.email != "" {
				accounts[w.email] = true
			}
			if w.profile != "" && w.version > profiles[w.profile].version {
				profiles[w.profile] = w
			}
			if w.record != "" {
				records[w.record] = max(records[w.record], w.version)
			}
		}
		tokens := map[string]string{}
		for email := range accounts {
			code, body := in.call(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": "correct horse battery"})
			if code != 200 {
				t.Fatalf("copy %d: the account %s, acknowledged before the copy, does not sign in: %d %v", i, email, code, body)
			}
			tokens[email] = str(body, "token")
		}
		for id, w := range profiles {
			code, body := in.call(t, "GET", "/api/v1/talents/"+id, tokens[w.email], nil)
			v, _ := body["version"].(float64)
			if code != 200 || int64(v) < w.version || (int64(v) == w.version && body["headline"] != w.headline) {
				t.Fatalf("copy %d: profile %s acknowledged at version %d %q before the copy; found %d %v", i, id, w.version, w.headline, code, body)
			}
		}
		code, body := in.call(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": cut.env["ADMIN_EMAIL"], "password": cut.env["ADMIN_PASSWORD"]})
		if code != 200 {
			t.Fatalf("copy %d: admin: %d %v", i, code, body)
		}
		admin := str(body, "token")
		for id, version := range records {
			code, body := in.call(t, "GET", "/api/v1/recruitments/"+id, admin, nil)
			if v, _ := body["version"].(float64); code != 200 || int64(v) < version {
				t.Fatalf("copy %d: record %s corrected to version %d before the copy; found %d %v", i, id, version, code, body)
			}
		}
		code, body = in.call(t, "GET", "/api/v1/talents?per_page=1", admin, nil)
		if code != 200 {
			t.Fatalf("copy %d: search: %d %v", i, code, body)
		}
		in.stop(t)
		checkNothingHalfMade(t, cut.env)
		indexMatchesDatabase(t, cut.env)
		var out bytes.Buffer
		if err := run(ctx, []string{"recount"}, getenvOf(cut.env), &out); err != nil || !strings.Contains(out.String(), "no differences") {
			t.Fatalf("copy %d: recount: %v\n%s", i, err, out.String())
		}
		t.Logf("copy %d: write-ahead log %d bytes; %d accounts, %d profiles and %d corrected records acknowledged before it, all present; %v profiles found by search; recount clean",
			i, cut.wal, len(accounts), len(profiles), len(records), body["total"])
	}
}

// BenchmarkDurableWrites creates profiles through the store on the
// embedded database with SQLite's synchronous at NORMAL and at FULL, one
// writer at a time and eight at once. Each profile is two commits (the
// document and its change-feed entry).
//
//	go test -run '^$' -bench BenchmarkDurableWrites -benchtime 2000x .
func BenchmarkDurableWrites(b *testing.B) {
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	for _, mode := range []string{embeddb.SyncNormal, embeddb.SyncFull} {
		for _, writers := range []int{1, 8} {
			b.Run(fmt.Sprintf("synchronous=%s/writers=%d", mode, writers), func(b *testing.B) {
				emb, err := embeddb.StartWith(ctx, filepath.Join(b.TempDir(), "db"), logger, embeddb.Options{Synchronous: mode})
				if err != nil {
					b.Fatal(err)
				}
				defer emb.Close()
				st, err := store.Open(ctx, store.Options{URI: emb.URI(), Database: "talenthub", SerializeWrites: true, Logger: logger})
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close(ctx)
				create := func() {
					id := store.NewID()
					err := st.CreateTalent(ctx, &models.Talent{ID: id, OwnerID: id, Name: "C", Headline: "原画师", Skills: []string{"原画"},
						Visibility: models.VisibilityPublic})
					if err != nil {
						b.Error(err)
					}
				}
				b.ResetTimer()
				if writers == 1 {
					for range b.N {
						create()
					}
					return
				}
				next := make(chan struct{})
				var wg sync.WaitGroup
				for range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range next {
							create()
						}
					}()
				}
				for range b.N {
					next <- struct{}{}
				}
				close(next)
				wg.Wait()
			})
		}
	}
}
