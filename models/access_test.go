package models

import (
	"slices"
	"testing"
)

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+85291234567", "+852****4567"},
		{"+8613812345678", "+861******5678"},
		{"1234567", "*****67"},
		{"12", "**"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ming@example.com", "m***@example.com"},
		{"m@example.com", "m***@example.com"},
		{"李明@例子.中国", "李***@例子.中国"},
		{"@example.com", "***"},
		{"no-at-sign", "***"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskEmail(tt.in); got != tt.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTalentForViewer(t *testing.T) {
	owner := &User{ID: "000000000000000000000001", Role: RoleCreator}
	other := &User{ID: "000000000000000000000002", Role: RoleCreator}
	org := &User{ID: "000000000000000000000003", Role: RoleOrg, OrgID: "000000000000000000000009", OrgVerified: true}
	pendingOrg := &User{ID: "000000000000000000000006", Role: RoleOrg, OrgID: "000000000000000000000008"}
	noOrg := &User{ID: "000000000000000000000007", Role: RoleOrg}
	bureau := &User{ID: "000000000000000000000004", Role: RoleBureau}
	admin := &User{ID: "000000000000000000000005", Role: RoleAdmin}
	contact := Contact{Email: "ming@example.com", Phone: "13812345678"}
	masked := Contact{Email: "m***@example.com", Phone: "138****5678"}

	tests := []struct {
		name       string
		visibility Visibility
		viewer     *User
		accepted   bool
		wantSeen   bool
		wantMasked bool
	}{
		{"public, anonymous", VisibilityPublic, nil, false, true, true},
		{"public, another creator", VisibilityPublic, other, false, true, true},
		{"public, owner", VisibilityPublic, owner, false, true, false},
		{"public, org not accepted", VisibilityPublic, org, false, true, true},
		{"public, org accepted", VisibilityPublic, org, true, true, false},
		{"public, bureau", VisibilityPublic, bureau, false, true, false},
		{"public, admin", VisibilityPublic, admin, false, true, true},
		{"orgs, anonymous", VisibilityOrgs, nil, false, false, false},
		{"orgs, another creator", VisibilityOrgs, other, false, false, false},
		{"orgs, another creator accepted flag ignored", VisibilityOrgs, other, true, false, false},
		{"orgs, org", VisibilityOrgs, org, false, true, true},
		{"orgs, member of an organisation not verified", VisibilityOrgs, pendingOrg, false, false, false},
		{"orgs, organisation account without organisation", VisibilityOrgs, noOrg, false, false, false},
		{"orgs, verified flag without organisation", VisibilityOrgs, &User{ID: "000000000000000000000010", Role: RoleOrg, OrgVerified: true}, false, false, false},
		{"public, member of an organisation not verified", VisibilityPublic, pendingOrg, false, true, true},
		{"orgs, bureau", VisibilityOrgs, bureau, false, true, false},
		{"orgs, owner", VisibilityOrgs, owner, false, true, false},
		{"private, org accepted", VisibilityPrivate, org, true, false, false},
		{"private, bureau", VisibilityPrivate, bureau, false, false, false},
		{"private, admin", VisibilityPrivate, admin, false, true, true},
		{"private, owner", VisibilityPrivate, owner, false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tal := &Talent{ID: owner.ID, OwnerID: owner.ID, Visibility: tt.visibility, Contact: contact}
			got, ok := tal.ForViewer(tt.viewer, tt.accepted)
			if ok != tt.wantSeen {
				t.Fatalf("seen = %v, want %v", ok, tt.wantSeen)
			}
			if !ok {
				return
			}
			want := contact
			if tt.wantMasked {
				want = masked
			}
			if got.Contact != want || got.ContactMasked != tt.wantMasked {
				t.Errorf("contact = %+v masked=%v, want %+v masked=%v", got.Contact, got.ContactMasked, want, tt.wantMasked)
			}
			if tal.Contact != contact {
				t.Errorf("ForViewer modified the original: %+v", tal.Contact)
			}
		})
	}
}

func TestValidID(t *testing.T) {
	for id, want := range map[string]bool{
		"65f0c0ffee00000000000001": true,
		"65F0C0FFEE00000000000001": false,
		"65f0c0ffee0000000000001":  false,
		"65f0c0ffee000000000000zz": false,
		"../../etc/passwd":         false,
		"":                         false,
	} {
		if got := ValidID(id); got != want {
			t.Errorf("ValidID(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestPermitDecidesWhatARoleMayDoAtAll: the actions on no particular
// object, by role, with the reason of a refusal.
func TestPermitDecidesWhatARoleMayDoAtAll(t *testing.T) {
	creator := &User{ID: "c", Role: RoleCreator}
	member := &User{ID: "m", Role: RoleOrg, OrgID: "o"}
	orgless := &User{ID: "n", Role: RoleOrg}
	bureau := &User{ID: "b", Role: RoleBureau}
	admin := &User{ID: "a", Role: RoleAdmin}
	expert := &User{ID: "r", Role: RoleReviewer}
	for act, allowed := range map[Action][]*User{
		ActCreateProfile:   {creator},
		ActOwnApply:        {creator},
		ActRegisterOrg:     {member, orgless},
		ActJoinOrg:         {member, orgless},
		ActActForOrg:       {member},
		ActSearchTalents:   {member, orgless, bureau, admin},
		ActSeeActors:       {bureau, admin},
		ActCreateStaff:     {admin},
		ActSearchTeams:     {creator, member, orgless, bureau, admin},
		ActFoundTeam:       {creator},
		ActOpenCall:        {member},
		ActPublish:         {bureau},
		ActImportDirectory: {bureau},
		ActListAll:         {bureau, admin},
	} {
		for _, u := range []*User{creator, member, orgless, bureau, admin, expert} {
			err := Permit(u, act)
			if want := slices.Contains(allowed, u); (err == nil) != want {
				t.Errorf("%s by %s (org %q): %v", act, u.Role, u.OrgID, err)
			} else if err != nil && (!IsCode(err, CodeForbidden) || ErrorMessage(err) == "") {
				t.Errorf("%s by %s: refused with %v", act, u.Role, err)
			}
		}
		if !IsCode(Permit(nil, act), CodeUnauthenticated) {
			t.Errorf("%s anonymous: %v", act, Permit(nil, act))
		}
	}
	if !IsCode(Permit(admin, Action("frobnicate")), CodeForbidden) {
		t.Error("an action without a rule is allowed")
	}
}

// An outside expert's account sees the calls that invited it, and no other
// call exists for it; everyone else signed in sees every call.
func TestCallsAnOutsideReviewerSees(t *testing.T) {
	call := (&Call{OrgID: "o", Reviewers: []string{"r"}}).Resource()
	for _, c := range []struct {
		u    *User
		want Code
	}{
		{&User{ID: "r", Role: RoleReviewer}, ""},
		{&User{ID: "x", Role: RoleReviewer}, CodeNotFound},
		{&User{ID: "c", Role: RoleCreator}, ""},
		{&User{ID: "m", Role: RoleOrg, OrgID: "p"}, ""},
		{nil, CodeUnauthenticated},
	} {
		err := Authorize(c.u, ActRead, call)
		if c.want == "" && err != nil || c.want != "" && !IsCode(err, c.want) {
			t.Errorf("%+v reads the call: %v, want %q", c.u, err, c.want)
		}
	}
}

// The bureau corrects an organisation or a base it decides on, in any
// state, and nobody else does (its managers change it before it is
// verified: the service's rule); a cohort's funding and revenue are read
// by the call's incubator and the staff, not by another organisation or a
// creator (a team sees its own, by the service's rule).
func TestCorrectionsAndOutcomesAreDecidedHere(t *testing.T) {
	member := &User{ID: "m", Role: RoleOrg, OrgID: "o"}
	other := &User{ID: "x", Role: RoleOrg, OrgID: "p"}
	creator := &User{ID: "c", Role: RoleCreator}
	bureau := &User{ID: "b", Role: RoleBureau}
	admin := &User{ID: "a", Role: RoleAdmin}
	org := (&Org{ID: "o", Status: StatusVerified, MemberIDs: []string{"m"}, ManagerIDs: []string{"m"}}).Resource()
	base := (&Base{ID: "b1", Status: StatusVerified, OperatorOrgIDs: []string{"o"}, RegisteredBy: "o"}).Resource()
	call := (&Call{OrgID: "o"}).Resource()
	for _, c := range []struct {
		act     Action
		r       Resource
		allowed []*User
	}{
		{ActCorrect, org, []*User{bureau}},
		{ActCorrect, base, []*User{bureau}},
		{ActReadOutcomes, call, []*User{member, bureau, admin}},
	} {
		for _, u := range []*User{member, other, creator, bureau, admin} {
			err := Authorize(u, c.act, c.r)
			if want := slices.Contains(c.allowed, u); (err == nil) != want {
				t.Errorf("%s on %s by %s of %q: %v", c.act, c.r.Kind, u.Role, u.OrgID, err)
			}
		}
	}
}

// TestOnlyTheTwoSidesUseAThread: an application's messages are its
// creator's and its organisation's members', not the staff's nor another
// organisation's, who are not told the application exists.
func TestOnlyTheTwoSidesUseAThread(t *testing.T) {
	app := (&Application{TalentID: "c", OrgID: "o"}).Resource()
	for who, want := range map[*User]Code{
		{ID: "c", Role: RoleCreator}:         "",
		{ID: "m", Role: RoleOrg, OrgID: "o"}: "",
		{ID: "x", Role: RoleOrg, OrgID: "p"}: CodeNotFound,
		{ID: "y", Role: RoleOrg}:             CodeNotFound,
		{ID: "d", Role: RoleCreator}:         CodeNotFound,
		{ID: "b", Role: RoleBureau}:          CodeNotFound,
		{ID: "a", Role: RoleAdmin}:           CodeNotFound,
		{ID: "r", Role: RoleReviewer}:        CodeNotFound,
	} {
		if got := ErrorCode(Authorize(who, ActMessage, app)); got != want {
			t.Errorf("%s %s: %q, want %q", who.Role, who.ID, got, want)
		}
	}
	if got := ErrorCode(Authorize(nil, ActMessage, app)); got != CodeUnauthenticated {
		t.Errorf("anonymous: %q", got)
	}
}
