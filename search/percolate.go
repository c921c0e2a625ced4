package search

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/szdc/talenthub/models"
)

// Percolator tells which stored searches one document matches, the other
// way round from a search: the document alone is indexed in a memory index
// with the index's mapping and analysis, and each stored search's query,
// built by the code that builds a search's, runs against it. A saved
// search's alert therefore finds exactly what the search would find (words,
// synonyms, filters), and its cost does not grow with the number of
// profiles, only with the number of stored searches.
type Percolator struct {
	ix  *Index
	mu  sync.Mutex
	mem bleve.Index
	// queries are the built queries by kind and query string: analysing a
	// stored search's words once, not at every write.
	queries map[string]query.Query
	// fallbacks counts the queries the memory index answered (a test
	// checks that the searches' queries need none).
	fallbacks int
	// viaIndex makes every evaluation go through the memory index (the
	// benchmark's comparison).
	viaIndex bool
}

// NewPercolator returns a percolator with the index's mapping.
func (ix *Index) NewPercolator() (*Percolator, error) {
	mem, err := bleve.NewMemOnly(ix.bi.Mapping())
	if err != nil {
		return nil, fmt.Errorf("search: percolator: %w", err)
	}
	return &Percolator{ix: ix, mem: mem, queries: map[string]query.Query{}}, nil
}

// Close releases the memory index.
func (p *Percolator) Close() error { return p.mem.Close() }

// maxPercolatorQueries bounds the built queries kept (a stored search that
// is deleted leaves its query behind until the cache is emptied).
const maxPercolatorQueries = 20_000

// build returns the query of a stored search of kind (models.SavedTalents or
// models.SavedProjects) with the parameters in raw.
func (p *Percolator) build(kind, raw string) (query.Query, error) {
	key := kind + "\x00" + raw
	if q, ok := p.queries[key]; ok {
		return q, nil
	}
	ts, ps, err := models.ParseSavedQuery(kind, raw)
	if err != nil {
		return nil, err
	}
	var must, not []query.Query
	coll, text := models.CollTalents, ""
	if ts != nil {
		must, text = talentFilters(*ts), ts.Q
	} else {
		coll, must, text = models.CollProjects, projectFilters(*ps), ps.Q
	}
	if text != "" {
		parsed, err := ParseText(text)
		if err != nil {
			return nil, err
		}
		tq, nq, err := p.ix.textQuery(coll, parsed, nil)
		if err != nil {
			return nil, err
		}
		if tq != nil {
			must = append(must, tq)
		}
		not = nq
	}
	if len(must) == 0 {
		must = []query.Query{query.NewMatchAllQuery()}
	}
	q := query.Query(query.NewBooleanQuery(must, nil, not))
	q = p.phrases(q)
	if len(p.queries) >= maxPercolatorQueries {
		clear(p.queries)
	}
	p.queries[key] = q
	return q, nil
}

// phrases replaces each phrase to analyse (MatchPhraseQuery) by the phrase
// of its analysed terms, as Bleve does when it searches, so that the
// evaluator needs no analysis of the queries.
func (p *Percolator) phrases(q query.Query) query.Query {
	m := p.ix.bi.Mapping()
	switch x := q.(type) {
	case *query.BooleanQuery:
		for _, c := range []*query.Query{&x.Must, &x.Should, &x.MustNot} {
			if *c != nil {
				*c = p.phrases(*c)
			}
		}
	case *query.ConjunctionQuery:
		for i, c := range x.Conjuncts {
			x.Conjuncts[i] = p.phrases(c)
		}
	case *query.DisjunctionQuery:
		for i, c := range x.Disjuncts {
			x.Disjuncts[i] = p.phrases(c)
		}
	case *query.MatchPhraseQuery:
		if x.Fuzziness != 0 {
			return q
		}
		name := x.Analyzer // a quoted phrase's own (literalAnalyzer)
		if name == "" {
			name = m.AnalyzerNameForPath(x.FieldVal)
		}
		an := m.AnalyzerNamed(name)
		if an == nil {
			return q
		}
		tokens := an.Analyze([]byte(x.MatchPhrase))
		if len(tokens) == 0 {
			return query.NewMatchNoneQuery()
		}
		first, last := tokens[0].Position, tokens[0].Position
		for _, t := range tokens {
			first, last = min(first, t.Position), max(last, t.Position)
		}
		slots := make([][]string, last-first+1)
		for _, t := range tokens {
			slots[t.Position-first] = append(slots[t.Position-first], string(t.Term))
		}
		return query.NewMultiPhraseQuery(slots, x.FieldVal)
	}
	return q
}

// Match reports, for each of the stored searches of kind (their query
// strings), whether doc (a *models.Talent or a *models.Project) matches
// it. A stored search whose query no longer parses matches nothing.
func (p *Percolator) Match(ctx context.Context, doc any, kind string, searches []string) ([]bool, error) {
	coll, id, fields, err := indexDoc(doc)
	if err != nil {
		return nil, err
	}
	if coll != models.CollTalents && coll != models.CollProjects || (kind == models.SavedTalents) != (coll == models.CollTalents) {
		return nil, fmt.Errorf("search: a %s search cannot match a document of %s", kind, coll)
	}
	fields[typeField] = coll
	p.mu.Lock()
	defer p.mu.Unlock()
	terms := p.analyse(fields)
	indexed := false
	did := docID(coll, id)
	out := make([]bool, len(searches))
	for i, raw := range searches {
		q, err := p.build(kind, raw)
		if err != nil {
			continue
		}
		ok, err := terms.matches(q)
		if p.viaIndex {
			err = errNotPercolated
		}
		if err == nil {
			out[i] = ok
			continue
		}
		// A kind of query the evaluator does not know: the memory index,
		// slower, answers it.
		p.fallbacks++
		if !indexed {
			if err := p.mem.Index(did, fields); err != nil {
				return nil, fmt.Errorf("search: percolator: %w", err)
			}
			defer func() { _ = p.mem.Delete(did) }()
			indexed = true
		}
		req := bleve.NewSearchRequestOptions(q, 0, 0, false)
		req.Score = bleve.ScoreNone
		res, err := p.mem.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search: percolator: %w", err)
		}
		out[i] = res.Total > 0
	}
	return out, nil
}

