// Command searchbench measures profile searches by class of query on the
// search index of a data directory, in-process (no HTTP, no database): each
// query once to warm it (its facets cached, as a repeated query's are),
// then -reps times, with the latencies of those. Stop the server first: it
// opens the index itself.
//
//	go run . seed --talents 100000 --seed 3     # or 1000000
//	go run ./scripts/searchbench -data ./data -reps 50
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
)

// classes are the query classes of the search-quality issue, with queries
// the seeded data answers.
var classes = []struct{ class, q string }{
	{"word", "原画"},
	{"word, a third of the profiles", "游戏"},
	{"two words", "角色 设计"},
	{"English words", "concept art"},
	{"cross-language", "animator"},
	{"phrase", `"角色设计"`},
	{"English phrase", `"concept art"`},
	{"abbreviation", "UE5"},
	{"tool with symbols", "C#"},
	{"exclusion", "原画 -Procreate"},
	{"typo", "Photoshp"},
	{"typo", "Houdni"},
	{"pinyin", "zhouyutong"},
	{"pinyin initials", "zyt"},
	{"tool listed by many", "Maya"},
	{"name in characters", "周"},
	{"partial (no profile has every word)", "电竞 原画"},
}

func main() {
	data := flag.String("data", "./data", "the data directory (its index/ is opened)")
	reps := flag.Int("reps", 30, "searches per query after the warm one")
	only := flag.String("only", "", "run only the queries whose class contains this text")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the timed searches to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	ix, err := search.Open(ctx, search.Options{Dir: *data + "/index", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer ix.Close()
	vis := []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs, models.VisibilityPrivate}
	fmt.Println("| class | query | matches | p50 | p99 | max |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	for _, c := range classes {
		if !strings.Contains(c.class, *only) {
			continue
		}
		q := models.TalentSearch{Q: c.q, Visibility: vis, Page: models.Page{Page: 1, PerPage: 20}}
		first, err := ix.SearchTalents(ctx, q)
		if err != nil {
			fmt.Printf("| %s | `%s` | error: %v | | | |\n", c.class, c.q, err)
			continue
		}
		var ds []time.Duration
		for range *reps {
			t0 := time.Now()
			if _, err := ix.SearchTalents(ctx, q); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			ds = append(ds, time.Since(t0))
		}
		slices.Sort(ds)
		at := func(p float64) string {
			return fmt.Sprintf("%.1f ms", float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds())/1000)
		}
		partial := ""
		if first.Partial {
			partial = " (partial)"
		}
		fmt.Printf("| %s | `%s` | %d%s | %s | %s | %s |\n", c.class, c.q, first.Total, partial, at(0.5), at(0.99), at(1))
	}
}
