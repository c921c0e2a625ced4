package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestOrganisationDetailsForm: the manager of a rejected organisation
// corrects its details on its page (the form starts from the details as
// they are) and sends it back to the bureau; a bad name is shown at its
// field and changes nothing; a base it registered is changed the same way
// before the bureau decides; a verified organisation's page says the
// bureau corrects it, with no form; the bureau's audit trail names the
// change with its labels. Both languages.
func TestOrganisationDetailsForm(t *testing.T) {
	w := newRealWorld(t)
	bureau, bureauEmail := w.user("审核员", models.RoleBureau)
	o, _, email := w.org(bureau, "光子工作室", models.OrgEnterprise, models.StatusRejected, "名称与执照不符")
	tok := w.signIn(email)

	for _, lang := range []string{models.LangZH, models.LangEN} {
		page := w.page("/org", tok, lang)
		form := section(page, "form", "org-edit-form")
		if form == "" || !strings.Contains(page, `name="name" type="text" value="光子工作室"`) || !strings.Contains(page, `value="games" checked`) {
			t.Fatalf("%s: the rejected organisation's page has no details form starting from its details: %.3000s", lang, form)
		}
	}
	status, _, body := w.post("/org/details", tok, url.Values{"name": {"  "}, "kind": {models.OrgEnterprise}, "district": {"nanshan"}})
	if status != 422 || section(body, "p", "e-name") == "" || !strings.Contains(body, `id="org-edit" open`) {
		t.Fatalf("an empty name: %d, error %q", status, section(body, "p", "e-name"))
	}
	if got, _ := w.svc.Orgs.Get(w.ctx, bureau, o.ID); got.Name != "光子工作室" || got.Status != models.StatusRejected {
		t.Fatalf("the refused form changed the organisation: %+v", got)
	}
	status, to, _ := w.post("/org/details", tok, url.Values{"name": {"深圳光子数字工作室"}, "kind": {models.OrgEnterprise},
		"district": {"futian"}, "industries": {"games", "animation"}})
	if status != 303 || to != "/org" {
		t.Fatalf("the correction: %d %q", status, to)
	}
	got, _ := w.svc.Orgs.Get(w.ctx, bureau, o.ID)
	if got.Name != "深圳光子数字工作室" || got.District != "futian" || got.Status != models.StatusPending || len(got.Industries) != 2 {
		t.Fatalf("after the correction: %+v", got)
	}
	if page := w.page("/org", tok, models.LangZH); section(page, "span", "org-status") != "待审核" || !strings.Contains(page, "深圳光子数字工作室") {
		t.Errorf("the page after the correction: status %q", section(page, "span", "org-status"))
	}

	// Verified: the bureau's to correct; the page says so and has no form.
	_, err := w.svc.Orgs.Decide(w.ctx, bureau, o.ID, models.DecisionInput{Decision: models.StatusVerified})
	w.must(err)
	for _, lang := range []string{models.LangZH, models.LangEN} {
		page := w.page("/org", tok, lang)
		if strings.Contains(page, `id="org-edit-form"`) || section(page, "p", "org-edit-verified") == "" {
			t.Errorf("%s: a verified organisation's page offers the form or lacks the bureau's note", lang)
		}
	}

	// A base it registered, pending: its own form, from the base as it is.
	u, _ := w.login(email)
	b, err := w.svc.Bases.Create(w.ctx, u, models.BaseInput{Name: "光子实训基地", Kind: models.BaseTraining, District: "nanshan",
		OperatorOrgIDs: []string{o.ID}, Capacity: 40})
	w.must(err)
	pre := "b" + b.ID + "_"
	page := w.page("/org", tok, models.LangZH)
	if section(page, "details", "base-edit-"+b.ID) == "" || !strings.Contains(page, `name="`+pre+`capacity" type="number" value="40"`) {
		t.Fatalf("no form for the pending base: %.2000s", section(page, "section", "bases"))
	}
	status, _, body = w.post("/org/bases/"+b.ID+"/details", tok, url.Values{pre + "name": {""}, pre + "kind": {models.BaseTraining},
		pre + "district": {"nanshan"}, pre + "capacity": {"40"}})
	if status != 422 || section(body, "p", "e-"+pre+"name") == "" || !strings.Contains(body, `id="base-edit-`+b.ID+`" open`) {
		t.Fatalf("an empty base name: %d, error %q", status, section(body, "p", "e-"+pre+"name"))
	}
	status, to, _ = w.post("/org/bases/"+b.ID+"/details", tok, url.Values{pre + "name": {"光子数字实训基地"}, pre + "kind": {models.BaseTraining},
		pre + "district": {"nanshan"}, pre + "capacity": {"80"}, pre + "established_on": {"2023-09-01"}})
	if status != 303 || to != "/org#bases" {
		t.Fatalf("the base's change: %d %q", status, to)
	}
	if got, _ := w.svc.Bases.Get(w.ctx, bureau, b.ID); got.Name != "光子数字实训基地" || got.Capacity != 80 || got.EstablishedOn != "2023-09-01" {
		t.Fatalf("the base after its change: %+v", got)
	}

	bTok := w.signIn(bureauEmail)
	for lang, want := range map[string][]string{
		models.LangZH: {"修改了机构信息", "名称", "光子工作室", "深圳光子数字工作室", "福田区", "游戏、动漫"},
		models.LangEN: {"Organisation details changed", "Name", "Futian"},
	} {
		trail := text(w.page("/bureau/audit?action="+models.AuditOrgUpdate, bTok, lang))
		for _, s := range want {
			if !strings.Contains(trail, s) {
				t.Errorf("%s: the audit trail lacks %q: %.1500s", lang, s, trail)
			}
		}
	}
}
