package server_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/service"
)

// mails records what the account service mails.
type mails struct {
	mu   sync.Mutex
	sent []models.MailRequest
}

func (m *mails) Send(_ context.Context, r *models.MailRequest) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, *r)
	return nil
}

// token is the t parameter of the latest mail of kind to the address.
func (m *mails) token(t *testing.T, kind, to string) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.sent) - 1; i >= 0; i-- {
		if r := m.sent[i]; r.Kind == kind && r.To == to {
			u, err := url.Parse(r.Link)
			if err != nil {
				t.Fatal(err)
			}
			return u.Query().Get("t")
		}
	}
	t.Fatalf("no %s mail to %s", kind, to)
	return ""
}

func (m *mails) count(kind, to string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, r := range m.sent {
		if r.Kind == kind && r.To == to {
			n++
		}
	}
	return n
}

func newMailEnv(t *testing.T) (*env, *mails) {
	m := &mails{}
	return newEnv(t, func(c *service.Config) { c.Mailer = m }), m
}

func TestPasswordResetHTTP(t *testing.T) {
	e, m := newMailEnv(t)
	tok, _ := e.register("a@example.com", models.RoleCreator)

	known := e.call("POST", "/api/v1/auth/password-reset", "", map[string]any{"email": "a@example.com"})
	unknown := e.call("POST", "/api/v1/auth/password-reset", "", map[string]any{"email": "nobody@example.com"})
	check(t, "reset of a known address", known, 202, "")
	check(t, "reset of an unknown address", unknown, 202, "")
	if known.raw != unknown.raw {
		t.Errorf("the answers differ: %s vs %s", known.raw, unknown.raw)
	}
	e.svc.Accounts.Wait()
	token := m.token(t, models.MailPasswordReset, "a@example.com")
	if m.count(models.MailPasswordReset, "nobody@example.com") != 0 {
		t.Error("a mail to an unknown address")
	}

	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"malformed JSON", `{"token":`, 400, "bad_request"},
		{"unknown field", map[string]any{"token": token, "password": "a brand new password", "email": "x"}, 400, "bad_request"},
		{"short password", map[string]any{"token": token, "password": "short"}, 422, "validation_failed"},
		{"made-up token", map[string]any{"token": strings.Repeat("A", 43), "password": "a brand new password"}, 422, "validation_failed"},
	} {
		check(t, tc.name, e.call("POST", "/api/v1/auth/password-reset/confirm", "", tc.body), tc.status, tc.code)
	}
	check(t, "still signed in before the reset", e.call("GET", "/api/v1/me", tok, nil), 200, "")
	check(t, "confirm", e.call("POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"token": token, "password": "a brand new password"}), 204, "")
	check(t, "the old session", e.call("GET", "/api/v1/me", tok, nil), 401, "unauthenticated")
	reuse := e.call("POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"token": token, "password": "another new password"})
	check(t, "a used token", reuse, 422, "validation_failed")
	if reuse.errFields()["token"] == nil {
		t.Errorf("a used token names no field: %s", reuse.raw)
	}
	login := e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "a@example.com", "password": "a brand new password"})
	check(t, "sign in with the new password", login, 200, "")

	// Past three requests for one address within the hour: 429 with Retry-After.
	for i := range 2 {
		check(t, "another request", e.call("POST", "/api/v1/auth/password-reset", "", map[string]any{"email": "a@example.com"}), 202, "")
		_ = i
	}
	limited := e.call("POST", "/api/v1/auth/password-reset", "", map[string]any{"email": "A@example.com"})
	check(t, "a fourth request", limited, 429, "rate_limited")
	if limited.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	check(t, "an empty email", e.call("POST", "/api/v1/auth/password-reset", "", map[string]any{"email": ""}), 422, "validation_failed")
	check(t, "a number for an email", e.call("POST", "/api/v1/auth/password-reset", "", `{"email": 5}`), 400, "bad_request")
}

func TestEmailVerificationHTTP(t *testing.T) {
	e, m := newMailEnv(t)
	tok, _ := e.register("a@example.com", models.RoleOrg)
	if me := e.call("GET", "/api/v1/me", tok, nil); me.body["email_verified"] != false {
		t.Fatalf("a new account: %s", me.raw)
	}
	check(t, "resend", e.call("POST", "/api/v1/me/verify-email", tok, nil), 202, "")
	token := m.token(t, models.MailVerifyEmail, "a@example.com")
	check(t, "bad JSON", e.call("POST", "/api/v1/auth/verify-email", "", `{"token": [1]}`), 400, "bad_request")
	check(t, "verify", e.call("POST", "/api/v1/auth/verify-email", "", map[string]any{"token": token}), 204, "")
	check(t, "verify again", e.call("POST", "/api/v1/auth/verify-email", "", map[string]any{"token": token}), 422, "validation_failed")
	if me := e.call("GET", "/api/v1/me", tok, nil); me.body["email_verified"] != true {
		t.Errorf("after verification: %s", me.raw)
	}
	check(t, "resend when verified", e.call("POST", "/api/v1/me/verify-email", tok, nil), 409, "conflict")
	check(t, "resend anonymously", e.call("POST", "/api/v1/me/verify-email", "", nil), 401, "unauthenticated")
}

