package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/szdc/talenthub/models"
)

var _ models.TeamSearcher = (*Index)(nil)

// teamFacets are the facets of a team search, in the order the pages show
// them. Teams are kept in the facet counts like profiles and projects
// (facets.go), so that a filtered or worded team search gets exact counts
// from the same cache that keeps them exact across writes.
var teamFacets = []string{"stage", "industry", "district"}

// teamFilters are the conditions of a team search other than its words.
func teamFilters(q models.TeamSearch) []query.Query {
	var must []query.Query
	must = filter(must, "stage", q.Stage)
	must = filter(must, "industry", q.Industry)
	must = filter(must, "district", q.District)
	if q.MemberID != "" {
		must = append(must, termQuery("member_ids", q.MemberID))
	}
	if q.InvitedID != "" {
		must = append(must, termQuery("invited_ids", q.InvitedID))
	}
	return must
}

// SearchTeams implements models.TeamSearcher: the teams matching the words
// (the query language of every search) and the filters, the best matches
// first with words and the newest first without; the exact total and
// facets (stage, industry, district) of every match, not of the page.
func (ix *Index) SearchTeams(ctx context.Context, q models.TeamSearch) (*models.SearchPage, error) {
	must := append([]query.Query{termQuery(typeField, models.CollTeams)}, teamFilters(q)...)
	// Two sort keys whatever the order: a search without words scores
	// nothing, and Bleve stops at the page when nothing is scored and one
	// score-like key is all the sort asks, leaving the total at the page's
	// size (TestFilterOnlySearchTotalIsExact).
	sortBy := models.CreatedOrder(models.OrderNewest)
	if strings.TrimSpace(q.Q) != "" {
		sortBy = []string{"-_score", "_id"}
	}
	var scopes []string
	if q.Q == "" && len(must) == 1 {
		// Every team: the kept counts are its facets.
		scopes = []string{""}
	}
	return ix.search(ctx, models.CollTeams, q.Q, nil, must, sortBy, q.Page, scopes)
}

// Limits of the words a match takes from a call's or a team's text: a
// description runs to 10,000 characters, and every distinct word is a
// clause Bleve scores for every team or call that has it.
const (
	matchTextRunes = 2_000
	matchTerms     = 100
	// matchTitleBoost weighs the words of a call's title or a team's name
	// against those of its description or pitch, as their text indexes
	// them twice (docs.go).
	matchTitleBoost = 2
)

// matchStopWords say nothing of what a team does or a call asks for;
// analysed as queries are, they are left out of the clauses of a match, and
// so is a letter or a digit alone. Other Chinese characters alone are kept:
// the segmenter cuts a word it does not know (茶饮) into its characters.
const matchStopWords = "the and for with our we you your are is to of in on an this that will be by from at as or it its " +
	"我们 以及 进行 可以 通过 相关 提供 一个 需要 具有 欢迎 参与 包括 主要 团队 项目 " +
	"的 了 和 与 及 或 在 是 为 对 把 被 从 向 以 等 也 都 就 而 之 其 并 让 给 由 做 我 你 他 她 它 有 会 能 要 将 这 那 个"

// textClauses are the "should" clauses of a match: each distinct concept
// of the heading (boosted) and of the body, in that order, any of which
// may match the collection's text. A text is not a query: it is analysed,
// not parsed, so that no length or operator refuses it.
func (ix *Index) textClauses(coll, heading, body string) ([]query.Query, error) {
	stop := map[string]bool{}
	sw, _, err := ix.conceptsOf(matchStopWords)
	if err != nil {
		return nil, err
	}
	for _, c := range sw {
		stop[c.term] = true
	}
	seen := map[string]bool{}
	var out []query.Query
	for i, text := range []string{heading, body} {
		cs, _, err := ix.conceptsOf(truncateRunes(text, matchTextRunes))
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if len(out) >= matchTerms {
				return out, nil
			}
			r, n := utf8.DecodeRuneInString(c.term)
			short := n == len(c.term) && !unicode.Is(unicode.Han, r)
			if seen[c.term] || stop[c.term] || short {
				continue
			}
			seen[c.term] = true
			boost := 1.0
			if i == 0 {
				boost = matchTitleBoost
			}
			// anyField with the boost on each term: Bleve does not apply a
			// disjunction's own boost.
			var or []query.Query
			for _, f := range sortedFields[coll] {
				tq := query.NewTermQuery(c.term)
				tq.SetField(f)
				tq.SetBoost(textFields[coll][f] * boost)
				or = append(or, tq)
			}
			out = append(out, query.NewDisjunctionQuery(or))
		}
	}
	return out, nil
}

