package search

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/szdc/talenthub/models"
)

// The synonym table (synonyms.txt) is applied when text is indexed, so a
// change to it rebuilds the index: 33 s at 100k profiles, many minutes at a
// million. Pairs an admin accepts from the mined suggestions apply when a
// query is built instead: a word that is one side of a pair also asks for
// the other (both analysed as queries are), at once and in every process
// that has loaded the pairs, with no rebuild. BENCHMARKS.md measures what
// that costs a query. What proves itself moves into synonyms.txt.

// pairTable maps a side of an accepted pair, as its concepts (conceptKey),
// to the other sides.
type pairTable map[string][]string

// UseSynonymPairs makes the accepted pairs widen the searches built from
// now on.
func (ix *Index) UseSynonymPairs(pairs []models.SynonymPair) error {
	t := pairTable{}
	for _, p := range pairs {
		for _, side := range [][2]string{{p.A, p.B}, {p.B, p.A}} {
			k, err := ix.conceptKey(side[0])
			if err != nil {
				return err
			}
			if k != "" && !slices.Contains(t[k], side[1]) {
				t[k] = append(t[k], side[1])
			}
		}
	}
	ix.pairs.Store(&t)
	return nil
}

// conceptKey is how a text is asked for: its concepts, in order.
func (ix *Index) conceptKey(text string) (string, error) {
	cs, _, err := ix.conceptsOf(text)
	if err != nil {
		return "", err
	}
	terms := make([]string, len(cs))
	for i, c := range cs {
		terms[i] = c.term
	}
	return strings.Join(terms, " "), nil
}

// partners are the other sides of the accepted pairs of which key is a side.
func (ix *Index) partners(key string) []string {
	if t := ix.pairs.Load(); t != nil {
		return (*t)[key]
	}
	return nil
}

// withPartners widens the clauses of a query's words by the accepted pairs:
// the whole words as one side (网络文学 for 网文), or one concept as a side.
func (ix *Index) withPartners(coll string, cs []concept, clauses []query.Query) ([]query.Query, error) {
	if ix.pairs.Load() == nil {
		return clauses, nil
	}
	other := func(text string) (query.Query, error) {
		ocs, _, err := ix.conceptsOf(text)
		if err != nil || len(ocs) == 0 {
			return nil, err
		}
		var all []query.Query
		for _, c := range ocs {
			all = append(all, ix.conceptQuery(coll, c))
		}
		return query.NewConjunctionQuery(all), nil
	}
	widen := func(q query.Query, sides []string) (query.Query, error) {
		or := []query.Query{q}
		for _, s := range sides {
			o, err := other(s)
			if err != nil {
				return nil, err
			}
			if o != nil {
				or = append(or, o)
			}
		}
		return query.NewDisjunctionQuery(or), nil
	}
	terms := make([]string, len(cs))
	for i, c := range cs {
		terms[i] = c.term
	}
	if sides := ix.partners(strings.Join(terms, " ")); len(sides) > 0 && len(cs) > 1 {
		q, err := widen(query.NewConjunctionQuery(clauses), sides)
		return []query.Query{q}, err
	}
	out := slices.Clone(clauses)
	for i, c := range cs {
		if sides := ix.partners(c.term); len(sides) > 0 {
			q, err := widen(out[i], sides)
			if err != nil {
				return nil, err
			}
			out[i] = q
		}
	}
	return out, nil
}

// Mining. A profile often says what it is in both languages side by side:
// a headline "资深原画师 / Senior Concept Artist", a skill "音效设计（Sound
// Design）". Each such Chinese and English pair, seniority words aside, is a
// candidate; those that many profiles say and that the vocabulary does not
// already join are suggested.

// mineMax is how many profiles a mining reads (the most it costs: about a
// second per 10,000 on these cores, the analysis of each side).
const mineMax = 100_000

// mineMinSupport is how many profiles must say a pair for it to be
// suggested, and mineTop how many suggestions are kept.
const (
	mineMinSupport = 2
	mineTop        = 50
)

var errEnough = errors.New("enough profiles read")

