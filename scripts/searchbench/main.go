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
var classes = []struct {
	class, q string
	filters  bool // the district, available and at least 3 years (scripts/load's "filter talents")
	projects bool // a search of projects, not profiles
}{
	{"word", "原画", false, false},
	{"word, a third of the profiles", "游戏", false, false},
	{"two words", "角色 设计", false, false},
	{"English words", "concept art", false, false},
	{"cross-language", "animator", false, false},
	{"phrase", `"角色设计"`, false, false},
	{"English phrase", `"concept art"`, false, false},
	{"abbreviation", "UE5", false, false},
	{"tool with symbols", "C#", false, false},
	{"exclusion", "原画 -Procreate", false, false},
	{"typo", "Photoshp", false, false},
	{"typo", "Houdni", false, false},
	{"typo beside a word", "Photoshp retoucher", false, false},
	{"typo beside a word", "Maya animatr", false, false},
	{"typo, letters swapped", "Untiy", false, false},
	{"pinyin", "zhouyutong", false, false},
	{"pinyin initials", "zyt", false, false},
	{"tool listed by many", "Maya", false, false},
	{"name in characters", "周", false, false},
	{"partial (no profile has every word)", "电竞 原画", false, false},
	{"filters only", "", true, false},
	{"word and filters", "原画", true, false},
	{"projects: word", "原画", false, true},
	{"projects: two words", "游戏 策划", false, true},
}

func main() {
	data := flag.String("data", "./data", "the data directory (its index/ is opened)")
	reps := flag.Int("reps", 30, "searches per query after the warm one")
	only := flag.String("only", "", "run only the queries whose class contains this text")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the timed searches to this file")
	cold := flag.Bool("cold", false, "forget the kept facets before each timed search, so that each counts its own")
	as := flag.String("as", "bureau", "whose profile searches: bureau (every profile), org (public and organisations') or public")
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
	vis, ok := map[string][]models.Visibility{
		"bureau": {models.VisibilityPublic, models.VisibilityOrgs, models.VisibilityPrivate},
		"org":    {models.VisibilityPublic, models.VisibilityOrgs},
		"public": {models.VisibilityPublic},
	}[*as]
	if !ok {
		fmt.Fprintln(os.Stderr, "-as must be bureau, org or public")
		os.Exit(2)
	}
	fmt.Println("| class | query | matches | p50 | p99 | max |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	for _, c := range classes {
		if !strings.Contains(c.class, *only) {
			continue
		}
		q := models.TalentSearch{Q: c.q, Visibility: vis, Page: models.Page{Page: 1, PerPage: 20}}
		if c.filters {
			yes, three := true, 3
			q.District, q.Available, q.MinYears = []string{"nanshan"}, &yes, &three
		}
		run := func() (*models.SearchPage, error) {
			if c.projects {
				return ix.SearchProjects(ctx, models.ProjectSearch{Q: c.q, Page: q.Page})
			}
			return ix.SearchTalents(ctx, q)
		}
		first, err := run()
		if err != nil {
			fmt.Printf("| %s | `%s` | error: %v | | | |\n", c.class, c.q, err)
			continue
		}
		// A search too large to count its facets in the request has them
		// counted in the background: the timed searches start once they
		// are kept, as a repeated query's are.
		for p := first; p.FacetsPending; {
			time.Sleep(50 * time.Millisecond)
			if p, err = run(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		var ds []time.Duration
		for range *reps {
			if *cold {
				ix.ResetFacetCache()
			}
			t0 := time.Now()
			if _, err := run(); err != nil {
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
