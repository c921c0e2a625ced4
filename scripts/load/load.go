// Package load is a bounded load generator for talenthub: a fixed number of
// clients, each signed in as a seeded creator, organisation member or bureau
// officer, send a mix of browse, search, match, apply, move and verify
// requests at a fixed total rate for a fixed time, then stop. It talks to
// loopback addresses only, so it cannot be pointed at someone else's
// server. It expects data from `talenthub seed` (its accounts and password).
package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/szdc/talenthub/scripts/seed"
)

// Limits keep the generator bounded whatever the flags say.
const (
	MaxClients  = 500
	MaxRate     = 5000
	MaxDuration = 30 * time.Minute
)

// Config says what load to send.
type Config struct {
	URL      string        // base URL of a talenthub on a loopback address
	Clients  int           // concurrent clients
	Rate     float64       // requests per second from all clients together
	Duration time.Duration // how long to send (0 with Requests: until they are sent)
	// Requests, if set, ends the run once every client has taken its share
	// of that many steps (a step sends one request, or a few: a move reads
	// the board first), or when Duration, if set, is over: with a seed and
	// no Duration, the same requests whatever the machine's speed.
	Requests int
	Creators int           // how many seeded creators exist (sign-ins are spread over them)
	Orgs     int           // how many seeded organisations exist
	Seed     uint64        // for the choice of requests
	Timeout  time.Duration // per request; 10s if zero
	// Mix is "all" (the default: browse, search, match, apply, move,
	// verify by creators, organisations and the bureau), "search"
	// (organisations searching profiles and projects only), or the
	// overload issue's: "views" (every client the bureau: 45 % profile
	// searches, 40 % profile views, which reveal the contact, 15 %
	// /targets) or "views-org" (the same by organisation members, with
	// /progress for /targets, which they may not read).
	Mix string
}

// CheckLoopback says whether host resolves to loopback addresses only, so
// that a load tool cannot be pointed at someone else's server. It is shared
// by this package and scripts/vegeta; each checks the URL's scheme itself
// (vegeta accepts http only, this package http and https).
func CheckLoopback(host string) error {
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return fmt.Errorf("cannot resolve %q", host)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("%s is not a loopback address; this tool only loads a local server", host)
		}
	}
	return nil
}

func (c *Config) check() error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("load: -url must be an http(s) URL, not %q", c.URL)
	}
	if err := CheckLoopback(u.Hostname()); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	switch {
	case c.Clients < 1 || c.Clients > MaxClients:
		return fmt.Errorf("load: clients must be 1..%d", MaxClients)
	case c.Rate <= 0 || c.Rate > MaxRate:
		return fmt.Errorf("load: rate must be in (0, %d] requests/s", MaxRate)
	case c.Requests < 0 || c.Duration < 0 || c.Duration == 0 && c.Requests == 0 || c.Duration > MaxDuration:
		return fmt.Errorf("load: duration must be in (0, %s], or 0 with a number of requests", MaxDuration)
	case c.Creators < 1 || c.Orgs < 1:
		return errors.New("load: say how many seeded creators and organisations there are")
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	switch c.Mix {
	case "":
		c.Mix = "all"
	case "all", "search", "views", "views-org":
	default:
		return fmt.Errorf("load: mix must be all, search, views or views-org, not %q", c.Mix)
	}
	return nil
}

// Op is one kind of request with its figures.
type Op struct {
	Name      string
	Count     int
	Errors    int // transport errors, timeouts, 5xx but 503 and unexpected 4xx
	Conflicts int // 409 the domain expects under concurrency (already applied, already decided)
	// Refused counts the 503 answers (the server's admission control,
	// or the database down); they count as errors too. The latencies
	// are of the other answers; RefusedP99 is of the refusals.
	Refused    int
	P50, P99   time.Duration
	Max        time.Duration
	RefusedP99 time.Duration
	lat, ref   []time.Duration
}

// Report is what a run measured.
type Report struct {
	Duration time.Duration
	// Steps is how many steps the clients took (each sends one request or
	// a few); with Requests and no Duration, every one of them.
	Steps        int
	Requests     int
	Errors       int
	Conflicts    int
	Refused      int
	P50, P99     time.Duration // of the answers but the refusals
	Max          time.Duration
	RefusedP99   time.Duration
	Ops          []*Op
	RSSStart     float64 // bytes, from the server's /metrics
	RSSPeak      float64
	FirstErrors  []string
	SignInFailed int
}

