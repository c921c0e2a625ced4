package server_test

import (
	"fmt"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestSynonymReview: an admin sees the pairs that bilingual profiles say,
// accepts one, and the next search finds the other side without a rebuild;
// a rejected pair is not suggested again; a pair of one term is refused.
func TestSynonymReview(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.staff("admin@example.com", models.RoleAdmin)
	bureau, _ := e.staff("bureau@example.com", models.RoleBureau)
	headlines := []string{"节奏编程师 / Beat Programmer", "资深节奏编程师（Senior Beat Programmer）", "节奏编程师/beat programmer",
		"Beat Programmer for rhythm games",
		"光效师 / VFX Lighter", "光效师 | vfx lighter"}
	for i, h := range headlines {
		tok, _ := e.register(fmt.Sprintf("c%d@example.com", i), models.RoleCreator)
		check(t, "profile", e.call("POST", "/api/v1/talents", tok, map[string]any{"name": "李明", "headline": h, "visibility": "public"}), 201, "")
	}
	r := e.call("GET", "/api/v1/admin/synonyms", admin, nil)
	check(t, "review", r, 200, "")
	sugg, _ := r.body["suggestions"].([]any)
	if len(sugg) != 2 || r.body["profiles"].(float64) != 6 {
		t.Fatalf("suggestions %s", r.raw)
	}
	first := sugg[0].(map[string]any)
	if first["a"] != "节奏编程师" || first["b"] != "beat programmer" || first["support"].(float64) != 3 {
		t.Fatalf("the most said pair first: %v", first)
	}
	total := func(q string) float64 {
		t.Helper()
		r := e.call("GET", "/api/v1/talents?q="+q, bureau, nil)
		check(t, "search", r, 200, "")
		return r.body["total"].(float64)
	}
	if n := total("节奏编程师"); n != 3 {
		t.Fatalf("before: %v", n)
	}
	check(t, "accept", e.call("POST", "/api/v1/admin/synonyms", admin, map[string]any{"a": "节奏编程师", "b": "beat programmer", "accept": true}), 200, "")
	if n := total("节奏编程师"); n != 4 {
		t.Fatalf("after accepting, 节奏编程师 finds %v profiles, want the English one too", n)
	}
	check(t, "reject", e.call("POST", "/api/v1/admin/synonyms", admin, map[string]any{"a": "光效师", "b": "vfx lighter", "accept": false}), 200, "")
	r = e.call("GET", "/api/v1/admin/synonyms", admin, nil)
	if sugg, _ := r.body["suggestions"].([]any); len(sugg) != 0 {
		t.Fatalf("decided pairs suggested again: %s", r.raw)
	}
	pairs := r.body["pairs"].(map[string]any)
	if len(pairs["accepted"].([]any)) != 1 || len(pairs["rejected"].([]any)) != 1 {
		t.Fatalf("decided pairs: %v", pairs)
	}
	check(t, "one term", e.call("POST", "/api/v1/admin/synonyms", admin, map[string]any{"a": "原画", "b": "原画", "accept": true}), 422, "validation_failed")
	check(t, "no decision", e.call("POST", "/api/v1/admin/synonyms", admin, map[string]any{"a": "原画", "b": "x"}), 422, "validation_failed")
	check(t, "bureau may not", e.call("POST", "/api/v1/admin/synonyms", bureau, map[string]any{"a": "a", "b": "b", "accept": true}), 403, "forbidden")
	if n := total("节奏编程师"); n != 4 {
		t.Fatalf("a refused decision changed the searches: %v", n)
	}
}
