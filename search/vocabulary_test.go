package search

import (
	"bufio"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"

	"github.com/szdc/talenthub/models"
)

// The vocabulary (synonyms.txt, docs/vocabulary.md): what can be checked
// mechanically about the embedded table, and a few searches that show its
// groups at work and its kept-apart senses kept apart.

// vocabGroup is one line of the table: its variants as ParseSynonyms reads
// them (folded) and each variant's words after the analysis that precedes
// the synonym stage.
type vocabGroup struct {
	line     int
	variants []string
	words    [][]string
}

// form is how a variant's words are compared: two variants with the same
// form are the same to the index.
func form(words []string) string { return strings.Join(words, " ") }

// variantWords analyses a variant as ParseSynonyms does.
func variantWords(v string) []string {
	tok := wordSplitter{segmenter()}
	lower, stem := lowercase.NewLowerCaseFilter(), porter.NewPorterStemmer()
	var words []string
	for _, t := range stem.Filter(lower.Filter(tok.Tokenize([]byte(strings.TrimSpace(Fold(v)))))) {
		if t.Type != analysis.Shingle {
			words = append(words, string(t.Term))
		}
	}
	return words
}

func vocabulary(t testing.TB) []vocabGroup {
	t.Helper()
	var groups []vocabGroup
	sc := bufio.NewScanner(strings.NewReader(defaultSynonyms))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") || strings.Contains(text, ">") {
			continue // a one-way link between groups, not a group
		}
		g := vocabGroup{line: line}
		for _, v := range strings.Split(text, "=") {
			if v = strings.TrimSpace(Fold(v)); v != "" {
				g.variants = append(g.variants, v)
				g.words = append(g.words, variantWords(v))
			}
		}
		groups = append(groups, g)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return groups
}

// byForm indexes the groups by the forms of their variants.
func byForm(groups []vocabGroup) map[string]*vocabGroup {
	out := map[string]*vocabGroup{}
	for i := range groups {
		for _, w := range groups[i].words {
			out[form(w)] = &groups[i]
		}
	}
	return out
}

func hasHan(s string) bool { return strings.IndexFunc(s, isHan) >= 0 }

func hasLatin(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < utf8.RuneSelf && unicode.IsLetter(r) }) >= 0
}

// At least 300 groups; every variant analyses to some words; no variant is
// in two groups, neither as written nor as analysed (the index would give
// it the group read last, silently: that is how "design" and "designer",
// one stem, once split a group); and every group joins at least two
// different forms.
func TestVocabularyGroupsAreDistinct(t *testing.T) {
	s, err := ParseSynonyms(defaultSynonyms, segmenter())
	if err != nil {
		t.Fatal(err)
	}
	groups := vocabulary(t)
	if len(groups) != len(s.groups) {
		t.Fatalf("read %d groups, ParseSynonyms %d", len(groups), len(s.groups))
	}
	if len(groups) < 300 {
		t.Errorf("%d synonym groups; the field needs at least 300", len(groups))
	}
	written := map[string]int{}
	analysed := map[string]int{}
	for _, g := range groups {
		forms := map[string]bool{}
		for i, v := range g.variants {
			f := form(g.words[i])
			if f == "" {
				t.Errorf("line %d: %q analyses to no word", g.line, v)
				continue
			}
			if at, ok := written[v]; ok && at != g.line {
				t.Errorf("line %d: %q is also on line %d", g.line, v, at)
			}
			written[v] = g.line
			if at, ok := analysed[f]; ok && at != g.line {
				t.Errorf("line %d: %q analyses to %q, like a variant on line %d: one group or the other", g.line, v, f, at)
			}
			analysed[f] = g.line
			forms[f] = true
		}
		if len(forms) < 2 {
			t.Errorf("line %d: %v are all one form to the index: the group joins nothing", g.line, g.variants)
		}
	}
}

