package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/scripts/seed"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store/storetest"
)

// searchClasses are the query classes measured, as GET /talents queries.
var searchClasses = []struct{ name, query string }{
	{"single-word", "q=" + url.QueryEscape("原画")},
	{"two-words", "q=" + url.QueryEscape("原画 角色设计")},
	{"english", "q=" + url.QueryEscape("unreal engine")},
	{"phrase", "q=" + url.QueryEscape(`"concept art"`)},
	{"filters", "district=nanshan&industries=games&available=true&min_years=3"},
	{"word+filters", "q=" + url.QueryEscape("动画师") + "&district=nanshan,futian&level=B,C"},
	{"facets-all", ""},
}

func toSearch(raw string) models.TalentSearch {
	v, _ := url.ParseQuery(raw)
	s := models.TalentSearch{Q: v.Get("q"), Visibility: []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}, Page: models.Page{Page: 1, PerPage: 20}}
	split := func(k string) []string {
		if v.Get(k) == "" {
			return nil
		}
		return slices.Collect(func(yield func(string) bool) {
			for _, x := range splitComma(v.Get(k)) {
				if !yield(x) {
					return
				}
			}
		})
	}
	s.District, s.Industries, s.Level = split("district"), split("industries"), split("level")
	if v.Get("available") == "true" {
		t := true
		s.Available = &t
	}
	if v.Get("min_years") != "" {
		n := 3
		s.MinYears = &n
	}
	return s
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

// BenchmarkSearchAt100k: 100,000 generated profiles in the embedded
// database, indexed from it (the rebuild rate is logged), then each query
// class over HTTP on loopback and in-process against the index, in one run,
// with the facet cache as it is (warm after the first request) and emptied
// before every request (cold-facets):
//
//	go test -run '^$' -bench SearchAt100k -benchtime 200x -v -timeout 60m ./server
func BenchmarkSearchAt100k(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	st := storetest.MustOpen(b)
	logger := slog.New(slog.DiscardHandler)
	gen := seed.New(1, time.Now())
	docs := make([]any, n)
	for i := range docs {
		docs[i] = gen.Talent(gen.ID())
	}
	t0 := time.Now()
	if err := st.BulkInsert(ctx, models.CollTalents, docs); err != nil {
		b.Fatal(err)
	}
	b.Logf("inserted %d profiles into the embedded database in %s (%.0f/s)", n, time.Since(t0).Round(time.Millisecond), n/time.Since(t0).Seconds())

	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	t0 = time.Now()
	ix, err := search.Open(ctx, search.Options{Dir: b.TempDir() + "/index", Source: st, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	took := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	b.Logf("index rebuilt from the database: %d profiles in %s (%.0f/s); heap after %.0f MiB (+%.0f MiB)",
		n, took.Round(time.Millisecond), n/took.Seconds(), float64(m1.HeapAlloc)/(1<<20), (float64(m1.HeapAlloc)-float64(m0.HeapAlloc))/(1<<20))

	svc := service.New(service.Config{Store: st, Index: ix, Logger: logger})
	addr, token := benchServer(b, st, svc, logger)
	base := addr + "/api/v1/talents?"
	client := &http.Client{}
	for _, c := range searchClasses {
		for _, cold := range []bool{false, true} {
			name := "http/" + c.name
			if cold {
				name += "/cold-facets"
			}
			b.Run(name, func(b *testing.B) {
				var lat []time.Duration
				for b.Loop() {
					if cold {
						ix.ResetFacetCache()
					}
					lat = append(lat, getOK(b, client, base+c.query, token))
				}
				reportLatency(b, lat)
			})
			name = "bleve/" + c.name
			if cold {
				name += "/cold-facets"
			}
			b.Run(name, func(b *testing.B) {
				q := toSearch(c.query)
				var lat []time.Duration
				total := 0
				for b.Loop() {
					if cold {
						ix.ResetFacetCache()
					}
					t0 := time.Now()
					p, err := ix.SearchTalents(ctx, q)
					if err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t0))
					total = p.Total
				}
				reportLatency(b, lat)
				b.ReportMetric(float64(total), "matches")
			})
		}
	}
}
