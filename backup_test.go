package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/scripts/seed"
)

// writeLog records the writes of a load: when each request was sent and
// when its answer came.
type writeLog struct {
	mu     sync.Mutex
	writes []loggedWrite
	errs   []string
}

// loggedWrite is one write the server acknowledged: an account
// registered (version 0), a profile at a version, or a recruitment record
// corrected to a version.
type loggedWrite struct {
	email, token, profile, record string
	version                       int64
	headline                      string
	sent, acked                   time.Time
}

func (l *writeLog) add(w loggedWrite) {
	l.mu.Lock()
	l.writes = append(l.writes, w)
	l.mu.Unlock()
}

func (l *writeLog) fail(format string, args ...any) {
	l.mu.Lock()
	l.errs = append(l.errs, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func (l *writeLog) snapshot() []loggedWrite {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]loggedWrite(nil), l.writes...)
}

// waitFor waits until n writes are acknowledged (the load runs on a
// shared machine: the limit is generous and only catches a stuck load).
func (l *writeLog) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for len(l.snapshot()) < n {
		l.mu.Lock()
		errs := l.errs
		l.mu.Unlock()
		if len(errs) > 0 || time.Now().After(deadline) {
			t.Fatalf("waiting for %d acknowledged writes: %d; errors: %v", n, len(l.snapshot()), errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// load registers creators, creates their profiles and edits each three
// times with If-Match, until stop; any refusal is an error of the test.
func (l *writeLog) load(base, name string, stop chan struct{}) {
	creatorWrites(base, name, "backup.example", 3, stop,
		func(w creatorWrite) {
			l.add(loggedWrite{email: w.email, token: w.token, profile: w.profile, version: w.version, headline: w.headline, sent: w.sent, acked: time.Now()})
		},
		func(what string, code int, body map[string]any, err error) {
			l.fail("%s: %d %v %v", what, code, body, err)
		})
}

// correct has the bureau correct the level of verified recruitment records
// in turn, each correction a change of the figures, until stop.
func (l *writeLog) correct(base, token string, records map[string]string, stop chan struct{}) {
	next := map[string]string{"A": "B", "B": "C", "C": "A"}
	ids := slices.Sorted(maps.Keys(records))
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		// A correction must change something: the next level.
		id := ids[i%len(ids)]
		level := next[records[id]]
		if level == "" {
			level = "A"
		}
		records[id] = level
		sent := time.Now()
		code, body, _, err := api(base, "POST", "/api/v1/recruitments/"+id+"/corrections", token,
			map[string]any{"reason": "复核", "level": level}, nil)
		if err != nil || code != 200 {
			l.fail("correct the record %s: %d %v %v", id, code, body, err)
			return
		}
		v, _ := body["version"].(float64)
		l.add(loggedWrite{record: id, version: int64(v), sent: sent, acked: time.Now()})
	}
}

// startLoad seeds DATA_DIR (so that the figures count records), starts a
// server on it and four clients registering creators and writing
// profiles, and the bureau correcting records; stop ends the load.
func startLoad(t *testing.T, env map[string]string, log *writeLog) (in *instance, stop func()) {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed", "--talents", "60", "--seed", "3"}, getenvOf(env), &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	in = start(t, env)
	bureau := login(t, in, seed.BureauEmail)
	code, body := in.call(t, "GET", "/api/v1/recruitments?status=verified&per_page=100", bureau, nil)
	items, _ := body["items"].([]any)
	records := map[string]string{} // id → level
	for _, it := range items {
		records[str(it.(map[string]any), "id")] = str(it.(map[string]any), "level")
	}
	if code != 200 || len(records) == 0 {
		t.Fatalf("the verified records of the seed: %d %v", code, body)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.load(in.base, fmt.Sprintf("w%d", w), done)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		log.correct(in.base, bureau, records, done)
	}()
	var once sync.Once
	stopLoad := func() { once.Do(func() { close(done); wg.Wait() }) }
	// A test that fails midway stops its load and its server before its
	// temporary directories go.
	t.Cleanup(func() {
		stopLoad()
		if t.Failed() {
			in.cancel()
			select {
			case <-in.done:
			case <-time.After(30 * time.Second):
			}
		}
	})
	return in, func() {
		stopLoad()
		if len(log.errs) > 0 {
			t.Fatalf("the load was refused: %v", log.errs)
		}
	}
}

// embeddedOnly makes start() run on the embedded database even when
// MONGODB_TEST_URI names a MongoDB: these tests are about its files.
func embeddedOnly(t *testing.T) {
	t.Setenv("MONGODB_TEST_URI", "")
}

func getenvOf(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// waitReady waits until /readyz answers 200 and says that the index is not
// being reconciled: after a restore or a copy the index is built from the
// database first, and after a crash reconciled beside the requests.
func waitReady(t *testing.T, in *instance) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !readyzSays(in.base, true) {
		if time.Now().After(deadline) {
			t.Fatalf("/readyz not 200, or the index still reconciling, after 2 minutes\n%s", in.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// rawCollections reads every document of every collection of a stopped
// DATA_DIR, by collection and _id.
func rawCollections(t *testing.T, env map[string]string) map[string]map[string]bson.M {
	t.Helper()
	ctx := context.Background()
	db, cfg := openStopped(t, env)
	defer db.Close()
	d, disconnect := rawDatabase(t, db, cfg)
	defer disconnect()
	names, err := d.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bson.M{}
	for _, name := range names {
		var docs []bson.M
		cur, err := d.Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		out[name] = map[string]bson.M{}
		for _, doc := range docs {
			out[name][fmt.Sprint(doc["_id"])] = doc
		}
	}
	return out
}

// readManifest reads the manifest of an archive as the test sees it.
func readManifest(t *testing.T, archive string) backupManifest {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(archive, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = gz
	}
	tr := tar.NewReader(r)
	h, err := tr.Next()
	if err != nil || h.Name != "manifest.json" {
		t.Fatalf("the first entry of the archive: %v %v", h, err)
	}
	var m backupManifest
	if err := json.NewDecoder(tr).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func docTime(doc bson.M, field string) (time.Time, bool) {
	v, ok := doc[field].(primitive.DateTime)
	return v.Time(), ok
}

func docVersion(doc bson.M) (int64, bool) {
	switch v := doc["version"].(type) {
	case int64:
		return v, true
	case int32:
		return int64(v), true
	}
	return 0, false
}

// TestBackupUnderWriteLoad: a backup taken through run() while four
// clients register creators, create and edit profiles is one moment of
// the database: restored into a fresh DATA_DIR and compared with the
// source, every write acknowledged before the backup began is there,
// nothing sent after its end is, every document is exactly a version the
// source had, nothing is half-made, and a server started on it rebuilds
// its index and figures with no difference from a recount.
func TestBackupUnderWriteLoad(t *testing.T) {
	embeddedOnly(t)
	ctx := context.Background()
	src := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir()}
	log := &writeLog{}
	a, stopLoad := startLoad(t, src, log)
	log.waitFor(t, 40)
	archive := filepath.Join(t.TempDir(), "talenthub.tar.gz")
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", "--out", archive}, getenvOf(src), &out); err != nil {
		stopLoad()
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	t.Log(strings.TrimSpace(out.String()))
	// The load goes on after the backup, so that the source moves past it.
	log.waitFor(t, len(log.snapshot())+40)
	stopLoad()
	a.stop(t)
	writes := log.snapshot()
	m := readManifest(t, archive)

	var vout bytes.Buffer
	if err := run(ctx, []string{"verify-backup", archive}, getenvOf(src), &vout); err != nil {
		t.Fatalf("verify-backup: %v\n%s", err, vout.String())
	}
	// The admin, created at the first start on the restored data, searches
	// every profile.
	dst := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": filepath.Join(t.TempDir(), "restored"),
		"ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "correct horse battery staple"}
	var rout bytes.Buffer
	if err := run(ctx, []string{"restore", archive}, getenvOf(dst), &rout); err != nil {
		t.Fatalf("restore: %v\n%s", err, rout.String())
	}

	source := rawCollections(t, src)
	restored := rawCollections(t, dst)
	counts := m.Databases[0].Collections
	for coll, docs := range restored {
		if int64(len(docs)) != counts[coll] {
			t.Errorf("%s: %d documents restored, the manifest counted %d", coll, len(docs), counts[coll])
		}
	}
	// Every document is one the source had (a version the source still has
	// is the same document to the byte) and none is later than the
	// manifest's time.
	compared := 0
	for coll, docs := range restored {
		for id, doc := range docs {
			for _, f := range []string{"created_at", "updated_at"} {
				if at, ok := docTime(doc, f); ok && at.After(m.Time) {
					t.Errorf("%s %s: %s %s is after the backup's time %s", coll, id, f, at, m.Time)
				}
			}
			v, versioned := docVersion(doc)
			if !versioned {
				continue
			}
			s, ok := source[coll][id]
			if !ok {
				// This load deletes nothing; the janitor may prune
				// other collections after the backup.
				if coll == "users" || coll == "user_emails" || coll == "talents" {
					t.Errorf("%s %s is in the backup but not in the source", coll, id)
				}
				continue
			}
			sv, _ := docVersion(s)
			switch {
			case v > sv:
				t.Errorf("%s %s: version %d restored, the source has %d", coll, id, v, sv)
			case v == sv:
				if !reflect.DeepEqual(doc, s) {
					t.Errorf("%s %s at version %d differs from the source:\nrestored %v\nsource   %v", coll, id, v, doc, s)
				}
				compared++
			}
		}
	}
	if compared == 0 {
		t.Fatal("no document compared with the source")
	}

	// Nothing half-made: every email claim has its account and every
	// profile its owner. An account without its claim is a registration in
	// flight at the snapshot (the account is written first, by design):
	// none may be one acknowledged before the backup began.
	users := map[string]string{} // id → email
	for id, u := range restored["users"] {
		users[id] = fmt.Sprint(u["email"])
	}
	claimed := map[string]bool{}
	for id, c := range restored["user_emails"] {
		if users[fmt.Sprint(c["user_id"])] != fmt.Sprint(c["_id"]) {
			t.Errorf("the email claim %s has no account of that email", id)
		}
		claimed[fmt.Sprint(c["_id"])] = true
	}
	for id := range restored["talents"] {
		if _, ok := users[id]; !ok {
			t.Errorf("the profile %s has no owner", id)
		}
	}
	emails := map[string]bool{}
	unclaimed := 0
	for _, e := range users {
		emails[e] = true
		if !claimed[e] {
			unclaimed++
		}
	}
	// Profiles and records by id, at their restored version.
	versions := map[string]int64{}
	for _, coll := range []string{"talents", "recruitments"} {
		for _, doc := range restored[coll] {
			v, _ := docVersion(doc)
			versions[fmt.Sprint(doc["_id"])] = v
		}
	}
	versionOf := func(w loggedWrite) (string, int64) {
		id := w.profile + w.record
		return id, versions[fmt.Sprintf("ObjectID(%q)", id)]
	}
	before, after := 0, 0
	for _, w := range writes {
		id, v := versionOf(w)
		if w.acked.Before(m.Began) {
			before++
			if w.email != "" && (!emails[w.email] || !claimed[w.email]) {
				t.Errorf("the account %s, acknowledged before the backup began, is not in it (or has no claim)", w.email)
			}
			if id != "" && v < w.version {
				t.Errorf("%s: acknowledged at version %d before the backup began; restored at %d", id, w.version, v)
			}
		}
		if w.sent.After(m.Time) {
			after++
			if id == "" && emails[w.email] {
				t.Errorf("the account %s, registered after the backup's time, is in it", w.email)
			}
			if id != "" && v >= w.version {
				t.Errorf("%s: version %d, written after the backup's time, is in it", id, w.version)
			}
		}
	}
	if before == 0 || after == 0 {
		t.Fatalf("%d writes acknowledged before the backup, %d sent after it: the test checked nothing", before, after)
	}
	t.Logf("%d writes: %d acknowledged before the backup began, %d sent after its time; %d documents restored, %d compared with the source at the same version; %d accounts in flight without their claim",
		len(writes), before, after, func() int {
			n := 0
			for _, d := range restored {
				n += len(d)
			}
			return n
		}(), compared, unclaimed)

	// A server on the restored DATA_DIR: ready once its index is rebuilt,
	// which then finds every profile; a creator of before the backup signs
	// in and reads their profile.
	b := start(t, dst)
	waitReady(t, b)
	// An account left without its claim does not block its email.
	for _, e := range users {
		if !claimed[e] {
			if code, body := b.call(t, "POST", "/api/v1/auth/register", "", map[string]any{"email": e, "password": "correct horse battery", "name": "C", "role": "creator"}); code != 201 {
				t.Errorf("registering %s again, whose account the backup caught without its claim: %d %v", e, code, body)
			}
		}
	}
	var first loggedWrite
	for _, w := range writes {
		if w.profile != "" && w.acked.Before(m.Began) {
			first = w
			break
		}
	}
	code, body := b.call(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": first.email, "password": "correct horse battery"})
	if code != 200 {
		t.Fatalf("sign in as %s on the restored data: %d %v", first.email, code, body)
	}
	token := str(body, "token")
	if code, body := b.call(t, "GET", "/api/v1/talents/"+first.profile, token, nil); code != 200 {
		t.Fatalf("the profile %s on the restored data: %d %v", first.profile, code, body)
	}
	code, body = b.call(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": dst["ADMIN_EMAIL"], "password": dst["ADMIN_PASSWORD"]})
	if code != 200 {
		t.Fatalf("sign in as the admin: %d %v", code, body)
	}
	visible := 0
	for _, tal := range restored["talents"] {
		if tal["visibility"] != "private" {
			visible++
		}
	}
	code, body = b.call(t, "GET", "/api/v1/talents?per_page=1", str(body, "token"), nil)
	if code != 200 || stringify(body["total"]) != fmt.Sprint(visible) {
		t.Fatalf("search on the restored data: %d, total %v; %d profiles restored that are not private", code, body["total"], visible)
	}
	b.stop(t)
	indexMatchesDatabase(t, dst)
	var cout bytes.Buffer
	if err := run(ctx, []string{"recount"}, getenvOf(dst), &cout); err != nil || !strings.Contains(cout.String(), "no differences") {
		t.Fatalf("recount of the restored data: %v\n%s", err, cout.String())
	}
}

// rewriteTar copies a plain tar archive entry by entry through edit.
func rewriteTar(t *testing.T, from, to string, edit func(name string, data []byte) []byte) {
	t.Helper()
	in, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(in))
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		data = edit(h.Name, data)
		h.Size = int64(len(data))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// entryData returns where the data of an entry of a plain tar archive
// begins and ends.
func entryData(t *testing.T, archive []byte, name string) (start, end int) {
	t.Helper()
	r := bytes.NewReader(archive)
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s not in the archive: %v", name, err)
		}
		if h.Name == name {
			// The reader has read the header blocks and nothing more.
			start = len(archive) - r.Len()
			return start, start + int(h.Size)
		}
	}
}

// editManifest rewrites the manifest of a plain tar archive.
func editManifest(t *testing.T, from, to string, edit func(*backupManifest)) {
	rewriteTar(t, from, to, func(name string, data []byte) []byte {
		if name != "manifest.json" {
			return data
		}
		var m backupManifest
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		edit(&m)
		out, _ := json.Marshal(m)
		return out
	})
}

// listing names every file under dir with its size, to show that a refused
// restore changed nothing.
func listing(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == dir {
				return nil
			}
			return err
		}
		out = append(out, fmt.Sprintf("%s %d %v", p, fi.Size(), fi.ModTime().UnixNano()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// TestBackupRefusals: what must be refused with a clear error and no
// change anywhere: a backup on MongoDB, over an existing file or of no
// database; a restore into a non-empty DATA_DIR; archives truncated, with
// a file altered, with a manifest that lies about the counts or names a
// path outside DATA_DIR, or not a backup at all. The sound archives they
// are made from, plain and compressed, restore with DATA_DIR/media.
func TestBackupRefusals(t *testing.T) {
	embeddedOnly(t)
	ctx := context.Background()
	src := map[string]string{"DATA_DIR": t.TempDir()}
	var out bytes.Buffer
	if err := run(ctx, []string{"seed", "--talents", "20"}, getenvOf(src), &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	media := filepath.Join("media", "works", "山海.png")
	if err := os.MkdirAll(filepath.Join(src["DATA_DIR"], filepath.Dir(media)), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src["DATA_DIR"], media), []byte("\x89PNG not really"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	plain, packed := filepath.Join(dir, "b.tar"), filepath.Join(dir, "b.tgz")
	for _, f := range []string{plain, packed} {
		if err := run(ctx, []string{"backup", "--out", f}, getenvOf(src), &out); err != nil {
			t.Fatalf("backup: %v\n%s", err, out.String())
		}
		if err := run(ctx, []string{"verify-backup", f}, getenvOf(src), &out); err != nil {
			t.Fatalf("verify-backup of a sound backup: %v\n%s", err, out.String())
		}
		restored := filepath.Join(t.TempDir(), "data")
		if err := run(ctx, []string{"restore", f}, getenvOf(map[string]string{"DATA_DIR": restored}), &out); err != nil {
			t.Fatalf("restore of a sound backup: %v\n%s", err, out.String())
		}
		got, err := os.ReadFile(filepath.Join(restored, media))
		if err != nil || string(got) != "\x89PNG not really" {
			t.Fatalf("the media file after a restore: %q %v", got, err)
		}
		if entries, _ := os.ReadDir(restored); len(entries) != 2 {
			t.Fatalf("a restored DATA_DIR holds %v; want db and media", entries)
		}
	}

	// The commands themselves refuse.
	mongo := map[string]string{"DATA_DIR": src["DATA_DIR"], "MONGODB_URI": "mongodb://db.example:27017/?replicaSet=rs0"}
	err := run(ctx, []string{"backup", "--out", filepath.Join(dir, "m.tar")}, getenvOf(mongo), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "mongodump --oplog") {
		t.Errorf("backup with MONGODB_URI: %v", err)
	}
	err = run(ctx, []string{"restore", plain}, getenvOf(mongo), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "mongorestore") {
		t.Errorf("restore with MONGODB_URI: %v", err)
	}
	was := listing(t, dir)
	if err := run(ctx, []string{"backup", "--out", plain}, getenvOf(src), io.Discard); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing file: %v", err)
	}
	if got := listing(t, dir); !reflect.DeepEqual(got, was) {
		t.Errorf("a refused backup changed its directory:\n%v\n%v", was, got)
	}
	err = run(ctx, []string{"backup", "--out", filepath.Join(dir, "none.tar")}, getenvOf(map[string]string{"DATA_DIR": t.TempDir()}), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no embedded database") {
		t.Errorf("backup of an empty DATA_DIR: %v", err)
	}
	if got := listing(t, dir); !reflect.DeepEqual(got, was) {
		t.Errorf("a refused backup changed its directory:\n%v\n%v", was, got)
	}

	full := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(full, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "keep.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := listing(t, full)
	err = run(ctx, []string{"restore", plain}, getenvOf(map[string]string{"DATA_DIR": full}), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("restore into a non-empty DATA_DIR: %v", err)
	}
	if got := listing(t, full); !reflect.DeepEqual(got, before) {
		t.Errorf("a refused restore changed DATA_DIR:\n%v\n%v", before, got)
	}

	// Damaged archives: each refused by verify-backup and by restore, into
	// a missing DATA_DIR (left missing) and into an empty one (left empty).
	bad := t.TempDir()
	raw, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	zipped, err := os.ReadFile(packed)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{} // file → what the error must say
	write := func(name string, data []byte, want string) {
		p := filepath.Join(bad, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		cases[p] = want
	}
	write("cut-in-manifest.tar", raw[:700], "truncated")
	write("cut-in-half.tar", raw[:len(raw)/2], "truncated")
	_, dbEnd := entryData(t, raw, "db/talenthub.sqlite")
	write("cut-near-end.tar", raw[:dbEnd-100], "truncated")
	write("cut-in-half.tgz", zipped[:len(zipped)/2], "truncated")
	write("cut-in-trailer.tgz", zipped[:len(zipped)-4], "truncated")
	write("not-a-backup.tar", []byte("just some text, not an archive at all\n"), "not a talenthub backup")
	altered := filepath.Join(bad, "altered.tar")
	rewriteTar(t, plain, altered, func(name string, data []byte) []byte {
		if strings.HasPrefix(name, "db/") {
			data = bytes.Clone(data)
			data[len(data)/2] ^= 0x55
		}
		return data
	})
	cases[altered] = "does not match its SHA-256"
	lying := filepath.Join(bad, "lying-counts.tar")
	editManifest(t, plain, lying, func(m *backupManifest) { m.Databases[0].Collections["talents"]++ })
	cases[lying] = "the manifest says"
	escaping := filepath.Join(bad, "escaping.tar")
	editManifest(t, plain, escaping, func(m *backupManifest) {
		m.Files = append(m.Files, backupFile{Path: "media/../../outside", Size: 1, SHA256: strings.Repeat("0", 64)})
	})
	cases[escaping] = "never holds"

	for file, want := range cases {
		name := filepath.Base(file)
		err := run(ctx, []string{"verify-backup", file}, getenvOf(src), io.Discard)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("verify-backup %s: %v; want an error saying %q", name, err, want)
		}
		missing := filepath.Join(t.TempDir(), "new", "data")
		err = run(ctx, []string{"restore", file}, getenvOf(map[string]string{"DATA_DIR": missing}), io.Discard)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "nothing was changed") {
			t.Errorf("restore %s: %v; want an error saying %q and that nothing was changed", name, err, want)
		}
		if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
			t.Errorf("restore %s: a refused restore left %s behind (%v)", name, filepath.Dir(missing), err)
		}
		empty := t.TempDir()
		err = run(ctx, []string{"restore", file}, getenvOf(map[string]string{"DATA_DIR": empty}), io.Discard)
		if err == nil {
			t.Errorf("restore %s into an empty DATA_DIR succeeded", name)
		}
		if entries, _ := os.ReadDir(empty); len(entries) > 0 {
			t.Errorf("restore %s: a refused restore left %v in DATA_DIR", name, entries)
		}
		t.Logf("%s: %v", name, err)
	}
}
