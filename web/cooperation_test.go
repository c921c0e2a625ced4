package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestBaseCoOperatorsConfirmOnTheirPage: a base registered on the
// organisation page (after a try with errors, shown at their fields)
// names a co-operator, which is asked; the
// co-operator's manager confirms on its own page, and only then operates
// the base.
func TestBaseCoOperatorsConfirmOnTheirPage(t *testing.T) {
	w := newRealWorld(t)
	bureau, _ := w.user("审核员", models.RoleBureau)
	_, _, aEmail := w.org(bureau, "深圳创新大学", models.OrgUniversity, models.StatusVerified, "")
	b, _, bEmail := w.org(bureau, "光子工作室", models.OrgEnterprise, models.StatusVerified, "")
	aTok, bTok := w.signIn(aEmail), w.signIn(bEmail)

	page := w.page("/org", aTok, models.LangEN)
	if !strings.Contains(page, `name="co_operators" value="`+b.ID+`"`) {
		t.Fatalf("the base form does not offer the co-operator")
	}
	// A form with errors comes back open, each error at its field.
	status, _, body := w.post("/org/bases", aTok, url.Values{"base_open": {"1"}, "base_name": {""}, "base_kind": {"innovation"},
		"base_district": {"nanshan"}, "base_capacity": {"-3"}, "co_operators": {"65f0c0ffee00000000000001"}})
	if status != 422 || !strings.Contains(body, `id="base-new" open`) || section(body, "p", "e-base_name") == "" ||
		section(body, "p", "e-base_capacity") == "" {
		t.Fatalf("a base without a name and with a negative capacity: %d, errors %q %q", status,
			section(body, "p", "e-base_name"), section(body, "p", "e-base_capacity"))
	}
	status, to, body := w.post("/org/bases", aTok, url.Values{"base_name": {"联合创新基地"}, "base_kind": {"innovation"}, "base_district": {"nanshan"},
		"base_established_on": {"2024-05-01"}, "base_capacity": {"60"}, "co_operators": {b.ID}})
	if status != 303 || to != "/org#bases" {
		t.Fatalf("register: %d %q %.800s", status, to, body)
	}
	for _, lang := range []string{models.LangZH, models.LangEN} {
		if got := section(w.page("/org", aTok, lang), "section", "bases"); !strings.Contains(got, "光子工作室") {
			t.Errorf("the registering organisation's page (%s) does not say who is asked: %s", lang, got)
		}
		if got := section(w.page("/org", bTok, lang), "section", "requests"); !strings.Contains(got, "联合创新基地") || !strings.Contains(got, "深圳创新大学") {
			t.Fatalf("the co-operator's page (%s) does not show the request: %s", lang, got)
		}
	}
	bo, _ := w.login(bEmail)
	reqs, err := w.svc.Bases.OperationRequests(w.ctx, bo, b.ID)
	w.must(err)
	if len(reqs) != 1 || slices.Contains(reqs[0].OperatorOrgIDs, b.ID) || reqs[0].Capacity != 60 || reqs[0].EstablishedOn != "2024-05-01" {
		t.Fatalf("requests: %+v", reqs)
	}
	if status, to, _ := w.post("/org/bases/"+reqs[0].ID+"/operators", bTok, url.Values{"decision": {"confirm"}}); status != 303 || to != "/org#bases" {
		t.Fatalf("confirm: %d %q", status, to)
	}
	got, err := w.svc.Bases.Get(w.ctx, bo, reqs[0].ID)
	w.must(err)
	if !slices.Contains(got.OperatorOrgIDs, b.ID) || len(got.PendingOperatorIDs) != 0 {
		t.Fatalf("after confirming: %+v", got)
	}
	if strings.Contains(w.page("/org", bTok, models.LangEN), `id="requests"`) {
		t.Errorf("the answered request is still shown")
	}
}
