package search

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/szdc/talenthub/models"
)

// The query language is built here, in code, from what a user typed: plain
// words (all must match, ranked), "quoted phrases" (as written), -words
// (excluded). Nothing a user types reaches Bleve's query-string syntax, and
// there are no regexps, wildcards or fuzzy terms.

// Limits of one query.
const (
	maxQueryRunes = 200
	maxWords      = 12
	maxPhrases    = 5
	maxExcluded   = 10
	maxClauses    = 40
)

// Parsed is a user's free text.
type Parsed struct {
	Words    []string
	Phrases  []string
	Excluded []string
}

// Empty reports whether nothing was asked.
func (p Parsed) Empty() bool { return len(p.Words)+len(p.Phrases) == 0 }

// badQuery refuses a query: the English message, and the rule (with its
// parameter, a limit) that the UI says in the reader's language.
func badQuery(rule models.Rule, param int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	fr := models.FieldRule{Rule: rule}
	if param > 0 {
		fr.Param = fmt.Sprint(param)
	}
	return &models.Error{Code: models.CodeBadRequest, Message: msg, Fields: map[string]string{"q": msg}, Rules: map[string]models.FieldRule{"q": fr}}
}

// ParseText splits a query into words, phrases and exclusions, refusing
// queries too long or too complex to answer quickly.
func ParseText(q string) (Parsed, error) {
	var p Parsed
	if !utf8.ValidString(q) {
		return p, badQuery(models.RuleQueryInvalid, 0, "the query is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(q); n > maxQueryRunes {
		return p, badQuery(models.RuleQueryTooLong, maxQueryRunes, "the query has %d characters; at most %d", n, maxQueryRunes)
	}
	for _, r := range q {
		if unicode.IsControl(r) && r != '\t' {
			return p, badQuery(models.RuleQueryInvalid, 0, "the query holds control characters")
		}
	}
	// Tabs and other spaces are word breaks like a space, in phrases too
	// (a phrase kept a tab before FuzzParseText found it).
	q = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, q)
	rest := q
	for {
		i := strings.IndexAny(rest, "\"“”")
		if i < 0 {
			break
		}
		before := rest[:i]
		_, w := utf8.DecodeRuneInString(rest[i:])
		after := rest[i+w:]
		j := strings.IndexAny(after, "\"“”")
		phrase := after
		if j >= 0 {
			phrase = after[:j]
			_, w2 := utf8.DecodeRuneInString(after[j:])
			rest = before + " " + after[j+w2:]
		} else {
			rest = before
		}
		if phrase = strings.TrimSpace(phrase); phrase != "" {
			p.Phrases = append(p.Phrases, phrase)
		}
	}
	for _, w := range strings.FieldsFunc(rest, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，、;；。", r)
	}) {
		if strings.HasPrefix(w, "-") || strings.HasPrefix(w, "－") {
			if w = strings.TrimLeft(w, "-－"); w != "" {
				p.Excluded = append(p.Excluded, w)
			}
			continue
		}
		p.Words = append(p.Words, w)
	}
	switch {
	case len(p.Words) > maxWords:
		return p, badQuery(models.RuleQueryTooComplex, 0, "the query has %d words; at most %d", len(p.Words), maxWords)
	case len(p.Phrases) > maxPhrases:
		return p, badQuery(models.RuleQueryTooComplex, 0, "the query has %d phrases; at most %d", len(p.Phrases), maxPhrases)
	case len(p.Excluded) > maxExcluded:
		return p, badQuery(models.RuleQueryTooComplex, 0, "the query excludes %d words; at most %d", len(p.Excluded), maxExcluded)
	case p.Empty() && len(p.Excluded) > 0:
		return p, badQuery(models.RuleQueryOnlyExcluded, 0, "say what to look for, not only what to exclude")
	}
	return p, nil
}

// concepts analyses one word of a query into the terms that must all
// match: a synonym group's canonical token wherever a variant was typed,
// and each word otherwise. Sub-words are left out: 原画师 asks for 原画师
// (or its synonyms), not for every 画师.
func (ix *Index) concepts(word string) ([]string, error) {
	terms, _, err := ix.conceptsCovered(word)
	return terms, err
}

