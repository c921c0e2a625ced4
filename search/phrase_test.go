package search

import (
	"context"
	"slices"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestQuotedPhrasesAreLiteral: a quoted phrase finds its words, in order,
// as written (Traditional and case folded); not their synonyms, not text
// that shares a part of a long word with it, not the words apart.
func TestQuotedPhrasesAreLiteral(t *testing.T) {
	ix := memIndex(t)
	headlines := []string{
		"交互设计师",                       // 1
		"Senior Interaction Designer", // 2: a synonym of 交互设计
		"平面设计师",                       // 3: shares 设计 with 交互设计 and 角色设计
		"角色设计与场景原画",                   // 4
		"游戏原画师",                       // 5: 游戏 then 原画 inside 原画师
		"原画 for 游戏 studios",           // 6: the words apart
		"遊戲原畫",                        // 7: Traditional
		"CONCEPT ART lead",            // 8
		"art concept",                 // 9: the words in another order
	}
	for i, h := range headlines {
		tl := &models.Talent{ID: hex24(i + 1), OwnerID: hex24(i + 1), Name: "x", Headline: h, Visibility: models.VisibilityPublic, Version: 1}
		ix.Observe(context.Background(), models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	}
	for q, want := range map[string][]int{
		`"交互设计"`:                 {1},
		`交互设计`:                   {1, 2},
		`"角色设计"`:                 {4},
		`"游戏原画"`:                 {5, 7},
		`"concept art"`:          {8},
		`"Interaction Designer"`: {2},
	} {
		got, partial := publicHits(t, ix, q, 20)
		slices.Sort(got)
		var w []string
		for _, n := range want {
			w = append(w, hex24(n))
		}
		if partial || !slices.Equal(got, w) {
			t.Errorf("%s found %v (partial %v), want %v", q, got, partial, w)
		}
	}
}
