// Command vegeta sends an open-loop load to a local talenthub filled by
// `talenthub seed`: requests leave at a fixed rate whatever the server
// does (vegeta's attacker starts another worker when every one is waiting
// for an answer, so no request waits for an earlier one's answer before it
// is sent), and each latency is timed from that send. scripts/loadgen
// instead waits for each answer before its client
// sends again, so a slow server slows the test down and the test never
// sees the queue (coordinated omission); this tool sees it.
//
//	go run . seed --talents 20000 --seed 7        # once, server stopped
//	go run . &                                     # the server
//	go run ./scripts/vegeta -as bureau -rate 200 -duration 60s
//
// The mix is the one of the overload issue: 45 % profile searches, 40 %
// profile views (GET /talents/{id}, which for the bureau reveals the
// contact), 15 % targets (/targets for the bureau; an organisation may not
// read them, so /progress, the same figures' public view). It reports, by
// class of request, what the server admitted (anything but a 503) and what
// it refused (503), each with its latencies. Loopback addresses only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/szdc/talenthub/scripts/load"
	"github.com/szdc/talenthub/scripts/seed"
)

// Bounds whatever the flags say.
const (
	maxRate     = 2000
	maxDuration = 10 * time.Minute
)

var words = []string{"原画", "动画", "三维建模", "虚幻引擎", "unity", "电竞", "特效", "UI设计", "短视频", "concept art",
	"animator", "动捕", "关卡设计", "二次元", "交互设计", "剪辑", "游戏策划", "技术美术"}

var districts = []string{"nanshan", "futian", "luohu", "baoan", "longgang", "longhua"}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "talenthub on a loopback address")
	as := flag.String("as", "bureau", "whose token: bureau (views reveal contact details) or org")
	rate := flag.Int("rate", 100, "requests per second, sent whatever the server does")
	duration := flag.Duration("duration", 60*time.Second, "how long to send")
	nIDs := flag.Int("profiles", 2000, "how many distinct profiles the views are drawn from (read by browsing first)")
	timeout := flag.Duration("timeout", 10*time.Second, "per request")
	seedN := flag.Uint64("seed", 1, "random seed of the request mix")
	flag.Parse()
	if err := run(*base, *as, *rate, *duration, *nIDs, *timeout, *seedN); err != nil {
		fmt.Fprintln(os.Stderr, "vegeta:", err)
		os.Exit(2)
	}
}

