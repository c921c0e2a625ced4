package main

// The oracle's questions: each is a value (so that the shrinker can ask it
// again after every step of a shorter sequence) that asks the server what
// a person would see — a search walked page by page, a list, the targets,
// a breakdown, an export, a web page — and compares every number and every
// set in the answer with what the raw records say.

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"math/rand/v2"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	xhtml "golang.org/x/net/html"
)

// question is one thing the oracle asks.
type question interface {
	String() string
	ask(w *world, s *snapshot) error
}

// asker is who asks: a role and which of its users (by position, so that
// it means the same user in a shorter sequence when it can).
type asker struct {
	Role string // creator, org (a member), orgless, bureau, admin
	N    int
}

func (a asker) String() string { return fmt.Sprintf("%s#%d", a.Role, a.N) }

// user finds the asker among the sequence's users, nil if there is none.
func (a asker) user(w *world, s *snapshot) (*ouser, viewer) {
	switch a.Role {
	case "bureau":
		return w.bureau, viewer{id: w.bureau.id, role: "bureau"}
	case "admin":
		return w.admin, viewer{id: w.admin.id, role: "admin"}
	}
	var cands []*ouser
	for _, u := range w.users {
		if u.gone {
			continue
		}
		org := s.memberOf(u.id)
		switch {
		case a.Role == "creator" && u.role == "creator",
			a.Role == "org" && u.role == "org" && org != "",
			a.Role == "orgless" && u.role == "org" && org == "":
			cands = append(cands, u)
		}
	}
	if len(cands) == 0 {
		return nil, viewer{}
	}
	u := cands[a.N%len(cands)]
	return u, viewer{id: u.id, role: u.role, orgID: s.memberOf(u.id)}
}

// ---- searches ----

// talentQuery is a talent search as the API takes it.
type talentQuery struct {
	As                                                 asker
	Q                                                  string
	Skills, Tools, Industries, District, Origin, Level []string
	Available                                          string // "", "true", "false"
	MinYears, MaxYears                                 int    // -1: not given
	Sort                                               string
	PerPage                                            int
	Web                                                bool // the web page rather than the API
}

func (q talentQuery) String() string {
	where := "GET /api/v1/talents"
	if q.Web {
		where = "the web page /talents"
	}
	return fmt.Sprintf("%s?%s as %s, %d per page", where, q.params().Encode(), q.As, q.PerPage)
}

func (q talentQuery) params() url.Values {
	v := url.Values{}
	set := func(k string, xs []string) {
		if len(xs) > 0 {
			v.Set(k, strings.Join(xs, ","))
		}
	}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	set("skills", q.Skills)
	set("tools", q.Tools)
	set("industries", q.Industries)
	set("district", q.District)
	set("origin", q.Origin)
	set("level", q.Level)
	if q.Available != "" {
		v.Set("available", q.Available)
	}
	if q.MinYears >= 0 {
		v.Set("min_years", strconv.Itoa(q.MinYears))
	}
	if q.MaxYears >= 0 {
		v.Set("max_years", strconv.Itoa(q.MaxYears))
	}
	if q.Sort != "" {
		v.Set("sort", q.Sort)
	}
	return v
}

// textMatches: every plain word present, every -word absent.
func textMatches(q, text string) bool {
	for _, f := range strings.Fields(q) {
		if strings.HasPrefix(f, "-") {
			if hasWord(text, f[1:]) {
				return false
			}
		} else if !hasWord(text, f) {
			return false
		}
	}
	return true
}

// partialWords reports whether a search of q falls back on partial
// results when nothing has all its words: two different words asked.
func partialWords(q string) bool {
	seen := map[string]bool{}
	for _, f := range strings.Fields(q) {
		if !strings.HasPrefix(f, "-") {
			seen[f] = true
		}
	}
	return len(seen) > 1
}

// textMatchesSome is textMatches for the partial results: at least one of
// the words, none of the excluded.
func textMatchesSome(q, text string) bool {
	some := false
	for _, f := range strings.Fields(q) {
		if strings.HasPrefix(f, "-") {
			if hasWord(text, f[1:]) {
				return false
			}
		} else if hasWord(text, f) {
			some = true
		}
	}
	return some
}

func anyFolded(have, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, h := range have {
		for _, x := range want {
			if strings.EqualFold(h, x) {
				return true
			}
		}
	}
	return false
}

func anyOf(have []string, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}

func oneOf(have string, want []string) bool { return len(want) == 0 || slices.Contains(want, have) }

func (q talentQuery) expected(v viewer, s *snapshot) []*rawTalent {
	out := q.expectedText(v, s, textMatches)
	if len(out) == 0 && partialWords(q.Q) {
		// No profile has every word: the search answers those with some.
		out = q.expectedText(v, s, textMatchesSome)
	}
	return out
}

func (q talentQuery) expectedText(v viewer, s *snapshot, textMatches func(q, text string) bool) []*rawTalent {
	var out []*rawTalent
	for _, t := range s.talents {
		if !s.seesTalentInSearch(v, t) || !textMatches(q.Q, t.text()) || !anyFolded(t.Skills, q.Skills) || !anyFolded(t.Tools, q.Tools) ||
			!anyOf(t.Industries, q.Industries) || !oneOf(t.District, q.District) || !oneOf(t.Origin, q.Origin) || !oneOf(t.Level, q.Level) ||
			q.Available != "" && strconv.FormatBool(t.Available) != q.Available ||
			q.MinYears >= 0 && t.YearsExperience < q.MinYears || q.MaxYears >= 0 && t.YearsExperience > q.MaxYears {
			continue
		}
		out = append(out, t)
	}
	return out
}

// facetsOf counts the facets of a result set: each facet's values of an
// item.
func facetsOf[T any](items []T, fields map[string]func(T) []string) map[string][]oGroup {
	out := map[string][]oGroup{}
	for f, values := range fields {
		var vals [][]string
		for _, it := range items {
			vals = append(vals, values(it))
		}
		out[f] = facetCounts(vals)
	}
	return out
}

func one(s string) []string { return []string{s} }

func talentFacets(ts []*rawTalent) map[string][]oGroup {
	return facetsOf(ts, map[string]func(*rawTalent) []string{
		"district": func(t *rawTalent) []string { return one(t.District) }, "industries": func(t *rawTalent) []string { return t.Industries },
		"skills": func(t *rawTalent) []string { return t.Skills }, "origin": func(t *rawTalent) []string { return one(t.Origin) },
		"level": func(t *rawTalent) []string { return one(t.Level) },
	})
}

// searchPage is a page of a search or list answer.
type searchPage struct {
	Items []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Title    string `json:"title"`
		Headline string `json:"headline"`
		Version  int64  `json:"version"`
		Years    int    `json:"years_experience"`
		Deadline string `json:"deadline"`
		Date     string `json:"date"`
		Masked   bool   `json:"contact_masked"`
	} `json:"items"`
	Total   int                 `json:"total"`
	Page    int                 `json:"page"`
	PerPage int                 `json:"per_page"`
	Facets  map[string][]oGroup `json:"facets"`
}

// walk reads every page of a search or list and checks the pages against
// each other: the same total and facets on each, full pages but the last,
// no id twice. It returns the ids in order and the first page.
func walk(w *world, path string, params url.Values, token string, perPage int) ([]string, *searchPage, error) {
	ids, first, _, err := walkItems(w, path, params, token, perPage)
	return ids, first, err
}

// itemSeen is what an answer says of one item.
type itemSeen struct {
	version     int64
	name, title string
	masked      bool
}