// seniority are the words of rank that a side loses: 资深原画师 and
// "senior concept artist" pair as 原画师 and "concept artist".
var seniority = []string{"资深", "高级", "首席", "初级", "中级", "主美", "senior", "lead", "junior", "principal", "chief", "sr.", "jr."}

// MineSynonyms reads up to mineMax profiles and returns the pairs they
// suggest, the most said first, leaving out those decided says were
// decided and those the vocabulary already joins; and how many profiles it
// read.
func (ix *Index) MineSynonyms(ctx context.Context, decided func(a, b string) bool) ([]models.SynonymSuggestion, int, error) {
	if ix.opts.Source == nil {
		return nil, 0, errors.New("search: no source to mine")
	}
	type cand struct {
		support  int
		examples []string
	}
	found := map[[2]string]*cand{}
	read := 0
	err := ix.opts.Source.Docs(ctx, models.CollTalents, func(d any) error {
		t, ok := d.(*models.Talent)
		if !ok {
			return nil
		}
		if read++; read > mineMax {
			return errEnough
		}
		seen := map[[2]string]bool{}
		for _, text := range append([]string{t.Headline}, t.Skills...) {
			for _, p := range bilingual(text) {
				if seen[p] {
					continue
				}
				seen[p] = true
				c := found[p]
				if c == nil {
					c = &cand{}
					found[p] = c
				}
				c.support++
				if len(c.examples) < 3 && !slices.Contains(c.examples, text) {
					c.examples = append(c.examples, text)
				}
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, 0, err
	}
	read = min(read, mineMax)
	var out []models.SynonymSuggestion
	for p, c := range found {
		if c.support < mineMinSupport || decided != nil && decided(p[0], p[1]) {
			continue
		}
		// Already one concept (a synonym group joins them): nothing to add.
		ka, err := ix.conceptKey(p[0])
		if err != nil {
			return nil, 0, err
		}
		kb, err := ix.conceptKey(p[1])
		if err != nil {
			return nil, 0, err
		}
		if ka == kb || ka == "" || kb == "" {
			continue
		}
		out = append(out, models.SynonymSuggestion{A: p[0], B: p[1], Support: c.support, Examples: c.examples})
	}
	slices.SortFunc(out, func(a, b models.SynonymSuggestion) int {
		if a.Support != b.Support {
			return b.Support - a.Support
		}
		return strings.Compare(a.A+"\x00"+a.B, b.A+"\x00"+b.B)
	})
	if len(out) > mineTop {
		out = out[:mineTop]
	}
	return out, read, nil
}

// bilingual returns the (Chinese, English) pairs a text says side by side:
// its parts between separators, each all Chinese or all English.
func bilingual(text string) [][2]string {
	parts := strings.FieldsFunc(text, func(r rune) bool {
		return strings.ContainsRune("/|｜()（）·—–,，;；、", r)
	})
	var zh, en []string
	for _, p := range parts {
		p = strings.ToLower(strings.TrimSpace(p))
		hasHan, hasLatin := false, false
		for _, r := range p {
			switch {
			case unicode.Is(unicode.Han, r):
				hasHan = true
			case r < unicode.MaxASCII && unicode.IsLetter(r):
				hasLatin = true
			}
		}
		switch {
		case hasHan && !hasLatin:
			if p = trimSeniority(p); p != "" {
				zh = append(zh, Fold(p))
			}
		case hasLatin && !hasHan:
			if p = trimSeniority(p); p != "" && len(strings.Fields(p)) <= 4 {
				en = append(en, p)
			}
		}
	}
	// Only a text with one of each says they are the same thing; a list
	// of several is only a list.
	if len(zh) != 1 || len(en) != 1 || len([]rune(zh[0])) > 12 {
		return nil
	}
	return [][2]string{{zh[0], en[0]}}
}

func trimSeniority(s string) string {
	for again := true; again; {
		again = false
		for _, w := range seniority {
			if t, ok := strings.CutPrefix(s, w); ok {
				s, again = strings.TrimSpace(t), true
			}
		}
	}
	return strings.Join(strings.Fields(s), " ")
}

// pairsOf is the Index's accepted pairs (see UseSynonymPairs).
type pairsOf = atomic.Pointer[pairTable]