// A Chinese variant is matched word by word as the segmenter cuts it, so a
// word of one character at its edge (页游 as 页 + 游) would match wherever
// the segmenter leaves that character alone: such variants belong in
// dict.txt. A character between two words (海外（含港澳台）) or next to a
// Latin word (Q版, B站) is anchored by them.
func TestVocabularyChineseVariantsHoldTogether(t *testing.T) {
	for _, g := range vocabulary(t) {
		for i, v := range g.variants {
			words := g.words[i]
			for k, w := range words {
				if !hasHan(w) || utf8.RuneCountInString(w) > 1 {
					continue
				}
				inside := k > 0 && k < len(words)-1
				besideLatin := k > 0 && !hasHan(words[k-1]) || k < len(words)-1 && !hasHan(words[k+1])
				if !inside && !besideLatin {
					t.Errorf("line %d: %q is cut into %v: add it to dict.txt", g.line, v, words)
				}
			}
		}
	}
}

// Every term of every taxonomy list has its Chinese and its English label
// in one group, so that a search in either language finds the other.
func TestVocabularyCoversTheTaxonomy(t *testing.T) {
	idx := byForm(vocabulary(t))
	tax := models.DefaultTaxonomy()
	for name, terms := range map[string][]models.Term{
		"industries": tax.Industries, "districts": tax.Districts, "business_forms": tax.BusinessForms,
		"base_kinds": tax.BaseKinds, "org_kinds": tax.OrgKinds, "org_flags": tax.OrgFlags,
		"project_kinds": tax.ProjectKinds, "origins": tax.Origins, "levels": tax.Levels,
	} {
		for _, term := range terms {
			zh, en := idx[form(variantWords(term.ZH))], idx[form(variantWords(term.EN))]
			switch {
			case zh == nil || en == nil:
				t.Errorf("%s %s: %q in a group: %v, %q in a group: %v", name, term.Key, term.ZH, zh != nil, term.EN, en != nil)
			case zh != en:
				t.Errorf("%s %s: %q (line %d) and %q (line %d) are in different groups", name, term.Key, term.ZH, zh.line, term.EN, en.line)
			}
		}
	}
}

// seededWords reads the skills and tools of the generator's roles from its
// source (scripts/seed is a command's package; the test reads it rather
// than import it).
func seededWords(t *testing.T) (skills, tools []string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../scripts/seed/words.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	strs := func(e ast.Expr) []string {
		var out []string
		lit, ok := e.(*ast.CompositeLit)
		if !ok {
			t.Fatalf("not a list: %T", e)
		}
		for _, el := range lit.Elts {
			b, ok := el.(*ast.BasicLit)
			if !ok {
				t.Fatalf("not a string: %T", el)
			}
			s, err := strconv.Unquote(b.Value)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "roles" {
			return true
		}
		for _, r := range vs.Values[0].(*ast.CompositeLit).Elts {
			// role{zh, en, skills, tools, industries, bios}
			fields := r.(*ast.CompositeLit).Elts
			skills = append(skills, strs(fields[2])...)
			tools = append(tools, strs(fields[3])...)
		}
		return false
	})
	if len(skills) == 0 || len(tools) == 0 {
		t.Fatal("no roles in scripts/seed/words.go")
	}
	return skills, tools
}

// Tools of the seeded lists that have no other name: the same word in both
// languages, no abbreviation or edition in use. A group of one form would
// join nothing (docs/vocabulary.md).
var toolsWithoutVariants = map[string]string{
	"Procreate": "one name in both languages, no abbreviation",
	"Figma":     "one name in both languages, no abbreviation",
	"Git":       "one name; GitHub and GitLab are services, not Git",
	"Scrivener": "one name in both languages, no abbreviation",
	"Sketch":    "the English word sketch (草图, 速写) is broader than the tool; no group may give it one sense",
}

// Every skill and tool of the seeded word lists is a variant of a group, and
// every Chinese skill's group has an English variant.
func TestVocabularyCoversTheSeededWords(t *testing.T) {
	idx := byForm(vocabulary(t))
	skills, tools := seededWords(t)
	for _, s := range skills {
		g := idx[form(variantWords(s))]
		if g == nil {
			t.Errorf("seeded skill %q is in no group", s)
			continue
		}
		if hasHan(s) && !slices.ContainsFunc(g.variants, func(v string) bool { return !hasHan(v) && hasLatin(v) }) {
			t.Errorf("seeded skill %q: its group (line %d) has no English variant", s, g.line)
		}
	}
	for _, tool := range tools {
		g := idx[form(variantWords(tool))]
		_, excused := toolsWithoutVariants[tool]
		switch {
		case g == nil && !excused:
			t.Errorf("seeded tool %q is in no group", tool)
		case g != nil && excused:
			t.Errorf("seeded tool %q is in a group (line %d): take it off toolsWithoutVariants", tool, g.line)
		}
	}
	for tool := range toolsWithoutVariants {
		if !slices.Contains(tools, tool) {
			t.Errorf("toolsWithoutVariants names %q, which is no longer a seeded tool", tool)
		}
	}
}

