package main

// What the oracle's people do: each step is a kind of action and the
// random numbers it draws its choices from, so that a step means the same
// thing when the steps before it are removed (the shrinker removes them):
// "the 3rd organisation" is the 3rd the sequence has made, whatever made
// it. Answers of 4xx are part of life (a deleted profile, a closed
// project, an illegal move); a 5xx, or a 4xx without the error shape,
// fails the sequence. What a step changed is the oracle's to check.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// step is one action of a sequence.
type step struct {
	Kind string
	Seed uint64
}

func (s step) String() string { return fmt.Sprintf("%s#%x", s.Kind, s.Seed) }

// parseSteps reads steps as String writes them, separated by commas or
// spaces (-oracle.replay).
func parseSteps(list string) ([]step, error) {
	var out []step
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		kind, seed, ok := strings.Cut(f, "#")
		if !ok {
			return nil, fmt.Errorf("step %q is not kind#seed", f)
		}
		n, err := strconv.ParseUint(seed, 16, 64)
		if err != nil {
			return nil, fmt.Errorf("step %q: %w", f, err)
		}
		out = append(out, step{kind, n})
	}
	return out, nil
}

// actionWeights: how often each action is drawn.
var actionWeights = []struct {
	kind   string
	weight int
}{
	{"creator", 10}, {"edit_talent", 10}, {"visibility", 4}, {"delete_talent", 2}, {"erase_account", 2},
	{"org", 7}, {"decide_org", 6}, {"edit_org", 3}, {"base", 5}, {"edit_base", 3}, {"decide_base", 5},
	{"project", 9}, {"edit_project", 5}, {"close_project", 3}, {"delete_project", 2},
	{"apply", 6}, {"invite", 4}, {"move", 8}, {"creator_move", 3},
	{"report", 9}, {"decide_rec", 7}, {"correct_rec", 4}, {"withdraw_rec", 2}, {"import", 5}, {"link_identity", 3}, {"publish", 2},
	{"confirm_operator", 4}, {"ask_operator", 2}, {"remove_operator", 2}, {"invite_member", 3}, {"answer_invitation", 3}, {"leave_org", 1}, {"withdraw_consent", 2}, {"read_notes", 2},
	{"taxonomy", 1}, {"target", 2}, {"reindex", 2}, {"recount", 1}, {"restart", 1}, {"crash", 1},
	{"team", 2}, {"edit_team", 2}, {"call", 3}, {"enter", 6}, {"review", 9}, {"decide_entry", 5}, {"milestone", 4},
}

func drawSteps(r *rand.Rand, n int) []step {
	total := 0
	for _, a := range actionWeights {
		total += a.weight
	}
	out := make([]step, n)
	for i := range out {
		x := r.IntN(total)
		for _, a := range actionWeights {
			if x < a.weight {
				out[i] = step{Kind: a.kind, Seed: r.Uint64()}
				break
			}
			x -= a.weight
		}
	}
	return out
}

// ouser is an account the sequence made.
type ouser struct {
	id, email, role, token, name string
	gone                         bool // deleted its account
}

// world is a sequence's server and what the sequence has made.
type world struct {
	dir                               string
	bin                               string
	srv                               *oServer
	rng                               *rand.Rand // which kind of process the next start is
	admin                             *ouser
	bureau                            *ouser
	users                             []*ouser
	orgs, bases, projects, apps, recs []string
	n                                 int // a counter for unique names
	// appOrg and appTalent are the organisation and the talent of each
	// application made.
	appOrg, appTalent map[string]string
	// accepted counts, by kind of step, the writes answered 2xx (the rest
	// were refused, as they may be: a closed project, an illegal move).
	accepted map[string]int
	// pubs are the publications made, as first read: they never change.
	pubs map[string]*published
	inc  incubation
}

// published is a publication as the step that made it read it.
type published struct {
	period, sha        string
	figures, xlsx, csv []byte
}

func (w *world) start(ctx context.Context) error {
	inProcess := w.bin == "" || w.rng.IntN(2) == 0
	s, err := startServer(ctx, w.dir, inProcess, w.bin)
	if err != nil {
		return err
	}
	w.srv = s
	return nil
}

// setup starts the first server and makes the admin's and a bureau
// officer's sessions.
func (w *world) setup(ctx context.Context) error {
	if err := w.start(ctx); err != nil {
		return err
	}
	var err error
	if w.admin, err = w.signIn(oracleAdminEmail, "admin"); err != nil {
		return err
	}
	body := map[string]string{"email": "bureau@oracle.example", "password": oraclePassword, "name": "Bureau Officer", "role": "bureau"}
	if a, err := w.srv.call("POST", "/api/v1/admin/users", w.admin.token, body, false); err != nil || a.code != 201 {
		return fmt.Errorf("create the bureau officer: %v %s", err, a)
	}
	w.bureau, err = w.signIn("bureau@oracle.example", "bureau")
	return err
}

// signIn signs the account of email in, with the oracle's password.
func (w *world) signIn(email, role string) (*ouser, error) {
	a, err := w.srv.call("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": oraclePassword}, false)
	if err != nil || a.code != 200 {
		return nil, fmt.Errorf("%s sign-in: %v %s", role, err, a)
	}
	u := &ouser{role: role, email: email}
	return u, u.session(a)
}

