package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/szdc/talenthub/scripts/load"
)

// TestLoadGeneratorShortRun: the short form of the mixed-load benchmark
// (BENCHMARKS.md has the full one): seeded data, the real server, a few
// clients sending 120 seeded requests; every one must succeed and every
// kind of request be sent. It counts requests, not seconds: a slower
// machine sends the same ones (throughput is the benchmark's business).
func TestLoadGeneratorShortRun(t *testing.T) {
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir()}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed", "--talents", "300", "--orgs", "12"}, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	a := start(t, env)
	defer a.stop(t)
	rep, err := load.Run(context.Background(), load.Config{URL: a.base, Clients: 6, Rate: 60, Requests: 120,
		Creators: 300, Orgs: 12, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + rep.String())
	// Every one of the 120 steps ran (no time limit ends the run: the
	// count is the same on any machine), each sent at least one request,
	// and none failed.
	if rep.Steps != 120 || rep.Requests < rep.Steps || rep.Errors > 0 || rep.SignInFailed > 0 {
		t.Fatalf("short load: %d steps, %d requests, %d errors, %d failed sign-ins\n%s", rep.Steps, rep.Requests, rep.Errors, rep.SignInFailed, rep)
	}
	if len(rep.Ops) < 8 {
		t.Errorf("the mix sent only %d kinds of request", len(rep.Ops))
	}

	for _, bad := range []load.Config{
		{URL: "http://example.com", Clients: 1, Rate: 1, Duration: time.Second, Creators: 1, Orgs: 1},
		{URL: a.base, Clients: 0, Rate: 1, Duration: time.Second, Creators: 1, Orgs: 1},
		{URL: a.base, Clients: 1, Rate: 1e9, Duration: time.Second, Creators: 1, Orgs: 1},
		{URL: a.base, Clients: 1, Rate: 1, Duration: time.Hour, Creators: 1, Orgs: 1},
		{URL: a.base, Clients: 1, Rate: 1, Creators: 1, Orgs: 1},               // neither a time nor a count
		{URL: a.base, Clients: 1, Rate: 1, Requests: -1, Creators: 1, Orgs: 1}, // a negative count
	} {
		if _, err := load.Run(context.Background(), bad); err == nil || !strings.HasPrefix(err.Error(), "load:") {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
