package search

import (
	"strings"
	"testing"
)

var profileFields = map[string]string{
	"name": "林小画", "headline": "游戏原画师，擅长角色设计", "bio": "八年手游原画经验 <script>alert(1)</script>",
	"skills": "原画、角色设计、场景设计", "tools": "Photoshop、Blender",
}

func TestHighlighter(t *testing.T) {
	ix := memIndex(t)
	hl := ix.Highlighter("原畫 \"角色设计\"") // Traditional folds to Simplified
	got := hl(profileFields)
	if len(got["headline"]) != 1 || !strings.Contains(got["headline"][0], "<mark>原画师</mark>") || !strings.Contains(got["headline"][0], "<mark>角色设计</mark>") {
		t.Errorf("headline: %q", got["headline"])
	}
	if bio := strings.Join(got["bio"], " "); strings.Contains(bio, "<script>") || !strings.Contains(bio, "&lt;script&gt;") {
		t.Errorf("the bio is not escaped around its marks: %q", bio)
	}
	if _, ok := got["tools"]; ok {
		t.Errorf("a field without a match has fragments: %q", got["tools"])
	}
	// The function is reusable for the next hit of the page.
	if again := hl(map[string]string{"name": "原画组"}); len(again["name"]) != 1 {
		t.Errorf("second document: %v", again)
	}
	// No query, or one that is refused, marks nothing.
	for _, q := range []string{"", "   ", strings.Repeat("原画 ", 500), "a\x00b"} {
		if got := ix.Highlighter(q)(profileFields); len(got) != 0 {
			t.Errorf("Highlighter(%.20q) = %v", q, got)
		}
	}
}

// BenchmarkHighlightPage highlights a page of 20 profiles with the query
// analysed once for the page against once per hit (what the service did
// before Highlighter), in the same run:
//
//	go test -run '^$' -bench HighlightPage ./search
func BenchmarkHighlightPage(b *testing.B) {
	ix := memIndex(b)
	const q = "原画 角色设计 虚幻引擎"
	b.Run("analysed-per-hit", func(b *testing.B) {
		for b.Loop() {
			for range 20 {
				_ = ix.Highlighter(q)(profileFields)
			}
		}
	})
	b.Run("analysed-once", func(b *testing.B) {
		for b.Loop() {
			hl := ix.Highlighter(q)
			for range 20 {
				_ = hl(profileFields)
			}
		}
	})
}
