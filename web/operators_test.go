package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/notify"
)

// TestCoOperatorsAfterRegistration: an incubator's verified innovation
// base, which the targets do not count (an incubator alone runs it), asks
// an enterprise to co-operate from its page; the enterprise's managers are
// told, confirm, and the base counts; the enterprise leaves, and it stops
// counting; a request is withdrawn. Asking twice, asking an organisation
// that is not verified, taking off the registering organisation, and
// another organisation's member asking are refused, each changing nothing.
// The audit trail names each step in both languages.
func TestCoOperatorsAfterRegistration(t *testing.T) {
	w := newRealWorld(t)
	bureau, bureauEmail := w.user("审核员", models.RoleBureau)
	inc, incUser, incEmail := w.org(bureau, "星河孵化器", models.OrgIncubator, models.StatusVerified, "")
	ent, _, entEmail := w.org(bureau, "光子科技", models.OrgEnterprise, models.StatusVerified, "")
	_, _, otherEmail := w.org(bureau, "远山动画", models.OrgEnterprise, models.StatusVerified, "")
	applicant, _ := w.user("新机构联系人", models.RoleOrg)
	pending, err := w.svc.Orgs.Create(w.ctx, applicant, models.OrgInput{Name: "待审机构", Kind: models.OrgEnterprise, District: "futian"})
	w.must(err)
	b, err := w.svc.Bases.Create(w.ctx, incUser, models.BaseInput{Name: "星河创新基地", Kind: models.BaseInnovation, District: "nanshan",
		OperatorOrgIDs: []string{inc.ID}})
	w.must(err)
	_, err = w.svc.Bases.Decide(w.ctx, bureau, b.ID, models.DecisionInput{Decision: models.StatusVerified})
	w.must(err)
	counted := func() float64 {
		t.Helper()
		ts, err := w.svc.Stats.Progress(w.ctx, 2024)
		w.must(err)
		for _, s := range ts {
			if s.Metric == "innovation_bases" {
				return s.Actual
			}
		}
		t.Fatal("no innovation_bases target")
		return 0
	}
	before := counted()
	tok, pre := w.signIn(incEmail), baseFormPrefix(b.ID)
	ask := func(tok, orgID string) (int, string) {
		status, _, body := w.post("/org/bases/"+b.ID+"/co-operators", tok, url.Values{pre + "org_id": {orgID}})
		return status, body
	}
	operators := func() string {
		got, err := w.svc.Bases.Get(w.ctx, bureau, b.ID)
		w.must(err)
		return strings.Join(got.OperatorOrgIDs, ",") + "|" + strings.Join(got.PendingOperatorIDs, ",")
	}

	for _, lang := range []string{models.LangZH, models.LangEN} {
		page := w.page("/org", tok, lang)
		if section(page, "details", "base-ops-"+b.ID) == "" || !strings.Contains(page, `<option value="`+ent.ID+`"`) ||
			strings.Contains(page, `<option value="`+pending.ID+`"`) {
			t.Fatalf("%s: no operators' form offering the verified organisations only: %.3000s", lang, section(page, "section", "bases"))
		}
	}
	if status, _ := ask(w.signIn(otherEmail), ent.ID); status != 403 {
		t.Errorf("another organisation's member asks for the base: %d", status)
	}
	if status, body := ask(tok, pending.ID); status != 422 || section(body, "p", "e-"+pre+"org_id") == "" || !strings.Contains(body, `id="base-ops-`+b.ID+`" class="base-ops" open`) {
		t.Errorf("asking a pending organisation: %d, error %q", status, section(body, "p", "e-"+pre+"org_id"))
	}
	if got := operators(); got != inc.ID+"|" {
		t.Fatalf("refused requests changed the operators: %s", got)
	}
	if status, _ := ask(tok, ent.ID); status != 303 {
		t.Fatalf("asking the enterprise: %d", status)
	}
	if status, body := ask(tok, ent.ID); status != 409 || !strings.Contains(text(body), "已是此基地的运营方，或已受邀") {
		t.Errorf("asking twice: %d %.300s", status, section(body, "div", ""))
	}
	if got := operators(); got != inc.ID+"|"+ent.ID {
		t.Fatalf("after the request: %s", got)
	}
	if got := counted(); got != before {
		t.Errorf("the base counts before the enterprise confirms: %v, was %v", got, before)
	}

	// The enterprise's managers are told, and confirm on their page.
	if _, err := notify.New(w.st, w.st, notify.Options{Now: w.clock.now}).CatchUp(w.ctx); err != nil {
		t.Fatal(err)
	}
	etok := w.signIn(entEmail)
	for lang, want := range map[string]string{models.LangZH: "「星河孵化器」请贵机构合作运营基地「星河创新基地」", models.LangEN: "“星河孵化器” asks you to co-operate the base “星河创新基地”"} {
		if page := w.page("/notifications", etok, lang); !strings.Contains(page, want) {
			t.Errorf("%s: the enterprise is not told: %.2000s", lang, section(page, "main", "main"))
		}
	}
	if status, _, _ := w.post("/org/bases/"+b.ID+"/operators", etok, url.Values{"decision": {"confirm"}}); status != 303 {
		t.Fatalf("the enterprise confirms: %d", status)
	}
	if got := counted(); got != before+1 {
		t.Errorf("the base with a confirmed enterprise counts %v, want %v", got, before+1)
	}

	// The registering organisation stays; the enterprise leaves.
	if status, _, _ := w.post("/org/bases/"+b.ID+"/co-operators/"+inc.ID+"/remove", tok, nil); status != 409 {
		t.Errorf("taking off the registering organisation: %d", status)
	}
	if page := w.page("/org", etok, models.LangZH); section(page, "form", "leave-"+b.ID) == "" {
		t.Fatalf("the co-operator's manager has no way to leave: %.2000s", section(page, "section", "bases"))
	}
	if status, to, _ := w.post("/org/bases/"+b.ID+"/co-operators/"+ent.ID+"/remove", etok, nil); status != 303 || to != "/org#bases" {
		t.Fatalf("the enterprise leaves: %d %q", status, to)
	}
	if got := counted(); got != before {
		t.Errorf("after the enterprise left the base counts %v, want %v", got, before)
	}
	if got := operators(); got != inc.ID+"|" {
		t.Fatalf("after leaving: %s", got)
	}
	if status, _, _ := w.post("/org/bases/"+b.ID+"/co-operators/"+ent.ID+"/remove", etok, nil); status != 404 {
		t.Errorf("leaving twice: %d", status)
	}

	// Asked again, the request is withdrawn by the incubator.
	if status, _ := ask(tok, ent.ID); status != 303 {
		t.Fatalf("asking again: %d", status)
	}
	if status, _, _ := w.post("/org/bases/"+b.ID+"/co-operators/"+ent.ID+"/remove", tok, nil); status != 303 {
		t.Fatalf("withdrawing the request: %d", status)
	}
	if got := operators(); got != inc.ID+"|" {
		t.Fatalf("after the withdrawal: %s", got)
	}

	btok := w.signIn(bureauEmail)
	for lang, want := range map[string][]string{
		models.LangZH: {"邀请机构合作运营基地", "确认合作运营基地", "将机构移出基地"},
		models.LangEN: {"Asked an organisation to co-operate a base", "Took an organisation off a base"},
	} {
		trail := text(w.page("/bureau/audit?resource_id="+b.ID, btok, lang))
		for _, s := range want {
			if !strings.Contains(trail, s) {
				t.Errorf("%s: the base's trail lacks %q: %.1500s", lang, s, trail)
			}
		}
	}
}