// conceptsCovered is concepts, also telling whether synonym groups covered
// every word (then the concepts say all the words do).
func (ix *Index) conceptsCovered(word string) ([]string, bool, error) {
	an := ix.bi.Mapping().AnalyzerNamed(textAnalyzer)
	if an == nil {
		return nil, false, fmt.Errorf("search: no analyser %s", textAnalyzer)
	}
	tokens := an.Analyze([]byte(word))
	var base, canon []*analysis.Token
	for _, t := range tokens {
		switch {
		case strings.HasPrefix(string(t.Term), canonicalPrefix):
			canon = append(canon, t)
		case t.Type != analysis.Shingle:
			base = append(base, t)
		}
	}
	// The longest canonical span first, so "unreal engine 5" wins over "unreal".
	sort.SliceStable(canon, func(i, j int) bool { return canon[i].End-canon[i].Start > canon[j].End-canon[j].Start })
	var out []string
	covered := map[*analysis.Token]bool{}
	for _, c := range canon {
		take := false
		for _, b := range base {
			if !covered[b] && b.Start >= c.Start && b.End <= c.End {
				covered[b], take = true, true
			}
		}
		// A canonical token may also come from a sub-word alone.
		if (take || len(base) == 0) && !slices.Contains(out, string(c.Term)) {
			out = append(out, string(c.Term))
		}
	}
	all := len(base) > 0
	for _, b := range base {
		if !covered[b] {
			out = append(out, string(b.Term))
			all = false
		}
	}
	return out, all, nil
}

// fineConcepts is concepts with every word that no synonym group covers
// split into the dictionary words inside it: 游戏美术 asks for 游戏 and
// 美术. A search whose whole words match nothing falls back on them.
func (ix *Index) fineConcepts(word string) ([]string, error) {
	an := ix.bi.Mapping().AnalyzerNamed(textAnalyzer)
	if an == nil {
		return nil, fmt.Errorf("search: no analyser %s", textAnalyzer)
	}
	whole, err := ix.concepts(word)
	if err != nil {
		return nil, err
	}
	tokens := an.Analyze([]byte(word))
	var out []string
	add := func(t string) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	for _, w := range whole {
		var base *analysis.Token
		for _, t := range tokens {
			if string(t.Term) == w && t.Type != analysis.Shingle && !strings.HasPrefix(w, canonicalPrefix) {
				base = t
				break
			}
		}
		// The sub-words that tile the word, from its start, the shorter
		// first: 游戏美术 is 游戏 + 美术, not also 游戏美.
		var subs []*analysis.Token
		if base != nil {
			for _, t := range tokens {
				if t.Type == analysis.Shingle && t.Start >= base.Start && t.End <= base.End {
					subs = append(subs, t)
				}
			}
		}
		sort.SliceStable(subs, func(i, j int) bool {
			return subs[i].Start < subs[j].Start || subs[i].Start == subs[j].Start && subs[i].End < subs[j].End
		})
		end, took := -1, false
		for _, t := range subs {
			if t.Start >= end {
				add(string(t.Term))
				end, took = t.End, true
			}
		}
		if !took {
			add(w)
		}
	}
	return out, nil
}

// perField is one query per text field of coll (in a fixed order), each
// with the field's boost, any of which may match.
func perField(coll string, one func(field string) query.BoostableQuery) query.Query {
	fs := textFields[coll]
	or := make([]query.Query, 0, len(fs))
	for _, f := range sortedFields[coll] {
		q := one(f)
		q.SetBoost(fs[f])
		or = append(or, q)
	}
	return query.NewDisjunctionQuery(or)
}

// sortedFields are the names of textFields, sorted once.
var sortedFields = func() map[string][]string {
	out := map[string][]string{}
	for coll, fs := range textFields {
		for f := range fs {
			out[coll] = append(out[coll], f)
		}
		sort.Strings(out[coll])
	}
	return out
}()

// anyField matches term in any text field of coll.
func anyField(coll, term string) query.Query {
	return perField(coll, func(f string) query.BoostableQuery {
		tq := query.NewTermQuery(term)
		tq.SetField(f)
		return tq
	})
}

// phraseAnyField matches a phrase in any text field of coll.
func phraseAnyField(coll, phrase string) query.Query {
	return perField(coll, func(f string) query.BoostableQuery {
		pq := query.NewMatchPhraseQuery(phrase)
		pq.SetField(f)
		return pq
	})
}

