package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/szdc/talenthub/models"
)

// The query language is built here, in code, from what a user typed: plain
// words (all must match, ranked; by their synonyms too, the words as typed
// first), "quoted phrases" (as written, without synonyms), -words
// (excluded). Nothing a user types reaches Bleve's query-string syntax, and
// there are no regexps or wildcards; the only fuzzy terms are the ones
// typo builds, for an English word no text holds.

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
	cs, all, err := ix.conceptsOf(word)
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.term
	}
	return out, all, err
}

// concept is a term a query asks for, and for a synonym group's canonical
// token the words typed that it stands for (which rank above the group's
// other variants).
type concept struct {
	term  string
	typed []string
}

// conceptsOf is conceptsCovered with the words typed behind each concept.
func (ix *Index) conceptsOf(word string) ([]concept, bool, error) {
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
	// The longest canonical span first, so "unreal engine 5" wins over
	// "unreal"; of equal spans the narrower group first. A link (A > B)
	// puts B's token over the same words as A's, and a word of the variant
	// may be a variant of B itself ("vfx" in "game vfx", "animation" in
	// "2d animation"), whose token then comes first in the stream: taken
	// by order, 2D animation asked for every animator and "esports caster"
	// for every caster.
	broader := synonyms().broader
	sort.SliceStable(canon, func(i, j int) bool {
		if a, b := canon[i].End-canon[i].Start, canon[j].End-canon[j].Start; a != b {
			return a > b
		}
		return len(broader[string(canon[i].Term)]) > len(broader[string(canon[j].Term)])
	})
	var out []concept
	has := func(term string) bool {
		return slices.ContainsFunc(out, func(c concept) bool { return c.term == term })
	}
	covered := map[*analysis.Token]bool{}
	for _, c := range canon {
		var typed []string
		for _, b := range base {
			if !covered[b] && b.Start >= c.Start && b.End <= c.End {
				covered[b] = true
				typed = append(typed, string(b.Term))
			}
		}
		// A canonical token may also come from a sub-word alone.
		if (len(typed) > 0 || len(base) == 0) && !has(string(c.Term)) {
			out = append(out, concept{term: string(c.Term), typed: typed})
		}
	}
	all := len(base) > 0
	for _, b := range base {
		if !covered[b] {
			out = append(out, concept{term: string(b.Term)})
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

// phraseAnyField matches a phrase in any text field of coll: its words
// as written (literalAnalyzer), or for the bigram analysis its bigrams.
func (ix *Index) phraseAnyField(coll, phrase string) query.Query {
	return perField(coll, func(f string) query.BoostableQuery {
		pq := query.NewMatchPhraseQuery(phrase)
		pq.SetField(f)
		if ix.opts.Analysis != AnalysisBigrams {
			pq.Analyzer = literalAnalyzer
		}
		return pq
	})
}

// rawField holds the English words of free text as written (rawAnalyzer).
const rawField = "words"

// typoMinLetters is the shortest English word whose misspelling is
// forgiven: one edit of a shorter word is too often another word.
const typoMinLetters = 5

// corrected returns the words of a query with each misspelling replaced
// by the word it most likely meant: an English word (letters only, at
// least typoMinLetters) that no text of coll holds becomes a word one
// edit or one swap of neighbours away, as texts write it (Photoshp is
// Photoshop, animatr animator; typoCandidate.before says which when
// several are), and the corrected word then has its
// synonyms like any other (voise actor finds 配音演员). Never Chinese: one
// character off is another word. A word that some text holds is taken as
// meant.
//
// Only the texts in seen count (nil: all of coll): a word held only by
// profiles the caller may not see is corrected like one nobody wrote, and
// a candidate is weighed by the visible texts that hold it, so that no
// correction tells whether a hidden profile holds a word.
func (ix *Index) corrected(coll string, words []string, seen query.Query) ([]string, error) {
	if _, ok := fields[coll][rawField]; !ok {
		return words, nil
	}
	var r index.IndexReader
	// held is how many documents in seen hold term in field; unless exact,
	// 1 stands for "one or more" (the search stops at the first). The
	// term dictionary answers first, and nothing is searched for a term
	// no document holds.
	held := func(field, term string, exact bool) (uint64, error) {
		n, err := docCount(r, field, term)
		if err != nil || n == 0 || seen == nil {
			return n, err
		}
		q := query.NewConjunctionQuery([]query.Query{seen, termQuery(field, term)})
		if !exact {
			if found, err := ix.exists(context.Background(), q); err != nil || !found {
				return 0, err
			}
			return 1, nil
		}
		c, err := ix.count(context.Background(), q)
		return uint64(c), err
	}
	out := slices.Clone(words)
	for i, w := range words {
		lw := strings.ToLower(w)
		if len(lw) < typoMinLetters || strings.IndexFunc(lw, func(c rune) bool { return c < 'a' || c > 'z' }) >= 0 {
			continue
		}
		if r == nil {
			adv, err := ix.bi.Advanced()
			if err != nil {
				return nil, err
			}
			if r, err = adv.Reader(); err != nil {
				return nil, err
			}
			defer r.Close()
		}
		cs, _, err := ix.conceptsOf(lw)
		if err != nil {
			return nil, err
		}
		known := false
		for _, c := range cs {
			n := uint64(len(c.typed)) // a term of the vocabulary is meant
			if n == 0 {
				if n, err = held("text", c.term, false); err != nil {
					return nil, err
				}
			}
			if known = n > 0; known {
				break
			}
		}
		if coll == models.CollTalents && !known {
			// The pinyin of a name is not a misspelling.
			n, err := held(pinyinField, lw, false)
			if err != nil {
				return nil, err
			}
			known = n > 0
		}
		if known {
			continue
		}
		// Of the words one edit away, the one with which the whole query
		// finds something first (esports castr is esports caster: no text
		// pairs esports with Castro), then the one that makes a term of the
		// vocabulary with a word next to it (voise actor is voice actor,
		// not noise actor, though more texts say noise), then a term of the
		// vocabulary alone, then the one most documents hold.
		var cands []typoCandidate
		add := func(term string) error {
			if slices.ContainsFunc(cands, func(c typoCandidate) bool { return c.term == term }) {
				return nil
			}
			n, err := held(rawField, term, true)
			if err != nil || n == 0 {
				return err
			}
			vocab, err := ix.makesTerm(out, i, term)
			if err != nil {
				return err
			}
			cands = append(cands, typoCandidate{term: term, n: n, vocab: vocab})
			return nil
		}
		if err := nearWords(r, rawField, lw, add); err != nil {
			return nil, err
		}
		// Two letters swapped are one slip of the fingers (Untiy), as
		// spelling correctors count them, though two edits to Levenshtein.
		for j := 0; j+1 < len(lw); j++ {
			if lw[j] != lw[j+1] {
				b := []byte(lw)
				b[j], b[j+1] = b[j+1], b[j]
				if err := add(string(b)); err != nil {
					return nil, err
				}
			}
		}
		if len(cands) > 1 && len(words) > 1 {
			if err := ix.collate(coll, seen, out, i, cands); err != nil {
				return nil, err
			}
		}
		if len(cands) > 0 {
			out[i] = slices.MinFunc(cands, typoCandidate.before).term
		}
	}
	return out, nil
}

// typoCandidate is a word of the texts that a misspelled word may stand
// for: how many documents hold it, whether it is a term of the vocabulary
// (makesTerm), and whether the whole query finds something with it.
type typoCandidate struct {
	term     string
	n        uint64
	vocab    int
	collates bool
}

// before orders candidates, the likeliest first.
func (a typoCandidate) before(b typoCandidate) int {
	rank := func(c typoCandidate) int {
		r := c.vocab
		if c.collates {
			r += 3
		}
		return r
	}
	return cmp.Or(cmp.Compare(rank(b), rank(a)), cmp.Compare(b.n, a.n), strings.Compare(a.term, b.term))
}

// maxCollations bounds the candidates of one word tried against the whole
// query (the most frequent first): each try is a count over the index.
const maxCollations = 8

// collate marks the candidates for words[i] with which the query's words
// all match one document of coll, as a spelling corrector checks its
// correction against the texts before it offers it. It orders cands by
// frequency, the most frequent first. Only documents in seen count (nil:
// all of coll).
func (ix *Index) collate(coll string, seen query.Query, words []string, i int, cands []typoCandidate) error {
	slices.SortStableFunc(cands, func(a, b typoCandidate) int { return cmp.Compare(b.n, a.n) })
	if seen == nil {
		seen = termQuery(typeField, coll)
	}
	for k := range cands[:min(len(cands), maxCollations)] {
		try := slices.Clone(words)
		try[i] = cands[k].term
		cs, _, err := ix.conceptsOf(strings.Join(try, " "))
		if err != nil {
			return err
		}
		must := []query.Query{seen}
		for _, c := range cs {
			must = append(must, anyField(coll, c.term))
		}
		found, err := ix.exists(context.Background(), query.NewConjunctionQuery(must))
		if err != nil {
			return err
		}
		cands[k].collates = found
	}
	return nil
}

// makesTerm says how much word, in place of words[i], is a term of the
// vocabulary: 2 if it forms a variant of several words of a synonym group
// with the word before or after it (voice beside actor), 1 if it is a
// variant of a group alone (unity, not until, for Untiy), 0 otherwise.
func (ix *Index) makesTerm(words []string, i int, word string) (int, error) {
	for _, pair := range [][2]int{{i - 1, i}, {i, i + 1}} {
		if pair[0] < 0 || pair[1] >= len(words) {
			continue
		}
		two := []string{words[pair[0]], words[pair[1]]}
		two[i-pair[0]] = word
		cs, _, err := ix.conceptsOf(strings.Join(two, " "))
		if err != nil {
			return 0, err
		}
		for _, c := range cs {
			if len(c.typed) >= 2 {
				return 2, nil
			}
		}
	}
	cs, _, err := ix.conceptsOf(word)
	if err != nil {
		return 0, err
	}
	for _, c := range cs {
		if len(c.typed) > 0 {
			return 1, nil
		}
	}
	return 0, nil
}

// docCount is how many documents hold term in field.
func docCount(r index.IndexReader, field, term string) (uint64, error) {
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return tfr.Count(), nil
}

// nearWords calls fn with each word of field one edit from w (not w
// itself): through the index's automaton where it has one (on disk), by
// reading the field's words otherwise (the index in memory of tests).
func nearWords(r index.IndexReader, field, w string, fn func(string) error) error {
	var dict index.FieldDict
	var err error
	fz, automaton := r.(index.IndexReaderFuzzy)
	if automaton {
		dict, err = fz.FieldDictFuzzy(field, w, 1, "")
	} else {
		dict, err = r.FieldDict(field)
	}
	if err != nil {
		return err
	}
	defer dict.Close()
	for {
		e, err := dict.Next()
		if err != nil || e == nil {
			return err
		}
		if e.Term == w || !automaton && !oneEdit(w, e.Term) {
			continue
		}
		if err := fn(e.Term); err != nil {
			return err
		}
	}
}

// oneEdit reports whether a and b (bytes of ASCII words) differ by one
// insertion, deletion or substitution.
func oneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 || a == b {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:]
	}
	return a[i:] == b[i+1:]
}

// The weights of a name: found by its forms alone (zhouyutong, 周 for 周明),
// against the words found in text; and the bonus of a text match whose
// name holds the words too (Chloe Martin above Leo Martins for Martin),
// small, since a name's forms are rare and weigh much (Maya Patel is not
// the first answer to Maya).
const (
	nameAloneBoost = 0.5
	nameBonusBoost = 0.1
)

// nameWords returns the words folded when every one is a form of some
// profile's name (nameForms): the words may name someone. Nil otherwise,
// and for a query of more than three words, which is not a name.
func (ix *Index) nameWords(coll string, words []string) ([]string, error) {
	if coll != models.CollTalents || len(words) == 0 || len(words) > 3 {
		return nil, nil
	}
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = Fold(w)
		if !pinyinWord(out[i]) && !hanNameWord(out[i]) {
			return nil, nil
		}
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	for _, w := range out {
		if n, err := docCount(r, pinyinField, w); err != nil || n == 0 {
			return nil, err
		}
	}
	return out, nil
}

// nameQuery matches the profiles whose name has every one of words among
// its forms, weighed by boost.
func nameQuery(words []string, boost float64) query.Query {
	all := make([]query.Query, len(words))
	for i, w := range words {
		all[i] = termQuery(pinyinField, w)
	}
	return boosted(query.NewConjunctionQuery(all), boost)
}

// exactBoost weighs the words as typed against the other variants of
// their synonym group.
const exactBoost = 1

// conceptQuery matches a concept; for a synonym group, the text with the
// words as typed scores above the text with only another variant (音效 finds
// "sound designer", and 音效设计师 first).
func (ix *Index) conceptQuery(coll string, c concept) query.Query {
	q := anyField(coll, c.term)
	if len(c.typed) == 0 {
		return q
	}
	// The typed words of a variant of several ("concept art") each, not
	// as a phrase: positions read for every match made such a word three
	// times slower (searchbench, 100k).
	var exact query.Query
	if len(c.typed) == 1 {
		exact = anyField(coll, c.typed[0])
	} else {
		all := make([]query.Query, len(c.typed))
		for i, w := range c.typed {
			all[i] = anyField(coll, w)
		}
		exact = query.NewConjunctionQuery(all)
	}
	// A bonus, not an alternative: in a disjunction the text with only
	// another variant would score half (Bleve's coordination factor), and
	// a bio that mentions "animation" would outrank a 动画师 for "animator".
	return query.NewBooleanQuery([]query.Query{q}, []query.Query{boosted(exact, exactBoost)}, nil)
}

// listedField holds the skills and tools a profile lists (a project's
// skills), analysed like free text.
const listedField = "listed"

// listedBoost weighs a concept a profile lists as a skill or tool against
// the same concept in its text alone.
const listedBoost = 1

// listedBonus ranks the documents that list the concepts as skills or tools
// above those whose text merely mentions them: "Maya" is first the
// animators who use it, then Maya Patel; "Houdini" the effects artists, then
// the magician inspired by Houdini. Nil where coll lists nothing.
func listedBonus(coll string, cs []concept) query.Query {
	if _, ok := fields[coll][listedField]; !ok || len(cs) == 0 {
		return nil
	}
	any := make([]query.Query, len(cs))
	for i, c := range cs {
		any[i] = termQuery(listedField, c.term)
	}
	return boosted(query.NewDisjunctionQuery(any), listedBoost)
}

// boosted multiplies the boost of every term and phrase in q by b. Bleve
// weighs only those: the boost of a conjunction, disjunction or boolean
// query is kept but never applied to its score.
func boosted(q query.Query, b float64) query.Query {
	var walk func(q query.Query)
	walk = func(q query.Query) {
		switch q := q.(type) {
		case *query.ConjunctionQuery:
			for _, c := range q.Conjuncts {
				walk(c)
			}
		case *query.DisjunctionQuery:
			for _, c := range q.Disjuncts {
				walk(c)
			}
		case *query.BooleanQuery:
			for _, c := range []query.Query{q.Must, q.Should, q.MustNot} {
				if c != nil {
					walk(c)
				}
			}
		case query.BoostableQuery:
			q.SetBoost(q.Boost() * b)
		}
	}
	walk(q)
	return q
}

// textQuery builds the query of parsed text on coll: what must match, and
// what must not.
func (ix *Index) textQuery(coll string, p Parsed, seen query.Query) (query.Query, []query.Query, error) {
	must, not, err := ix.textParts(coll, p, seen)
	if err != nil || len(must) == 0 {
		return nil, not, err
	}
	return query.NewConjunctionQuery(must), not, nil
}

// partialParts are the parts a search falls back on when its parts never
// all match: each word's fine concepts, each phrase as written.
func (ix *Index) partialParts(coll string, p Parsed) ([]query.Query, error) {
	if ix.opts.Analysis == AnalysisBigrams {
		must, _, err := ix.textParts(coll, p, nil)
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
		must, _, err := ix.textParts(coll, Parsed{Phrases: []string{ph}}, nil)
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
// seen is what the caller may see of coll (nil: all), for corrected.
func (ix *Index) textParts(coll string, p Parsed, seen query.Query) ([]query.Query, []query.Query, error) {
	if len(textFields[coll]) == 0 {
		return nil, nil, fmt.Errorf("search: %s has no free text", coll)
	}
	var must, not []query.Query
	clauses := 0
	if ix.opts.Analysis == AnalysisBigrams {
		for _, w := range p.Words {
			must = append(must, ix.phraseAnyField(coll, w))
			clauses++
		}
	} else if len(p.Words) > 0 {
		// The words are analysed together, so that a synonym of several
		// words ("motion capture") is one concept.
		typed, err := ix.corrected(coll, p.Words, seen)
		if err != nil {
			return nil, nil, err
		}
		cs, _, err := ix.conceptsOf(strings.Join(typed, " "))
		if err != nil {
			return nil, nil, err
		}
		var words []query.Query
		for _, c := range cs {
			words = append(words, ix.conceptQuery(coll, c))
			clauses += 1 + len(c.typed)
		}
		if words, err = ix.withPartners(coll, cs, words); err != nil {
			return nil, nil, err
		}
		names, err := ix.nameWords(coll, p.Words)
		if err != nil {
			return nil, nil, err
		}
		text := query.Query(query.NewConjunctionQuery(words))
		var bonuses []query.Query
		if bonus := listedBonus(coll, cs); bonus != nil {
			bonuses = append(bonuses, bonus)
			clauses += len(cs)
		}
		if names != nil {
			bonuses = append(bonuses, nameQuery(names, nameBonusBoost))
			clauses += len(names)
		}
		scored := text
		if len(bonuses) > 0 {
			scored = query.NewBooleanQuery([]query.Query{text}, bonuses, nil)
		}
		if names != nil {
			// The words as text, or all of them as forms of a name alone,
			// which ranks below. Each profile matches one side (a
			// disjunction scores a match of one side of two at half, and
			// a name that holds the words as text too must not count
			// twice: Maya Patel is not the first answer to Maya).
			alone := query.NewBooleanQuery([]query.Query{nameQuery(names, nameAloneBoost)}, nil, []query.Query{text})
			scored = query.NewDisjunctionQuery([]query.Query{scored, alone})
			clauses += len(names)
		}
		must = append(must, scored)
	}
	for _, ph := range p.Phrases {
		// Quotes are literal: the phrase as written, never its synonyms
		// ("level design" does not find 关卡设计; unquoted it does).
		must = append(must, ix.phraseAnyField(coll, ph))
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
			not = append(not, ix.phraseAnyField(coll, w))
		}
		clauses += len(terms)
	}
	if clauses > maxClauses {
		return nil, nil, badQuery(models.RuleQueryTooComplex, 0, "the query is too complex (%d terms); at most %d", clauses, maxClauses)
	}
	return must, not, nil
}
