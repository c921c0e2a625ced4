package search

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/go-ego/gse"
)

// The analysis of free text: Traditional characters folded to Simplified
// before anything else; Chinese runs segmented into words by gse with the
// domain dictionary, each longer word also indexed as the dictionary words
// inside it (at the same position, so phrases still work); Latin words
// split on non-letters (C++, C# and F# keep their signs); then lower case,
// English stemming, and synonyms (a canonical token at the position of any
// variant). No stop words: tool names like "After Effects" keep every word.
const (
	charFolder      = "thub_t2s"
	wordTokenizer   = "thub_words"
	synonymFilter   = "thub_synonyms"
	wholeFilter     = "thub_whole_words" // drops the sub-words of long words
	textAnalyzer    = "thub_text"        // free text: words, synonyms, stems
	literalAnalyzer = "thub_literal"     // a quoted phrase: the words of free text, without synonyms
	rawAnalyzer     = "thub_raw"         // the English words of free text, not stemmed: typos
	latinFilter     = "thub_latin"       // keeps the words with a Latin letter
	bigramAnalyzer  = "thub_bigrams"     // the comparison: Bleve's CJK bigrams
	keyAnalyzer     = "thub_key"         // exact keys folded: skills and tools filters
	canonicalPrefix = "~"                // canonical synonym tokens never collide with words
)

var (
	//go:embed dict.txt
	domainDict string
	//go:embed synonyms.txt
	defaultSynonyms string
)

// segmenter is gse loaded once per process: loading takes a second or two
// and ~130 MiB, and gse's loader writes package-level state, so it must not
// run twice or concurrently with cutting.
var segmenter = sync.OnceValue(func() *gse.Segmenter {
	var seg gse.Segmenter
	seg.SkipLog = true
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(domainDict))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) == 2 {
			fmt.Fprintf(&b, "%s %s n\n", fields[0], fields[1])
		}
	}
	// Domain words first: gse keeps the first entry of a word.
	if err := seg.LoadDictStr(b.String()); err != nil {
		panic(fmt.Sprintf("search: domain dictionary: %v", err))
	}
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		panic(fmt.Sprintf("search: gse dictionary: %v", err))
	}
	return &seg
})

// foldT2S maps Traditional characters to Simplified ones of the same byte
// length, so offsets do not move.
func foldT2S(in []byte) []byte {
	out := make([]byte, 0, len(in))
	for len(in) > 0 {
		r, n := utf8.DecodeRune(in)
		if s, ok := t2s[r]; ok {
			r = s
		}
		out = utf8.AppendRune(out, r)
		in = in[n:]
	}
	return out
}

// Fold folds text the way the index does (Traditional → Simplified, lower
// case), for comparing skills and synonyms outside Bleve.
func Fold(s string) string { return strings.ToLower(string(foldT2S([]byte(s)))) }

type t2sFilter struct{}

func (t2sFilter) Filter(in []byte) []byte { return foldT2S(in) }

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// wordSplitter is the tokenizer: Han runs through gse, other letters and
// digits as words.
type wordSplitter struct{ seg *gse.Segmenter }

func (w wordSplitter) Tokenize(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	pos := 0
	emit := func(start, end int, typ analysis.TokenType, sub bool) {
		if !sub {
			pos++
		}
		out = append(out, &analysis.Token{Start: start, End: end, Term: append([]byte(nil), input[start:end]...), Position: pos, Type: typ})
	}
	i := 0
	for i < len(input) {
		r, n := utf8.DecodeRune(input[i:])
		switch {
		case isHan(r):
			j := i + n
			for j < len(input) {
				r2, n2 := utf8.DecodeRune(input[j:])
				if !isHan(r2) {
					break
				}
				j += n2
			}
			w.han(input, i, j, emit)
			i = j
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i + n
			for j < len(input) {
				r2, n2 := utf8.DecodeRune(input[j:])
				if isHan(r2) || !(unicode.IsLetter(r2) || unicode.IsDigit(r2) || unicode.Is(unicode.Mn, r2)) {
					break
				}
				j += n2
			}
			j += languageSuffix(input, i+n, j)
			emit(i, j, analysis.AlphaNumeric, false)
			i = j
		default:
			if r == '\n' {
				pos += partGap
			}
			i += n
		}
	}
	return out
}

// maxSubword is the longest dictionary word indexed inside a longer one:
// 交互设计 inside 交互设计师, so that the quoted "交互设计" finds it.
const maxSubword = 6

