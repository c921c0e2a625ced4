package search

import (
	"context"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
	started, release, _ := holdCounts(ix)
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
// begins, and begun says how many have. A failing test's deferred release
// lets the counter go.
func holdCounts(ix *Index) (started <-chan struct{}, release func(), begun *atomic.Int32) {
	ch, held := make(chan struct{}, 1), make(chan struct{})
	begun = new(atomic.Int32)
	ix.counter.hook = func() {
		begun.Add(1)
		select {
		case ch <- struct{}{}:
		default:
		}
		<-held
	}
	var once sync.Once
	return ch, func() { once.Do(func() { close(held) }) }, begun
}

// TestClosingDropsDeferredCounts: an index closed while one count runs
// and two wait closes; the two are never begun, and no search's key is
// left waiting for a count.
func TestClosingDropsDeferredCounts(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, Options{FacetsDeferFrom: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		tl := &models.Talent{ID: hex24(i), OwnerID: hex24(i), Name: "P", Headline: "原画师 动画师 插画师", District: "nanshan",
			Visibility: models.VisibilityPublic, Version: 1}
		ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	}
	started, release, begun := holdCounts(ix)
	defer release()
	for _, q := range []string{"原画", "动画", "插画"} {
		p, err := ix.SearchTalents(ctx, models.TalentSearch{Q: q, Visibility: []models.Visibility{models.VisibilityPublic},
			Page: models.Page{Page: 1, PerPage: 5}})
		if err != nil || !p.FacetsPending {
			t.Fatalf("%q: %v, pending %v", q, err, p != nil && p.FacetsPending)
		}
	}
	if st := ix.FacetCacheStats(); st.Deferred != 3 {
		t.Fatalf("%d counts deferred, want 3", st.Deferred)
	}
	<-started
	closed := make(chan error)
	go func() { closed <- ix.Close() }()
	for { // until Close has stopped the counter (a guard, not a time limit)
		ix.counter.mu.Lock()
		stopped := ix.counter.closed
		ix.counter.mu.Unlock()
		if stopped {
			break
		}
		time.Sleep(time.Millisecond)
	}
	release()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if n := begun.Load(); n != 1 {
		t.Fatalf("%d counts begun, want only the one under way at close", n)
	}
	ix.counter.mu.Lock()
	waiting, running := len(ix.counter.jobs), ix.counter.running
	ix.counter.mu.Unlock()
	ix.facetCache.mu.Lock()
	flights := len(ix.facetCache.flights)
	ix.facetCache.mu.Unlock()
	if waiting != 0 || running || flights != 0 {
		t.Fatalf("after close: %d counts waiting, running %v, %d keys waiting for a count", waiting, running, flights)
	}
}
