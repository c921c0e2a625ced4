package server_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/szdc/talenthub/models"
)

func TestOrganisationLifecycle(t *testing.T) {
	w := newWorld(t)
	e := w.e
	tok, u := w.throwaway(member)
	mem := func() string { return tok }

	// Validation: kinds and districts come from the taxonomy.
	r := e.call("POST", "/api/v1/orgs", mem(), map[string]any{"name": "", "kind": "castle", "district": "gotham", "flags": []string{"leading"}})
	check(t, "invalid org", r, 422, "validation_failed")
	for _, f := range []string{"name", "kind", "district"} {
		if r.errFields()[f] == nil {
			t.Errorf("no message for %s: %s", f, r.raw)
		}
	}
	check(t, "leading university", e.call("POST", "/api/v1/orgs", mem(), map[string]any{"name": "U", "kind": "university", "district": "nanshan", "flags": []string{"leading"}}), 422, "validation_failed")

	r = e.call("POST", "/api/v1/orgs", mem(), map[string]any{"name": "腾讯互娱", "kind": "enterprise", "district": "nanshan", "industries": []string{"games"}, "flags": []string{"leading", "brand"}})
	check(t, "register", r, 201, "")
	id := r.str("id")
	if r.str("status") != "pending" || r.body["decision"] != nil {
		t.Fatalf("new org: %s", r.raw)
	}
	me := e.call("GET", "/api/v1/me", mem(), nil)
	if me.str("org_id") != id {
		t.Fatalf("the registering user is not a member: %s", me.raw)
	}
	check(t, "second org", e.call("POST", "/api/v1/orgs", mem(), map[string]any{"name": "X", "kind": "enterprise", "district": "nanshan"}), 409, "conflict")

	// Pending: no projects, no bases, no reports.
	check(t, "pending org posts", e.call("POST", "/api/v1/projects", mem(), map[string]any{"title": "Job", "kind": "job"}), 403, "forbidden")
	check(t, "pending org reports", e.call("POST", "/api/v1/recruitments", mem(), map[string]any{"talent_id": w.talentA, "org_id": id, "date": "2025-01-01", "origin": "domestic", "district": "nanshan", "industry": "games"}), 403, "forbidden")
	// Hidden from other users' directory, visible to the bureau.
	if r := e.call("GET", "/api/v1/orgs?status=pending", w.tokens[creator], nil); has(ids(r), id) {
		t.Errorf("a pending org is listed for a creator")
	}
	if r := e.call("GET", "/api/v1/orgs?status=pending&per_page=100", w.tokens[bureau], nil); !has(ids(r), id) {
		t.Errorf("the bureau's verification queue misses the org: %s", r.raw)
	}
	if r := e.call("GET", "/api/v1/orgs", mem(), nil); !has(ids(r), id) {
		t.Errorf("a member does not see their own pending org")
	}

	// Rejection needs a reason; decisions record who and when; a decided
	// org cannot be decided again.
	check(t, "reject without reason", e.call("POST", "/api/v1/orgs/"+id+"/verify", w.tokens[bureau], map[string]any{"decision": "rejected"}), 422, "validation_failed")
	check(t, "bad decision", e.call("POST", "/api/v1/orgs/"+id+"/verify", w.tokens[bureau], map[string]any{"decision": "maybe"}), 422, "validation_failed")
	r = e.call("POST", "/api/v1/orgs/"+id+"/verify", w.tokens[bureau], map[string]any{"decision": "verified", "reason": "营业执照已核验"})
	check(t, "verify", r, 200, "")
	if r.str("status") != "verified" || r.str("decision", "by") != w.users[bureau].ID || r.str("decision", "reason") != "营业执照已核验" || r.str("decision", "at") == "" {
		t.Fatalf("verified org: %s", r.raw)
	}
	check(t, "decide twice", e.call("POST", "/api/v1/orgs/"+id+"/verify", w.tokens[bureau], map[string]any{"decision": "rejected", "reason": "x"}), 409, "conflict")

	// Verified: the member posts a project; its manager invites
	// colleagues, who join when they accept (TestMembershipIsAnInvitation
	// has the rest).
	check(t, "verified org posts", e.call("POST", "/api/v1/projects", mem(), map[string]any{"title": "原画师", "kind": "job"}), 201, "")
	colleagueTok, colleague := w.throwaway(member)
	r = e.call("POST", "/api/v1/orgs/"+id+"/members", mem(), map[string]any{"email": strings.ToUpper(colleague.Email)})
	check(t, "invite a colleague", r, 201, "")
	check(t, "invite again", e.call("POST", "/api/v1/orgs/"+id+"/members", mem(), map[string]any{"email": colleague.Email}), 201, "")
	check(t, "invite a creator", e.call("POST", "/api/v1/orgs/"+id+"/members", mem(), map[string]any{"email": w.users[creator].Email}), 422, "validation_failed")
	check(t, "invite a member of another org", e.call("POST", "/api/v1/orgs/"+id+"/members", mem(), map[string]any{"email": w.users[member2].Email}), 422, "validation_failed")
	check(t, "invite an unknown email", e.call("POST", "/api/v1/orgs/"+id+"/members", mem(), map[string]any{"email": "nobody@example.com"}), 422, "validation_failed")
	check(t, "the colleague accepts", e.call("POST", "/api/v1/me/invitations/"+id, colleagueTok, map[string]any{"decision": "accept"}), 200, "")
	r = e.call("GET", "/api/v1/orgs/"+id+"/members", colleagueTok, nil)
	check(t, "members", r, 200, "")
	if !has(ids(r), u.ID) || !has(ids(r), colleague.ID) || r.body["total"] != 2.0 {
		t.Fatalf("members: %s", r.raw)
	}
	check(t, "the colleague posts", e.call("POST", "/api/v1/projects", colleagueTok, map[string]any{"title": "动画师", "kind": "job"}), 201, "")

	// The decision is in the audit trail.
	r = e.call("GET", "/api/v1/audit?resource_id="+id, w.tokens[admin], nil)
	if acts := values(r, "action"); !has(acts, models.AuditOrgDecide) || !has(acts, models.AuditOrgInvite) || !has(acts, models.AuditOrgMemberJoin) {
		t.Fatalf("audit: %s", r.raw)
	}
}

