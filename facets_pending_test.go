package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

// TestFacetsPendingEndToEnd: with SEARCH_FACETS_DEFER_FROM=1 every search
// without kept facets answers without them (facets_pending) and has them
// counted in the background; the same search then has them, and the web
// search page says, in the reader's language, that the counts are coming.
func TestFacetsPendingEndToEnd(t *testing.T) {
	a := start(t, map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "SEARCH_FACETS_DEFER_FROM": "1"})
	defer a.stop(t)
	org := creatorAndOrg(t, a, map[string]any{"name": "李明", "headline": "原画师", "skills": []string{"原画"}, "district": "nanshan", "visibility": "public"})

	code, got := a.call(t, "GET", "/api/v1/talents?q="+url.QueryEscape("原画"), org, nil)
	if code != 200 || got["facets_pending"] != true || got["total"] != float64(1) || len(got["facets"].(map[string]any)) != 0 {
		t.Fatalf("first search: %d %v; want facets_pending, no facets, total 1", code, got)
	}
	// The count runs in the background: the same search has the facets
	// once it is done (polled; nothing here bounds how long it takes).
	deadline := time.Now().Add(time.Minute)
	for {
		code, got = a.call(t, "GET", "/api/v1/talents?q="+url.QueryEscape("原画"), org, nil)
		if code == 200 && got["facets_pending"] == false {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the facets were never counted: %d %v", code, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if d := stringify(got["facets"].(map[string]any)["district"]); !strings.Contains(d, "nanshan") || !strings.Contains(d, "count:1") {
		t.Fatalf("district facet %s, want nanshan: 1", d)
	}

	// The web page, a new search in each language.
	for q, lang := range map[string]string{"原画师": "en", "李明": "zh-CN"} {
		req, _ := http.NewRequest("GET", a.base+"/talents?q="+url.QueryEscape(q), nil)
		req.AddCookie(&http.Cookie{Name: models.SessionCookie, Value: org})
		req.Header.Set("Accept-Language", lang)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, _ = io.Copy(&b, res.Body)
		res.Body.Close()
		want := map[string]string{"en": "Counting this search", "zh-CN": "正在统计本次搜索的筛选数量"}[lang]
		if res.StatusCode != 200 || !strings.Contains(b.String(), `id="facets-pending"`) || !strings.Contains(b.String(), want) {
			t.Errorf("%s page for %q: %d, no note %q", lang, q, res.StatusCode, want)
		}
	}
}

// creatorAndOrg registers a creator with the given profile and an
// organisation's account, and returns the organisation's token.
func creatorAndOrg(t *testing.T, a *instance, profile map[string]any) string {
	t.Helper()
	code, reg := a.call(t, "POST", "/api/v1/auth/register", "", map[string]any{"email": "ming@example.com", "password": "correct horse", "name": "李明", "role": "creator"})
	if code != 201 {
		t.Fatalf("register %d %v", code, reg)
	}
	if code, got := a.call(t, "POST", "/api/v1/talents", str(reg, "token"), profile); code != 201 {
		t.Fatalf("create profile %d %v", code, got)
	}
	code, reg = a.call(t, "POST", "/api/v1/auth/register", "", map[string]any{"email": "hr@studio.example", "password": "correct horse", "name": "HR", "role": "org"})
	if code != 201 {
		t.Fatalf("register org %d %v", code, reg)
	}
	return str(reg, "token")
}