// partGap is the positions between the parts of a document's text (its
// lines: headline, skills, name, bio...), so that a phrase never matches
// the end of one part and the start of the next.
const partGap = 10

// languageSuffix is the length of the "++" or "#" that makes a word of one
// letter a programming language's name (C++, C#, F#), for a word that ends
// at end; 0 for any other word. Without it C++, C# and the C of C类 were
// the one word "c".
func languageSuffix(input []byte, oneLetter, end int) int {
	if c := input[end-1]; end != oneLetter || c >= utf8.RuneSelf || !unicode.IsLetter(rune(c)) {
		return 0
	}
	rest := input[end:]
	switch {
	case bytes.HasPrefix(rest, []byte("++")):
		return 2
	case bytes.HasPrefix(rest, []byte("#")):
		// Not a#b; C#开发 is C# then 开发.
		if len(rest) > 1 && rest[1] < utf8.RuneSelf && (unicode.IsLetter(rune(rest[1])) || unicode.IsDigit(rune(rest[1]))) {
			return 0
		}
		return 1
	}
	return 0
}

// han segments one run of Han characters: every word gse finds, then the
// dictionary words of two characters or more inside longer words, at the
// word's position (so 原画师 is found by 原画 and by 画师 too).
func (w wordSplitter) han(input []byte, from, to int, emit func(int, int, analysis.TokenType, bool)) {
	run := string(input[from:to])
	at := from
	for _, word := range w.seg.Cut(run, true) {
		k := bytes.Index(input[at:to], []byte(word))
		if k < 0 || word == "" {
			continue
		}
		start := at + k
		end := start + len(word)
		emit(start, end, analysis.Ideographic, false)
		if runes := []rune(word); len(runes) > 2 {
			offsets := make([]int, len(runes)+1)
			for i, r := range runes {
				offsets[i+1] = offsets[i] + utf8.RuneLen(r)
			}
			for size := 2; size <= maxSubword && size < len(runes); size++ {
				for i := 0; i+size <= len(runes); i++ {
					sub := string(runes[i : i+size])
					if _, _, ok := w.seg.Find(sub); ok {
						emit(start+offsets[i], start+offsets[i+size], analysis.Shingle, true)
					}
				}
			}
		}
		at = end
	}
}

// Synonyms is a synonym table: groups of variants, each variant a sequence
// of analysed tokens.
type Synonyms struct {
	groups  [][]string            // canonical first, as written (folded)
	broader map[string][]string   // canonical token → those of the groups it is a kind of
	single  map[string]string     // one-token variant → canonical
	multi   map[string][][]string // first token → multi-token variants with the canonical last
	hash    string
}

// ParseSynonyms reads a table in the format of synonyms.txt.
func ParseSynonyms(text string, seg *gse.Segmenter) (*Synonyms, error) {
	s := &Synonyms{single: map[string]string{}, multi: map[string][][]string{}, broader: map[string][]string{}}
	type link struct {
		line          int
		narrow, broad string
	}
	var links []link
	sum := sha256.Sum256([]byte(text))
	s.hash = hex.EncodeToString(sum[:8])
	tok := wordSplitter{seg}
	lower, stem := lowercase.NewLowerCaseFilter(), porter.NewPorterStemmer()
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if narrow, broad, ok := strings.Cut(t, ">"); ok {
			// "关卡策划 > 游戏策划": text of the first group is also of the
			// second (a kind of it); not the other way.
			links = append(links, link{line, strings.TrimSpace(Fold(narrow)), strings.TrimSpace(Fold(broad))})
			continue
		}
		var group []string
		for _, v := range strings.Split(t, "=") {
			if v = strings.TrimSpace(Fold(v)); v != "" {
				group = append(group, v)
			}
		}
		if len(group) < 2 {
			return nil, fmt.Errorf("synonyms line %d: a group needs two variants", line)
		}
		canon := canonicalPrefix + group[0]
		for _, v := range group {
			// Variants go through the analysis that precedes the synonym
			// stage, so "animators" meets "animator" as "anim".
			var words []string
			for _, t := range stem.Filter(lower.Filter(tok.Tokenize([]byte(v)))) {
				if t.Type != analysis.Shingle {
					words = append(words, string(t.Term))
				}
			}
			switch len(words) {
			case 0:
			case 1:
				s.single[words[0]] = canon
			default:
				s.multi[words[0]] = append(s.multi[words[0]], append(words, canon))
			}
		}
		s.groups = append(s.groups, group)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	named := map[string]bool{}
	for _, g := range s.groups {
		named[g[0]] = true
	}
	for _, l := range links {
		if !named[l.narrow] || !named[l.broad] || l.narrow == l.broad {
			return nil, fmt.Errorf("synonyms line %d: a link joins two groups by their first variants", l.line)
		}
		s.broader[canonicalPrefix+l.narrow] = append(s.broader[canonicalPrefix+l.narrow], canonicalPrefix+l.broad)
	}
	// Each group's broader groups, all of them (a kind of a kind).
	for c := range s.broader {
		seen := map[string]bool{c: true}
		var all []string
		var walk func(string)
		walk = func(x string) {
			for _, b := range s.broader[x] {
				if !seen[b] {
					seen[b] = true
					all = append(all, b)
					walk(b)
				}
			}
		}
		walk(c)
		s.broader[c] = all
	}
	return s, nil
}

