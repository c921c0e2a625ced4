// The held-out rule of the relevance set: within each class, in id order,
// every third query (the 3rd, 6th, 9th, ...) is "held_out" and the others
// are "tuned". Tune the engine by looking at the tuned queries only; the
// held-out ones tell whether a change carries over to queries nobody tuned
// for. TestRelevance checks that every query's part follows this rule.

package search

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/szdc/talenthub/models"
)

// The relevance test set (testdata/relevance): profiles with the traps of
// Chinese and English search, and queries judged as a recruiter would, with
// the ids that must rank in the top k and the distractors that must not.
// Quoted phrases are literal: a quoted query's relevant profiles contain the
// quoted words themselves (Simplified or Traditional, any case), and
// profiles with only a synonym are judged neither relevant nor distractor,
// or distractors when the query is there to keep them out.

type relQuery struct {
	ID          string         `json:"id"`
	Q           string         `json:"q"`
	Filters     map[string]any `json:"filters"`
	Relevant    []string       `json:"relevant"`
	K           int            `json:"k"`
	NotRelevant []string       `json:"not_relevant"`
	Class       string         `json:"class"`
	Note        string         `json:"note"`
	Part        string         `json:"part"`
}

// relClasses are the query classes, each with at least minPerClass queries.
var relClasses = []string{
	"zh-skill",     // Chinese skill or role words
	"en-skill",     // English skill or role words
	"cross-zh-en",  // a Chinese query that must find English profiles
	"cross-en-zh",  // an English query that must find Chinese profiles
	"abbreviation", // UE, AE, PS, C4D, MG, VFX, 网文, 手游, 端游...
	"tool-symbol",  // C#, C++, .NET, 3ds Max, Cinema 4D, Pro Tools...
	"phrase",       // quoted, literal
	"exclusion",    // -word
	"name",         // a person's name
	"pinyin",       // a Chinese name in pinyin or initials
	"typo",         // an English word of 5+ letters one edit away
	"filters",      // words plus filters
	"traditional",  // Traditional Chinese queries
	"distractor",   // a query with profiles that share its characters or words
}

const (
	minProfiles  = 200
	minQueries   = 150
	minPerClass  = 8
	firstOldID   = "t001" // the original profiles, t001..t082, whose keys
	lastOldID    = "t082" // (district, industries, origin, level) bound the others'
	goalNDCG     = 0.95   // in both parts
	goalGap      = 0.03   // |held-out NDCG − tuned NDCG|
	goalIntruded = 0      // distractors in the top k, in each part
)

// goalClasses are held to the full goals (NDCG@10 ≥ goalNDCG and no
// distractor in the top k, in both parts, and the held-out NDCG within
// goalGap of the tuned). They are exactly the classes that meet the goals:
// none did when the set was written, these five after the literal quotes,
// the vocabulary, the pinyin of names, the corrected typos and the forms of
// names; a class with a floor that comes to meet them fails the test until
// it is moved here, so that what has been reached is kept.
var goalClasses = map[string]bool{"tool-symbol": true, "phrase": true, "pinyin": true, "filters": true, "name": true}

// classFloor is what a class not yet held to the goals must not fall below:
// its NDCG@10 over both parts (0: no NDCG floor, for a class that finds
// nothing yet), and at most that many distractors in the top k over all its
// queries. Set a little below the measured figures (in the comments, words
// analysis, both parts) so that a regression fails.
type classFloor struct {
	ndcg       float64
	intrusions int
}