// walkItems is walk that also returns what each item says.
func walkItems(w *world, path string, params url.Values, token string, perPage int) ([]string, *searchPage, map[string]itemSeen, error) {
	items := map[string]itemSeen{}
	ids, first, err := walkPages(w, path, params, token, perPage, items)
	return ids, first, items, err
}

func walkPages(w *world, path string, params url.Values, token string, perPage int, items map[string]itemSeen) ([]string, *searchPage, error) {
	var ids []string
	var first *searchPage
	seen := map[string]bool{}
	for page := 1; ; page++ {
		params.Set("page", strconv.Itoa(page))
		params.Set("per_page", strconv.Itoa(perPage))
		a, err := w.srv.call("GET", path+"?"+params.Encode(), token, nil, false)
		if err != nil {
			return nil, nil, err
		}
		if a.code != 200 {
			return nil, nil, fmt.Errorf("GET %s page %d: %s", path, page, a)
		}
		var p searchPage
		if err := a.json(&p); err != nil {
			return nil, nil, err
		}
		if first == nil {
			first = &p
		} else {
			if p.Total != first.Total {
				return nil, nil, fmt.Errorf("page %d says total %d, page 1 said %d", page, p.Total, first.Total)
			}
			if fmt.Sprint(p.Facets) != fmt.Sprint(first.Facets) {
				return nil, nil, fmt.Errorf("page %d has other facets than page 1:\n%v\n%v", page, p.Facets, first.Facets)
			}
		}
		want := min(perPage, max(0, first.Total-(page-1)*perPage))
		if len(p.Items) != want {
			return nil, nil, fmt.Errorf("page %d of %d per page has %d items; total %d says %d", page, perPage, len(p.Items), first.Total, want)
		}
		for _, it := range p.Items {
			if seen[it.ID] {
				return nil, nil, fmt.Errorf("%s appears twice (again on page %d)", it.ID, page)
			}
			seen[it.ID] = true
			ids = append(ids, it.ID)
			items[it.ID] = itemSeen{version: it.Version, name: it.Name, title: it.Title, masked: it.Masked}
		}
		if page*perPage >= first.Total || page > 200 {
			break
		}
	}
	// What is past the last page is empty.
	params.Set("page", strconv.Itoa(len(ids)/perPage+2))
	if a, err := w.srv.call("GET", path+"?"+params.Encode(), token, nil, false); err != nil {
		return nil, nil, err
	} else if a.code == 200 {
		var p searchPage
		if err := a.json(&p); err == nil && len(p.Items) != 0 {
			return nil, nil, fmt.Errorf("a page past the end has %d items", len(p.Items))
		}
	}
	return ids, first, nil
}

func sameSet(got []string, want []string) error {
	g, x := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(x)
	if slices.Equal(g, x) {
		return nil
	}
	var missing, extra []string
	for _, id := range x {
		if _, ok := slices.BinarySearch(g, id); !ok {
			missing = append(missing, id)
		}
	}
	for _, id := range g {
		if _, ok := slices.BinarySearch(x, id); !ok {
			extra = append(extra, id)
		}
	}
	return fmt.Errorf("got %d ids, expected %d: missing %v, unexpected %v", len(got), len(want), missing, extra)
}

func compareFacets(got, want map[string][]oGroup) error {
	for f, w := range want {
		g := got[f]
		if g == nil {
			g = []oGroup{}
		}
		if fmt.Sprint(g) != fmt.Sprint(w) {
			return fmt.Errorf("facet %s: got %v, the records say %v", f, g, w)
		}
	}
	return nil
}

func (q talentQuery) ask(w *world, s *snapshot) error {
	u, v := q.As.user(w, s)
	if u == nil {
		return nil
	}
	want := q.expected(v, s)
	if q.Web {
		return webSearch(w, u, "/talents", q.params(), len(want), talentFacets(want))
	}
	ids, first, items, err := walkItems(w, "/api/v1/talents", q.params(), u.token, q.PerPage)
	if err != nil {
		return err
	}
	for id, it := range items {
		if t := s.talents[id]; t != nil && (it.version != t.Version || it.name != t.Name || !it.masked) {
			return fmt.Errorf("hit %s: version %d %q masked %v; the database holds version %d %q", id, it.version, it.name, it.masked, t.Version, t.Name)
		}
	}
	var order func(a, b *rawTalent) int
	switch {
	case q.Sort == "newest":
		order = func(a, b *rawTalent) int { return newestFirst(a.CreatedAt, b.CreatedAt, a.ID(), b.ID()) }
	case q.Sort == "experience" && q.Q == "":
		// Nothing scored: the years, then the id.
		order = func(a, b *rawTalent) int {
			if c := b.YearsExperience - a.YearsExperience; c != 0 {
				return c
			}
			return strings.Compare(a.ID(), b.ID())
		}
	case q.Q == "" && !q.Web:
		// Nothing to rank: every hit ties, and the id orders them.
		order = func(a, b *rawTalent) int { return strings.Compare(a.ID(), b.ID()) }
	}
	if err := checkResults(first, ids, want, (*rawTalent).ID, talentFacets(want), order); err != nil {
		return err
	}
	switch q.Sort {
	case "experience":
		for i := 1; i < len(ids); i++ {
			if s.talents[ids[i]].YearsExperience > s.talents[ids[i-1]].YearsExperience {
				return fmt.Errorf("most experienced first: %s (%d years) after %s (%d)", ids[i], s.talents[ids[i]].YearsExperience, ids[i-1], s.talents[ids[i-1]].YearsExperience)
			}
		}
	}
	return nil
}

// checkResults compares a walked search with the records: the total, the
// set of ids, the facets and, when the search is sorted, the order.
func checkResults[T any](first *searchPage, ids []string, want []T, idOf func(T) string, facets map[string][]oGroup, order func(a, b T) int) error {
	if first.Total != len(want) {
		return fmt.Errorf("total %d, the records say %d", first.Total, len(want))
	}
	var wantIDs []string
	for _, x := range want {
		wantIDs = append(wantIDs, idOf(x))
	}
	if err := sameSet(ids, wantIDs); err != nil {
		return err
	}
	if err := compareFacets(first.Facets, facets); err != nil {
		return err
	}
	if order == nil {
		return nil
	}
	slices.SortFunc(want, order)
	wantIDs = wantIDs[:0]
	for _, x := range want {
		wantIDs = append(wantIDs, idOf(x))
	}
	if !slices.Equal(ids, wantIDs) {
		return fmt.Errorf("order: got %v, expected %v", ids, wantIDs)
	}
	return nil
}

// newestFirst orders by creation, newest first, then by id.
func newestFirst(a, b time.Time, aID, bID string) int {
	if c := b.Compare(a); c != 0 {
		return c
	}
	return strings.Compare(aID, bID)
}

// projectQuery is a project search.
type projectQuery struct {
	As                                              asker
	Q                                               string
	Kind, District, Industries, Skills, Org, Status []string
	Sort                                            string
	PerPage                                         int
	Web                                             bool
}

func (q projectQuery) String() string {
	where := "GET /api/v1/projects"
	if q.Web {
		where = "the web page /projects"
	}
	return fmt.Sprintf("%s?%s as %s, %d per page", where, q.params().Encode(), q.As, q.PerPage)
}

func (q projectQuery) params() url.Values {
	v := url.Values{}
	for k, xs := range map[string][]string{"kind": q.Kind, "district": q.District, "industries": q.Industries, "skills": q.Skills, "org_id": q.Org, "status": q.Status} {
		if len(xs) > 0 {
			v.Set(k, strings.Join(xs, ","))
		}
	}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	if q.Sort != "" {
		v.Set("sort", q.Sort)
	}
	return v
}

