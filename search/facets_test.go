package search

import (
	"context"
	"fmt"
	"testing"
	"time"

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
	gen := seed.New(3, time.Now())
	var docs []any
	var talents []*models.Talent
	for range 300 {
		tl := gen.Talent(gen.ID())
		tl.Version = 1
		docs = append(docs, tl)
		talents = append(talents, tl)
	}
	if err := ix.Add(ctx, docs); err != nil {
		t.Fatal(err)
	}
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