// Rate returns the requests per second achieved.
func (r *Report) Rate() float64 { return float64(r.Requests) / r.Duration.Seconds() }

func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d requests in %s (%.0f/s): %d errors (%d of them 503), %d expected conflicts; p50 %s, p99 %s, max %s (503s: p99 %s)\n",
		r.Requests, r.Duration.Round(time.Millisecond), r.Rate(), r.Errors, r.Refused, r.Conflicts, Millis(r.P50), Millis(r.P99), Millis(r.Max), Millis(r.RefusedP99))
	if r.RSSPeak > 0 {
		fmt.Fprintf(&b, "server RSS %.0f MiB at start, %.0f MiB at peak\n", r.RSSStart/(1<<20), r.RSSPeak/(1<<20))
	}
	fmt.Fprintf(&b, "%-22s %7s %6s %6s %6s %9s %9s %9s %9s\n", "request", "count", "errors", "409", "503", "p50", "p99", "max", "503 p99")
	for _, o := range r.Ops {
		fmt.Fprintf(&b, "%-22s %7d %6d %6d %6d %9s %9s %9s %9s\n", o.Name, o.Count, o.Errors, o.Conflicts, o.Refused, Millis(o.P50), Millis(o.P99), Millis(o.Max), Millis(o.RefusedP99))
	}
	for _, e := range r.FirstErrors {
		fmt.Fprintf(&b, "error: %s\n", e)
	}
	return b.String()
}

// Millis formats d in milliseconds to a tenth ("12.3ms"), the unit of both
// this package's report and scripts/vegeta's.
func Millis(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// words are what the clients search for.
var words = []string{"原画", "动画", "三维建模", "虚幻引擎", "unity", "电竞", "特效", "UI设计", "短视频", "concept art",
	"animator", "动捕", "关卡设计", "二次元", "交互设计", "剪辑", "游戏策划", "技术美术"}

var districts = []string{"nanshan", "futian", "luohu", "baoan", "longgang", "longhua"}

// client is one signed-in user.
type client struct {
	role    string // creator, org, bureau
	token   string
	userID  string
	orgID   string
	project []string // an org's own projects
	rng     *rand.Rand
}

type runner struct {
	cfg  Config
	http *http.Client
	mu   sync.Mutex
	ops  map[string]*Op
	errs []string
	// projects and profiles seen at sign-in, for creators to apply to
	// and organisations to look at
	projects, talents []string
}

// Run sends the load and reports what it measured.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, ops: map[string]*Op{},
		http: &http.Client{Timeout: cfg.Timeout, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients, MaxConnsPerHost: cfg.Clients}}}
	defer r.http.CloseIdleConnections()
	clients, failed, err := r.signIn(ctx)
	if err != nil {
		return nil, err
	}
	rep := &Report{SignInFailed: failed}
	rep.RSSStart = r.rss(ctx)
	rep.RSSPeak = rep.RSSStart

	runCtx, cancel := context.WithCancel(ctx)
	if cfg.Duration > 0 {
		cancel()
		runCtx, cancel = context.WithTimeout(ctx, cfg.Duration)
	}
	defer cancel()
	stopRSS := make(chan struct{})
	var rssWG sync.WaitGroup
	rssWG.Add(1)
	go func() {
		defer rssWG.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stopRSS:
				return
			case <-t.C:
				if v := r.rss(ctx); v > rep.RSSPeak {
					rep.RSSPeak = v
				}
			}
		}
	}()
	// Each client sends at rate/clients, at evenly spaced times (shifted
	// per client so that they do not fire together); a request that takes
	// longer than the interval delays only that client.
	interval := time.Duration(float64(time.Second) * float64(cfg.Clients) / cfg.Rate)
	start := time.Now()
	var wg sync.WaitGroup
	var steps atomic.Int64
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := start.Add(interval * time.Duration(i) / time.Duration(len(clients)))
			share := (cfg.Requests + len(clients) - 1) / len(clients)
			for sent := 0; cfg.Requests == 0 || sent < share; sent++ {
				select {
				case <-runCtx.Done():
					return
				case <-time.After(time.Until(next)):
				}
				r.step(runCtx, c)
				steps.Add(1)
				next = next.Add(interval)
			}
		}()
	}
	wg.Wait()
	rep.Duration, rep.Steps = time.Since(start), int(steps.Load())
	close(stopRSS)
	rssWG.Wait()

	var all, refused []time.Duration
	for _, o := range r.ops {
		slices.Sort(o.lat)
		slices.Sort(o.ref)
		o.P50, o.P99, o.Max, o.RefusedP99 = Percentile(o.lat, 50), Percentile(o.lat, 99), Percentile(o.lat, 100), Percentile(o.ref, 99)
		all = append(all, o.lat...)
		refused = append(refused, o.ref...)
		rep.Requests += o.Count
		rep.Errors += o.Errors
		rep.Conflicts += o.Conflicts
		rep.Refused += o.Refused
		rep.Ops = append(rep.Ops, o)
	}
	sort.Slice(rep.Ops, func(i, j int) bool { return rep.Ops[i].Name < rep.Ops[j].Name })
	slices.Sort(all)
	slices.Sort(refused)
	rep.P50, rep.P99, rep.Max, rep.RefusedP99 = Percentile(all, 50), Percentile(all, 99), Percentile(all, 100), Percentile(refused, 99)
	rep.FirstErrors = r.errs
	return rep, nil
}

