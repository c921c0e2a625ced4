// Command loadgen sends a bounded, fixed-rate mix of requests to a local
// talenthub filled by `talenthub seed`, then prints latencies, errors and
// the server's memory:
//
//	go run . seed --talents 100000          # once, server stopped
//	go run . &                              # the server
//	go run ./scripts/loadgen -clients 50 -rate 250 -duration 60s -creators 100000 -orgs 2000
//
// It exits with status 1 when any request failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/szdc/talenthub/scripts/load"
)

func main() {
	var cfg load.Config
	flag.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "talenthub on a loopback address")
	flag.IntVar(&cfg.Clients, "clients", 50, fmt.Sprintf("concurrent clients (at most %d)", load.MaxClients))
	flag.Float64Var(&cfg.Rate, "rate", 250, "requests per second from all clients together")
	flag.DurationVar(&cfg.Duration, "duration", 60*time.Second, "how long to send")
	flag.IntVar(&cfg.Creators, "creators", 1000, "seeded creators (the seed's --talents)")
	flag.IntVar(&cfg.Orgs, "orgs", 20, "seeded organisations (the seed prints how many)")
	flag.StringVar(&cfg.Mix, "mix", "all", "all (browse, search, match, apply, move, verify), search (searches only), "+
		"views (the bureau: 45% searches, 40% profile views, 15% targets) or views-org (the same by organisations)")
	flag.Uint64Var(&cfg.Seed, "seed", 0, "random seed of the request mix (0: from the clock, printed)")
	flag.Parse()
	if cfg.Seed == 0 {
		// Another mix each run by default: a repeated mix would apply to
		// the same projects again and meet only "already applied".
		cfg.Seed = uint64(time.Now().UnixNano())
	}
	fmt.Printf("load: %d clients, %.0f requests/s, %s, seed %d\n", cfg.Clients, cfg.Rate, cfg.Duration, cfg.Seed)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := load.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Print(rep)
	if rep.Errors > 0 {
		os.Exit(1)
	}
}
