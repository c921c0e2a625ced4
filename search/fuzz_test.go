package search

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/szdc/talenthub/models"
)

// FuzzParseText: whatever a user types, the parser answers without
// panicking, within its limits, with clean text; a refusal is a 400.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{"原画", `"concept art" -unity`, "UE5 关卡设计", `"`, `""`, "-", "- -a", "原畫師 animator", "\x00", "\xff\xfe",
		strings.Repeat("a ", 20), `“原画”`, "a\u202Eb", "+a +b", "a* b? c~", "(x OR y)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p, err := ParseText(q)
		if err != nil {
			if models.ErrorCode(err) != models.CodeBadRequest {
				t.Fatalf("ParseText(%q): %v, want a bad request", q, err)
			}
			return
		}
		if len(p.Words) > maxWords || len(p.Phrases) > maxPhrases || len(p.Excluded) > maxExcluded {
			t.Fatalf("ParseText(%q) = %+v: over the limits", q, p)
		}
		for _, part := range [][]string{p.Words, p.Phrases, p.Excluded} {
			for _, w := range part {
				if w == "" || !utf8.ValidString(w) || strings.IndexFunc(w, unicode.IsControl) >= 0 {
					t.Fatalf("ParseText(%q) = %+v: an empty or unclean term %q", q, p, w)
				}
			}
		}
		if p.Empty() && len(p.Excluded) > 0 {
			t.Fatalf("ParseText(%q) accepted a query of exclusions only", q)
		}
		_ = Fold(q) // folding any accepted text must not panic either
	})
}
