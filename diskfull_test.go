//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/szdc/talenthub/scripts/seed"
)

// mountTmpfs mounts a tmpfs of size on dir until the test ends (a lazy
// unmount, so that a failed test that left files open still unmounts). It
// fails rather than skips where mounting is not permitted: this machine
// and CI run as root, and a disk-full test that silently does not run
// proves nothing.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Fatalf("mount a %s tmpfs on %s: %v (this test needs root or CAP_SYS_ADMIN to mount a small file system; it does not skip)", size, dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// fillUp writes path until its file system refuses with ENOSPC, and says
// how much it wrote.
func fillUp(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatalf("ballast: %v", err)
	}
	defer f.Close()
	chunk := bytes.Repeat([]byte("ballast "), 8<<10)
	var n int64
	for {
		w, err := f.Write(chunk)
		n += int64(w)
		if errors.Is(err, syscall.ENOSPC) {
			return n
		}
		if err != nil {
			t.Fatalf("ballast: %v after %d bytes, not ENOSPC", err, n)
		}
	}
}

// dfClient bounds every request: a request that hangs fails the test.
var dfClient = &http.Client{Timeout: 20 * time.Second}

type dfAnswer struct {
	status int
	body   map[string]any
	ctype  string
	raw    string
}

func dfCall(t *testing.T, in *instance, method, path, token string, body any) dfAnswer {
	t.Helper()
	status, raw, hdr, err := jsonRequest(dfClient, method, in.base+path, token, body, nil)
	if status == 0 {
		t.Fatalf("%s %s: %v (no answer)", method, path, err)
	}
	a := dfAnswer{status: status, ctype: hdr.Get("Content-Type"), raw: string(raw)}
	if strings.HasPrefix(a.ctype, "application/json") {
		_ = json.Unmarshal(raw, &a.body)
	}
	return a
}

// want checks an answer's status; an API error must have the error shape.
func (a dfAnswer) want(t *testing.T, what string, status int) dfAnswer {
	t.Helper()
	if a.status != status {
		t.Fatalf("%s: %d, want %d: %.300s", what, a.status, status, a.raw)
	}
	return a
}

// refusedFull checks a write refused for a full disk: 507 with the error
// shape and the storage_full code.
func (a dfAnswer) refusedFull(t *testing.T, what string) {
	t.Helper()
	a.want(t, what, 507)
	e, _ := a.body["error"].(map[string]any)
	if !strings.HasPrefix(a.ctype, "application/json") || e == nil || e["code"] != "storage_full" || str(e, "message") == "" || str(e, "request_id") == "" {
		t.Fatalf("%s: 507 without the error shape: %s %.300s", what, a.ctype, a.raw)
	}
}

