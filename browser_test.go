package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/szdc/talenthub/models"
)

// The browser tests drive Debian's Chromium, headless, against run() on
// port 0. They skip where Chromium is absent, except under CI=true, where
// .ci/run installs it and they must run.

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is one Chromium; each user of a test gets their own browser
// context (cookies apart) in it.
type browser struct {
	t    *testing.T
	base string
	root context.Context
	dir  string // screenshots

	mu       sync.Mutex
	problems []string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but Chromium is not installed (.ci/run installs the chromium package)")
		}
		t.Skip("browser tests skipped: Chromium not found (apt-get install chromium fonts-wqy-microhei)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "zh-CN"),
		// Headless Chromium sends "en-US" whatever --lang says, and the UI
		// follows the browser's language on a first visit: a Chinese
		// browser, as most of the platform's users have.
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		// A common laptop's width, at which the journeys were reviewed.
		chromedp.WindowSize(1366, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelRoot(); cancelAlloc() })
	if err := chromedp.Do(root); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join("test-artifacts", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: base, root: root, dir: dir}
}

func (b *browser) problem(who, format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, who+": "+fmt.Sprintf(format, args...))
}

// check fails the test for every console error, uncaught exception, failed
// asset and request to anywhere but the server seen so far.
func (b *browser) check() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Error(p)
	}
	b.problems = nil
}

// forgive drops the problems of who recorded so far that contain text:
// faults a test caused on purpose. It returns how many it dropped.
func (b *browser) forgive(who, text string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(b.problems)
	b.problems = slices.DeleteFunc(b.problems, func(p string) bool { return strings.HasPrefix(p, who+": ") && strings.Contains(p, text) })
	return n - len(b.problems)
}

var statusInLog = regexp.MustCompile(`status of (\d{3})`)

// user opens a new browser context for one person, watching its console
// and its network.
func (b *browser) user(who string) context.Context {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("%s: open a tab: %v", who, err)
	}
	// The listener runs in the tab's message loop: it only records, and
	// answers dialogs from another goroutine.
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				b.problem(who, "console.%s: %s", e.Type, strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			b.problem(who, "uncaught exception at %s:%d: %s", d.URL, d.LineNumber, msg)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level != cdplog.EntryLevelError {
				return
			}
			// The UI answers a refused form with its page and a 4xx
			// status (422, 403, 409) on purpose; the tests check those
			// pages. An asset that fails, a 5xx, or anything else (a
			// CSP violation) is a fault.
			if m := statusInLog.FindStringSubmatch(e.Entry.Text); m != nil && e.Entry.Source == cdplog.EntrySourceNetwork {
				code, _ := strconv.Atoi(m[1])
				if code < 500 && !strings.Contains(e.Entry.URL, "/static/") {
					return
				}
			}
			b.problem(who, "log %s: %s (%s)", e.Entry.Source, e.Entry.Text, e.Entry.URL)
		case *network.EventRequestWillBeSent:
			u := e.Request.URL
			if u != b.base && !strings.HasPrefix(u, b.base+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") && !strings.HasPrefix(u, "about:") {
				b.problem(who, "request leaves the server: %s", u)
			}
		case *page.EventJavascriptDialogOpening:
			go func() {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	})
	if err == nil {
		_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	}
	if err == nil {
		_, err = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	}
	if err == nil {
		_, err = chromedp.Call(ctx, runtime.Enable, cdp.Empty{})
	}
	if err != nil {
		b.t.Fatalf("%s: watch the tab: %v", who, err)
	}
	return ctx
}

// run runs actions with a deadline, failing the test with what was being
// done.
func (b *browser) run(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		b.shot(ctx, "failed-"+strings.ReplaceAll(what, " ", "_"))
		b.t.Fatalf("%s (at %s): %v", what, loc, err)
	}
}

