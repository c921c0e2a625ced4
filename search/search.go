package search

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
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
	models.CollTalents:  {"district", "industries", "skills", "origin", "level"},
	models.CollProjects: {"district", "industries", "skills", "kind"},
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

// SearchTalents implements models.Searcher.
func (ix *Index) SearchTalents(ctx context.Context, q models.TalentSearch) (*models.SearchPage, error) {
	must := []query.Query{termQuery(typeField, models.CollTalents)}
	vis := make([]string, len(q.Visibility))
	for i, v := range q.Visibility {
		vis[i] = string(v)
	}
	if len(vis) == 0 {
		return nil, errors.New("search: a talent search needs the visibilities the caller may see")
	}
	must = filter(must, "visibility", vis)
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
	sortBy := map[string][]string{
		"": {"-_score", "-updated_at", "_id"}, "relevance": {"-_score", "-updated_at", "_id"},
		"newest": {"-created_at", "_id"}, "experience": {"-years_experience", "-_score", "_id"},
	}[q.Sort]
	if sortBy == nil {
		return nil, badSort("relevance, newest or experience")
	}
	return ix.search(ctx, models.CollTalents, q.Q, must, sortBy, q.Page)
}

// SearchProjects implements models.Searcher.
func (ix *Index) SearchProjects(ctx context.Context, q models.ProjectSearch) (*models.SearchPage, error) {
	must := []query.Query{termQuery(typeField, models.CollProjects)}
	must = filter(must, "kind", q.Kind)
	must = filter(must, "district", q.District)
	must = filter(must, "industries", q.Industries)
	must = filter(must, "skills_key", keys(q.Skills))
	must = filter(must, "org_id", q.OrgID)
	must = filter(must, "status", q.Status)
	sortBy := map[string][]string{
		"": {"-_score", "-created_at", "_id"}, "relevance": {"-_score", "-created_at", "_id"},
		"newest": {"-created_at", "_id"}, "deadline": {"deadline", "_id"},
	}[q.Sort]
	if sortBy == nil {
		return nil, badSort("relevance, newest or deadline")
	}
	return ix.search(ctx, models.CollProjects, q.Q, must, sortBy, q.Page)
}

func badSort(allowed string) error {
	return &models.Error{Code: models.CodeBadRequest, Message: "sort must be " + allowed, Fields: map[string]string{"sort": "must be " + allowed}}
}

// search runs a search of coll: filters, the parsed text, facets and
// highlights, within the time budget.
func (ix *Index) search(ctx context.Context, coll, text string, must []query.Query, sortBy []string, page models.Page) (*models.SearchPage, error) {
	start := time.Now()
	if page.PerPage == 0 {
		page = models.Page{Page: 1, PerPage: 20}
	}
	if page.Offset()+page.PerPage > maxDepth {
		return nil, &models.Error{Code: models.CodeBadRequest, Message: fmt.Sprintf("results beyond the first %d cannot be paged to; narrow the search", maxDepth),
			Fields: map[string]string{"page": "too deep"}}
	}
	var not []query.Query
	if text != "" {
		p, err := ParseText(text)
		if err != nil {
			return nil, err
		}
		tq, nq, err := ix.textQuery(coll, p)
		if err != nil {
			return nil, err
		}
		if tq != nil {
			must = append(must, tq)
		}
		not = nq
	}
	req := bleve.NewSearchRequestOptions(query.NewBooleanQuery(must, nil, not), page.PerPage, page.Offset(), false)
	req.SortBy(sortBy)
	for _, f := range facets[coll] {
		req.AddFacet(f, bleve.NewFacetRequest(f, facetSize))
	}
	if text != "" {
		req.Highlight = bleve.NewHighlightWithStyle("html")
		for f, kind := range fields[coll] {
			if kind == hl {
				req.Highlight.AddField(f)
			}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, searchBudget)
	defer cancel()
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, badQuery("the search is too expensive; add words or filters to narrow it")
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &models.SearchPage{Total: int(res.Total), Facets: map[string][]models.FacetCount{}, Took: time.Since(start)}
	for _, h := range res.Hits {
		_, id := splitID(h.ID)
		out.Hits = append(out.Hits, models.SearchHit{ID: id, Score: h.Score, Highlights: fragments(h)})
	}
	for name, fr := range res.Facets {
		counts := []models.FacetCount{}
		if fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				counts = append(counts, models.FacetCount{Key: t.Term, Count: t.Count})
			}
		}
		sort.SliceStable(counts, func(i, j int) bool {
			return counts[i].Count > counts[j].Count || counts[i].Count == counts[j].Count && counts[i].Key < counts[j].Key
		})
		out.Facets[name] = counts
	}
	return out, nil
}

// fragments returns a hit's highlighted fragments by field, with the
// internal field names mapped to the API's.
func fragments(h *search.DocumentMatch) map[string][]string {
	out := map[string][]string{}
	for f, frags := range h.Fragments {
		name := strings.TrimSuffix(f, "_text")
		out[name] = append(out[name], frags...)
	}
	return out
}
