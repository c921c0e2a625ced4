package search

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// Recruiters type Chinese names in pinyin (zhouyutong, zhou yutong, zyt for
// 周雨桐). A profile's name is indexed with its pinyin forms, and only the
// name: a skill typed in pinyin is not a thing people do, and pinyin of
// every word would bring back the sound-alike false hits the word analysis
// keeps out.

// pinyinField holds the forms of a profile's name (exact terms, nameForms).
const pinyinField = "name_pinyin"

// surnameReadings are surnames whose reading as a surname is not the
// character's most common one (the library's choice outside a name).
var surnameReadings = map[rune]string{
	'单': "shan", '曾': "zeng", '仇': "qiu", '区': "ou", '解': "xie", '查': "zha", '朴': "piao", '盖': "ge",
	'繁': "po", '乐': "yue", '员': "yun", '黑': "he", '覃': "qin", '种': "chong", '秘': "bi", '缪': "miao",
	'翟': "zhai", '尉': "yu", '召': "shao", '长': "chang", '重': "chong",
}

// compoundSurnames are two-character surnames: the given name starts after
// them.
var compoundSurnames = map[string]bool{
	"欧阳": true, "司马": true, "上官": true, "诸葛": true, "东方": true, "皇甫": true, "尉迟": true, "公孙": true,
	"慕容": true, "令狐": true, "长孙": true, "宇文": true, "司徒": true, "夏侯": true, "轩辕": true, "端木": true,
}

// namePinyin returns the forms a name is found by: its full pinyin, its
// surname and given name each, each syllable, and the initials. A name
// without Chinese characters has none (it is found as written).
func namePinyin(name string) []string {
	var han []rune
	for _, r := range Fold(name) {
		if unicode.Is(unicode.Han, r) {
			han = append(han, r)
		}
	}
	if len(han) < 2 || len(han) > 6 {
		return nil
	}
	args := pinyin.NewArgs()
	syllables := make([]string, len(han))
	for i, r := range han {
		if s, ok := surnameReadings[r]; ok && i == 0 {
			syllables[i] = s
			continue
		}
		p := pinyin.SinglePinyin(r, args)
		if len(p) == 0 {
			return nil
		}
		syllables[i] = p[0]
	}
	surname := 1
	if compoundSurnames[string(han[:2])] && len(han) > 2 {
		surname = 2
	}
	var initials strings.Builder
	for _, s := range syllables {
		initials.WriteByte(s[0])
	}
	out := []string{strings.Join(syllables, ""), strings.Join(syllables[:surname], ""), strings.Join(syllables[surname:], ""), initials.String()}
	out = append(out, syllables...)
	seen := map[string]bool{}
	forms := out[:0]
	for _, f := range out {
		if f != "" && !seen[f] {
			seen[f] = true
			forms = append(forms, f)
		}
	}
	return forms
}

// nameForms are the terms a profile's name is found by besides its text:
// its pinyin forms, and the name, the surname and the given name in
// characters (周 finds 周明, which the text holds as one word); an English
// name's words as written, not stemmed (Martin is not Leo Martins).
func nameForms(name string) []string {
	forms := namePinyin(name)
	var han []rune
	for _, r := range Fold(name) {
		if unicode.Is(unicode.Han, r) {
			han = append(han, r)
		}
	}
	if len(forms) > 0 {
		surname := 1
		if compoundSurnames[string(han[:2])] && len(han) > 2 {
			surname = 2
		}
		return append(forms, string(han), string(han[:surname]), string(han[surname:]))
	}
	if len(han) > 0 {
		return nil
	}
	return strings.FieldsFunc(Fold(name), func(r rune) bool { return r < 'a' || r > 'z' })
}

// hanNameWord reports whether a word typed may be a Chinese name or part of
// one: one to four characters, all Han.
func hanNameWord(w string) bool {
	n := 0
	for _, r := range w {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
		n++
	}
	return n >= 1 && n <= 4
}

// pinyinWord reports whether a word typed may be pinyin: letters a-z only
// (after folding), two or more.
func pinyinWord(w string) bool {
	if len(w) < 2 {
		return false
	}
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
