package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/scripts/seed"
)

// facetsOf is a search's district facet as a map.
func facetsOf(t *testing.T, ix *Index, q models.TalentSearch) map[string]int {
	t.Helper()
	p, err := ix.SearchTalents(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, f := range p.Facets["district"] {
		out[f.Key] = f.Count
	}
	return out
}

// addTalents indexes n generated profiles (version 1) in one batch.
func addTalents(t *testing.T, ix *Index, seedN uint64, n int) []*models.Talent {
	t.Helper()
	gen := seed.New(seedN, time.Now())
	var docs []any
	var talents []*models.Talent
	for range n {
		tl := gen.Talent(gen.ID())
		tl.Version = 1
		docs = append(docs, tl)
		talents = append(talents, tl)
	}
	if err := ix.Add(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return talents
}

// openAt opens the index in dir.
func openAt(t *testing.T, dir string) *Index {
	t.Helper()
	ix, err := Open(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestFacetsStayExact: the browse's kept counts and the cached facets of
// other searches equal what Bleve computes afresh, after creates, updates
// and deletes of profiles, and stay cached across writes to other
// collections.
func TestFacetsStayExact(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, Options{Dir: t.TempDir() + "/index"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	talents := addTalents(t, ix, 3, 300)
	gen := seed.New(4, time.Now())
	vis := []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}
	browse := models.TalentSearch{Visibility: vis, Page: models.Page{Page: 1, PerPage: 20}}
	avail := true
	filtered := models.TalentSearch{Visibility: vis, Available: &avail, Page: models.Page{Page: 1, PerPage: 20}}
	// fresh computes the same facets without the kept counts or the cache:
	// a filter that every profile passes turns the browse into a query.
	fresh := func(q models.TalentSearch) map[string]int {
		ix.ResetFacetCache()
		zero := 0
		q.MinYears = &zero
		return facetsOf(t, ix, q)
	}
	check := func(when string) {
		t.Helper()
		if got, want := facetsOf(t, ix, browse), fresh(browse); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: browse facets %v, computed afresh %v", when, got, want)
		}
		facetsOf(t, ix, filtered) // fills the cache
		if got, want := facetsOf(t, ix, filtered), fresh(filtered); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: cached facets %v, computed afresh %v", when, got, want)
		}
	}
	check("after indexing")

	facetsOf(t, ix, filtered)
	before := ix.generationOf(models.CollTalents).Load()
	app := &models.Application{ID: gen.ID(), ProjectID: gen.ID(), TalentID: talents[0].ID, Stage: models.StageApplied, Version: 1}
	ix.Observe(ctx, models.Change{Coll: models.CollApplications, ID: app.ID, Version: 1, Doc: app})
	if ix.generationOf(models.CollTalents).Load() != before {
		t.Error("indexing an application retired the cached facets of profile searches")
	}

	moved := *talents[1]
	moved.District, moved.Visibility, moved.Available, moved.Version = "pingshan", models.VisibilityPublic, true, 2
	ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: moved.ID, Version: 2, Doc: &moved})
	check("after moving a profile to another district")
	hidden := *talents[2]
	hidden.Visibility, hidden.Version = models.VisibilityPrivate, 2
	ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: hidden.ID, Version: 2, Doc: &hidden})
	check("after making a profile private")
	ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: talents[3].ID, Deleted: true})
	check("after deleting a profile")
}