// Percentile returns the p-th percentile (nearest rank) of sorted, which
// must be in ascending order; 0 when it is empty. p = 100 is the maximum.
// scripts/vegeta reports with it too, so both tools' figures compare.
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

// signIn signs the clients in: a tenth organisation members (at least
// one), one bureau officer, the rest creators.
func (r *runner) signIn(ctx context.Context) ([]*client, int, error) {
	rng := rand.New(rand.NewPCG(r.cfg.Seed, 1))
	nOrg := max(1, r.cfg.Clients/10)
	nBureau := 1
	if r.cfg.Clients < 3 {
		nBureau = 0
	}
	switch r.cfg.Mix {
	case "search", "views-org":
		nOrg, nBureau = r.cfg.Clients, 0
	case "views":
		nOrg, nBureau = 0, r.cfg.Clients
	}
	var out []*client
	failed := 0
	searcher := "" // views-org: every client is the member of one organisation that may search
	if r.cfg.Mix == "views-org" {
		for k := 1; k <= min(r.cfg.Orgs, 50) && searcher == ""; k++ {
			var auth struct {
				Token string `json:"token"`
			}
			if code, err := r.do(ctx, "POST", "/api/v1/auth/login", "", map[string]string{"email": seed.OrgEmail(k), "password": seed.Password}, &auth); err == nil && code == 200 {
				if code, err := r.do(ctx, "GET", "/api/v1/talents?per_page=1", auth.Token, nil, nil); err == nil && code == 200 {
					searcher = seed.OrgEmail(k)
				}
			}
		}
		if searcher == "" {
			return nil, 0, errors.New("load: no seeded organisation among the first 50 may search profiles")
		}
	}
	for i := range r.cfg.Clients {
		c := &client{role: "creator", rng: rand.New(rand.NewPCG(r.cfg.Seed, uint64(i)+2))}
		var email string
		switch {
		case i < nBureau:
			c.role, email = "bureau", seed.BureauEmail
		case i < nBureau+nOrg && searcher != "":
			c.role, email = "org", searcher
		case i < nBureau+nOrg:
			c.role, email = "org", seed.OrgEmail(1+rng.IntN(r.cfg.Orgs))
		default:
			email = seed.CreatorEmail(1 + rng.IntN(r.cfg.Creators))
		}
		var auth struct {
			Token string `json:"token"`
			User  struct {
				ID    string `json:"id"`
				OrgID string `json:"org_id"`
			} `json:"user"`
		}
		code, err := r.do(ctx, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": seed.Password}, &auth)
		if err != nil || code != 200 {
			// An organisation member of an unverified organisation
			// still signs in; a failure here means the data is not
			// what the flags say.
			failed++
			if failed > r.cfg.Clients/2 {
				return nil, failed, fmt.Errorf("load: sign-in fails (%s: %d %v); was the server seeded with at least %d creators and %d organisations?", email, code, err, r.cfg.Creators, r.cfg.Orgs)
			}
			continue
		}
		c.token, c.userID, c.orgID = auth.Token, auth.User.ID, auth.User.OrgID
		if c.role == "org" && c.orgID != "" {
			var list struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			if code, err := r.do(ctx, "GET", "/api/v1/projects?per_page=20&org_id="+c.orgID, c.token, nil, &list); err == nil && code == 200 {
				for _, p := range list.Items {
					c.project = append(c.project, p.ID)
				}
			}
		}
		out = append(out, c)
	}
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if len(out) > 0 {
		if code, err := r.do(ctx, "GET", "/api/v1/projects?per_page=100&status=open", out[len(out)-1].token, nil, &list); err == nil && code == 200 {
			for _, p := range list.Items {
				r.projects = append(r.projects, p.ID)
			}
		}
	}
	if len(out) == 0 {
		return nil, failed, errors.New("load: no client could sign in")
	}
	for _, c := range out {
		if c.role != "org" && !strings.HasPrefix(r.cfg.Mix, "views") {
			continue
		}
		// The views mixes read profiles from 20 pages of them (2,000),
		// as the overload issue's load did; the others from one.
		pages := 1
		if strings.HasPrefix(r.cfg.Mix, "views") {
			pages = 20
		}
		for page := 1; page <= pages; page++ {
			if code, err := r.do(ctx, "GET", "/api/v1/talents?per_page=100&page="+strconv.Itoa(page), c.token, nil, &list); err == nil && code == 200 {
				for _, t := range list.Items {
					r.talents = append(r.talents, t.ID)
				}
			}
		}
		break
	}
	return out, failed, nil
}

// step sends one request chosen by the client's role.
func (r *runner) step(ctx context.Context, c *client) {
	pick := func(xs []string) string { return xs[c.rng.IntN(len(xs))] }
	q := url.QueryEscape(pick(words))
	if strings.HasPrefix(r.cfg.Mix, "views") {
		// The overload issue's mix (the same as scripts/vegeta's).
		switch n := c.rng.IntN(100); {
		case n < 30:
			r.get(ctx, c, "search talents", "/api/v1/talents?q="+q)
		case n < 45:
			r.get(ctx, c, "filter talents", "/api/v1/talents?district="+pick(districts)+"&available=true&min_years=3")
		case n < 85 && len(r.talents) > 0:
			r.get(ctx, c, "view talent", "/api/v1/talents/"+pick(r.talents))
		case c.role == "bureau":
			r.get(ctx, c, "targets", "/api/v1/targets?year=2025")
		default:
			r.get(ctx, c, "progress", "/api/v1/progress?year=2025")
		}
		return
	}
	switch c.role {
	case "creator":
		switch n := c.rng.IntN(10); {
		case n < 4:
			r.get(ctx, c, "search projects", "/api/v1/projects?q="+q)
		case n < 6:
			r.get(ctx, c, "browse projects", "/api/v1/projects?district="+pick(districts)+"&page="+strconv.Itoa(1+c.rng.IntN(3)))
		case n < 8:
			r.get(ctx, c, "my matches", "/api/v1/talents/"+c.userID+"/matches")
		case n < 9:
			r.get(ctx, c, "my applications", "/api/v1/applications")
		default:
			if len(r.projects) == 0 {
				r.get(ctx, c, "search projects", "/api/v1/projects?q="+q)
				return
			}
			r.call(ctx, c, "apply", "POST", "/api/v1/projects/"+pick(r.projects)+"/applications", map[string]string{"message": "您好，我想申请。"}, 201, 409, 404)
		}
	case "org":
		if r.cfg.Mix == "search" {
			switch n := c.rng.IntN(10); {
			case n < 5:
				r.get(ctx, c, "search talents", "/api/v1/talents?q="+q)
			case n < 7:
				r.get(ctx, c, "filter talents", "/api/v1/talents?district="+pick(districts)+"&available=true&min_years=3")
			case n < 9:
				r.get(ctx, c, "search projects", "/api/v1/projects?q="+q)
			default:
				r.get(ctx, c, "browse talents", "/api/v1/talents?page="+strconv.Itoa(1+c.rng.IntN(5)))
			}
			return
		}
		switch n := c.rng.IntN(10); {
		case n < 4:
			r.get(ctx, c, "search talents", "/api/v1/talents?q="+q)
		case n < 6:
			r.get(ctx, c, "filter talents", "/api/v1/talents?district="+pick(districts)+"&available=true&min_years=3")
		case n < 8 && len(c.project) > 0:
			r.get(ctx, c, "project matches", "/api/v1/projects/"+pick(c.project)+"/matches")
		case n < 9 && len(c.project) > 0:
			var list struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			code, err := r.timed(ctx, c, "project pipeline", "GET", "/api/v1/applications?stage=applied&project_id="+pick(c.project), nil, &list, 200)
			if err == nil && code == 200 && len(list.Items) > 0 {
				r.call(ctx, c, "move application", "PATCH", "/api/v1/applications/"+list.Items[c.rng.IntN(len(list.Items))].ID,
					map[string]string{"stage": "shortlisted"}, 200, 409)
			}
		default:
			if len(r.talents) == 0 {
				r.get(ctx, c, "search talents", "/api/v1/talents?q="+q)
				return
			}
			r.get(ctx, c, "view talent", "/api/v1/talents/"+pick(r.talents))
		}
	case "bureau":
		switch n := c.rng.IntN(10); {
		case n < 3:
			r.get(ctx, c, "targets", "/api/v1/targets?year=2025")
		case n < 6:
			r.get(ctx, c, "stats", "/api/v1/stats/recruitment?year=2025&by="+pick([]string{"month", "district", "industry", "origin", "level"}))
		default:
			var list struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			code, err := r.timed(ctx, c, "verification queue", "GET", "/api/v1/recruitments?status=reported&per_page=20", nil, &list, 200)
			if err == nil && code == 200 && len(list.Items) > 0 {
				r.call(ctx, c, "verify recruitment", "POST", "/api/v1/recruitments/"+list.Items[c.rng.IntN(len(list.Items))].ID+"/verify",
					map[string]string{"decision": "verified", "reason": "核验通过"}, 200, 409)
			}
		}
	}
}

func (r *runner) get(ctx context.Context, c *client, name, path string) {
	_, _ = r.timed(ctx, c, name, "GET", path, nil, nil, 200)
}

func (r *runner) call(ctx context.Context, c *client, name, method, path string, body any, ok ...int) {
	_, _ = r.timed(ctx, c, name, method, path, body, nil, ok...)
}

// timed sends a request and records it; ok lists the expected statuses,
// the first being success and a 409 among them an expected conflict.
func (r *runner) timed(ctx context.Context, c *client, name, method, path string, body, out any, ok ...int) (int, error) {
	t0 := time.Now()
	code, err := r.do(ctx, method, path, c.token, body, out)
	el := time.Since(t0)
	if ctx.Err() != nil && err != nil {
		return code, err // the run ended while this one was in flight
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	o := r.ops[name]
	if o == nil {
		o = &Op{Name: name}
		r.ops[name] = o
	}
	o.Count++
	if err == nil && code == http.StatusServiceUnavailable {
		o.ref = append(o.ref, el)
		o.Refused++
	} else {
		o.lat = append(o.lat, el)
	}
	switch {
	case err != nil:
		o.Errors++
		r.note(fmt.Sprintf("%s %s: %v", method, path, err))
	case code == 409 && slices.Contains(ok, 409):
		o.Conflicts++
	case !slices.Contains(ok, code):
		o.Errors++
		r.note(fmt.Sprintf("%s %s: status %d", method, path, code))
	}
	return code, err
}

func (r *runner) note(s string) {
	if len(r.errs) < 10 {
		r.errs = append(r.errs, s)
	}
}

func (r *runner) do(ctx context.Context, method, path, token string, body, out any) (int, error) {
	return JSON(ctx, r.http, method, strings.TrimRight(r.cfg.URL, "/")+path, token, body, out)
}

// JSON sends a request with client, body (if not nil) as JSON and token (if
// not empty) as a bearer token, reads the whole answer and, if out is not
// nil and the status is below 300, decodes the answer into out. It returns
// the status (0 when no answer came). Shared by this package and
// scripts/vegeta, which sign in and browse the same API; a caller wanting a
// deadline puts it in ctx or client.
func JSON(ctx context.Context, client *http.Client, method, target, token string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, fmt.Errorf("bad JSON: %w", err)
		}
	}
	return res.StatusCode, nil
}

// rss reads the server's resident memory from its /metrics (served to
// loopback clients); 0 when it cannot.
func (r *runner) rss(ctx context.Context) float64 {
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimRight(r.cfg.URL, "/")+"/metrics", nil)
	if err != nil {
		return 0
	}
	res, err := r.http.Do(req)
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "process_resident_memory_bytes "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f
		}
	}
	return 0
}
