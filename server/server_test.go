package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server"
	"github.com/szdc/talenthub/server/figures"
	"github.com/szdc/talenthub/server/mail"
	"github.com/szdc/talenthub/server/media"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// env is a server over the real services and a fresh embedded database.
type env struct {
	t     *testing.T
	app   *fiber.App
	store *store.Store
	logs  *lockedBuffer
	svc   *service.All
	mail  *mail.Mailer
	blobs models.BlobStore // the images' bytes
}

// configOf is the server configuration over every service.
// configOf is the server's configuration in the tests. Its requests'
// deadline is far beyond the 10 s default: an image's upload under the
// race detector on a busy machine has taken longer (a 503 "not processed
// in time"), and these tests assert what a request answers, not how fast.
func configOf(svc *service.All, ready func(context.Context) error, logger *slog.Logger) server.Config {
	return server.Config{Services: svc.Models(), Ready: ready, Logger: logger, RequestTimeout: 2 * time.Minute}
}

// lockedBuffer is a log sink that handlers may write from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newEnv(t *testing.T, opts ...func(*service.Config)) *env {
	t.Helper()
	st := storetest.MustOpen(t)
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	ix, err := search.Open(context.Background(), search.Options{Source: st, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	st.Observe(ix.Observe)
	fig := figures.New(st, nil, logger)
	if err := fig.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.Observe(fig.Observe)
	mailer, err := mail.New(context.Background(), mail.Config{Store: st, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := media.NewFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	scfg := service.Config{Store: st, Index: ix, Figures: fig, Logger: logger, Mailer: mailer, Mail: mailer,
		Images: media.NewProcessor(media.Limits{}), Blobs: blobs}
	for _, o := range opts {
		o(&scfg)
	}
	svc := service.New(scfg)
	// The mail of a reset request goes out after its answer; it is done
	// before the database closes.
	t.Cleanup(svc.Accounts.Wait)
	if err := svc.Taxonomies.Seed(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := svc.Stats.SeedTargets(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg := configOf(svc, st.Ping, logger)
	cfg.Maintenance = service.NewReindexer(context.Background(), ix, logger)
	srv := server.New(cfg)
	srv.App().Get("/test/panic", func(*fiber.Ctx) error { panic("secret detail 42") })
	return &env{t: t, app: srv.App(), store: st, logs: logs, svc: svc, mail: mailer, blobs: blobs}
}

type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// errCode returns error.code of an error answer.
func (r resp) errCode() string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func (r resp) errFields() map[string]any {
	e, _ := r.body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

func (r resp) str(path ...string) string {
	var v any = r.body
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	s, _ := v.(string)
	return s
}

// call sends a request. body may be a string (sent as is) or a value
// (marshalled). headers are name, value pairs; Content-Type defaults to
// JSON when there is a body.
func (e *env) call(method, path, token string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := resp{status: res.StatusCode, header: res.Header, raw: string(raw)}
	validateAgainstContract(e.t, method, path, req.Header, res.StatusCode, res.Header, raw)
	if len(raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			e.t.Fatalf("%s %s: answer is not JSON (%v): %q", method, path, err, raw)
		}
	}
	return r
}

// register signs up a user and returns their token and id.
func (e *env) register(email string, role models.Role) (token, id string) {
	e.t.Helper()
	r := e.call("POST", "/api/v1/auth/register", "", map[string]any{"email": email, "password": "correct horse battery", "name": "User " + email, "role": role})
	if r.status != 201 {
		e.t.Fatalf("register %s: %d %s", email, r.status, r.raw)
	}
	return r.str("token"), r.str("user", "id")
}

// staff creates a bureau or admin account through the service, as an admin
// would, and signs it in.
func (e *env) staff(email string, role models.Role) (token, id string) {
	e.t.Helper()
	ctx := context.Background()
	acc := service.NewAccounts(e.store, e.store, e.store, e.store, service.AccountsConfig{Logger: slog.New(slog.DiscardHandler)})
	root := &models.User{ID: "65f0c0ffee00000000000000", Role: models.RoleAdmin}
	in := models.NewUserInput{Email: email, Password: "correct horse battery", Name: "Staff", Role: role}
	if _, err := acc.CreateUser(ctx, root, in); err != nil {
		e.t.Fatal(err)
	}
	auth, err := acc.Login(ctx, models.LoginInput{Email: email, Password: in.Password}, models.ClientInfo{Addr: "10.0.0.1"})
	if err != nil {
		e.t.Fatal(err)
	}
	return auth.Token, auth.User.ID
}

// check asserts status and, for errors, the error code, and that every
// error answer has the contract's shape.
func check(t *testing.T, name string, r resp, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d (%s)", name, r.status, status, r.raw)
		return
	}
	if status >= 400 {
		if r.errCode() != code {
			t.Errorf("%s: error code %q, want %q (%s)", name, r.errCode(), code, r.raw)
		}
		if r.str("error", "message") == "" {
			t.Errorf("%s: error without a message: %s", name, r.raw)
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: error content type %q", name, ct)
		}
	}
}

var profile = map[string]any{
	"name":       "李明",
	"headline":   "资深原画师",
	"bio":        "十年游戏原画经验",
	"skills":     []string{"原画", "角色设计"},
	"tools":      []string{"Photoshop"},
	"industries": []string{"games"},
	"district":   "nanshan",
	"origin":     "domestic",
	"level":      "B",
	"visibility": "public",
	"contact":    map[string]any{"email": "ming@example.com", "phone": "13812345678"},
	"works":      []map[string]any{{"title": "山海", "url": "https://example.com/w/1", "year": 2024, "tags": []string{"原画"}}},
	"languages":  []string{"zh", "en"},
}

func TestErrorContract(t *testing.T) {
	e := newEnv(t)
	creator, _ := e.register("creator@example.com", models.RoleCreator)

	tests := []struct {
		name          string
		method, path  string
		token         string
		body          any
		headers       []string
		status        int
		code          string
		wantInMessage string
	}{
		{"unknown route", "GET", "/api/v1/nothing-here", "", nil, nil, 404, "not_found", "no such route"},
		{"unknown top-level route", "GET", "/wp-admin", "", nil, nil, 404, "not_found", ""},
		{"method not allowed", "PUT", "/api/v1/auth/login", "", nil, nil, 405, "method_not_allowed", ""},
		{"malformed JSON", "POST", "/api/v1/auth/login", "", `{"email": "a@b.c",`, nil, 400, "bad_request", "malformed JSON"},
		{"broken JSON", "POST", "/api/v1/auth/login", "", `{"email" "a"}`, nil, 400, "bad_request", "malformed JSON"},
		{"empty body", "POST", "/api/v1/auth/login", "", "", nil, 400, "bad_request", "empty"},
		{"array instead of object", "POST", "/api/v1/auth/login", "", `[1,2]`, nil, 400, "bad_request", "JSON object"},
		{"trailing data", "POST", "/api/v1/auth/login", "", `{"email":"a@b.c","password":"x"} {"x":1}`, nil, 400, "bad_request", "after the JSON"},
		{"unknown field", "POST", "/api/v1/auth/login", "", `{"email":"a@b.c","password":"x","remember":true}`, nil, 400, "bad_request", `"remember"`},
		{"operator injection", "POST", "/api/v1/auth/login", "", `{"email":{"$ne":""},"password":"x"}`, nil, 400, "bad_request", `"email" must be a string`},
		{"wrong type", "POST", "/api/v1/talents", creator, `{"name":"A","years_experience":"ten"}`, nil, 400, "bad_request", "years_experience"},
		{"invalid UTF-8", "POST", "/api/v1/auth/login", "", []byte("{\"email\":\"\xff\xfe\",\"password\":\"x\"}"), nil, 400, "bad_request", "UTF-8"},
		{"unpaired high surrogate", "POST", "/api/v1/auth/login", "", `{"email":"a\ud800@b.c","password":"x"}`, nil, 400, "bad_request", "surrogate"},
		{"unpaired low surrogate", "POST", "/api/v1/auth/login", "", `{"email":"a@b.c","password":"\udc00"}`, nil, 400, "bad_request", "surrogate"},
		{"high surrogate before another escape", "POST", "/api/v1/auth/login", "", `{"email":"a@b.c","password":"\ud800\u0041"}`, nil, 400, "bad_request", "surrogate"},
		{"surrogate in a key", "POST", "/api/v1/auth/login", "", `{"email":"a@b.c","password":"x","\ud800":1}`, nil, 400, "bad_request", "surrogate"},
		{"a paired surrogate is a character", "POST", "/api/v1/auth/login", "", `{"email":"\ud83d\ude00@b.c","password":"x \\ud800"}`, nil, 401, "unauthenticated", ""},
		{"array over the limit", "POST", "/api/v1/talents", creator, `{"name":"A","skills":[` + strings.Repeat(`"a",`, 100000) + `"a"]}`, nil, 400, "bad_request", "items"},
		{"nested array over the limit", "POST", "/api/v1/talents", creator, `{"name":"A","works":[{"title":"w","tags":[` + strings.Repeat(`"a",`, 300) + `"a"]}]}`, nil, 400, "bad_request", "items"},
		{"wrong content type", "POST", "/api/v1/auth/login", "", `{"email":"a@b.c","password":"x"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", ""},
		{"form post", "POST", "/api/v1/auth/register", "", `email=a`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", ""},
		{"server-owned id", "POST", "/api/v1/talents", creator, `{"name":"A","id":"65f0c0ffee00000000000001"}`, nil, 400, "bad_request", "set by the server"},
		{"server-owned owner_id", "POST", "/api/v1/talents", creator, `{"name":"A","owner_id":"65f0c0ffee00000000000001"}`, nil, 400, "bad_request", "set by the server"},
		{"server-owned version", "POST", "/api/v1/talents", creator, `{"name":"A","version":99}`, nil, 400, "bad_request", "set by the server"},
		{"server-owned created_at", "POST", "/api/v1/talents", creator, `{"name":"A","created_at":"2020-01-01T00:00:00Z"}`, nil, 400, "bad_request", "set by the server"},
		{"role through register is validated", "POST", "/api/v1/auth/register", "", `{"email":"x@example.com","password":"correct horse","name":"X","role":"admin"}`, nil, 422, "validation_failed", ""},
		{"malformed id", "GET", "/api/v1/talents/not-an-id", "", nil, nil, 400, "bad_request", "malformed id"},
		{"path traversal id", "GET", "/api/v1/talents/..%2F..%2Fetc%2Fpasswd", "", nil, nil, 400, "bad_request", "malformed id"},
		{"missing profile", "GET", "/api/v1/talents/65f0c0ffee00000000000001", "", nil, nil, 404, "not_found", "talent profile"},
		{"bad bearer", "GET", "/api/v1/me", "", nil, []string{"Authorization", "Bearer nope"}, 401, "unauthenticated", ""},
		{"basic auth", "GET", "/api/v1/me", "", nil, []string{"Authorization", "Basic YTpi"}, 401, "unauthenticated", "Bearer"},
		{"unknown token on a public route", "GET", "/api/v1/talents/65f0c0ffee00000000000001", "", nil, []string{"Authorization", "Bearer " + strings.Repeat("A", 43)}, 401, "unauthenticated", ""},
		{"no token", "GET", "/api/v1/me", "", nil, nil, 401, "unauthenticated", ""},
		{"malformed If-Match", "PATCH", "/api/v1/talents/65f0c0ffee00000000000001", creator, `{}`, []string{"If-Match", "yesterday"}, 400, "bad_request", "If-Match"},
		{"panic", "GET", "/test/panic", "", nil, nil, 500, "internal", "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(tt.method, tt.path, tt.token, tt.body, tt.headers...)
			check(t, tt.name, r, tt.status, tt.code)
			if msg := r.str("error", "message"); !strings.Contains(msg, tt.wantInMessage) {
				t.Errorf("message %q does not contain %q", msg, tt.wantInMessage)
			}
			if strings.Contains(r.raw, "secret detail") || strings.Contains(r.raw, "goroutine") {
				t.Errorf("internal details leak to the client: %s", r.raw)
			}
			if r.header.Get("X-Request-ID") == "" || r.str("error", "request_id") != r.header.Get("X-Request-ID") {
				t.Errorf("request id missing or different: header %q body %q", r.header.Get("X-Request-ID"), r.str("error", "request_id"))
			}
		})
	}
	if !strings.Contains(e.logs.String(), "secret detail 42") {
		t.Errorf("the panic is not in the log")
	}
	// Nothing of the refused creates was stored.
	if r := e.call("GET", "/api/v1/me", creator, nil); r.status != 200 {
		t.Fatal(r.raw)
	}
	id := e.call("GET", "/api/v1/me", creator, nil).str("id")
	if r := e.call("GET", "/api/v1/talents/"+id, creator, nil); r.status != 404 {
		t.Errorf("a refused create left a profile: %s", r.raw)
	}
}

func TestAccounts(t *testing.T) {
	e := newEnv(t)
	register := func(body any) resp { return e.call("POST", "/api/v1/auth/register", "", body) }

	r := register(map[string]any{"email": " Ming@Example.com ", "password": "correct horse", "name": "李明", "role": "creator"})
	check(t, "register", r, 201, "")
	token := r.str("token")
	if token == "" || r.str("user", "email") != "ming@example.com" || r.str("user", "role") != "creator" {
		t.Fatalf("register answer: %s", r.raw)
	}
	if strings.Contains(r.raw, "password") || strings.Contains(r.raw, "argon2") {
		t.Fatalf("register answer holds the password or its hash: %s", r.raw)
	}

	check(t, "duplicate email in other case", register(map[string]any{"email": "MING@example.com", "password": "correct horse", "name": "X", "role": "org"}), 409, "conflict")
	r = register(map[string]any{"email": "bad", "password": "short", "name": "", "role": "bureau"})
	check(t, "invalid register", r, 422, "validation_failed")
	for _, f := range []string{"email", "password", "name", "role"} {
		if r.errFields()[f] == nil {
			t.Errorf("invalid register: no message for %q: %s", f, r.raw)
		}
	}

	me := e.call("GET", "/api/v1/me", token, nil)
	check(t, "me", me, 200, "")
	if me.str("email") != "ming@example.com" || me.header.Get("ETag") != `"1"` {
		t.Fatalf("me: %s %v", me.raw, me.header)
	}
	for _, k := range []string{"id", "email", "name", "role", "org_id"} {
		if _, ok := me.body[k]; !ok {
			t.Errorf("me lacks %q", k)
		}
	}

	login := func(pw string) resp {
		return e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "ming@EXAMPLE.com", "password": pw})
	}
	r = login("correct horse")
	check(t, "login", r, 200, "")
	second := r.str("token")
	if second == "" || second == token {
		t.Fatalf("login token: %q", second)
	}
	check(t, "unknown email", e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "nobody@example.com", "password": "correct horse"}), 401, "unauthenticated")

	// Logout revokes exactly that token.
	check(t, "logout", e.call("POST", "/api/v1/auth/logout", second, nil), 204, "")
	check(t, "revoked token", e.call("GET", "/api/v1/me", second, nil), 401, "unauthenticated")
	check(t, "other session still works", e.call("GET", "/api/v1/me", token, nil), 200, "")
	check(t, "logout without token", e.call("POST", "/api/v1/auth/logout", "", nil), 401, "unauthenticated")

	// Five wrong passwords, then this address waits (5 s, doubling with
	// every further failure), even with the right password; an address
	// that has not failed on the account would not (service tests).
	for i := range 5 {
		check(t, "wrong password", login("wrong password "+string(rune('a'+i))), 401, "unauthenticated")
	}
	r = login("correct horse")
	check(t, "slowed address", r, 429, "rate_limited")
	if r.header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
}

func TestAdminUsers(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.staff("admin@example.com", models.RoleAdmin)
	creator, _ := e.register("c@example.com", models.RoleCreator)
	body := func(email string, role models.Role) map[string]any {
		return map[string]any{"email": email, "password": "correct horse battery", "name": "Officer", "role": role}
	}
	r := e.call("POST", "/api/v1/admin/users", admin, body("officer@sz.gov.cn", models.RoleBureau))
	check(t, "admin creates bureau", r, 201, "")
	if r.str("role") != "bureau" {
		t.Fatalf("created: %s", r.raw)
	}
	check(t, "admin creates admin", e.call("POST", "/api/v1/admin/users", admin, body("admin2@example.com", models.RoleAdmin)), 201, "")
	check(t, "admin cannot create a creator here", e.call("POST", "/api/v1/admin/users", admin, body("x@example.com", models.RoleCreator)), 422, "validation_failed")
	check(t, "duplicate", e.call("POST", "/api/v1/admin/users", admin, body("officer@sz.gov.cn", models.RoleBureau)), 409, "conflict")
	check(t, "creator forbidden", e.call("POST", "/api/v1/admin/users", creator, body("y@example.com", models.RoleBureau)), 403, "forbidden")
	check(t, "anonymous", e.call("POST", "/api/v1/admin/users", "", body("z@example.com", models.RoleBureau)), 401, "unauthenticated")

	r = e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "officer@sz.gov.cn", "password": "correct horse battery"})
	check(t, "bureau signs in", r, 200, "")
}

func TestTalentProfiles(t *testing.T) {
	e := newEnv(t)
	owner, ownerID := e.register("ming@example.com", models.RoleCreator)
	other, _ := e.register("other@example.com", models.RoleCreator)
	org, _ := e.register("hr@studio.example", models.RoleOrg)
	bureau, _ := e.staff("officer@sz.gov.cn", models.RoleBureau)
	admin, _ := e.staff("admin@example.com", models.RoleAdmin)
	path := "/api/v1/talents/" + ownerID

	check(t, "org cannot create a profile", e.call("POST", "/api/v1/talents", org, profile), 403, "forbidden")
	check(t, "anonymous cannot create", e.call("POST", "/api/v1/talents", "", profile), 401, "unauthenticated")
	bad := map[string]any{"name": "", "contact": map[string]any{"email": "nope"}, "works": []map[string]any{{"title": ""}}}
	r := e.call("POST", "/api/v1/talents", owner, bad)
	check(t, "invalid profile", r, 422, "validation_failed")
	for _, f := range []string{"name", "contact.email", "works[0].title"} {
		if r.errFields()[f] == nil {
			t.Errorf("no message for %q: %s", f, r.raw)
		}
	}

	r = e.call("POST", "/api/v1/talents", owner, profile)
	check(t, "create", r, 201, "")
	if r.str("id") != ownerID || r.str("owner_id") != ownerID || r.body["version"] != 1.0 || r.header.Get("ETag") != `"1"` {
		t.Fatalf("created: %s", r.raw)
	}
	check(t, "second profile", e.call("POST", "/api/v1/talents", owner, profile), 409, "conflict")

	contact := func(r resp) (string, string) { return r.str("contact", "phone"), r.str("contact", "email") }
	for _, v := range []struct {
		name, token string
		masked      bool
	}{
		{"anonymous", "", true}, {"other creator", other, true}, {"org not accepted", org, true},
		{"admin", admin, true}, {"owner", owner, false}, {"bureau", bureau, false},
	} {
		r := e.call("GET", path, v.token, nil)
		check(t, "get as "+v.name, r, 200, "")
		phone, email := contact(r)
		wantPhone, wantEmail := "13812345678", "ming@example.com"
		if v.masked {
			wantPhone, wantEmail = "138****5678", "m***@example.com"
		}
		if phone != wantPhone || email != wantEmail || r.body["contact_masked"] != v.masked {
			t.Errorf("get as %s: contact %q %q masked=%v", v.name, phone, email, r.body["contact_masked"])
		}
	}

	// Patch: owner only, validated like create, version-checked.
	check(t, "other creator cannot patch", e.call("PATCH", path, other, map[string]any{"headline": "hacked"}), 403, "forbidden")
	check(t, "org cannot patch", e.call("PATCH", path, org, map[string]any{"headline": "hacked"}), 403, "forbidden")
	check(t, "anonymous cannot patch", e.call("PATCH", path, "", map[string]any{"headline": "hacked"}), 401, "unauthenticated")
	check(t, "patch cannot set owner", e.call("PATCH", path, owner, map[string]any{"owner_id": "65f0c0ffee00000000000001"}), 400, "bad_request")
	check(t, "patch cannot set version", e.call("PATCH", path, owner, map[string]any{"version": 7}), 400, "bad_request")
	r = e.call("PATCH", path, owner, map[string]any{"district": "gotham", "level": "Z"})
	check(t, "invalid patch", r, 422, "validation_failed")
	if r.errFields()["district"] == nil || r.errFields()["level"] == nil {
		t.Errorf("invalid patch fields: %s", r.raw)
	}
	r = e.call("PATCH", path, owner, map[string]any{"headline": "原画总监", "visibility": "orgs"}, "If-Match", `"1"`)
	check(t, "patch", r, 200, "")
	if r.str("headline") != "原画总监" || r.str("name") != "李明" || r.body["version"] != 2.0 || r.header.Get("ETag") != `"2"` {
		t.Fatalf("patched: %s", r.raw)
	}
	check(t, "stale If-Match", e.call("PATCH", path, owner, map[string]any{"headline": "lost"}, "If-Match", `"1"`), 412, "precondition_failed")
	r = e.call("GET", path, owner, nil)
	if r.str("headline") != "原画总监" || r.body["version"] != 2.0 {
		t.Fatalf("refused patches changed the profile: %s", r.raw)
	}

	// Visibility "orgs": members of verified organisations, bureau and
	// admin see it; other creators, anonymous visitors and organisation
	// accounts without a verified organisation are told it does not
	// exist.
	check(t, "orgs-only, anonymous", e.call("GET", path, "", nil), 404, "not_found")
	check(t, "orgs-only, other creator", e.call("GET", path, other, nil), 404, "not_found")
	check(t, "orgs-only, other creator patch", e.call("PATCH", path, other, map[string]any{"headline": "x"}), 404, "not_found")
	check(t, "orgs-only, org account without organisation", e.call("GET", path, org, nil), 404, "not_found")
	r = e.call("POST", "/api/v1/orgs", org, map[string]any{"name": "工作室", "kind": "enterprise", "district": "nanshan"})
	check(t, "register the organisation", r, 201, "")
	check(t, "orgs-only, member of a pending organisation", e.call("GET", path, org, nil), 404, "not_found")
	check(t, "verify the organisation", e.call("POST", "/api/v1/orgs/"+r.str("id")+"/verify", bureau, map[string]any{"decision": "verified"}), 200, "")
	check(t, "orgs-only, member of a verified organisation", e.call("GET", path, org, nil), 200, "")
	check(t, "private", e.call("PATCH", path, owner, map[string]any{"visibility": "private"}), 200, "")
	check(t, "private, org", e.call("GET", path, org, nil), 404, "not_found")
	check(t, "private, bureau", e.call("GET", path, bureau, nil), 404, "not_found")
	check(t, "private, owner", e.call("GET", path, owner, nil), 200, "")

	// Export: everything about the creator, for the owner only.
	r = e.call("GET", path+"/export", owner, nil)
	check(t, "export", r, 200, "")
	if r.str("account", "email") != "ming@example.com" || r.str("profile", "contact", "phone") != "13812345678" {
		t.Fatalf("export: %s", r.raw)
	}
	if sessions, _ := r.body["sessions"].([]any); len(sessions) != 1 {
		t.Errorf("export sessions: %v", r.body["sessions"])
	}
	if strings.Contains(r.raw, "argon2") || strings.Contains(r.raw, owner) {
		t.Fatalf("export leaks the password hash or the token")
	}
	if !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export is not an attachment: %v", r.header)
	}
	check(t, "export by admin", e.call("GET", path+"/export", admin, nil), 403, "forbidden")
	check(t, "export anonymous", e.call("GET", path+"/export", "", nil), 401, "unauthenticated")

	// Delete: owner or admin.
	check(t, "public again", e.call("PATCH", path, owner, map[string]any{"visibility": "public"}), 200, "")
	check(t, "delete by other", e.call("DELETE", path, other, nil), 403, "forbidden")
	check(t, "delete stale", e.call("DELETE", path, owner, nil, "If-Match", "1"), 412, "precondition_failed")
	check(t, "delete", e.call("DELETE", path, owner, nil), 204, "")
	check(t, "gone", e.call("GET", path, owner, nil), 404, "not_found")
	check(t, "delete again", e.call("DELETE", path, owner, nil), 404, "not_found")
}

func TestAdminDeletesProfile(t *testing.T) {
	e := newEnv(t)
	owner, id := e.register("ming@example.com", models.RoleCreator)
	admin, _ := e.staff("admin@example.com", models.RoleAdmin)
	check(t, "create", e.call("POST", "/api/v1/talents", owner, profile), 201, "")
	check(t, "admin deletes", e.call("DELETE", "/api/v1/talents/"+id, admin, nil), 204, "")
	check(t, "gone", e.call("GET", "/api/v1/talents/"+id, owner, nil), 404, "not_found")
}

// TestReindexThroughTheAPI: an admin starts a rebuild of the index, is told
// where to follow it, follows it to its end, and searches find the same
// profiles afterwards; a second start while one runs is a conflict.
func TestReindexThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.staff("admin@example.com", models.RoleAdmin)
	bureau, _ := e.staff("bureau@example.com", models.RoleBureau)
	for i := range 5 {
		tok, _ := e.register(fmt.Sprintf("c%d@example.com", i), models.RoleCreator)
		check(t, "profile", e.call("POST", "/api/v1/talents", tok, map[string]any{"name": "李明", "skills": []string{"原画"}, "visibility": "public"}), 201, "")
	}
	before := e.call("GET", "/api/v1/talents?q=原画", bureau, nil)
	r := e.call("POST", "/api/v1/admin/reindex", admin, nil)
	check(t, "start", r, 202, "")
	if r.header.Get("Location") != "/api/v1/admin/reindex" || r.str("status_url") != "/api/v1/admin/reindex" {
		t.Fatalf("no status URL: %v %s", r.header, r.raw)
	}
	again := e.call("POST", "/api/v1/admin/reindex", admin, nil)
	if again.status != 202 && again.status != 409 {
		t.Fatalf("a second start: %d %s", again.status, again.raw)
	}
	for {
		r = e.call("GET", "/api/v1/admin/reindex", admin, nil)
		check(t, "status", r, 200, "")
		if r.body["running"] == false {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if r.str("error") != "" || r.body["done"].(float64) < 5 {
		t.Fatalf("the rebuild ended with %s", r.raw)
	}
	after := e.call("GET", "/api/v1/talents?q=原画", bureau, nil)
	if after.body["total"] != before.body["total"] || after.body["total"].(float64) != 5 {
		t.Fatalf("search before the rebuild %v, after %v", before.body["total"], after.body["total"])
	}
	check(t, "bureau may not", e.call("POST", "/api/v1/admin/reindex", bureau, nil), 403, "forbidden")
}

func TestHealth(t *testing.T) {
	e := newEnv(t)
	check(t, "healthz", e.call("GET", "/healthz", "", nil), 200, "")
	check(t, "readyz", e.call("GET", "/readyz", "", nil), 200, "")

	svc := service.New(service.Config{Store: e.store, Logger: slog.New(slog.DiscardHandler)})
	down := server.New(configOf(svc, func(context.Context) error {
		return &models.Error{Code: models.CodeUnavailable, Message: "the database does not answer", Err: errors.New("dial tcp: refused")}
	}, slog.New(slog.DiscardHandler)))
	d := &env{t: t, app: down.App()}
	r := d.call("GET", "/readyz", "", nil)
	check(t, "readyz when the database is down", r, 503, "unavailable")
	if strings.Contains(r.raw, "refused") {
		t.Errorf("readyz leaks the driver error: %s", r.raw)
	}
}

// The access log names requests but never personal data.
func TestLogsHoldNoPersonalData(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.register("ming@example.com", models.RoleCreator)
	check(t, "create", e.call("POST", "/api/v1/talents", owner, profile), 201, "")
	e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "ming@example.com", "password": "wrong password"})
	logs := e.logs.String()
	for _, secret := range []string{"13812345678", "ming@example.com", "correct horse", "wrong password", owner} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
	if !strings.Contains(logs, "path=/api/v1/talents") {
		t.Errorf("the access log is missing: %s", logs)
	}
}

// An oversized body is refused by fasthttp before any handler runs, so it
// is tested over a real socket (app.Test reports it as a transport error).
func TestBodyTooLarge(t *testing.T) {
	e := newEnv(t)
	creator, _ := e.register("c@example.com", models.RoleCreator)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.app.Listener(ln) }()
	t.Cleanup(func() { _ = e.app.Shutdown() })

	// The whole body is read (the HTTP layer takes up to 8 MiB) and
	// refused with the error shape, so that a client still writing it reads
	// the answer instead of a reset.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	big := `{"name":"` + strings.Repeat("a", 1<<20) + `"}`
	fmt.Fprintf(conn, "POST /api/v1/talents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n%s", creator, len(big), big)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("413 answer is not JSON: %q", raw)
	}
	r := resp{status: res.StatusCode, header: res.Header, body: body, raw: string(raw)}
	check(t, "body over 1 MiB", r, 413, "too_large")

	// One byte under the limit is decoded (and then validated).
	okSize := `{"name":"` + strings.Repeat("a", 1<<20-len(`{"name":""}`)-1) + `"}`
	r = e.call("POST", "/api/v1/talents", creator, okSize)
	check(t, "body under the limit", r, 422, "validation_failed")
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.staff("admin@example.com", models.RoleAdmin)
	creator, id := e.register("c@example.com", models.RoleCreator)
	e.call("GET", "/api/v1/talents/"+id, creator, nil)
	e.call("GET", "/no/such/path/65f0c0ffee00000000000001", "", nil)

	check(t, "metrics for a non-admin off loopback", e.call("GET", "/metrics", creator, nil), 403, "forbidden")
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	res, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	text := string(raw)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`talenthub_http_requests_total{method="GET",route="/api/v1/talents/:id",status="404"} 1`,
		`talenthub_http_requests_total{method="POST",route="/api/v1/auth/register",status="201"} 1`,
		`route="unmatched",status="404"`,
		"go_goroutines",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(text, id) {
		t.Errorf("an object id became a metric label")
	}
}

// TestUpdateMe: a user changes their own name and language (the web UI's
// toggle sticks through it); nothing else of the account can change this
// way, and bad values change nothing.
func TestUpdateMe(t *testing.T) {
	e := newEnv(t)
	token, _ := e.register("me@example.com", models.RoleCreator)
	r := e.call("PATCH", "/api/v1/me", token, map[string]any{"language": "en", "name": " 李 明 "})
	check(t, "update", r, 200, "")
	if r.str("language") != "en" || r.str("name") != "李 明" {
		t.Fatalf("after the update: %s", r.raw)
	}
	if e.call("GET", "/api/v1/me", token, nil).str("language") != "en" {
		t.Fatal("the language did not stick")
	}
	check(t, "unknown language", e.call("PATCH", "/api/v1/me", token, map[string]any{"language": "fr"}), 422, "validation_failed")
	check(t, "empty name", e.call("PATCH", "/api/v1/me", token, map[string]any{"name": "  "}), 422, "validation_failed")
	check(t, "role", e.call("PATCH", "/api/v1/me", token, map[string]any{"role": "admin"}), 400, "bad_request")
	check(t, "email", e.call("PATCH", "/api/v1/me", token, map[string]any{"email": "x@example.com"}), 400, "bad_request")
	me := e.call("GET", "/api/v1/me", token, nil)
	if me.str("role") != "creator" || me.str("email") != "me@example.com" || me.str("name") != "李 明" {
		t.Fatalf("a refused update changed the account: %s", me.raw)
	}
}

// TestSignInDuringRegistrationFlood: 500 registrations at once, most of an
// email that has an account and some of new ones, all from one address,
// and meanwhile a real sign-in: it signs in (not 503). Registrations hash
// in slots of their own, a taken email is refused before hashing and the
// address's registrations are limited, so the flood cannot take the
// sign-in's hashing. How long the sign-in took is logged, not asserted
// (BenchmarkSignInDuringRegistrationFlood measures it).
func TestSignInDuringRegistrationFlood(t *testing.T) {
	e := newEnv(t)
	e.register("victim@example.com", models.RoleCreator)
	const flood = 500
	var started sync.WaitGroup
	started.Add(flood / 5)
	statuses := make(chan int, flood)
	var wg sync.WaitGroup
	for i := range flood {
		wg.Go(func() {
			email := "victim@example.com"
			if i%5 == 0 {
				email = fmt.Sprintf("new%d@example.com", i)
			}
			body, _ := json.Marshal(map[string]any{"email": email, "password": "flood password 1", "name": "F", "role": "creator"})
			req := httptest.NewRequest("POST", "/api/v1/auth/register", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if i < flood/5 {
				started.Done()
			}
			res, err := e.app.Test(req, -1)
			if err != nil {
				statuses <- 0
				return
			}
			_ = res.Body.Close()
			statuses <- res.StatusCode
		})
	}
	started.Wait()
	begin := time.Now()
	r := e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "victim@example.com", "password": "correct horse battery"})
	took := time.Since(begin)
	check(t, "sign-in during the flood", r, 200, "")
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	for s, n := range count {
		if s != 201 && s != 409 && s != 429 && s != 503 {
			t.Errorf("%d registrations answered %d", n, s)
		}
	}
	// Which of them were limited (429) or shed (503) depends on the
	// machine's speed; that no more accounts were made than an address may
	// make does not (TestRegistrationLimitPerAddress tests the limit).
	if count[201] > 200 {
		t.Errorf("500 registrations from one address made %d accounts, more than an address may: %v", count[201], count)
	}
	t.Logf("sign-in took %v during a flood of %d registrations (answers %v)", took.Round(time.Millisecond), flood, count)
}