func (q projectQuery) expected(s *snapshot) []*rawProject {
	out := q.expectedText(s, textMatches)
	if len(out) == 0 && partialWords(q.Q) {
		// No project has every word: the search answers those with some.
		out = q.expectedText(s, textMatchesSome)
	}
	return out
}

func (q projectQuery) expectedText(s *snapshot, textMatches func(q, text string) bool) []*rawProject {
	var out []*rawProject
	for _, p := range s.projects {
		if textMatches(q.Q, p.text()) && oneOf(p.Kind, q.Kind) && oneOf(p.District, q.District) && anyOf(p.Industries, q.Industries) &&
			anyFolded(p.Skills, q.Skills) && oneOf(p.OrgID, q.Org) && oneOf(p.Status, q.Status) {
			out = append(out, p)
		}
	}
	return out
}

func projectFacets(ps []*rawProject) map[string][]oGroup {
	return facetsOf(ps, map[string]func(*rawProject) []string{
		"district": func(p *rawProject) []string { return one(p.District) }, "industries": func(p *rawProject) []string { return p.Industries },
		"skills": func(p *rawProject) []string { return p.Skills }, "kind": func(p *rawProject) []string { return one(p.Kind) },
	})
}

func (q projectQuery) ask(w *world, s *snapshot) error {
	u, _ := q.As.user(w, s)
	if u == nil {
		return nil
	}
	want := q.expected(s)
	if q.Web {
		// The web list shows open projects (whether it falls back on
		// partial results depends on those).
		open := q
		open.Status = []string{"open"}
		return webSearch(w, u, "/projects", q.params(), len(open.expected(s)), nil)
	}
	ids, first, items, err := walkItems(w, "/api/v1/projects", q.params(), u.token, q.PerPage)
	if err != nil {
		return err
	}
	for id, it := range items {
		if p := s.projects[id]; p != nil && (it.version != p.Version || it.title != p.Title) {
			return fmt.Errorf("hit %s: version %d %q; the database holds version %d %q", id, it.version, it.title, p.Version, p.Title)
		}
	}
	var order func(a, b *rawProject) int
	switch q.Sort {
	case "", "relevance":
		if q.Q == "" {
			// Nothing to rank: every hit ties, and the id orders them.
			order = func(a, b *rawProject) int { return strings.Compare(a.ID(), b.ID()) }
		}
	case "newest":
		order = func(a, b *rawProject) int { return newestFirst(a.CreatedAt, b.CreatedAt, a.ID(), b.ID()) }
	case "deadline":
		// Soonest first; no deadline last.
		order = func(a, b *rawProject) int {
			if (a.Deadline == "") != (b.Deadline == "") {
				if a.Deadline == "" {
					return 1
				}
				return -1
			}
			if c := strings.Compare(a.Deadline, b.Deadline); c != 0 {
				return c
			}
			return strings.Compare(a.ID(), b.ID())
		}
	}
	return checkResults(first, ids, want, (*rawProject).ID, projectFacets(want), order)
}

// ---- lists ----

// listQuery is a list of organisations, bases, applications, recruitment
// records or audit entries.
type listQuery struct {
	As      asker
	Coll    string
	Filters map[string]string
	PerPage int
}

func (q listQuery) String() string {
	return fmt.Sprintf("list %s as %s %v per %d", q.Coll, q.As, q.Filters, q.PerPage)
}

type listed struct {
	id       string
	created  time.Time
	updated  time.Time
	date     string
	visible  bool
	matching bool
}

func (q listQuery) ask(w *world, s *snapshot) error {
	u, v := q.As.user(w, s)
	if u == nil {
		return nil
	}
	f := func(k string) []string {
		if q.Filters[k] == "" {
			return nil
		}
		return strings.Split(q.Filters[k], ",")
	}
	var rows []listed
	sortBy := "created"
	forbidden := false
	switch q.Coll {
	case "orgs":
		for _, o := range s.orgs {
			rows = append(rows, listed{id: o.ID(), created: o.CreatedAt, visible: seesOrgOrBase(v, o.Status, []string{o.ID()}),
				matching: oneOf(o.Kind, f("kind")) && oneOf(o.District, f("district")) && oneOf(o.Status, f("status")) && anyOf(o.Flags, f("flag"))})
		}
	case "bases":
		for _, b := range s.bases {
			rows = append(rows, listed{id: b.ID(), created: b.CreatedAt, visible: seesOrgOrBase(v, b.Status, b.OperatorOrgIDs),
				matching: oneOf(b.Kind, f("kind")) && oneOf(b.District, f("district")) && oneOf(b.Status, f("status")) && anyOf(b.OperatorOrgIDs, f("org_id"))})
		}
	case "applications":
		sortBy = "updated"
		forbidden = staffRole(v.role)
		for _, a := range s.apps {
			vis := v.role == "creator" && a.TalentID == v.id || v.role == "org" && v.orgID != "" && a.OrgID == v.orgID
			rows = append(rows, listed{id: a.ID(), created: a.CreatedAt, updated: a.UpdatedAt, visible: vis,
				matching: oneOf(a.ProjectID, f("project_id")) && oneOf(a.Stage, f("stage"))})
		}
	case "recruitments":
		sortBy = "date"
		forbidden = !staffRole(v.role) && !(v.role == "org" && v.orgID != "")
		for _, r := range s.recs {
			vis := staffRole(v.role) || v.role == "org" && v.orgID != "" && r.OrgID == v.orgID
			yr := f("year")
			rows = append(rows, listed{id: r.ID(), created: r.CreatedAt, date: r.Date, visible: vis,
				matching: (len(yr) == 0 || strconv.Itoa(r.year()) == yr[0]) && oneOf(r.Status, f("status")) && oneOf(r.District, f("district")) &&
					oneOf(r.Industry, f("industry")) && oneOf(r.Origin, f("origin")) && oneOf(r.OrgID, f("org_id"))})
		}
	case "audit":
		forbidden = !staffRole(v.role)
		for _, e := range s.audit {
			rows = append(rows, listed{id: e.ID(), created: e.At, visible: true,
				matching: oneOf(e.Action, f("action")) && oneOf(e.ResourceType, f("resource_type"))})
		}
	}
	params := url.Values{}
	for k, x := range q.Filters {
		if x != "" {
			params.Set(k, x)
		}
	}
	path := "/api/v1/" + q.Coll
	if forbidden {
		a, err := w.srv.call("GET", path, u.token, nil, false)
		if err != nil {
			return err
		}
		if a.code != 403 {
			return fmt.Errorf("%s as %s: %s, expected 403", path, v.role, a)
		}
		return nil
	}
	var want []listed
	for _, r := range rows {
		if r.visible && r.matching {
			want = append(want, r)
		}
	}
	slices.SortFunc(want, func(a, b listed) int {
		switch sortBy {
		case "updated":
			if c := b.updated.Compare(a.updated); c != 0 {
				return c
			}
		case "date":
			if c := strings.Compare(b.date, a.date); c != 0 {
				return c
			}
			if c := b.created.Compare(a.created); c != 0 {
				return c
			}
		default:
			if c := b.created.Compare(a.created); c != 0 {
				return c
			}
		}
		return strings.Compare(a.id, b.id)
	})
	var order []string
	for _, r := range want {
		order = append(order, r.id)
	}
	ids, first, err := walk(w, path, params, u.token, q.PerPage)
	if err != nil {
		return err
	}
	if first.Total != len(want) {
		return fmt.Errorf("total %d, the records say %d", first.Total, len(want))
	}
	if !slices.Equal(ids, order) {
		if err := sameSet(ids, order); err != nil {
			return err
		}
		return fmt.Errorf("order: got %v, expected %v", ids, order)
	}
	return nil
}