func TestBases(t *testing.T) {
	w := newWorld(t)
	e := w.e
	body := map[string]any{"name": "南山数字创意人才培训基地", "kind": "training", "district": "nanshan", "industries": []string{"games"},
		"operator_org_ids": []string{w.o1.ID, w.o2.ID}, "established_on": "2024-05-01", "capacity": 200}
	r := e.call("POST", "/api/v1/bases", w.tokens[member], body)
	check(t, "register a jointly operated base", r, 201, "")
	id := r.str("id")
	if r.str("status") != "pending" || len(r.body["operator_org_ids"].([]any)) != 1 || len(r.body["pending_operator_org_ids"].([]any)) != 1 ||
		r.str("registered_by") != w.users[member].ID {
		t.Fatalf("base: %s", r.raw)
	}
	bad := map[string]any{"name": "X", "kind": "castle", "district": "nanshan", "operator_org_ids": []string{w.o1.ID, "65f0c0ffee00000000000001"}, "established_on": "2024-02-30"}
	r = e.call("POST", "/api/v1/bases", w.tokens[member], bad)
	check(t, "invalid base", r, 422, "validation_failed")
	if r.errFields()["kind"] == nil || r.errFields()["established_on"] == nil {
		t.Errorf("fields: %s", r.raw)
	}
	bad["kind"], bad["established_on"] = "innovation", "2024-02-28"
	r = e.call("POST", "/api/v1/bases", w.tokens[member], bad)
	check(t, "unknown operator", r, 422, "validation_failed")
	if r.errFields()["operator_org_ids[1]"] == nil {
		t.Errorf("fields: %s", r.raw)
	}
	// The co-operator's members see the pending base; others do not.
	check(t, "co-operator sees it", e.call("GET", "/api/v1/bases/"+id, w.tokens[member2], nil), 200, "")
	check(t, "creator does not", e.call("GET", "/api/v1/bases/"+id, w.tokens[creator], nil), 404, "not_found")
	check(t, "the co-operator confirms", e.call("POST", "/api/v1/bases/"+id+"/operators", w.tokens[member2], map[string]any{"decision": "confirm"}), 200, "")
	r = e.call("POST", "/api/v1/bases/"+id+"/verify", w.tokens[bureau], map[string]any{"decision": "verified"})
	check(t, "verify", r, 200, "")
	check(t, "now everyone sees it", e.call("GET", "/api/v1/bases/"+id, w.tokens[creator], nil), 200, "")
	r = e.call("GET", "/api/v1/bases?kind=training&org_id="+w.o2.ID+"&status=verified", w.tokens[creator], nil)
	if r.body["total"] != 1.0 || !has(ids(r), id) {
		t.Fatalf("filtered list: %s", r.raw)
	}
	check(t, "bad status filter", e.call("GET", "/api/v1/bases?status=great", w.tokens[creator], nil), 400, "bad_request")
	check(t, "unknown parameter", e.call("GET", "/api/v1/bases?colour=red", w.tokens[creator], nil), 400, "bad_request")
	check(t, "per_page over 100", e.call("GET", "/api/v1/bases?per_page=101", w.tokens[creator], nil), 400, "bad_request")
}

