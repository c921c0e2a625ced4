package server_test

import (
	"net/url"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestMailPreferencesAndUnsubscribe: the preferences through the API, and
// the one-click link: a forged or damaged one is a 400 in the error shape
// and changes nothing, a good one turns its kind off.
func TestMailPreferencesAndUnsubscribe(t *testing.T) {
	e := newEnv(t)
	tok, id := e.register("mailprefs@example.com", models.RoleCreator)

	r := e.call("GET", "/api/v1/me/mail-preferences", tok, nil)
	if r.status != 200 || len(r.body["kinds"].([]any)) != len(models.MailPrefKinds()) {
		t.Fatalf("GET: %d %s", r.status, r.raw)
	}
	for name, body := range map[string]any{
		"a security notice": map[string]any{"kinds": []any{map[string]any{"kind": models.NotePasswordChanged, "email": false}}},
		"an unknown kind":   map[string]any{"kinds": []any{map[string]any{"kind": "spam", "email": false}}},
		"a bad frequency":   map[string]any{"kinds": []any{map[string]any{"kind": models.NoteMoved, "email": true, "frequency": "hourly"}}},
		"no choice":         map[string]any{"kinds": []any{map[string]any{"kind": models.NoteMoved}}},
	} {
		if r := e.call("PUT", "/api/v1/me/mail-preferences", tok, body); r.status != 422 || r.errCode() != "validation_failed" {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	if r := e.call("PUT", "/api/v1/me/mail-preferences", tok, `{"kinds": [{"kind": "invitation", "email": false, "extra": 1}]}`); r.status != 400 {
		t.Errorf("an unknown field: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/api/v1/me/mail-preferences", tok, nil); r.body["version"].(float64) != 0 {
		t.Fatalf("a refused change was stored: %s", r.raw)
	}

	good := e.mail.UnsubscribeToken(id, models.NoteMoved)
	for name, bad := range map[string]string{"forged": "x.y", "damaged": good[:len(good)-2], "empty": ""} {
		r := e.call("POST", "/api/v1/unsubscribe?t="+url.QueryEscape(bad), "", nil)
		if r.status != 400 || r.errCode() != "bad_request" || r.str("error", "message") == "" {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	if r := e.call("GET", "/api/v1/me/mail-preferences", tok, nil); r.body["version"].(float64) != 0 {
		t.Fatalf("a refused link changed the preferences: %s", r.raw)
	}
	r = e.call("POST", "/api/v1/unsubscribe?t="+url.QueryEscape(good), "", nil)
	if r.status != 200 || r.body["kind"] != models.NoteMoved || r.body["done"] != true {
		t.Fatalf("good link: %d %s", r.status, r.raw)
	}
	r = e.call("GET", "/api/v1/me/mail-preferences", tok, nil)
	for _, k := range r.body["kinds"].([]any) {
		k := k.(map[string]any)
		if (k["kind"] == models.NoteMoved) == k["email"].(bool) {
			t.Errorf("after the link: %v", k)
		}
	}
}
