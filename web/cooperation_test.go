package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestBaseCoOperatorsConfirmOnTheirPage: a base registered on the
// organisation page names a co-operator, which is asked; the
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
	status, to, body := w.post("/org/bases", aTok, url.Values{"base_name": {"联合创新基地"}, "base_kind": {"innovation"}, "base_district": {"nanshan"},
		"co_operators": {b.ID}})
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
	if len(reqs) != 1 || slices.Contains(reqs[0].OperatorOrgIDs, b.ID) {
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
