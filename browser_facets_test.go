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

// TestBrowserTeamFacetsArriveOnTheirOwn: the same on the teams' search,
// which asks for its page again until the background count lands.
func TestBrowserTeamFacetsArriveOnTheirOwn(t *testing.T) {
	a := startJourney(t, map[string]string{"SEARCH_FACETS_DEFER_FROM": "1"})
	org := creatorAndOrg(t, a, map[string]any{"name": "李明", "headline": "原画师", "visibility": "public"})
	code, reg := a.call(t, "POST", "/api/v1/auth/register", "", map[string]any{"email": "founder@example.com", "password": "correct horse", "name": "王芳", "role": "creator"})
	if code != 201 {
		t.Fatalf("register %d %v", code, reg)
	}
	for _, team := range []map[string]any{
		{"name": "山海工作室", "stage": "prototype", "industry": "games", "district": "nanshan", "pitch": "以山海经为题材的独立游戏团队，已完成可玩原型。"},
		{"name": "星火动画", "stage": "idea", "industry": "animation", "district": "futian", "pitch": "国风动画短片与独立游戏的过场动画。"},
	} {
		if code, got := a.call(t, "POST", "/api/v1/teams", str(reg, "token"), team); code != 201 {
			t.Fatalf("create team %d %v", code, got)
		}
	}
	b := newBrowser(t, a.base)
	for _, c := range []struct {
		lang, q, stage string
		phone          bool
	}{
		{"en", "独立游戏", "Prototype", false},
		{"zh-CN", "游戏", "原型", true},
	} {
		ctx := b.signedIn("org teams "+c.lang, org, c.lang, c.phone)
		b.visit(ctx, "/teams?q="+url.QueryEscape(c.q))
		b.shot(ctx, "team-facets-pending-"+c.lang+map[bool]string{true: "-phone"}[c.phone])
		b.until(ctx, "the team counts of "+c.q+" arrive",
			`!document.querySelector('#facets-pending') && [...document.querySelectorAll('aside.facets fieldset.facet label')].some(l => l.innerText.includes(`+"`"+c.stage+"`"+`))`)
		if got := b.text(ctx, "#result-count"); got == "" {
			t.Errorf("%s %q: no result count", c.lang, c.q)
		}
		if c.phone {
			b.fits(ctx, "a team search whose facets arrived")
		}
		b.shot(ctx, "team-facets-arrived-"+c.lang+map[bool]string{true: "-phone"}[c.phone])
	}
	b.check()
}