// session takes the user's id and token from a sign-in's or a
// registration's answer.
func (u *ouser) session(a answer) error {
	var sess struct {
		Token string `json:"token"`
		User  struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if err := a.json(&sess); err != nil {
		return err
	}
	u.id, u.token = sess.User.ID, sess.Token
	return nil
}

func (w *world) close() {
	if w.srv != nil {
		_ = w.srv.stop(false)
		w.srv = nil
	}
}

// Vocabularies the oracle draws from. The words are invented, so that a
// search for one finds exactly the records that contain it; the skills
// come in two spellings that must count as one.
var (
	oWords     = []string{"zorbak", "quintex", "vemlor", "tarkin", "blorft", "snerk", "krandor", "flimbo", "gorptin", "wuxlet"}
	oSkills    = []string{"原画", "unity", "maya", "blender", "剪辑", "配音", "houdini", "zbrush", "三维建模", "动画"}
	oTools     = []string{"photoshop", "nuke", "c4d", "substance", "figma"}
	oDistricts = []string{"nanshan", "longgang", "futian", "luohu", "baoan", "yantian", "longhua", "outside"}
	oIndustry  = []string{"games", "esports", "animation", "online_av", "digital_art", "creative_design", "film_tv", "vr_ar"}
	oOrgKinds  = []string{"incubator", "service_center", "enterprise", "university", "research_institute"}
	oFlags     = []string{"leading", "sme", "specialized", "brand"}
	oBaseKinds = []string{"innovation", "training", "theme_park", "cooperation", "incubator"}
	oProjKinds = []string{"job", "incubation", "training", "collaboration"}
	oStages    = []string{"shortlisted", "interviewing", "offered", "hired", "rejected", "withdrawn", "applied", "invited"}
	oLevels    = []string{"", "A", "B", "C"}
	// oPassports are the people imports and identity links draw from: few,
	// so that the same person comes back.
	oPassports = []string{"E1000001", "E1000002", "E1000003", "G2000004", "G2000005", "P3000006"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// some picks up to n distinct values.
func some[T any](r *rand.Rand, xs []T, n int) []T {
	k := r.IntN(n + 1)
	idx := r.Perm(len(xs))[:min(k, len(xs))]
	out := make([]T, 0, len(idx))
	for _, i := range idx {
		out = append(out, xs[i])
	}
	return out
}

// spelled writes an ASCII skill in one of its spellings.
func spelled(r *rand.Rand, s string) string {
	if r.IntN(3) == 0 && s != strings.ToUpper(s) {
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

func words(r *rand.Rand, n int) string {
	ws := make([]string, 0, n)
	for range n {
		ws = append(ws, pick(r, oWords))
	}
	return strings.Join(ws, " ")
}

// nth picks an entity of a list, most often a recent one.
func nth(r *rand.Rand, ids []string) (string, bool) {
	if len(ids) == 0 {
		return "", false
	}
	return ids[r.IntN(len(ids))], true
}

func (w *world) usersOf(role string) []*ouser {
	var out []*ouser
	for _, u := range w.users {
		if u.role == role && !u.gone {
			out = append(out, u)
		}
	}
	return out
}

func (w *world) register(r *rand.Rand, role string) (*ouser, error) {
	w.n++
	u := &ouser{role: role, email: fmt.Sprintf("u%d-%d@oracle.example", w.n, r.IntN(1000)), name: fmt.Sprintf("%s %d", role, w.n)}
	a, err := w.srv.call("POST", "/api/v1/auth/register", "", map[string]string{"email": u.email, "password": oraclePassword, "name": u.name, "role": role}, false)
	if err != nil {
		return nil, err
	}
	if a.code != 201 {
		return nil, nil
	}
	if err := u.session(a); err != nil {
		return nil, err
	}
	w.users = append(w.users, u)
	return u, nil
}

// mostlyListed is one of ids or, four times in five, the key of an item of
// the list at path that token reads (when it has one).
func (w *world) mostlyListed(r *rand.Rand, ids []string, path, token, key string) (string, bool) {
	id, ok := nth(r, ids)
	if r.IntN(5) > 0 {
		if it, any := w.pickItem(r, path, token); any {
			id, ok = fmt.Sprint(it[key]), true
		}
	}
	return id, ok
}

// correct has the bureau change one of ids in coll (a correction), half
// the time; it reports whether it tried.
func (w *world) correct(r *rand.Rand, call func(method, path, token string, body any, cookie bool) (answer, error),
	coll string, ids []string, body any) (bool, error) {
	if r.IntN(2) != 0 {
		return false, nil
	}
	id, ok := nth(r, ids)
	if !ok {
		return true, nil
	}
	_, err := call("PATCH", "/api/v1/"+coll+"/"+id, w.bureau.token, body, false)
	return true, err
}

// maybe is a field a random change sets, one time in oneIn.
type maybe struct {
	key   string
	oneIn int
	value func() any
}

// sometimes is a change of the fields, each drawn in the order given (so
// that a seed plays the same change as ever).
func sometimes(r *rand.Rand, fields ...maybe) map[string]any {
	body := map[string]any{}
	for _, f := range fields {
		if r.IntN(f.oneIn) == 0 {
			body[f.key] = f.value()
		}
	}
	return body
}

func talentBody(r *rand.Rand, name string, partial bool) map[string]any {
	skills := []string{}
	for _, s := range some(r, oSkills, 4) {
		skills = append(skills, spelled(r, s))
	}
	all := map[string]any{
		"name": name, "headline": words(r, 1+r.IntN(2)), "bio": words(r, r.IntN(4)),
		"skills": skills, "tools": some(r, oTools, 2), "industries": some(r, oIndustry, 3),
		"district": pick(r, append([]string{""}, oDistricts...)), "origin": pick(r, []string{"", "overseas", "domestic"}),
		"years_experience": r.IntN(25), "level": pick(r, oLevels), "available": r.IntN(3) > 0,
		"visibility": pick(r, []string{"public", "public", "orgs", "private"}),
		"contact":    map[string]string{"phone": fmt.Sprintf("138%08d", r.IntN(1e8)), "email": fmt.Sprintf("c%d@mail.example", r.IntN(1e6))},
		"works":      []map[string]any{{"title": words(r, 2), "description": words(r, r.IntN(3)), "year": 2015 + r.IntN(11)}},
	}
	if !partial {
		return all
	}
	out := map[string]any{}
	for k, v := range all {
		if k != "name" && r.IntN(3) == 0 {
			out[k] = v
		}
	}
	return out
}

func projectBody(r *rand.Rand, partial bool) map[string]any {
	deadline := ""
	switch r.IntN(4) {
	case 0:
		deadline = fmt.Sprintf("2027-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))
	case 1:
		deadline = fmt.Sprintf("2026-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))
	case 2:
		deadline = fmt.Sprintf("2028-%02d-01", 1+r.IntN(12))
	}
	skills := []string{}
	for _, s := range some(r, oSkills, 3) {
		skills = append(skills, spelled(r, s))
	}
	all := map[string]any{
		"title": words(r, 1+r.IntN(3)), "description": words(r, r.IntN(5)), "kind": pick(r, oProjKinds),
		"skills": skills, "industries": some(r, oIndustry, 2), "district": pick(r, append([]string{""}, oDistricts...)),
		"openings": 1 + r.IntN(5), "deadline": deadline,
	}
	if !partial {
		return all
	}
	out := map[string]any{}
	for k, v := range all {
		if r.IntN(3) == 0 {
			out[k] = v
		}
	}
	return out
}

func randomDate(r *rand.Rand) string {
	y := 2022 + r.IntN(5)
	m := 1 + r.IntN(12)
	if y == 2026 {
		m = 1 + r.IntN(11) // not after today
	}
	return fmt.Sprintf("%d-%02d-%02d", y, m, 1+r.IntN(28))
}

// memberOrg is the organisation a user is a member of (read back from the
// server, which knows it from the member lists).
func (w *world) memberOrg(u *ouser) string {
	a, err := w.srv.call("GET", "/api/v1/me", u.token, nil, false)
	if err != nil || a.code != 200 {
		return ""
	}
	var me struct {
		OrgID string `json:"org_id"`
	}
	_ = a.json(&me)
	return me.OrgID
}

// orgMember picks an organisation user with an organisation.
// Mostly a member of a verified organisation, as those are who post,
// search, invite and report; now and then any member.
func (w *world) orgMember(r *rand.Rand) (*ouser, string) {
	us := w.usersOf("org")
	verified := r.IntN(5) > 0
	for _, i := range r.Perm(len(us)) {
		u := us[i]
		org := w.memberOrg(u)
		if org == "" {
			continue
		}
		if !verified {
			return u, org
		}
		a, err := w.srv.call("GET", "/api/v1/orgs/"+org, u.token, nil, false)
		var o struct {
			Status string `json:"status"`
		}
		if err == nil && a.code == 200 && a.json(&o) == nil && o.Status == "verified" {
			return u, org
		}
	}
	return nil, ""
}

// madeApplication remembers an application made, with its organisation.
func (w *world) madeApplication(a answer) {
	if a.code != 201 {
		return
	}
	var v struct {
		ID       string `json:"id"`
		OrgID    string `json:"org_id"`
		TalentID string `json:"talent_id"`
	}
	if a.json(&v) == nil && v.ID != "" {
		w.apps = append(w.apps, v.ID)
		w.appOrg[v.ID], w.appTalent[v.ID] = v.OrgID, v.TalentID
	}
}

func created(a answer, ids *[]string) {
	if a.code != 201 {
		return
	}
	var v struct {
		ID string `json:"id"`
	}
	if a.json(&v) == nil && v.ID != "" {
		*ids = append(*ids, v.ID)
	}
}

// applicant is mostly the creator of an application made, now and then
// any creator.
func (w *world) applicant(r *rand.Rand) *ouser {
	us := w.usersOf("creator")
	if len(us) == 0 {
		return nil
	}
	u := pick(r, us)
	if id, ok := nth(r, w.apps); ok && r.IntN(4) > 0 {
		for _, c := range us {
			if c.id == w.appTalent[id] {
				u = c
			}
		}
	}
	return u
}

// pickItem picks one item of a list as the user sees it (false when the
// list is empty or refused).
func (w *world) pickItem(r *rand.Rand, path, token string) (map[string]any, bool) {
	a, err := w.srv.call("GET", path, token, nil, false)
	if err != nil || a.code != 200 {
		return nil, false
	}
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if a.json(&list) != nil || len(list.Items) == 0 {
		return nil, false
	}
	return pick(r, list.Items), true
}

// pickListed is the id of an item pickItem picks.
func (w *world) pickListed(r *rand.Rand, path, token string) (string, bool) {
	it, ok := w.pickItem(r, path, token)
	if !ok {
		return "", false
	}
	id, ok := it["id"].(string)
	return id, ok
}

// do performs one step. It returns an error for a failure of the server
// (5xx, no error shape, transport) or of a restart.
func (w *world) do(ctx context.Context, s step) error {
	r := rand.New(rand.NewPCG(s.Seed, 0x7a1e))
	call := func(method, path, token string, body any, cookie bool) (answer, error) {
		a, err := w.srv.call(method, path, token, body, cookie)
		if method != "GET" && a.code >= 200 && a.code < 300 {
			w.accepted[s.Kind]++
		}
		return a, err
	}
	if slices.Contains(incubationActions, s.Kind) {
		return w.doIncubation(r, s.Kind, call)
	}
	switch s.Kind {
	case "creator":
		u, err := w.register(r, "creator")
		if err != nil || u == nil {
			return err
		}
		_, err = call("POST", "/api/v1/talents", u.token, talentBody(r, u.name, false), false)
		return err
	case "edit_talent", "visibility":
		us := w.usersOf("creator")
		if len(us) == 0 {
			return nil
		}
		u := pick(r, us)
		body := talentBody(r, u.name, true)
		if s.Kind == "visibility" {
			body = map[string]any{"visibility": pick(r, []string{"public", "orgs", "private"})}
		}
		_, err := call("PATCH", "/api/v1/talents/"+u.id, u.token, body, false)
		return err
	case "delete_talent":
		us := w.usersOf("creator")
		if len(us) == 0 {
			return nil
		}
		u := pick(r, us)
		who := u.token
		if r.IntN(3) == 0 {
			who = w.admin.token
		}
		_, err := call("DELETE", "/api/v1/talents/"+u.id, who, nil, false)
		return err
	case "erase_account":
		us := append(w.usersOf("creator"), w.usersOf("org")...)
		if len(us) == 0 {
			return nil
		}
		u := pick(r, us)
		a, err := call("DELETE", "/api/v1/me", u.token, nil, false)
		if err == nil && a.code == 204 {
			u.gone = true
		}
		return err
	case "org":
		var u *ouser
		if cands := w.usersOf("org"); len(cands) > 0 && r.IntN(2) == 0 {
			u = pick(r, cands)
		} else {
			var err error
			if u, err = w.register(r, "org"); err != nil || u == nil {
				return err
			}
		}
		w.n++
		kind := pick(r, oOrgKinds)
		flags := some(r, oFlags, 2)
		if kind != "enterprise" && r.IntN(5) > 0 {
			// Leading, small-and-micro and specialised are enterprises'
			// (now and then one tries anyway, and is refused).
			flags = slices.DeleteFunc(flags, func(f string) bool { return f != "brand" })
		}
		body := map[string]any{"name": fmt.Sprintf("Org %d %s", w.n, pick(r, oWords)), "kind": kind,
			"district": pick(r, oDistricts), "industries": some(r, oIndustry, 3), "flags": flags}
		a, err := call("POST", "/api/v1/orgs", u.token, body, false)
		created(a, &w.orgs)
		return err
	case "edit_org":
		// A member changes its organisation (its managers may while the
		// bureau has not verified it; a rejected one goes back to the
		// bureau), or the bureau corrects one: the kind, district,
		// industries and flags move the figures and the directory.
		w.n++
		body := sometimes(r,
			maybe{"name", 2, func() any { return fmt.Sprintf("Org %d %s", w.n, pick(r, oWords)) }},
			maybe{"kind", 2, func() any { return pick(r, oOrgKinds) }},
			maybe{"district", 2, func() any { return pick(r, oDistricts) }},
			maybe{"industries", 2, func() any { return some(r, oIndustry, 3) }},
			maybe{"flags", 2, func() any { return some(r, oFlags, 2) }})
		if done, err := w.correct(r, call, "orgs", w.orgs, body); done {
			return err
		}
		// Mostly a member of an organisation the bureau has not verified
		// (a verified one's member is refused).
		u, org := w.orgMember(r)
		if r.IntN(4) > 0 {
			for _, i := range r.Perm(len(w.usersOf("org"))) {
				m := w.usersOf("org")[i]
				id := w.memberOrg(m)
				if id == "" {
					continue
				}
				a, err := w.srv.call("GET", "/api/v1/orgs/"+id, m.token, nil, false)
				var o struct {
					Status string `json:"status"`
				}
				if err == nil && a.code == 200 && a.json(&o) == nil && o.Status != "verified" {
					u, org = m, id
					break
				}
			}
		}
		if u == nil {
			return nil
		}
		_, err := call("PATCH", "/api/v1/orgs/"+org, u.token, body, false)
		return err
	case "edit_base":
		// A member of the organisation that registered a base changes it
		// (before the bureau verifies it), or the bureau corrects one: its
		// kind and district move the figures and the breakdowns.
		body := sometimes(r,
			maybe{"name", 2, func() any { w.n++; return fmt.Sprintf("Base %d %s", w.n, pick(r, oWords)) }},
			maybe{"kind", 2, func() any { return pick(r, oBaseKinds) }},
			maybe{"district", 2, func() any { return pick(r, oDistricts) }},
			maybe{"industries", 3, func() any { return some(r, oIndustry, 2) }},
			maybe{"capacity", 3, func() any { return r.IntN(500) }})
		if done, err := w.correct(r, call, "bases", w.bases, body); done {
			return err
		}
		// A member's own base, mostly one still waiting for the bureau.
		u, org := w.orgMember(r)
		if u == nil {
			return nil
		}
		status := "pending"
		if r.IntN(4) == 0 {
			status = "rejected"
		}
		id, ok := w.pickListed(r, "/api/v1/bases?org_id="+org+"&status="+status+"&per_page=100", u.token)
		if !ok {
			return nil
		}
		_, err := call("PATCH", "/api/v1/bases/"+id, u.token, body, false)
		return err
	case "decide_org", "decide_base", "decide_rec":
		list := map[string][]string{"decide_org": w.orgs, "decide_base": w.bases, "decide_rec": w.recs}[s.Kind]
		coll := map[string]string{"decide_org": "orgs", "decide_base": "bases", "decide_rec": "recruitments"}[s.Kind]
		id, ok := nth(r, list)
		if r.IntN(5) > 0 {
			// Mostly, the officer takes one from the queue of what waits.
			waiting := map[string]string{"orgs": "pending", "bases": "pending", "recruitments": "reported"}[coll]
			id, ok = w.pickListed(r, "/api/v1/"+coll+"?status="+waiting+"&per_page=100", w.bureau.token)
		}
		if !ok {
			return nil
		}
		body := map[string]string{"decision": "verified"}
		if r.IntN(4) == 0 {
			body = map[string]string{"decision": "rejected", "reason": words(r, 2)}
		}
		_, err := call("POST", "/api/v1/"+coll+"/"+id+"/verify", w.bureau.token, body, false)
		return err
	case "base":
		u, org := w.orgMember(r)
		if u == nil {
			return nil
		}
		ops := []string{org}
		for _, o := range some(r, w.orgs, 2) {
			if !slices.Contains(ops, o) {
				ops = append(ops, o)
			}
		}
		w.n++
		body := map[string]any{"name": fmt.Sprintf("Base %d %s", w.n, pick(r, oWords)), "kind": pick(r, oBaseKinds),
			"district": pick(r, oDistricts), "industries": some(r, oIndustry, 2), "operator_org_ids": ops,
			"established_on": randomDate(r), "capacity": r.IntN(500)}
		a, err := call("POST", "/api/v1/bases", u.token, body, false)
		created(a, &w.bases)
		return err
	case "project":
		u, _ := w.orgMember(r)
		if u == nil {
			return nil
		}
		a, err := call("POST", "/api/v1/projects", u.token, projectBody(r, false), false)
		created(a, &w.projects)
		return err
	case "edit_project", "close_project", "delete_project":
		id, ok := nth(r, w.projects)
		if !ok {
			return nil
		}
		u, _ := w.orgMember(r)
		if u == nil {
			return nil
		}
		switch s.Kind {
		case "edit_project":
			_, err := call("PATCH", "/api/v1/projects/"+id, u.token, projectBody(r, true), false)
			return err
		case "close_project":
			_, err := call("PATCH", "/api/v1/projects/"+id, u.token, map[string]any{"status": pick(r, []string{"open", "closed"})}, false)
			return err
		}
		_, err := call("DELETE", "/api/v1/projects/"+id, u.token, nil, false)
		return err
	case "apply":
		us := w.usersOf("creator")
		id, ok := nth(r, w.projects)
		if r.IntN(4) > 0 {
			id, ok = w.pickListed(r, "/api/v1/projects?status=open&per_page=100", w.bureau.token)
		}
		if len(us) == 0 || !ok {
			return nil
		}
		a, err := call("POST", "/api/v1/projects/"+id+"/applications", pick(r, us).token, map[string]any{"message": words(r, 3), "accept_contact": r.IntN(2) == 0}, false)
		w.madeApplication(a)
		return err
	case "invite":
		u, org := w.orgMember(r)
		cs := w.usersOf("creator")
		if u == nil || len(cs) == 0 {
			return nil
		}
		id, ok := nth(r, w.projects)
		talent := pick(r, cs).id
		if r.IntN(4) > 0 {
			// Its own open project, and a profile it found.
			id, ok = w.pickListed(r, "/api/v1/projects?status=open&per_page=100&org_id="+org, u.token)
			if found, any := w.pickListed(r, "/api/v1/talents?per_page=100", u.token); any {
				talent = found
			}
		}
		if !ok {
			return nil
		}
		a, err := call("POST", "/api/v1/projects/"+id+"/applications", u.token, map[string]any{"talent_id": talent, "message": words(r, 2)}, false)
		w.madeApplication(a)
		return err
	case "move":
		id, ok := nth(r, w.apps)
		if !ok {
			return nil
		}
		// Mostly a member of the application's organisation, moving it to
		// the next stage; now and then anyone, anywhere.
		var u *ouser
		stage := pick(r, oStages)
		if r.IntN(5) > 0 {
			for _, c := range w.usersOf("org") {
				if w.memberOrg(c) == w.appOrg[id] {
					u = c
					break
				}
			}
			if u != nil {
				var app struct {
					Stage string `json:"stage"`
				}
				if a, err := w.srv.call("GET", "/api/v1/applications/"+id, u.token, nil, false); err == nil && a.code == 200 && a.json(&app) == nil {
					next := map[string][]string{"applied": {"shortlisted", "rejected"}, "invited": {"rejected", "withdrawn"}, "shortlisted": {"interviewing", "rejected"},
						"interviewing": {"offered", "rejected"}, "offered": {"hired", "rejected"}}[app.Stage]
					if len(next) > 0 && r.IntN(6) > 0 {
						stage = next[0]
						if r.IntN(5) == 0 {
							stage = next[len(next)-1]
						}
					}
				}
			}
		}
		if u == nil {
			if u, _ = w.orgMember(r); u == nil {
				return nil
			}
		}
		_, err := call("PATCH", "/api/v1/applications/"+id, u.token, map[string]any{"stage": stage, "note": words(r, 1)}, false)
		return err
	case "creator_move":
		u := w.applicant(r)
		if u == nil {
			return nil
		}
		id, ok := nth(r, w.apps)
		body := pick(r, []map[string]any{{"stage": "withdrawn"}, {"accept_contact": true}, {"accept_invitation": true},
			{"accept_invitation": true, "accept_contact": true}})
		if r.IntN(5) > 0 {
			// One of the creator's own: an invitation is mostly accepted.
			var app map[string]any
			if app, ok = w.pickItem(r, "/api/v1/applications?per_page=100", u.token); ok {
				id = app["id"].(string)
				if app["stage"] == "invited" && r.IntN(4) > 0 {
					body = map[string]any{"accept_invitation": true, "accept_contact": r.IntN(2) == 0}
				}
			}
		}
		if !ok {
			return nil
		}
		_, err := call("PATCH", "/api/v1/applications/"+id, u.token, body, false)
		return err
	case "report":
		u, org := w.orgMember(r)
		var talents []string
		for _, c := range w.users {
			if c.role == "creator" {
				talents = append(talents, c.id)
			}
		}
		if u == nil || len(talents) == 0 {
			return nil
		}
		body := map[string]any{"talent_id": pick(r, talents), "org_id": org, "date": randomDate(r),
			"origin": pick(r, []string{"overseas", "domestic"}), "level": pick(r, oLevels),
			"district": pick(r, oDistricts), "industry": pick(r, oIndustry)}
		if r.IntN(2) == 0 {
			// A hire of its own pipeline, or a profile it found.
			if app, ok := w.pickItem(r, "/api/v1/applications?stage=hired&per_page=100", u.token); ok && r.IntN(2) == 0 {
				body = map[string]any{"application_id": app["id"], "date": randomDate(r)}
			} else if found, ok := w.pickListed(r, "/api/v1/talents?per_page=100", u.token); ok {
				body["talent_id"] = found
			}
		}
		a, err := call("POST", "/api/v1/recruitments", u.token, body, false)
		created(a, &w.recs)
		return err
	case "import":
		// A list of one to four hires from a small pool of people, so that
		// people come back: in another list (unchanged), changed (a
		// correction), at another organisation, or as a profile that links
		// the same document. The bureau's are verified at once; a member's
		// are reports, and a row naming another organisation refuses the
		// whole file.
		token := w.bureau.token
		if u, _ := w.orgMember(r); u != nil && r.IntN(3) == 0 {
			token = u.token
		}
		if len(w.orgs) == 0 {
			return nil
		}
		var csv strings.Builder
		csv.WriteString("name,id type,id number,organisation,date,origin,level,district,industry\n")
		for range 1 + r.IntN(4) {
			org, _ := nth(r, w.orgs)
			fmt.Fprintf(&csv, "%s,passport,%s,%s,%s,%s,%s,%s,%s\n", pick(r, []string{"王芳", "Li Lei", "张伟"}), pick(r, oPassports), org,
				randomDate(r), pick(r, []string{"overseas", "domestic"}), pick(r, oLevels), pick(r, oDistricts), pick(r, oIndustry))
		}
		path := "/api/v1/imports/recruitments"
		if r.IntN(5) == 0 {
			path += "?dry_run=true"
		}
		a, err := call("POST", path, token, upload{"list.csv", []byte(csv.String())}, false)
		var rep struct {
			Lines []struct {
				Outcome  string `json:"outcome"`
				RecordID string `json:"record_id"`
			} `json:"lines"`
			ID string `json:"id"`
		}
		if a.code == 200 && a.json(&rep) == nil && rep.ID != "" {
			for _, l := range rep.Lines {
				if l.Outcome == "created" && !slices.Contains(w.recs, l.RecordID) {
					w.recs = append(w.recs, l.RecordID)
				}
			}
		}
		return err
	case "publish":
		// A year or a quarter of the plan, over by now; a period published
		// already is refused (409).
		period := strconv.Itoa(2022 + r.IntN(4))
		if r.IntN(2) == 0 {
			period += fmt.Sprintf("-Q%d", 1+r.IntN(4))
		}
		a, err := call("POST", "/api/v1/publications", w.bureau.token, map[string]any{"period": period}, false)
		if err != nil || a.code != 201 {
			return err
		}
		var p struct {
			ID      string          `json:"id"`
			SHA     string          `json:"sha256"`
			Figures json.RawMessage `json:"figures"`
		}
		if err := a.json(&p); err != nil {
			return fmt.Errorf("publish %s: %w", period, err)
		}
		pub := &published{period: period, sha: p.SHA, figures: p.Figures}
		for _, f := range []struct {
			ext string
			to  *[]byte
		}{{"xlsx", &pub.xlsx}, {"csv", &pub.csv}} {
			fa, err := w.srv.call("GET", "/api/v1/publications/"+p.ID+"/figures."+f.ext, "", nil, false)
			if err != nil || fa.code != 200 {
				return fmt.Errorf("publication %s as %s: %v %s", period, f.ext, err, fa)
			}
			*f.to = fa.body
		}
		if w.pubs == nil {
			w.pubs = map[string]*published{}
		}
		w.pubs[p.ID] = pub
		return nil
	case "link_identity":
		us := w.usersOf("creator")
		if len(us) == 0 {
			return nil
		}
		u := pick(r, us)
		_, err := call("PUT", "/api/v1/talents/"+u.id+"/identity", u.token, map[string]any{"type": "passport", "number": pick(r, oPassports)}, false)
		return err
	case "correct_rec":
		id, ok := nth(r, w.recs)
		if !ok {
			return nil
		}
		body := map[string]any{"reason": words(r, 2)}
		for k, v := range map[string]any{"date": randomDate(r), "origin": pick(r, []string{"overseas", "domestic"}),
			"level": pick(r, oLevels), "high_end": r.IntN(2) == 0, "district": pick(r, oDistricts), "industry": pick(r, oIndustry),
			"status": pick(r, []string{"verified", "rejected"})} {
			if r.IntN(3) == 0 {
				body[k] = v
			}
		}
		_, err := call("POST", "/api/v1/recruitments/"+id+"/corrections", w.bureau.token, body, false)
		return err
	case "withdraw_rec":
		id, ok := nth(r, w.recs)
		u, _ := w.orgMember(r)
		if !ok || u == nil {
			return nil
		}
		_, err := call("DELETE", "/api/v1/recruitments/"+id, u.token, nil, false)
		return err
	case "confirm_operator":
		u, org := w.orgMember(r)
		if u == nil {
			return nil
		}
		id, ok := nth(r, w.bases)
		if r.IntN(5) > 0 {
			// What its organisation is asked to co-operate on.
			id, ok = w.pickListed(r, "/api/v1/orgs/"+org+"/base-requests", u.token)
		}
		if !ok {
			return nil
		}
		_, err := call("POST", "/api/v1/bases/"+id+"/operators", u.token, map[string]string{"decision": pick(r, []string{"confirm", "confirm", "decline"})}, false)
		return err
	case "ask_operator", "remove_operator":
		// A base's co-operators change after its registration: its
		// registering organisation asks another (verified or not: a
		// refusal changes nothing) or takes one off, or a co-operator
		// leaves. A verified base's figures follow its operators' kinds.
		u, org := w.orgMember(r)
		if u == nil {
			return nil
		}
		id, ok := w.pickListed(r, "/api/v1/bases?org_id="+org+"&per_page=100", u.token)
		if !ok {
			return nil
		}
		if s.Kind == "ask_operator" {
			other, ok := nth(r, w.orgs)
			if !ok {
				return nil
			}
			_, err := call("POST", "/api/v1/bases/"+id+"/co-operators", u.token, map[string]string{"org_id": other}, false)
			return err
		}
		a, err := call("GET", "/api/v1/bases/"+id, u.token, nil, false)
		if err != nil || a.code != 200 {
			return err
		}
		var b struct {
			Operators []string `json:"operator_org_ids"`
			Pending   []string `json:"pending_operator_org_ids"`
		}
		if err := a.json(&b); err != nil {
			return err
		}
		named := slices.Concat(b.Operators, b.Pending)
		if len(named) == 0 {
			return nil
		}
		_, err = call("DELETE", "/api/v1/bases/"+id+"/co-operators/"+named[r.IntN(len(named))], u.token, nil, false)
		return err
	case "invite_member":
		u, org := w.orgMember(r)
		var cands []*ouser
		for _, c := range w.usersOf("org") {
			if w.memberOrg(c) == "" {
				cands = append(cands, c)
			}
		}
		if u == nil || len(cands) == 0 {
			return nil
		}
		_, err := call("POST", "/api/v1/orgs/"+org+"/members", u.token, map[string]string{"email": pick(r, cands).email}, false)
		return err
	case "answer_invitation":
		us := w.usersOf("org")
		if len(us) == 0 {
			return nil
		}
		u := pick(r, us)
		// Mostly an invitation the account has.
		id, ok := w.mostlyListed(r, w.orgs, "/api/v1/me/invitations", u.token, "org_id")
		if !ok {
			return nil
		}
		_, err := call("POST", "/api/v1/me/invitations/"+id, u.token, map[string]string{"decision": pick(r, []string{"accept", "accept", "decline"})}, false)
		return err
	case "leave_org":
		u, org := w.orgMember(r)
		if u == nil {
			return nil
		}
		_, err := call("DELETE", "/api/v1/orgs/"+org+"/members/"+u.id, u.token, nil, false)
		return err
	case "read_notes":
		// Someone reads their notifications: one (the newest unread), or
		// all of them.
		if len(w.users) == 0 {
			return nil
		}
		u := pick(r, w.users)
		if u.gone {
			return nil
		}
		body := map[string]any{"all": true}
		if r.IntN(2) == 0 {
			if n, ok := w.pickItem(r, "/api/v1/notifications?unread=true&per_page=5", u.token); ok {
				body = map[string]any{"ids": []string{fmt.Sprint(n["id"])}}
			}
		}
		_, err := call("POST", "/api/v1/notifications/read", u.token, body, false)
		return err
	case "withdraw_consent":
		u := w.applicant(r)
		if u == nil {
			return nil
		}
		// Mostly a consent the creator gave.
		id, ok := w.mostlyListed(r, w.orgs, "/api/v1/consents", u.token, "org_id")
		if !ok {
			return nil
		}
		_, err := call("DELETE", "/api/v1/consents/"+id, u.token, nil, false)
		return err
	case "taxonomy":
		return w.editTaxonomy(r)
	case "target":
		return w.editTarget(r)
	case "reindex":
		return w.reindex(ctx)
	case "recount":
		a, err := call("POST", "/api/v1/admin/recount", w.admin.token, nil, false)
		if err != nil {
			return err
		}
		var res struct {
			Differences []string `json:"differences"`
		}
		if a.code != 200 || a.json(&res) != nil || len(res.Differences) > 0 {
			return fmt.Errorf("recount: %s", a)
		}
		return nil
	case "restart", "crash":
		kill := s.Kind == "crash" && !w.srv.inProcess
		if err := w.srv.stop(kill); err != nil {
			return fmt.Errorf("%s: %w", s.Kind, err)
		}
		w.srv = nil
		return w.start(ctx)
	}
	return fmt.Errorf("unknown step %q", s.Kind)
}

// editTaxonomy relabels a term or adds one, as an admin does.
func (w *world) editTaxonomy(r *rand.Rand) error {
	a, err := w.srv.call("GET", "/api/v1/taxonomies", "", nil, false)
	if err != nil || a.code != 200 {
		return err
	}
	var tax map[string]any
	if err := a.json(&tax); err != nil {
		return err
	}
	delete(tax, "version")
	delete(tax, "updated_at")
	list := pick(r, []string{"industries", "districts"})
	terms, _ := tax[list].([]any)
	if len(terms) > 0 && r.IntN(2) == 0 {
		t := terms[r.IntN(len(terms))].(map[string]any)
		t["en"] = fmt.Sprint(t["en"], " ", pick(r, oWords))
	} else {
		w.n++
		terms = append(terms, map[string]any{"key": fmt.Sprintf("oracle_%d", w.n), "zh": fmt.Sprintf("新词%d", w.n), "en": fmt.Sprintf("New term %d", w.n)})
		tax[list] = terms
	}
	_, err = w.srv.call("PUT", "/api/v1/taxonomies", w.admin.token, tax, false)
	return err
}

// editTarget changes a goal or a period, or adds a metric.
func (w *world) editTarget(r *rand.Rand) error {
	from := 2022 + r.IntN(3)
	body := map[string]any{"kind": "talents_per_year", "label_zh": "海外人才", "label_en": "Overseas talents",
		"period": map[string]int{"from": from, "to": from + r.IntN(4)}, "goal": float64(1 + r.IntN(50))}
	metric := "overseas_talents"
	switch r.IntN(4) {
	case 0:
		body["origin"] = "overseas"
	case 1:
		metric = "innovation_bases"
		body = map[string]any{"kind": "bases", "label_zh": "产学研用创新基地", "label_en": "Innovation bases", "base_kind": "innovation",
			"operator_kinds": []string{"university", "research_institute", "enterprise"},
			"period":         map[string]int{"from": 2022, "to": 2025 + r.IntN(2)}, "goal": float64(1 + r.IntN(6))}
	case 2:
		metric = "training_bases_per_leading_enterprise"
		body = map[string]any{"kind": "bases_per_org", "label_zh": "龙头企业人才培训基地", "label_en": "Training bases per leading enterprise",
			"base_kind": "training", "org_kind": "enterprise", "org_flag": "leading",
			"period": map[string]int{"from": 2022, "to": 2025}, "goal": float64(1 + r.IntN(3))}
	case 3:
		metric = "brands"
		body = map[string]any{"kind": "orgs_flagged", "label_zh": "品牌", "label_en": "Brands", "org_flag": "brand",
			"period": map[string]int{"from": 2022, "to": 2025}, "goal": float64(1 + r.IntN(20))}
	}
	_, err := w.srv.call("PUT", "/api/v1/targets/"+metric, w.admin.token, body, false)
	return err
}

// reindex rebuilds the index through the API and waits for the end.
func (w *world) reindex(ctx context.Context) error {
	a, err := w.srv.call("POST", "/api/v1/admin/reindex", w.admin.token, nil, false)
	if err != nil {
		return err
	}
	if a.code != 202 {
		return fmt.Errorf("reindex: %s", a)
	}
	var st struct {
		Running   bool   `json:"running"`
		Error     string `json:"error"`
		StatusURL string `json:"status_url"`
	}
	if err := a.json(&st); err != nil || st.StatusURL == "" {
		return fmt.Errorf("reindex answer %s", a)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if a, err = w.srv.call("GET", st.StatusURL, w.admin.token, nil, false); err != nil {
			return err
		}
		if err := a.json(&st); err != nil {
			return err
		}
		if !st.Running {
			if st.Error != "" {
				return fmt.Errorf("reindex failed: %s", st.Error)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("reindex still running after 2 minutes")
}
