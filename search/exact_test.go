package search

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

// Regression tests of numbers the oracle (TestOracle in the repository's
// root) found wrong after ordinary sequences of steps.

// openOnDisk is an on-disk index (the in-memory one never merges segments
// the way a server's does), closed with the test.
func openOnDisk(t *testing.T) *Index {
	t.Helper()
	ix, err := Open(context.Background(), Options{Dir: t.TempDir() + "/index"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return ix
}

func addProjects(t *testing.T, ix *Index, n int, status models.ProjectStatus) []string {
	t.Helper()
	var ids []string
	for i := range n {
		p := &models.Project{ID: fmt.Sprintf("%024x", 0xa0000+i+len(status)*1000), OrgID: "org", Title: "原画", Kind: models.ProjectJob,
			District: "nanshan", Status: status, Version: 1}
		// One batch each, as writes come: many small segments to merge.
		ix.Observe(context.Background(), models.Change{Coll: models.CollProjects, ID: p.ID, Version: 1, Doc: p})
		ids = append(ids, p.ID)
	}
	return ids
}

// TestFilterOnlySearchTotalIsExact: a search with filters and no words
// reported its page size as its total once its facets were cached (Bleve
// stops early when nothing is scored and nothing else needs every match),
// so the web list lost its pager and the projects past the first page.
func TestFilterOnlySearchTotalIsExact(t *testing.T) {
	ix := openOnDisk(t)
	open := addProjects(t, ix, 25, models.ProjectOpen)
	addProjects(t, ix, 3, models.ProjectClosed)
	q := models.ProjectSearch{Status: []string{"open"}, Page: models.Page{Page: 1, PerPage: 20}}
	for i := range 3 {
		p, err := ix.SearchProjects(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 25 || len(p.Hits) != 20 {
			t.Fatalf("search %d of the same filter: total %d, %d hits; want 25 and 20", i+1, p.Total, len(p.Hits))
		}
	}
	var got []string
	for page := 1; page <= 3; page++ {
		q.Page = models.Page{Page: page, PerPage: 10}
		p, err := ix.SearchProjects(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 25 {
			t.Fatalf("page %d of 10: total %d", page, p.Total)
		}
		for _, h := range p.Hits {
			got = append(got, h.ID)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, open) {
		t.Fatalf("the three pages hold %v, want every open project %v", got, open)
	}
}

// TestPagesAreStableAcrossSegmentMerges: hits that tie (every hit of a
// search without words) are ordered by id, not by where Bleve keeps them,
// which changes when it merges segments between two page reads.
func TestPagesAreStableAcrossSegmentMerges(t *testing.T) {
	ix := openOnDisk(t)
	all := addProjects(t, ix, 30, models.ProjectOpen)
	read := func(page int) []string {
		p, err := ix.SearchProjects(context.Background(), models.ProjectSearch{Page: models.Page{Page: page, PerPage: 7}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range p.Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	got := read(1)
	forceMerge(t, ix)
	for page := 2; page <= 5; page++ {
		got = append(got, read(page)...)
	}
	if !slices.Equal(got, all) {
		t.Fatalf("pages read across a merge: %v, want each project once in id order %v", got, all)
	}
}

// TestEmptyValuesAreNotFacetValues: a profile without an origin or a
// district has no value to count, and one cannot filter by "none"; the
// browse's kept counts skipped them but Bleve's facets showed "" with a
// count.
func TestEmptyValuesAreNotFacetValues(t *testing.T) {
	dir := t.TempDir() + "/index"
	ix, err := Open(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		tl := &models.Talent{ID: fmt.Sprintf("%024x", 0xb0000+i), Name: "x", Skills: []string{"maya"}, Visibility: models.VisibilityPublic, Version: 1}
		if i == 0 {
			tl.District, tl.Origin = "nanshan", models.OriginDomestic
		}
		ix.Observe(context.Background(), models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	}
	// Reopened: the browse's counts are then filled from a Bleve query.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(context.Background(), Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	vis := []models.Visibility{models.VisibilityPublic}
	for _, q := range []models.TalentSearch{{Visibility: vis}, {Visibility: vis, Skills: []string{"maya"}}, {Visibility: vis, Q: "maya"}} {
		p, err := ix.SearchTalents(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"district", "origin", "level"} {
			for _, c := range p.Facets[f] {
				if c.Key == "" {
					t.Errorf("search %+v: facet %s counts %d profiles under an empty value", q, f, c.Count)
				}
			}
		}
		if fmt.Sprint(p.Facets["district"]) != "[{nanshan 1}]" {
			t.Errorf("search %+v: district facet %v", q, p.Facets["district"])
		}
	}
}

// TestNoDeadlineSortsLast: sorted by deadline, the soonest come first and
// projects without a deadline last (they came first: an empty keyword
// sorts before every date).
func TestNoDeadlineSortsLast(t *testing.T) {
	ix := openOnDisk(t)
	var want []string
	for i, dl := range []string{"", "2027-03-01", "2026-12-24", "", "2027-01-15"} {
		p := &models.Project{ID: fmt.Sprintf("%024x", 0xc0000+i), OrgID: "org", Title: "原画", Kind: models.ProjectJob, Deadline: dl,
			Status: models.ProjectOpen, Version: 1}
		ix.Observe(context.Background(), models.Change{Coll: models.CollProjects, ID: p.ID, Version: 1, Doc: p})
		want = append(want, p.ID)
	}
	want = []string{want[2], want[4], want[1], want[0], want[3]}
	p, err := ix.SearchProjects(context.Background(), models.ProjectSearch{Sort: "deadline", Page: models.Page{Page: 1, PerPage: 10}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range p.Hits {
		got = append(got, h.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("by deadline: %v, want %v", got, want)
	}
}

// memSource is a database of a few documents for a rebuild, with no feed.
type memSource struct{ docs map[string][]any }

func (m memSource) ChangesAfter(context.Context, string, int) ([]models.Change, error) {
	return nil, nil
}
func (m memSource) Doc(context.Context, string, string) (any, error) {
	return nil, models.Errorf(models.CodeNotFound, "gone")
}
func (m memSource) Docs(_ context.Context, coll string, fn func(any) error) error {
	for _, d := range m.docs[coll] {
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}
func (m memSource) Versions(context.Context, string, func(models.DocVersion) error) error { return nil }
func (m memSource) PrunedBefore(context.Context) (time.Time, error)                       { return time.Time{}, nil }
func (m memSource) FeedFrom(ctx context.Context, c string) (string, bool, error) {
	return models.SeqFeed{Log: m}.FeedFrom(ctx, c)
}
func (m memSource) ReadFeed(ctx context.Context, from string, n int) (models.FeedRead, error) {
	return models.SeqFeed{Log: m}.ReadFeed(ctx, from, n)
}
func (m memSource) FeedPosition(ctx context.Context) (string, error) {
	return models.SeqFeed{Log: m}.FeedPosition(ctx)
}

// TestRebuildKeepsFacetCountsExact: an admin's rebuild re-indexes every
// document in place; with the facet values of merged segments lost, every
// count of the talent search doubled ("宝安区 12 where there are 6").
func TestRebuildKeepsFacetCountsExact(t *testing.T) {
	src := memSource{docs: map[string][]any{}}
	for i := range 6 {
		src.docs[models.CollTalents] = append(src.docs[models.CollTalents], &models.Talent{ID: fmt.Sprintf("%024x", 0xd0000+i), Name: "x",
			District: "baoan", Skills: []string{"maya"}, Visibility: models.VisibilityPublic, Version: 1})
		src.docs[models.CollOrgs] = append(src.docs[models.CollOrgs], &models.Org{ID: fmt.Sprintf("%024x", 0xe0000+i), Name: "o",
			Kind: "incubator", District: "luohu", Status: models.StatusVerified, Version: 1})
	}
	ix, err := Open(context.Background(), Options{Dir: t.TempDir() + "/index", Source: src})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	vis := []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}
	for round := range 3 {
		forceMerge(t, ix)
		if err := ix.Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
		p, err := ix.SearchTalents(context.Background(), models.TalentSearch{Visibility: vis, Page: models.Page{Page: 1, PerPage: 20}})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 6 || fmt.Sprint(p.Facets["district"], p.Facets["skills"]) != "[{baoan 6}] [{maya 6}]" {
			t.Fatalf("after rebuild %d: total %d, facets %v", round+1, p.Total, p.Facets)
		}
	}
}

// TestRelevancePagesFollowTheFullOrder: a page of a scored search is cut
// from hits sorted by score alone and ordered by id only where equal scores
// straddle its edges (searchPage). Every page must be the same page of the
// full order (score, then id), whether its edges fall inside a group of
// equal scores or between two, with the memory of tied searches empty or
// kept, and across a merge of segments between two pages.
func TestRelevancePagesFollowTheFullOrder(t *testing.T) {
	ix := openOnDisk(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	ids := rng.Perm(70) // ids in an order unrelated to the scores
	add := func(id int, title, desc string) {
		p := &models.Project{ID: fmt.Sprintf("%024x", id), OrgID: "org", Title: title, Description: desc,
			Kind: models.ProjectJob, District: "nanshan", Status: models.ProjectOpen, Version: 1}
		ix.Observe(ctx, models.Change{Coll: models.CollProjects, ID: p.ID, Version: 1, Doc: p})
	}
	// quaxel: 45 projects in groups of equal text (sizes 1 to 9), so of
	// equal scores; zorblat: 25 projects of lengths all different.
	i := 0
	for g := 1; g <= 9; g++ {
		for range g {
			add(0xb0000+ids[i], "quaxel", strings.Repeat("设计 ", g))
			i++
		}
	}
	for k := range 25 {
		add(0xb0000+ids[i], "zorblat", strings.Repeat("设计 ", k))
		i++
	}
	read := func(q string, page, per int) []models.SearchHit {
		p, err := ix.SearchProjects(ctx, models.ProjectSearch{Q: q, Page: models.Page{Page: page, PerPage: per}})
		if err != nil {
			t.Fatal(err)
		}
		return p.Hits
	}
	for _, c := range []struct {
		q      string
		n      int
		groups int // distinct scores
		ties   bool
	}{{"quaxel", 45, 9, true}, {"zorblat", 25, 25, false}} {
		// The full order, made here from the scores of one page of all.
		want := read(c.q, 1, 100)
		if len(want) != c.n {
			t.Fatalf("%s: %d hits, want %d", c.q, len(want), c.n)
		}
		scores := map[float64]bool{}
		for _, h := range want {
			scores[h.Score] = true
			if h.Version != 1 {
				t.Fatalf("%s: hit %s has version %d, want 1", c.q, h.ID, h.Version)
			}
		}
		if len(scores) != c.groups {
			t.Fatalf("%s: %d distinct scores, want %d: the test's texts no longer make the groups it needs", c.q, len(scores), c.groups)
		}
		slices.SortStableFunc(want, func(a, b models.SearchHit) int {
			if a.Score != b.Score {
				return cmp.Compare(b.Score, a.Score)
			}
			return strings.Compare(a.ID, b.ID)
		})
		orig := tieWindows
		t.Cleanup(func() { tieWindows = orig })
		for _, w := range []struct {
			windows []int
			step    int // the largest step a tied search needs
		}{{[]int{1, 32, 1024}, 1}, {[]int{1}, 1}, {[]int{1, 4}, 2}} {
			tieWindows = w.windows
			ix.tied.Clear()
			most := 0
			for _, keep := range []bool{false, true} {
				for _, per := range []int{1, 2, 3, 4, 5, 7, 10, 20} {
					var got []models.SearchHit
					for page := 1; (page-1)*per < c.n; page++ {
						if !keep {
							ix.tied.Clear()
						}
						if page == 3 {
							add(0xc0000+page*per, "unrelated", "merge") // a write, then a merge, between two pages
							forceMerge(t, ix)
						}
						got = append(got, read(c.q, page, per)...)
						ix.tied.Range(func(_, v any) bool { most = max(most, v.(int)); return true })
					}
					if !slices.EqualFunc(got, want, func(a, b models.SearchHit) bool { return a.ID == b.ID && a.Version == b.Version }) {
						t.Fatalf("%s, %d a page, windows %v (memory of ties kept: %v): pages give\n%v\nwant\n%v", c.q, per, w.windows, keep, got, want)
					}
				}
			}
			if want := map[bool]int{true: w.step, false: 0}[c.ties]; most != want {
				t.Errorf("%s, windows %v: the searches needed step %d at most, want %d", c.q, w.windows, most, want)
			}
		}
		tieWindows = orig
	}
}
