package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

// searchWorld adds creators with profiles to a world: concept artists in
// several spellings, a distractor, a private and an unavailable one.
func searchWorld(t *testing.T) (*world, map[string]string) {
	w := newWorld(t)
	ids := map[string]string{}
	mk := func(name string, in models.TalentInput) {
		_, u := w.throwaway(creator)
		in.Name = name
		tl, err := w.e.svc.Talents.Create(w.ctx(), u, in)
		w.must(err)
		ids[name] = tl.ID
	}
	yes, no := true, false
	mk("zh", models.TalentInput{Headline: "资深游戏原画师", Bio: "十年角色原画经验", Skills: []string{"原画", "角色设计"}, Tools: []string{"Photoshop"},
		Industries: []string{"games"}, District: "nanshan", YearsExperience: 10, Available: &yes, Visibility: models.VisibilityPublic,
		Contact: models.ContactInput{Phone: "13900001111"}})
	mk("tw", models.TalentInput{Headline: "遊戲原畫師", Skills: []string{"原畫"}, Tools: []string{"Photoshop", "Spine"},
		Industries: []string{"games"}, District: "futian", YearsExperience: 4, Available: &yes, Visibility: models.VisibilityOrgs})
	mk("en", models.TalentInput{Headline: "Concept Artist", Bio: "Concept art for AAA games.", Skills: []string{"Concept Art"},
		Tools: []string{"PHOTOSHOP"}, Industries: []string{"games"}, District: "nanshan", YearsExperience: 6, Available: &yes, Visibility: models.VisibilityPublic})
	mk("plateau", models.TalentInput{Headline: "风光摄影师", Bio: "作品入选青藏高原画展", Skills: []string{"摄影"}, Industries: []string{"digital_art"},
		District: "nanshan", Available: &yes, Visibility: models.VisibilityPublic})
	mk("private", models.TalentInput{Headline: "原画师", Skills: []string{"原画"}, Visibility: models.VisibilityPrivate, Available: &yes})
	mk("busy", models.TalentInput{Headline: "原画师", Skills: []string{"原画", "Spine"}, Tools: []string{"Photoshop"}, Industries: []string{"games"},
		District: "nanshan", Visibility: models.VisibilityPublic, Available: &no})
	return w, ids
}

