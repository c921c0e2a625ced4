package search

import (
	"html"
	"sort"
	"strings"
)

// Highlights are drawn from the documents of a page (which the service has
// read anyway), not from the index: the index keeps no stored text. Each
// field is analysed as at indexing and the spans of the tokens that a query
// term matched are wrapped in <mark>, the rest escaped.

const fragmentContext = 24 // runes of context on each side of a match

// Highlighter implements models.Searcher: it analyses q once (segmentation
// and synonyms are the costly part) and returns the function that marks
// where its words and phrases matched in one document's fields (name →
// text), for each hit of a page.
func (ix *Index) Highlighter(q string) func(fields map[string]string) map[string][]string {
	none := func(map[string]string) map[string][]string { return map[string][]string{} }
	p, err := ParseText(q)
	if err != nil || p.Empty() {
		return none
	}
	terms := map[string]bool{}
	words := append([]string{strings.Join(p.Words, " ")}, p.Phrases...)
	for _, w := range words {
		if strings.TrimSpace(w) == "" {
			continue
		}
		ts, err := ix.concepts(w)
		if err != nil {
			return none
		}
		for _, t := range ts {
			terms[t] = true
		}
	}
	return func(fields map[string]string) map[string][]string { return ix.highlight(terms, fields) }
}

func (ix *Index) highlight(terms map[string]bool, fields map[string]string) map[string][]string {
	out := map[string][]string{}
	an := ix.bi.Mapping().AnalyzerNamed(textAnalyzer)
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		text := fields[name]
		if text == "" {
			continue
		}
		var spans [][2]int
		for _, t := range an.Analyze([]byte(text)) {
			if terms[string(t.Term)] {
				spans = append(spans, [2]int{t.Start, t.End})
			}
		}
		if frags := fragments(text, merge(spans)); len(frags) > 0 {
			out[name] = frags
		}
	}
	return out
}

// merge sorts spans and joins the overlapping ones.
func merge(spans [][2]int) [][2]int {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var out [][2]int
	for _, s := range spans {
		if n := len(out); n > 0 && s[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}

// fragments cuts text around the spans (at most two fragments), marking
// them. Offsets are bytes of the original text: the analysis folds
// Traditional to Simplified without moving them.
func fragments(text string, spans [][2]int) []string {
	if len(spans) == 0 {
		return nil
	}
	runeStart := func(i int) int { // back to a rune boundary
		for i > 0 && i < len(text) && text[i]&0xC0 == 0x80 {
			i--
		}
		return i
	}
	back := func(i, n int) int {
		for ; n > 0 && i > 0; n-- {
			i = runeStart(i - 1)
		}
		return i
	}
	ahead := func(i, n int) int {
		for ; n > 0 && i < len(text); n-- {
			i++
			for i < len(text) && text[i]&0xC0 == 0x80 {
				i++
			}
		}
		return i
	}
	var out []string
	for i := 0; i < len(spans) && len(out) < 2; {
		from, to := back(spans[i][0], fragmentContext), ahead(spans[i][1], fragmentContext)
		var b strings.Builder
		if from > 0 {
			b.WriteString("…")
		}
		at := from
		for i < len(spans) && spans[i][0] < to {
			s := spans[i]
			b.WriteString(html.EscapeString(text[at:s[0]]))
			b.WriteString("<mark>" + html.EscapeString(text[s[0]:s[1]]) + "</mark>")
			at = s[1]
			to = max(to, ahead(s[1], fragmentContext/2))
			i++
		}
		to = min(to, len(text))
		b.WriteString(html.EscapeString(text[at:to]))
		if to < len(text) {
			b.WriteString("…")
		}
		out = append(out, b.String())
	}
	return out
}
