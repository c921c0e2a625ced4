package search

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

func project(n int, title string, at time.Time) *models.Project {
	return &models.Project{ID: hex24(n), OrgID: "org", Title: title, Kind: models.ProjectJob, District: "nanshan",
		Status: models.ProjectOpen, Version: 1, CreatedAt: at, UpdatedAt: at}
}

// searchAll walks every page of a project search, checking that each page
// says the same total and partial flag.
func searchAll(t *testing.T, ix *Index, q models.ProjectSearch, perPage int) ([]string, int, bool) {
	t.Helper()
	var ids []string
	total, partial := -1, false
	for page := 1; ; page++ {
		q.Page = models.Page{Page: page, PerPage: perPage}
		p, err := ix.SearchProjects(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if total >= 0 && (p.Total != total || p.Partial != partial) {
			t.Fatalf("%q page %d: total %d partial %v; page 1 said %d %v", q.Q, page, p.Total, p.Partial, total, partial)
		}
		total, partial = p.Total, p.Partial
		for _, h := range p.Hits {
			ids = append(ids, h.ID)
		}
		if len(p.Hits) < perPage {
			break
		}
	}
	if len(ids) != total {
		t.Fatalf("%q: total %d, pages held %d: %v", q.Q, total, len(ids), ids)
	}
	return ids, total, partial
}

// A search whose words do not all match anything answers the projects
// with the most of them, marked partial; one whose words all match
// somewhere is never partial.
func TestPartialResultsWhenNoResultHasEveryWord(t *testing.T) {
	ix := memIndex(t)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	docs := []*models.Project{
		project(1, "alpha beta gamma", t0),
		project(2, "alpha beta", t0.Add(time.Hour)),
		project(3, "alpha", t0.Add(2*time.Hour)),
		project(4, "gamma", t0.Add(3*time.Hour)),
		project(5, "delta", t0.Add(4*time.Hour)),
		project(6, "beta gamma", t0.Add(5*time.Hour)),
	}
	for _, d := range docs {
		if err := ix.put(t, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		q       string
		sort    string
		want    []string // in order; nil: order within tiers not checked
		tiers   [][]string
		partial bool
	}{
		{q: "alpha beta gamma", want: []string{hex24(1)}},
		{q: "alpha beta", tiers: [][]string{{hex24(1), hex24(2)}}},
		{q: "omega", want: nil},
		{q: "omega zeta", want: nil},
		// 4 parts, none of which all match: three of them (1), two (2, 6),
		// one (3, 4).
		{q: "alpha beta gamma omega", partial: true, tiers: [][]string{{hex24(1)}, {hex24(2), hex24(6)}, {hex24(3), hex24(4)}}},
		// Newest first within each tier, the tiers in order.
		{q: "alpha beta gamma omega", sort: "newest", partial: true, want: []string{hex24(1), hex24(6), hex24(2), hex24(4), hex24(3)}},
		// Exclusions still exclude.
		{q: "alpha gamma omega -beta", partial: true, tiers: [][]string{{hex24(3), hex24(4)}}},
		// A phrase is a part.
		{q: `"alpha beta" omega`, partial: true, tiers: [][]string{{hex24(1), hex24(2)}}},
	} {
		for _, per := range []int{1, 2, 20} {
			ids, total, partial := searchAll(t, ix, models.ProjectSearch{Q: tc.q, Sort: tc.sort}, per)
			if partial != tc.partial {
				t.Errorf("%q: partial %v, want %v", tc.q, partial, tc.partial)
			}
			if tc.want != nil || tc.tiers == nil {
				if !slices.Equal(ids, tc.want) && !(len(ids) == 0 && len(tc.want) == 0) {
					t.Errorf("%q sort %q per %d: %v (total %d), want %v", tc.q, tc.sort, per, ids, total, tc.want)
				}
				continue
			}
			at := 0
			for _, tier := range tc.tiers {
				if at+len(tier) > len(ids) {
					t.Fatalf("%q per %d: %v, want tiers %v", tc.q, per, ids, tc.tiers)
				}
				got := slices.Sorted(slices.Values(ids[at : at+len(tier)]))
				if !slices.Equal(got, tier) {
					t.Errorf("%q per %d: %v, want tiers %v", tc.q, per, ids, tc.tiers)
				}
				at += len(tier)
			}
			if at != len(ids) {
				t.Errorf("%q per %d: %v, more than the tiers %v", tc.q, per, ids, tc.tiers)
			}
		}
	}
	// Filters hold in the fallback.
	ids, _, partial := searchAll(t, ix, models.ProjectSearch{Q: "alpha omega", District: []string{"futian"}}, 5)
	if len(ids) != 0 || partial {
		t.Errorf("a filter nothing passes: %v partial %v", ids, partial)
	}
}

// 游戏美术 is one dictionary word, found nowhere: the fallback asks for
// the words inside it, those with both first.
func TestPartialSplitsAWordThatMatchesNothing(t *testing.T) {
	ix := memIndex(t)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range []*models.Project{
		project(1, "游戏原画", t0), project(2, "美术指导", t0), project(3, "游戏场景美术", t0), project(4, "建筑设计", t0),
	} {
		if err := ix.put(t, p); err != nil {
			t.Fatal(err)
		}
	}
	ids, total, partial := searchAll(t, ix, models.ProjectSearch{Q: "游戏美术"}, 20)
	if !partial || total != 3 || ids[0] != hex24(3) || !slices.Contains(ids, hex24(1)) || !slices.Contains(ids, hex24(2)) {
		t.Fatalf("游戏美术: %v total %d partial %v; want 3 first, then 1 and 2, partial", ids, total, partial)
	}
	// Facets are those of the partial results.
	p, err := ix.SearchProjects(context.Background(), models.ProjectSearch{Q: "游戏美术", Page: models.Page{Page: 1, PerPage: 1}})
	if err != nil || len(p.Facets["district"]) != 1 || p.Facets["district"][0].Count != 3 {
		t.Fatalf("facets %v %v", p.Facets, err)
	}
}

func intp(n int) *int { return &n }

// Sorted by pay: by the month's equivalent across units (21.75 days, 174
// hours), then paid per project, then negotiable; within one unit by its
// own figures.
func TestSortByPay(t *testing.T) {
	ix := memIndex(t)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	pay := func(n int, min, max int, unit models.PayUnit) *models.Project {
		p := project(n, "job", t0)
		p.PayMin, p.PayMax, p.PayUnit = intp(min), intp(max), unit
		return p
	}
	for _, p := range []*models.Project{
		pay(1, 8000, 12000, models.PayMonth), // 12,000
		pay(2, 500, 800, models.PayDay),      // 17,400
		pay(3, 50, 60, models.PayHour),       // 10,440
		pay(4, 30000, 50000, models.PayProject),
		project(5, "job", t0), // negotiable
		pay(6, 1000, 1000, models.PayProject),
		pay(7, 9000, 12000, models.PayMonth), // 12,000, a higher bottom
	} {
		if err := ix.put(t, p); err != nil {
			t.Fatal(err)
		}
	}
	ids, _, _ := searchAll(t, ix, models.ProjectSearch{Sort: "pay"}, 3)
	want := []string{hex24(2), hex24(7), hex24(1), hex24(3), hex24(4), hex24(6), hex24(5)}
	if !slices.Equal(ids, want) {
		t.Errorf("by pay: %v, want %v", ids, want)
	}
	ids, _, _ = searchAll(t, ix, models.ProjectSearch{Sort: "pay", PayUnit: []string{"project"}}, 3)
	if !slices.Equal(ids, []string{hex24(4), hex24(6)}) {
		t.Errorf("per project, by pay: %v", ids)
	}
	if _, err := ix.SearchProjects(context.Background(), models.ProjectSearch{Sort: "salary"}); !models.IsCode(err, models.CodeBadRequest) {
		t.Errorf("unknown sort: %v", err)
	}
}

// TestPartialSizesFollowWrites: a partial search's total and tiers are kept
// between searches, and a write that moves a project between tiers, or out
// of every tier, is in the next search's pages and total.
func TestPartialSizesFollowWrites(t *testing.T) {
	ctx := context.Background()
	ix := openOnDisk(t)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	put := func(p *models.Project) {
		ix.Observe(ctx, models.Change{Coll: models.CollProjects, ID: p.ID, Version: p.Version, Doc: p})
	}
	for i, title := range []string{"alpha beta", "alpha", "beta", "gamma", "alpha gamma"} {
		put(project(i+1, title, t0.Add(time.Duration(i)*time.Hour)))
	}
	q := models.ProjectSearch{Q: "alpha beta zeta"}
	fresh := func() []string {
		ix.ResetFacetCache()
		ids, _, _ := searchAll(t, ix, q, 2)
		return ids
	}
	check := func(when string, want int) {
		t.Helper()
		ids, total, partial := searchAll(t, ix, q, 2)
		if again := fresh(); !partial || total != want || !slices.Equal(ids, again) {
			t.Fatalf("%s: total %d partial %v pages %v; counted afresh %v", when, total, partial, ids, again)
		}
	}
	check("at first", 4)
	searchAll(t, ix, q, 2) // the sizes are kept now
	moved := project(4, "alpha beta zeta", t0)
	moved.Version = 2
	put(moved) // not partial any more: every word matches it
	if _, total, partial := searchAll(t, ix, q, 2); partial || total != 1 {
		t.Fatalf("a project with every word: total %d partial %v", total, partial)
	}
	ix.Observe(ctx, models.Change{Coll: models.CollProjects, ID: moved.ID, Version: 3, Deleted: true})
	check("after the deletion", 4)
	searchAll(t, ix, q, 2)
	again := project(2, "beta gamma", t0)
	again.Version = 2
	put(again) // from the "alpha" tier to the "beta" tier
	check("after an edit", 4)
	gone := project(3, "delta", t0)
	gone.Version = 2
	put(gone) // out of every tier
	check("after an edit out of every tier", 3)
}
