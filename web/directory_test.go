package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

// TestBureauDirectory: the bureau finds organisations in every state by
// name, status and kind, and corrects a verified organisation and its
// verified base on the organisation's page of the directory (the only way
// once verified): a bad field is shown at its field and changes nothing,
// a correction keeps the verification and is in the audit trail; a base
// posted under an organisation that does not run it is 404; an admin reads
// the directory but corrects nothing; an organisation account never sees
// it. Both languages.
func TestBureauDirectory(t *testing.T) {
	w := newRealWorld(t)
	bureau, bureauEmail := w.user("审核员", models.RoleBureau)
	_, adminEmail := w.user("管理员", models.RoleAdmin)
	o, member, memberEmail := w.org(bureau, "星河数字工作室", models.OrgEnterprise, models.StatusVerified, "")
	other, _, _ := w.org(bureau, "光子孵化器", models.OrgIncubator, models.StatusVerified, "")
	applicant, _ := w.user("新来的联系人", models.RoleOrg)
	pending, err := w.svc.Orgs.Create(w.ctx, applicant, models.OrgInput{Name: "星河动画", Kind: models.OrgEnterprise, District: "futian"})
	w.must(err)
	b, err := w.svc.Bases.Create(w.ctx, member, models.BaseInput{Name: "星河实训基地", Kind: models.BaseTraining, District: "nanshan",
		OperatorOrgIDs: []string{o.ID}, Capacity: 40})
	w.must(err)
	_, err = w.svc.Bases.Decide(w.ctx, bureau, b.ID, models.DecisionInput{Decision: models.StatusVerified})
	w.must(err)
	tok := w.signIn(bureauEmail)

	rows := func(path string) []string {
		t.Helper()
		page := w.page(path, tok, models.LangZH)
		var ids []string
		for _, x := range []*models.Org{o, other, pending} {
			if section(page, "tr", "dir-"+x.ID) != "" {
				ids = append(ids, x.Name)
			}
		}
		return ids
	}
	for path, want := range map[string]string{
		"/bureau/orgs":                            "星河数字工作室,光子孵化器,星河动画",
		"/bureau/orgs?status=verified":            "星河数字工作室,光子孵化器",
		"/bureau/orgs?status=pending":             "星河动画",
		"/bureau/orgs?q=星河":                       "星河数字工作室,星河动画",
		"/bureau/orgs?kind=incubator":             "光子孵化器",
		"/bureau/orgs?q=星河&status=verified":       "星河数字工作室",
		"/bureau/orgs?status=nonsense&district=x": "星河数字工作室,光子孵化器,星河动画",
	} {
		if got := strings.Join(rows(path), ","); got != want {
			t.Errorf("%s lists %q, want %q", path, got, want)
		}
	}
	// A search of too many words: said on the page, in its language.
	res, page := do(t, w.app, call{method: "GET", path: "/bureau/orgs?q=" + url.QueryEscape(strings.Repeat("星", 300)),
		cookies: map[string]string{sessionCookie: tok, langCookie: models.LangZH}})
	if res.StatusCode != 400 || section(page, "div", "directory-error") == "" || section(page, "p", "directory-empty") == "" {
		t.Errorf("a 300-character search: %d, error %q", res.StatusCode, section(page, "div", "directory-error"))
	}

	for _, lang := range []string{models.LangZH, models.LangEN} {
		page := w.page("/bureau/orgs/"+o.ID, tok, lang)
		if section(page, "form", "org-edit-form") == "" || !strings.Contains(page, `name="name" type="text" value="星河数字工作室"`) {
			t.Fatalf("%s: no correction form starting from the organisation: %.3000s", lang, section(page, "section", "details"))
		}
		if pre := baseFormPrefix(b.ID); section(page, "details", "base-edit-"+b.ID) == "" || !strings.Contains(page, `name="`+pre+`capacity" type="number" value="40"`) {
			t.Fatalf("%s: no correction form for the verified base: %.3000s", lang, section(page, "section", "bases"))
		}
		if !strings.Contains(section(page, "span", "org-decision"), "审核员") {
			t.Errorf("%s: the decision does not name its officer: %q", lang, section(page, "span", "org-decision"))
		}
	}

	// A bad field: said at the field, the form open, nothing changed.
	before, _ := w.svc.Orgs.Get(w.ctx, bureau, o.ID)
	status, _, body := w.post("/bureau/orgs/"+o.ID+"/details", tok, url.Values{"name": {"星河数字工作室"}, "kind": {"spaceship"}, "district": {"nanshan"}})
	if status != 422 || section(body, "p", "e-kind") == "" || !strings.Contains(body, `id="org-edit" open`) {
		t.Fatalf("an unknown kind: %d, error %q", status, section(body, "p", "e-kind"))
	}
	if got, _ := w.svc.Orgs.Get(w.ctx, bureau, o.ID); got.Kind != models.OrgEnterprise || got.Version != before.Version {
		t.Fatalf("the refused correction changed the organisation: %+v", got)
	}
	status, to, _ := w.post("/bureau/orgs/"+o.ID+"/details", tok, url.Values{"name": {"深圳星河数字工作室"}, "kind": {models.OrgEnterprise},
		"district": {"nanshan"}, "industries": {"games", "animation"}, "flags": {models.FlagLeading}})
	if status != 303 || to != "/bureau/orgs/"+o.ID {
		t.Fatalf("the correction: %d %q", status, to)
	}
	got, _ := w.svc.Orgs.Get(w.ctx, bureau, o.ID)
	if got.Name != "深圳星河数字工作室" || got.Status != models.StatusVerified || !got.HasFlag(models.FlagLeading) || len(got.Industries) != 2 {
		t.Fatalf("after the correction: %+v", got)
	}

	// The base: a bad capacity refused at its own field, then corrected to
	// an innovation base, still verified.
	pre := baseFormPrefix(b.ID)
	base := url.Values{pre + "name": {"星河创新基地"}, pre + "kind": {models.BaseInnovation}, pre + "district": {"nanshan"},
		pre + "capacity": {"-5"}, pre + "established_on": {"2023-09-01"}}
	status, _, body = w.post("/bureau/orgs/"+o.ID+"/bases/"+b.ID+"/details", tok, base)
	if status != 422 || section(body, "p", "e-"+pre+"capacity") == "" || !strings.Contains(body, `id="base-edit-`+b.ID+`" open`) {
		t.Fatalf("a negative capacity: %d, error %q", status, section(body, "p", "e-"+pre+"capacity"))
	}
	base.Set(pre+"capacity", "60")
	if status, _, _ := w.post("/bureau/orgs/"+other.ID+"/bases/"+b.ID+"/details", tok, base); status != 404 {
		t.Errorf("the base under an organisation that does not run it: %d", status)
	}
	if got, _ := w.svc.Bases.Get(w.ctx, bureau, b.ID); got.Kind != models.BaseTraining || got.Capacity != 40 {
		t.Fatalf("a refused correction changed the base: %+v", got)
	}
	status, to, _ = w.post("/bureau/orgs/"+o.ID+"/bases/"+b.ID+"/details", tok, base)
	if status != 303 || to != "/bureau/orgs/"+o.ID+"#bases" {
		t.Fatalf("the base's correction: %d %q", status, to)
	}
	if got, _ := w.svc.Bases.Get(w.ctx, bureau, b.ID); got.Kind != models.BaseInnovation || got.Capacity != 60 || got.Status != models.StatusVerified {
		t.Fatalf("the base after its correction: %+v", got)
	}
	for lang, want := range map[string][]string{
		models.LangZH: {"修改了机构信息", "星河数字工作室", "深圳星河数字工作室"},
		models.LangEN: {"Organisation details changed", "Animation"},
	} {
		trail := text(w.page("/bureau/audit?resource_id="+o.ID, tok, lang))
		for _, s := range want {
			if !strings.Contains(trail, s) {
				t.Errorf("%s: the organisation's trail lacks %q: %.1500s", lang, s, trail)
			}
		}
	}

	// An admin reads the directory and corrects nothing.
	adminTok := w.signIn(adminEmail)
	if page := w.page("/bureau/orgs/"+o.ID, adminTok, models.LangZH); strings.Contains(page, `id="org-edit-form"`) || strings.Contains(page, "base-edit-") {
		t.Errorf("the admin is offered the correction forms")
	}
	if status, _, _ := w.post("/bureau/orgs/"+o.ID+"/details", adminTok, url.Values{"name": {"管理员改的"}, "kind": {models.OrgEnterprise}, "district": {"nanshan"}}); status != 403 {
		t.Errorf("an admin's correction: %d", status)
	}
	// The organisation's own account does not see the directory.
	res, _ = do(t, w.app, call{method: "GET", path: "/bureau/orgs/" + o.ID, cookies: map[string]string{sessionCookie: w.signIn(memberEmail)}})
	if res.StatusCode != 403 {
		t.Errorf("a member opens the directory: %d", res.StatusCode)
	}
	if got, _ := w.svc.Orgs.Get(w.ctx, bureau, o.ID); got.Name != "深圳星河数字工作室" {
		t.Errorf("someone else's refused post changed the name: %q", got.Name)
	}
}