// Searches on a small index: the known misses of the issue found, and the
// senses kept apart kept apart.
func TestVocabularySearches(t *testing.T) {
	ix := memIndex(t)
	profiles := map[string]struct{ headline, bio string }{
		"sound-en":    {"Sound Designer", "Sound designer for mobile games: footsteps, impacts and UI sounds, implemented in Wwise."},
		"sound-zh":    {"游戏音效设计师", "负责技能与界面音效，熟悉Wwise。"},
		"music-zh":    {"原创音乐人", "独立音乐人，为网络游戏创作背景音乐与歌曲。"},
		"music-en":    {"Composer", "Musician writing music and songs for games and short films."},
		"caster-en":   {"Esports Caster", "Play-by-play caster for League of Legends tournaments, on stage and on stream."},
		"caster-zh":   {"电竞解说", "英雄联盟赛事解说五年。"},
		"streamer-zh": {"游戏主播", "斗鱼游戏主播，每晚直播王者荣耀。"},
		"novel-zh":    {"网络文学作者", "在起点中文网连载玄幻网络文学作品，累计三百万字。"},
		"novel-en":    {"Web Novelist", "Writing fantasy web novels in serial form for eight years."},
		"motion-zh":   {"UI动效设计师", "为App设计界面转场与微交互动效。"},
		"animator-zh": {"2D动画师", "负责角色待机与攻击动画。"},
		"writer-en":   {"Screenwriter", "Screenwriter for TV series and short films."},
		"director-zh": {"短片导演", "执导广告与短片，负责现场拍摄。"},
		"voice-en":    {"Voice Actor", "Voice actor for game characters and audiobooks."},
		"cpp-en":      {"Engine Programmer", "C++ engine programmer: rendering and memory."},
		"csharp-en":   {"Unity Developer", "Unity developer writing C# gameplay code."},
		"modeler-zh":  {"三维建模师", "游戏道具与角色的三维建模，熟悉Maya。"},
		"archviz-zh":  {"建筑可视化三维建模", "为地产项目做三维建模与效果图。"},
		"charmod-en":  {"Character Modeler", "Character modeling for games in Maya."},
		"sculptor-en": {"Digital Sculptor", "ZBrush sculpting of creatures and busts."},
		"ps-zh":       {"电商美工", "熟练使用PS修图与排版。"},
		"ue-zh":       {"虚幻引擎开发", "虚幻引擎C++开发三年。"},
		// The painting, 3D and engineering crafts added on 2026-12-03.
		"paint-en":   {"Digital Painter", "Digital painting of key art and splash screens."},
		"cel-zh":     {"三渲二技术美术", "负责卡通渲染着色器。"},
		"envart-en":  {"Environment Artist", "Environment art for open-world games, modular kits in Maya."},
		"envdes-zh":  {"场景设计师", "负责关卡场景设计与气氛图。"},
		"light-en":   {"Lighting Artist", "Lighting artist for cinematics and levels in Unreal."},
		"stage-zh":   {"舞台灯光设计师", "演唱会与剧场的灯光设计。"},
		"gfx-zh":     {"图形程序员", "负责渲染管线与阴影。"},
		"cloth-en":   {"Technical Artist", "Cloth simulation and hair for characters in Houdini."},
		"gamevfx-zh": {"游戏特效师", "负责技能特效与受击特效。"},
		"filmvfx-en": {"VFX Artist", "Visual effects for feature films: explosions and smoke."},
		"anim3d-en":  {"3D Animator", "Character animation in Maya for cinematics."},
	}
	byID := indexProfiles(t, ix, profiles)
	for _, tc := range []struct {
		q         string
		want, not []string
	}{
		// The known misses.
		{q: "音效", want: []string{"sound-en", "sound-zh"}, not: []string{"music-zh", "music-en"}},
		{q: "sound design", want: []string{"sound-en", "sound-zh"}, not: []string{"music-zh", "music-en"}},
		{q: "电竞 解说", want: []string{"caster-en", "caster-zh"}, not: []string{"streamer-zh"}},
		{q: "网文", want: []string{"novel-zh", "novel-en"}},
		// Kept apart: music is not sound design, a streamer is not a
		// caster, motion design is not animation, a screenwriter is not
		// a director.
		{q: "音乐", want: []string{"music-zh", "music-en"}, not: []string{"sound-en", "sound-zh"}},
		{q: "music", want: []string{"music-zh", "music-en"}, not: []string{"sound-en", "sound-zh"}},
		{q: "解说", want: []string{"caster-en", "caster-zh"}, not: []string{"streamer-zh"}},
		{q: "streamer", want: []string{"streamer-zh"}, not: []string{"caster-en", "caster-zh"}},
		{q: "动效", want: []string{"motion-zh"}, not: []string{"animator-zh"}},
		{q: "animation", want: []string{"animator-zh"}, not: []string{"motion-zh"}},
		{q: "编剧", want: []string{"writer-en"}, not: []string{"director-zh"}},
		{q: "director", want: []string{"director-zh"}, not: []string{"writer-en"}},
		{q: "配音", want: []string{"voice-en"}},
		// C++ and C# are two words, not one "c".
		{q: "C++", want: []string{"cpp-en"}, not: []string{"csharp-en"}},
		{q: "cpp", want: []string{"cpp-en"}, not: []string{"csharp-en"}},
		{q: "C#", want: []string{"csharp-en"}, not: []string{"cpp-en"}},
		// Modeling is not sculpting; character modeling is narrower than
		// 3D modeling (a character modeler's own words find it).
		{q: "三维建模", want: []string{"modeler-zh", "archviz-zh"}, not: []string{"sculptor-en"}},
		{q: "雕刻", want: []string{"sculptor-en"}, not: []string{"modeler-zh", "archviz-zh", "charmod-en"}},
		{q: "角色建模", want: []string{"charmod-en"}, not: []string{"archviz-zh", "modeler-zh"}},
		// The crafts added on 2026-12-03, each in both languages, and the
		// senses kept apart: a CG lighting artist is not a stage lighting
		// designer, an environment artist not an environment designer; a
		// game effects artist is a kind of effects artist (one way).
		{q: "板绘", want: []string{"paint-en"}},
		{q: "cel shading", want: []string{"cel-zh"}},
		{q: "场景美术", want: []string{"envart-en"}, not: []string{"envdes-zh"}},
		{q: "environment designer", want: []string{"envdes-zh"}, not: []string{"envart-en"}},
		{q: "灯光美术", want: []string{"light-en"}, not: []string{"stage-zh"}},
		{q: "lighting designer", want: []string{"stage-zh"}, not: []string{"light-en"}},
		{q: "graphics programmer", want: []string{"gfx-zh"}},
		{q: "布料模拟", want: []string{"cloth-en"}},
		{q: "game vfx", want: []string{"gamevfx-zh"}, not: []string{"filmvfx-en"}},
		{q: "vfx", want: []string{"gamevfx-zh", "filmvfx-en"}},
		// A narrower group whose variant holds a word of the broader one
		// ("animation", "vfx") is asked for, not the broader: 2D animation
		// is not every animator.
		{q: "2d animation", want: []string{"animator-zh"}, not: []string{"anim3d-en"}},
		{q: "2D动画", want: []string{"animator-zh"}, not: []string{"anim3d-en"}},
		{q: "animation", want: []string{"animator-zh", "anim3d-en"}},
		// Abbreviations in the field's sense.
		{q: "Photoshop", want: []string{"ps-zh"}},
		{q: "UE5", want: []string{"ue-zh"}},
	} {
		got, partial := publicKeys(t, ix, tc.q, byID)
		if partial {
			t.Errorf("%q: partial results %v: no profile had the whole query", tc.q, got)
			continue
		}
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: %s not found (found %v)", tc.q, w, got)
			}
		}
		for _, n := range tc.not {
			if slices.Contains(got, n) {
				t.Errorf("%q: found %s, a sense kept apart (found %v)", tc.q, n, got)
			}
		}
	}
}

