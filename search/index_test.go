package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/szdc/talenthub/models"
)

func memIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := Open(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return ix
}

func hex24(n int) string { return fmt.Sprintf("%024x", n) }

// Every field indexDoc produces is declared in the mapping, and nothing of
// a profile's contact reaches the index.
func TestIndexedFieldsAreDeclaredAndContactIsNot(t *testing.T) {
	now := time.Now().UTC()
	docs := []any{
		&models.Talent{ID: hex24(1), OwnerID: hex24(1), Name: "李明", Contact: models.Contact{Email: "ming@example.com", Phone: "13812345678"},
			Works: []models.Work{{Title: "作品", URL: "https://example.com/13812345678"}}, Visibility: models.VisibilityPublic, Version: 1, CreatedAt: now},
		&models.Org{ID: hex24(2), Version: 1}, &models.Base{ID: hex24(3), Version: 1}, &models.Project{ID: hex24(4), Version: 1},
		&models.Application{ID: hex24(5), Version: 1}, &models.Recruitment{ID: hex24(6), Date: "2025-12-31", Version: 1},
		&models.AuditEntry{ID: hex24(7), At: now},
	}
	ix := memIndex(t)
	for _, d := range docs {
		coll, id, f, err := indexDoc(d)
		if err != nil {
			t.Fatal(err)
		}
		for name := range f {
			if _, ok := fields[coll][name]; !ok {
				t.Errorf("%s: field %q is indexed but not in the mapping", coll, name)
			}
			if strings.Contains(name, "contact") || strings.Contains(name, "email") || strings.Contains(name, "phone") {
				t.Errorf("%s: personal field %q is indexed", coll, name)
			}
		}
		if err := ix.put(t, d); err != nil {
			t.Fatal(err)
		}
		doc, err := ix.bi.Document(docID(coll, id))
		if err != nil || doc == nil {
			t.Fatalf("%s not indexed: %v", coll, err)
		}
		doc.VisitFields(func(f index.Field) {
			v := string(f.Value())
			if strings.Contains(v, "13812345678") || strings.Contains(v, "ming@example.com") {
				t.Errorf("%s: field %s holds contact data %q", coll, f.Name(), v)
			}
		})
	}
	// A phone number finds nothing, whatever field it is looked for in.
	for _, q := range []string{"13812345678", "ming@example.com", "example.com"} {
		ids, total, err := ix.List(context.Background(), models.ListQuery{Coll: models.CollTalents, Text: q})
		if err != nil || total != 0 {
			t.Errorf("text %q found %v (%d), %v", q, ids, total, err)
		}
	}
}

