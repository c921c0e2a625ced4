package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/scripts/seed"
)

// savedQueries makes n saved talent searches from the values of the
// profiles (so that many match something): words, skills, districts,
// industries, levels, years, alone and together.
func savedQueries(r *rand.Rand, docs []*models.Talent, n int) []string {
	words := []string{"原画", "UE", "动画", "concept art", "游戏", "设计", "3D", "剪辑", "\"角色原画\"", "原画 -UE"}
	var out []string
	for range n {
		t := docs[r.IntN(len(docs))]
		v := url.Values{}
		if r.IntN(2) == 0 {
			v.Set("q", words[r.IntN(len(words))])
		}
		if r.IntN(3) == 0 && len(t.Skills) > 0 {
			v.Set("skills", t.Skills[r.IntN(len(t.Skills))])
		}
		if r.IntN(3) == 0 && t.District != "" {
			v.Set("district", t.District)
		}
		if r.IntN(3) == 0 && len(t.Industries) > 0 {
			v.Set("industries", t.Industries[0])
		}
		if r.IntN(4) == 0 {
			v.Set("min_years", fmt.Sprint(r.IntN(8)))
		}
		if r.IntN(5) == 0 {
			v.Set("level", string(t.Level))
		}
		out = append(out, v.Encode())
	}
	return out
}

// TestPercolatorAgreesWithSearch: for generated profiles and saved
// searches, a profile matches a saved search by percolation exactly when
// the search itself finds it (the oracle is the real search on the index).
func TestPercolatorAgreesWithSearch(t *testing.T) {
	ctx := context.Background()
	ix := memIndex(t)
	gen := seed.New(7, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	var docs []*models.Talent
	for range 200 {
		d := gen.Talent(gen.ID())
		d.Version = 1
		d.Visibility = models.VisibilityPublic
		if err := ix.put(t, d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	r := rand.New(rand.NewPCG(7, 7))
	queries := savedQueries(r, docs, 80)
	// What the search finds, per saved search.
	found := make([]map[string]bool, len(queries))
	matched := 0
	for i, raw := range queries {
		ts, _, err := models.ParseSavedQuery(models.SavedTalents, raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		ts.Visibility = []models.Visibility{models.VisibilityPublic}
		found[i] = map[string]bool{}
		for page := 1; ; page++ {
			ts.Page = models.Page{Page: page, PerPage: 100}
			res, err := ix.SearchTalents(ctx, *ts)
			if err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			for _, h := range res.Hits {
				found[i][h.ID] = true
			}
			if page*100 >= res.Total {
				break
			}
		}
		if len(found[i]) > 0 {
			matched++
		}
	}
	if matched < len(queries)/4 {
		t.Fatalf("only %d of %d saved searches find anything: the test proves little", matched, len(queries))
	}
	p, err := ix.NewPercolator()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, d := range docs {
		got, err := p.Match(ctx, d, models.SavedTalents, queries)
		if err != nil {
			t.Fatal(err)
		}
		for i := range queries {
			if got[i] != found[i][d.ID] {
				t.Errorf("profile %s, saved search %q: percolator %v, search %v", d.ID, queries[i], got[i], found[i][d.ID])
			}
		}
	}
	if p.fallbacks != 0 {
		t.Errorf("%d evaluations fell back to the memory index", p.fallbacks)
	}
	// A query that no longer parses matches nothing; a project cannot be
	// matched against talent searches.
	if got, err := p.Match(ctx, docs[0], models.SavedTalents, []string{"min_years=old", "bogus=1"}); err != nil || got[0] || got[1] {
		t.Errorf("unparsable stored searches: %v %v", got, err)
	}
	if _, err := p.Match(ctx, &models.Project{ID: hex24(1)}, models.SavedTalents, queries[:1]); err == nil {
		t.Error("a project matched against talent searches")
	}
}

// BenchmarkPercolate: one profile write evaluated against 1,000 saved
// searches (the alerts' work for one write), with the p99 of the
// evaluations. The memory index holds the one profile, so the index's
// size (100,000 profiles or ten) does not enter.
//
//	go test -run '^$' -bench Percolate -benchtime 200x ./search
func BenchmarkPercolate(b *testing.B) {
	ctx := context.Background()
	ix := memIndex(b)
	gen := seed.New(9, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	docs := make([]*models.Talent, 500)
	for i := range docs {
		docs[i] = gen.Talent(gen.ID())
		docs[i].Version = 1
	}
	queries := savedQueries(rand.New(rand.NewPCG(9, 9)), docs, 1000)
	for _, c := range []struct {
		name     string
		viaIndex bool
	}{{"terms", false}, {"memory-index", true}} {
		b.Run(c.name, func(b *testing.B) {
			p, err := ix.NewPercolator()
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			p.viaIndex = c.viaIndex
			// The queries are built once, as the notifier keeps them.
			if _, err := p.Match(ctx, docs[0], models.SavedTalents, queries); err != nil {
				b.Fatal(err)
			}
			took := make([]time.Duration, 0, b.N)
			matches := 0
			b.ResetTimer()
			for i := range b.N {
				t0 := time.Now()
				got, err := p.Match(ctx, docs[i%len(docs)], models.SavedTalents, queries)
				if err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
				matches += len(slices.DeleteFunc(got, func(m bool) bool { return !m }))
			}
			b.StopTimer()
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(matches)/float64(b.N), "matches/write")
		})
	}
}