func TestProjects(t *testing.T) {
	w := newWorld(t)
	e := w.e
	r := e.call("POST", "/api/v1/projects", w.tokens[member], map[string]any{"title": "资深原画师", "description": "负责角色原画 concept art", "kind": "job",
		"skills": []string{"原画", "Photoshop"}, "industries": []string{"games"}, "district": "nanshan", "openings": 2, "deadline": "2099-12-31"})
	check(t, "post", r, 201, "")
	id := r.str("id")
	if r.str("org_id") != w.o1.ID || r.str("status") != "open" {
		t.Fatalf("project: %s", r.raw)
	}
	check(t, "bad kind", e.call("POST", "/api/v1/projects", w.tokens[member], map[string]any{"title": "X", "kind": "gig"}), 422, "validation_failed")
	check(t, "bad deadline", e.call("POST", "/api/v1/projects", w.tokens[member], map[string]any{"title": "X", "kind": "job", "deadline": "31/12/2099"}), 422, "validation_failed")
	check(t, "cannot set org_id", e.call("POST", "/api/v1/projects", w.tokens[member], map[string]any{"title": "X", "kind": "job", "org_id": w.o2.ID}), 400, "bad_request")

	r = e.call("PATCH", "/api/v1/projects/"+id, w.tokens[member], map[string]any{"openings": 3}, "If-Match", `"1"`)
	check(t, "edit", r, 200, "")
	if r.body["openings"] != 3.0 || r.str("title") != "资深原画师" {
		t.Fatalf("edited: %s", r.raw)
	}
	check(t, "stale edit", e.call("PATCH", "/api/v1/projects/"+id, w.tokens[member], map[string]any{"openings": 4}, "If-Match", `"1"`), 412, "precondition_failed")
	check(t, "invalid edit", e.call("PATCH", "/api/v1/projects/"+id, w.tokens[member], map[string]any{"kind": "gig"}), 422, "validation_failed")

	for q, want := range map[string]int{
		"?kind=job&org_id=" + w.o1.ID:        2,
		"?skills=原画":                         1,
		"?q=concept":                         1,
		"?q=concept%20art":                   1,
		"?q=concept%20sculpture":             1, // partial: no project has both words
		"?status=closed":                     0,
		"?district=nanshan&industries=games": 1,
	} {
		r := e.call("GET", "/api/v1/projects"+q, w.tokens[creator2], nil)
		if r.status != 200 || r.body["total"] != float64(want) {
			t.Errorf("projects%s: %d total %v, want %d", q, r.status, r.body["total"], want)
		}
	}
	check(t, "bad sort", e.call("GET", "/api/v1/projects?sort=random", w.tokens[creator], nil), 400, "bad_request")
	for q, want := range map[string]bool{"?q=concept%20art": false, "?q=concept%20sculpture": true} {
		if r := e.call("GET", "/api/v1/projects"+q, w.tokens[creator2], nil); r.body["partial"] != want {
			t.Errorf("projects%s: partial %v, want %v", q, r.body["partial"], want)
		}
	}

	// The pay: all three or none, max ≥ min, whole numbers in range;
	// anything else is refused whole.
	check(t, "pay", e.call("PATCH", "/api/v1/projects/"+id, w.tokens[member], map[string]any{"pay_min": 8000, "pay_max": 12000, "pay_unit": "month"}), 200, "")
	for name, body := range map[string]map[string]any{
		"max below min":              {"pay_min": 9000, "pay_max": 100},
		"negative":                   {"pay_min": -1},
		"unknown unit":               {"pay_unit": "week"},
		"too large":                  {"pay_max": 100000001},
		"unit removed, numbers kept": {"pay_unit": "", "pay_min": 1, "pay_max": 2},
	} {
		check(t, "hostile pay: "+name, e.call("PATCH", "/api/v1/projects/"+id, w.tokens[member], body), 422, "validation_failed")
	}
	for name, body := range map[string]map[string]any{
		"huge":     {"pay_max": 1e30},
		"fraction": {"pay_max": 1.5},
		"text":     {"pay_max": "12000"},
		"currency": {"pay_currency": "USD"},
	} {
		check(t, "malformed pay: "+name, e.call("PATCH", "/api/v1/projects/"+id, w.tokens[member], body), 400, "bad_request")
	}
	if r := e.call("GET", "/api/v1/projects/"+id, w.tokens[creator2], nil); r.body["pay_min"] != 8000.0 || r.body["pay_max"] != 12000.0 ||
		r.body["pay_unit"] != "month" || r.body["pay_currency"] != "CNY" {
		t.Errorf("pay after refused edits: %v", r.body)
	}
	check(t, "pay removed", e.call("PATCH", "/api/v1/projects/"+id, w.tokens[member], map[string]any{"pay_unit": ""}), 200, "")
	if r := e.call("GET", "/api/v1/projects/"+id, w.tokens[creator2], nil); r.body["pay_min"] != nil || r.body["pay_currency"] != nil {
		t.Errorf("pay after removal: %v", r.body)
	}
	check(t, "sort by pay", e.call("GET", "/api/v1/projects?sort=pay&pay_unit=month,day", w.tokens[creator2], nil), 200, "")
	check(t, "bad pay unit filter", e.call("GET", "/api/v1/projects?pay_unit=week", w.tokens[creator2], nil), 400, "bad_request")
	check(t, "sort by match without a profile", e.call("GET", "/api/v1/projects?sort=match", w.tokens[member], nil), 400, "bad_request")

	// Closing stops applications; a project with applications cannot be deleted.
	check(t, "apply", e.call("POST", "/api/v1/projects/"+id+"/applications", w.tokens[creator], map[string]any{}), 201, "")
	check(t, "close", e.call("PATCH", "/api/v1/projects/"+id, w.tokens[member], map[string]any{"status": "closed"}), 200, "")
	check(t, "apply to a closed project", e.call("POST", "/api/v1/projects/"+id+"/applications", w.tokens[creator2], map[string]any{}), 409, "conflict")
	check(t, "delete with applications", e.call("DELETE", "/api/v1/projects/"+id, w.tokens[member], nil), 409, "conflict")
	r = e.call("POST", "/api/v1/projects", w.tokens[member], map[string]any{"title": "expired", "kind": "training", "deadline": "2020-01-01"})
	check(t, "post expired", r, 201, "")
	check(t, "apply after the deadline", e.call("POST", "/api/v1/projects/"+r.str("id")+"/applications", w.tokens[creator], map[string]any{}), 409, "conflict")
	check(t, "delete without applications", e.call("DELETE", "/api/v1/projects/"+r.str("id"), w.tokens[member], nil), 204, "")
	check(t, "gone", e.call("GET", "/api/v1/projects/"+r.str("id"), w.tokens[member], nil), 404, "not_found")
}