func TestAccountAdministrationHTTP(t *testing.T) {
	e, m := newMailEnv(t)
	admin, adminID := e.staff("root@example.com", models.RoleAdmin)
	creator, creatorID := e.register("c@example.com", models.RoleCreator)
	_, bureauID := e.staff("officer@sz.gov.cn", models.RoleBureau)

	list := e.call("GET", "/api/v1/admin/users?q=EXAMPLE.COM&role=creator&per_page=10", admin, nil)
	check(t, "list", list, 200, "")
	if list.body["total"] != float64(1) {
		t.Errorf("list: %s", list.raw)
	}
	for _, q := range []string{"?role=nobody", "?role=creator,admin", "?per_page=1000", "?colour=red"} {
		check(t, "list "+q, e.call("GET", "/api/v1/admin/users"+q, admin, nil), 400, "bad_request")
	}
	check(t, "a creator lists", e.call("GET", "/api/v1/admin/users", creator, nil), 403, "forbidden")
	check(t, "a creator disables", e.call("PATCH", "/api/v1/admin/users/"+adminID, creator, map[string]any{"disabled": true}), 403, "forbidden")
	check(t, "a creator sends a reset", e.call("POST", "/api/v1/admin/users/"+adminID+"/password-reset", creator, nil), 403, "forbidden")
	check(t, "an admin disables themselves", e.call("PATCH", "/api/v1/admin/users/"+adminID, admin, map[string]any{"disabled": true}), 403, "forbidden")
	check(t, "a malformed id", e.call("PATCH", "/api/v1/admin/users/xyz", admin, map[string]any{"disabled": true}), 400, "bad_request")
	check(t, "an unknown id", e.call("PATCH", "/api/v1/admin/users/65f0c0ffee00000000000000", admin, map[string]any{"disabled": true}), 404, "not_found")
	check(t, "an unknown field", e.call("PATCH", "/api/v1/admin/users/"+creatorID, admin, map[string]any{"disabled": true, "password": "x"}), 400, "bad_request")
	check(t, "a creator made admin", e.call("PATCH", "/api/v1/admin/users/"+creatorID, admin, map[string]any{"role": "admin"}), 409, "conflict")
	check(t, "an officer made creator", e.call("PATCH", "/api/v1/admin/users/"+bureauID, admin, map[string]any{"role": "creator"}), 422, "validation_failed")
	check(t, "nothing to change", e.call("PATCH", "/api/v1/admin/users/"+bureauID, admin, map[string]any{}), 422, "validation_failed")

	promoted := e.call("PATCH", "/api/v1/admin/users/"+bureauID, admin, map[string]any{"role": "admin"})
	check(t, "promote", promoted, 200, "")
	if promoted.body["role"] != "admin" {
		t.Errorf("promote: %s", promoted.raw)
	}

	check(t, "reset by the admin", e.call("POST", "/api/v1/admin/users/"+creatorID+"/password-reset", admin, nil), 202, "")
	if m.count(models.MailPasswordReset, "c@example.com") != 1 {
		t.Error("no reset mail to the creator")
	}

	disabled := e.call("PATCH", "/api/v1/admin/users/"+creatorID, admin, map[string]any{"disabled": true})
	check(t, "disable", disabled, 200, "")
	if disabled.body["disabled"] != true {
		t.Errorf("disable: %s", disabled.raw)
	}
	check(t, "the disabled account's session", e.call("GET", "/api/v1/me", creator, nil), 401, "unauthenticated")
	check(t, "the disabled account signs in", e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "c@example.com", "password": "correct horse battery"}), 403, "forbidden")
	check(t, "a reset of a disabled account", e.call("POST", "/api/v1/admin/users/"+creatorID+"/password-reset", admin, nil), 409, "conflict")
	check(t, "enable", e.call("PATCH", "/api/v1/admin/users/"+creatorID, admin, map[string]any{"disabled": false}), 200, "")
	check(t, "the enabled account signs in", e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "c@example.com", "password": "correct horse battery"}), 200, "")

	audit := e.call("GET", "/api/v1/audit?resource_id="+creatorID, admin, nil)
	check(t, "audit", audit, 200, "")
	for _, action := range []string{models.AuditUserPasswordReset, models.AuditUserDisable, models.AuditUserEnable} {
		if !strings.Contains(audit.raw, `"`+action+`"`) {
			t.Errorf("no %s in the audit trail: %s", action, audit.raw)
		}
	}
	if strings.Contains(e.logs.String(), "c@example.com") {
		t.Error("an email address in the log")
	}
}
