package search

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/szdc/talenthub/models"
)

var _ models.Searcher = (*Index)(nil)

// Limits of a search.
const (
	searchBudget = 2 * time.Second // beyond it a query is refused as too expensive
	maxDepth     = 10_000          // page × per_page
	facetSize    = 20
)

// facets of each collection's searches.
var facets = map[string][]string{
	models.CollTalents:  models.TalentFacets,
	models.CollProjects: models.ProjectFacets,
	models.CollTeams:    teamFacets,
}

// filter adds "field is one of values" to must.
func filter(must []query.Query, field string, values []string) []query.Query {
	if len(values) == 0 {
		return must
	}
	or := make([]query.Query, len(values))
	for i, v := range values {
		or[i] = termQuery(field, v)
	}
	return append(must, query.NewDisjunctionQuery(or))
}

// keys folds filter values for the folded key fields.
func keys(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = Fold(strings.TrimSpace(v))
	}
	return out
}

func numRange(field string, min, max *int) query.Query {
	var lo, hi *float64
	if min != nil {
		f := float64(*min)
		lo = &f
	}
	if max != nil {
		f := float64(*max)
		hi = &f
	}
	t := true
	rq := query.NewNumericRangeInclusiveQuery(lo, hi, &t, &t)
	rq.SetField(field)
	return rq
}

// talentFilters are the conditions of a talent search other than its words
// and the visibilities (a search and a saved search's percolation share
// them).
func talentFilters(q models.TalentSearch) []query.Query {
	var must []query.Query
	must = filter(must, "skills_key", keys(q.Skills))
	must = filter(must, "tools_key", keys(q.Tools))
	must = filter(must, "industries", q.Industries)
	must = filter(must, "district", q.District)
	must = filter(must, "origin", q.Origin)
	must = filter(must, "level", q.Level)
	if q.Available != nil {
		bq := query.NewBoolFieldQuery(*q.Available)
		bq.SetField("available")
		must = append(must, bq)
	}
	if q.MinYears != nil || q.MaxYears != nil {
		must = append(must, numRange("years_experience", q.MinYears, q.MaxYears))
	}
	return must
}

// projectFilters are the conditions of a project search other than its
// words.
func projectFilters(q models.ProjectSearch) []query.Query {
	var must []query.Query
	must = filter(must, "kind", q.Kind)
	must = filter(must, "district", q.District)
	must = filter(must, "industries", q.Industries)
	must = filter(must, "skills_key", keys(q.Skills))
	must = filter(must, "org_id", q.OrgID)
	must = filter(must, "status", q.Status)
	must = filter(must, "pay_unit", q.PayUnit)
	return must
}

// SearchTalents implements models.Searcher.
func (ix *Index) SearchTalents(ctx context.Context, q models.TalentSearch) (*models.SearchPage, error) {
	vis := make([]string, len(q.Visibility))
	for i, v := range q.Visibility {
		vis[i] = string(v)
	}
	if len(vis) == 0 {
		return nil, errors.New("search: a talent search needs the visibilities the caller may see")
	}
	// Only profiles have a visibility: the filter scopes the search to them
	// without a (costly, every-document) type clause.
	seen := filter(nil, "visibility", vis)[0]
	must := append([]query.Query{seen}, talentFilters(q)...)
	browse := q.Q == "" && len(must) == 1
	// Ties are broken by id: the index's own order of equal hits changes
	// when Bleve merges segments, and pages read before and after a merge
	// would then repeat some hits and skip others.
	sortBy := map[string][]string{
		"": {"-_score", "_id"}, "relevance": {"-_score", "_id"},
		"newest": {"-created_at", "_id"}, "experience": {"-years_experience", "-_score", "_id"},
	}[q.Sort]
	if sortBy == nil {
		return nil, badSort("relevance, newest or experience")
	}
	var scopes []string
	if browse {
		scopes = vis
	}
	return ix.search(ctx, models.CollTalents, q.Q, seen, must, sortBy, q.Page, scopes)
}

