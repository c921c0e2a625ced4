package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/szdc/talenthub/server/store"
)

// syncBuffer collects run's output and signals when it prints the address.
type syncBuffer struct {
	logBuffer
	addrs chan string
}

var listenRE = regexp.MustCompile(`listening on (http://\S+)`)

func (b *syncBuffer) Write(p []byte) (int, error) {
	sc := bufio.NewScanner(bytes.NewReader(p))
	for sc.Scan() {
		if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
			b.addrs <- m[1]
		}
	}
	return b.logBuffer.Write(p)
}

// instance is one run() of talenthub.
type instance struct {
	base   string
	out    *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// start runs talenthub with env. With MONGODB_TEST_URI set (a replica
// set), an instance whose env names no database of its own runs on a fresh
// database there instead of the embedded one; env remembers it, so that a
// restart with the same env finds the same data.
func start(t *testing.T, env map[string]string) *instance {
	t.Helper()
	if uri := os.Getenv("MONGODB_TEST_URI"); uri != "" && env["MONGODB_URI"] == "" {
		env["MONGODB_URI"] = uri
		env["MONGODB_DATABASE"] = fmt.Sprintf("e2e_%d_%d", os.Getpid(), e2eDatabases.Add(1))
		name := env["MONGODB_DATABASE"]
		t.Cleanup(func() { dropTestDatabase(uri, name) })
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{addrs: make(chan string, 1)}
	in := &instance{out: out, cancel: cancel, done: make(chan error, 1)}
	getenv := func(k string) string {
		if k == "SHUTDOWN_DRAIN" && env[k] == "" {
			return "0s" // tests that stop the server do not wait for a load balancer
		}
		return env[k]
	}
	go func() { in.done <- run(ctx, nil, getenv, out) }()
	select {
	case in.base = <-out.addrs:
	case err := <-in.done:
		t.Fatalf("run returned before listening: %v\n%s", err, out.String())
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("run did not listen within 60s:\n%s", out.String())
	}
	return in
}

// stop cancels run as SIGTERM would and checks that it returns cleanly.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	in.cancel()
	select {
	case err := <-in.done:
		if err != nil {
			t.Fatalf("run returned %v\n%s", err, in.out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop within 30s")
	}
}

// jsonRequest sends one request through client: body, when not nil, as
// JSON; token, when not empty, as a bearer token; then the headers of
// header. It returns the answer's status, raw body and headers. err is set
// when no answer came (status 0), or when its body could not be read in
// full (status set, raw what was read).
func jsonRequest(client *http.Client, method, url, token string, body any, header map[string]string) (status int, raw []byte, hdr http.Header, err error) {
	var rd io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	raw, err = io.ReadAll(res.Body)
	return res.StatusCode, raw, res.Header, err
}

// call sends a JSON request to in and decodes the answer; a body that is
// not JSON comes back as {"raw": body}. No answer fails the test.
func (in *instance) call(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	status, raw, _, err := jsonRequest(http.DefaultClient, method, in.base+path, token, body, nil)
	if status == 0 {
		t.Fatal(err)
	}
	var out map[string]any
	if len(raw) > 0 && json.Unmarshal(raw, &out) != nil {
		out = map[string]any{"raw": string(raw)}
	}
	return status, out
}

// expecting is call for a test that goes on only if in answers as it
// expects: the answer when its status is want, else the test fails.
func (in *instance) expecting(t *testing.T) func(want int, method, path, token string, body any) map[string]any {
	return func(want int, method, path, token string, body any) map[string]any {
		t.Helper()
		code, got := in.call(t, method, path, token, body)
		if code != want {
			t.Fatalf("%s %s: %d %v", method, path, code, got)
		}
		return got
	}
}

func str(m map[string]any, path ...string) string {
	var v any = m
	for _, p := range path {
		mm, _ := v.(map[string]any)
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"ADDR":           "127.0.0.1:0",
		"DATA_DIR":       dir,
		"ADMIN_EMAIL":    "admin@example.com",
		"ADMIN_PASSWORD": "correct horse battery staple",
	}
	a := start(t, env)
	out := a.out.String()
	if !strings.Contains(out, "admin account created: sign in as admin@example.com") {
		t.Errorf("start-up does not say how to sign in as admin:\n%s", out)
	}
	if strings.Contains(out, "correct horse battery staple") {
		t.Errorf("the admin password is in the log")
	}

	if code, _ := a.call(t, "GET", "/healthz", "", nil); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if code, _ := a.call(t, "GET", "/readyz", "", nil); code != 200 {
		t.Fatalf("readyz %d", code)
	}
	code, reg := a.call(t, "POST", "/api/v1/auth/register", "", map[string]any{"email": "ming@example.com", "password": "correct horse", "name": "李明", "role": "creator"})
	if code != 201 {
		t.Fatalf("register %d %v", code, reg)
	}
	creator, id := str(reg, "token"), str(reg, "user", "id")
	code, got := a.call(t, "POST", "/api/v1/talents", creator, map[string]any{
		"name": "李明", "headline": "原画师", "skills": []string{"原画"}, "visibility": "public",
		"contact": map[string]any{"phone": "13812345678"},
		"works":   []map[string]any{{"title": "山海", "url": "https://example.com/1", "year": 2025}},
	})
	if code != 201 {
		t.Fatalf("create profile %d %v", code, got)
	}
	code, reg = a.call(t, "POST", "/api/v1/auth/register", "", map[string]any{"email": "hr@studio.example", "password": "correct horse", "name": "HR", "role": "org"})
	if code != 201 {
		t.Fatalf("register org %d %v", code, reg)
	}
	org := str(reg, "token")
	code, got = a.call(t, "GET", "/api/v1/talents/"+id, org, nil)
	if code != 200 || str(got, "contact", "phone") != "138****5678" || str(got, "headline") != "原画师" {
		t.Fatalf("read as another user: %d %v", code, got)
	}
	code, adm := a.call(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": "correct horse battery staple"})
	if code != 200 || str(adm, "user", "role") != "admin" {
		t.Fatalf("admin login %d %v", code, adm)
	}
	a.stop(t)

	// The same DATA_DIR after a restart: the profile and the sessions are
	// still there, and no second admin is made.
	env["ADMIN_EMAIL"], env["ADMIN_PASSWORD"] = "other-admin@example.com", "another long password"
	b := start(t, env)
	defer b.stop(t)
	code, got = b.call(t, "GET", "/api/v1/talents/"+id, org, nil)
	if code != 200 || str(got, "name") != "李明" || str(got, "contact", "phone") != "138****5678" {
		t.Fatalf("after restart: %d %v", code, got)
	}
	code, got = b.call(t, "GET", "/api/v1/talents/"+id, creator, nil)
	if code != 200 || str(got, "contact", "phone") != "13812345678" {
		t.Fatalf("owner after restart: %d %v", code, got)
	}
	if code, _ := b.call(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "other-admin@example.com", "password": "another long password"}); code != 401 {
		t.Fatalf("a second admin was bootstrapped: %d", code)
	}
	if !strings.Contains(b.out.String(), "sign in with the admin account") {
		t.Errorf("restart does not mention the existing admin:\n%s", b.out.String())
	}
}

func TestRunRejectsBadConfigAndCommands(t *testing.T) {
	var out bytes.Buffer
	getenv := func(k string) string {
		return map[string]string{"ADMIN_EMAIL": "only@example.com", "DATA_DIR": t.TempDir()}[k]
	}
	if err := run(context.Background(), nil, getenv, &out); err == nil || !strings.Contains(err.Error(), "ADMIN_PASSWORD") {
		t.Fatalf("half an admin: %v", err)
	}
	none := func(string) string { return "" }
	if err := run(context.Background(), []string{"frobnicate"}, none, &out); err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("unknown command: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"-h"}, none, &out); err != nil || !strings.Contains(out.String(), "usage") {
		t.Fatalf("-h: %v %q", err, out.String())
	}
	bad := func(k string) string { return map[string]string{"REQUEST_TIMEOUT": "soon"}[k] }
	if err := run(context.Background(), nil, bad, &out); err == nil || !strings.Contains(err.Error(), "REQUEST_TIMEOUT") {
		t.Fatalf("bad duration: %v", err)
	}
	// A lease shorter than two SMTP exchanges could give a mail to a
	// second sender while the first still talks to the server.
	for _, vars := range []map[string]string{{"MAIL_LEASE": "30s"}, {"MAIL_TIMEOUT": "0s"}, {"MAIL_RETRY_AFTER": "-1s"}} {
		get := func(k string) string { return vars[k] }
		if err := run(context.Background(), nil, get, &out); err == nil || !strings.Contains(err.Error(), "MAIL_LEASE at least twice MAIL_TIMEOUT") {
			t.Errorf("%v: %v", vars, err)
		}
	}
}

func TestConfigLogMasksSecrets(t *testing.T) {
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"MONGODB_URI": "mongodb://app:s3cret@db.example:27017/?replicaSet=rs0", "ADMIN_EMAIL": "a@example.com", "ADMIN_PASSWORD": "hunter2hunter2",
			"SMTP_URL": "smtp://mailer:sm7pPass@smtp.example.cn:587"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	line := fmt.Sprint(cfg.logAttrs()...)
	if strings.Contains(line, "s3cret") || strings.Contains(line, "hunter2") || strings.Contains(line, "sm7pPass") || !strings.Contains(line, "smtp.example.cn:587") {
		t.Fatalf("secrets in the config log: %s", line)
	}
	if !strings.Contains(line, "db.example:27017") || cfg.Addr != ":8080" || cfg.DataDir != "./data" || cfg.MongoDatabase != "talenthub" {
		t.Fatalf("config = %+v", cfg)
	}
}

func stringify(v any) string { return fmt.Sprint(v) }

// recount on a stopped embedded database, and against a running server.
func TestRecountCommand(t *testing.T) {
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "correct horse battery staple"}
	getenv := func(k string) string { return env[k] }
	// Records to count: an empty database would agree with anything.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed", "--demo", "--seed", "11"}, getenv, &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	out.Reset()
	a := start(t, env)
	if err := run(context.Background(), []string{"recount", "--server", a.base}, getenv, &out); err != nil {
		t.Fatalf("remote recount: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "no differences") || !regexp.MustCompile(`recount: [1-9][0-9]* records`).MatchString(out.String()) {
		t.Fatalf("remote recount: %s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"recount"}, getenv, &out); err == nil || !strings.Contains(err.Error(), "--server") {
		t.Fatalf("local recount while the server runs: %v", err)
	}
	a.stop(t)
	out.Reset()
	if err := run(context.Background(), []string{"recount"}, getenv, &out); err != nil || !strings.Contains(out.String(), "no differences") {
		t.Fatalf("local recount: %v\n%s", err, out.String())
	}
}

// e2eDatabases numbers the databases of end-to-end runs on MONGODB_TEST_URI.
var e2eDatabases atomic.Int64

func dropTestDatabase(uri, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, store.Options{URI: uri, Database: name})
	if err != nil {
		return
	}
	_ = st.Drop(ctx)
	_ = st.Close(ctx)
}

// TestStraySweepWaitsAfterAStart: the sweep of stray image files is kept
// out of a start's first minutes, then runs every interval.
func TestStraySweepWaitsAfterAStart(t *testing.T) {
	start := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		after, sinceLast time.Duration // since the start, since the last sweep (0: none)
		want             bool
	}{
		{30 * time.Second, 0, false},
		{strayDelay - time.Second, 0, false},
		{strayDelay, 0, true},
		{strayDelay + 30*time.Minute, 30 * time.Minute, false},
		{strayDelay + 2*time.Hour, time.Hour, true},
	} {
		now := start.Add(c.after)
		var last time.Time
		if c.sinceLast > 0 {
			last = now.Add(-c.sinceLast)
		}
		if got := strayDue(now, start, last, time.Hour); got != c.want {
			t.Errorf("%v after the start, %v after the last sweep: due %v, want %v", c.after, c.sinceLast, got, c.want)
		}
	}
}
