package search

import (
	"context"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/scripts/seed"
)

// BenchmarkIndexTalents measures the analysis and indexing of generated
// profiles alone, without a database: the ceiling of a rebuild.
//
//	go test -run '^$' -bench IndexTalents -benchtime 20000x ./search
func BenchmarkIndexTalents(b *testing.B) {
	ctx := context.Background()
	ix, err := Open(ctx, Options{Dir: b.TempDir() + "/index"})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	gen := seed.New(1, time.Now())
	docs := make([]*models.Talent, b.N)
	for i := range docs {
		docs[i] = gen.Talent(gen.ID())
		docs[i].Version = 1
	}
	bt := ix.newBatch()
	t0 := time.Now()
	b.ResetTimer()
	for i := range b.N {
		if err := ix.index(bt, docs[i]); err != nil {
			b.Fatal(err)
		}
		if bt.Size() >= batchSize {
			if err := ix.commit(bt); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := ix.commit(bt); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "docs/s")
}

// BenchmarkExactTotals measures what exact totals and stable pages cost:
// every search's sort ends with the id since 2026-11-30, so Bleve visits
// every match instead of stopping at the first page when nothing is
// scored (the old "early stop" gave the page size as the total of a
// search without words once its facets were cached, and pages whose order
// moved when segments merged). Both request shapes run on one index of
// generated profiles in the same run; facets are left out (cached, or
// kept counts for the browse), as on a warm search.
//
//	go test -run '^$' -bench ExactTotals -benchtime 200x ./search
func BenchmarkExactTotals(b *testing.B) {
	ctx := context.Background()
	ix, err := Open(ctx, Options{Dir: b.TempDir() + "/index"})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	const n = 100_000
	gen := seed.New(1, time.Now())
	docs := make([]any, 0, n)
	for range n {
		t := gen.Talent(gen.ID())
		t.Version = 1
		docs = append(docs, t)
	}
	t0 := time.Now()
	if err := ix.Add(ctx, docs); err != nil {
		b.Fatal(err)
	}
	b.Logf("indexed %d profiles in %s", n, time.Since(t0).Round(time.Second))
	vis := filter(nil, "visibility", []string{"public", "orgs"})
	avail := query.NewBoolFieldQuery(true)
	avail.SetField("available")
	filtered := append(filter(append([]query.Query{}, vis...), "district", []string{"nanshan", "futian"}), avail)
	p, err := ParseText("原画")
	if err != nil {
		b.Fatal(err)
	}
	tq, _, err := ix.textQuery(models.CollTalents, p, nil)
	if err != nil {
		b.Fatal(err)
	}
	word := append(append([]query.Query{}, vis...), tq)
	for _, c := range []struct {
		name   string
		must   []query.Query
		scored bool
	}{{"browse", vis, false}, {"filters", filtered, false}, {"word", word, true}} {
		for _, v := range []struct {
			name string
			sort []string
		}{{"early-stop", []string{"-_score"}}, {"exact", []string{"-_score", "_id"}}} {
			b.Run(c.name+"/"+v.name, func(b *testing.B) {
				var total uint64
				for range b.N {
					req := bleve.NewSearchRequestOptions(query.NewBooleanQuery(c.must, nil, nil), 20, 20, false)
					req.Fields = []string{"version"}
					req.SortBy(v.sort)
					if !c.scored {
						req.Score = bleve.ScoreNone
					}
					res, err := ix.bi.SearchInContext(ctx, req)
					if err != nil {
						b.Fatal(err)
					}
					total = res.Total
				}
				b.ReportMetric(float64(total), "total")
			})
		}
	}
}

// BenchmarkSynonymPairs measures an accepted mined pair applied when the
// query is built (mined.go) against the same pair in the synonym table,
// applied when text is indexed: a search for one word of a group of two,
// on 20,000 generated profiles; the table's way also costs a rebuild of the
// index when the pair is accepted (BenchmarkIndexTalents: the documents per
// second of a rebuild).
//
//	go test -run '^$' -bench SynonymPairs -benchtime 300x ./search
func BenchmarkSynonymPairs(b *testing.B) {
	ctx := context.Background()
	const n = 20_000
	gen := seed.New(1, time.Now())
	var docs []any
	for range n {
		t := gen.Talent(gen.ID())
		t.Version = 1
		docs = append(docs, t)
	}
	ix, err := Open(ctx, Options{Dir: b.TempDir() + "/index"})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Add(ctx, docs); err != nil {
		b.Fatal(err)
	}
	q := models.TalentSearch{Q: "剪辑", Visibility: []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}, Page: models.Page{Page: 1, PerPage: 20}}
	run := func(b *testing.B) {
		var total int
		for b.Loop() {
			ix.ResetFacetCache()
			p, err := ix.SearchTalents(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			total = p.Total
		}
		b.ReportMetric(float64(total), "matches")
	}
	b.Run("no-pair", run)
	if err := ix.UseSynonymPairs([]models.SynonymPair{{A: "剪辑", B: "video editing"}}); err != nil {
		b.Fatal(err)
	}
	b.Run("pair-at-query-time", run)
}