func items(r resp) []map[string]any {
	var out []map[string]any
	for _, it := range r.body["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func TestTalentSearch(t *testing.T) {
	w, ids := searchWorld(t)
	e, M := w.e, w.tokens[member]
	search := func(q string) resp {
		t.Helper()
		r := e.call("GET", "/api/v1/talents?"+q, M, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", q, r.status, r.raw)
		}
		return r
	}
	found := func(r resp) map[string]bool {
		out := map[string]bool{}
		for _, it := range items(r) {
			for name, id := range ids {
				if it["id"] == id {
					out[name] = true
				}
			}
		}
		return out
	}

	r := search("q=" + url.QueryEscape("原画"))
	got := found(r)
	if !got["zh"] || !got["tw"] || !got["en"] || !got["busy"] || got["plateau"] || got["private"] || r.body["total"] != 4.0 {
		t.Fatalf("原画: %v (total %v)", got, r.body["total"])
	}
	for _, it := range items(r) {
		if it["contact_masked"] != true || strings.Contains(fmt.Sprint(it["contact"]), "13900001111") {
			t.Errorf("contact not masked in a search result: %v", it["contact"])
		}
		if hl, ok := it["highlights"].(map[string]any); !ok || len(hl) == 0 || !strings.Contains(fmt.Sprint(hl), "<mark>") {
			t.Errorf("no highlights: %v", it["highlights"])
		}
	}
	facets := r.body["facets"].(map[string]any)
	for _, f := range []string{"district", "industries", "skills", "origin", "level"} {
		if _, ok := facets[f]; !ok {
			t.Errorf("facet %s missing: %v", f, facets)
		}
	}
	if d := fmt.Sprint(facets["district"]); !strings.Contains(d, "map[count:3 key:nanshan]") {
		t.Errorf("district facet: %s", d)
	}
	if r.body["took_ms"] == nil {
		t.Error("no took_ms")
	}

	// Filters: folded skills, districts, availability, years; sorts.
	if got := found(search("tools=photoshop&district=nanshan")); len(got) != 3 || !got["zh"] || !got["en"] || !got["busy"] {
		t.Errorf("tools=photoshop&district=nanshan: %v", got)
	}
	if got := found(search("skills=" + url.QueryEscape("原畫"))); len(got) != 3 || !got["zh"] || !got["tw"] || !got["busy"] {
		t.Errorf("skills=原畫 (folded to 原画): %v", got)
	}
	if got := found(search("q=" + url.QueryEscape("原画") + "&available=true&min_years=5")); len(got) != 2 || !got["zh"] || !got["en"] {
		t.Errorf("available, 5+ years: %v", got)
	}
	if r := search("sort=experience&q=" + url.QueryEscape("原画")); items(r)[0]["id"] != ids["zh"] {
		t.Errorf("by experience: %v", items(r)[0]["id"])
	}
	if got := found(search("q=" + url.QueryEscape("原画 -Spine"))); got["tw"] || got["busy"] || !got["zh"] {
		t.Errorf("原画 -Spine: %v", got)
	}
	// Quotes are literal: the English words only; unquoted, their
	// synonyms too (原画).
	if got := found(search("q=" + url.QueryEscape(`"concept art"`))); !got["en"] || got["zh"] {
		t.Errorf(`"concept art": %v`, got)
	}
	if got := found(search("q=" + url.QueryEscape(`concept art`))); !got["en"] || !got["zh"] {
		t.Errorf(`concept art: %v`, got)
	}

	// A creator's change is searchable at once.
	_, err := e.svc.Talents.Update(w.ctx(), &models.User{ID: ids["plateau"], Role: models.RoleCreator}, ids["plateau"],
		models.TalentUpdate{Headline: ptr("原画师")}, 0)
	w.must(err)
	if got := found(search("q=" + url.QueryEscape("原画"))); !got["plateau"] {
		t.Errorf("an update is not searchable at once: %v", got)
	}

	// Who may search, and what is refused.
	check(t, "creators cannot search talents", e.call("GET", "/api/v1/talents?q=x", w.tokens[creator], nil), 403, "forbidden")
	for name, q := range map[string]string{
		"too long":        "q=" + strings.Repeat("原", 201),
		"too many words":  "q=" + url.QueryEscape(strings.Repeat("a ", 13)),
		"only exclusions": "q=-Spine",
		"bad sort":        "sort=random",
		"too deep":        "page=1000&per_page=100",
		"per_page 101":    "per_page=101",
		"bad available":   "available=maybe",
		"bad years":       "min_years=-1",
		"unknown param":   "colour=red",
		"control chars":   "q=%01",
	} {
		check(t, name, e.call("GET", "/api/v1/talents?"+q, M, nil), 400, "bad_request")
	}
	// Query syntax is not Bleve's: these are plain words, not operators.
	for _, q := range []string{"name:x", "+a +b", "*", "原画~2", "/.*/", "a AND b", "\\"} {
		r := e.call("GET", "/api/v1/talents?q="+url.QueryEscape(q), M, nil)
		if r.status != 200 && r.status != 400 {
			t.Errorf("%q: %d %s", q, r.status, r.raw)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestProjectSearchAndMatches(t *testing.T) {
	w, ids := searchWorld(t)
	e, M := w.e, w.tokens[member]
	r := e.call("POST", "/api/v1/projects", M, map[string]any{"title": "招聘游戏原画师", "description": "负责角色原画 concept art", "kind": "job",
		"skills": []string{"原画", "Photoshop", "Spine"}, "industries": []string{"games"}, "district": "nanshan"})
	check(t, "post", r, 201, "")
	pid := r.str("id")
	r = e.call("POST", "/api/v1/projects", M, map[string]any{"title": "动画短片合作", "kind": "collaboration", "skills": []string{"动画"}})
	check(t, "post 2", r, 201, "")

	r = e.call("GET", "/api/v1/projects?q="+url.QueryEscape("原畫"), w.tokens[creator], nil)
	check(t, "project search", r, 200, "")
	if r.body["total"] != 1.0 || items(r)[0]["id"] != pid || r.body["facets"] == nil {
		t.Fatalf("原畫 projects: %s", r.raw)
	}

	r = e.call("GET", "/api/v1/projects/"+pid+"/matches", M, nil)
	check(t, "matches", r, 200, "")
	ms := items(r)
	var names []any
	for _, m := range ms {
		names = append(names, m["talent"].(map[string]any)["name"])
	}
	// The three concept artists first; the world's other games talent (A)
	// may follow on its industry alone.
	if len(ms) < 3 || fmt.Sprint(names[:3]) != "[tw zh en]" && fmt.Sprint(names[:3]) != "[zh tw en]" {
		t.Fatalf("matches: %v", names)
	}
	first := ms[0]
	if first["talent"].(map[string]any)["id"] != ids["zh"] && first["talent"].(map[string]any)["id"] != ids["tw"] {
		t.Errorf("first match: %v", first["talent"])
	}
	for _, m := range ms {
		tal := m["talent"].(map[string]any)
		if tal["id"] == ids["busy"] || tal["id"] == ids["private"] || tal["id"] == ids["plateau"] {
			t.Errorf("an unavailable, private or unrelated talent matched: %v", tal["id"])
		}
		score := m["score"].(float64)
		if score <= 0 || score > 1 || len(m["reasons"].([]any)) < 4 {
			t.Errorf("match %v: score %v reasons %v", tal["id"], score, m["reasons"])
		}
	}
	// 原畫 (Traditional) and Photoshop are the project's 原画 and Photoshop;
	// the Traditional profile has Spine too: nothing missing.
	for _, m := range ms {
		if m["talent"].(map[string]any)["id"] == ids["tw"] {
			if fmt.Sprint(m["missing_skills"]) != "[]" || len(m["matched_skills"].([]any)) != 3 {
				t.Errorf("tw: matched %v missing %v", m["matched_skills"], m["missing_skills"])
			}
		}
		if m["talent"].(map[string]any)["id"] == ids["en"] {
			if fmt.Sprint(m["missing_skills"]) != "[Spine]" {
				t.Errorf("en: missing %v", m["missing_skills"])
			}
		}
	}

	// A talent's matches: open projects only.
	tok, u := w.throwaway(creator)
	_, err := e.svc.Talents.Create(w.ctx(), u, models.TalentInput{Name: "M", Headline: "原画师", Skills: []string{"原画"}, Visibility: models.VisibilityPublic})
	w.must(err)
	r = e.call("GET", "/api/v1/talents/"+u.ID+"/matches", tok, nil)
	check(t, "talent matches", r, 200, "")
	if ms := items(r); len(ms) != 1 || ms[0]["project"].(map[string]any)["id"] != pid {
		t.Fatalf("talent matches: %s", r.raw)
	}
	check(t, "close", e.call("PATCH", "/api/v1/projects/"+pid, M, map[string]any{"status": "closed"}), 200, "")
	if r := e.call("GET", "/api/v1/talents/"+u.ID+"/matches", tok, nil); r.body["total"] != 0.0 {
		t.Fatalf("a closed project still matches: %s", r.raw)
	}

	// More like this.
	r = e.call("GET", "/api/v1/talents/"+ids["zh"]+"/similar", M, nil)
	check(t, "similar", r, 200, "")
	sim := map[any]bool{}
	for _, it := range items(r) {
		sim[it["id"]] = true
	}
	if sim[ids["zh"]] || !sim[ids["tw"]] || !sim[ids["en"]] || sim[ids["private"]] {
		t.Errorf("similar to zh: %v", sim)
	}
}

// TestDirectorySearch: organisations and bases are found by the words of
// their names, in either script, within what the caller may see.
func TestDirectorySearch(t *testing.T) {
	w := newWorld(t)
	e := w.e
	_, u := w.throwaway(member)
	o, err := e.svc.Orgs.Create(w.ctx(), u, models.OrgInput{Name: "深圳飞鱼动画孵化器", Kind: models.OrgIncubator, District: "futian", Industries: []string{"animation"}})
	w.must(err)
	B := w.tokens[bureau]
	r := e.call("GET", "/api/v1/orgs?q="+url.QueryEscape("動畫"), B, nil)
	check(t, "org by a word of its name", r, 200, "")
	if r.body["total"] != 1.0 || items(r)[0]["id"] != o.ID {
		t.Fatalf("動畫 orgs: %s", r.raw)
	}
	r = e.call("GET", "/api/v1/orgs?q="+url.QueryEscape("动画")+"&status=verified", B, nil)
	check(t, "pending org filtered out", r, 200, "")
	if r.body["total"] != 0.0 {
		t.Fatalf("a pending org listed as verified: %s", r.raw)
	}
	b := w.base(models.StatusVerified)
	r = e.call("GET", "/api/v1/bases?q="+url.QueryEscape(b.Name), w.tokens[creator], nil)
	check(t, "base by name", r, 200, "")
	if r.body["total"] != 1.0 || items(r)[0]["id"] != b.ID {
		t.Fatalf("base %s: %s", b.Name, r.raw)
	}
	check(t, "overlong q", e.call("GET", "/api/v1/orgs?q="+strings.Repeat("画", 201), B, nil), 400, "bad_request")
	check(t, "unbalanced quote", e.call("GET", "/api/v1/bases?q="+url.QueryEscape(`"`), B, nil), 200, "")
}

// TestSearchShowsEachChangeAtOnce: search and matches reuse documents read
// for earlier answers; an edit, a switch to private and an edited project
// must still show in the very next answer.
func TestSearchShowsEachChangeAtOnce(t *testing.T) {
	w, ids := searchWorld(t)
	e, O := w.e, w.tokens[member]
	headline := func() string {
		r := e.call("GET", "/api/v1/talents?q="+url.QueryEscape("原画")+"&district=futian", O, nil)
		check(t, "search", r, 200, "")
		for _, it := range items(r) {
			if it["id"] == ids["tw"] {
				return it["headline"].(string)
			}
		}
		return "(not found)"
	}
	for range 2 { // the second answer comes from what the first read
		if h := headline(); h != "遊戲原畫師" {
			t.Fatalf("headline %q", h)
		}
	}
	tl, err := e.store.Talent(w.ctx(), ids["tw"])
	w.must(err)
	owner, err := e.store.User(w.ctx(), tl.OwnerID)
	w.must(err)
	nh := "资深原画师（已更新）"
	_, err = e.svc.Talents.Update(w.ctx(), owner, ids["tw"], models.TalentUpdate{Headline: &nh}, 0)
	w.must(err)
	if h := headline(); h != nh {
		t.Fatalf("after the edit the search shows %q", h)
	}
	private := models.VisibilityPrivate
	_, err = e.svc.Talents.Update(w.ctx(), owner, ids["tw"], models.TalentUpdate{Visibility: &private}, 0)
	w.must(err)
	if h := headline(); h != "(not found)" {
		t.Fatalf("a profile made private is still found: %q", h)
	}
}
