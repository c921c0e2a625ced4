package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestProfilesOnlyOnTheDebugAddress: DEBUG_ADDR serves Go's profiles on
// a listener of its own; the API's address never does, and the listener
// closes with the server.
func TestProfilesOnlyOnTheDebugAddress(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	debug := l.Addr().String()
	l.Close()
	in := start(t, map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "DEBUG_ADDR": debug})
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("http://" + debug + "/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("the debug address answered %d %.200q, want the profiles' index", code, body)
	}
	if code, body := get("http://" + debug + "/debug/pprof/goroutine?debug=1"); code != 200 || !strings.Contains(body, "goroutine profile: total") {
		t.Errorf("goroutine profile: %d %.200q", code, body)
	}
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine?debug=1"} {
		if code, body := get(in.base + path); code == 200 || strings.Contains(body, "goroutine profile") {
			t.Errorf("the API's address answered %s with %d %.200q", path, code, body)
		}
	}
	if code, _ := get("http://" + debug + "/api/v1/talents"); code != 404 {
		t.Errorf("the debug address answered the API with %d", code)
	}
	in.stop(t)
	if c, err := net.Dial("tcp", debug); err == nil {
		c.Close()
		t.Error("the debug address still listens after the server stopped")
	}
}

// TestUnservableDebugAddressStopsTheStart: a DEBUG_ADDR already taken is
// an error of the start, before the API answers anything, not a server
// running without the profiles asked for, nor one left serving after run
// returned.
func TestUnservableDebugAddressStopsTheStart(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	api := free.Addr().String()
	free.Close()
	var out bytes.Buffer
	env := map[string]string{"ADDR": api, "DATA_DIR": t.TempDir(), "DEBUG_ADDR": taken.Addr().String()}
	err = run(context.Background(), nil, func(k string) string { return env[k] }, &out)
	if err == nil || !strings.Contains(err.Error(), "DEBUG_ADDR") {
		t.Fatalf("run with a taken DEBUG_ADDR returned %v, want an error naming DEBUG_ADDR", err)
	}
	if c, err := net.Dial("tcp", api); err == nil {
		c.Close()
		t.Errorf("the API's address %s still listens after the start failed", api)
	}
}
