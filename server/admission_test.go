package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server"
	"github.com/szdc/talenthub/web"
)

// admitted is one answer over the socket.
type admitted struct {
	status int
	header http.Header
	body   string
}

// answerOf sends req in the background; the channel gives its answer
// (status -1 and the error when there is none).
func answerOf(client *http.Client, req *http.Request) <-chan admitted {
	out := make(chan admitted, 1)
	go func() {
		res, err := client.Do(req)
		if err != nil {
			out <- admitted{status: -1, body: err.Error()}
			return
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		out <- admitted{status: res.StatusCode, header: res.Header, body: string(raw)}
	}()
	return out
}

// holdingServer serves the real server (with the UI) under adm over a
// real socket, with a route of the test's, method path, that holds each
// request until release is closed and tells entered when one is held.
func holdingServer(t *testing.T, e *env, adm server.Admission, method, path string) (base string, entered chan struct{}, release chan struct{}) {
	cfg := configOf(e.svc, e.store.Ping, slog.New(slog.DiscardHandler))
	cfg.Admission = adm
	cfg.Pages = web.New(web.Config{Services: e.svc.Models(), Logger: slog.New(slog.DiscardHandler)})
	srv := server.New(cfg)
	entered, release = make(chan struct{}, 2), make(chan struct{})
	srv.App().Add(method, path, func(c *fiber.Ctx) error {
		entered <- struct{}{}
		<-release
		return c.SendString("released")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.App().Shutdown() })
	return "http://" + ln.Addr().String(), entered, release
}

// TestAdmissionRefusesAtOnceOverItsClassLimit: with one slot and one place
// in the queue per class, a request held in the reads' slot and another
// waiting behind it, a third read is refused with 503, the error shape and
// Retry-After while the first is still held (so it did not wait for a
// slot: no clock is read), a page (a read) with the UI's error page, and
// requests of every other class, the probes and the metrics are answered. The real server over a real socket (the
// metrics answer loopback clients), with a route of the test's that holds
// its request until released.
func TestAdmissionRefusesAtOnceOverItsClassLimit(t *testing.T) {
	e := newEnv(t)
	bureau, _ := e.staff("officer@example.com", models.RoleBureau)
	// A wait far longer than the test: a waiter is refused only if the
	// queue is full, never by the clock.
	base, entered, release := holdingServer(t, e, server.Admission{Searches: 1, Views: 1, Reads: 1, Writes: 1, Queue: 1, Wait: time.Hour},
		fiber.MethodGet, "/test/hold")
	client := &http.Client{Timeout: time.Minute}
	send := func(method, path string, body string) <-chan admitted {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Authorization", "Bearer "+bureau)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		return answerOf(client, req)
	}
	get := func(path string) admitted { return <-send("GET", path, "") }

	held := send("GET", "/test/hold", "")
	<-entered
	// Two more reads: one takes the place in the queue, the other finds
	// it taken and is answered first, while the slot is still held.
	a, b := send("GET", "/api/v1/progress", ""), send("GET", "/api/v1/progress", "")
	var refused admitted
	var waiting <-chan admitted
	select {
	case refused = <-a:
		waiting = b
	case refused = <-b:
		waiting = a
	}
	if refused.status != http.StatusServiceUnavailable || refused.header.Get("Retry-After") != "1" {
		t.Fatalf("the read over the limit: %d, Retry-After %q: %s", refused.status, refused.header.Get("Retry-After"), refused.body)
	}
	var shape struct {
		Error struct {
			Code      string `json:"code"`
			Message   string `json:"message"`
			RequestID string `json:"request_id"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(refused.body), &shape); err != nil || shape.Error.Code != "unavailable" ||
		shape.Error.Message == "" || shape.Error.RequestID == "" {
		t.Errorf("the refusal's body is not the error shape: %s", refused.body)
	}

	// A page is a read too: refused with the UI's error page.
	page := <-send("GET", "/", "")
	if page.status != http.StatusServiceUnavailable || page.header.Get("Retry-After") != "1" ||
		!strings.HasPrefix(page.header.Get("Content-Type"), "text/html") || !strings.Contains(page.body, "<html") {
		t.Errorf("a page over the reads' limit: %d, Retry-After %q, %s: %.200s", page.status, page.header.Get("Retry-After"),
			page.header.Get("Content-Type"), page.body)
	}

	// Every other class is admitted while the reads are full; so are the
	// probes and the metrics, which are never limited.
	for _, c := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/api/v1/talents?q=" + url.QueryEscape("原画"), "", 200}, // a search
		{"GET", "/api/v1/talents/65f0c0ffee0000000000abcd", "", 404},   // a profile view
		{"PATCH", "/api/v1/me", `{"name":"科员"}`, 200},                  // a write
		{"GET", "/healthz", "", 200},
		{"GET", "/readyz", "", 200},
	} {
		if got := <-send(c.method, c.path, c.body); got.status != c.want {
			t.Errorf("%s %s while the reads are full: %d, want %d: %s", c.method, c.path, got.status, c.want, got.body)
		}
	}
	metrics := get("/metrics")
	for _, want := range []string{
		`talenthub_admission_refused_total{class="read"} 2`,
		`talenthub_admission_refused_total{class="search"} 0`,
		`talenthub_admission_refused_total{class="view"} 0`,
		`talenthub_admission_refused_total{class="write"} 0`,
	} {
		if !strings.Contains(metrics.body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// Released, the held request and the one that waited are answered.
	close(release)
	if got := <-held; got.status != 200 || got.body != "released" {
		t.Errorf("the held request: %d %s", got.status, got.body)
	}
	if got := <-waiting; got.status != 200 {
		t.Errorf("the request that waited for the slot: %d %s", got.status, got.body)
	}
}

// TestSignInsAreAdmittedWhileWritesAreFull: a sign-in is a class of its
// own, so a flood of registrations (writes) that holds every write slot
// and fills the writes' queue never refuses it. With the one write slot
// held and its one place in the queue taken, another write (a
// registration) is refused with 503, and a sign-in through the API and
// through the page is still answered: 200 for the right password.
func TestSignInsAreAdmittedWhileWritesAreFull(t *testing.T) {
	e := newEnv(t)
	e.staff("officer@example.com", models.RoleBureau)
	base, entered, release := holdingServer(t, e, server.Admission{Writes: 1, SignIns: 1, Queue: 1, Wait: time.Hour},
		fiber.MethodPost, "/api/v1/test/hold")
	client := &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(path, contentType, body string) <-chan admitted {
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		return answerOf(client, req)
	}

	held := send("/api/v1/test/hold", "application/json", "{}")
	select {
	case <-entered:
	case got := <-held:
		t.Fatalf("the held write was answered: %d %s", got.status, got.body)
	}
	// A second held write and three registrations: one of the four takes
	// the queue's one place, the other three are refused at once.
	pending := []<-chan admitted{send("/api/v1/test/hold", "application/json", "{}")}
	for range 3 {
		pending = append(pending, send("/api/v1/auth/register", "application/json",
			`{"email":"flood@example.com","password":"correct horse battery","name":"Flood","role":"creator"}`))
	}
	// The three refusals come at once, whatever the machine's speed; the
	// one not answered is the one waiting.
	type answer struct {
		i   int
		got admitted
	}
	answers := make(chan answer, len(pending))
	for i, ch := range pending {
		go func() { answers <- answer{i, <-ch} }()
	}
	answered := map[int]bool{}
	for range 3 {
		a := <-answers
		if a.got.status != http.StatusServiceUnavailable || a.got.header.Get("Retry-After") != "1" {
			t.Fatalf("a write over the limit: %d, Retry-After %q: %s", a.got.status, a.got.header.Get("Retry-After"), a.got.body)
		}
		answered[a.i] = true
	}

	login := <-send("/api/v1/auth/login", "application/json", `{"email":"officer@example.com","password":"correct horse battery"}`)
	if login.status != http.StatusOK || !strings.Contains(login.body, `"token"`) {
		t.Errorf("a sign-in while the writes are full: %d %s", login.status, login.body)
	}
	wrong := <-send("/api/v1/auth/login", "application/json", `{"email":"officer@example.com","password":"not the password"}`)
	if wrong.status != http.StatusUnauthorized {
		t.Errorf("a wrong password while the writes are full: %d %s", wrong.status, wrong.body)
	}
	// The sign-in page as a browser uses it: its form (a read) gives the
	// CSRF token, its post signs in and sets the session.
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Timeout: time.Minute, Jar: jar, CheckRedirect: client.CheckRedirect}
	form, err := browser.Get(base + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(form.Body)
	form.Body.Close()
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(string(raw))
	if form.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("the sign-in form while the writes are full: %d %.300s", form.StatusCode, raw)
	}
	res, err := browser.PostForm(base+"/signin", url.Values{"_csrf": {m[1]}, "email": {"officer@example.com"}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	signedIn := slices.ContainsFunc(res.Cookies(), func(c *http.Cookie) bool { return c.Name == models.SessionCookie && c.Value != "" })
	if res.StatusCode != http.StatusSeeOther || !signedIn {
		t.Errorf("the sign-in page's post while the writes are full: %d, session set %v", res.StatusCode, signedIn)
	}

	close(release)
	if got := <-held; got.status != 200 {
		t.Errorf("the held write: %d %s", got.status, got.body)
	}
	if a := <-answers; answered[a.i] || (a.got.status != 200 && a.got.status != 201) {
		t.Errorf("the write that waited: %d %s", a.got.status, a.got.body)
	}
}