// TestFacetValuesSurviveSegmentMerges: the kept counts read a document's
// old facet values back from the index when it changes. A field that one
// collection stores and another does not (an organisation's district) lost
// the stored values of the first when Bleve merged their segments, so a
// deleted profile left its district counted and a rebuild doubled every
// count (found by TestOracle).
func TestFacetValuesSurviveSegmentMerges(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, Options{Dir: t.TempDir() + "/index"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	tl := &models.Talent{ID: "6b0dae877dcb7f5ed2a368b9", OwnerID: "6b0dae877dcb7f5ed2a368b9", Name: "x", District: "futian",
		Skills: []string{"unity"}, Visibility: models.VisibilityOrgs, Version: 1}
	ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	for i := range 3 {
		o := &models.Org{ID: fmt.Sprintf("6b0dae877dcb7f5ed2a368c%d", i), Name: "org", Kind: "incubator", District: "luohu", Status: models.StatusPending, Version: 1}
		ix.Observe(ctx, models.Change{Coll: models.CollOrgs, ID: o.ID, Version: 1, Doc: o})
	}
	forceMerge(t, ix)
	row, err := ix.storedRow(models.CollTalents, tl.ID)
	if err != nil {
		t.Fatal(err)
	}
	if row == nil || fmt.Sprint(row.values["district"]) != "[futian]" {
		t.Fatalf("after a merge the profile's stored facet values are %+v", row)
	}
	ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 2, Deleted: true})
	vis := []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}
	if got := facetsOf(t, ix, models.TalentSearch{Visibility: vis, Page: models.Page{Page: 1, PerPage: 3}}); len(got) != 0 {
		t.Fatalf("the deleted profile still counts in the browse facets: %v", got)
	}
}

// TestCachedFacetsStayExactAcrossWrites: a seeded sequence of creates,
// edits (words, district, skills, visibility) and deletes, one by one and in
// batches, with four searches of different kinds asked after every step.
// Their cached facets are kept through the writes rather than counted again
// (one count each for the whole sequence, within maintainAlways), and equal at every step what a
// second index, fed the same writes and counting afresh every time, says.
func TestCachedFacetsStayExactAcrossWrites(t *testing.T) {
	ix := openOnDisk(t)
	counted := facetSequence(t, ix)
	st := ix.FacetCacheStats()
	if st.Misses != counted || st.Dropped != 0 || st.Maintained == 0 || st.Deferred != 0 {
		t.Fatalf("the cached facets were not kept through the writes: %+v", st)
	}
}

// TestDeferredFacetsStayExactAcrossWrites: the same sequence with every
// search of more than a few matches deferring its facets: an answer that
// says pending has the exact total and hits, and once the background count
// is done the same search has the facets a fresh count gives, whatever
// writes came between.
func TestDeferredFacetsStayExactAcrossWrites(t *testing.T) {
	ix := openOnDisk(t)
	ix.opts.FacetsDeferFrom = 15
	facetSequence(t, ix)
	if st := ix.FacetCacheStats(); st.Deferred == 0 {
		t.Fatalf("no count was deferred: %+v", st)
	}
}