func run(base, as string, rate int, duration time.Duration, nIDs int, timeout time.Duration, seedN uint64) error {
	if u, err := url.Parse(base); err != nil || u.Scheme != "http" {
		return fmt.Errorf("-url must be an http URL, not %q", base)
	} else if err := load.CheckLoopback(u.Hostname()); err != nil {
		return err
	}
	switch {
	case rate < 1 || rate > maxRate:
		return fmt.Errorf("-rate must be 1..%d", maxRate)
	case duration <= 0 || duration > maxDuration:
		return fmt.Errorf("-duration must be in (0, %s]", maxDuration)
	case nIDs < 1 || nIDs > 100000:
		return errors.New("-profiles must be 1..100000")
	case as != "bureau" && as != "org":
		return errors.New("-as must be bureau or org")
	}
	base = strings.TrimRight(base, "/")
	ctx := context.Background()
	token, err := signIn(ctx, base, as)
	if err != nil {
		return err
	}
	ids, err := profiles(ctx, base, token, nIDs)
	if err != nil {
		return err
	}
	targets := "/api/v1/targets?year=2025"
	if as == "org" {
		targets = "/api/v1/progress?year=2025"
	}
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	rng := rand.New(rand.NewPCG(seedN, 7))
	var mu sync.Mutex
	// vegeta calls the targeter from its workers at once.
	targeter := func(t *vegeta.Target) error {
		mu.Lock()
		defer mu.Unlock()
		t.Method, t.Header = "GET", hdr
		switch n := rng.IntN(100); {
		case n < 30:
			t.URL = base + "/api/v1/talents?q=" + url.QueryEscape(words[rng.IntN(len(words))])
		case n < 45:
			t.URL = base + "/api/v1/talents?district=" + districts[rng.IntN(len(districts))] + "&available=true&min_years=3"
		case n < 85:
			t.URL = base + "/api/v1/talents/" + ids[rng.IntN(len(ids))]
		default:
			t.URL = base + targets
		}
		return nil
	}
	fmt.Printf("vegeta: as %s, %d req/s for %s, views over %d profiles, timeout %s\n", as, rate, duration, len(ids), timeout)
	atk := vegeta.NewAttacker(vegeta.Timeout(timeout), vegeta.KeepAlive(true))
	byClass := map[string]*class{}
	var all class
	for res := range atk.Attack(targeter, vegeta.Rate{Freq: rate, Per: time.Second}, duration, "overload") {
		name := classOf(res.URL)
		c := byClass[name]
		if c == nil {
			c = &class{name: name}
			byClass[name] = c
		}
		c.add(res)
		all.add(res)
	}
	all.name = "all"
	names := make([]string, 0, len(byClass))
	for n := range byClass {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Printf("%-10s %6s %6s %6s %9s %9s %9s %8s %10s %10s\n", "class", "sent", "admit", "503", "other err", "adm p50", "adm p99", "refused", "ref p50", "ref p99")
	for _, n := range append(names, "all") {
		c := &all
		if n != "all" {
			c = byClass[n]
		}
		c.print()
	}
	codes := map[string]int{}
	for _, c := range byClass {
		for k, v := range c.codes {
			codes[k] += v
		}
	}
	fmt.Printf("status codes: %v\n", codes)
	if len(all.errs) > 0 {
		fmt.Printf("first errors: %s\n", strings.Join(all.errs, "; "))
	}
	return nil
}

// class gathers the results of one class of request.
type class struct {
	name             string
	sent, otherErr   int
	admitted, refuse []time.Duration
	codes            map[string]int
	errs             []string
}

func (c *class) add(r *vegeta.Result) {
	if c.codes == nil {
		c.codes = map[string]int{}
	}
	c.sent++
	c.codes[strconv.Itoa(int(r.Code))]++
	switch {
	case r.Code == http.StatusServiceUnavailable:
		c.refuse = append(c.refuse, r.Latency)
	default:
		// Admitted, answered or not: a timeout (code 0) counts here with
		// the time it took to give up.
		c.admitted = append(c.admitted, r.Latency)
		if r.Code == 0 || r.Code >= 400 {
			c.otherErr++
			if len(c.errs) < 5 {
				c.errs = append(c.errs, fmt.Sprintf("%s %d %s", r.URL, r.Code, r.Error))
			}
		}
	}
}

func (c *class) print() {
	slices.Sort(c.admitted)
	slices.Sort(c.refuse)
	refused := 0.0
	if c.sent > 0 {
		refused = 100 * float64(len(c.refuse)) / float64(c.sent)
	}
	fmt.Printf("%-10s %6d %6d %6d %9d %9s %9s %7.1f%% %10s %10s\n", c.name, c.sent, len(c.admitted), len(c.refuse), c.otherErr,
		ms(load.Percentile(c.admitted, 50)), ms(load.Percentile(c.admitted, 99)), refused, ms(load.Percentile(c.refuse, 50)), ms(load.Percentile(c.refuse, 99)))
}

func classOf(u string) string {
	switch {
	case strings.Contains(u, "/targets") || strings.Contains(u, "/progress"):
		return "targets"
	case strings.Contains(u, "/talents?"):
		return "search"
	}
	return "view"
}

// ms is load.Millis but for "-" where a class had no request of the kind.
func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return load.Millis(d)
}

// signIn signs in the seeded bureau officer, or the member of the first
// seeded organisation whose searches are answered (a verified one).
func signIn(ctx context.Context, base, as string) (string, error) {
	for i := 1; i <= 50; i++ {
		email := seed.BureauEmail
		if as == "org" {
			email = seed.OrgEmail(i)
		}
		var auth struct {
			Token string `json:"token"`
		}
		if code, err := call(ctx, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": email, "password": seed.Password}, &auth); err != nil || code != 200 {
			return "", fmt.Errorf("signing in %s: %d %v (was the server seeded?)", email, code, err)
		}
		if as == "bureau" {
			return auth.Token, nil
		}
		if code, err := call(ctx, "GET", base+"/api/v1/talents?per_page=1", auth.Token, nil, nil); err == nil && code == 200 {
			return auth.Token, nil
		}
	}
	return "", errors.New("no seeded organisation among the first 50 may search profiles")
}

// profiles browses pages of profiles for n ids to view.
func profiles(ctx context.Context, base, token string, n int) ([]string, error) {
	var ids []string
	for page := 1; len(ids) < n; page++ {
		var list struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		code, err := call(ctx, "GET", base+"/api/v1/talents?per_page=100&page="+strconv.Itoa(page), token, nil, &list)
		if err != nil || code != 200 {
			return nil, fmt.Errorf("browsing profiles: %d %v", code, err)
		}
		if len(list.Items) == 0 {
			break
		}
		for _, it := range list.Items {
			ids = append(ids, it.ID)
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("no profile to view: was the server seeded?")
	}
	return ids[:min(n, len(ids))], nil
}

// call is load.JSON with the default client and a 30 s deadline, for the
// few requests before the attack (signing in, browsing profiles). load.JSON
// decodes out on any status below 300; every caller here rejects all but
// 200 before using out.
func call(ctx context.Context, method, u, token string, body, out any) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return load.JSON(ctx, http.DefaultClient, method, u, token, body, out)
}
