package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/szdc/talenthub/models"
)

// The ranking rules beyond the words themselves, each on profiles built to
// tell it apart: what a profile lists outranks what its text mentions, a
// name is found by its characters and its words as written, and a typo is
// corrected towards a term of the vocabulary.
func TestRankingRules(t *testing.T) {
	ix := memIndex(t)
	people := []models.Talent{
		{Name: "Maya Patel", Headline: "Localization specialist", Bio: "Localization for games.", Skills: []string{"Localization"}}, // 1
		{Name: "Tom Reed", Headline: "3D animator", Bio: "Keyframe animation for games.", Tools: []string{"Maya"}},                  // 2
		{Name: "Harry Blake", Headline: "Stage magician", Bio: "An escape artist inspired by Houdini."},                             // 3
		{Name: "卢强", Headline: "特效技术美术", Bio: "程序化特效与破碎模拟。", Tools: []string{"Houdini"}},                                            // 4
		{Name: "周明", Headline: "电竞解说", Bio: "KPL解说，擅长赛后点评。"},                                                                        // 5
		{Name: "王芳", Headline: "周边产品设计师", Bio: "动漫周边与IP衍生品设计，每周出稿。"},                                                                // 6: 周 in words only
		{Name: "Chloe Martin", Headline: "Video director", Bio: "Short-form video for brands."},                                     // 7
		{Name: "Leo Martins", Headline: "Storyboard artist", Bio: "Boards for animated series."},                                    // 8
		{Name: "欧阳婧", Headline: "游戏配音演员", Bio: "为手游角色配音。"},                                                                          // 9
		{Name: "Sam Cole", Headline: "Acoustic engineer", Bio: "Noise control and noise reduction for studios; noise surveys."},     // 10
		{Name: "Ann Lee", Headline: "Noise artist", Bio: "Experimental noise music."},                                               // 11
	}
	for i := range people {
		p := &people[i]
		p.ID, p.OwnerID, p.Visibility, p.Version = hex24(i+1), hex24(i+1), models.VisibilityPublic, 1
		ix.Observe(context.Background(), models.Change{Coll: models.CollTalents, ID: p.ID, Version: 1, Doc: p})
	}
	find := func(q string) []string {
		t.Helper()
		page, err := ix.SearchTalents(context.Background(), models.TalentSearch{Q: q, Visibility: []models.Visibility{models.VisibilityPublic},
			Page: models.Page{Page: 1, PerPage: 10}})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range page.Hits {
			out = append(out, h.ID)
		}
		return out
	}
	for _, c := range []struct {
		q, why string
		want   []int // the first answers, in order
	}{
		{"Maya", "the animator who lists Maya before Maya Patel", []int{2, 1}},
		{"Houdini", "the effects artist who lists Houdini before the magician", []int{4, 3}},
		{"周", "a surname finds the person named 周明, not the 周边 designer", []int{5}},
		{"Martin", "Chloe Martin before Leo Martins (the stem is the same)", []int{7, 8}},
		{"voise actor", "voice actor, a term of the vocabulary, not noise, which more texts hold", []int{9}},
	} {
		var want []string
		for _, n := range c.want {
			want = append(want, hex24(n))
		}
		if got := find(c.q); len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
			t.Errorf("%q found %v, want first %v: %s", c.q, got, want, c.why)
		}
	}
	if got := find("周"); slices.Contains(got, hex24(6)) {
		t.Errorf("周 found the 周边 designer: %v", got)
	}
}

// Bleve applies the boost of terms and phrases only; boosted must reach
// them through every compound query.
func TestBoostedReachesEveryTerm(t *testing.T) {
	a, b, c := query.NewTermQuery("a"), query.NewTermQuery("b"), query.NewMatchPhraseQuery("c d")
	q := query.NewBooleanQuery([]query.Query{query.NewConjunctionQuery([]query.Query{a})},
		[]query.Query{query.NewDisjunctionQuery([]query.Query{b})}, []query.Query{c})
	boosted(q, 0.5)
	boosted(q, 0.5)
	for _, l := range []query.BoostableQuery{a, b, c} {
		if l.Boost() != 0.25 {
			t.Errorf("%T boost %v, want 0.25", l, l.Boost())
		}
	}
}

