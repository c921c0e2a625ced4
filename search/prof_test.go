package search

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"os"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/scripts/seed"
)

// profIndex builds (once, in PROF_INDEX) an index of 100k generated profiles.
func profIndex(t testing.TB) *Index {
	dir := os.Getenv("PROF_INDEX")
	if dir == "" {
		t.Skip("set PROF_INDEX to a directory to run")
	}
	ctx := context.Background()
	if _, err := os.Stat(dir); err == nil {
		ix, err := Open(ctx, Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return ix
	}
	ix, err := Open(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	gen := seed.New(1, time.Now())
	b := ix.newBatch()
	for range 100_000 {
		tal := gen.Talent(gen.ID())
		tal.Version = 1
		if err := ix.index(b, tal); err != nil {
			t.Fatal(err)
		}
		if b.Size() >= 1000 {
			if err := ix.commit(b); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ix.commit(b); err != nil {
		t.Fatal(err)
	}
	return ix
}

func BenchmarkProfSearch(b *testing.B) {
	ix := profIndex(b)
	defer ix.Close()
	q := models.TalentSearch{Q: os.Getenv("PROF_Q"), Visibility: []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}, Page: models.Page{Page: 1, PerPage: 20}}
	cold := os.Getenv("PROF_COLD") != ""
	for b.Loop() {
		if cold {
			ix.ResetFacetCache()
		}
		if _, err := ix.SearchTalents(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProfAllIDs(b *testing.B) {
	ix := profIndex(b)
	defer ix.Close()
	p, _ := ParseText(os.Getenv("PROF_Q"))
	for b.Loop() {
		must := []query.Query{termQuery("visibility", "public")}
		if os.Getenv("PROF_Q") != "" {
			tq, _, _ := ix.textQuery(models.CollTalents, p)
			must = append(must, tq)
		}
		req := bleve.NewSearchRequestOptions(query.NewBooleanQuery(must, nil, nil), 100000, 0, false)
		req.SortBy([]string{"_id"})
		res, err := ix.bi.Search(req)
		if err != nil {
			b.Fatal(err)
		}
		_ = res
	}
}