func TestPipelineAndContactConsent(t *testing.T) {
	w := newWorld(t)
	e := w.e
	A, M1, M2 := w.tokens[creator], w.tokens[member], w.tokens[member2]
	pid := w.p1.ID
	// Each step goes on from where the one before left the application.
	var app string
	var r resp

	t.Run("the creator applies, once", func(t *testing.T) {
		// The organisation sees A's contact masked before any consent.
		r = e.call("GET", "/api/v1/talents/"+w.talentA, M1, nil)
		if r.str("contact", "phone") != "138****5678" {
			t.Fatalf("contact before consent: %s", r.raw)
		}

		r = e.call("POST", "/api/v1/projects/"+pid+"/applications", A, map[string]any{"message": "我想加入"})
		check(t, "apply", r, 201, "")
		app = r.str("id")
		if r.str("stage") != "applied" || r.str("initiated_by") != "creator" || r.str("talent_id") != w.talentA || r.str("project_title") != w.p1.Title {
			t.Fatalf("application: %s", r.raw)
		}
		check(t, "duplicate", e.call("POST", "/api/v1/projects/"+pid+"/applications", A, map[string]any{}), 409, "conflict")
		check(t, "invite someone who applied", e.call("POST", "/api/v1/projects/"+pid+"/applications", M1, map[string]any{"talent_id": w.talentA}), 409, "conflict")
		check(t, "creator without a profile", e.call("POST", "/api/v1/projects/"+pid+"/applications", func() string { tok, _ := w.throwaway(creator); return tok }(), map[string]any{}), 409, "conflict")
	})
	move := func(tok string, body map[string]any) resp {
		return e.call("PATCH", "/api/v1/applications/"+app, tok, body)
	}
	t.Run("the organisation moves it to hired, one stage at a time", func(t *testing.T) {
		check(t, "creator cannot shortlist", move(A, map[string]any{"stage": "shortlisted"}), 409, "conflict")
		check(t, "skip a stage", move(M1, map[string]any{"stage": "offered"}), 409, "conflict")
		check(t, "other org", move(M2, map[string]any{"stage": "shortlisted"}), 404, "not_found")
		check(t, "unknown stage", move(M1, map[string]any{"stage": "hired!"}), 422, "validation_failed")
		for _, st := range []string{"shortlisted", "interviewing", "offered", "hired"} {
			r = move(M1, map[string]any{"stage": st, "note": "进入" + st})
			check(t, "move to "+st, r, 200, "")
		}
		check(t, "move after hire", move(M1, map[string]any{"stage": "rejected"}), 409, "conflict")
		check(t, "withdraw after hire", move(A, map[string]any{"stage": "withdrawn"}), 409, "conflict")
		hist := r.body["history"].([]any)
		if len(hist) != 5 {
			t.Fatalf("history: %v", hist)
		}
		last := hist[4].(map[string]any)
		if last["from"] != "offered" || last["to"] != "hired" || last["by"] != w.users[member].ID || last["at"] == "" || last["note"] != "进入hired" {
			t.Fatalf("last move: %v", last)
		}
	})
	t.Run("contact is shown only to the organisations the creator accepted, and each reveal is audited", func(t *testing.T) {
		// Still no consent: hiring does not reveal contact.
		if r := e.call("GET", "/api/v1/talents/"+w.talentA, M1, nil); r.str("contact", "phone") != "138****5678" {
			t.Fatalf("contact revealed without consent: %s", r.raw)
		}
		// The creator accepts contact on the application.
		r = move(A, map[string]any{"accept_contact": true})
		check(t, "accept contact", r, 200, "")
		if r.body["contact_accepted"] != true || r.str("stage") != "hired" {
			t.Fatalf("after accept: %s", r.raw)
		}
		r = e.call("GET", "/api/v1/talents/"+w.talentA, M1, nil)
		if r.str("contact", "phone") != "13812345678" || r.body["contact_masked"] != false {
			t.Fatalf("contact after consent: %s", r.raw)
		}
		// Another organisation still sees it masked.
		if r := e.call("GET", "/api/v1/talents/"+w.talentA, M2, nil); r.str("contact", "phone") != "138****5678" {
			t.Fatalf("consent leaked to another org: %s", r.raw)
		}
		// The reveal is in the audit trail and in the creator's export.
		r = e.call("GET", "/api/v1/audit?action=contact.reveal&resource_id="+w.talentA, w.tokens[bureau], nil)
		if r.body["total"] != 1.0 || !has(values(r, "actor_id"), w.users[member].ID) {
			t.Fatalf("reveal log: %s", r.raw)
		}
		// A bureau officer sees contact too, and that is logged as well; the
		// owner's own reads are not reveals.
		e.call("GET", "/api/v1/talents/"+w.talentA, A, nil)
		if r := e.call("GET", "/api/v1/talents/"+w.talentA, w.tokens[bureau], nil); r.str("contact", "phone") != "13812345678" {
			t.Fatalf("bureau: %s", r.raw)
		}
		r = e.call("GET", "/api/v1/audit?action=contact.reveal&resource_id="+w.talentA, w.tokens[bureau], nil)
		if r.body["total"] != 2.0 || !has(values(r, "actor_id"), w.users[bureau].ID) {
			t.Fatalf("reveal log after the bureau's read: %s", r.raw)
		}
		// Views by the same viewer the same day add no entry: the trail
		// says who saw the contact on which day.
		for range 3 {
			e.call("GET", "/api/v1/talents/"+w.talentA, M1, nil)
		}
		r = e.call("GET", "/api/v1/talents/"+w.talentA+"/export", A, nil)
		if reveals, _ := r.body["contact_reveals"].([]any); len(reveals) != 2 {
			t.Fatalf("export reveals: %v", r.body["contact_reveals"])
		}

	})
	t.Run("an invitation is accepted, with contact shared separately, or declined", func(t *testing.T) {
		// An invitation: the org invites B; B accepts (→ shortlisted) and,
		// separately, shares contact, or declines.
		r = e.call("POST", "/api/v1/projects/"+pid+"/applications", M1, map[string]any{"talent_id": w.talentB, "message": "诚邀"})
		check(t, "invite", r, 201, "")
		inv := r.str("id")
		if r.str("stage") != "invited" || r.str("initiated_by") != "org" {
			t.Fatalf("invitation: %s", r.raw)
		}
		check(t, "org shortlists before acceptance", e.call("PATCH", "/api/v1/applications/"+inv, M1, map[string]any{"stage": "shortlisted"}), 409, "conflict")
		r = e.call("PATCH", "/api/v1/applications/"+inv, w.tokens[creator2], map[string]any{"accept_invitation": true, "accept_contact": true})
		check(t, "accept invitation and share contact", r, 200, "")
		if r.str("stage") != "shortlisted" || r.body["contact_accepted"] != true {
			t.Fatalf("accepted invitation: %s", r.raw)
		}
		p2 := w.project()
		r = e.call("POST", "/api/v1/projects/"+p2.ID+"/applications", M1, map[string]any{"talent_id": w.talentB})
		check(t, "second invitation", r, 201, "")
		r = e.call("PATCH", "/api/v1/applications/"+r.str("id"), w.tokens[creator2], map[string]any{"stage": "withdrawn", "note": "谢谢，不考虑"})
		check(t, "decline", r, 200, "")
		if r.str("stage") != "withdrawn" {
			t.Fatalf("declined: %s", r.raw)
		}
		// Inviting a profile the org cannot see is refused without leaking it.
		_, private := w.throwaway(creator)
		_, err := e.svc.Talents.Create(context.Background(), private, models.TalentInput{Name: "P", Visibility: models.VisibilityPrivate})
		w.must(err)
		check(t, "invite a private profile", e.call("POST", "/api/v1/projects/"+pid+"/applications", M1, map[string]any{"talent_id": private.ID}), 422, "validation_failed")
	})
	t.Run("each party lists its own applications", func(t *testing.T) {
		// Lists: each party sees its own.
		r = e.call("GET", "/api/v1/applications?project_id="+pid, M1, nil)
		if r.body["total"] != 2.0 {
			t.Fatalf("org's applications: %s", r.raw)
		}
		r = e.call("GET", "/api/v1/applications?stage=hired", A, nil)
		if r.body["total"] != 1.0 || !has(ids(r), app) {
			t.Fatalf("creator's hired: %s", r.raw)
		}
		if r := e.call("GET", "/api/v1/applications", M2, nil); r.body["total"] != 0.0 {
			t.Fatalf("another org sees applications: %s", r.raw)
		}
	})
}

