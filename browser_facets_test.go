package main

import (
	"net/url"
	"testing"
)

// TestBrowserFacetsArriveOnTheirOwn: a search whose facets are counted in
// the background (SEARCH_FACETS_DEFER_FROM=1: every first search of its
// words) shows its hits with a note that the counts are coming, and the
// counts then appear without the recruiter doing anything, in both
// languages and on a phone.
func TestBrowserFacetsArriveOnTheirOwn(t *testing.T) {
	a := startJourney(t, map[string]string{"SEARCH_FACETS_DEFER_FROM": "1"})
	org := creatorAndOrg(t, a, map[string]any{"name": "李明", "headline": "原画师 concept artist", "skills": []string{"原画", "插画", "Photoshop"},
		"district": "nanshan", "visibility": "public"})
	b := newBrowser(t, a.base)
	for _, c := range []struct {
		lang, q, district string
		phone             bool
	}{
		{"en", "原画", "Nanshan", false},
		{"zh-CN", "插画", "南山", false},
		{"zh-CN", "Photoshop", "南山", true},
	} {
		ctx := b.signedIn("org "+c.lang+" "+c.q, org, c.lang, c.phone)
		b.visit(ctx, "/talents?q="+url.QueryEscape(c.q))
		b.shot(ctx, "facets-pending-"+c.lang+map[bool]string{true: "-phone"}[c.phone]) // the note, unless the counts came first
		b.until(ctx, "the counts of "+c.q+" arrive",
			`!document.querySelector('#facets-pending') && [...document.querySelectorAll('aside.facets fieldset.facet label')].some(l => l.innerText.includes(`+"`"+c.district+"`"+`))`)
		if got := b.text(ctx, "#result-count"); got == "" {
			t.Errorf("%s %q: no result count", c.lang, c.q)
		}
		if c.phone {
			b.fits(ctx, "a search whose facets arrived")
		}
		b.shot(ctx, "facets-arrived-"+c.lang+map[bool]string{true: "-phone"}[c.phone])
	}
	b.check()
}
