package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/service"
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

// values are the items' string values of key.
func values(r resp, key string) []string {
	var out []string
	items, _ := r.body["items"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		if v, ok := m[key].(string); ok {
			out = append(out, v)
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
	// The organisation's verification stays out of /me (the address's is
	// email_verified).
	for k := range e.call("GET", "/api/v1/me", pendingTok, nil).body {
		if strings.Contains(k, "verified") && k != "email_verified" {
			t.Errorf("/me grew a field: %s", k)
		}
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

// oldPseudonym is the unkeyed pseudonym of before issue 12: anyone who
// knew an erased talent's id could compute it and find the records.
func oldPseudonym(id string) string {
	sum := sha256.Sum256([]byte("talenthub erased talent " + id))
	return "erased-" + hex.EncodeToString(sum[:12])
}

// allAudit reads the whole audit trail as an admin.
func allAudit(t *testing.T, w *world) string {
	t.Helper()
	var b strings.Builder
	for page := 1; ; page++ {
		r := w.e.call("GET", fmt.Sprintf("/api/v1/audit?per_page=100&page=%d", page), w.tokens[admin], nil)
		if r.status != 200 {
			t.Fatalf("audit: %s", r.raw)
		}
		b.WriteString(r.raw)
		if page*100 >= int(r.body["total"].(float64)) {
			return b.String()
		}
	}
}

// TestErasureLeavesNoTrail: after a creator erases their data, no audit
// entry holds their id (contact consents, reveals and their withdrawal
// included), none links the id to the pseudonym, and the pseudonym is
// keyed with the database's secret: knowing the id does not find the
// records. The pseudonym is stable, also across a restart and an
// erasure resumed after a crash.
func TestErasureLeavesNoTrail(t *testing.T) {
	w := newWorld(t)
	e := w.e
	tok, u := w.throwaway(creator)
	_, err := e.svc.Talents.Create(w.ctx(), u, models.TalentInput{Name: "王五", Visibility: models.VisibilityOrgs, Level: models.LevelA,
		Origin: models.OriginOverseas, District: "nanshan", Industries: []string{"games"}, Contact: models.ContactInput{Phone: "13912345678"}})
	w.must(err)
	p := w.project()
	app := e.call("POST", "/api/v1/projects/"+p.ID+"/applications", tok, map[string]any{"message": "hi", "accept_contact": true})
	check(t, "apply and share", app, 201, "")
	check(t, "the organisation reads the contact", e.call("GET", "/api/v1/talents/"+u.ID, w.tokens[member], nil), 200, "")
	body := w.reportBody()
	body.TalentID = u.ID
	r1 := e.call("POST", "/api/v1/recruitments", w.tokens[member], body)
	check(t, "report", r1, 201, "")
	body = w.reportBody()
	body.TalentID = u.ID
	r2 := e.call("POST", "/api/v1/recruitments", w.tokens[member], body)
	check(t, "report again", r2, 201, "")
	if !strings.Contains(allAudit(t, w), u.ID) {
		t.Fatal("the audit trail does not name the creator before the erasure: the test proves nothing")
	}

	check(t, "erase", e.call("DELETE", "/api/v1/talents/"+u.ID, tok, nil), 204, "")
	rec1 := e.call("GET", "/api/v1/recruitments/"+r1.str("id"), w.tokens[bureau], nil)
	rec2 := e.call("GET", "/api/v1/recruitments/"+r2.str("id"), w.tokens[bureau], nil)
	pseudonym := rec1.str("talent_id")
	if !models.IsPseudonym(pseudonym) || rec2.str("talent_id") != pseudonym {
		t.Fatalf("pseudonyms: %q, %q", pseudonym, rec2.str("talent_id"))
	}
	if pseudonym == oldPseudonym(u.ID) {
		t.Errorf("the pseudonym is the unkeyed hash of the id")
	}
	trail := allAudit(t, w)
	if strings.Contains(trail, u.ID) {
		t.Errorf("the audit trail still holds the erased creator's id")
	}
	if strings.Contains(trail, "王五") || strings.Contains(trail, "13912345678") {
		t.Errorf("the audit trail still holds the erased creator's data")
	}
	if !strings.Contains(trail, models.AuditTalentErase) {
		t.Errorf("the erasure is not audited")
	}

	// A restart (services anew over the same database) and an erasure
	// interrupted by a crash: a record still naming the talent is
	// finished under the same pseudonym.
	late := &models.Recruitment{OrgID: w.o1.ID, TalentID: u.ID, TalentName: "王五", Date: "2024-12-31", Origin: models.OriginOverseas,
		Level: models.LevelA, District: "nanshan", Industry: "games", Status: models.StatusReported, ReportedBy: w.users[member].ID}
	w.must(e.store.CreateRecruitment(w.ctx(), late))
	w.must(e.store.BeginErasure(w.ctx(), models.Erasure{TalentID: u.ID, By: u.ID, At: time.Now()}))
	again := service.New(service.Config{Store: e.store})
	if n, err := again.Talents.ResumeErasures(w.ctx()); err != nil || n != 1 {
		t.Fatalf("ResumeErasures = %d, %v", n, err)
	}
	got, err := e.store.Recruitment(w.ctx(), late.ID)
	w.must(err)
	if got.TalentID != pseudonym || got.TalentName != "" || !got.Erased {
		t.Errorf("the resumed erasure: %+v, want pseudonym %s", got, pseudonym)
	}
	if strings.Contains(allAudit(t, w), u.ID) {
		t.Errorf("the resumed erasure left the id in the audit trail")
	}
}

// TestUnkeyedPseudonymsAreRekeyedOnce: records erased before pseudonyms
// were keyed get, at the next start, a keyed pseudonym of their old one,
// the same for every record of one talent; once done, it is not done
// again.
func TestUnkeyedPseudonymsAreRekeyedOnce(t *testing.T) {
	w := newWorld(t)
	e := w.e
	old := oldPseudonym("65f0c0ffee0000000000abcd")
	var recs []*models.Recruitment
	for _, date := range []string{"2024-02-01", "2024-05-01"} {
		r := &models.Recruitment{OrgID: w.o1.ID, TalentID: old, Date: date, Origin: models.OriginDomestic, Level: models.LevelB,
			District: "nanshan", Industry: "games", Status: models.StatusVerified, Erased: true, ReportedBy: w.users[member].ID}
		w.must(e.store.CreateRecruitment(w.ctx(), r))
		recs = append(recs, r)
	}
	start := func() {
		svc := service.New(service.Config{Store: e.store})
		if _, err := svc.Talents.ResumeErasures(w.ctx()); err != nil {
			t.Fatal(err)
		}
	}
	start()
	var keyed string
	for i, r := range recs {
		got, err := e.store.Recruitment(w.ctx(), r.ID)
		w.must(err)
		if !models.IsPseudonym(got.TalentID) || models.IsUnkeyedPseudonym(got.TalentID) || i > 0 && got.TalentID != keyed {
			t.Fatalf("record %d after the re-keying: %q", i, got.TalentID)
		}
		keyed = got.TalentID
	}
	start()
	got, err := e.store.Recruitment(w.ctx(), recs[0].ID)
	w.must(err)
	if got.TalentID != keyed {
		t.Errorf("a second start re-keyed again: %q, was %q", got.TalentID, keyed)
	}
}

// TestConsentCanBeWithdrawn: a creator lists the organisations they let
// see their contact details and withdraws a consent: from the next read
// the organisation sees the contact masked, the applications say so, the
// withdrawal is audited; the creator may share again later.
func TestConsentCanBeWithdrawn(t *testing.T) {
	w := newWorld(t)
	e := w.e
	A, M1 := w.tokens[creator], w.tokens[member]
	app := e.call("POST", "/api/v1/projects/"+w.p1.ID+"/applications", A, map[string]any{"message": "hi", "accept_contact": true})
	check(t, "apply and share", app, 201, "")
	if r := e.call("GET", "/api/v1/talents/"+w.talentA, M1, nil); r.str("contact", "phone") != "13812345678" {
		t.Fatalf("contact after consent: %s", r.raw)
	}
	r := e.call("GET", "/api/v1/consents", A, nil)
	check(t, "list consents", r, 200, "")
	items, _ := r.body["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["org_id"] != w.o1.ID || items[0].(map[string]any)["org_name"] != w.o1.Name || r.body["total"] != 1.0 {
		t.Fatalf("consents: %s", r.raw)
	}
	check(t, "another creator withdraws", e.call("DELETE", "/api/v1/consents/"+w.o1.ID, w.tokens[creator2], nil), 404, "not_found")
	check(t, "the organisation withdraws", e.call("DELETE", "/api/v1/consents/"+w.o1.ID, M1, nil), 403, "forbidden")
	check(t, "a malformed id", e.call("DELETE", "/api/v1/consents/nope", A, nil), 400, "bad_request")

	check(t, "withdraw", e.call("DELETE", "/api/v1/consents/"+w.o1.ID, A, nil), 204, "")
	r = e.call("GET", "/api/v1/talents/"+w.talentA, M1, nil)
	if r.str("contact", "phone") != "138****5678" || r.body["contact_masked"] != true {
		t.Fatalf("contact after withdrawal: %s", r.raw)
	}
	if r := e.call("GET", "/api/v1/consents", A, nil); r.body["total"] != 0.0 {
		t.Fatalf("consents after withdrawal: %s", r.raw)
	}
	r = e.call("GET", "/api/v1/applications/"+app.str("id"), A, nil)
	hist, _ := r.body["history"].([]any)
	if r.body["contact_accepted"] != false || len(hist) == 0 || hist[len(hist)-1].(map[string]any)["action"] != "withdraw_contact" {
		t.Fatalf("application after withdrawal: %s", r.raw)
	}
	r = e.call("GET", "/api/v1/audit?action=contact.withdraw", w.tokens[bureau], nil)
	if r.body["total"] != 1.0 || !strings.Contains(r.raw, w.o1.ID) {
		t.Fatalf("withdrawal audit: %s", r.raw)
	}
	check(t, "withdraw twice", e.call("DELETE", "/api/v1/consents/"+w.o1.ID, A, nil), 404, "not_found")

	// Shared again on the application: visible again.
	check(t, "share again", e.call("PATCH", "/api/v1/applications/"+app.str("id"), A, map[string]any{"accept_contact": true}), 200, "")
	if r := e.call("GET", "/api/v1/talents/"+w.talentA, M1, nil); r.str("contact", "phone") != "13812345678" {
		t.Fatalf("contact after sharing again: %s", r.raw)
	}
}

// TestAcceptingAnInvitationDoesNotShareContact: accepting an invitation
// and sharing contact details are separate consents: accepting moves the
// application on and shares nothing; sharing does not accept.
func TestAcceptingAnInvitationDoesNotShareContact(t *testing.T) {
	w := newWorld(t)
	e := w.e
	A, M1 := w.tokens[creator], w.tokens[member]
	inv := e.call("POST", "/api/v1/projects/"+w.p1.ID+"/applications", M1, map[string]any{"talent_id": w.talentA, "message": "诚邀"})
	check(t, "invite", inv, 201, "")
	r := e.call("PATCH", "/api/v1/applications/"+inv.str("id"), A, map[string]any{"accept_invitation": true})
	check(t, "accept the invitation", r, 200, "")
	if r.str("stage") != "shortlisted" || r.body["contact_accepted"] != false {
		t.Fatalf("accepted invitation: %s", r.raw)
	}
	if r := e.call("GET", "/api/v1/talents/"+w.talentA, M1, nil); r.str("contact", "phone") != "138****5678" {
		t.Fatalf("accepting an invitation shared the contact: %s", r.raw)
	}
	if r := e.call("GET", "/api/v1/consents", A, nil); r.body["total"] != 0.0 {
		t.Fatalf("accepting an invitation recorded a consent: %s", r.raw)
	}
	check(t, "accept it again", e.call("PATCH", "/api/v1/applications/"+inv.str("id"), A, map[string]any{"accept_invitation": true}), 409, "conflict")
	check(t, "the organisation accepts", e.call("PATCH", "/api/v1/applications/"+inv.str("id"), M1, map[string]any{"accept_invitation": true}), 403, "forbidden")

	// Sharing on a pending invitation shares, and does not accept it.
	p2 := w.project()
	inv2 := e.call("POST", "/api/v1/projects/"+p2.ID+"/applications", M1, map[string]any{"talent_id": w.talentA})
	check(t, "invite again", inv2, 201, "")
	r = e.call("PATCH", "/api/v1/applications/"+inv2.str("id"), A, map[string]any{"accept_contact": true})
	check(t, "share only", r, 200, "")
	if r.str("stage") != "invited" || r.body["contact_accepted"] != true {
		t.Fatalf("shared on an invitation: %s", r.raw)
	}
}

// TestMembershipIsAnInvitation: an organisation invites; the invitee
// accepts or declines. Only managers of verified organisations invite,
// every refusal is one answer, members leave, managers remove members
// and promote them.
func TestMembershipIsAnInvitation(t *testing.T) {
	w := newWorld(t)
	e := w.e
	M, O1 := w.tokens[member], w.o1.ID
	invite := func(tok, org, email string) resp {
		return e.call("POST", "/api/v1/orgs/"+org+"/members", tok, map[string]any{"email": email})
	}
	me := func(tok string) resp { return e.call("GET", "/api/v1/me", tok, nil) }

	uTok, u := w.throwaway(member)
	r := invite(M, O1, strings.ToUpper(u.Email))
	check(t, "invite", r, 201, "")
	if r.str("org_id") != O1 || r.str("user_id") != u.ID || r.str("email") != u.Email {
		t.Fatalf("invitation: %s", r.raw)
	}
	if me(uTok).str("org_id") != "" {
		t.Fatalf("an invitation made the invitee a member without their consent")
	}
	check(t, "invite again", invite(M, O1, u.Email), 201, "")

	// One answer for every refusal: nobody learns which emails are whose.
	_, pendingMember := w.throwaway(member)
	pending := w.verifiedOrg(pendingMember, models.StatusPending)
	var first resp
	for i, email := range []string{"nobody@example.com", w.users[creator].Email, w.users[bureau].Email, w.users[admin].Email,
		w.users[member2].Email, w.users[member].Email, pendingMember.Email} {
		r := invite(M, O1, email)
		check(t, "refused "+email, r, 422, "validation_failed")
		if i == 0 {
			first = r
			continue
		}
		if r.str("error", "message") != first.str("error", "message") || fmt.Sprint(r.errFields()) != fmt.Sprint(first.errFields()) {
			t.Errorf("the refusal of %s differs from that of an unknown email: %s / %s", email, r.raw, first.raw)
		}
	}
	_, v := w.throwaway(member)
	pendingTok := func() string {
		tok, _ := e.svc.Accounts.Login(w.ctx(), models.LoginInput{Email: pendingMember.Email, Password: "correct horse battery"}, models.ClientInfo{})
		return tok.Token
	}()
	check(t, "a pending organisation invites", invite(pendingTok, pending.ID, v.Email), 403, "forbidden")

	// The invitee sees the invitation; the organisation's members too.
	r = e.call("GET", "/api/v1/me/invitations", uTok, nil)
	check(t, "my invitations", r, 200, "")
	if r.body["total"] != 1.0 || !has(values(r, "org_name"), w.o1.Name) {
		t.Fatalf("my invitations: %s", r.raw)
	}
	r = e.call("GET", "/api/v1/orgs/"+O1+"/invitations", M, nil)
	check(t, "the organisation's invitations", r, 200, "")
	if r.body["total"] != 1.0 || !has(values(r, "email"), u.Email) {
		t.Fatalf("the organisation's invitations: %s", r.raw)
	}

	// Declined, then invited again and accepted.
	check(t, "decline", e.call("POST", "/api/v1/me/invitations/"+O1, uTok, map[string]any{"decision": "decline"}), 204, "")
	if me(uTok).str("org_id") != "" || e.call("GET", "/api/v1/me/invitations", uTok, nil).body["total"] != 0.0 {
		t.Fatalf("after declining")
	}
	check(t, "accept a declined invitation", e.call("POST", "/api/v1/me/invitations/"+O1, uTok, map[string]any{"decision": "accept"}), 404, "not_found")
	check(t, "invite after the decline", invite(M, O1, u.Email), 201, "")
	r = e.call("POST", "/api/v1/me/invitations/"+O1, uTok, map[string]any{"decision": "accept"})
	check(t, "accept", r, 200, "")
	if r.str("org_id") != O1 || me(uTok).str("org_id") != O1 {
		t.Fatalf("after accepting: %s", r.raw)
	}
	r = e.call("GET", "/api/v1/orgs/"+O1+"/members", M, nil)
	if !has(ids(r), u.ID) || r.body["total"] != 2.0 {
		t.Fatalf("members: %s", r.raw)
	}
	if e.call("GET", "/api/v1/orgs/"+O1+"/invitations", M, nil).body["total"] != 0.0 {
		t.Errorf("the accepted invitation is still pending")
	}

	// A member who is not a manager neither invites nor removes.
	check(t, "a member invites", invite(uTok, O1, v.Email), 403, "forbidden")
	check(t, "a member removes", e.call("DELETE", "/api/v1/orgs/"+O1+"/members/"+w.users[member].ID, uTok, nil), 403, "forbidden")
	check(t, "a member promotes themselves", e.call("PATCH", "/api/v1/orgs/"+O1+"/members/"+u.ID, uTok, map[string]any{"manager": true}), 403, "forbidden")
	// The manager promotes them; they invite; they leave.
	r = e.call("PATCH", "/api/v1/orgs/"+O1+"/members/"+u.ID, M, map[string]any{"manager": true})
	check(t, "promote", r, 200, "")
	if r.body["manager"] != true {
		t.Fatalf("promoted: %s", r.raw)
	}
	vTok := func() string {
		tok, _ := e.svc.Accounts.Login(w.ctx(), models.LoginInput{Email: v.Email, Password: "correct horse battery"}, models.ClientInfo{})
		return tok.Token
	}()
	check(t, "a promoted manager invites", invite(uTok, O1, v.Email), 201, "")
	check(t, "leave", e.call("DELETE", "/api/v1/orgs/"+O1+"/members/"+u.ID, uTok, nil), 204, "")
	if me(uTok).str("org_id") != "" {
		t.Fatalf("still a member after leaving")
	}
	check(t, "register one's own organisation after leaving", e.call("POST", "/api/v1/orgs", uTok, map[string]any{"name": "自己的工作室", "kind": "enterprise", "district": "futian"}), 201, "")

	// The manager removes a member; cancels an invitation.
	check(t, "accept", e.call("POST", "/api/v1/me/invitations/"+O1, vTok, map[string]any{"decision": "accept"}), 200, "")
	check(t, "remove", e.call("DELETE", "/api/v1/orgs/"+O1+"/members/"+v.ID, M, nil), 204, "")
	if me(vTok).str("org_id") != "" {
		t.Fatalf("still a member after being removed")
	}
	check(t, "remove someone who is not a member", e.call("DELETE", "/api/v1/orgs/"+O1+"/members/"+v.ID, M, nil), 404, "not_found")
	_, x := w.throwaway(member)
	check(t, "invite x", invite(M, O1, x.Email), 201, "")
	check(t, "cancel", e.call("DELETE", "/api/v1/orgs/"+O1+"/invitations/"+x.ID, M, nil), 204, "")
	if r := e.call("GET", "/api/v1/orgs/"+O1+"/invitations", M, nil); r.body["total"] != 0.0 {
		t.Errorf("a cancelled invitation is pending: %s", r.raw)
	}

	// The last manager does not leave others without one; the creator
	// stays a manager.
	check(t, "invite v again", invite(M, O1, v.Email), 201, "")
	check(t, "v accepts", e.call("POST", "/api/v1/me/invitations/"+O1, vTok, map[string]any{"decision": "accept"}), 200, "")
	check(t, "the last manager leaves", e.call("DELETE", "/api/v1/orgs/"+O1+"/members/"+w.users[member].ID, M, nil), 409, "conflict")
	check(t, "demote the creator", e.call("PATCH", "/api/v1/orgs/"+O1+"/members/"+w.users[member].ID, M, map[string]any{"manager": false}), 409, "conflict")

	// Every step is in the audit trail.
	r = e.call("GET", "/api/v1/audit?resource_id="+O1+"&per_page=100", w.tokens[admin], nil)
	for _, a := range []string{models.AuditOrgInvite, models.AuditOrgInviteDecline, models.AuditOrgMemberJoin, models.AuditOrgMemberLeave,
		models.AuditOrgMemberRemove, models.AuditOrgInviteCancel, models.AuditOrgManager} {
		if !has(values(r, "action"), a) {
			t.Errorf("the audit trail lacks %s", a)
		}
	}
}

// TestInvitationsAreLimited: an organisation sends at most 50 invitations
// (refused ones included) a day, so that it cannot probe many emails.
func TestInvitationsAreLimited(t *testing.T) {
	w := newWorld(t)
	for i := range 50 {
		check(t, "refused", w.e.call("POST", "/api/v1/orgs/"+w.o1.ID+"/members", w.tokens[member], map[string]any{"email": fmt.Sprintf("n%d@example.com", i)}), 422, "validation_failed")
	}
	check(t, "the 51st", w.e.call("POST", "/api/v1/orgs/"+w.o1.ID+"/members", w.tokens[member], map[string]any{"email": "n51@example.com"}), 429, "rate_limited")
	check(t, "another organisation", w.e.call("POST", "/api/v1/orgs/"+w.o2.ID+"/members", w.tokens[member2], map[string]any{"email": "n51@example.com"}), 422, "validation_failed")
}

// targetActual is a target's count this year, as the bureau reads it.
func targetActual(t *testing.T, w *world, metric string) float64 {
	t.Helper()
	r := w.e.call("GET", fmt.Sprintf("/api/v1/targets?year=%d", time.Now().In(models.ChinaTime).Year()), w.tokens[bureau], nil)
	items, _ := r.body["items"].([]any)
	if items == nil {
		items, _ = r.body["targets"].([]any)
	}
	for _, it := range items {
		m := it.(map[string]any)
		if m["metric"] == metric {
			return m["actual"].(float64)
		}
	}
	t.Fatalf("no target %s: %.300s", metric, r.raw)
	return 0
}

// TestCoOperatorsConfirm: a base names co-operators; each confirms or
// declines, and until it confirms it is not an operator (the targets
// count a base's confirmed operators only). Naming an organisation the
// registering member may not see (pending, rejected) answers as a
// made-up id does.
func TestCoOperatorsConfirm(t *testing.T) {
	w := newWorld(t)
	e := w.e
	incTok, incUser := w.throwaway(member)
	inc, err := e.svc.Orgs.Create(w.ctx(), incUser, models.OrgInput{Name: "星河孵化器", Kind: models.OrgIncubator, District: "nanshan"})
	w.must(err)
	_, err = e.svc.Orgs.Decide(w.ctx(), w.users[bureau], inc.ID, models.DecisionInput{Decision: models.StatusVerified})
	w.must(err)
	_, pendingUser := w.throwaway(member)
	pending := w.verifiedOrg(pendingUser, models.StatusPending)

	base := func(name string, ops ...string) resp {
		return e.call("POST", "/api/v1/bases", incTok, map[string]any{"name": name, "kind": "innovation", "district": "nanshan", "operator_org_ids": ops})
	}
	toPending := base("挂名基地", inc.ID, pending.ID)
	toNothing := base("虚构基地", inc.ID, "65f0c0ffee00000000000001")
	check(t, "a pending co-operator", toPending, 422, "validation_failed")
	check(t, "a made-up co-operator", toNothing, 422, "validation_failed")
	if toPending.str("error", "message") != toNothing.str("error", "message") || fmt.Sprint(toPending.errFields()) != fmt.Sprint(toNothing.errFields()) {
		t.Errorf("the answers tell a pending organisation from none: %s / %s", toPending.raw, toNothing.raw)
	}

	before := targetActual(t, w, "innovation_bases")
	r := base("产学研创新基地", inc.ID, w.o2.ID)
	check(t, "name a verified co-operator", r, 201, "")
	id := r.str("id")
	if fmt.Sprint(r.body["operator_org_ids"]) != fmt.Sprint([]any{inc.ID}) || fmt.Sprint(r.body["pending_operator_org_ids"]) != fmt.Sprint([]any{w.o2.ID}) {
		t.Fatalf("the co-operator is an operator before confirming: %s", r.raw)
	}
	check(t, "verify", e.call("POST", "/api/v1/bases/"+id+"/verify", w.tokens[bureau], map[string]any{"decision": "verified"}), 200, "")
	if got := targetActual(t, w, "innovation_bases"); got != before {
		t.Fatalf("an incubator's base counts through an enterprise that has not confirmed: %v, was %v", got, before)
	}
	r = e.call("GET", "/api/v1/orgs/"+w.o2.ID+"/base-requests", w.tokens[member2], nil)
	check(t, "the co-operator's requests", r, 200, "")
	if r.body["total"] != 1.0 || !has(ids(r), id) {
		t.Fatalf("requests: %s", r.raw)
	}
	check(t, "another organisation confirms", e.call("POST", "/api/v1/bases/"+id+"/operators", w.tokens[member], map[string]any{"decision": "confirm"}), 409, "conflict")
	r = e.call("POST", "/api/v1/bases/"+id+"/operators", w.tokens[member2], map[string]any{"decision": "confirm"})
	check(t, "confirm", r, 200, "")
	if fmt.Sprint(r.body["operator_org_ids"]) != fmt.Sprint([]any{inc.ID, w.o2.ID}) || len(r.body["pending_operator_org_ids"].([]any)) != 0 {
		t.Fatalf("confirmed: %s", r.raw)
	}
	if got := targetActual(t, w, "innovation_bases"); got != before+1 {
		t.Errorf("the confirmed base does not count: %v, was %v", got, before)
	}
	check(t, "confirm twice", e.call("POST", "/api/v1/bases/"+id+"/operators", w.tokens[member2], map[string]any{"decision": "confirm"}), 409, "conflict")

	r = base("另一个基地", inc.ID, w.o2.ID)
	check(t, "name again", r, 201, "")
	r = e.call("POST", "/api/v1/bases/"+r.str("id")+"/operators", w.tokens[member2], map[string]any{"decision": "decline"})
	check(t, "decline", r, 200, "")
	if fmt.Sprint(r.body["operator_org_ids"]) != fmt.Sprint([]any{inc.ID}) || len(r.body["pending_operator_org_ids"].([]any)) != 0 {
		t.Fatalf("declined: %s", r.raw)
	}
	if r := e.call("GET", "/api/v1/orgs/"+w.o2.ID+"/base-requests", w.tokens[member2], nil); r.body["total"] != 0.0 {
		t.Errorf("answered requests remain: %s", r.raw)
	}
	r = e.call("GET", "/api/v1/audit?resource_type=base&per_page=100", w.tokens[admin], nil)
	if acts := values(r, "action"); !has(acts, "base.operator_confirm") || !has(acts, "base.operator_decline") {
		t.Errorf("the answers are not audited: %.300s", r.raw)
	}
}

// TestCoOperatorsChangeAfterRegistration: the API of a registered base's
// co-operators, as an attacker tries it. Asking a pending organisation and
// a made-up id read the same; asking twice, or the registering
// organisation, is 409 with its refusal; only the registering
// organisation's members ask; a co-operator's member who does not manage
// it cannot take it off; the registering organisation stays; an
// organisation the base does not name is 404; malformed requests are 4xx.
// Nothing refused changes the base.
func TestCoOperatorsChangeAfterRegistration(t *testing.T) {
	w := newWorld(t)
	e := w.e
	_, pendingUser := w.throwaway(member)
	pending := w.verifiedOrg(pendingUser, models.StatusPending)
	b := w.base(models.StatusVerified) // O1's
	path := "/api/v1/bases/" + b.ID + "/co-operators"
	version := func() float64 {
		return e.call("GET", "/api/v1/bases/"+b.ID, w.tokens[member], nil).body["version"].(float64)
	}
	v0 := version()

	toPending := e.call("POST", path, w.tokens[member], map[string]any{"org_id": pending.ID})
	toNothing := e.call("POST", path, w.tokens[member], map[string]any{"org_id": "65f0c0ffee00000000000001"})
	check(t, "ask a pending organisation", toPending, 422, "validation_failed")
	check(t, "ask a made-up one", toNothing, 422, "validation_failed")
	if toPending.str("error", "message") != toNothing.str("error", "message") {
		t.Errorf("the answers tell a pending organisation from none: %s / %s", toPending.raw, toNothing.raw)
	}
	check(t, "ask the registering organisation", e.call("POST", path, w.tokens[member], map[string]any{"org_id": w.o1.ID}), 409, "conflict")
	check(t, "a malformed id", e.call("POST", path, w.tokens[member], map[string]any{"org_id": "O2"}), 422, "validation_failed")
	check(t, "an unknown field", e.call("POST", path, w.tokens[member], map[string]any{"org_id": w.o2.ID, "confirmed": true}), 400, "bad_request")
	check(t, "another organisation asks", e.call("POST", path, w.tokens[member2], map[string]any{"org_id": w.o2.ID}), 403, "forbidden")
	if v := version(); v != v0 {
		t.Fatalf("refused requests changed the base: version %v, was %v", v, v0)
	}

	r := e.call("POST", path, w.tokens[member], map[string]any{"org_id": w.o2.ID})
	check(t, "ask O2", r, 200, "")
	if fmt.Sprint(r.body["pending_operator_org_ids"]) != fmt.Sprint([]any{w.o2.ID}) {
		t.Fatalf("asked: %s", r.raw)
	}
	r = e.call("POST", path, w.tokens[member], map[string]any{"org_id": w.o2.ID})
	check(t, "ask O2 twice", r, 409, "conflict")
	if !strings.Contains(r.str("error", "message"), "asked already") {
		t.Errorf("asking twice does not say why: %s", r.raw)
	}
	check(t, "O2 confirms", e.call("POST", "/api/v1/bases/"+b.ID+"/operators", w.tokens[member2], map[string]any{"decision": "confirm"}), 200, "")

	// O2's base, which O1 co-operates: a member of O1 who does not manage
	// it cannot take O1 off.
	b2, err := e.svc.Bases.Create(w.ctx(), w.users[member2], models.BaseInput{Name: "O2 基地", Kind: models.BaseTraining, District: "futian",
		OperatorOrgIDs: []string{w.o2.ID, w.o1.ID}})
	w.must(err)
	_, err = e.svc.Bases.AnswerOperation(w.ctx(), w.users[member], b2.ID, models.OperationAnswer{Decision: "confirm"})
	w.must(err)
	tok, _ := w.joined()
	check(t, "a co-operator's member who does not manage it", e.call("DELETE", "/api/v1/bases/"+b2.ID+"/co-operators/"+w.o1.ID, tok, nil), 403, "forbidden")
	check(t, "nor asks for a base it co-operates", e.call("POST", "/api/v1/bases/"+b2.ID+"/co-operators", w.tokens[member], map[string]any{"org_id": pending.ID}), 403, "forbidden")
	r = e.call("DELETE", path+"/"+w.o1.ID, w.tokens[member], nil)
	check(t, "take off the registering organisation", r, 409, "conflict")
	if !strings.Contains(r.str("error", "message"), "stays its operator") {
		t.Errorf("the refusal does not say why: %s", r.raw)
	}
	check(t, "an organisation the base does not name", e.call("DELETE", path+"/"+pending.ID, w.tokens[member], nil), 404, "not_found")
	check(t, "a malformed organisation id", e.call("DELETE", path+"/nope", w.tokens[member], nil), 400, "bad_request")
	check(t, "the bureau takes O2 off", e.call("DELETE", path+"/"+w.o2.ID, w.tokens[bureau], nil), 403, "forbidden")
	got := e.call("GET", "/api/v1/bases/"+b.ID, w.tokens[member], nil)
	if fmt.Sprint(got.body["operator_org_ids"]) != fmt.Sprint([]any{w.o1.ID, w.o2.ID}) {
		t.Fatalf("refusals changed the operators: %s", got.raw)
	}
	check(t, "O2's manager takes it off", e.call("DELETE", path+"/"+w.o2.ID, w.tokens[member2], nil), 204, "")
	got = e.call("GET", "/api/v1/bases/"+b.ID, w.tokens[member], nil)
	if fmt.Sprint(got.body["operator_org_ids"]) != fmt.Sprint([]any{w.o1.ID}) {
		t.Fatalf("after O2 left: %s", got.raw)
	}
	r = e.call("GET", "/api/v1/audit?resource_id="+b.ID+"&per_page=100", w.tokens[admin], nil)
	if acts := values(r, "action"); !has(acts, "base.operator_ask") || !has(acts, "base.operator_remove") {
		t.Errorf("the changes are not audited: %.300s", r.raw)
	}
}

// TestMembersFollowTheirAccounts: an account belongs to one organisation,
// and the member lists say the same. A member of a rejected organisation
// who registered a new one, or accepted an invitation elsewhere, stayed on
// the rejected one's list (TestOracle found it: GET /orgs/{id}/members
// named someone who belonged elsewhere).
func TestMembersFollowTheirAccounts(t *testing.T) {
	w := newWorld(t)
	e := w.e
	members := func(org string) []string {
		o, err := e.store.Org(w.ctx(), org)
		w.must(err)
		return o.MemberIDs
	}
	// Registers anew after a rejection.
	_, u := w.throwaway(member)
	rejected := w.verifiedOrg(u, models.StatusRejected)
	again, err := e.svc.Orgs.Create(w.ctx(), u, models.OrgInput{Name: "重新登记", Kind: models.OrgEnterprise, District: "nanshan"})
	w.must(err)
	if slices.Contains(members(rejected.ID), u.ID) || !slices.Contains(members(again.ID), u.ID) {
		t.Fatalf("after registering anew: the rejected organisation lists %v, the new one %v", members(rejected.ID), members(again.ID))
	}
	// Joins another by invitation after a rejection.
	vTok, v := w.throwaway(member)
	rejected2 := w.verifiedOrg(v, models.StatusRejected)
	check(t, "invite", e.call("POST", "/api/v1/orgs/"+w.o1.ID+"/members", w.tokens[member], map[string]any{"email": v.Email}), 201, "")
	check(t, "accept", e.call("POST", "/api/v1/me/invitations/"+w.o1.ID, vTok, map[string]any{"decision": "accept"}), 200, "")
	if slices.Contains(members(rejected2.ID), v.ID) || !slices.Contains(members(w.o1.ID), v.ID) {
		t.Fatalf("after joining by invitation: the rejected organisation lists %v, the new one %v", members(rejected2.ID), members(w.o1.ID))
	}
	r := e.call("GET", "/api/v1/orgs/"+rejected2.ID+"/members", w.tokens[bureau], nil)
	check(t, "members of the rejected one", r, 200, "")
	if r.body["total"].(float64) != 0 {
		t.Fatalf("the rejected organisation's members: %s", r.raw)
	}
}