// SearchProjects implements models.Searcher.
func (ix *Index) SearchProjects(ctx context.Context, q models.ProjectSearch) (*models.SearchPage, error) {
	must := append([]query.Query{termQuery(typeField, models.CollProjects)}, projectFilters(q)...)
	browse := q.Q == "" && len(must) == 1
	sortBy := map[string][]string{
		"": {"-_score", "_id"}, "relevance": {"-_score", "_id"},
		"newest": {"-created_at", "_id"}, "deadline": {"deadline", "_id"},
		// Paid by the month, day or hour: by the top of the range as a
		// month's pay; then paid by the project, by the fee; then
		// negotiable (a missing value sorts last either way).
		"pay": {"-pay_monthly", "-pay_max", "-pay_min", "_id"},
	}[q.Sort]
	if sortBy == nil {
		return nil, badSort("relevance, newest, deadline, pay or match")
	}
	if q.Sort == "pay" && len(q.PayUnit) == 1 {
		// One unit: its own figures, the top of the range first.
		sortBy = []string{"-pay_max", "-pay_min", "_id"}
	}
	var scopes []string
	if browse {
		scopes = []string{""}
	}
	return ix.search(ctx, models.CollProjects, q.Q, nil, must, sortBy, q.Page, scopes)
}

func badSort(allowed string) error {
	return &models.Error{Code: models.CodeBadRequest, Message: "sort must be " + allowed, Fields: map[string]string{"sort": "must be " + allowed},
		Rules: map[string]models.FieldRule{"sort": {Rule: models.RuleOneOf, Param: allowed}}}
}

// checkPage gives a zero page its default and refuses one deeper than
// maxDepth: Bleve keeps every hit before the page in memory.
func checkPage(page models.Page, what, advice string) (models.Page, error) {
	if page.PerPage == 0 {
		page = models.Page{Page: 1, PerPage: 20}
	}
	if page.Offset()+page.PerPage > maxDepth {
		return page, &models.Error{Code: models.CodeBadRequest, Message: fmt.Sprintf("%s beyond the first %d cannot be paged to; %s", what, maxDepth, advice),
			Fields: map[string]string{"page": "too deep"}, Rules: map[string]models.FieldRule{"page": {Rule: models.RuleTooDeep, Param: fmt.Sprint(maxDepth)}}}
	}
	return page, nil
}