// synonymStage adds, at the position of every variant in a stream, the
// canonical token of its group, spanning the variant's text.
type synonymStage struct{ s *Synonyms }

func (f synonymStage) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(in)+4)
	// The tokens at each position (a word and the words inside it), in
	// position order, for multi-word variants.
	var positions []int
	at := map[int][]*analysis.Token{}
	for _, t := range in {
		if _, ok := at[t.Position]; !ok {
			positions = append(positions, t.Position)
		}
		at[t.Position] = append(at[t.Position], t)
	}
	added := map[string]*analysis.Token{}
	put := func(canon string, pos, start, end int) {
		key := fmt.Sprint(pos, canon)
		if t, ok := added[key]; ok {
			// The same group at the same place: keep the widest span, so
			// that the whole variant counts as one concept.
			t.Start, t.End = min(t.Start, start), max(t.End, end)
			return
		}
		t := &analysis.Token{Term: []byte(canon), Start: start, End: end, Position: pos, Type: analysis.Single, KeyWord: true}
		added[key] = t
		out = append(out, t)
	}
	// A variant of several words gets its canonical token at its first and
	// at its last position, so that a phrase of concepts finds it whether
	// it comes before or after the other words.
	add := func(canon string, first, last *analysis.Token) {
		for _, c := range append([]string{canon}, f.s.broader[canon]...) {
			put(c, first.Position, first.Start, last.End)
			if last.Position != first.Position {
				put(c, last.Position, first.Start, last.End)
			}
		}
	}
	for _, t := range in {
		out = append(out, t)
		if c, ok := f.s.single[string(t.Term)]; ok {
			add(c, t, t)
		}
	}
	// wordAt is the whole word at a position (the sub-words inside it sit
	// at the same position).
	wordAt := func(pos int) *analysis.Token {
		for _, t := range at[pos] {
			if t.Type != analysis.Shingle {
				return t
			}
		}
		return nil
	}
	// has finds term at pos where it starts its word: the next word of a
	// variant of several must follow the previous one, not sit inside a
	// longer word (游戏 音效设计师 is not 游戏 设计师).
	has := func(pos int, term string) *analysis.Token {
		w := wordAt(pos)
		for _, t := range at[pos] {
			if string(t.Term) == term && (w == nil || t.Start == w.Start) {
				return t
			}
		}
		return nil
	}
	for i, pos := range positions {
		for _, t := range at[pos] {
			// The first word of a variant of several ends its word, so
			// that the next one follows it.
			if w := wordAt(pos); w != nil && t.End != w.End {
				continue
			}
			for _, variant := range f.s.multi[string(t.Term)] {
				words, canon := variant[:len(variant)-1], variant[len(variant)-1]
				if i+len(words) > len(positions) {
					continue
				}
				last := t
				for k := 1; k < len(words) && last != nil; k++ {
					if positions[i+k] != pos+k {
						last = nil // the variant's words are in two parts of the text
						break
					}
					last = has(positions[i+k], words[k])
				}
				if last != nil {
					add(canon, t, last)
				}
			}
		}
	}
	return out
}

// synonymState is the synonym table the analysers use: the embedded one
// unless UseSynonyms replaced it. Bleve builds analysers by registered name,
// so this is per process; an index opened after a change picks it up.
var synonymState struct {
	mu     sync.Mutex
	parsed *Synonyms
}