// TestVocabularyForms lists the analysed form of each variant, to read the
// table as the index does: VOCABULARY_FORMS=1 go test -run
// TestVocabularyForms -v ./search/
func TestVocabularyForms(t *testing.T) {
	if os.Getenv("VOCABULARY_FORMS") == "" {
		t.Skip("set VOCABULARY_FORMS=1 to list the forms")
	}
	var b strings.Builder
	for _, g := range vocabulary(t) {
		fmt.Fprintf(&b, "%d:", g.line)
		for i, v := range g.variants {
			fmt.Fprintf(&b, " %s[%s]", v, form(g.words[i]))
		}
		b.WriteByte('\n')
	}
	t.Log(b.String())
}

// The words as typed rank above another variant of their group, in both
// directions and in every pair the issue names: a recruiter who types 音效
// reads 音效设计师 first, and one who types "sound designer" the English
// profile first. The two profiles of a pair differ only in language, so
// only the bonus for the typed words orders them.
func TestTypedWordsRankAboveTheirSynonyms(t *testing.T) {
	ix := memIndex(t)
	byID := indexProfiles(t, ix, map[string]struct{ headline, bio string }{
		"sound-zh":   {"音效设计师", ""},
		"sound-en":   {"Sound Designer", ""},
		"caster-zh":  {"电竞解说", ""},
		"caster-en":  {"Esports Caster", ""},
		"voice-zh":   {"配音演员", ""},
		"voice-en":   {"Voice Actor", ""},
		"concept-zh": {"原画师", ""},
		"concept-en": {"Concept Artist", ""},
		"writer-zh":  {"编剧", ""},
		"writer-en":  {"Screenwriter", ""},
	})
	for _, tc := range []struct{ q, first, second string }{
		{"音效设计师", "sound-zh", "sound-en"},
		{"sound designer", "sound-en", "sound-zh"},
		{"电竞解说", "caster-zh", "caster-en"},
		{"esports caster", "caster-en", "caster-zh"},
		{"配音演员", "voice-zh", "voice-en"},
		{"voice actor", "voice-en", "voice-zh"},
		{"原画师", "concept-zh", "concept-en"},
		{"concept artist", "concept-en", "concept-zh"},
		{"编剧", "writer-zh", "writer-en"},
		{"screenwriter", "writer-en", "writer-zh"},
	} {
		got, _ := publicKeys(t, ix, tc.q, byID)
		if len(got) < 2 || got[0] != tc.first || !slices.Contains(got, tc.second) {
			t.Errorf("%q: got %v, want %s first and %s among the answers", tc.q, got, tc.first, tc.second)
		}
	}
}

