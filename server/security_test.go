package server_test

import (
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

// Tests of the holes a security review found (issue 12), through the API.

// ids returns the ids of a list answer's items (items[].id, or
// items[].talent.id for search hits).
func ids(r resp) []string {
	var out []string
	items, _ := r.body["items"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		if t, ok := m["talent"].(map[string]any); ok {
			m = t
		}
		if id, ok := m["id"].(string); ok {
			out = append(out, id)
		}
	}
	return out
}

func has(list []string, id string) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}

// TestOrgsOnlyProfilesNeedAVerifiedOrganisation: a profile for
// "organisations only" is seen, searched and listed as similar by members
// of verified organisations, the bureau and admins; not by an
// organisation account without an organisation, nor by a member of one
// that is pending or rejected. Public profiles stay visible to them.
func TestOrgsOnlyProfilesNeedAVerifiedOrganisation(t *testing.T) {
	w := newWorld(t)
	e := w.e
	A, B := w.talentA, w.talentB // orgs-only, public
	_, err := e.svc.Talents.Update(w.ctx(), w.users[creator], A, models.TalentUpdate{Headline: ptr("原画师 orgsonly")}, 0)
	w.must(err)
	_, err = e.svc.Talents.Update(w.ctx(), w.users[creator2], B, models.TalentUpdate{Headline: ptr("原画师 orgsonly")}, 0)
	w.must(err)

	loneTok, _ := w.throwaway(member)
	pendingTok, pendingUser := w.throwaway(member)
	pending := w.verifiedOrg(pendingUser, models.StatusPending)
	rejectedTok, rejectedUser := w.throwaway(member)
	w.verifiedOrg(rejectedUser, models.StatusRejected)

	for _, c := range []struct {
		who   string
		token string
		sees  bool
	}{
		{"an organisation account without organisation", loneTok, false},
		{"a member of a pending organisation", pendingTok, false},
		{"a member of a rejected organisation", rejectedTok, false},
		{"a member of a verified organisation", w.tokens[member], true},
		{"the bureau", w.tokens[bureau], true},
		{"an admin", w.tokens[admin], true},
	} {
		want := 404
		if c.sees {
			want = 200
		}
		check(t, c.who+" reads the orgs-only profile", e.call("GET", "/api/v1/talents/"+A, c.token, nil), want, map[bool]string{true: "", false: "not_found"}[c.sees])
		check(t, c.who+" reads the public profile", e.call("GET", "/api/v1/talents/"+B, c.token, nil), 200, "")
		r := e.call("GET", "/api/v1/talents?q=orgsonly", c.token, nil)
		check(t, c.who+" searches", r, 200, "")
		if got := ids(r); has(got, A) != c.sees || !has(got, B) || int(r.body["total"].(float64)) != len(got) {
			t.Errorf("%s searches: %v (total %v), orgs-only seen should be %v", c.who, got, r.body["total"], c.sees)
		}
		r = e.call("GET", "/api/v1/talents/"+B+"/similar", c.token, nil)
		check(t, c.who+" lists similar profiles", r, 200, "")
		if has(ids(r), A) && !c.sees {
			t.Errorf("%s finds the orgs-only profile among similar ones: %s", c.who, r.raw)
		}
	}

	// Once the organisation is verified, its member sees the profile at
	// once.
	check(t, "verify", e.call("POST", "/api/v1/orgs/"+pending.ID+"/verify", w.tokens[bureau], map[string]any{"decision": "verified"}), 200, "")
	check(t, "a member of a just verified organisation", e.call("GET", "/api/v1/talents/"+A, pendingTok, nil), 200, "")
	if r := e.call("GET", "/api/v1/talents?q=orgsonly", pendingTok, nil); !has(ids(r), A) {
		t.Errorf("the member of a just verified organisation does not find the profile: %s", r.raw)
	}
	if strings.Contains(e.call("GET", "/api/v1/me", pendingTok, nil).raw, "verified") {
		t.Errorf("/me grew a field")
	}
}

// TestHireReportOnlyForProfilesTheOrganisationSees: a hire reported with
// the talent_id of a profile the organisation may not see is answered as
// an id that does not exist (404), with the same message, and nothing is
// recorded or copied.
func TestHireReportOnlyForProfilesTheOrganisationSees(t *testing.T) {
	w := newWorld(t)
	e := w.e
	_, hidden := w.throwaway(creator)
	_, err := e.svc.Talents.Create(w.ctx(), hidden, models.TalentInput{Name: "隐身的人", Visibility: models.VisibilityPrivate, Level: models.LevelA,
		Origin: models.OriginOverseas, District: "nanshan", Industries: []string{"games"}})
	w.must(err)
	body := func(talentID string) map[string]any {
		b := w.reportBody()
		b.TalentID = talentID
		return map[string]any{"talent_id": b.TalentID, "org_id": b.OrgID, "date": b.Date, "origin": b.Origin, "district": b.District, "industry": b.Industry}
	}
	private := e.call("POST", "/api/v1/recruitments", w.tokens[member], body(hidden.ID))
	check(t, "a private profile", private, 404, "not_found")
	made := e.call("POST", "/api/v1/recruitments", w.tokens[member], body("65f0c0ffee00000000000001"))
	check(t, "an id of nothing", made, 404, "not_found")
	if private.str("error", "message") != made.str("error", "message") || strings.Contains(private.raw, "隐身") {
		t.Errorf("the answers tell a hidden profile from no profile: %s / %s", private.raw, made.raw)
	}
	// An organisation member whose organisation is pending could not
	// report anyway; a verified one reports a profile it sees.
	check(t, "an orgs-only profile", e.call("POST", "/api/v1/recruitments", w.tokens[member], body(w.talentA)), 201, "")
	r := e.call("GET", "/api/v1/recruitments?per_page=100", w.tokens[bureau], nil)
	if strings.Contains(r.raw, hidden.ID) || strings.Contains(r.raw, "隐身") || len(ids(r)) != 1 {
		t.Errorf("a refused report left a record: %s", r.raw)
	}
}
