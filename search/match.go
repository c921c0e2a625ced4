package search

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/szdc/talenthub/models"
)

// phraseClause matches the words of a skill or title on coll: all its
// concepts (synonyms included), or the skill exactly as a key.
func (ix *Index) phraseClause(coll, s string) (query.Query, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	terms, err := ix.concepts(s)
	if err != nil || len(terms) == 0 {
		return nil, err
	}
	all := make([]query.Query, len(terms))
	for i, t := range terms {
		all[i] = anyField(coll, t)
	}
	exact := termQuery("skills_key", Fold(s))
	return query.NewDisjunctionQuery([]query.Query{query.NewConjunctionQuery(all), exact}), nil
}

// wordsClauses are the clauses of free words (a title, a headline), each
// word on its own: any of them may match.
func (ix *Index) wordsClauses(coll, text string) ([]query.Query, error) {
	p, err := ParseText(truncateRunes(text, maxQueryRunes))
	if err != nil {
		return nil, nil // free text of a profile is not a query: ignore what cannot parse
	}
	var out []query.Query
	for _, w := range p.Words {
		terms, err := ix.concepts(w)
		if err != nil {
			return nil, err
		}
		for _, t := range terms {
			out = append(out, anyField(coll, t))
		}
	}
	return out, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// candidates runs a "should" query: filters that must hold, clauses of which
// at least one must match, best first. The filters do not score and the
// collection's term leads, as in a search (scoped): the services read the
// scores as how well the text matches, relative to the best.
func (ix *Index) candidates(ctx context.Context, must []query.Query, should []query.Query, not []query.Query, limit int) ([]models.SearchHit, error) {
	if len(should) > 200 {
		should = should[:200]
	}
	var words query.Query
	if len(should) > 0 {
		d := query.NewDisjunctionQuery(should)
		d.SetMin(1)
		words = d
	}
	bq := scoped(words, must, not)
	req := bleve.NewSearchRequestOptions(bq, limit, 0, false)
	req.Fields = []string{"version"}
	ctx, cancel := context.WithTimeout(ctx, searchBudget)
	defer cancel()
	res, err := ix.searchPage(ctx, req, relevance, 0, limit, "")
	if err != nil {
		return nil, fmt.Errorf("search: candidates: %w", err)
	}
	out := make([]models.SearchHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		_, id := splitID(h.ID)
		out = append(out, models.SearchHit{ID: id, Score: h.Score, Version: hitVersion(h)})
	}
	return out, nil
}

// TalentCandidates implements models.Searcher.
func (ix *Index) TalentCandidates(ctx context.Context, p *models.Project, limit int) ([]models.SearchHit, error) {
	must := []query.Query{termQuery(typeField, models.CollTalents)}
	must = filter(must, "visibility", []string{string(models.VisibilityPublic), string(models.VisibilityOrgs)})
	avail := query.NewBoolFieldQuery(true)
	avail.SetField("available")
	must = append(must, avail)
	should, err := ix.likeClauses(models.CollTalents, p.Skills, 2, p.Title, p.Industries)
	if err != nil {
		return nil, err
	}
	return ix.candidates(ctx, must, should, nil, limit)
}

// ProjectCandidates implements models.Searcher.
func (ix *Index) ProjectCandidates(ctx context.Context, t *models.Talent, limit int) ([]models.SearchHit, error) {
	must := []query.Query{termQuery(typeField, models.CollProjects), termQuery("status", string(models.ProjectOpen))}
	should, err := ix.likeClauses(models.CollProjects, slices.Concat(t.Skills, t.Tools), 0, t.Headline, t.Industries)
	if err != nil {
		return nil, err
	}
	return ix.candidates(ctx, must, should, nil, limit)
}

// SimilarTalents implements models.Searcher: "more like this" from the
// profile's skills, tools, industries and headline.
func (ix *Index) SimilarTalents(ctx context.Context, t *models.Talent, limit int) ([]models.SearchHit, error) {
	must := []query.Query{termQuery(typeField, models.CollTalents)}
	must = filter(must, "visibility", []string{string(models.VisibilityPublic), string(models.VisibilityOrgs)})
	should, err := ix.likeClauses(models.CollTalents, slices.Concat(t.Skills, t.Tools), 0, t.Headline, t.Industries)
	if err != nil {
		return nil, err
	}
	self := query.NewDocIDQuery([]string{docID(models.CollTalents, t.ID)})
	return ix.candidates(ctx, must, should, []query.Query{self}, limit)
}

// likeClauses are the optional clauses of a match in coll: each skill as a
// phrase (weighed boost, when not 0), the words of a text, each industry.
func (ix *Index) likeClauses(coll string, skills []string, boost float64, text string, industries []string) ([]query.Query, error) {
	var should []query.Query
	for _, s := range skills {
		c, err := ix.phraseClause(coll, s)
		if err != nil {
			return nil, err
		}
		if c != nil {
			if boost != 0 {
				c.(*query.DisjunctionQuery).SetBoost(boost)
			}
			should = append(should, c)
		}
	}
	words, err := ix.wordsClauses(coll, text)
	if err != nil {
		return nil, err
	}
	should = append(should, words...)
	for _, ind := range industries {
		should = append(should, termQuery("industries", ind))
	}
	return should, nil
}

// SkillKey implements models.Searcher: a skill's concepts, sorted and
// joined (原畫 / "Concept Art" / 原画师 → the same key).
func (ix *Index) SkillKey(skill string) string {
	if k, ok := ix.skillKeys.Load(skill); ok {
		return k.(string)
	}
	key := Fold(strings.TrimSpace(skill))
	if terms, err := ix.concepts(skill); err == nil && len(terms) > 0 {
		terms = append([]string(nil), terms...)
		sort.Strings(terms)
		key = strings.Join(terms, " ")
	}
	// Bounded: skills are free text, and a flood of distinct ones must
	// not grow the map without end.
	if ix.skillN.Add(1) > 50_000 {
		ix.skillKeys.Clear()
		ix.skillN.Store(0)
	}
	ix.skillKeys.Store(skill, key)
	return key
}
