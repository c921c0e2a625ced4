package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/szdc/talenthub/models"
)

// TestImportInTheBrowser: the bureau, in Chinese and in English, on a
// phone (390 px) and a desk, checks a file with a bad row (the problems
// listed row by row in the page's language, nothing imported), checks the
// corrected file (what each row would do), imports it, and sees it among
// the imports; an organisation's member imports the organisation's hires
// from its recruitments page.
func TestImportInTheBrowser(t *testing.T) {
	a := startJourney(t, nil)
	api := journeyAPI{t, a}
	admin, bureau, member, org := api.officerAndOrg(map[string]any{"name": "山海游戏工作室", "industries": []string{"games"}})

	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	head := "姓名,证件类型,证件号码,用人单位,引进日期,人才来源,人才层次,所在区,行业领域\n"
	good := map[string]string{
		models.LangZH: head + "王芳,居民身份证,44030519900101123X,山海游戏工作室,2025-03-01,海外,A,南山区,游戏\n" +
			"张伟,护照,E1234567," + str(org, "id") + ",2025-07-01,国内,B,nanshan,games\n",
		models.LangEN: "Person name,ID type,ID number,Organisation,Date,Origin,Level,District,Industry\n" +
			"Li Lei,passport,G7654321,山海游戏工作室,2025-04-01,overseas,A,futian,games\n" +
			"Han Mei,passport,P1122334," + str(org, "id") + ",2025-08-01,domestic,C,nanshan,games\n",
	}
	bad := head + "王芳,居民身份证,440305199001011234,山海游戏工作室,2025-03-01,海外,A,南山区,游戏\n" +
		"张伟,护照,E1234567,没有这家公司,2025-07-01,国内,B,南山区,游戏\n"

	b := newBrowser(t, a.base)
	defer b.check()
	as := b.signedIn
	fits := b.fits
	rows := func(ctx context.Context, table string) int {
		return len(strings.Fields(b.eval(ctx, `Array.from(document.querySelectorAll("`+table+` tbody tr")).map(() => "r").join(" ")`)))
	}

	imported := 0
	for _, lang := range []string{models.LangZH, models.LangEN} {
		phone := lang == models.LangZH
		ctx := as("bureau-"+lang, bureau, lang, phone)
		b.visit(ctx, "/imports")
		if !b.has(ctx, `a[href="/imports"][aria-current="page"]`) {
			t.Errorf("%s: the bureau's menu does not lead to the imports", lang)
		}
		// A file with two bad rows: nothing imported, each problem named.
		b.run(ctx, "choose the bad file", chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{write("bad-"+lang+".csv", bad)}))
		b.submit(ctx, `#import-check`, "/imports")
		if n := rows(ctx, "#import-errors"); n != 2 {
			t.Fatalf("%s: %d problems listed, want 2", lang, n)
		}
		problems := b.text(ctx, "#import-errors")
		if lang == models.LangZH && !strings.Contains(problems, "证件号码") {
			t.Errorf("zh: the problems do not name the column: %s", problems)
		}
		if strings.Contains(problems, "440305199001011234") {
			t.Errorf("%s: the page repeats an identity number", lang)
		}
		if phone {
			fits(ctx, lang+" /imports with problems")
		}
		b.shot(ctx, "import-problems-"+lang)
		// The good file, checked: what each row would do.
		file := write("good-"+lang+".csv", good[lang])
		b.run(ctx, "choose the good file", chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{file}))
		b.submit(ctx, `#import-check`, "/imports")
		if n := rows(ctx, "#import-lines"); n != 2 || b.has(ctx, "#import-errors") {
			t.Fatalf("%s: a dry run lists %d rows", lang, n)
		}
		if strings.Contains(b.text(ctx, "#import-lines"), "19900101") {
			t.Errorf("%s: a line shows the identity number", lang)
		}
		b.shot(ctx, "import-dry-run-"+lang)
		// Imported, on behalf of a district.
		b.run(ctx, "choose it again", chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{file}))
		b.run(ctx, "on behalf of", chromedp.SendKeys(`#f-on_behalf`, "宝安区"))
		b.submit(ctx, `#import-do`, "/imports")
		imported++
		if got := b.text(ctx, "#import-counts"); !strings.Contains(got, "2") {
			t.Errorf("%s: the counts after the import: %s", lang, got)
		}
		if n := rows(ctx, "#import-past"); n != imported {
			t.Errorf("%s: %d imports listed, want %d", lang, n, imported)
		}
		if phone {
			fits(ctx, lang+" /imports after an import")
		}
		b.shot(ctx, "import-done-"+lang)
	}

	// The bureau publishes 2025's first quarter from the dashboard; a
	// correction after it shows as a revision, and the publication's
	// workbook stays the same bytes.
	for _, lang := range []string{models.LangZH, models.LangEN} {
		ctx := as("bureau-"+lang, bureau, lang, lang == models.LangZH)
		b.visit(ctx, "/bureau?year=2025")
		if lang == models.LangZH {
			b.run(ctx, "the first quarter", chromedp.SetValue(`#f-period`, "2025-Q1"))
			b.submit(ctx, `#publish-form button[type="submit"]`, "/bureau")
		}
		if got := b.text(ctx, "#pub-2025-Q1"); !strings.Contains(got, "2025-Q1") {
			t.Fatalf("%s: the publication is not listed: %q", lang, got)
		}
		if lang == models.LangZH {
			if got := b.text(ctx, "#pub-2025-Q1 .revised"); got != "无变化" {
				t.Errorf("zh: a fresh publication shows %q", got)
			}
			// A record of the quarter stops counting.
			recs := api.call("records", "GET", "/api/v1/recruitments?year=2025&per_page=100", bureau, nil, 200)
			for _, it := range recs["items"].([]any) {
				r := it.(map[string]any)
				if str(r, "date") == "2025-03-01" && str(r, "status") == "verified" {
					api.call("a correction", "POST", "/api/v1/recruitments/"+str(r, "id")+"/corrections", bureau, map[string]any{"reason": "复核：不属于高端人才", "level": ""}, 200)
					break
				}
			}
			b.visit(ctx, "/bureau?year=2025")
			if got := b.text(ctx, "#pub-2025-Q1 .revised"); !strings.Contains(got, "-1") {
				t.Errorf("zh: after a correction the publication shows %q", got)
			}
			fits(ctx, "zh /bureau with a publication")
		}
		b.run(ctx, "scroll to the publications", chromedp.ScrollIntoView(chromedp.CSS(`#published`)))
		b.shot(ctx, "publication-"+lang)

		// Filtered by district from the form: the quarters and the same
		// point of last year, as the API counts them.
		b.run(ctx, "a district", chromedp.SetValue(`#flt-district`, "nanshan"))
		b.submit(ctx, `#dashboard-filter button[type="submit"]`, "/bureau")
		if !b.has(ctx, "#filter-note") {
			t.Fatalf("%s: the filtered dashboard does not say it is filtered", lang)
		}
		slice := api.call("the slice", "GET", "/api/v1/stats/slice?year=2025&district=nanshan", bureau, nil, 200)
		if got, want := b.text(ctx, "#quarters tbody td:last-child"), fmt.Sprint(slice["total"]); got != want {
			t.Errorf("%s: the filtered total is %s on the page, %s in the API", lang, got, want)
		}
		if got := b.text(ctx, "#same-point"); !strings.Contains(got, "2024") {
			t.Errorf("%s: no comparison with 2024: %q", lang, got)
		}
		if lang == models.LangZH {
			fits(ctx, "zh /bureau filtered")
		}
		b.run(ctx, "scroll to the quarters", chromedp.ScrollIntoView(chromedp.CSS(`#period-figures`)))
		b.shot(ctx, "dashboard-filtered-"+lang)
	}

	// The plan's period is over (today is after 2025): the admin opens the
	// next one from the targets' page, and changes a goal.
	for _, lang := range []string{models.LangZH, models.LangEN} {
		ctx := as("admin-"+lang, admin, lang, lang == models.LangZH)
		b.visit(ctx, "/admin")
		if lang == models.LangZH {
			if !b.has(ctx, "#period-form") {
				t.Fatalf("zh: the admin is not offered the next period")
			}
			b.run(ctx, "scroll to it", chromedp.ScrollIntoView(chromedp.CSS(`#next-period`)))
			b.shot(ctx, "period-offered-"+lang)
			b.submit(ctx, `#period-form button[type="submit"]`, "/admin")
		}
		if !b.has(ctx, `#target-talents_imported_2026`) || !b.has(ctx, `#target-talents_imported`) {
			t.Fatalf("%s: the new period's targets and the old ones are not both on the page", lang)
		}
		if b.has(ctx, "#period-form") {
			t.Errorf("%s: the next period is still offered once opened", lang)
		}
		if lang == models.LangZH {
			fits(ctx, "zh /admin with two periods")
		}
		b.run(ctx, "scroll to the copy", chromedp.ScrollIntoView(chromedp.CSS(`#target-talents_imported_2026`)))
		b.shot(ctx, "period-opened-"+lang)
	}

	// The organisation's member, from its recruitments page: its own hires,
	// sent to the bureau.
	ctx := as("member", member, models.LangZH, true)
	b.visit(ctx, "/org/recruitments")
	b.submit(ctx, `a[href="/imports"]`, "/imports")
	if b.has(ctx, "#f-kind") || b.has(ctx, "#f-on_behalf") {
		t.Errorf("an organisation is offered the bureau's kinds or on-behalf")
	}
	own := head + "赵雷,护照,K5566778,山海游戏工作室,2025-09-01,国内,B,南山区,游戏\n"
	b.run(ctx, "choose the file", chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{write("own.csv", own)}))
	b.submit(ctx, `#import-do`, "/imports")
	if n := rows(ctx, "#import-lines"); n != 1 {
		t.Fatalf("the member's import lists %d rows", n)
	}
	fits(ctx, "zh /imports as a member")
	b.shot(ctx, "import-org-member-zh")
	b.visit(ctx, "/org/recruitments")
	if !strings.Contains(b.text(ctx, "table"), "赵雷") {
		t.Errorf("the imported hire is not among the organisation's reports")
	}
	// The bureau's queue has it, by name and the document's last four
	// characters, with no link to a profile there is not.
	bctx := as("bureau-queue", bureau, models.LangZH, true)
	b.visit(bctx, "/bureau/verify")
	if got := b.text(bctx, "table.queue"); !strings.Contains(got, "赵雷") || !strings.Contains(got, "****6778") {
		t.Errorf("the imported report in the bureau's queue: %q", got)
	}
	if b.has(bctx, `a[href^="/talents/person-"]`) {
		t.Errorf("the queue links an imported person to a profile")
	}

	// A creator the bureau imported links the same document to her
	// profile: a mistyped number first, then the right one.
	docs := map[string][3]string{ // type, mistyped, right (as typed)
		models.LangZH: {"resident_id", "440305199001011234", "44030519900101123x"},
		models.LangEN: {"passport", "G7-6", "g765 4321"},
	}
	for _, lang := range []string{models.LangZH, models.LangEN} {
		doc := docs[lang]
		creator := api.register("person-"+lang+"@example.com", "王芳", "creator")
		api.call("a profile", "POST", "/api/v1/talents", creator, map[string]any{"name": "王芳", "visibility": "orgs"}, 201)
		ctx := as("creator-"+lang, creator, lang, lang == models.LangZH)
		b.visit(ctx, "/me/privacy")
		b.run(ctx, "the document", chromedp.SetValue(`#f-type`, doc[0]))
		b.run(ctx, "a mistyped number", chromedp.SendKeys(`#f-number`, doc[1]))
		b.submit(ctx, `#identity-form button[type="submit"]`, "/me/identity")
		if !b.has(ctx, `#f-number[aria-invalid="true"]`) || b.has(ctx, "#identity-linked") {
			t.Fatalf("%s: a mistyped number was accepted", lang)
		}
		if b.eval(ctx, `document.getElementById("f-number").value`) != "" {
			t.Errorf("%s: the refused number is sent back into the page", lang)
		}
		b.shot(ctx, "identity-refused-"+lang)
		b.run(ctx, "the document again", chromedp.SetValue(`#f-type`, doc[0]))
		b.run(ctx, "the right number", chromedp.SendKeys(`#f-number`, doc[2]))
		b.submit(ctx, `#identity-form button[type="submit"]`, "/me/privacy")
		last4 := strings.ToUpper(strings.ReplaceAll(doc[2], " ", ""))
		if got := b.text(ctx, "#identity-linked"); !strings.Contains(got, "****"+last4[len(last4)-4:]) {
			t.Fatalf("%s: after linking: %q", lang, got)
		}
		if lang == models.LangZH {
			fits(ctx, "zh /me/privacy with a linked document")
		}
		b.shot(ctx, "identity-linked-"+lang)
	}
}
