package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// Behind the compose file's proxy every request comes from the proxy's
// address: without TRUSTED_PROXIES the limits per address (registrations,
// failed sign-ins, reset requests) would count every client together, and
// one client's failures would lock everyone out. With it, the client is
// the first address of X-Forwarded-For — from a trusted peer only: a
// client that sends the header itself to an untrusted server changes
// nothing.
func TestTrustedProxyNamesTheClient(t *testing.T) {
	addrOf := func(trusted string) string {
		t.Helper()
		in := start(t, map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "TRUSTED_PROXIES": trusted})
		defer in.stop(t)
		body, _ := json.Marshal(map[string]any{"email": "ming@example.com", "password": "correct horse", "name": "李明", "role": "creator"})
		req, _ := http.NewRequest("POST", in.base+"/api/v1/auth/register", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", "203.0.113.9, 10.0.0.2")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var reg map[string]any
		if res.StatusCode != 201 || json.Unmarshal(raw, &reg) != nil {
			t.Fatalf("register: %d %s", res.StatusCode, raw)
		}
		token := str(reg, "token")
		if code, out := in.call(t, "POST", "/api/v1/talents", token, map[string]any{"name": "李明", "visibility": "private"}); code != 201 {
			t.Fatalf("profile: %d %v", code, out)
		}
		code, x := in.call(t, "GET", "/api/v1/talents/"+str(reg, "user", "id")+"/export", token, nil)
		sessions, _ := x["sessions"].([]any)
		if code != 200 || len(sessions) != 1 {
			t.Fatalf("export: %d %v", code, x)
		}
		return sessions[0].(map[string]any)["client_addr"].(string)
	}
	if got := addrOf("127.0.0.1"); got != "203.0.113.9" {
		t.Errorf("behind a trusted proxy the client is %q, want 203.0.113.9", got)
	}
	if got := addrOf(""); got != "127.0.0.1" {
		t.Errorf("with no trusted proxy the client is %q, want the peer 127.0.0.1", got)
	}
	if got := addrOf("10.9.9.9/32"); got != "127.0.0.1" {
		t.Errorf("from a peer that is not a trusted proxy the client is %q, want the peer 127.0.0.1", got)
	}
	if _, err := loadConfig(func(k string) string {
		return map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8,proxy.example"}[k]
	}); err == nil {
		t.Error("TRUSTED_PROXIES with a host name was accepted")
	}
}
