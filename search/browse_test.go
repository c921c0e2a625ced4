package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/scripts/seed"
)

// TestBrowseWalkEqualsBleve: a browse page walked along the dictionary of
// ids is the page Bleve sorts, hit for hit with versions, for every mix of
// visibilities and pages, after creates, edits, visibility changes and
// deletes in many small batches (deleted and replaced ids linger in older
// segments) and after the segments are merged.
func TestBrowseWalkEqualsBleve(t *testing.T) {
	ctx := context.Background()
	ix := openOnDisk(t)
	gen := seed.New(4, time.Now())
	rng := rand.New(rand.NewPCG(4, 0))
	var talents []*models.Talent
	vis := []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs, models.VisibilityPrivate}
	for range 150 {
		tl := gen.Talent(gen.ID())
		tl.Version, tl.Visibility = 1, vis[rng.IntN(3)]
		talents = append(talents, tl)
		ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	}
	for i := range 60 {
		tl := talents[rng.IntN(len(talents))]
		if i%4 == 0 {
			ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: tl.ID, Version: tl.Version + 1, Deleted: true})
			continue
		}
		moved := *tl
		moved.Version++
		moved.Visibility = vis[rng.IntN(3)]
		*tl = moved
		ix.Observe(ctx, models.Change{Coll: models.CollTalents, ID: moved.ID, Version: moved.Version, Doc: &moved})
	}
	compare := func(when string) {
		t.Helper()
		for _, scopes := range [][]string{{"public"}, {"public", "orgs"}, {"public", "orgs", "private"}, {"orgs"}} {
			for _, page := range []models.Page{{Page: 1, PerPage: 20}, {Page: 3, PerPage: 7}, {Page: 2, PerPage: 100}, {Page: 40, PerPage: 5}} {
				walked, err := ix.browseWalk(ctx, models.CollTalents, scopes, page)
				if err != nil {
					t.Fatal(err)
				}
				must := filter(nil, "visibility", scopes)
				sorted, err := ix.runSearch(ctx, models.CollTalents, must[0], false, []string{"-_score", "_id"}, page, scopes)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(walked.Hits) != fmt.Sprint(sorted.Hits) || walked.Total != sorted.Total {
					t.Fatalf("%s, %v, %+v: walked %d %v\nBleve sorted %d %v", when, scopes, page, walked.Total, walked.Hits, sorted.Total, sorted.Hits)
				}
			}
		}
	}
	compare("after small batches")
	forceMerge(t, ix)
	compare("after a merge")
	// Projects have no visibility: the walk takes every one.
	for range 30 {
		p := gen.Project(gen.ID(), gen.ID(), gen.ID())
		p.Version = 1
		ix.Observe(ctx, models.Change{Coll: models.CollProjects, ID: p.ID, Version: 1, Doc: p})
	}
	walked, err := ix.SearchProjects(ctx, models.ProjectSearch{Page: models.Page{Page: 2, PerPage: 10}})
	if err != nil {
		t.Fatal(err)
	}
	sorted, err := ix.runSearch(ctx, models.CollProjects, termQuery(typeField, models.CollProjects), false, []string{"-_score", "_id"}, models.Page{Page: 2, PerPage: 10}, []string{""})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(walked.Hits) != fmt.Sprint(sorted.Hits) || walked.Total != 30 || len(walked.Hits) != 10 {
		t.Fatalf("projects: walked %d %v, Bleve sorted %v", walked.Total, walked.Hits, sorted.Hits)
	}
}
