package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/szdc/talenthub/models"
)

// TestOrganisationAndBaseDetailsInTheBrowser: on a phone (390 px), in
// Chinese and in English, the manager of a rejected organisation opens
// its details form on the organisation page, corrects the name and sends
// it back (the status reads pending); a member of a verified organisation
// opens the form of its pending base, changes its capacity and saves; the
// bureau finds the verified organisation in its directory and corrects its
// name, which keeps it verified. Every form fits the width.
func TestOrganisationAndBaseDetailsInTheBrowser(t *testing.T) {
	a := startJourney(t, nil)
	api := journeyAPI{t, a}
	call := api.call
	_, bureau, member, org := api.officerAndOrg(map[string]any{"industries": []string{"games"}})
	base := call("register a base", "POST", "/api/v1/bases", member, map[string]any{"name": "星河实训基地", "kind": "training",
		"district": "nanshan", "operator_org_ids": []string{str(org, "id")}, "capacity": 40}, 201)
	boss := api.register("boss@new.example", "李经理", "org")
	rejected := call("register a second organisation", "POST", "/api/v1/orgs", boss, map[string]any{"name": "新星孵化器",
		"kind": "incubator", "district": "futian"}, 201)
	call("reject it", "POST", "/api/v1/orgs/"+str(rejected, "id")+"/verify", bureau, map[string]any{"decision": "rejected", "reason": "名称不符"}, 200)

	b := newBrowser(t, a.base)
	defer b.check()
	for _, lang := range []string{models.LangZH, models.LangEN} {
		ctx := b.signedIn("boss-"+lang, boss, lang, true)
		b.visit(ctx, "/org")
		b.run(ctx, "open the details form", click(`#org-edit summary`))
		b.fits(ctx, lang+" /org with the details form open")
		b.shot(ctx, "org-details-"+lang)
		b.run(ctx, "rename", chromedp.SetValue(chromedp.CSS(`#org-edit-form input[name="name"]`), "新星数字孵化器 "+lang))
		b.submit(ctx, `#org-edit-submit`, "/org")
		if got := b.text(ctx, `#org-status`); got != map[string]string{models.LangZH: "待审核", models.LangEN: "Pending"}[lang] {
			t.Errorf("%s: the status after the correction reads %q", lang, got)
		}
		if got := b.text(ctx, `h1`); got != "新星数字孵化器 "+lang {
			t.Errorf("%s: the page's title after the correction: %q", lang, got)
		}

		mctx := b.signedIn("member-"+lang, member, lang, true)
		b.visit(mctx, "/org")
		form := `#base-edit-` + str(base, "id")
		b.run(mctx, "open the base's form", chromedp.ScrollIntoView(chromedp.CSS(form)), click(form+` summary`))
		b.fits(mctx, lang+" /org with a base's form open")
		b.shot(mctx, "org-base-details-"+lang)
		capacity := map[string]string{models.LangZH: "60", models.LangEN: "75"}[lang]
		b.run(mctx, "change the capacity", chromedp.SetValue(chromedp.CSS(form+` input[type="number"]`), capacity))
		b.submit(mctx, form+` button[type="submit"]`, "/org")
		if got := call("read the base", "GET", "/api/v1/bases/"+str(base, "id"), member, nil, 200); fmt.Sprint(got["capacity"]) != capacity {
			t.Errorf("%s: the base's capacity after saving: %v", lang, got["capacity"])
		}

		// The bureau finds the verified organisation in its directory and
		// corrects it: it stays verified.
		bctx := b.signedIn("bureau-"+lang, bureau, lang, true)
		b.visit(bctx, "/bureau/orgs?status=verified")
		b.fits(bctx, lang+" /bureau/orgs")
		b.shot(bctx, "directory-"+lang)
		page := "/bureau/orgs/" + str(org, "id")
		b.submit(bctx, `#dir-`+str(org, "id")+` a`, page)
		b.run(bctx, "open the correction form", click(`#org-edit summary`))
		b.fits(bctx, lang+" "+page+" with the correction form open")
		b.shot(bctx, "directory-org-"+lang)
		name := "星河数字 " + lang
		b.run(bctx, "correct the name", chromedp.SetValue(chromedp.CSS(`#org-edit-form input[name="name"]`), name))
		b.submit(bctx, `#org-edit-submit`, page)
		if got := b.text(bctx, `h1`); got != name {
			t.Errorf("%s: the directory's page after the correction: %q", lang, got)
		}
		if got := b.text(bctx, `#org-status`); got != map[string]string{models.LangZH: "已认定", models.LangEN: "Verified"}[lang] {
			t.Errorf("%s: the status after the bureau's correction reads %q", lang, got)
		}
	}
}