// search runs a search of coll: filters and the parsed text, a page of hits,
// the exact total and the facets, within the time budget. A browse
// (browseScopes set: no words, no filters) takes its facets from the kept
// counts; other searches from Bleve, cached until the index changes. When
// no document has every word and phrase asked, it answers the documents
// with the most of them instead, marked partial.
//
// seen is what the caller may see of coll (nil: all of it); a misspelling
// is corrected towards words of those documents only, so that a correction
// never tells of a text the caller cannot read.
func (ix *Index) search(ctx context.Context, coll, text string, seen query.Query, filters []query.Query, sortBy []string, page models.Page, browseScopes []string) (*models.SearchPage, error) {
	start := time.Now()
	page, err := checkPage(page, "results", "narrow the search")
	if err != nil {
		return nil, err
	}
	var words query.Query
	var parsed Parsed
	var not []query.Query
	if text != "" {
		if parsed, err = ParseText(text); err != nil {
			return nil, err
		}
		var parts []query.Query
		if parts, not, err = ix.textParts(coll, parsed, seen); err != nil {
			return nil, err
		}
		if len(parts) > 0 {
			words = query.NewConjunctionQuery(parts)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, searchBudget)
	defer cancel()
	if browseScopes != nil && ix.disk != nil && walkable(sortBy, page) {
		out, err := ix.browseWalk(ctx, coll, browseScopes, page)
		if err != nil {
			return nil, err
		}
		out.Took = time.Since(start)
		return out, nil
	}
	out, err := ix.runSearch(ctx, coll, scoped(words, filters, not), text != "", sortBy, page, browseScopes)
	if err == nil && out.Total == 0 && !parsed.Empty() {
		var parts []query.Query
		if parts, err = ix.partialParts(coll, parsed); err == nil {
			if parts = distinctQueries(parts); len(parts) > 1 {
				out, err = ix.partialSearch(ctx, coll, filters, parts, not, sortBy, page)
			}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, badQuery(models.RuleQueryTooComplex, 0, "the search is too expensive; add words or filters to narrow it")
		}
		return nil, err
	}
	out.Took = time.Since(start)
	return out, nil
}

// scoped is words (nil: none) among the documents that pass every filter
// and match nothing of not. The filters do not score: as a query's
// required parts Bleve added each one's weight to a match's score, so a
// rarer value ranked the same text higher (a profile visible to
// organisations only above a public one, a district with fewer profiles
// above another, TestFiltersDoNotRank). Without words the filters are the
// query itself: a filter alone makes Bleve visit every document.
//
// A filter does not lead: Bleve reads the words' matches and asks the
// filter of each. So the collection's own term (a project's type among the
// profiles that share the text field), when it comes first, stays among
// the required parts, weighing nothing, to lead the words' matches through
// the collection (a search of projects took three to five times as long
// without it at a million profiles).
func scoped(words query.Query, filters, not []query.Query) query.Query {
	if words == nil {
		return query.NewBooleanQuery(filters, nil, not)
	}
	must := []query.Query{words}
	if len(filters) > 0 {
		if t, ok := filters[0].(*query.TermQuery); ok && t.FieldVal == typeField {
			scope := *t
			scope.SetBoost(0)
			must, filters = append(must, &scope), filters[1:]
		}
	}
	bq := query.NewBooleanQuery(must, nil, not)
	if len(filters) > 0 {
		bq.AddFilter(query.NewConjunctionQuery(filters))
	}
	return bq
}

// distinctQueries drops repeated parts ("原画 原画"): a repeated word is
// one thing asked, and must count once among the words matched.
func distinctQueries(qs []query.Query) []query.Query {
	seen := map[string]bool{}
	var out []query.Query
	for _, q := range qs {
		b, _ := json.Marshal(q)
		if !seen[string(b)] {
			seen[string(b)] = true
			out = append(out, q)
		}
	}
	return out
}

// runSearch runs one query: a page of hits, the exact total and the
// facets.
func (ix *Index) runSearch(ctx context.Context, coll string, bq query.Query, scored bool, sortBy []string, page models.Page, browseScopes []string) (*models.SearchPage, error) {
	req := bleve.NewSearchRequestOptions(bq, page.PerPage, page.Offset(), false)
	req.Fields = []string{"version"}

	// With no words there is nothing to rank: the scores are not computed
	// (every hit scores 0 and the id orders them). The sort always has a
	// second key, so Bleve visits every match and the total is exact.
	if !scored {
		req.Score = bleve.ScoreNone
	}
	var plan *facetPlan
	counted := false // the request counts the facets
	if browseScopes == nil {
		plan = ix.planFacets(coll, bq)
		// Where large counts are deferred, the count waits for the
		// page's total (facetPlan.facets).
		if counted = plan.computes() && ix.facetsDeferFrom() == 0; counted {
			addFacets(req, coll)
		}
	}
	memo := ""
	if plan != nil {
		memo = plan.key
	}
	res, err := ix.searchPage(ctx, req, sortBy, page.Offset(), page.PerPage, memo)
	if err != nil {
		if plan != nil {
			_, _ = plan.done(ctx, nil)
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &models.SearchPage{Total: int(res.Total), Facets: map[string][]models.FacetCount{}}
	for _, h := range res.Hits {
		_, id := splitID(h.ID)
		out.Hits = append(out.Hits, models.SearchHit{ID: id, Score: h.Score, Version: hitVersion(h)})
	}
	if browseScopes != nil {
		ix.commitMu.RLock()
		_, out.Facets = ix.facets.browse(coll, browseScopes, facets[coll])
		ix.commitMu.RUnlock()
		return out, nil
	}
	if out.Facets, out.FacetsPending, err = plan.facets(ctx, res, counted, out.Total); err != nil {
		return nil, err
	}
	return out, nil
}

// partialSearch answers a search whose parts (words' concepts, phrases)
// never all match: the documents that match at least one, those matching
// more parts first, and within as many parts in the search's order. Tier k
// is the documents matching k parts exactly (at least k, not k+1); a page
// is cut from the tiers in turn, so the total is exact (the documents
// matching any part) and pages neither repeat nor skip a document. The
// facets are those of every partial result.
func (ix *Index) partialSearch(ctx context.Context, coll string, filters, parts, not []query.Query, sortBy []string, page models.Page) (*models.SearchPage, error) {
	atLeast := func(k int) query.Query {
		d := query.NewDisjunctionQuery(parts)
		d.SetMin(float64(k))
		return d
	}
	tier := func(k int) query.Query {
		notK := not
		if k < len(parts) {
			notK = append(slices.Clip(not), atLeast(k+1))
		}
		return scoped(atLeast(k), filters, notK)
	}
	anyQ := scoped(atLeast(1), filters, not)
	// The total and the tiers' sizes are passes over every match: kept, as
	// the facets are, until the collection changes.
	raw, _ := json.Marshal(anyQ)
	key, gen := joinKey(coll, string(raw)), ix.generationOf(coll).Load()
	counts, ok := ix.facetCache.partial(key, gen)
	out := &models.SearchPage{Partial: true}
	if !ok {
		all, err := ix.runSearch(ctx, coll, anyQ, true, sortBy, models.Page{Page: 1, PerPage: 0}, nil)
		if err != nil || all.Total == 0 {
			return all, err
		}
		out.Facets, out.FacetsPending = all.Facets, all.FacetsPending // counted (or deferred) by that pass: not again below
		counts = partialCounts{gen: gen, total: all.Total, tiers: make([]int, len(parts)+1)}
		for k := len(parts); k >= 1; k-- {
			if counts.tiers[k], err = ix.count(ctx, tier(k)); err != nil {
				return nil, err
			}
		}
		ix.keepPartial(key, coll, counts)
	}
	out.Total = counts.total
	var err error
	if out.Facets == nil {
		out.Facets, out.FacetsPending, err = ix.planFacets(coll, anyQ).facets(ctx, &bleve.SearchResult{}, false, out.Total)
		if err != nil {
			return nil, err
		}
	}
	skip, want := page.Offset(), page.PerPage
	// All the parts can match together when the whole words did not (the
	// fallback splits 游戏美术 into 游戏 and 美术): the first tier is all.
	for k := len(parts); k >= 1 && want > 0; k-- {
		count := counts.tiers[k]
		if skip >= count {
			skip -= count
			continue
		}
		req := bleve.NewSearchRequestOptions(tier(k), 0, 0, false)
		req.Fields = []string{"version"}
		res, err := ix.searchPage(ctx, req, sortBy, skip, min(want, count-skip), fmt.Sprintf("%s\x00%d", key, k))
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		for _, h := range res.Hits {
			_, id := splitID(h.ID)
			out.Hits = append(out.Hits, models.SearchHit{ID: id, Score: h.Score, Version: hitVersion(h)})
		}
		want -= len(res.Hits)
		skip = 0
	}
	return out, nil
}

// relevance is the order of scored hits: by score, ties by id.
var relevance = []string{"-_score", "_id"}

// searchPage runs req (its query, fields and facets set) for the size hits
// from from in the order sortBy.
//
// Breaking ties by id makes Bleve load the id of every match, a third of
// the time of a search whose words match a fifth of the profiles
// (BENCHMARKS.md, "Ties broken only where they cut a page"). In the
// relevance order the id matters only among equal scores that straddle an
// edge of the page: which of them fall on it. So the hits are sorted by
// score alone, in a window of w more on each side of the page; where the
// score changes at a place inside the window before the page and at one
// after it, the hits between the two places are exactly those the full
// order puts there, and only they are ordered by id. When the window holds
// no such places (a group of equal scores wider than it), a window 32
// times wider is tried, then the full order (without the facets, which
// the first pass counted). memo (the search's key; "" for none) remembers
// the window that served, so that the next pages start from it.
func (ix *Index) searchPage(ctx context.Context, req *bleve.SearchRequest, sortBy []string, from, size int, memo string) (*bleve.SearchResult, error) {
	req.Query = lean(req.Query)
	step := 0
	if memo != "" {
		if v, ok := ix.tied.Load(memo); ok {
			step = v.(int)
		}
	}
	if size == 0 || step >= len(tieWindows) || req.Score == bleve.ScoreNone || !slices.Equal(sortBy, relevance) {
		if size == 0 {
			// Counting: no order to keep.
			sortBy = []string{"-_score"}
		}
		req.From, req.Size = from, size
		req.SortBy(sortBy)
		return ix.bi.SearchInContext(ctx, req)
	}
	var res *bleve.SearchResult
	fields := req.Fields
	for ; step <= len(tieWindows); step++ {
		req.Fields = fields
		if step == len(tieWindows) {
			req.From, req.Size = from, size
			req.SortBy(sortBy)
		} else {
			w := tieWindows[step]
			before := min(from, w)
			req.From, req.Size = from-before, size+before+w
			req.SortBy([]string{"-_score"})
			if w > 1 {
				// The stored fields of the page only (loadFields), not
				// of the whole window.
				req.Fields = nil
			}
		}
		r, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		if res == nil {
			res = r
		} else {
			res.Hits, res.Total = r.Hits, r.Total
		}
		req.Facets = nil
		if step == len(tieWindows) {
			break
		}
		if page, ok := windowPage(r.Hits, from-req.From, size, req.From == 0, len(r.Hits) < req.Size); ok {
			res.Hits = page
			if req.Fields == nil && len(fields) > 0 {
				if err := ix.loadFields(ctx, page, fields); err != nil {
					return nil, err
				}
			}
			break
		}
	}
	if memo != "" && step > 0 {
		if _, known := ix.tied.Swap(memo, step); !known && ix.tiedN.Add(1) > 2_000 {
			ix.tied.Clear()
			ix.tiedN.Store(0)
		}
	}
	return res, nil
}

// loadFields reads the stored fields of hits, as a search asking for them
// would have. A hit deleted since has none.
func (ix *Index) loadFields(ctx context.Context, hits blevesearch.DocumentMatchCollection, fields []string) error {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery(ids), len(ids), 0, false)
	req.Score, req.Fields = bleve.ScoreNone, fields
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return err
	}
	byID := make(map[string]map[string]any, len(res.Hits))
	for _, h := range res.Hits {
		byID[h.ID] = h.Fields
	}
	for _, h := range hits {
		h.Fields = byID[h.ID]
	}
	return nil
}

// tieWindows are the widths of the windows searchPage tries in turn.
var tieWindows = []int{1, 32, 1024}

// windowPage cuts a page from hits sorted by score alone: the page starts
// at hits[at]; first is whether hits[0] is the first match, last whether
// the last hit is the last match. It reports false when the window holds
// no change of score at or before the page's start, or none at or after
// its end: equal scores outside the window could then belong on the page.
func windowPage(hits blevesearch.DocumentMatchCollection, at, size int, first, last bool) (blevesearch.DocumentMatchCollection, bool) {
	n := len(hits)
	if at >= n {
		return hits[n:], last // past the last match: an empty page
	}
	// A cut at i: the hits before i all score more than those from i on.
	cut := func(i int) bool {
		switch {
		case i == 0:
			return first
		case i == n:
			return last
		}
		return hits[i-1].Score > hits[i].Score
	}
	lo := at
	for lo >= 0 && !cut(lo) {
		lo--
	}
	hi := min(at+size, n)
	for hi <= n && !cut(hi) {
		hi++
	}
	if lo < 0 || hi > n {
		return nil, false
	}
	seg := hits[lo:hi]
	slices.SortStableFunc(seg, func(a, b *blevesearch.DocumentMatch) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ID, b.ID))
	})
	return seg[at-lo : min(at-lo+size, len(seg))], true
}

