package search

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestMinedSynonyms: pairs that bilingual headlines say side by side are
// suggested (not those said once, nor those the vocabulary already joins);
// an accepted pair widens searches at once, on the same index.
func TestMinedSynonyms(t *testing.T) {
	ctx := context.Background()
	headlines := []string{
		"资深节奏编程师 / Senior Beat Programmer", "节奏编程师（Beat Programmer）", "节奏编程师 | beat programmer",
		"灯光师 / Gaffer",
		"原画师 / Concept Artist", "资深原画师 / Senior concept artist", "原画师 / concept artist",
		"节奏编程师",                            // Chinese only
		"Beat Programmer for rhythm games", // English only
		"游戏美术 / 原画 / UI / Concept Artist",  // a list, not a pair
	}
	src := memSource{docs: map[string][]any{}}
	for i, h := range headlines {
		id := fmt.Sprintf("%024x", i+1)
		src.docs[models.CollTalents] = append(src.docs[models.CollTalents], &models.Talent{ID: id, OwnerID: id, Name: "x", Headline: h,
			Visibility: models.VisibilityPublic, Version: 1})
	}
	ix, err := Open(ctx, Options{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	got, read, err := ix.MineSynonyms(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if read != len(headlines) || len(got) != 1 || got[0].A != "节奏编程师" || got[0].B != "beat programmer" || got[0].Support != 3 || len(got[0].Examples) != 3 {
		t.Fatalf("mined from %d profiles: %+v", read, got)
	}
	if again, _, _ := ix.MineSynonyms(ctx, func(a, b string) bool { return a == "节奏编程师" }); len(again) != 0 {
		t.Fatalf("a decided pair suggested again: %+v", again)
	}

	find := func(q string) []int {
		page, err := ix.SearchTalents(ctx, models.TalentSearch{Q: q, Visibility: []models.Visibility{models.VisibilityPublic}, Page: models.Page{Page: 1, PerPage: 20}})
		if err != nil {
			t.Fatal(err)
		}
		var out []int
		for _, h := range page.Hits {
			var n int
			fmt.Sscanf(h.ID, "%x", &n)
			out = append(out, n)
		}
		slices.Sort(out)
		return out
	}
	if got := find("节奏编程师"); !slices.Equal(got, []int{1, 2, 3, 8}) {
		t.Fatalf("before the pair is accepted: %v", got)
	}
	if err := ix.UseSynonymPairs([]models.SynonymPair{{A: "节奏编程师", B: "beat programmer"}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"节奏编程师", "beat programmer"} {
		if got := find(q); !slices.Equal(got, []int{1, 2, 3, 8, 9}) {
			t.Fatalf("%q after the pair is accepted: %v", q, got)
		}
	}
	if got := find("gaffer"); !slices.Equal(got, []int{4}) {
		t.Fatalf("an unrelated word widened: %v", got)
	}
}