// TestCoOperatorsInTheBrowser: on a phone, in both languages, an
// incubator's member asks an enterprise to co-operate a verified base from
// the organisation page; the enterprise's manager confirms on its page and
// later stops co-operating (after the confirmation dialog). The operators'
// panel fits the width.
func TestCoOperatorsInTheBrowser(t *testing.T) {
	a := startJourney(t, nil)
	api := journeyAPI{t, a}
	call := api.call
	_, bureau, member, inc := api.officerAndOrg(map[string]any{"name": "深圳星河孵化器", "kind": "incubator", "industries": []string{"games"}})
	boss := api.register("boss@ent.example", "周经理", "org")
	ent := call("register the enterprise", "POST", "/api/v1/orgs", boss, map[string]any{"name": "光子科技", "kind": "enterprise", "district": "futian"}, 201)
	call("verify it", "POST", "/api/v1/orgs/"+str(ent, "id")+"/verify", bureau, map[string]any{"decision": "verified"}, 200)
	base := call("register a base", "POST", "/api/v1/bases", member, map[string]any{"name": "星河创新基地", "kind": "innovation",
		"district": "nanshan", "operator_org_ids": []string{str(inc, "id")}}, 201)
	id, entID := str(base, "id"), str(ent, "id")
	call("verify the base", "POST", "/api/v1/bases/"+id+"/verify", bureau, map[string]any{"decision": "verified"}, 200)
	operators := func() string {
		b := call("read the base", "GET", "/api/v1/bases/"+id, member, nil, 200)
		return fmt.Sprint(b["operator_org_ids"], b["pending_operator_org_ids"])
	}

	b := newBrowser(t, a.base)
	defer b.check()
	for _, lang := range []string{models.LangZH, models.LangEN} {
		ctx := b.signedIn("member-ops-"+lang, member, lang, true)
		b.visit(ctx, "/org")
		panel := `#base-ops-` + id
		b.run(ctx, "open the operators' panel", chromedp.ScrollIntoView(chromedp.CSS(panel)), click(panel+` summary`))
		b.fits(ctx, lang+" /org with the operators' panel open")
		b.shot(ctx, "org-operators-"+lang)
		b.run(ctx, "choose the enterprise", chromedp.SetValue(chromedp.CSS(panel+` select`), entID))
		b.submit(ctx, panel+` form[action$="/co-operators"] button[type="submit"]`, "/org")
		if got, want := operators(), fmt.Sprint([]any{str(inc, "id")}, []any{entID}); got != want {
			t.Fatalf("%s: after asking: %s, want %s", lang, got, want)
		}

		ectx := b.signedIn("boss-ops-"+lang, boss, lang, true)
		b.visit(ectx, "/org")
		b.shot(ectx, "org-operator-request-"+lang)
		b.submit(ectx, `#request-`+id+` button[type="submit"]`, "/org")
		if got, want := operators(), fmt.Sprint([]any{str(inc, "id"), entID}, []any{}); got != want {
			t.Fatalf("%s: after confirming: %s, want %s", lang, got, want)
		}
		b.run(ectx, "find the way out", chromedp.ScrollIntoView(chromedp.CSS(`#leave-`+id)))
		b.fits(ectx, lang+" /org as a co-operator")
		b.submit(ectx, `#leave-`+id+` button[type="submit"]`, "/org")
		if got, want := operators(), fmt.Sprint([]any{str(inc, "id")}, []any{}); got != want {
			t.Fatalf("%s: after leaving: %s, want %s", lang, got, want)
		}
	}
}