// conceptPhrase matches analysed terms at consecutive positions in any text
// field of coll.
func conceptPhrase(coll string, terms []string) query.Query {
	if len(terms) == 1 {
		return anyField(coll, terms[0])
	}
	return perField(coll, func(f string) query.BoostableQuery { return query.NewPhraseQuery(terms, f) })
}

// textQuery builds the query of parsed text on coll: what must match, and
// what must not.
func (ix *Index) textQuery(coll string, p Parsed) (query.Query, []query.Query, error) {
	must, not, err := ix.textParts(coll, p)
	if err != nil || len(must) == 0 {
		return nil, not, err
	}
	return query.NewConjunctionQuery(must), not, nil
}

// partialParts are the parts a search falls back on when its parts never
// all match: each word's fine concepts, each phrase as written.
func (ix *Index) partialParts(coll string, p Parsed) ([]query.Query, error) {
	if ix.opts.Analysis == AnalysisBigrams {
		must, _, err := ix.textParts(coll, p)
		return must, err
	}
	var parts []query.Query
	if len(p.Words) > 0 {
		terms, err := ix.fineConcepts(strings.Join(p.Words, " "))
		if err != nil {
			return nil, err
		}
		for _, t := range terms {
			parts = append(parts, anyField(coll, t))
		}
	}
	for _, ph := range p.Phrases {
		must, _, err := ix.textParts(coll, Parsed{Phrases: []string{ph}})
		if err != nil {
			return nil, err
		}
		parts = append(parts, must...)
	}
	if len(parts) > maxClauses {
		return nil, badQuery(models.RuleQueryTooComplex, 0, "the query is too complex (%d terms); at most %d", len(parts), maxClauses)
	}
	return parts, nil
}

// textParts builds the parts of parsed text on coll, each of which must
// match (a word's concept, a phrase), and what must not match. A search
// whose parts do not all match anything falls back on fewer (partial).
func (ix *Index) textParts(coll string, p Parsed) ([]query.Query, []query.Query, error) {
	if len(textFields[coll]) == 0 {
		return nil, nil, fmt.Errorf("search: %s has no free text", coll)
	}
	var must, not []query.Query
	clauses := 0
	if ix.opts.Analysis == AnalysisBigrams {
		for _, w := range p.Words {
			must = append(must, phraseAnyField(coll, w))
			clauses++
		}
	} else if len(p.Words) > 0 {
		// The words are analysed together, so that a synonym of several
		// words ("motion capture") is one concept.
		terms, err := ix.concepts(strings.Join(p.Words, " "))
		if err != nil {
			return nil, nil, err
		}
		for _, t := range terms {
			must = append(must, anyField(coll, t))
		}
		clauses += len(terms)
	}
	for _, ph := range p.Phrases {
		q := phraseAnyField(coll, ph)
		if ix.opts.Analysis != AnalysisBigrams {
			// A phrase matches as written, or as its concepts in order
			// ("level design" finds 关卡设计). When synonym groups cover
			// all its words, the concepts alone say it: text with the
			// written words has their concepts too, and a positional phrase
			// costs far more than a term.
			terms, covered, err := ix.conceptsCovered(ph)
			if err != nil {
				return nil, nil, err
			}
			switch {
			case covered:
				q = conceptPhrase(coll, terms)
			case len(terms) > 0:
				q = query.NewDisjunctionQuery([]query.Query{q, conceptPhrase(coll, terms)})
			}
		}
		must = append(must, q)
		clauses++
	}
	for _, w := range p.Excluded {
		terms := []string{w}
		if ix.opts.Analysis != AnalysisBigrams {
			var err error
			if terms, err = ix.concepts(w); err != nil {
				return nil, nil, err
			}
			for _, t := range terms {
				not = append(not, anyField(coll, t))
			}
		} else {
			not = append(not, phraseAnyField(coll, w))
		}
		clauses += len(terms)
	}
	if clauses > maxClauses {
		return nil, nil, badQuery(models.RuleQueryTooComplex, 0, "the query is too complex (%d terms); at most %d", clauses, maxClauses)
	}
	return must, not, nil
}