// TestFiltersDoNotRank: profiles with the same text score the same whatever
// value of a filter they pass. When the filters were required parts of the
// query, Bleve added each one's weight to the score, so the rarer value
// (one profile visible to organisations among public ones; a district with
// fewer profiles) ranked first for no reason the searcher gave; a project's
// candidates likewise.
func TestFiltersDoNotRank(t *testing.T) {
	ix := memIndex(t)
	add := func(n int, vis models.Visibility, district string) {
		p := &models.Talent{ID: hex24(n), OwnerID: hex24(n), Name: "同名", Headline: "原画师", Bio: "角色原画。",
			District: district, Visibility: vis, Available: true, Version: 1}
		ix.Observe(context.Background(), models.Change{Coll: models.CollTalents, ID: p.ID, Version: 1, Doc: p})
	}
	// Ids in the order the tie-break gives: the rare values last.
	for n := 1; n <= 8; n++ {
		add(n, models.VisibilityPublic, "nanshan")
	}
	add(9, models.VisibilityOrgs, "nanshan")
	add(10, models.VisibilityPublic, "pingshan")
	for _, q := range []models.TalentSearch{
		{Q: "原画", Visibility: []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}},
		{Q: "原画", Visibility: []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}, District: []string{"nanshan", "pingshan"}},
	} {
		q.Page = models.Page{Page: 1, PerPage: 20}
		page, err := ix.SearchTalents(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range page.Hits {
			ids = append(ids, h.ID)
			if h.Score != page.Hits[0].Score {
				t.Errorf("%+v: %s scores %v, %s %v: a filter's value moved the score", q.District, h.ID, h.Score, page.Hits[0].ID, page.Hits[0].Score)
			}
		}
		want := make([]string, 10)
		for i := range want {
			want[i] = hex24(i + 1)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("%+v: order %v, want the ids in order %v", q.District, ids, want)
		}
	}
	// The candidates of a project's matches: their scores are read as how
	// well the text matches, relative to the best.
	hits, err := ix.TalentCandidates(context.Background(), &models.Project{Title: "原画", Skills: []string{"原画"}}, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 10 {
		t.Fatalf("%d candidates, want the 10 profiles", len(hits))
	}
	for _, h := range hits {
		if h.Score != hits[0].Score {
			t.Errorf("candidate %s scores %v, %s %v: a filter's value moved the score", h.ID, h.Score, hits[0].ID, hits[0].Score)
		}
	}
}

// TestProjectScopeWeighsNothing: a search of projects keeps the projects'
// own term among the required parts, to lead the words' matches (scoped);
// it must not move a score, and the other filters must not either.
func TestProjectScopeWeighsNothing(t *testing.T) {
	ix := memIndex(t)
	for n := 1; n <= 6; n++ {
		d := "nanshan"
		if n == 6 {
			d = "pingshan"
		}
		p := &models.Project{ID: hex24(n), OrgID: "org", Title: "原画", Description: strings.Repeat("角色 ", n%3),
			Kind: models.ProjectJob, District: d, Status: models.ProjectOpen, Version: 1}
		ix.Observe(context.Background(), models.Change{Coll: models.CollProjects, ID: p.ID, Version: 1, Doc: p})
	}
	// A profile with the same words: the text field is shared.
	tal := &models.Talent{ID: hex24(7), OwnerID: hex24(7), Name: "x", Headline: "原画", Visibility: models.VisibilityPublic, Version: 1}
	ix.Observe(context.Background(), models.Change{Coll: models.CollTalents, ID: tal.ID, Version: 1, Doc: tal})
	p, err := ParseText("原画")
	if err != nil {
		t.Fatal(err)
	}
	parts, _, err := ix.textParts(models.CollProjects, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	words := query.NewConjunctionQuery(parts)
	scope := termQuery(typeField, models.CollProjects)
	district := query.NewDisjunctionQuery([]query.Query{termQuery("district", "nanshan"), termQuery("district", "pingshan")})
	scores := func(q query.Query) map[string]float64 {
		req := bleve.NewSearchRequestOptions(q, 20, 0, false)
		res, err := ix.bi.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, h := range res.Hits {
			out[h.ID] = h.Score
		}
		return out
	}
	led := scoped(words, []query.Query{scope, district}, nil)      // the scope leads, weighing nothing
	filtered := scoped(words, []query.Query{district, scope}, nil) // both in the filter
	if got, want := scores(led), scores(filtered); len(got) != 6 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("scores with the scope leading %v, with it filtering %v: want the 6 projects, the same scores", got, want)
	}
	// Projects 3 and 6 have the same text; 6 alone is in pingshan.
	got := scores(led)
	if rare, other := got[docID(models.CollProjects, hex24(6))], got[docID(models.CollProjects, hex24(3))]; rare != other {
		t.Errorf("the project in the rarer district scores %v, the same text elsewhere %v", rare, other)
	}
}
