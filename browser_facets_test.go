package main

import (
	"context"
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
		facetsArrive(b.signedIn("org "+c.lang+" "+c.q, org, c.lang, c.phone), t, b, "/talents", c.q, c.district, "facets-"+c.lang, c.phone)
	}
	b.check()
}

// facetsArrive opens the search page path for q, whose facets are counted
// in the background, and waits until they show a facet labelled label,
// with screenshots (shot-pending, shot-arrived) before and after.
func facetsArrive(ctx context.Context, t *testing.T, b *browser, path, q, label, shot string, phone bool) {
	t.Helper()
	suffix := map[bool]string{true: "-phone"}[phone]
	b.visit(ctx, path+"?q="+url.QueryEscape(q))
	b.shot(ctx, shot+"-pending"+suffix) // the note, unless the counts came first
	b.until(ctx, "the counts of "+q+" arrive on "+path,
		`!document.querySelector('#facets-pending') && [...document.querySelectorAll('aside.facets fieldset.facet label')].some(l => l.innerText.includes(`+"`"+label+"`"+`))`)
	if got := b.text(ctx, "#result-count"); got == "" {
		t.Errorf("%s %q: no result count", path, q)
	}
	if phone {
		b.fits(ctx, "a search whose facets arrived")
	}
	b.shot(ctx, shot+"-arrived"+suffix)
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
		facetsArrive(b.signedIn("org teams "+c.lang, org, c.lang, c.phone), t, b, "/teams", c.q, c.stage, "team-facets-"+c.lang, c.phone)
	}
	b.check()
}
