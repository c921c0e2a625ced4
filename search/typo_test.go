package search

import (
	"context"
	"slices"
	"testing"

	"github.com/szdc/talenthub/models"
)

// namesIndex holds profiles for the typo and pinyin tests.
func namesIndex(t *testing.T) (*Index, func(q string) []string) {
	t.Helper()
	ix := memIndex(t)
	people := []struct{ name, headline string }{
		{"周雨桐", "原画师"},                      // 1
		{"张雨婷", "三维建模师"},                    // 2: the same initials, zyt
		{"周宇", "动画师"},                       // 3: the same surname
		{"Zhou Wei", "Photoshop retoucher"}, // 4: "zhou" in the text itself
		{"单小明", "Houdini FX artist"},        // 5: a surname read shan
		{"Anna Berg", "Unity developer"},    // 6
		{"欧阳娜娜", "UI设计师"},                   // 7: a compound surname
		{"李原", "壁画修复"},                      // 8: 壁画, one character from 原画
	}
	for i, p := range people {
		tl := &models.Talent{ID: hex24(i + 1), OwnerID: hex24(i + 1), Name: p.name, Headline: p.headline,
			Visibility: models.VisibilityPublic, Version: 1}
		ix.Observe(context.Background(), models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	}
	find := func(q string) []string {
		t.Helper()
		ids, partial := publicHits(t, ix, q, 10)
		if partial {
			return nil // what matched only some words is not what was asked
		}
		return ids
	}
	return ix, find
}

// publicHits is the ids of the first page of public profiles that q finds,
// in rank order, and whether the search was partial.
func publicHits(t testing.TB, ix *Index, q string, perPage int) ([]string, bool) {
	t.Helper()
	page, err := ix.SearchTalents(context.Background(), models.TalentSearch{Q: q, Visibility: []models.Visibility{models.VisibilityPublic},
		Page: models.Page{Page: 1, PerPage: perPage}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range page.Hits {
		out = append(out, h.ID)
	}
	return out, page.Partial
}

func TestNamesByPinyin(t *testing.T) {
	_, find := namesIndex(t)
	for _, c := range []struct {
		q    string
		want []int // in rank order when more than one
	}{
		{"zhouyutong", []int{1}},
		{"zhou yutong", []int{1}},
		{"ZhouYutong", []int{1}},
		{"zyt", []int{1, 2}},
		{"yutong", []int{1}},
		{"zhou", []int{4, 1, 3}}, // written in the text first, then by pinyin
		{"shanxiaoming", []int{5}},
		{"ouyang nana", []int{7}},
		{"oynn", []int{7}},
		{"zhouyutong 原画", nil}, // pinyin stands for a whole name, not beside other words
	} {
		got := find(c.q)
		var want []string
		for _, n := range c.want {
			want = append(want, hex24(n))
		}
		if c.q == "zyt" || c.q == "zhou" {
			// Among the pinyin matches the order is the index's; only
			// "written first" is promised.
			if len(got) != len(want) || (c.q == "zhou" && got[0] != want[0]) {
				t.Errorf("%q found %v, want %v", c.q, got, want)
				continue
			}
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("%q found %v, want %v", c.q, got, want)
				}
			}
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q found %v, want %v", c.q, got, want)
		}
	}
}

func TestTyposForgivenInEnglishWordsOnly(t *testing.T) {
	_, find := namesIndex(t)
	for q, want := range map[string][]string{
		"Photoshp": {hex24(4)},
		"Houdni":   {hex24(5)},
		"Untiy":    {hex24(6)}, // two letters swapped: one slip
		"Uinty":    {hex24(6)},
		"Utniy":    nil, // two swaps
		"Unty":     nil, // four letters: not forgiven
		"unity":    {hex24(6)},
		"壁画":       {hex24(8)}, // the word itself
		"原画":       {hex24(1)}, // not 壁画: Chinese is never forgiven
		"retouchr": {hex24(4)},
	} {
		if got := find(q); !slices.Equal(got, want) {
			t.Errorf("%q found %v, want %v", q, got, want)
		}
	}
}

// TestTypoCorrectedTowardsWhatTheQueryFinds: a misspelling one edit from
// several words becomes the one with which the whole query finds
// something, then a term of the vocabulary, though another word is more
// frequent in the texts.
func TestTypoCorrectedTowardsWhatTheQueryFinds(t *testing.T) {
	ix := memIndex(t)
	for i, p := range []struct{ name, headline string }{
		{"Mia Lund", "League of Legends caster"},  // 1
		{"Rosa Castro", "bronze sculptor"},        // 2: castro, one edit from castr
		{"Luis Castro", "choir singer"},           // 3: so castro is more frequent than caster
		{"Ivo Kern", "league organiser"},          // 4
		{"Ada Wolf", "Unity developer"},           // 5
		{"Eva Holm", "available until March"},     // 6: until, one edit from untiy
		{"Tom Berg", "in Shenzhen until October"}, // 7: so until is more frequent than unity
	} {
		tl := &models.Talent{ID: hex24(i + 1), OwnerID: hex24(i + 1), Name: p.name, Headline: p.headline,
			Visibility: models.VisibilityPublic, Version: 1}
		ix.Observe(context.Background(), models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	}
	for q, want := range map[string][]string{
		"league castr": {hex24(1)}, // no text pairs league with Castro
		"castr":        {hex24(1)}, // caster is a term of the vocabulary, Castro is not
		"bronze castr": {hex24(2)}, // but the whole query finds Castro, not a caster
		"Untiy":        {hex24(5)}, // two letters swapped, towards a term, not until
	} {
		got, partial := publicHits(t, ix, q, 10)
		slices.Sort(got)
		if partial || !slices.Equal(got, want) {
			t.Errorf("%q found %v (partial %v), want %v", q, got, partial, want)
		}
	}
}

// TestTypoCorrectionsTellNothingOfHiddenProfiles: a misspelling is
// corrected against the profiles the caller may see, so that what a
// query finds never depends on a profile it cannot find. A word that only
// hidden profiles hold is corrected as if nobody wrote it, and a candidate
// that only hidden profiles hold is no candidate, however many hold it.
func TestTypoCorrectionsTellNothingOfHiddenProfiles(t *testing.T) {
	ix := memIndex(t)
	add := func(n int, name, headline string, vis models.Visibility) {
		tl := &models.Talent{ID: hex24(n), OwnerID: hex24(n), Name: name, Headline: headline, Visibility: vis, Version: 1}
		ix.Observe(context.Background(), models.Change{Coll: models.CollTalents, ID: tl.ID, Version: 1, Doc: tl})
	}
	add(1, "Rosa Lind", "choir singer", models.VisibilityPublic)
	add(2, "Ivo Kern", "plume maker", models.VisibilityPublic)
	queries := []string{"signer", "plumer", "choir signer"}
	before, partial := map[string][]string{}, map[string]bool{}
	for _, q := range queries {
		before[q], partial[q] = publicHits(t, ix, q, 10)
	}
	if !slices.Equal(before["signer"], []string{hex24(1)}) || !slices.Equal(before["plumer"], []string{hex24(2)}) {
		t.Fatalf("without hidden profiles: signer found %v, plumer %v; want the singer and the plume maker", before["signer"], before["plumer"])
	}
	add(3, "Ola Berg", "contract signer", models.VisibilityPrivate) // signer: held, but hidden
	add(4, "Tom Holm", "plumber", models.VisibilityOrgs)            // plumber: more frequent than plume,
	add(5, "Eva Wolf", "plumber", models.VisibilityPrivate)         // but seen by organisations at most
	for _, q := range queries {
		// "choir signer" finds the singer whole (corrected) or partly
		// (the hidden signer kept): the same hits, told apart by partial.
		if got, p := publicHits(t, ix, q, 10); !slices.Equal(got, before[q]) || p != partial[q] {
			t.Errorf("%q found %v (partial %v) for the public once hidden profiles held its words, %v (partial %v) before", q, got, p, before[q], partial[q])
		}
	}
	// Those who may see them are given the words as the hidden texts hold them.
	all := []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs, models.VisibilityPrivate}
	for q, want := range map[string][]string{"signer": {hex24(3)}, "plumer": {hex24(4), hex24(5)}} {
		page, err := ix.SearchTalents(context.Background(), models.TalentSearch{Q: q, Visibility: all, Page: models.Page{Page: 1, PerPage: 10}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range page.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%q found %v for a caller who sees every profile, want %v", q, got, want)
		}
	}
}