// publicKeys searches public profiles for q and returns the first 50 hits'
// keys (byID names them), in order, and whether the results are partial.
func publicKeys(t *testing.T, ix *Index, q string, byID map[string]string) ([]string, bool) {
	t.Helper()
	page, err := ix.SearchTalents(context.Background(), models.TalentSearch{Q: q, Visibility: []models.Visibility{models.VisibilityPublic},
		Page: models.Page{Page: 1, PerPage: 50}})
	if err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	var got []string
	for _, h := range page.Hits {
		got = append(got, byID[h.ID])
	}
	return got, page.Partial
}

// indexProfiles indexes a public profile of each headline and bio, under
// ids given in the order of their keys, and returns the keys by id. The
// name is indexed too: a neutral one, not the profile's key.
func indexProfiles(t *testing.T, ix *Index, profiles map[string]struct{ headline, bio string }) map[string]string {
	t.Helper()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	byID := map[string]string{}
	for i, key := range slices.Sorted(maps.Keys(profiles)) {
		p := profiles[key]
		id := hex24(i + 1)
		byID[id] = key
		tal := &models.Talent{ID: id, OwnerID: id, Name: fmt.Sprintf("P%d", i+1), Headline: p.headline, Bio: p.bio,
			Visibility: models.VisibilityPublic, Version: 1, CreatedAt: at, UpdatedAt: at}
		if err := ix.put(t, tal); err != nil {
			t.Fatal(err)
		}
	}
	return byID
}
