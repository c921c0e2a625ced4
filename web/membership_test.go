package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestOrganisationPageInvitesAndAnswers: the manager invites from the
// organisation page; the invitee is not a member until they accept on
// theirs; a member leaves; the manager removes a member. Both languages.
func TestOrganisationPageInvitesAndAnswers(t *testing.T) {
	w := newRealWorld(t)
	bureau, _ := w.user("审核员", models.RoleBureau)
	o, manager, managerEmail := w.org(bureau, "光子工作室", models.OrgEnterprise, models.StatusVerified, "")
	mTok := w.signIn(managerEmail)
	invitee, inviteeEmail := w.user("张三", models.RoleOrg)
	iTok := w.signIn(inviteeEmail)

	for _, lang := range []string{models.LangZH, models.LangEN} {
		page := w.page("/org", mTok, lang)
		if !strings.Contains(page, `id="invite-form"`) || !strings.Contains(section(page, "section", "members"), manager.Name) {
			t.Fatalf("the manager's page (%s) has no invitation form: %s", lang, section(page, "section", "members"))
		}
	}
	status, to, body := w.post("/org/members", mTok, url.Values{"member_email": {inviteeEmail}})
	if status != 303 || to != "/org#members" {
		t.Fatalf("invite: %d %q %.800s", status, to, body)
	}
	if u, err := w.svc.Accounts.Authenticate(w.ctx, iTok); err != nil || u.OrgID != "" {
		t.Fatalf("the invitation made them a member: %+v, %v", u, err)
	}
	if page := w.page("/org", mTok, models.LangEN); !strings.Contains(page, `id="invited-`+invitee.ID+`"`) {
		t.Errorf("the manager does not see the pending invitation")
	}
	// A refusal reads the same whatever the email is.
	_, creatorEmail := w.user("李四", models.RoleCreator)
	var refusals []string
	for _, email := range []string{"nobody@example.com", creatorEmail, managerEmail} {
		status, _, body := w.post("/org/members", mTok, url.Values{"member_email": {email}})
		if status != 422 {
			t.Fatalf("refused %s: %d", email, status)
		}
		refusals = append(refusals, section(body, "p", "e-member_email"))
	}
	if refusals[0] == "" || refusals[0] != refusals[1] || refusals[1] != refusals[2] {
		t.Errorf("the refusals differ: %q", refusals)
	}

	for _, lang := range []string{models.LangZH, models.LangEN} {
		page := w.page("/org", iTok, lang)
		if !strings.Contains(section(page, "section", "invitations"), "光子工作室") {
			t.Fatalf("the invitee's page (%s) does not show the invitation", lang)
		}
	}
	if status, to, _ := w.post("/org/invited/"+o.ID, iTok, url.Values{"decision": {"accept"}}); status != 303 || to != "/org" {
		t.Fatalf("accept: %d %q", status, to)
	}
	if u, _ := w.svc.Accounts.Authenticate(w.ctx, iTok); u.OrgID != o.ID {
		t.Fatalf("not a member after accepting")
	}
	page := w.page("/org", iTok, models.LangEN)
	if strings.Contains(page, `id="invite-form"`) || !strings.Contains(page, `action="/org/members/`+invitee.ID+`/remove"`) {
		t.Errorf("a member who is not a manager: invitation form shown or no way to leave")
	}
	if status, to, _ := w.post("/org/members/"+invitee.ID+"/remove", iTok, nil); status != 303 || to != "/org" {
		t.Fatalf("leave: %d %q", status, to)
	}
	if u, _ := w.svc.Accounts.Authenticate(w.ctx, iTok); u.OrgID != "" {
		t.Fatalf("still a member after leaving")
	}
	// Invited again, joined, removed by the manager.
	w.post("/org/members", mTok, url.Values{"member_email": {inviteeEmail}})
	w.post("/org/invited/"+o.ID, iTok, url.Values{"decision": {"accept"}})
	if status, to, _ := w.post("/org/members/"+invitee.ID+"/remove", mTok, nil); status != 303 || to != "/org#members" {
		t.Fatalf("remove: %d %q", status, to)
	}
	if u, _ := w.svc.Accounts.Authenticate(w.ctx, iTok); u.OrgID != "" {
		t.Fatalf("still a member after being removed")
	}
}
