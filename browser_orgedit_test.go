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