// facetSequence runs a seeded sequence of writes on ix and on a second
// index that counts afresh at every step, checks after each step that four
// searches answer the same on both (a pending answer the same total and
// hits, then, once the count is done, the same facets), and returns how
// many facet counts ix made after the first step.
func facetSequence(t *testing.T, ix *Index) uint64 {
	t.Helper()
	ctx := context.Background()
	fresh, err := Open(ctx, Options{FacetsDeferFrom: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	gen := seed.New(5, time.Now())
	rng := rand.New(rand.NewPCG(5, 0))
	var talents []*models.Talent
	write := func(changes ...models.Change) {
		t.Helper()
		if len(changes) == 1 {
			ix.Observe(ctx, changes[0])
			fresh.Observe(ctx, changes[0])
			return
		}
		var docs []models.FeedDoc
		for _, c := range changes {
			docs = append(docs, models.FeedDoc{Coll: c.Coll, ID: c.ID, Doc: c.Doc})
		}
		for _, x := range []*Index{ix, fresh} {
			if err := (*indexApplier)(x).Apply(ctx, docs, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	add := func() models.Change {
		tl := gen.Talent(gen.ID())
		tl.Version = 1
		talents = append(talents, tl)
		return models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl}
	}
	var initial []models.Change
	for range 200 {
		initial = append(initial, add())
	}
	write(initial...)

	vis := []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}
	page := models.Page{Page: 1, PerPage: 5}
	avail := true
	queries := []models.TalentSearch{
		{Q: "原画", Visibility: vis, Page: page},
		{Q: "动画 -unity", Visibility: vis, Page: page},
		{District: []string{"nanshan", "futian"}, Available: &avail, Visibility: vis, Page: page},
		{Q: "游戏 特效", Industries: []string{"games"}, Visibility: []models.Visibility{models.VisibilityPublic}, Page: page},
	}
	check := func(step string) {
		t.Helper()
		for _, q := range queries {
			got, err := ix.SearchTalents(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			fresh.ResetFacetCache()
			want, err := fresh.SearchTalents(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got.FacetsPending {
				if got.Total != want.Total || fmt.Sprint(got.Hits) != fmt.Sprint(want.Hits) || len(got.Facets) != 0 {
					t.Fatalf("%s, search %+v, pending: total %d hits %v facets %v; counted afresh: total %d hits %v",
						step, q, got.Total, got.Hits, got.Facets, want.Total, want.Hits)
				}
				ix.counter.settled()
				if got, err = ix.SearchTalents(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			if got.FacetsPending || fmt.Sprint(got.Facets) != fmt.Sprint(want.Facets) || got.Total != want.Total {
				t.Fatalf("%s, search %+v: total %d facets %v; counted afresh: total %d facets %v", step, q, got.Total, got.Facets, want.Total, want.Facets)
			}
		}
	}
	check("at the start")
	counted := ix.FacetCacheStats().Misses // a search with no full match counts its partial one too
	districts := []string{"nanshan", "futian", "baoan", "longgang"}
	words := []string{"原画师", "动画师", "unity 特效", "游戏美术", "三维建模"}
	for step := range 120 {
		edit := func() models.Change {
			old := talents[rng.IntN(len(talents))]
			tl := *old
			tl.Version++
			switch rng.IntN(4) {
			case 0:
				tl.District = districts[rng.IntN(len(districts))]
			case 1:
				tl.Headline = words[rng.IntN(len(words))]
				tl.Skills = append(slices.Clip(tl.Skills), "Houdini")
			case 2:
				tl.Visibility = []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs, models.VisibilityPrivate}[rng.IntN(3)]
			default:
				tl.Available = !tl.Available
			}
			*old = tl
			return models.Change{Coll: models.CollTalents, ID: tl.ID, Version: tl.Version, Doc: &tl}
		}
		remove := func() models.Change {
			i := rng.IntN(len(talents))
			tl := talents[i]
			talents = slices.Delete(talents, i, i+1)
			return models.Change{Coll: models.CollTalents, ID: tl.ID, Version: tl.Version + 1, Deleted: true}
		}
		switch n := rng.IntN(10); {
		case n < 2:
			write(add())
		case n < 7:
			write(edit())
		case n < 8:
			write(remove())
		default:
			write(edit(), edit(), add(), remove())
		}
		check(fmt.Sprintf("after step %d", step))
	}
	return counted
}

// TestCachedFacetsOutliveACleanRestart: the facets cached before a clean
// stop answer the first searches after the start; after a stop that was not
// clean they are counted again.
func TestCachedFacetsOutliveACleanRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir() + "/index"
	ix := openAt(t, dir)
	talents := addTalents(t, ix, 8, 100)
	vis := []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}
	q := models.TalentSearch{Q: "原画", Visibility: vis, Page: models.Page{Page: 1, PerPage: 5}}
	before, err := ix.SearchTalents(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	ix = openAt(t, dir)
	after, err := ix.SearchTalents(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if st := ix.FacetCacheStats(); st.Loaded != 1 || st.Hits != 1 || st.Misses != 0 {
		t.Fatalf("after a clean restart the first search did not use the saved facets: %+v", st)
	}
	if fmt.Sprint(after.Facets) != fmt.Sprint(before.Facets) {
		t.Fatalf("saved facets %v, before the stop %v", after.Facets, before.Facets)
	}
	// A change, then a stop that is not clean (the process killed): the
	// saved facets are no longer those of the index.
	moved := *talents[0]
	moved.District, moved.Version = "dapeng", 2
	ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: moved.ID, Version: 2, Doc: &moved})
	ix.closeOnce.Do(func() {
		_ = ix.bi.Close()
		close(ix.disk.closed)
		openIndexes.CompareAndDelete(storePath(dir), ix)
	})
	ix = openAt(t, dir)
	defer ix.Close()
	got, err := ix.SearchTalents(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if st := ix.FacetCacheStats(); st.Loaded != 0 || st.Misses != 1 {
		t.Fatalf("after an unclean stop: %+v", st)
	}
	ix.ResetFacetCache()
	want, err := ix.SearchTalents(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Facets) != fmt.Sprint(want.Facets) {
		t.Fatalf("facets %v, counted afresh %v", got.Facets, want.Facets)
	}
}

// TestConcurrentSearchesCountFacetsOnce: a search that finds another
// counting the same facets waits for that count instead of making its own.
func TestConcurrentSearchesCountFacetsOnce(t *testing.T) {
	ctx := context.Background()
	ix := openOnDisk(t)
	addTalents(t, ix, 9, 50)
	q := query.NewBooleanQuery([]query.Query{termQuery("visibility", "public")}, nil, nil)
	first, second := ix.planFacets(models.CollTalents, q), ix.planFacets(models.CollTalents, q)
	if !first.computes() || second.computes() {
		t.Fatalf("the first search should count, the second wait: %v %v", first.computes(), second.computes())
	}
	waited := make(chan map[string][]models.FacetCount)
	go func() {
		page, err := ix.bi.Search(bleve.NewSearchRequest(q))
		if err != nil {
			t.Error(err)
		}
		f, err := second.done(ctx, page)
		if err != nil {
			t.Error(err)
		}
		waited <- f
	}()
	req := bleve.NewSearchRequest(q)
	addFacets(req, models.CollTalents)
	res, err := ix.bi.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	counted, err := first.done(ctx, res)
	if err != nil {
		t.Fatal(err)
	}
	if got := <-waited; fmt.Sprint(got) != fmt.Sprint(counted) || len(got["district"]) == 0 {
		t.Fatalf("the waiting search got %v, the counting one %v", got, counted)
	}
	if st := ix.FacetCacheStats(); st.Misses != 1 || st.Shared != 1 {
		t.Fatalf("%+v", st)
	}
}

// TestSavedFacetsIgnoredAfterAnOlderRelease: an older release, which does
// not know the saved facets, changes the index and closes it cleanly with
// its own mark; the saved facets are then not taken back.
func TestSavedFacetsIgnoredAfterAnOlderRelease(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir() + "/index"
	ix := openAt(t, dir)
	gen := seed.New(10, time.Now())
	tl := gen.Talent(gen.ID())
	tl.Version, tl.Visibility = 1, models.VisibilityPublic
	ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	q := models.TalentSearch{Available: &tl.Available, Visibility: []models.Visibility{models.VisibilityPublic}, Page: models.Page{Page: 1, PerPage: 5}}
	if _, err := ix.SearchTalents(ctx, q); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// The older release: the same index, a profile deleted, "0" at close.
	bi, err := bleve.OpenUsing(dir, lockWait())
	if err != nil {
		t.Fatal(err)
	}
	if err := bi.Delete(docID(models.CollTalents, tl.ID)); err != nil {
		t.Fatal(err)
	}
	if err := bi.SetInternal(keyOpen, []byte("0")); err != nil {
		t.Fatal(err)
	}
	if err := bi.Close(); err != nil {
		t.Fatal(err)
	}
	ix = openAt(t, dir)
	defer ix.Close()
	p, err := ix.SearchTalents(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if st := ix.FacetCacheStats(); st.Loaded != 0 || p.Total != 0 || len(p.Facets["district"]) != 0 {
		t.Fatalf("facets saved before an older release ran were taken back: %+v, total %d, facets %v", st, p.Total, p.Facets)
	}
}
