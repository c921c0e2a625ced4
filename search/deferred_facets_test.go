package search

import (
	"context"
	"maps"
	"sync"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestHugeSearchesCountTheirFacetsAside: a search matching at least
// FacetsDeferFrom documents whose facets are not kept answers at once
// without them (facets_pending), its count runs in the background, one at
// a time, and does not hold up another search; once counted, the same
// search has exact facets, which take in a write made while the count
// waited.
func TestHugeSearchesCountTheirFacetsAside(t *testing.T) {
	ctx := context.Background()
	ix := memIndex(t)
	ix.opts.FacetsDeferFrom = 20
	districts := []string{"nanshan", "futian", "baoan"}
	want := map[string]int{} // the districts of the concept artists, counted here
	put := func(i int, headline, district string) {
		tl := &models.Talent{ID: hex24(i), OwnerID: hex24(i), Name: "P", Headline: headline, District: district,
			Visibility: models.VisibilityPublic, Version: 1}
		ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	}
	for i := 1; i <= 30; i++ {
		d := districts[i%3]
		put(i, "原画师", d)
		want[d]++
	}
	for i := 31; i <= 40; i++ {
		put(i, "动画师", "luohu")
	}
	started, release := holdCounts(ix)
	defer release()
	search := func(q string) *models.SearchPage {
		t.Helper()
		p, err := ix.SearchTalents(ctx, models.TalentSearch{Q: q, Visibility: []models.Visibility{models.VisibilityPublic},
			Page: models.Page{Page: 1, PerPage: 5}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	districtsOf := func(p *models.SearchPage) map[string]int {
		out := map[string]int{}
		for _, c := range p.Facets["district"] {
			out[c.Key] = c.Count
		}
		return out
	}

	p := search("原画")
	if !p.FacetsPending || len(p.Facets) != 0 || p.Total != 30 || len(p.Hits) != 5 {
		t.Fatalf("the first search of 30 matches: pending %v, facets %v, total %d, %d hits; want pending, none, 30, 5",
			p.FacetsPending, p.Facets, p.Total, len(p.Hits))
	}
	<-started // the count is under way, held by the hook

	// Another search is answered meanwhile, its small count made at once.
	if p := search("动画"); p.FacetsPending || p.Total != 10 || districtsOf(p)["luohu"] != 10 {
		t.Fatalf("a search of 10 matches while the count waits: pending %v, total %d, districts %v", p.FacetsPending, p.Total, districtsOf(p))
	}
	// The same search again is not counted twice.
	if p := search("原画"); !p.FacetsPending {
		t.Fatal("the same search while its count waits has facets it cannot have")
	}
	// Nor does it wait for that count when it has become small enough to
	// be counted at once (here the limit moves; a write can do the same).
	ix.opts.FacetsDeferFrom = 100
	if p := search("原画"); !p.FacetsPending {
		t.Fatal("a search under the limit while its words' count waits did not say pending")
	}
	ix.opts.FacetsDeferFrom = 20
	// A write while the count waits: a concept artist moves to Luohu.
	mv := &models.Talent{ID: hex24(1), OwnerID: hex24(1), Name: "P", Headline: "原画师", District: "luohu",
		Visibility: models.VisibilityPublic, Version: 2}
	ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: mv.ID, Version: 2, Doc: mv})
	want[districts[1%3]]--
	want["luohu"]++

	release()
	ix.counter.settled()
	p = search("原画")
	if p.FacetsPending || !maps.Equal(districtsOf(p), want) {
		t.Fatalf("after the count: pending %v, districts %v, want %v", p.FacetsPending, districtsOf(p), want)
	}
	if st := ix.FacetCacheStats(); st.Deferred != 1 {
		t.Fatalf("%d counts deferred, want 1: %+v", st.Deferred, st)
	}

	// Never deferred: the same facets, counted in the request.
	ix.opts.FacetsDeferFrom = -1
	ix.ResetFacetCache()
	if q := search("原画"); q.FacetsPending || !maps.Equal(districtsOf(q), want) {
		t.Fatalf("counted in the request: pending %v, districts %v, want %v", q.FacetsPending, districtsOf(q), want)
	}
}

// holdCounts makes ix's background counter stop before each count until
// release is called (any number of times): started receives as a count
// begins. A failing test's deferred release lets the counter go.
func holdCounts(ix *Index) (started <-chan struct{}, release func()) {
	begun, held := make(chan struct{}, 1), make(chan struct{})
	ix.counter.hook = func() {
		select {
		case begun <- struct{}{}:
		default:
		}
		<-held
	}
	var once sync.Once
	return begun, func() { once.Do(func() { close(held) }) }
}

// TestClosingDropsDeferredCounts: an index closed while counts wait
// closes, and nothing counts after it.
func TestClosingDropsDeferredCounts(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, Options{FacetsDeferFrom: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		tl := &models.Talent{ID: hex24(i), OwnerID: hex24(i), Name: "P", Headline: "原画师", District: "nanshan",
			Visibility: models.VisibilityPublic, Version: 1}
		ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	}
	started, release := holdCounts(ix)
	for _, q := range []string{"原画", "原画师", "原画 原画师"} {
		p, err := ix.SearchTalents(ctx, models.TalentSearch{Q: q, Visibility: []models.Visibility{models.VisibilityPublic},
			Page: models.Page{Page: 1, PerPage: 5}})
		if err != nil || !p.FacetsPending {
			t.Fatalf("%q: %v, pending %v", q, err, p != nil && p.FacetsPending)
		}
	}
	<-started
	closed := make(chan error)
	go func() { closed <- ix.Close() }()
	release()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	ix.counter.mu.Lock()
	defer ix.counter.mu.Unlock()
	if len(ix.counter.jobs) != 0 || ix.counter.running {
		t.Fatalf("after close: %d counts waiting, running %v", len(ix.counter.jobs), ix.counter.running)
	}
}

// TestPartialSearchesDeferTheirFacetsToo: a search that no document
// matches in full answers with the documents matching some of its words;
// when they are many its facets are deferred as well, say so each time
// until counted (the second time from the kept sizes of the first), and are
// exact once counted.
func TestPartialSearchesDeferTheirFacetsToo(t *testing.T) {
	ctx := context.Background()
	ix := memIndex(t)
	ix.opts.FacetsDeferFrom = 20
	want := map[string]int{}
	for i := 1; i <= 40; i++ {
		headline, district := "原画师", []string{"nanshan", "futian"}[i%2]
		if i > 30 {
			headline, district = "动画师", "luohu"
		}
		want[district]++
		tl := &models.Talent{ID: hex24(i), OwnerID: hex24(i), Name: "P", Headline: headline, District: district,
			Visibility: models.VisibilityPublic, Version: 1}
		ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	}
	started, release := holdCounts(ix)
	defer release()
	search := func() *models.SearchPage {
		t.Helper()
		p, err := ix.SearchTalents(ctx, models.TalentSearch{Q: "原画 动画", Visibility: []models.Visibility{models.VisibilityPublic},
			Page: models.Page{Page: 1, PerPage: 5}})
		if err != nil {
			t.Fatal(err)
		}
		if !p.Partial || p.Total != 40 || len(p.Hits) != 5 {
			t.Fatalf("partial %v, total %d, %d hits; want partial, 40, 5", p.Partial, p.Total, len(p.Hits))
		}
		return p
	}
	if p := search(); !p.FacetsPending || len(p.Facets) != 0 {
		t.Fatalf("first: pending %v, facets %v", p.FacetsPending, p.Facets)
	}
	<-started
	if p := search(); !p.FacetsPending || len(p.Facets) != 0 {
		t.Fatalf("again while counting: pending %v, facets %v", p.FacetsPending, p.Facets)
	}
	release()
	ix.counter.settled()
	p := search()
	got := map[string]int{}
	for _, c := range p.Facets["district"] {
		got[c.Key] = c.Count
	}
	if p.FacetsPending || !maps.Equal(got, want) {
		t.Fatalf("after the count: pending %v, districts %v, want %v", p.FacetsPending, got, want)
	}
	if st := ix.FacetCacheStats(); st.Deferred != 1 {
		t.Fatalf("%d counts deferred, want 1", st.Deferred)
	}
}