// Concurrent moves of one application from the same state: exactly one
// wins. Without If-Match, everyone asks for the same move (the losers find
// the application already moved: 409); with If-Match on the version read,
// contradictory moves race (the losers find the version gone: 412).
func TestConcurrentMovesHaveOneWinner(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for round := range 6 {
		conditional := round%2 == 1
		a := w.application()
		var wg sync.WaitGroup
		results := make(chan error, 12)
		for i := range 12 {
			wg.Go(func() {
				stage, ifVersion := models.StageShortlisted, int64(0)
				if conditional {
					ifVersion = a.Version
					if i%2 == 1 {
						stage = models.StageRejected
					}
				}
				_, err := w.e.svc.Applications.Update(ctx, w.users[member], a.ID, models.ApplicationUpdate{Stage: stage}, ifVersion)
				results <- err
			})
		}
		wg.Wait()
		close(results)
		wins, losers := 0, 0
		for err := range results {
			switch models.ErrorCode(err) {
			case "":
				wins++
			case models.CodeConflict, models.CodePreconditionFailed:
				losers++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		got, err := w.e.store.Application(ctx, a.ID)
		w.must(err)
		if wins != 1 || losers != 11 || len(got.History) != 2 || got.Version != a.Version+1 {
			t.Fatalf("round %d (conditional %v): %d winners, history %+v, version %d", round, conditional, wins, got.History, got.Version)
		}
	}
}

func TestRecruitmentReports(t *testing.T) {
	w := newWorld(t)
	e := w.e
	M1, B := w.tokens[member], w.tokens[bureau]
	report := map[string]any{"talent_id": w.talentA, "org_id": w.o1.ID, "date": "2025-12-31", "origin": "overseas", "level": "A",
		"district": "nanshan", "industry": "games"}
	r := e.call("POST", "/api/v1/recruitments", M1, report)
	check(t, "report", r, 201, "")
	id := r.str("id")
	if r.str("status") != "reported" || r.str("talent_name") != "A" || r.str("reported_by") != w.users[member].ID {
		t.Fatalf("record: %s", r.raw)
	}
	check(t, "same talent, org and date", e.call("POST", "/api/v1/recruitments", M1, report), 409, "conflict")
	other := map[string]any{}
	for k, v := range report {
		other[k] = v
	}
	other["org_id"] = w.o2.ID
	check(t, "for another org", e.call("POST", "/api/v1/recruitments", M1, other), 403, "forbidden")
	check(t, "the other org reports the same talent that day", e.call("POST", "/api/v1/recruitments", w.tokens[member2], other), 201, "")
	bad := map[string]any{"talent_id": w.talentA, "org_id": w.o1.ID, "date": "2025-13-01", "origin": "mars", "level": "S", "district": "gotham", "industry": "mining"}
	r = e.call("POST", "/api/v1/recruitments", M1, bad)
	check(t, "invalid", r, 422, "validation_failed")
	for _, f := range []string{"date", "origin", "level", "district", "industry"} {
		if r.errFields()[f] == nil {
			t.Errorf("no message for %s: %s", f, r.raw)
		}
	}
	check(t, "unknown talent", e.call("POST", "/api/v1/recruitments", M1, map[string]any{"talent_id": "65f0c0ffee00000000000001", "org_id": w.o1.ID, "date": "2025-01-01", "origin": "domestic", "district": "nanshan", "industry": "games"}), 404, "not_found")
	check(t, "server-owned status", e.call("POST", "/api/v1/recruitments", M1, map[string]any{"talent_id": w.talentA, "org_id": w.o1.ID, "date": "2025-01-02", "origin": "domestic", "district": "nanshan", "industry": "games", "status": "verified"}), 400, "bad_request")

	// The bureau decides once; a decided record changes only by correction.
	check(t, "reject without reason", e.call("POST", "/api/v1/recruitments/"+id+"/verify", B, map[string]any{"decision": "rejected"}), 422, "validation_failed")
	r = e.call("POST", "/api/v1/recruitments/"+id+"/verify", B, map[string]any{"decision": "verified", "reason": "合同已核"})
	check(t, "verify", r, 200, "")
	if r.str("status") != "verified" || r.str("decision", "by") != w.users[bureau].ID {
		t.Fatalf("verified: %s", r.raw)
	}
	check(t, "decide again", e.call("POST", "/api/v1/recruitments/"+id+"/verify", B, map[string]any{"decision": "rejected", "reason": "x"}), 409, "conflict")
	check(t, "withdraw a verified record", e.call("DELETE", "/api/v1/recruitments/"+id, M1, nil), 409, "conflict")
	check(t, "correction without reason", e.call("POST", "/api/v1/recruitments/"+id+"/corrections", B, map[string]any{"level": "B"}), 422, "validation_failed")
	check(t, "correction that changes nothing", e.call("POST", "/api/v1/recruitments/"+id+"/corrections", B, map[string]any{"reason": "r", "level": "A"}), 422, "validation_failed")
	r = e.call("POST", "/api/v1/recruitments/"+id+"/corrections", B, map[string]any{"reason": "日期录入错误", "date": "2026-01-01", "level": ""}, "If-Match", r.header.Get("ETag"))
	check(t, "correct", r, 200, "")
	corr := r.body["corrections"].([]any)
	c := corr[0].(map[string]any)
	if r.str("date") != "2026-01-01" || r.str("level") != "" || len(corr) != 1 || c["reason"] != "日期录入错误" ||
		c["before"].(map[string]any)["date"] != "2025-12-31" || c["after"].(map[string]any)["level"] != "" || c["by"] != w.users[bureau].ID {
		t.Fatalf("corrected: %s", r.raw)
	}
	r = e.call("POST", "/api/v1/recruitments/"+id+"/corrections", B, map[string]any{"reason": "撤销", "status": "rejected"})
	check(t, "revoke by correction", r, 200, "")
	if r.str("status") != "rejected" || len(r.body["corrections"].([]any)) != 2 {
		t.Fatalf("revoked: %s", r.raw)
	}
	r = e.call("GET", "/api/v1/audit?resource_id="+id+"&per_page=100", B, nil)
	for _, a := range []string{models.AuditRecruitmentReport, models.AuditRecruitmentDecide, models.AuditRecruitmentCorrect} {
		if !has(values(r, "action"), a) {
			t.Errorf("audit lacks %s: %s", a, r.raw)
		}
	}
	if r.body["total"] != 4.0 {
		t.Errorf("audit entries: %v", r.body["total"])
	}

	// A reported record can be withdrawn by its organisation.
	r = e.call("POST", "/api/v1/recruitments", M1, map[string]any{"talent_id": w.talentB, "org_id": w.o1.ID, "date": "2025-06-01", "origin": "domestic", "district": "futian", "industry": "animation"})
	check(t, "report B", r, 201, "")
	check(t, "withdraw", e.call("DELETE", "/api/v1/recruitments/"+r.str("id"), M1, nil), 204, "")

	// Lists: the bureau sees all, an organisation its own; filters apply.
	r = e.call("GET", "/api/v1/recruitments?year=2025", B, nil)
	if r.body["total"] != 1.0 { // O2's record (O1's moved to 2026)
		t.Errorf("bureau 2025: %s", r.raw)
	}
	r = e.call("GET", "/api/v1/recruitments?year=2026&status=rejected&origin=overseas", B, nil)
	if r.body["total"] != 1.0 {
		t.Errorf("bureau 2026 rejected overseas: %s", r.raw)
	}
	r = e.call("GET", "/api/v1/recruitments", w.tokens[member2], nil)
	if r.body["total"] != 1.0 || has(ids(r), id) {
		t.Errorf("O2 sees: %s", r.raw)
	}
	check(t, "bad year", e.call("GET", "/api/v1/recruitments?year=twenty", B, nil), 400, "bad_request")
}

// A hire in the pipeline becomes a report in one step.
func TestReportFromHire(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a := w.application()
	check(t, "report an application not hired", w.e.call("POST", "/api/v1/recruitments", w.tokens[member], map[string]any{"application_id": a.ID}), 409, "conflict")
	for _, st := range []models.Stage{models.StageShortlisted, models.StageInterviewing, models.StageOffered, models.StageHired} {
		_, err := w.e.svc.Applications.Update(ctx, w.users[member], a.ID, models.ApplicationUpdate{Stage: st}, 0)
		w.must(err)
	}
	check(t, "another org reports O1's hire", w.e.call("POST", "/api/v1/recruitments", w.tokens[member2], map[string]any{"application_id": a.ID}), 422, "validation_failed")
	r := w.e.call("POST", "/api/v1/recruitments", w.tokens[member], map[string]any{"application_id": a.ID, "level": "C"})
	check(t, "report the hire", r, 201, "")
	if r.str("talent_id") != w.talentA || r.str("org_id") != w.o1.ID || r.str("project_id") != a.ProjectID || r.str("application_id") != a.ID ||
		r.str("origin") != "domestic" || r.str("district") != "nanshan" || r.str("industry") != "games" || r.str("level") != "C" || r.str("date") == "" {
		t.Fatalf("report from hire: %s", r.raw)
	}
	check(t, "twice on one day", w.e.call("POST", "/api/v1/recruitments", w.tokens[member], map[string]any{"application_id": a.ID}), 409, "conflict")
}

func TestTaxonomyIsEditableData(t *testing.T) {
	w := newWorld(t)
	e := w.e
	r := e.call("GET", "/api/v1/taxonomies", "", nil)
	check(t, "get", r, 200, "")
	tax := models.DefaultTaxonomy()
	body := func() map[string]any {
		return map[string]any{"industries": tax.Industries, "districts": tax.Districts, "business_forms": tax.BusinessForms,
			"base_kinds": tax.BaseKinds, "org_kinds": tax.OrgKinds, "org_flags": tax.OrgFlags, "project_kinds": tax.ProjectKinds,
			"origins": tax.Origins, "levels": tax.Levels}
	}
	// Removing a key is refused; retiring it works.
	removed := tax
	tax.Industries = tax.Industries[1:]
	check(t, "remove a key", e.call("PUT", "/api/v1/taxonomies", w.tokens[admin], body()), 422, "validation_failed")
	tax = removed
	tax.Industries = append([]models.Term(nil), tax.Industries...)
	tax.Industries[0].Retired = true
	tax.Industries = append(tax.Industries, models.Term{Key: "metaverse", ZH: "元宇宙", EN: "Metaverse"})
	r = e.call("PUT", "/api/v1/taxonomies", w.tokens[admin], body())
	check(t, "retire games, add metaverse", r, 200, "")
	// New input follows the new taxonomy at once (in this process).
	check(t, "a project in the new industry", e.call("POST", "/api/v1/projects", w.tokens[member], map[string]any{"title": "元宇宙策划", "kind": "job", "industries": []string{"metaverse"}}), 201, "")
	check(t, "a project in a retired industry", e.call("POST", "/api/v1/projects", w.tokens[member], map[string]any{"title": "游戏策划", "kind": "job", "industries": []string{"games"}}), 422, "validation_failed")
	// Records that use the retired key are still readable.
	check(t, "old project", e.call("GET", "/api/v1/projects/"+w.p1.ID, w.tokens[member], nil), 200, "")
	bad := body()
	bad["origins"] = []models.Term{{Key: "overseas", ZH: "海外", EN: "Overseas"}}
	check(t, "origins are fixed", e.call("PUT", "/api/v1/taxonomies", w.tokens[admin], bad), 422, "validation_failed")
	check(t, "stale If-Match", e.call("PUT", "/api/v1/taxonomies", w.tokens[admin], body(), "If-Match", `"1"`), 412, "precondition_failed")
}