func TestListFiltersSortsAndPages(t *testing.T) {
	ctx := context.Background()
	ix := memIndex(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := []models.Status{models.StatusVerified, models.StatusPending, models.StatusRejected}
	districts := []string{"nanshan", "futian"}
	for i := range 30 {
		o := &models.Org{ID: hex24(i + 1), Name: fmt.Sprintf("Studio %d", i), Kind: models.OrgEnterprise, District: districts[i%2],
			Status: statuses[i%3], Flags: []string{}, Version: 1, CreatedAt: base.Add(time.Duration(i) * time.Hour)}
		if i%5 == 0 {
			o.Flags = []string{models.FlagLeading}
		}
		if err := ix.put(t, o); err != nil {
			t.Fatal(err)
		}
	}
	list := func(q models.ListQuery) ([]string, int) {
		t.Helper()
		q.Coll = models.CollOrgs
		if q.Page.PerPage == 0 {
			q.Page = models.Page{Page: 1, PerPage: 100}
		}
		ids, total, err := ix.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return ids, total
	}

	_, total := list(models.ListQuery{})
	if total != 30 {
		t.Fatalf("all: %d", total)
	}
	ids, total := list(models.ListQuery{All: []models.AnyOf{models.Terms("status", models.StatusVerified)}})
	if total != 10 || len(ids) != 10 {
		t.Fatalf("verified: %d %v", total, ids)
	}
	// Newest first by default.
	if ids[0] != hex24(28) || ids[9] != hex24(1) {
		t.Errorf("order: %v", ids)
	}
	// verified OR one own id (the scope of a member of a pending org).
	_, total = list(models.ListQuery{All: []models.AnyOf{{{Field: "status", Value: "verified"}, {Field: "_id", Value: hex24(2)}}}})
	if total != 11 {
		t.Errorf("verified or own: %d", total)
	}
	// AND across conditions, OR within one.
	_, total = list(models.ListQuery{All: []models.AnyOf{models.Terms("status", "verified", "pending"), models.Terms("district", "nanshan")}})
	if want := 10; total != want {
		t.Errorf("(verified|pending) & nanshan: %d, want %d", total, want)
	}
	_, total = list(models.ListQuery{All: []models.AnyOf{models.Terms("flags", models.FlagLeading)}, Not: []models.Match{{Field: "status", Value: "rejected"}}})
	if total != 4 {
		t.Errorf("leading, not rejected: %d", total)
	}
	_, total = list(models.ListQuery{Text: "studio"})
	if total != 30 {
		t.Errorf("text: %d", total)
	}
	// Pages partition the list.
	var seen []string
	for p := 1; p <= 4; p++ {
		ids, total := list(models.ListQuery{Page: models.Page{Page: p, PerPage: 8}})
		if total != 30 {
			t.Fatalf("page %d total %d", p, total)
		}
		seen = append(seen, ids...)
	}
	slices.Sort(seen)
	if len(slices.Compact(seen)) != 30 {
		t.Errorf("pages overlap or miss: %d distinct", len(slices.Compact(seen)))
	}
	// Fields outside the mapping are refused, not silently ignored.
	if _, _, err := ix.List(ctx, models.ListQuery{Coll: models.CollOrgs, All: []models.AnyOf{models.Terms("password", "x")}}); err == nil {
		t.Error("filter on an unmapped field accepted")
	}
	if _, _, err := ix.List(ctx, models.ListQuery{Coll: models.CollOrgs, Sort: []string{"-secret"}}); err == nil {
		t.Error("sort on an unmapped field accepted")
	}
}

func TestRanges(t *testing.T) {
	ctx := context.Background()
	ix := memIndex(t)
	for i, d := range []string{"2024-12-31", "2025-01-01", "2025-12-31", "2026-01-01"} {
		r := &models.Recruitment{ID: hex24(i + 1), Date: d, Status: models.StatusVerified, Version: 1}
		if err := ix.put(t, r); err != nil {
			t.Fatal(err)
		}
	}
	lo, hi := 2025.0, 2026.0
	ids, total, err := ix.List(ctx, models.ListQuery{Coll: models.CollRecruitments, Ranges: []models.Range{{Field: "year", Min: &lo, Max: &hi}}, Sort: []string{"date"}})
	if err != nil || total != 2 || ids[0] != hex24(2) || ids[1] != hex24(3) {
		t.Fatalf("2025: %v %d %v", ids, total, err)
	}
}

// put indexes one document at once (a batch of one).
func (ix *Index) put(t testing.TB, doc any) error {
	t.Helper()
	bt := ix.newBatch()
	if err := ix.index(bt, doc); err != nil {
		return err
	}
	return ix.commit(bt)
}

// forceMerge merges the index's segments into one, as Bleve does by
// itself in the background sooner or later.
func forceMerge(t *testing.T, ix *Index) {
	t.Helper()
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		t.Fatalf("the index is a %T, not scorch", adv)
	}
	for range 100 {
		if sc.StatsMap()["TotFileSegmentsAtRoot"].(uint64) <= 1 && sc.StatsMap()["TotMemorySegmentsAtRoot"].(uint64) == 0 {
			return
		}
		if err := sc.ForceMerge(context.Background(), &mergeplan.MergePlanOptions{MaxSegmentsPerTier: 1, MaxSegmentSize: 1 << 30,
			SegmentsPerMergeTask: 10, FloorSegmentSize: 1 << 20}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestVersionsReadFromTheIndex: the versions a reconciliation compares
// with the database, read from the index's postings and doc values, are
// those of the documents as last indexed, over several segments: no
// replaced version, no deleted document, no document of another
// collection, and every version as Document reads it back.
func TestVersionsReadFromTheIndex(t *testing.T) {
	ctx := context.Background()
	ix := memIndex(t)
	want := map[string]int64{}
	observe := func(c models.Change) {
		t.Helper()
		ix.Observe(ctx, c)
	}
	for n := range 300 {
		id := hex24(n + 1)
		observe(models.Change{Coll: models.CollOrgs, ID: id, Version: 1, Doc: &models.Org{ID: id, Name: "O", Version: 1}})
		want[id] = 1
		// A project with the same id: another collection.
		observe(models.Change{Coll: models.CollProjects, ID: id, Version: 7, Doc: &models.Project{ID: id, Title: "P", Version: 7}})
	}
	for n := 0; n < 300; n += 3 {
		id := hex24(n + 1)
		v := int64(2 + n%1000) // versions above what a float's small integers hide
		observe(models.Change{Coll: models.CollOrgs, ID: id, Version: v, Doc: &models.Org{ID: id, Name: "O2", Version: v}})
		want[id] = v
	}
	for n := 1; n < 300; n += 7 {
		id := hex24(n + 1)
		observe(models.Change{Coll: models.CollOrgs, ID: id, Deleted: true})
		delete(want, id)
	}
	big := hex24(1000)
	observe(models.Change{Coll: models.CollOrgs, ID: big, Version: 1 << 40, Doc: &models.Org{ID: big, Name: "O", Version: 1 << 40}})
	want[big] = 1 << 40
	got, err := ix.versions(ctx, models.CollOrgs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("%d versions, want %d", len(got), len(want))
	}
	for id, v := range want {
		if got[id] != v {
			t.Errorf("%s: version %d, want %d", id, got[id], v)
		}
		if stored, err := ix.version(models.CollOrgs, id); err != nil || stored != v {
			t.Errorf("%s: Document reads version %d (%v), want %d", id, stored, err, v)
		}
	}
	projects, err := ix.versions(ctx, models.CollProjects)
	if err != nil || len(projects) != 300 || projects[hex24(1)] != 7 {
		t.Errorf("projects: %d versions (%v), the first %d", len(projects), err, projects[hex24(1)])
	}
}