// visit opens a page and waits for it to be loaded and its scripts run.
func (b *browser) visit(ctx context.Context, path string) {
	b.t.Helper()
	b.run(ctx, "visit "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// submit clicks sel and waits for the browser to arrive at path (the
// answer of a form post is a redirect), or at a path matching it when it
// starts with ^; it returns the path.
func (b *browser) submit(ctx context.Context, sel, path string) string {
	b.t.Helper()
	// A marker on the old document tells the new one apart, even at the
	// same path.
	b.run(ctx, "click "+sel, chromedp.Evaluate[chromedp.Void](`window.__old = true`), click(sel))
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		old, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__old === true`))
		if err == nil && !old {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return b.waitPath(ctx, path)
}

func (b *browser) waitPath(ctx context.Context, path string) string {
	b.t.Helper()
	var re *regexp.Regexp
	if strings.HasPrefix(path, "^") {
		re = regexp.MustCompile(path)
	}
	deadline := time.Now().Add(20 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + "|" + document.readyState`))
		if err == nil {
			var ready string
			got, ready, _ = strings.Cut(s, "|")
			if ready == "complete" && (got == path || re != nil && re.MatchString(got)) {
				return got
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.shot(ctx, "failed-wait"+strings.ReplaceAll(path, "/", "_"))
	b.t.Fatalf("did not arrive at %s (at %s)", path, got)
	return ""
}

func (b *browser) text(ctx context.Context, sel string) string {
	b.t.Helper()
	return strings.TrimSpace(b.eval(ctx, fmt.Sprintf(`(document.querySelector(%q) || {}).innerText || ""`, sel)))
}

func (b *browser) has(ctx context.Context, sel string) bool {
	b.t.Helper()
	return b.eval(ctx, fmt.Sprintf(`String(document.querySelectorAll(%q).length)`, sel)) != "0"
}

// eval evaluates a JavaScript expression whose value is a string.
func (b *browser) eval(ctx context.Context, expr string) string {
	b.t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(tctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return s
}

// until waits for a JavaScript condition to hold (an htmx swap, a poll).
func (b *browser) until(ctx context.Context, what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.shot(ctx, "failed-"+strings.ReplaceAll(what, " ", "_"))
	b.t.Fatalf("%s: %s never held", what, cond)
}

// shot saves a full-page PNG of what the browser shows.
func (b *browser) shot(ctx context.Context, name string) {
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

func fill(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), value)
}
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)
}
func typed(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SendKeys(chromedp.CSS(sel), value, chromedp.NodeVisible)
}