// docTerms are one document's terms as the index holds them: per field,
// each term with its positions (an array's values kept apart), and the
// numbers and booleans.
type docTerms struct {
	terms map[string]map[string][]int
	nums  map[string]float64
	bools map[string]bool
}

// elementGap keeps the values of an array field apart, so that no phrase
// spans two of them (Bleve compares their array positions too).
const elementGap = 1 << 20

// analyse analyses the document's fields with the index's mapping.
func (p *Percolator) analyse(fields map[string]any) docTerms {
	m := p.ix.bi.Mapping()
	d := docTerms{terms: map[string]map[string][]int{}, nums: map[string]float64{}, bools: map[string]bool{}}
	add := func(field string, i int, s string) {
		an := m.AnalyzerNamed(m.AnalyzerNameForPath(field))
		if an == nil {
			return
		}
		if d.terms[field] == nil {
			d.terms[field] = map[string][]int{}
		}
		for _, t := range an.Analyze([]byte(s)) {
			d.terms[field][string(t.Term)] = append(d.terms[field][string(t.Term)], i*elementGap+t.Position)
		}
	}
	for field, v := range fields {
		switch v := v.(type) {
		case string:
			add(field, 0, v)
		case []string:
			for i, s := range v {
				add(field, i, s)
			}
		case bool:
			d.bools[field] = v
		case int:
			d.nums[field] = float64(v)
		case int64:
			d.nums[field] = float64(v)
		case float64:
			d.nums[field] = v
		}
	}
	return d
}

// errNotPercolated says a query has a kind the evaluator does not know: the
// memory index answers it instead.
var errNotPercolated = fmt.Errorf("search: query not evaluated directly")

// matches evaluates q against the document's terms as Bleve would, for
// the kinds of query the searches build.
func (d docTerms) matches(q query.Query) (bool, error) {
	switch q := q.(type) {
	case *query.MatchAllQuery:
		return true, nil
	case *query.MatchNoneQuery:
		return false, nil
	case *query.BooleanQuery:
		if q.Filter != nil {
			return false, errNotPercolated
		}
		ok := true
		var err error
		if q.Must != nil {
			if ok, err = d.matches(q.Must); err != nil || !ok {
				return false, err
			}
		} else if q.Should != nil {
			if ok, err = d.matches(q.Should); err != nil || !ok {
				return false, err
			}
		} else {
			return false, errNotPercolated
		}
		if q.MustNot != nil {
			not, err := d.matches(q.MustNot)
			if err != nil {
				return false, err
			}
			// MustNot is a disjunction: any of its clauses excludes.
			return !not, nil
		}
		return ok, nil
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			if ok, err := d.matches(c); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case *query.DisjunctionQuery:
		need := max(int(q.Min), 1)
		n := 0
		for _, c := range q.Disjuncts {
			ok, err := d.matches(c)
			if err != nil {
				return false, err
			}
			if ok {
				if n++; n >= need {
					return true, nil
				}
			}
		}
		return false, nil
	case *query.TermQuery:
		return len(d.terms[q.FieldVal][q.Term]) > 0, nil
	case *query.BoolFieldQuery:
		v, ok := d.bools[q.FieldVal]
		return ok && v == q.Bool, nil
	case *query.NumericRangeQuery:
		v, ok := d.nums[q.FieldVal]
		if !ok {
			return false, nil
		}
		incMin := q.InclusiveMin == nil || *q.InclusiveMin
		incMax := q.InclusiveMax != nil && *q.InclusiveMax
		if q.Min != nil && (v < *q.Min || v == *q.Min && !incMin) {
			return false, nil
		}
		if q.Max != nil && (v > *q.Max || v == *q.Max && !incMax) {
			return false, nil
		}
		return true, nil
	case *query.PhraseQuery:
		if q.Fuzziness != 0 {
			return false, errNotPercolated
		}
		slots := make([][]string, len(q.Terms))
		for i, t := range q.Terms {
			slots[i] = []string{t}
		}
		return d.phrase(q.FieldVal, slots), nil
	case *query.MultiPhraseQuery:
		if q.Fuzziness != 0 {
			return false, errNotPercolated
		}
		return d.phrase(q.FieldVal, q.Terms), nil
	}
	return false, errNotPercolated
}

// phrase reports whether the field holds the slots' terms at consecutive
// positions (a slot is any of its terms; an empty slot is any term).
func (d docTerms) phrase(field string, slots [][]string) bool {
	if len(slots) == 0 {
		return false
	}
	terms := d.terms[field]
	has := func(slot []string, pos int) bool {
		if len(slot) == 0 || len(slot) == 1 && slot[0] == "" {
			return true
		}
		for _, t := range slot {
			if slices.Contains(terms[t], pos) {
				return true
			}
		}
		return false
	}
	var starts []int
	for _, t := range slots[0] {
		starts = append(starts, terms[t]...)
	}
	for _, s := range starts {
		ok := true
		for i := 1; i < len(slots) && ok; i++ {
			ok = has(slots[i], s+i)
		}
		if ok {
			return true
		}
	}
	return false
}