// profileRead reads one profile by id, as GET /talents/{id} and as its web
// page: present or 404 as its visibility says, its contact masked unless
// the viewer may see it, and the version the database holds.
type profileRead struct {
	As  asker
	N   int
	Web bool
}

func (q profileRead) String() string {
	return fmt.Sprintf("read profile #%d as %s (web %v)", q.N, q.As, q.Web)
}

func (q profileRead) ask(w *world, s *snapshot) error {
	u, v := q.As.user(w, s)
	if u == nil {
		return nil
	}
	// Profiles that exist, and the ids of those erased since.
	var ids []string
	for _, c := range w.users {
		if c.role == "creator" {
			ids = append(ids, c.id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	id := ids[q.N%len(ids)]
	t := s.talents[id]
	visible, contact := false, false
	if t != nil {
		visible, contact = s.profileAccess(v, t)
	}
	if q.Web {
		a, err := w.srv.call("GET", "/talents/"+id, u.token, nil, true)
		if err != nil {
			return err
		}
		if visible != (a.code == 200) || !visible && a.code != 404 {
			return fmt.Errorf("web /talents/%s as %s: %d; the records say visible=%v", id, v.role, a.code, visible)
		}
		return nil
	}
	a, err := w.srv.call("GET", "/api/v1/talents/"+id, u.token, nil, false)
	if err != nil {
		return err
	}
	if !visible {
		if a.code != 404 {
			return fmt.Errorf("GET /talents/%s as %s: %s; the records say it is not visible (exists %v)", id, v.role, a, t != nil)
		}
		return nil
	}
	var got struct {
		Version int64  `json:"version"`
		Name    string `json:"name"`
		Masked  bool   `json:"contact_masked"`
		Contact struct {
			Phone string `json:"phone"`
		} `json:"contact"`
	}
	if a.code != 200 || a.json(&got) != nil {
		return fmt.Errorf("GET /talents/%s as %s: %s; the records say visible", id, v.role, a)
	}
	if got.Version != t.Version || got.Name != t.Name {
		return fmt.Errorf("GET /talents/%s: version %d %q, the database holds %d %q", id, got.Version, got.Name, t.Version, t.Name)
	}
	if got.Masked == contact || contact != !strings.Contains(got.Contact.Phone, "*") {
		return fmt.Errorf("GET /talents/%s as %s: contact masked %v (%s); the records say the contact may be seen: %v", id, v.role, got.Masked, got.Contact.Phone, contact)
	}
	return nil
}

// objectRead reads one organisation, base, project, application or
// recruitment record by id: present (at the database's version) for who
// may see it, 404 for everyone else — and for what no longer exists.
type objectRead struct {
	As   asker
	Coll string
	N    int
}

func (q objectRead) String() string { return fmt.Sprintf("read %s #%d as %s", q.Coll, q.N, q.As) }

func (q objectRead) ask(w *world, s *snapshot) error {
	u, v := q.As.user(w, s)
	if u == nil {
		return nil
	}
	ids := map[string][]string{"orgs": w.orgs, "bases": w.bases, "projects": w.projects, "applications": w.apps, "recruitments": w.recs}[q.Coll]
	if len(ids) == 0 {
		return nil
	}
	id := ids[q.N%len(ids)]
	var exists, visible bool
	var version int64
	switch q.Coll {
	case "orgs":
		if o := s.orgs[id]; o != nil {
			exists, visible, version = true, seesOrgOrBase(v, o.Status, []string{o.ID()}), o.Version
		}
	case "bases":
		if b := s.bases[id]; b != nil {
			// An organisation asked to co-operate reads the base it is
			// asked about.
			exists, visible, version = true, seesOrgOrBase(v, b.Status, append(slices.Clone(b.OperatorOrgIDs), b.PendingOps...)), b.Version
		}
	case "projects":
		if p := s.projects[id]; p != nil {
			exists, visible, version = true, true, p.Version
		}
	case "applications":
		if a := s.apps[id]; a != nil {
			exists, visible, version = true, a.TalentID == v.id || v.role == "org" && v.orgID != "" && a.OrgID == v.orgID, a.Version
		}
	case "recruitments":
		if r := s.recs[id]; r != nil {
			exists, visible, version = true, staffRole(v.role) || v.role == "org" && v.orgID != "" && r.OrgID == v.orgID, r.Version
		}
	}
	a, err := w.srv.call("GET", "/api/v1/"+q.Coll+"/"+id, u.token, nil, false)
	if err != nil {
		return err
	}
	if !visible {
		if a.code != 404 {
			return fmt.Errorf("GET /%s/%s as %s: %s; the records say it is not visible (exists %v)", q.Coll, id, v.role, a, exists)
		}
		return nil
	}
	var got struct {
		Version int64 `json:"version"`
	}
	if a.code != 200 || a.json(&got) != nil || got.Version != version {
		return fmt.Errorf("GET /%s/%s as %s: %s; the database holds version %d", q.Coll, id, v.role, a, version)
	}
	return nil
}

// membership: every organisation's member list names exactly the accounts
// that belong to it (the account's organisation is the authority), in the
// records and in GET /orgs/{id}/members.
// publications asks again for every publication made: its figures, digest
// and files are the bytes first read, whatever changed since, and its
// revision is how far the raw records have moved the period's count.
type publications struct{}

func (publications) String() string { return "every publication" }

func (publications) ask(w *world, s *snapshot) error {
	for id, p := range w.pubs {
		a, err := w.srv.call("GET", "/api/v1/publications/"+id, w.bureau.token, nil, false)
		if err != nil {
			return err
		}
		var got struct {
			SHA     string          `json:"sha256"`
			Figures json.RawMessage `json:"figures"`
			Revised *int            `json:"revised"`
		}
		if a.code != 200 || a.json(&got) != nil {
			return fmt.Errorf("publication %s: %s", p.period, a)
		}
		sum := sha256.Sum256(got.Figures)
		if !bytes.Equal(got.Figures, p.figures) || got.SHA != p.sha || hex.EncodeToString(sum[:]) != p.sha {
			return fmt.Errorf("publication %s changed (digest %s, was %s)", p.period, got.SHA, p.sha)
		}
		for ext, first := range map[string][]byte{"xlsx": p.xlsx, "csv": p.csv} {
			fa, err := w.srv.call("GET", "/api/v1/publications/"+id+"/figures."+ext, "", nil, false)
			if err != nil {
				return err
			}
			if fa.code != 200 || !bytes.Equal(fa.body, first) {
				return fmt.Errorf("publication %s: its %s is not the file first served (%d bytes, then %d)", p.period, ext, len(first), len(fa.body))
			}
		}
		var f struct {
			Year        int `json:"year"`
			Quarter     int `json:"quarter"`
			Recruitment []struct {
				Total int `json:"total"`
			} `json:"recruitment"`
		}
		if err := json.Unmarshal(p.figures, &f); err != nil || len(f.Recruitment) == 0 {
			return fmt.Errorf("publication %s: figures %v", p.period, err)
		}
		now := 0
		for _, r := range s.year(f.Year).attributed {
			var m int
			fmt.Sscanf(r.Date[5:7], "%d", &m)
			if f.Quarter == 0 || (m+2)/3 == f.Quarter {
				now++
			}
		}
		if got.Revised == nil || *got.Revised != now-f.Recruitment[0].Total {
			return fmt.Errorf("publication %s: revised %v, but the records count %d now against %d published", p.period, got.Revised, now, f.Recruitment[0].Total)
		}
	}
	return nil
}

type membership struct{}

func (membership) String() string { return "every organisation's members" }

func (membership) ask(w *world, s *snapshot) error {
	for id, o := range s.orgs {
		var want []string
		for u, org := range s.userOrg {
			if org == id {
				want = append(want, u)
			}
		}
		if err := sameSet(o.MemberIDs, want); err != nil {
			return fmt.Errorf("organisation %s (%s) lists members %v; the accounts say %v: %v", id, o.Status, o.MemberIDs, want, err)
		}
		a, err := w.srv.call("GET", "/api/v1/orgs/"+id+"/members", w.bureau.token, nil, false)
		if err != nil {
			return err
		}
		var got struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if a.code != 200 || a.json(&got) != nil {
			return fmt.Errorf("members of %s: %s", id, a)
		}
		var ids []string
		for _, m := range got.Items {
			ids = append(ids, m.ID)
		}
		if err := sameSet(ids, want); err != nil {
			return fmt.Errorf("GET /orgs/%s/members: %v", id, err)
		}
	}
	return nil
}

// ---- notifications ----

// notices: each creator's notifications of their applications are exactly
// the invitations and the organisation's moves their applications' histories
// record, once each whatever restarts, crashes and replays came between;
// and every account's inbox holds no notification twice and counts as
// unread exactly those not read. The notifier follows the feed, so the
// question waits for it (a guard against a hang, not a bound on speed).
type notices struct{}

func (notices) String() string { return "every account's notifications" }

func (notices) ask(w *world, s *snapshot) error {
	want := map[string][]string{}
	exists := map[string]bool{}
	for id, a := range s.apps {
		exists[id] = true
		for i, m := range a.History {
			if m.Action == "invite" || m.Action == "move" && m.Side == "org" {
				want[a.TalentID] = append(want[a.TalentID], fmt.Sprintf("app:%s:%d:%s", id, i, a.TalentID))
			}
		}
	}
	decided := s.decisionNotices()
	for u, ids := range decided {
		want[u] = append(want[u], ids...)
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, u := range w.users {
		if u.gone {
			continue
		}
		for {
			err := u.inboxMatches(w, want[u.id], exists)
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s %s: %w", u.role, u.id, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return nil
}

// inboxMatches reads the user's whole inbox and checks it: no id twice,
// the unread count is the unread items', and (for a creator) the
// notifications of the applications that exist are want.
func (u *ouser) inboxMatches(w *world, want []string, exists map[string]bool) error {
	type note struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
		Read bool   `json:"read"`
	}
	var got []string
	seen := map[string]bool{}
	unread, total, counted := 0, -1, -1
	for page := 1; page <= 5; page++ {
		a, err := w.srv.call("GET", fmt.Sprintf("/api/v1/notifications?per_page=100&page=%d", page), u.token, nil, false)
		if err != nil {
			return err
		}
		var in struct {
			Items  []note `json:"items"`
			Total  int    `json:"total"`
			Unread int    `json:"unread"`
		}
		if a.code != 200 || a.json(&in) != nil {
			return fmt.Errorf("notifications: %s", a)
		}
		total, counted = in.Total, in.Unread
		for _, n := range in.Items {
			if seen[n.ID] {
				return fmt.Errorf("notification %s twice", n.ID)
			}
			seen[n.ID] = true
			if !n.Read {
				unread++
			}
			// The notifications of an application since deleted (with its
			// profile or its project) stay, as what happened; only those of
			// the applications in the records can be checked.
			if app, _, ok := strings.Cut(strings.TrimPrefix(n.ID, "app:"), ":"); ok && strings.HasPrefix(n.ID, "app:") && u.role == "creator" && exists[app] {
				got = append(got, n.ID)
			}
			if n.Kind == "entry_decided" && u.role == "creator" {
				got = append(got, n.ID)
			}
		}
		if page*100 >= in.Total {
			break
		}
	}
	if len(seen) != total || unread != counted {
		return fmt.Errorf("the inbox says %d notifications, %d unread; it holds %d, %d unread", total, counted, len(seen), unread)
	}
	if u.role == "creator" {
		return sameSet(got, want)
	}
	return nil
}

// ---- figures ----

// figuresQuery asks for a year's targets, every breakdown and the bases,
// by the API and in both exports.
type figuresQuery struct {
	Year   int
	Export string // "", "csv", "xlsx"
}

func (q figuresQuery) String() string { return fmt.Sprintf("figures %d %s", q.Year, q.Export) }

type apiTarget struct {
	Final *struct {
		Actual float64 `json:"actual"`
		Of     int     `json:"of"`
		Met    bool    `json:"met"`
		Years  []struct {
			Year   int     `json:"year"`
			Actual float64 `json:"actual"`
			Met    bool    `json:"met"`
		} `json:"years"`
	} `json:"final"`
	Metric   string  `json:"metric"`
	InPeriod bool    `json:"in_period"`
	Actual   float64 `json:"actual"`
	Percent  float64 `json:"percent"`
	Forecast float64 `json:"forecast"`
	Unit     string  `json:"unit"`
	Year     int     `json:"year"`
}

func (q figuresQuery) ask(w *world, s *snapshot) error {
	want := map[string]oTarget{}
	for _, t := range s.targets {
		want[t.Metric] = s.target(t, q.Year)
	}
	yf := s.year(q.Year)
	switch q.Export {
	case "csv":
		return q.csv(w, s, want, yf)
	case "xlsx":
		return q.xlsx(w, s, want, yf)
	}
	for _, path := range []string{"/api/v1/targets", "/api/v1/progress"} {
		a, err := w.srv.call("GET", fmt.Sprintf("%s?year=%d", path, q.Year), w.bureau.token, nil, false)
		if err != nil {
			return err
		}
		var ans struct {
			Items []apiTarget `json:"items"`
		}
		if a.code != 200 || a.json(&ans) != nil {
			return fmt.Errorf("%s: %s", path, a)
		}
		got := ans.Items
		if len(got) != len(want) {
			return fmt.Errorf("%s has %d targets, the records %d", path, len(got), len(want))
		}
		for _, g := range got {
			x, ok := want[g.Metric]
			if !ok {
				return fmt.Errorf("%s: unknown metric %s", path, g.Metric)
			}
			if g.Actual != x.Actual || g.Percent != x.Percent || g.InPeriod != x.InPeriod || path == "/api/v1/targets" && g.Unit != x.Unit {
				return fmt.Errorf("%s %s %d: actual %v percent %v in period %v unit %q; the records say %v %v %v %q",
					path, g.Metric, q.Year, g.Actual, g.Percent, g.InPeriod, g.Unit, x.Actual, x.Percent, x.InPeriod, x.Unit)
			}
			// Once its period is over, a target's final result.
			var t rawTarget
			for _, rt := range s.targets {
				if rt.Metric == g.Metric {
					t = rt
				}
			}
			if over := t.Period.To < time.Now().In(shenzhen).Year(); over != (g.Final != nil) {
				return fmt.Errorf("%s %s: period %d-%d, final result %v", path, g.Metric, t.Period.From, t.Period.To, g.Final)
			} else if over {
				want := s.final(t)
				var years []string
				for _, y := range g.Final.Years {
					years = append(years, fmt.Sprintf("%d:%v:%v", y.Year, y.Actual, y.Met))
				}
				got := oFinal{Actual: g.Final.Actual, Of: g.Final.Of, Met: g.Final.Met, Years: strings.Join(years, " ")}
				if got != want {
					return fmt.Errorf("%s %s: final result %+v; the records say %+v", path, g.Metric, got, want)
				}
			}
			if q.Year < 2026 && x.Unit == "talents" && g.Forecast != g.Actual && path == "/api/v1/targets" {
				return fmt.Errorf("%s %d: a past year's forecast %v is not its count %v", g.Metric, q.Year, g.Forecast, g.Actual)
			}
		}
	}
	for _, dim := range []string{"month", "district", "industry", "origin", "level", "district_industry"} {
		total, groups := yf.breakdown(dim)
		if err := checkBreakdown(w, fmt.Sprintf("/api/v1/stats/recruitment?year=%d&by=%s", q.Year, dim), total, groups); err != nil {
			return err
		}
	}
	if q.Year < 2026 {
		a, err := w.srv.call("GET", fmt.Sprintf("/api/v1/stats/lagging?year=%d", q.Year), w.bureau.token, nil, false)
		if err != nil {
			return err
		}
		var l struct {
			Districts  []lagRow `json:"districts"`
			Industries []lagRow `json:"industries"`
		}
		if a.code != 200 || a.json(&l) != nil {
			return fmt.Errorf("lagging: %s", a)
		}
		if d, i := s.lagging(q.Year, "district"), s.lagging(q.Year, "industry"); fmt.Sprint(l.Districts, l.Industries) != fmt.Sprint(d, i) {
			return fmt.Errorf("lagging %d: districts %v industries %v; the records say %v %v", q.Year, l.Districts, l.Industries, d, i)
		}
	}
	for _, by := range []string{"kind", "district"} {
		total, groups := s.baseBreakdown(by)
		if err := checkBreakdown(w, "/api/v1/stats/bases?by="+by, total, groups); err != nil {
			return err
		}
	}
	return nil
}

// checkBreakdown compares a /stats answer with the total and the groups
// the records say.
func checkBreakdown(w *world, path string, total int, groups []oGroup) error {
	a, err := w.srv.call("GET", path, w.bureau.token, nil, false)
	if err != nil {
		return err
	}
	var b struct {
		Total  int      `json:"total"`
		Groups []oGroup `json:"groups"`
	}
	if a.code != 200 || a.json(&b) != nil {
		return fmt.Errorf("%s: %s", path, a)
	}
	if b.Total != total || fmt.Sprint(b.Groups) != fmt.Sprint(groups) {
		return fmt.Errorf("%s: total %d groups %v; the records say %d %v", path, b.Total, b.Groups, total, groups)
	}
	return nil
}

// dashboard reads the bureau's dashboard page of a year: the numbers its
// charts draw (gauges, the month trend, the bars) and its lagging table.
type dashboard struct{ Year int }

func (q dashboard) String() string { return fmt.Sprintf("the dashboard of %d", q.Year) }

var chartDataRE = regexp.MustCompile(`(?s)<script type="application/json" id="chart-data">(.*?)</script>`)

func (q dashboard) ask(w *world, s *snapshot) error {
	a, err := w.srv.call("GET", fmt.Sprintf("/bureau?year=%d", q.Year), w.bureau.token, nil, true)
	if err != nil {
		return err
	}
	if a.code != 200 {
		return fmt.Errorf("dashboard: %s", a)
	}
	m := chartDataRE.FindSubmatch(a.body)
	if m == nil {
		return fmt.Errorf("the dashboard has no chart data")
	}
	var charts struct {
		Gauges []struct {
			ID      string  `json:"id"`
			Actual  float64 `json:"actual"`
			Percent float64 `json:"percent"`
		} `json:"gauges"`
		Trend struct {
			Actual []int `json:"actual"`
		} `json:"trend"`
		Bars map[string]struct {
			Counts []int `json:"counts"`
		} `json:"bars"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &charts); err != nil {
		return fmt.Errorf("chart data: %w", err)
	}
	if len(charts.Gauges) != len(s.targets) {
		return fmt.Errorf("dashboard %d: %d gauges for %d targets", q.Year, len(charts.Gauges), len(s.targets))
	}
	for _, g := range charts.Gauges {
		for _, t := range s.targets {
			if t.Metric == g.ID {
				if x := s.target(t, q.Year); g.Actual != x.Actual || g.Percent != x.Percent {
					return fmt.Errorf("dashboard %d gauge %s: %v (%v%%); the records say %v (%v%%)", q.Year, g.ID, g.Actual, g.Percent, x.Actual, x.Percent)
				}
			}
		}
	}
	yf := s.year(q.Year)
	_, months := yf.breakdown("month")
	var cum []int
	sum := 0
	now := time.Now().In(shenzhen)
	for i, g := range months {
		sum += g.Count
		if q.Year < now.Year() || q.Year == now.Year() && i < int(now.Month()) {
			cum = append(cum, sum)
		}
	}
	if fmt.Sprint(charts.Trend.Actual) != fmt.Sprint(cum) {
		return fmt.Errorf("dashboard %d trend: %v; the records say %v", q.Year, charts.Trend.Actual, cum)
	}
	for _, dim := range []string{"district", "industry", "origin", "level"} {
		_, groups := yf.breakdown(dim)
		var counts []int
		for _, g := range groups {
			counts = append(counts, g.Count)
		}
		if fmt.Sprint(charts.Bars[dim].Counts) != fmt.Sprint(counts) {
			return fmt.Errorf("dashboard %d bars by %s: %v; the records say %v", q.Year, dim, charts.Bars[dim].Counts, counts)
		}
	}
	// The incubation card: teams incubated and companies incorporated.
	inc := s.inc.figures(q.Year)
	for id, want := range map[string]int{"teams-incubated": inc.Teams, "companies-incorporated": inc.Incorporated} {
		m := regexp.MustCompile(`id="` + id + `">([0-9,]+)<`).FindSubmatch(a.body)
		if m == nil {
			return fmt.Errorf("dashboard %d: no %s", q.Year, id)
		}
		if got := strings.ReplaceAll(string(m[1]), ",", ""); got != strconv.Itoa(want) {
			return fmt.Errorf("dashboard %d %s: %s; the records say %d", q.Year, id, got, want)
		}
	}
	return nil
}

// finalRows are the exports' lines of final results, as the records say
// them: metric (or metric/year) → count/met.
func (s *snapshot) finalRows() map[string]string {
	out := map[string]string{}
	yesNo := map[bool]string{true: "是", false: "否"}
	for _, t := range s.targets {
		if t.Period.To >= time.Now().In(shenzhen).Year() {
			continue
		}
		f := s.final(t)
		out[t.Metric] = num(f.Actual) + "/" + yesNo[f.Met]
		for _, y := range strings.Fields(f.Years) {
			parts := strings.Split(y, ":")
			out[t.Metric+"/"+parts[0]] = parts[1] + "/" + yesNo[parts[2] == "true"]
		}
	}
	return out
}

// csvCategory is the CSV's first column of each breakdown.
var csvCategory = map[string]string{"month": "月份", "district": "区", "industry": "产业门类", "origin": "来源", "level": "人才层次", "district_industry": "区 × 产业门类"}

func (q figuresQuery) csv(w *world, s *snapshot, want map[string]oTarget, yf yearFigures) error {
	a, err := w.srv.call("GET", fmt.Sprintf("/api/v1/reports/recruitment.csv?year=%d", q.Year), w.bureau.token, nil, false)
	if err != nil || a.code != 200 {
		return fmt.Errorf("csv: %v %s", err, a)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(a.body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	got := map[string]map[string]string{}
	for _, r := range rows {
		if len(r) >= 4 {
			if got[r[0]] == nil {
				got[r[0]] = map[string]string{}
			}
			got[r[0]][r[1]] = r[3]
			if r[0] == "指标" && len(r) >= 6 {
				got[r[0]][r[1]] = r[3] + "/" + r[5]
			}
			if r[0] == "期末结果" && len(r) >= 8 {
				got[r[0]][r[1]] = r[3] + "/" + r[7]
			}
		}
	}
	for m, x := range want {
		if g, w := got["指标"][m], num(x.Actual)+"/"+num(x.Percent); g != w {
			return fmt.Errorf("csv target %s: %s, the records say %s", m, g, w)
		}
	}
	finals := s.finalRows()
	if len(finals) > 0 || len(got["期末结果"]) > 0 {
		if fmt.Sprint(got["期末结果"]) != fmt.Sprint(finals) {
			return fmt.Errorf("csv final results: %v, the records say %v", got["期末结果"], finals)
		}
	}
	for dim, cat := range csvCategory {
		total, groups := yf.breakdown(dim)
		wantRows := map[string]string{"total": strconv.Itoa(total)}
		for _, g := range groups {
			wantRows[g.Key] = strconv.Itoa(g.Count)
		}
		if fmt.Sprint(got[cat]) != fmt.Sprint(wantRows) {
			return fmt.Errorf("csv %s: %v, the records say %v", dim, got[cat], wantRows)
		}
	}
	for by, cat := range map[string]string{"kind": "基地基地类型", "district": "基地区"} {
		total, groups := s.baseBreakdown(by)
		wantRows := map[string]string{"total": strconv.Itoa(total)}
		for _, g := range groups {
			wantRows[g.Key] = strconv.Itoa(g.Count)
		}
		if fmt.Sprint(got[cat]) != fmt.Sprint(wantRows) {
			return fmt.Errorf("csv bases by %s: %v, the records say %v", by, got[cat], wantRows)
		}
	}
	return nil
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

var xlsxSheets = map[string]string{"month": "按月份", "district": "按区", "industry": "按产业", "origin": "按来源", "level": "按层次", "district_industry": "区×产业"}

func (q figuresQuery) xlsx(w *world, s *snapshot, want map[string]oTarget, yf yearFigures) error {
	a, err := w.srv.call("GET", fmt.Sprintf("/api/v1/reports/recruitment.xlsx?year=%d", q.Year), w.bureau.token, nil, false)
	if err != nil || a.code != 200 {
		return fmt.Errorf("xlsx: %v %s", err, a)
	}
	f, err := excelize.OpenReader(bytes.NewReader(a.body))
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	defer f.Close()
	rows, err := f.GetRows("汇总")
	if err != nil {
		return err
	}
	found := 0
	for _, r := range rows {
		if len(r) < 6 {
			continue
		}
		x, ok := want[r[1]]
		if !ok {
			continue
		}
		found++
		if r[4] != num(x.Actual) || r[5] != num(x.Percent) {
			return fmt.Errorf("xlsx target %s: actual %s percent %s, the records say %v %v", r[1], r[4], r[5], x.Actual, x.Percent)
		}
	}
	if found != len(want) {
		return fmt.Errorf("xlsx summary has %d of %d targets", found, len(want))
	}
	for dim, sheet := range xlsxSheets {
		rows, err := f.GetRows(sheet)
		if err != nil {
			return err
		}
		got := map[string]string{}
		for _, r := range rows[min(3, len(rows)):] {
			if len(r) >= 3 {
				got[r[1]] = r[2]
			}
		}
		total, groups := yf.breakdown(dim)
		wantRows := map[string]string{"total": strconv.Itoa(total)}
		for _, g := range groups {
			wantRows[g.Key] = strconv.Itoa(g.Count)
		}
		if fmt.Sprint(got) != fmt.Sprint(wantRows) {
			return fmt.Errorf("xlsx %s: %v, the records say %v", dim, got, wantRows)
		}
	}
	// The final results of the periods that are over.
	finals := s.finalRows()
	gotFinals := map[string]string{}
	if rows, err := f.GetRows("期末结果"); err == nil {
		for _, r := range rows[min(1, len(rows)):] {
			if len(r) >= 7 {
				key := r[1]
				if r[3] != "全期" {
					key += "/" + r[3]
				}
				gotFinals[key] = r[5] + "/" + r[6]
			}
		}
	}
	if fmt.Sprint(gotFinals) != fmt.Sprint(finals) {
		return fmt.Errorf("xlsx final results: %v, the records say %v", gotFinals, finals)
	}
	// The record list: every record of the year, once, and which count.
	recs, err := f.GetRows("记录明细")
	if err != nil {
		return err
	}
	got := map[string]string{}
	for _, r := range recs[1:] {
		if len(r) >= 12 {
			got[r[0]] = r[11]
		}
	}
	wantRecs := map[string]string{}
	for _, r := range s.recs {
		if r.year() != q.Year {
			continue
		}
		wantRecs[r.ID()] = "否"
		if yf.attributed[r.person] == r {
			wantRecs[r.ID()] = "是"
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(wantRecs) {
		return fmt.Errorf("xlsx records: %v, the records say %v", got, wantRecs)
	}
	return nil
}

// ---- web pages ----

var resultCountRE = regexp.MustCompile(`([\d,]+) results?`)

// webSearch reads a search page of the web UI: the count it shows, the
// pages its pager offers and its facets.
func webSearch(w *world, u *ouser, path string, params url.Values, total int, facets map[string][]oGroup) error {
	a, err := w.srv.call("GET", path+"?"+params.Encode(), u.token, nil, true)
	if err != nil {
		return err
	}
	if a.code != 200 {
		return fmt.Errorf("web %s: %s", path, a)
	}
	doc, err := xhtml.Parse(bytes.NewReader(a.body))
	if err != nil {
		return err
	}
	count := ""
	pagerLinks := 0
	got := map[string][]oGroup{}
	var visit func(n *xhtml.Node, facet string)
	visit = func(n *xhtml.Node, facet string) {
		if n.Type == xhtml.ElementNode {
			if attr(n, "id") == "result-count" || n.Data == "p" && strings.Contains(attr(n, "class"), "muted") && count == "" && resultCountRE.MatchString(text(n)) {
				if m := resultCountRE.FindStringSubmatch(text(n)); m != nil {
					count = strings.ReplaceAll(m[1], ",", "")
				}
			}
			if n.Data == "nav" && strings.Contains(attr(n, "class"), "pager") {
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == xhtml.ElementNode && c.Data == "a" {
						pagerLinks++
					}
				}
			}
			if n.Data == "label" && facet != "" {
				var key, cnt string
				var find func(*xhtml.Node)
				find = func(m *xhtml.Node) {
					if m.Type == xhtml.ElementNode && m.Data == "input" {
						key = attr(m, "value")
					}
					if m.Type == xhtml.ElementNode && m.Data == "span" && attr(m, "class") == "count" {
						cnt = strings.ReplaceAll(text(m), ",", "")
					}
					for c := m.FirstChild; c != nil; c = c.NextSibling {
						find(c)
					}
				}
				find(n)
				c, _ := strconv.Atoi(cnt)
				got[facet] = append(got[facet], oGroup{key, c})
			}
			if n.Data == "fieldset" && strings.Contains(attr(n, "class"), "facet") {
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == xhtml.ElementNode && c.Data == "label" {
						var name string
						var find func(*xhtml.Node)
						find = func(m *xhtml.Node) {
							if m.Type == xhtml.ElementNode && m.Data == "input" && name == "" {
								name = attr(m, "name")
							}
							for c := m.FirstChild; c != nil; c = c.NextSibling {
								find(c)
							}
						}
						find(c)
						visit(c, name)
					}
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c, facet)
		}
	}
	visit(doc, "")
	if count != strconv.Itoa(total) {
		return fmt.Errorf("web %s?%s shows %q results, the records say %d", path, params.Encode(), count, total)
	}
	pages := min((total+19)/20, 50)
	if pages <= 1 {
		pages = 0
	}
	if pagerLinks != pages {
		return fmt.Errorf("web %s?%s offers %d pages for %d results (20 a page)", path, params.Encode(), pagerLinks, total)
	}
	for f, want := range facets {
		g := got[f]
		if g == nil {
			g = []oGroup{}
		}
		if fmt.Sprint(g) != fmt.Sprint(want) {
			return fmt.Errorf("web %s?%s facet %s: %v, the records say %v", path, params.Encode(), f, g, want)
		}
	}
	return nil
}

func attr(n *xhtml.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func text(n *xhtml.Node) string {
	var b strings.Builder
	var f func(*xhtml.Node)
	f = func(m *xhtml.Node) {
		if m.Type == xhtml.TextNode {
			b.WriteString(m.Data)
		}
		for c := m.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return strings.TrimSpace(b.String())
}

// ---- drawing questions ----

func drawAsker(r *rand.Rand, roles ...string) asker {
	return asker{Role: pick(r, roles), N: r.IntN(1000)}
}

var perPages = []int{1, 2, 3, 5, 7, 10, 20, 100}

func drawQuestion(r *rand.Rand) question {
	vals := func(xs []string, n int) []string {
		if r.IntN(3) > 0 {
			return nil
		}
		return some(r, xs, n)
	}
	// Skills and tools are typed by people, in any case.
	typed := func(xs []string, n int) []string {
		out := vals(xs, n)
		for i := range out {
			out[i] = spelled(r, out[i])
		}
		return out
	}
	text := func() string {
		switch r.IntN(6) {
		case 0:
			return pick(r, oWords)
		case 1:
			return pick(r, oWords) + " " + pick(r, oWords)
		case 2:
			return pick(r, oWords) + " -" + pick(r, oWords)
		}
		return ""
	}
	switch x := r.IntN(21); {
	case x < 7:
		q := talentQuery{As: drawAsker(r, "org", "orgless", "bureau", "admin"), Q: text(), Skills: typed(oSkills, 2), Tools: typed(oTools, 2),
			Industries: vals(oIndustry, 2), District: vals(oDistricts, 2), Origin: vals([]string{"overseas", "domestic"}, 1),
			Level: vals([]string{"A", "B", "C"}, 2), MinYears: -1, MaxYears: -1,
			Sort: pick(r, []string{"", "", "relevance", "newest", "experience"}), PerPage: pick(r, perPages), Web: r.IntN(5) == 0}
		if r.IntN(4) == 0 {
			q.Available = pick(r, []string{"true", "false"})
		}
		if r.IntN(5) == 0 {
			q.MinYears = r.IntN(15)
		}
		if r.IntN(6) == 0 && !q.Web {
			q.MaxYears = r.IntN(25)
		}
		if q.Web {
			q.Tools, q.Sort = nil, pick(r, []string{"", "newest", "experience"})
		}
		return q
	case x < 10:
		q := projectQuery{As: drawAsker(r, "creator", "org", "orgless", "bureau"), Q: text(), Kind: vals(oProjKinds, 2), District: vals(oDistricts, 2),
			Industries: vals(oIndustry, 2), Skills: typed(oSkills, 2), Status: vals([]string{"open", "closed"}, 1),
			Sort: pick(r, []string{"", "relevance", "newest", "deadline"}), PerPage: pick(r, perPages), Web: r.IntN(5) == 0}
		if q.Web {
			q.Skills, q.Status = nil, nil
		}
		return q
	case x < 12:
		return objectRead{As: drawAsker(r, "creator", "org", "orgless", "bureau", "admin"), Coll: pick(r, []string{"orgs", "bases", "projects", "applications", "recruitments"}), N: r.IntN(1000)}
	case x < 14:
		return profileRead{As: drawAsker(r, "creator", "org", "orgless", "bureau", "admin"), N: r.IntN(1000), Web: r.IntN(4) == 0}
	case x < 18:
		coll := pick(r, []string{"orgs", "bases", "applications", "recruitments", "audit"})
		filters := map[string]string{}
		opt := func(k string, xs []string) {
			if r.IntN(3) == 0 {
				filters[k] = strings.Join(some(r, xs, 2), ",")
			}
		}
		switch coll {
		case "orgs":
			opt("kind", oOrgKinds)
			opt("district", oDistricts)
			opt("status", []string{"pending", "verified", "rejected"})
			opt("flag", oFlags)
		case "bases":
			opt("kind", oBaseKinds)
			opt("district", oDistricts)
			opt("status", []string{"pending", "verified", "rejected"})
		case "applications":
			opt("stage", oStages)
		case "recruitments":
			if r.IntN(3) == 0 {
				filters["year"] = strconv.Itoa(2022 + r.IntN(5))
			}
			opt("status", []string{"reported", "verified", "rejected"})
			opt("district", oDistricts)
			opt("industry", oIndustry)
			opt("origin", []string{"overseas", "domestic"})
		case "audit":
			opt("resource_type", []string{"org", "base", "recruitment", "talent", "taxonomy", "stats", "users"})
		}
		return listQuery{As: drawAsker(r, "creator", "org", "orgless", "bureau", "admin"), Coll: coll, Filters: filters, PerPage: pick(r, perPages)}
	}
	if r.IntN(4) == 0 {
		return dashboard{Year: 2022 + r.IntN(5)}
	}
	if r.IntN(4) == 0 {
		if r.IntN(2) == 0 {
			return rankings{}
		}
		return incubationFigures{Year: time.Now().In(shenzhen).Year() - r.IntN(2)}
	}
	return figuresQuery{Year: 2022 + r.IntN(5), Export: pick(r, []string{"", "", "csv", "xlsx"})}
}

// sweep is every kind of question, for the end of a sequence.
func sweep() []question {
	var qs []question
	for y := 2022; y <= 2026; y++ {
		qs = append(qs, figuresQuery{Year: y}, figuresQuery{Year: y, Export: "csv"}, figuresQuery{Year: y, Export: "xlsx"}, dashboard{Year: y})
	}
	for _, role := range []string{"org", "orgless", "bureau", "admin"} {
		qs = append(qs, talentQuery{As: asker{Role: role}, MinYears: -1, MaxYears: -1, PerPage: 3},
			talentQuery{As: asker{Role: role}, MinYears: -1, MaxYears: -1, PerPage: 20, Web: role != "orgless"})
	}
	for _, st := range [][]string{nil, {"open"}, {"closed"}} {
		qs = append(qs, projectQuery{As: asker{Role: "creator"}, Status: st, PerPage: 4}, projectQuery{As: asker{Role: "org"}, Status: st, PerPage: 20, Sort: "deadline"})
	}
	qs = append(qs, projectQuery{As: asker{Role: "creator"}, Web: true, PerPage: 20}, membership{}, notices{}, publications{}, rankings{})
	for y := time.Now().In(shenzhen).Year() - 1; y <= time.Now().In(shenzhen).Year(); y++ {
		qs = append(qs, incubationFigures{Year: y})
	}
	for _, coll := range []string{"orgs", "bases", "applications", "recruitments", "audit"} {
		for _, role := range []string{"creator", "org", "orgless", "bureau"} {
			qs = append(qs, listQuery{As: asker{Role: role}, Coll: coll, PerPage: 3})
		}
	}
	return qs
}