// matchWithFill answers a match on coll: the documents passing filters
// that match any of should, best first, scored by should alone; then,
// while fewer than limit, those passing filters that match none of them,
// with a score of 0: those matching prefer (an industry the other side
// names, which the caller's score counts) first, the newest first within.
//
// The filters are a Bleve filter, not clauses that must match, and the
// collection's clause has no weight: a clause that must match adds its own
// score, which differs between documents (a stage rarer than another, a
// call accepting five stages or one, each day of a range its own term),
// and the caller takes the score for how well the text matches.
func (ix *Index) matchWithFill(ctx context.Context, coll string, filters, should []query.Query, prefer query.Query, limit int) ([]models.SearchHit, error) {
	if limit <= 0 {
		return []models.SearchHit{}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, searchBudget)
	defer cancel()
	run := func(q query.Query, size int, sortBy []string, scored bool) ([]models.SearchHit, error) {
		req := bleve.NewSearchRequestOptions(q, size, 0, false)
		req.Fields = []string{"version"}
		// Two sort keys at least, so that Bleve does not stop early.
		if !scored {
			req.Score = bleve.ScoreNone
		}
		res, err := ix.searchPage(ctx, req, sortBy, 0, size, "")
		if err != nil {
			return nil, fmt.Errorf("search: candidates: %w", err)
		}
		out := make([]models.SearchHit, 0, len(res.Hits))
		for _, h := range res.Hits {
			_, id := splitID(h.ID)
			hit := models.SearchHit{ID: id, Version: hitVersion(h)}
			if scored {
				hit.Score = h.Score
			}
			out = append(out, hit)
		}
		return out, nil
	}
	hits := []models.SearchHit{}
	if len(should) > 0 {
		typ := query.NewTermQuery(coll)
		typ.SetField(typeField)
		typ.SetBoost(0)
		bq := query.NewBooleanQuery([]query.Query{typ}, should, nil)
		bq.SetMinShould(1)
		if len(filters) > 0 {
			bq.AddFilter(query.NewConjunctionQuery(filters))
		}
		var err error
		if hits, err = run(bq, limit, relevance, true); err != nil {
			return nil, err
		}
	}
	// Fewer than limit: every document matching a word is among the hits,
	// so the rest are exactly those passing the filters that are not.
	must := append([]query.Query{termQuery(typeField, coll)}, filters...)
	var not []query.Query
	if len(hits) > 0 {
		ids := make([]string, len(hits))
		for i, h := range hits {
			ids[i] = docID(coll, h.ID)
		}
		not = append(not, query.NewDocIDQuery(ids))
	}
	newest := models.CreatedOrder(models.OrderNewest)
	passes := []query.Query{query.NewBooleanQuery(must, nil, not)}
	if prefer != nil {
		passes = []query.Query{
			query.NewBooleanQuery(append(slices.Clip(must), prefer), nil, not),
			query.NewBooleanQuery(must, nil, append(slices.Clip(not), prefer)),
		}
	}
	for _, q := range passes {
		if len(hits) >= limit {
			break
		}
		more, err := run(q, limit-len(hits), newest, false)
		if err != nil {
			return nil, err
		}
		hits = append(hits, more...)
	}
	return hits, nil
}

// TeamCandidates implements models.TeamSearcher: the teams of a stage the
// call accepts, those whose text has words of the call's title and
// description first by their Bleve score (a team matching one word is a
// candidate), then the others (score 0), those of an industry the call
// names first, newest first within; at most limit.
func (ix *Index) TeamCandidates(ctx context.Context, c *models.Call, limit int) ([]models.SearchHit, error) {
	if len(c.Stages) == 0 {
		return []models.SearchHit{}, nil
	}
	filters := filter(nil, "stage", stageStrings(c.Stages))
	should, err := ix.textClauses(models.CollTeams, c.Title, c.Description)
	if err != nil {
		return nil, err
	}
	var prefer query.Query
	if len(c.Industries) > 0 {
		prefer = filter(nil, "industry", c.Industries)[0]
	}
	return ix.matchWithFill(ctx, models.CollTeams, filters, should, prefer, limit)
}

// CallCandidates implements models.TeamSearcher: the calls open on today
// (opens <= today <= closes, days YYYY-MM-DD) that accept the team's stage,
// those whose text has words of the team's name and pitch first by their
// Bleve score, then the others (score 0), those naming the team's industry
// first, newest first within; at most limit.
func (ix *Index) CallCandidates(ctx context.Context, t *models.Team, today string, limit int) ([]models.SearchHit, error) {
	if _, err := time.Parse(models.DateLayout, today); err != nil {
		return nil, fmt.Errorf("search: today %q is not a day (YYYY-MM-DD)", today)
	}
	yes := true
	opened := query.NewTermRangeInclusiveQuery("", today, &yes, &yes)
	opened.SetField("opens")
	open := query.NewTermRangeInclusiveQuery(today, "", &yes, &yes)
	open.SetField("closes")
	filters := []query.Query{termQuery("stages", string(t.Stage)), opened, open}
	should, err := ix.textClauses(models.CollCalls, t.Name, t.Pitch)
	if err != nil {
		return nil, err
	}
	var prefer query.Query
	if t.Industry != "" {
		prefer = termQuery("industries", t.Industry)
	}
	return ix.matchWithFill(ctx, models.CollCalls, filters, should, prefer, limit)
}

func stageStrings(stages []models.TeamStage) []string {
	out := make([]string, len(stages))
	for i, s := range stages {
		out[i] = string(s)
	}
	return out
}
