package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/szdc/talenthub/scripts/seed"
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
	for _, want := range []string{"seeded 60 talents, 12 organisations", "bureau@demo.talenthub.example", seed.Password} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("seed output lacks %q:\n%s", want, out.String())
		}
	}

	a := start(t, env)
	signIn := func(email string) string { return login(t, a, email) }
	bureau := signIn("bureau@demo.talenthub.example")
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
	code, body = b.call(t, "GET", "/api/v1/talents?per_page=5", login(t, b, "bureau@demo.talenthub.example"), nil)
	if code != 200 || fmt.Sprint(body["total"]) != total {
		t.Fatalf("after reindex the bureau sees %v talents, before %s: %d", body["total"], total, code)
	}
	b.stop(t)

	// Bad flags are refused with a message, and change nothing.
	out.Reset()
	if err := run(context.Background(), []string{"seed", "--talents", "0"}, getenv, &out); err == nil || !strings.Contains(err.Error(), "--talents") {
		t.Fatalf("seed --talents 0: %v", err)
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