var classFloors = map[string]classFloor{
	// measured when the set was written: zh-skill 0.871 / 1, en-skill 0.743
	// / 0, cross-zh-en 0.788 / 2, cross-en-zh 0.662 / 5, abbreviation 0.841
	// / 3, exclusion 0.842 / 6, name 0.916 / 1, typo 0.300 / 7, traditional
	// 0.775 / 2, distractor 0.861 / 4; now (the floors a little below):
	"zh-skill":     {0.95, 0}, // NDCG 0.972, 0 distractors
	"en-skill":     {0.97, 1}, // NDCG 0.991, 1 distractors
	"cross-zh-en":  {0.95, 1}, // NDCG 0.973, 1 distractors
	"cross-en-zh":  {0.96, 2}, // NDCG 0.985, 2 distractors
	"abbreviation": {0.96, 2}, // NDCG 0.981, 2 distractors
	"exclusion":    {0.94, 1}, // NDCG 0.969, 1 distractors
	"typo":         {0.90, 4}, // NDCG 0.922, 4 distractors
	"traditional":  {0.93, 2}, // NDCG 0.957, 2 distractors
	"distractor":   {0.93, 4}, // NDCG 0.957, 4 distractors
}

func loadJSON(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("testdata/relevance/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// relevanceIndex indexes the test profiles with the given analysis; ids are
// the profiles' own ("t001") mapped to 24-hex ids and back.
func relevanceIndex(t testing.TB, a Analysis) (*Index, map[string]string) {
	var profiles []*models.Talent
	loadJSON(t, "profiles.json", &profiles)
	ix, err := Open(context.Background(), Options{Analysis: a})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	back := map[string]string{}
	b := ix.newBatch()
	for i, p := range profiles {
		id := fmt.Sprintf("%024x", i+1)
		back[id] = p.ID
		tal := *p
		tal.ID, tal.OwnerID, tal.Visibility, tal.Version = id, id, models.VisibilityPublic, 1
		tal.CreatedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		tal.UpdatedAt = tal.CreatedAt
		if err := ix.index(b, &tal); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.commit(b); err != nil {
		t.Fatal(err)
	}
	return ix, back
}

func (q relQuery) search() models.TalentSearch {
	s := models.TalentSearch{Q: q.Q, Visibility: []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}, Page: models.Page{Page: 1, PerPage: 10}}
	strs := func(k string) []string {
		var out []string
		if v, ok := q.Filters[k].([]any); ok {
			for _, x := range v {
				out = append(out, x.(string))
			}
		}
		return out
	}
	s.District, s.Industries, s.Skills, s.Origin, s.Level = strs("district"), strs("industries"), strs("skills"), strs("origin"), strs("level")
	if v, ok := q.Filters["available"].(bool); ok {
		s.Available = &v
	}
	if v, ok := q.Filters["min_years"].(float64); ok {
		n := int(v)
		s.MinYears = &n
	}
	if v, ok := q.Filters["max_years"].(float64); ok {
		n := int(v)
		s.MaxYears = &n
	}
	return s
}

// validateRelevanceSet checks the set itself: sizes, classes, parts, k and
// judged ids.
func validateRelevanceSet(t *testing.T, profiles []*models.Talent, queries []relQuery) {
	t.Helper()
	if len(profiles) < minProfiles {
		t.Errorf("%d profiles, want at least %d", len(profiles), minProfiles)
	}
	if len(queries) < minQueries {
		t.Errorf("%d queries, want at least %d", len(queries), minQueries)
	}
	ids := map[string]bool{}
	keys := map[string]map[string]bool{"district": {}, "industries": {}, "origin": {}, "level": {}}
	for _, p := range profiles {
		if ids[p.ID] {
			t.Errorf("profile %s twice", p.ID)
		}
		ids[p.ID] = true
		if p.ID >= firstOldID && p.ID <= lastOldID {
			keys["district"][p.District], keys["origin"][string(p.Origin)], keys["level"][string(p.Level)] = true, true, true
			for _, in := range p.Industries {
				keys["industries"][in] = true
			}
		}
	}
	for _, p := range profiles {
		for k, v := range map[string][]string{"district": {p.District}, "origin": {string(p.Origin)}, "level": {string(p.Level)}, "industries": p.Industries} {
			for _, x := range v {
				if !keys[k][x] {
					t.Errorf("profile %s: %s %q is not one the original profiles use", p.ID, k, x)
				}
			}
		}
	}
	known := map[string]bool{}
	for _, c := range relClasses {
		known[c] = true
	}
	qids := map[string]bool{}
	sorted := slices.Clone(queries)
	sort.Slice(sorted, func(i, j int) bool { // id order: q9 < q10 < q100
		a, b := sorted[i].ID, sorted[j].ID
		return len(a) < len(b) || len(a) == len(b) && a < b
	})
	nth := map[string]int{}
	for _, q := range sorted {
		if qids[q.ID] {
			t.Errorf("query %s twice", q.ID)
		}
		qids[q.ID] = true
		if !known[q.Class] {
			t.Errorf("%s: unknown class %q", q.ID, q.Class)
		}
		nth[q.Class]++
		want := "tuned"
		if nth[q.Class]%3 == 0 {
			want = "held_out"
		}
		if q.Part != want {
			t.Errorf("%s: part %q, the rule gives %q (query %d of class %s)", q.ID, q.Part, want, nth[q.Class], q.Class)
		}
		checkJudged(t, q, ids)
	}
	for _, c := range relClasses {
		if nth[c] < minPerClass {
			t.Errorf("class %s has %d queries, want at least %d", c, nth[c], minPerClass)
		}
		_, floored := classFloors[c]
		if goalClasses[c] == floored {
			t.Errorf("class %s must be in exactly one of goalClasses and classFloors", c)
		}
	}
	for c := range goalClasses {
		if !known[c] {
			t.Errorf("goalClasses: unknown class %q", c)
		}
	}
	for c := range classFloors {
		if !known[c] {
			t.Errorf("classFloors: unknown class %q", c)
		}
	}
}

// checkJudged checks the judgments of one query against the profiles' ids.
func checkJudged(t *testing.T, q relQuery, ids map[string]bool) {
	t.Helper()
	if len(q.Relevant) == 0 {
		t.Errorf("%s: no relevant profile (negative cases go in not_relevant of a query that has relevant ones)", q.ID)
	}
	if q.K < 1 || q.K > len(q.Relevant) || q.K > 10 {
		t.Errorf("%s: k %d, want 1 ≤ k ≤ min(10, %d relevant)", q.ID, q.K, len(q.Relevant))
	}
	seen := map[string]bool{}
	for _, id := range append(slices.Clone(q.Relevant), q.NotRelevant...) {
		if !ids[id] {
			t.Errorf("%s: unknown profile %s", q.ID, id)
		}
		if seen[id] {
			t.Errorf("%s: %s judged twice", q.ID, id)
		}
		seen[id] = true
	}
	if q.Note == "" {
		t.Errorf("%s: no note", q.ID)
	}
}

// The fresh part (testdata/relevance/fresh.json) was written and judged on
// 2026-12-02, after the held-out part had been reported on for two days, by
// someone who read the profiles and the vocabulary but never ran the
// engine, and before that day's changes were measured on it: a second
// held-out part, four queries a class, measured and reported, never tuned
// on. Its floor is set a little under what it measured when it was written
// (in the comment), so that a regression fails.
const (
	freshPerClass      = 4
	freshFloorNDCG     = 0.92 // measured 0.942 (0.935 before the day's changes)
	freshMaxDistractor = 6    // measured 5 (5 before)
)

// validateFresh checks the fresh part: its ids, its part, its judgments and
// four queries in every class, none the same as a query of the first set.
func validateFresh(t *testing.T, profiles []*models.Talent, queries, fresh []relQuery) {
	t.Helper()
	ids := map[string]bool{}
	for _, p := range profiles {
		ids[p.ID] = true
	}
	asked := map[string]bool{}
	for _, q := range queries {
		asked[q.Q] = true
	}
	per, qids := map[string]int{}, map[string]bool{}
	for _, q := range fresh {
		if !strings.HasPrefix(q.ID, "f") || qids[q.ID] {
			t.Errorf("fresh query %q: the ids are f01, f02, ..., each once", q.ID)
		}
		qids[q.ID] = true
		if q.Part != "fresh" {
			t.Errorf("%s: part %q, want fresh", q.ID, q.Part)
		}
		if asked[q.Q] {
			t.Errorf("%s: %q is a query of the first set", q.ID, q.Q)
		}
		per[q.Class]++
		checkJudged(t, q, ids)
	}
	for _, c := range relClasses {
		if per[c] != freshPerClass {
			t.Errorf("fresh part: class %s has %d queries, want %d", c, per[c], freshPerClass)
		}
	}
}

// scores are the measures of one query.
type scores struct {
	precision, recall, ndcg float64
	intruders               []string // not_relevant ids in the top k
	missing                 []string // relevant ids not in the top k
}

func measure(q relQuery, ranked []string) scores {
	var s scores
	rel := map[string]bool{}
	for _, id := range q.Relevant {
		rel[id] = true
	}
	top := ranked[:min(q.K, len(ranked))]
	hits := 0
	for _, id := range top {
		if rel[id] {
			hits++
		}
		if slices.Contains(q.NotRelevant, id) {
			s.intruders = append(s.intruders, id)
		}
	}
	for _, id := range q.Relevant {
		if !slices.Contains(top, id) {
			s.missing = append(s.missing, id)
		}
	}
	s.precision = float64(hits) / float64(q.K)
	s.recall = float64(hits) / float64(len(q.Relevant))
	dcg, idcg := 0.0, 0.0
	for i, id := range ranked[:min(10, len(ranked))] {
		if rel[id] {
			dcg += 1 / math.Log2(float64(i+2))
		}
	}
	for i := range min(10, len(q.Relevant)) {
		idcg += 1 / math.Log2(float64(i+2))
	}
	if idcg > 0 {
		s.ndcg = dcg / idcg
	}
	return s
}

// tally sums the measures of several queries.
type tally struct {
	n                       int
	precision, recall, ndcg float64
	intrusions              int
}

func (a *tally) add(s scores) {
	a.n++
	a.precision += s.precision
	a.recall += s.recall
	a.ndcg += s.ndcg
	a.intrusions += len(s.intruders)
}

// mean returns the tally with its measures averaged (intrusions stay a count).
func (a tally) mean() tally {
	if a.n == 0 {
		return a
	}
	n := float64(a.n)
	return tally{n: a.n, precision: a.precision / n, recall: a.recall / n, ndcg: a.ndcg / n, intrusions: a.intrusions}
}

func (a tally) String() string {
	return fmt.Sprintf("n %3d  P@k %.3f  R@k %.3f  NDCG@10 %.3f  distractors %d", a.n, a.precision, a.recall, a.ndcg, a.intrusions)
}

// relResult is the measure of the whole set for one analysis: per class
// and part ("" for both parts), per part ("" class) and overall ("", "").
type relResult struct {
	by     map[[2]string]tally
	report []string
}

func (r relResult) get(class, part string) tally { return r.by[[2]string{class, part}].mean() }

// evaluate runs every query and tallies the measures.
func evaluate(t *testing.T, ix *Index, back map[string]string, queries []relQuery) relResult {
	r := relResult{by: map[[2]string]tally{}}
	for _, q := range queries {
		page, err := ix.SearchTalents(context.Background(), q.search())
		if err != nil {
			t.Fatalf("%s %q: %v", q.ID, q.Q, err)
		}
		var ranked []string
		for _, h := range page.Hits {
			ranked = append(ranked, back[h.ID])
		}
		s := measure(q, ranked)
		for _, key := range [][2]string{{q.Class, q.Part}, {q.Class, ""}, {"", q.Part}, {"", ""}} {
			c := r.by[key]
			c.add(s)
			r.by[key] = c
		}
		if len(s.missing) > 0 || len(s.intruders) > 0 {
			r.report = append(r.report, fmt.Sprintf("%s %-13s %-8s %-22q P@k %.2f NDCG %.2f missing %v intruders %v (got %v)",
				q.ID, q.Class, q.Part, q.Q, s.precision, s.ndcg, s.missing, s.intruders, ranked))
		}
	}
	return r
}

// shown keeps the report's lines of tuned queries, and those of the
// held-out and fresh parts only with RELEVANCE_SHOW_HELD_OUT=1: a held-out
// query read while tuning is held out no more.
func shown(report []string) []string {
	if os.Getenv("RELEVANCE_SHOW_HELD_OUT") == "1" {
		return report
	}
	var out []string
	hidden := 0
	for _, line := range report {
		if strings.Contains(line, " tuned ") {
			out = append(out, line)
		} else {
			hidden++
		}
	}
	if hidden > 0 {
		out = append(out, fmt.Sprintf("%d held-out or fresh queries missed (RELEVANCE_SHOW_HELD_OUT=1 lists them; reading them spends them)", hidden))
	}
	return out
}

// goalMisses says how a class falls short of the goals; none if it meets them.
func (r relResult) goalMisses(class string) []string {
	var why []string
	tuned, held := r.get(class, "tuned"), r.get(class, "held_out")
	for _, p := range []struct {
		name string
		s    tally
	}{{"tuned", tuned}, {"held_out", held}} {
		if p.s.ndcg < goalNDCG {
			why = append(why, fmt.Sprintf("%s NDCG@10 %.3f < %.2f", p.name, p.s.ndcg, goalNDCG))
		}
		if p.s.intrusions > goalIntruded {
			why = append(why, fmt.Sprintf("%s %d distractors in the top k", p.name, p.s.intrusions))
		}
	}
	if d := math.Abs(held.ndcg - tuned.ndcg); d > goalGap {
		why = append(why, fmt.Sprintf("held-out NDCG %.3f is %.3f from tuned %.3f (> %.2f)", held.ndcg, d, tuned.ndcg, goalGap))
	}
	return why
}

func TestRelevance(t *testing.T) {
	var profiles []*models.Talent
	var queries []relQuery
	loadJSON(t, "profiles.json", &profiles)
	loadJSON(t, "queries.json", &queries)
	var fresh []relQuery
	loadJSON(t, "fresh.json", &fresh)
	validateRelevanceSet(t, profiles, queries)
	validateFresh(t, profiles, queries, fresh)
	if t.Failed() {
		t.FailNow()
	}
	for _, a := range []Analysis{AnalysisWords, AnalysisBigrams} {
		ix, back := relevanceIndex(t, a)
		r := evaluate(t, ix, back, queries)
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %d profiles, %d queries\n", a, len(profiles), len(queries))
		fmt.Fprintf(&b, "    %-13s %-8s %s\n", "all", "", r.get("", ""))
		for _, part := range []string{"tuned", "held_out"} {
			fmt.Fprintf(&b, "    %-13s %-8s %s\n", "all", part, r.get("", part))
		}
		for _, c := range relClasses {
			for _, part := range []string{"tuned", "held_out", ""} {
				label := part
				if part == "" {
					label = "both"
				}
				fmt.Fprintf(&b, "    %-13s %-8s %s\n", c, label, r.get(c, part))
			}
		}
		rf := evaluate(t, ix, back, fresh)
		fmt.Fprintf(&b, "    %-13s %-8s %s\n", "all", "fresh", rf.get("", ""))
		for _, c := range relClasses {
			fmt.Fprintf(&b, "    %-13s %-8s %s\n", c, "fresh", rf.get(c, ""))
		}
		t.Log(b.String())
		if testing.Verbose() {
			for _, line := range shown(append(r.report, rf.report...)) {
				t.Logf("%s: %s", a, line)
			}
		}
		if a != AnalysisWords {
			continue // the comparison is measured, not held to goals or floors
		}
		if s := rf.get("", ""); s.ndcg < freshFloorNDCG || s.intrusions > freshMaxDistractor {
			t.Errorf("fresh part: NDCG@10 %.3f (≥ %.2f), %d distractors in the top k (≤ %d)", s.ndcg, freshFloorNDCG, s.intrusions, freshMaxDistractor)
		}
		failed := false
		for _, c := range relClasses {
			misses := r.goalMisses(c)
			switch {
			case len(misses) == 0:
				t.Logf("%-13s meets the goals", c)
			default:
				t.Logf("%-13s does not meet the goals: %s", c, strings.Join(misses, "; "))
			}
			if goalClasses[c] && len(misses) > 0 {
				t.Errorf("class %s is in goalClasses but misses the goals: %s", c, strings.Join(misses, "; "))
				failed = true
			}
			if f, ok := classFloors[c]; ok {
				s := r.get(c, "")
				if f.ndcg > 0 && s.ndcg < f.ndcg {
					t.Errorf("class %s below its floor: NDCG@10 %.3f (≥ %.2f)", c, s.ndcg, f.ndcg)
					failed = true
				}
				if s.intrusions > f.intrusions {
					t.Errorf("class %s above its ceiling: %d distractors in the top k (≤ %d)", c, s.intrusions, f.intrusions)
					failed = true
				}
				if len(misses) == 0 {
					t.Errorf("class %s meets the goals: move it from classFloors to goalClasses", c)
					failed = true
				}
			}
		}
		if failed && !testing.Verbose() {
			for _, line := range shown(r.report) {
				t.Log(line)
			}
		}
	}
}

// TestLeanQueriesFindAndScoreTheSame: lean removes layers of a query that
// change nothing; every query of the relevance set, with each sort, finds
// the same hits with the same scores (to the bit), the same total and the
// same facets with and without it.
func TestLeanQueriesFindAndScoreTheSame(t *testing.T) {
	var queries, fresh []relQuery
	loadJSON(t, "queries.json", &queries)
	loadJSON(t, "fresh.json", &fresh)
	queries = append(queries, fresh...)
	ix, _ := relevanceIndex(t, AnalysisWords)
	run := func(q models.TalentSearch, leaned bool) *models.SearchPage {
		leanQueries = leaned
		defer func() { leanQueries = true }()
		ix.tied.Clear()
		ix.facetCache.mu.Lock()
		ix.facetCache.entries, ix.facetCache.partials = map[string]*facetEntry{}, map[string]partialCounts{}
		ix.facetCache.mu.Unlock()
		p, err := ix.SearchTalents(context.Background(), q)
		if err != nil {
			t.Fatalf("%q: %v", q.Q, err)
		}
		return p
	}
	differed := 0
	for _, rq := range queries {
		for _, sort := range []string{"relevance", "experience"} {
			q := rq.search()
			q.Sort, q.Page.PerPage = sort, 30
			lq, err := ParseText(q.Q)
			if err != nil {
				t.Fatal(err)
			}
			parts, _, err := ix.textParts(models.CollTalents, lq, nil)
			if err != nil {
				t.Fatal(err)
			}
			whole := query.NewBooleanQuery(parts, nil, nil)
			if a, b := jsonOf(t, whole), jsonOf(t, lean(whole)); a != b {
				differed++
			}
			want, got := run(q, false), run(q, true)
			if want.Total != got.Total || want.Partial != got.Partial || fmt.Sprint(want.Facets) != fmt.Sprint(got.Facets) || !slices.EqualFunc(want.Hits, got.Hits, func(a, b models.SearchHit) bool {
				return a.ID == b.ID && math.Float64bits(a.Score) == math.Float64bits(b.Score)
			}) {
				t.Errorf("%s %q (%s): leaned %d %v, want %d %v", rq.ID, rq.Q, sort, got.Total, got.Hits, want.Total, want.Hits)
			}
		}
	}
	if differed == 0 {
		t.Error("lean left every query as it was: the test compares nothing")
	}
}

func jsonOf(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