// UseSynonyms replaces the synonym table (a SYNONYMS_FILE); call it before
// opening an index. An index built with another table is rebuilt at open.
func UseSynonyms(text string) error {
	s, err := ParseSynonyms(text, segmenter())
	if err != nil {
		return err
	}
	synonymState.mu.Lock()
	synonymState.parsed = s
	synonymState.mu.Unlock()
	return nil
}

func synonyms() *Synonyms {
	synonymState.mu.Lock()
	defer synonymState.mu.Unlock()
	if synonymState.parsed == nil {
		s, err := ParseSynonyms(defaultSynonyms, segmenter())
		if err != nil {
			panic(fmt.Sprintf("search: the embedded synonyms.txt: %v", err))
		}
		synonymState.parsed = s
	}
	return synonymState.parsed
}

func init() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(registry.RegisterCharFilter(charFolder, func(map[string]any, *registry.Cache) (analysis.CharFilter, error) {
		return t2sFilter{}, nil
	}))
	must(registry.RegisterTokenizer(wordTokenizer, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return wordSplitter{segmenter()}, nil
	}))
	must(registry.RegisterTokenFilter(synonymFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return synonymStage{synonyms()}, nil
	}))
	must(registry.RegisterTokenFilter(wholeFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return wholeWords{}, nil
	}))
	must(registry.RegisterTokenFilter(latinFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return latinWords{}, nil
	}))
}

// latinWords keeps the words of a stream that have a Latin letter: the
// English of a text, as a misspelling is corrected against it (Chinese
// never is).
type latinWords struct{}

func (latinWords) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		for _, b := range t.Term {
			if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// wholeWords keeps the words of a stream and drops the sub-words inside
// long words (which sit at the word's position). A quoted phrase is its
// words: with the sub-words as alternatives at the same position, "角色设计"
// matched any text with 设计 (a third of a million profiles).
type wholeWords struct{}

func (wholeWords) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		if t.Type != analysis.Shingle {
			out = append(out, t)
		}
	}
	return out
}

// addAnalyzers declares the analysers of the mapping.
func addAnalyzers(im *mapping.IndexMappingImpl) error {
	if err := im.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type": custom.Name, "char_filters": []string{charFolder}, "tokenizer": wordTokenizer,
		"token_filters": []string{lowercase.Name, porter.Name, synonymFilter},
	}); err != nil {
		return err
	}
	// Quotes mean "exactly this": the words as free text indexes them
	// (folded to Simplified and lower case; English endings stemmed, as
	// the index holds no other form), matched at their positions, without
	// the synonyms' tokens and the sub-words that sit at the same
	// positions. A word of the phrase still matches the same word inside a
	// longer one of the text where the index holds it as a sub-word ("游戏
	// 原画" finds 游戏原画师).
	if err := im.AddCustomAnalyzer(literalAnalyzer, map[string]any{
		"type": custom.Name, "char_filters": []string{charFolder}, "tokenizer": wordTokenizer,
		"token_filters": []string{wholeFilter, lowercase.Name, porter.Name},
	}); err != nil {
		return err
	}
	// A misspelt word is corrected against the words as written: the
	// stems of free text are too far from a typo ("animatr" is three
	// edits from "anim", the stem of "animator", one from "animator").
	if err := im.AddCustomAnalyzer(rawAnalyzer, map[string]any{
		"type": custom.Name, "char_filters": []string{charFolder}, "tokenizer": wordTokenizer,
		"token_filters": []string{wholeFilter, latinFilter, lowercase.Name},
	}); err != nil {
		return err
	}
	if err := im.AddCustomAnalyzer(bigramAnalyzer, map[string]any{
		"type": custom.Name, "char_filters": []string{charFolder}, "tokenizer": unicodetok.Name,
		"token_filters": []string{cjk.WidthName, lowercase.Name, cjk.BigramName, porter.Name},
	}); err != nil {
		return err
	}
	return im.AddCustomAnalyzer(keyAnalyzer, map[string]any{
		"type": custom.Name, "char_filters": []string{charFolder}, "tokenizer": single.Name,
		"token_filters": []string{lowercase.Name},
	})
}

// analysisVersion identifies the dictionary and synonyms an index was
// built with: when either changes, the index is rebuilt.
func analysisVersion() string {
	sum := sha256.Sum256([]byte(domainDict))
	return hex.EncodeToString(sum[:6]) + "-" + synonyms().hash + "-" + strconv.Itoa(len(t2s))
}