// waitFor polls cond until it holds; the deadline only guards against a
// hang, it measures nothing.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 60 s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDiskFull: DATA_DIR on a 32 MB tmpfs, the search index's store on an
// 8 MB tmpfs of its own inside it (so that the index can be full while the
// database is not: the case of a write the database took and the index
// could not write), both filled by ballast files.
//
//  1. Both full: every write answers 507 storage_full with the error shape
//     (never 500, never a hang; the web UI's form a 507 page that says so),
//     reads (a profile, a search, the targets, web pages, /readyz) answer
//     200, also after the database watch has pinged a few times.
//  2. The database's ballast removed, the index still full: the first write
//     succeeds, and so do the next; searches find them (the index holds them
//     in memory and cannot write them yet).
//  3. The index's ballast removed: the index writes itself to disk on its
//     own, writes go on.
//
// Then a clean stop, and nothing is corrupted: SQLite's integrity check,
// nothing half-made, the index on disk was not marked unclean and
// reconciling it with the database fixes nothing (so it holds what was
// written while it was full), a restart answers /readyz 200 with every
// acknowledged write there and found by search and no refused one, and
// recount finds no difference.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	mountTmpfs(t, dir, "32m")
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": dir}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	if err := run(ctx, []string{"seed", "--demo"}, getenv, &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	m := regexp.MustCompile(`\n\s+org\s+(\S+@\S+) \(`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("the seed does not name its verified organisation's member:\n%s", out.String())
	}
	orgEmail := m[1]

	// What the server acknowledged, checked after the restart: profiles by
	// id with their owner, version and a word of their headline.
	type ackedProfile struct {
		token, word string
		version     float64
	}
	acked := map[string]*ackedProfile{}
	ackedProjects := map[string]string{} // id → word of its title
	register := func(in *instance, email string) dfAnswer {
		return dfCall(t, in, "POST", "/api/v1/auth/register", "", map[string]any{"email": email, "password": "correct horse battery", "name": "测试", "role": "creator"})
	}
	createProfile := func(in *instance, token, word string) dfAnswer {
		return dfCall(t, in, "POST", "/api/v1/talents", token, map[string]any{"name": "测试", "headline": "原画师 " + word,
			"skills": []string{"原画"}, "visibility": "public"})
	}
	postProject := func(in *instance, token, word string) dfAnswer {
		return dfCall(t, in, "POST", "/api/v1/projects", token, map[string]any{"title": "原画 " + word, "kind": "job", "skills": []string{"原画"}})
	}
	ackProfile := func(a dfAnswer, token, word string) {
		acked[str(a.body, "id")] = &ackedProfile{token: token, word: word, version: a.body["version"].(float64)}
	}
	found := func(in *instance, token, kind, word string) int {
		a := dfCall(t, in, "GET", "/api/v1/"+kind+"?q="+word, token, nil).want(t, "search "+word, 200)
		n, _ := a.body["total"].(float64)
		return int(n)
	}

	// The first start: data of our own beside the seed's, and the index's
	// store made, to move onto its own file system.
	a := start(t, env)
	t.Cleanup(func() { a.cancel() })
	c1 := str(register(a, "c1@diskfull.example").want(t, "register c1", 201).body, "token")
	p1 := createProfile(a, c1, "quokkaone").want(t, "profile of c1", 201)
	ackProfile(p1, c1, "quokkaone")
	p1ID := str(p1.body, "id")
	late := str(register(a, "late@diskfull.example").want(t, "register late", 201).body, "token")
	a.stop(t)

	store := filepath.Join(dir, "index", "store")
	if err := os.Rename(store, store+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(store, 0o700); err != nil {
		t.Fatal(err)
	}
	mountTmpfs(t, store, "8m")
	if err := os.CopyFS(store, os.DirFS(store+".moved")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(store + ".moved"); err != nil {
		t.Fatal(err)
	}

	b := start(t, env)
	t.Cleanup(func() { b.cancel() })
	waitFor(t, "readyz", func() bool { return dfCall(t, b, "GET", "/readyz", "", nil).status == 200 })
	bureau := login(t, b, seed.BureauEmail)
	org := login(t, b, orgEmail)
	signIn := func(in *instance, email string) string {
		a := dfCall(t, in, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": "correct horse battery"})
		return str(a.want(t, "sign in as "+email, 200).body, "token")
	}
	c1, late = signIn(b, "c1@diskfull.example"), signIn(b, "late@diskfull.example")
	ackedProjects[str(postProject(b, org, "quokkaproj").want(t, "project before", 201).body, "id")] = "quokkaproj"

	// 1. Both full.
	indexBallast, dbBallast := filepath.Join(store, "ballast"), filepath.Join(dir, "ballast")
	t.Logf("ballast: index %d bytes, database %d bytes", fillUp(t, indexBallast), fillUp(t, dbBallast))
	reads := func(phase string) {
		t.Helper()
		a := dfCall(t, b, "GET", "/api/v1/talents/"+p1ID, org, nil).want(t, phase+": read a profile", 200)
		if !strings.Contains(str(a.body, "headline"), "quokkaone") {
			t.Fatalf("%s: the profile reads %v", phase, a.body)
		}
		if n := found(b, bureau, "talents", "quokkaone"); n != 1 {
			t.Fatalf("%s: search found %d profiles of quokkaone", phase, n)
		}
		dfCall(t, b, "GET", "/api/v1/targets?year=2026", bureau, nil).want(t, phase+": targets", 200)
		dfCall(t, b, "GET", "/api/v1/me", c1, nil).want(t, phase+": me", 200)
		dfCall(t, b, "GET", "/", "", nil).want(t, phase+": the home page", 200)
		dfCall(t, b, "GET", "/projects", "", nil).want(t, phase+": the project search page", 200)
		dfCall(t, b, "GET", "/readyz", "", nil).want(t, phase+": readyz", 200)
	}
	writesRefused := func(phase string) {
		t.Helper()
		register(b, "refused@diskfull.example").refusedFull(t, phase+": register")
		createProfile(b, late, "quokkarefused").refusedFull(t, phase+": create a profile")
		dfCall(t, b, "PATCH", "/api/v1/talents/"+p1ID, c1, map[string]any{"headline": "原画师 quokkarefused"}).refusedFull(t, phase+": update a profile")
		postProject(b, org, "quokkarefused").refusedFull(t, phase+": post a project")
		dfCall(t, b, "POST", "/api/v1/auth/login", "", map[string]any{"email": "c1@diskfull.example", "password": "correct horse battery"}).refusedFull(t, phase+": sign in (a new session)")
		// The web UI's sign-up form: its page, 507, says so in Chinese.
		const csrf = "a-csrf-token-that-is-long-enough-000000"
		form := url.Values{"email": {"refused-web@diskfull.example"}, "password": {"correct horse battery"}, "password2": {"correct horse battery"},
			"name": {"测试"}, "role": {"creator"}, "_csrf": {csrf}}
		req, _ := http.NewRequest("POST", b.base+"/signup", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", "th_csrf="+csrf+"; th_lang=zh-CN")
		res, err := dfClient.Do(req)
		if err != nil {
			t.Fatalf("%s: sign up on the web: %v", phase, err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 507 || !strings.Contains(string(page), "服务器存储空间已满") {
			t.Fatalf("%s: sign up on the web: %d %.500s", phase, res.StatusCode, page)
		}
	}
	writesRefused("full")
	reads("full")
	// The watch pings four times a second: a database that answers pings
	// but cannot write is not down (503), it is full (507).
	time.Sleep(1500 * time.Millisecond)
	writesRefused("full, after the watch's pings")
	reads("full, after the watch's pings")
	if n := found(b, bureau, "talents", "quokkarefused") + found(b, bureau, "projects", "quokkarefused"); n != 0 {
		t.Fatalf("refused writes are in the index: %d", n)
	}

	// 2. The database has space again, the index not yet: the first write
	// after freeing succeeds (none is refused after the space is back),
	// and searches find what the index holds in memory.
	if err := os.Remove(dbBallast); err != nil {
		t.Fatal(err)
	}
	freed := time.Now()
	p := createProfile(b, late, "quokkalate").want(t, "the first write after freeing the database's space", 201)
	t.Logf("the first write after the database's space came back: 201 in %s", time.Since(freed).Round(time.Millisecond))
	ackProfile(p, late, "quokkalate")
	c2 := str(register(b, "c2@diskfull.example").want(t, "register c2", 201).body, "token")
	p = createProfile(b, c2, "quokkatwo").want(t, "profile of c2, index full", 201)
	ackProfile(p, c2, "quokkatwo")
	p = dfCall(t, b, "PATCH", "/api/v1/talents/"+p1ID, c1, map[string]any{"headline": "原画师 quokkaone quokkaedited"}).want(t, "update, index full", 200)
	acked[p1ID].version, acked[p1ID].word = p.body["version"].(float64), "quokkaedited"
	ackedProjects[str(postProject(b, org, "quokkaindexfull").want(t, "project, index full", 201).body, "id")] = "quokkaindexfull"
	for _, w := range []string{"quokkalate", "quokkatwo", "quokkaedited"} {
		if n := found(b, bureau, "talents", w); n != 1 {
			t.Fatalf("index full: search found %d profiles of %s", n, w)
		}
	}
	if n := found(b, bureau, "projects", "quokkaindexfull"); n != 1 {
		t.Fatalf("index full: search found %d projects", n)
	}
	reads("index full")
	if !strings.Contains(b.out.String(), "search: the index cannot be written to disk") {
		t.Fatalf("the index never failed to write: the test did not fill its disk\n%s", b.out.String())
	}

	// 3. Space everywhere: the index writes itself on its own.
	if err := os.Remove(indexBallast); err != nil {
		t.Fatal(err)
	}
	freed = time.Now()
	c3 := str(register(b, "c3@diskfull.example").want(t, "register c3", 201).body, "token")
	p = createProfile(b, c3, "quokkathree").want(t, "profile of c3, space back", 201)
	ackProfile(p, c3, "quokkathree")
	waitFor(t, "the index written to disk again", func() bool {
		return strings.Contains(b.out.String(), "search: the index is written to disk again")
	})
	t.Logf("the index on disk again %s after its space came back", time.Since(freed).Round(time.Millisecond))
	if n := found(b, bureau, "talents", "quokkathree"); n != 1 {
		t.Fatalf("space back: search found %d profiles of quokkathree", n)
	}
	b.stop(t)
	if strings.Contains(b.out.String(), "internal error") {
		t.Errorf("an internal error was logged:\n%s", b.out.String())
	}

	// Nothing corrupted: the stopped directory as it is.
	func() {
		db, cfg := openStopped(t, env)
		defer db.Close()
		sqlDB, err := db.embedded.OpenSQL(cfg.MongoDatabase)
		if err != nil {
			t.Fatal(err)
		}
		defer sqlDB.Close()
		var check string
		if err := sqlDB.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Fatalf("SQLite integrity check: %q %v", check, err)
		}
	}()
	checkNothingHalfMade(t, env)
	// Opened as a server would, the index is not rebuilt and reconciling
	// it fixes nothing: what was written while its disk was full is on
	// disk, not left to a reconciliation at the next start.
	indexMatchesDatabase(t, env)

	c := start(t, env)
	t.Cleanup(func() { c.cancel() })
	waitFor(t, "readyz after the restart", func() bool { return dfCall(t, c, "GET", "/readyz", "", nil).status == 200 })
	bureau = login(t, c, seed.BureauEmail)
	for id, want := range acked {
		a := dfCall(t, c, "GET", "/api/v1/talents/"+id, want.token, nil).want(t, "acknowledged profile "+id, 200)
		if a.body["version"].(float64) < want.version || !strings.Contains(str(a.body, "headline"), want.word) {
			t.Fatalf("profile %s after the restart: %v, acknowledged version %v with %s", id, a.body, want.version, want.word)
		}
		if n := found(c, bureau, "talents", want.word); n != 1 {
			t.Fatalf("after the restart search finds %d profiles of %s", n, want.word)
		}
	}
	for id, word := range ackedProjects {
		dfCall(t, c, "GET", "/api/v1/projects/"+id, bureau, nil).want(t, "acknowledged project", 200)
		if n := found(c, bureau, "projects", word); n != 1 {
			t.Fatalf("after the restart search finds %d projects of %s", n, word)
		}
	}
	for _, email := range []string{"c1@diskfull.example", "c2@diskfull.example", "c3@diskfull.example", "late@diskfull.example"} {
		signIn(c, email)
	}
	for _, email := range []string{"refused@diskfull.example", "refused-web@diskfull.example"} {
		dfCall(t, c, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": "correct horse battery"}).want(t, "sign in as a refused registration", 401)
	}
	if n := found(c, bureau, "talents", "quokkarefused") + found(c, bureau, "projects", "quokkarefused"); n != 0 {
		t.Fatalf("refused writes found after the restart: %d", n)
	}
	c.stop(t)

	out.Reset()
	if err := run(ctx, []string{"recount"}, getenv, &out); err != nil || !strings.Contains(out.String(), "no differences") {
		t.Fatalf("recount: %v\n%s", err, out.String())
	}
}
