package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

// signIn returns a session token of the account with email.
func (w *realWorld) signIn(email string) string {
	w.t.Helper()
	auth, err := w.svc.Accounts.Login(w.ctx, models.LoginInput{Email: email, Password: testPassword}, models.ClientInfo{Addr: "10.0.0.2"})
	w.must(err)
	return auth.Token
}

// post sends a form as the page would, with the CSRF token, and returns
// the status and where it redirects.
func (w *realWorld) post(path, token string, form url.Values) (int, string, string) {
	w.t.Helper()
	const csrf = "a-csrf-token-that-is-long-enough-000000"
	if form == nil {
		form = url.Values{}
	}
	form.Set(csrfField, csrf)
	res, body := do(w.t, w.app, call{method: "POST", path: path, form: form, cookies: map[string]string{sessionCookie: token, csrfCookie: csrf}})
	return res.StatusCode, res.Header.Get("Location"), body
}

// consentWorld: a verified organisation with a project, and a creator with
// a profile and contact details.
func consentWorld(t *testing.T) (w *realWorld, member *models.User, project *models.Project, creator *models.User, creatorTok string) {
	w = newRealWorld(t)
	bureau, _ := w.user("审核员", models.RoleBureau)
	_, member, _ = w.org(bureau, "光子工作室", models.OrgEnterprise, models.StatusVerified, "")
	project, err := w.svc.Projects.Create(w.ctx, member, models.ProjectInput{Title: "原画师", Kind: models.ProjectJob, Industries: []string{"games"}})
	w.must(err)
	creator, email := w.user("林小画", models.RoleCreator)
	_, err = w.svc.Talents.Create(w.ctx, creator, models.TalentInput{Name: "林小画", Visibility: models.VisibilityOrgs,
		Contact: models.ContactInput{Phone: "13812345678"}})
	w.must(err)
	return w, member, project, creator, w.signIn(email)
}

// TestPrivacyPageWithdrawsConsent: the privacy page lists the
// organisations that see the contact details, each with a withdrawal that
// takes effect at once.
func TestPrivacyPageWithdrawsConsent(t *testing.T) {
	w, member, project, creator, tok := consentWorld(t)
	_, err := w.svc.Applications.Create(w.ctx, creator, project.ID, models.ApplicationInput{AcceptContact: true})
	w.must(err)
	if got, _ := w.svc.Talents.Get(w.ctx, member, creator.ID); got.ContactMasked {
		t.Fatal("the consent did not reveal the contact: the test proves nothing")
	}
	for _, lang := range []string{models.LangZH, models.LangEN} {
		page := w.page("/me/privacy", tok, lang)
		shared := section(page, "section", "shared")
		if !strings.Contains(shared, "光子工作室") || !strings.Contains(shared, "原画师") || !strings.Contains(page, `action="/me/consents/`+member.OrgID+`/withdraw"`) {
			t.Fatalf("the privacy page (%s) does not offer the withdrawal: %s", lang, shared)
		}
	}
	status, to, body := w.post("/me/consents/"+member.OrgID+"/withdraw", tok, nil)
	if status != 303 || to != "/me/privacy#shared" {
		t.Fatalf("withdraw: %d %q %.500s", status, to, body)
	}
	if got, _ := w.svc.Talents.Get(w.ctx, member, creator.ID); !got.ContactMasked {
		t.Errorf("the organisation still sees the contact after the withdrawal")
	}
	page := w.page("/me/privacy", tok, models.LangEN)
	if strings.Contains(section(page, "section", "shared"), "光子工作室") || strings.Contains(page, "/withdraw\"") {
		t.Errorf("the withdrawn consent is still listed: %s", section(page, "section", "shared"))
	}
	// A second click (another tab) is not an error.
	if status, to, _ := w.post("/me/consents/"+member.OrgID+"/withdraw", tok, nil); status != 303 || to != "/me/privacy#shared" {
		t.Errorf("withdraw again: %d %q", status, to)
	}
}

// TestInvitationOffersTwoSeparateChoices: an invitation shows accepting it
// and sharing contact details as two separate choices; accepting shares
// nothing.
func TestInvitationOffersTwoSeparateChoices(t *testing.T) {
	w, member, project, creator, tok := consentWorld(t)
	inv, err := w.svc.Applications.Create(w.ctx, member, project.ID, models.ApplicationInput{TalentID: creator.ID, Message: "诚邀"})
	w.must(err)
	page := w.page("/me/applications", tok, models.LangZH)
	for _, want := range []string{`name="action" value="accept_invitation"`, `name="action" value="share_contact"`} {
		if strings.Count(page, want) != 1 {
			t.Errorf("the invitation lacks the choice %s", want)
		}
	}
	status, to, body := w.post("/me/applications/"+inv.ID, tok, url.Values{"action": {"accept_invitation"}})
	if status != 303 || to != "/me/applications" {
		t.Fatalf("accept: %d %q %.500s", status, to, body)
	}
	a, err := w.svc.Applications.Get(w.ctx, creator, inv.ID)
	w.must(err)
	if a.Stage != models.StageShortlisted || a.ContactAccepted {
		t.Fatalf("after accepting: stage %s, contact accepted %v", a.Stage, a.ContactAccepted)
	}
	if got, _ := w.svc.Talents.Get(w.ctx, member, creator.ID); !got.ContactMasked {
		t.Errorf("accepting the invitation revealed the contact")
	}
	if status, _, _ := w.post("/me/applications/"+inv.ID, tok, url.Values{"action": {"share_contact"}}); status != 303 {
		t.Fatalf("share: %d", status)
	}
	if got, _ := w.svc.Talents.Get(w.ctx, member, creator.ID); got.ContactMasked {
		t.Errorf("sharing did not reveal the contact")
	}
}

// TestDeleteAccountAsksForTheConfirmationAgain: without the typed
// confirmation the account stays, and the privacy page says why (it was a
// template error, a 500, found by TestFormMatrix).
func TestDeleteAccountAsksForTheConfirmationAgain(t *testing.T) {
	w, _, _, _, tok := consentWorld(t)
	for lang, confirm := range map[string]string{models.LangZH: "", models.LangEN: "delete"} {
		const csrf = "a-csrf-token-that-is-long-enough-000000"
		form := url.Values{"confirm": {confirm}, csrfField: {csrf}}
		res, body := do(t, w.app, call{method: "POST", path: "/me/delete", form: form, cookies: map[string]string{sessionCookie: tok, csrfCookie: csrf, langCookie: lang}})
		if res.StatusCode != 422 || !strings.Contains(body, locale(t, lang)["privacy.confirm_wrong"]) {
			t.Errorf("%s: %d\n%.500s", lang, res.StatusCode, text(body))
		}
		if _, err := w.svc.Accounts.Authenticate(w.ctx, tok); err != nil {
			t.Fatalf("%s: the account is gone: %v", lang, err)
		}
	}
}