// exists says whether any document matches q: Bleve stops at the first
// when nothing is scored and one hit is asked.
func (ix *Index) exists(ctx context.Context, q query.Query) (bool, error) {
	req := bleve.NewSearchRequestOptions(lean(q), 1, 0, false)
	req.Score = bleve.ScoreNone
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return false, fmt.Errorf("search: %w", err)
	}
	return len(res.Hits) > 0, nil
}

// count is how many documents match q.
func (ix *Index) count(ctx context.Context, q query.Query) (int, error) {
	req := bleve.NewSearchRequestOptions(lean(q), 0, 0, false)
	req.Score = bleve.ScoreNone
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	return int(res.Total), nil
}

// hitVersion is the stored version of a hit (0 if absent).
func hitVersion(h *blevesearch.DocumentMatch) int64 {
	if v, ok := h.Fields["version"].(float64); ok {
		return int64(v)
	}
	return 0
}

// leanQueries is off only in the test that compares the two.
var leanQueries = true

// lean drops the layers of q that change neither what matches nor any
// score: a conjunction or disjunction (of at most one required) around a
// single query. Bleve builds a searcher for each layer, and every match
// passes through it (its heap, its scorer summing one score), which for
// a word with its synonyms and the visibility filter was three layers
// more than the terms. A boolean query's should part keeps its wrapper:
// the boolean searcher reads its minimum from it.
func lean(q query.Query) query.Query {
	if !leanQueries {
		return q
	}
	switch t := q.(type) {
	case *query.ConjunctionQuery:
		if len(t.Conjuncts) == 1 {
			return lean(t.Conjuncts[0])
		}
		c := *t
		c.Conjuncts = leanAll(t.Conjuncts)
		return &c
	case *query.DisjunctionQuery:
		if len(t.Disjuncts) == 1 && t.Min <= 1 {
			return lean(t.Disjuncts[0])
		}
		d := *t
		d.Disjuncts = leanAll(t.Disjuncts)
		return &d
	case *query.BooleanQuery:
		b := *t
		if b.Must != nil {
			b.Must = lean(b.Must)
		}
		if d, ok := b.Should.(*query.DisjunctionQuery); ok {
			s := *d
			s.Disjuncts = leanAll(d.Disjuncts)
			b.Should = &s
		}
		if b.MustNot != nil {
			b.MustNot = lean(b.MustNot)
		}
		if b.Filter != nil {
			b.Filter = lean(b.Filter)
		}
		return &b
	}
	return q
}

func leanAll(qs []query.Query) []query.Query {
	out := make([]query.Query, len(qs))
	for i, q := range qs {
		out[i] = lean(q)
	}
	return out
}