// cookie returns a cookie of the browser context (the session, to fetch a
// download the way the browser would).
func (b *browser) cookie(ctx context.Context, name string) string {
	b.t.Helper()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.base}})
	if err != nil {
		b.t.Fatalf("read cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// get fetches path with the browser's session, as a download link does.
func (b *browser) get(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequest("GET", b.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.AddCookie(&http.Cookie{Name: "th_session", Value: b.cookie(ctx, "th_session")})
	return http.DefaultClient.Do(req)
}

// tick makes sure a checkbox is ticked, clicking it if it is not.
func (b *browser) tick(ctx context.Context, sel string) {
	b.t.Helper()
	if b.eval(ctx, fmt.Sprintf(`String(document.querySelector(%q).checked)`, sel)) != "true" {
		b.run(ctx, "tick "+sel, click(sel))
	}
}

// axeSource is axe-core (MPL-2.0, testdata/axe-core-4.14.1), the
// accessibility checker, evaluated into pages through DevTools: the page's
// Content-Security-Policy does not apply there.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "axe-core-4.14.1", "axe.min.js"))
	return string(b), err
})

// accessibility runs axe's WCAG 2 A and AA rules on the page and returns
// its violations, "impact rule: first nodes" each.
func (b *browser) accessibility(ctx context.Context) []string {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		b.t.Fatalf("load axe: %v", err)
	}
	out := b.eval(ctx, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations.map(v => v.impact + " " + v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))))`)
	var violations []string
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		b.t.Fatalf("axe answered %q: %v", out, err)
	}
	return violations
}

// journeyAPI is the API side of a browser journey: calls that must answer
// as the journey expects, and accounts with the journeys' password.
type journeyAPI struct {
	t *testing.T
	a *instance
}

func (j journeyAPI) call(what, method, path, token string, body any, want int) map[string]any {
	j.t.Helper()
	code, out := j.a.call(j.t, method, path, token, body)
	if code != want {
		j.t.Fatalf("%s: %d %v", what, code, out)
	}
	return out
}

func (j journeyAPI) signIn(email string) string {
	j.t.Helper()
	return str(j.call("sign in "+email, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": journeyPassword}, 200), "token")
}

func (j journeyAPI) register(email, name, role string) string {
	j.t.Helper()
	return str(j.call("register "+email, "POST", "/api/v1/auth/register", "", map[string]any{"email": email, "password": journeyPassword, "name": name, "role": role}, 201), "token")
}

// officerAndOrg signs the bootstrap admin in, has it create a bureau
// officer, and registers an organisation (the fields of org added to a
// games studio in Nanshan) that the officer verifies. It returns the three
// accounts' tokens and the organisation as created.
func (j journeyAPI) officerAndOrg(org map[string]any) (admin, bureau, member string, created map[string]any) {
	j.t.Helper()
	admin = j.signIn("admin@example.com")
	j.call("create the officer", "POST", "/api/v1/admin/users", admin, map[string]any{"email": "officer@example.com", "password": journeyPassword,
		"name": "王审核", "role": "bureau"}, 201)
	bureau = j.signIn("officer@example.com")
	member = j.register("hr@studio.example", "陈招聘", "org")
	body := map[string]any{"name": "深圳星河数字娱乐科技有限公司", "kind": "enterprise", "district": "nanshan"}
	for k, v := range org {
		body[k] = v
	}
	created = j.call("register the organisation", "POST", "/api/v1/orgs", member, body, 201)
	j.call("verify it", "POST", "/api/v1/orgs/"+str(created, "id")+"/verify", bureau, map[string]any{"decision": "verified"}, 200)
	return admin, bureau, member, created
}

// signedIn is a new browser user with a session token and a language, at a
// phone's 390 px when phone is set.
func (b *browser) signedIn(who, token, lang string, phone bool) context.Context {
	b.t.Helper()
	ctx := b.user(who)
	if phone {
		b.run(ctx, "phone size", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	}
	host := strings.TrimPrefix(strings.TrimPrefix(b.base, "http://"), "https://")
	host, _, _ = strings.Cut(host, ":")
	for name, value := range map[string]string{"th_lang": lang, models.SessionCookie: token} {
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, Domain: host, Path: "/"}); err != nil {
			b.t.Fatalf("%s: cookie %s: %v", who, name, err)
		}
	}
	return ctx
}

// fits fails the test for whatever does not fit the page's width (a
// phone's, see phoneCheck).
func (b *browser) fits(ctx context.Context, what string) {
	b.t.Helper()
	var faults []string
	if err := json.Unmarshal([]byte(b.eval(ctx, phoneCheck)), &faults); err != nil {
		b.t.Fatal(err)
	}
	for _, f := range faults {
		b.t.Errorf("%s at 390px: %s", what, f)
	}
}

// startJourney starts the server of a browser journey, whose admin signs in
// with journeyPassword, with env added; it stops it when the test ends,
// after printing the server's errors if the test failed.
func startJourney(t *testing.T, env map[string]string) *instance {
	t.Helper()
	// A request's deadline far beyond the 10 s default: an image's upload
	// under the race detector on a busy machine may take that long, and the
	// journeys test what people get, not how fast.
	all := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": journeyPassword,
		"REQUEST_TIMEOUT": "2m"}
	maps.Copy(all, env)
	a := start(t, all)
	t.Cleanup(func() { a.stop(t) })
	t.Cleanup(func() { serverErrors(t, a) })
	return a
}
