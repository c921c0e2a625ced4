package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/szdc/talenthub/models"
)

// writePNG writes a PNG of w×h in one colour, with a band of another, to
// path.
func writePNG(t *testing.T, path string, w, h int, c, band color.Color) {
	t.Helper()
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			if y > h/3 && y < h/2 {
				m.Set(x, y, band)
			} else {
				m.Set(x, y, c)
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, m); err != nil {
		t.Fatal(err)
	}
}

// TestPortfolioImagesInTheBrowser: on a phone (390 px), in Chinese and in
// English, a creator uploads two images to a work from the file picker,
// sees their previews, moves the second before the first with the arrow
// (the keyboard's way), drops a third from the desktop (its progress shown)
// and removes it again, adds a profile photo, saves, and the profile shows
// the gallery in the new order; a member of an organisation sees the photo
// and the gallery, and opens the large view in the lightbox.
func TestPortfolioImagesInTheBrowser(t *testing.T) {
	a := startJourney(t, nil)

	api := journeyAPI{t, a}
	call, register := api.call, api.register
	_, _, member, _ := api.officerAndOrg(map[string]any{"industries": []string{"games"}})

	dir := t.TempDir()
	red, blue, green := filepath.Join(dir, "red.png"), filepath.Join(dir, "blue.png"), filepath.Join(dir, "photo.png")
	writePNG(t, red, 1200, 800, color.RGBA{200, 40, 50, 255}, color.White)
	writePNG(t, blue, 800, 1000, color.RGBA{30, 80, 200, 255}, color.RGBA{255, 200, 0, 255})
	writePNG(t, green, 600, 600, color.RGBA{30, 140, 80, 255}, color.White)

	b := newBrowser(t, a.base)
	defer b.check()
	as := func(who, token, lang string) context.Context { return b.signedIn(who, token, lang, true) }
	fits := b.fits
	ids := func(ctx context.Context, sel string) string {
		return b.eval(ctx, fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(i => i.value).join(",")`, sel))
	}
	loaded := func(sel string) string {
		return fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).every(i => i.complete && i.naturalWidth > 0) && document.querySelectorAll(%q).length > 0`, sel, sel)
	}

	for _, lang := range []string{models.LangZH, models.LangEN} {
		creator := register("lin-"+lang+"@example.com", "林小画", "creator")
		talent := call("a profile", "POST", "/api/v1/talents", creator, map[string]any{"name": "林小画", "headline": "游戏原画师",
			"skills": []string{"原画"}, "visibility": "orgs", "works": []map[string]any{{"title": "山海经角色集", "year": 2024}}}, 201)
		talentID := str(talent, "id")

		// ---- The creator: two images, reordered, and a photo. ----
		ctx := as("creator-"+lang, creator, lang)
		b.visit(ctx, "/me/profile")
		b.run(ctx, "open the work", click(`ol.works > li.work:first-child summary`))
		picker := `#w-0-images`
		if b.has(ctx, picker+` .media-drop[hidden]`) {
			t.Fatalf("%s: the picker's controls are hidden with scripts on", lang)
		}
		b.run(ctx, "choose two images", chromedp.SetUploadFiles(chromedp.CSS(picker+` input.media-file`), []string{red, blue}))
		b.until(ctx, "the uploads end", fmt.Sprintf(`document.querySelectorAll(%q).length === 2 && !document.querySelector(%q)`,
			picker+` .media-item[data-id]`, picker+` .media-item.uploading`))
		b.until(ctx, "the previews show", loaded(picker+` .media-item img`))
		uploaded := strings.Split(ids(ctx, picker+` input[name="images"]`), ",")
		if len(uploaded) != 2 || uploaded[0] == uploaded[1] {
			t.Fatalf("%s: the picker holds %v", lang, uploaded)
		}
		if got := b.text(ctx, picker+` .media-item:first-child .media-cover`); got == "" {
			t.Errorf("%s: the first image is not marked as the cover", lang)
		}
		b.run(ctx, "scroll to the picker", chromedp.ScrollIntoView(chromedp.CSS(picker)))
		b.shot(ctx, "media-picker-uploaded-"+lang)
		fits(ctx, lang+" /me/profile with two uploads")
		// The second before the first, with its arrow, by the keyboard.
		b.run(ctx, "focus the arrow", chromedp.Focus(chromedp.CSS(picker+` .media-item:nth-child(2) [data-media="left"]`)))
		b.run(ctx, "press it", chromedp.KeyEvent("\r"))
		if got := ids(ctx, picker+` input[name="images"]`); got != uploaded[1]+","+uploaded[0] {
			t.Fatalf("%s: after moving the second left: %s", lang, got)
		}
		if b.eval(ctx, `document.activeElement.getAttribute("data-media") || ""`) == "" {
			t.Errorf("%s: the focus left the picker after a move", lang)
		}
		b.shot(ctx, "media-picker-reordered-"+lang)
		// A third image dropped from the desktop: a drop carrying a file,
		// as the browser makes one. Over the picker it is marked as a place
		// to drop; its upload shows a progress bar; once done it is the
		// third, and its remove button takes it out again (the focus stays
		// in the picker) and deletes the upload the form never saved.
		dropped := b.eval(ctx, `(async () => {
			const c = document.createElement("canvas"); c.width = 640; c.height = 480;
			const g = c.getContext("2d"); g.fillStyle = "#c83"; g.fillRect(0, 0, 640, 480);
			const blob = await new Promise(r => c.toBlob(r, "image/png"));
			const dt = new DataTransfer(); dt.items.add(new File([blob], "dropped.png", {type: "image/png"}));
			const el = document.querySelector("#w-0-images");
			el.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
			const over = el.classList.contains("drop-over");
			el.querySelector(".media-list").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
			const bar = el.querySelector(".media-item.uploading .media-progress");
			return [over, !!bar && !bar.hidden, !el.classList.contains("drop-over")].join(",");
		})()`)
		if dropped != "true,true,true" {
			t.Errorf("%s: dropping a file (marked over, progress shown, mark cleared): %s", lang, dropped)
		}
		b.until(ctx, "the dropped image uploads", fmt.Sprintf(`document.querySelectorAll(%q).length === 3 && !document.querySelector(%q)`,
			picker+` .media-item[data-id]`, picker+` .media-item.uploading`))
		if b.has(ctx, picker+` .media-item .media-progress:not([hidden])`) {
			t.Errorf("%s: a progress bar stays after the upload", lang)
		}
		third := strings.Split(ids(ctx, picker+` input[name="images"]`), ",")
		if len(third) != 3 || third[0] != uploaded[1] || third[1] != uploaded[0] {
			t.Fatalf("%s: after the drop the picker holds %v", lang, third)
		}
		b.shot(ctx, "media-picker-dropped-"+lang)
		b.run(ctx, "remove the dropped image", click(picker+` .media-item:nth-child(3) [data-media="remove"]`))
		if got := ids(ctx, picker+` input[name="images"]`); got != uploaded[1]+","+uploaded[0] {
			t.Fatalf("%s: after removing the dropped image: %s", lang, got)
		}
		if b.eval(ctx, `document.activeElement.closest("#w-0-images") ? "in" : ""`) == "" {
			t.Errorf("%s: the focus left the picker after a removal", lang)
		}
		for i := 0; ; i++ {
			res, err := b.get(ctx, "/media/"+third[2]+"/thumb")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode == 404 {
				break
			}
			if i == 200 { // a guard against a hang: the delete is sent at once
				t.Fatalf("%s: the removed upload is still served: %d", lang, res.StatusCode)
			}
			time.Sleep(100 * time.Millisecond)
		}
		b.submit(ctx, `#w-0-images ~ button[type="submit"]`, "/me/profile")
		b.run(ctx, "open the work again", click(`ol.works > li.work:first-child summary`))
		if got := ids(ctx, picker+` input[name="images"]`); got != uploaded[1]+","+uploaded[0] {
			t.Fatalf("%s: saved in the order %s, want %s,%s", lang, got, uploaded[1], uploaded[0])
		}
		// The photo, through a server too busy the first time (a 503 with
		// Retry-After, as when the images wait behind the searches): the
		// picker sends it again by itself.
		var busy, passed atomic.Int32
		listening := chromedp.Listen(ctx, func(ev any) {
			e, ok := ev.(*fetch.EventRequestPaused)
			if !ok {
				return
			}
			go func() {
				if busy.Add(1) == 1 {
					_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: e.RequestID, ResponseCode: 503,
						ResponseHeaders: []*fetch.HeaderEntry{{Name: "Retry-After", Value: "1"}, {Name: "Content-Type", Value: "application/json"}},
						Body:            []byte(`{"error":{"code":"unavailable","message":"busy"}}`)})
					return
				}
				passed.Add(1)
				_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
			}()
		})
		if listening != nil {
			t.Fatal(listening)
		}
		if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/media"}}}); err != nil {
			t.Fatal(err)
		}
		b.run(ctx, "choose a photo", chromedp.SetUploadFiles(chromedp.CSS(`#avatar-picker input.media-file`), []string{green}))
		b.until(ctx, "the photo uploads", `document.querySelector('#avatar-picker .media-item[data-id]') && !document.querySelector('#avatar-picker .media-item.uploading')`)
		if _, err := chromedp.Call(ctx, fetch.Disable, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		if busy.Load() != 2 || passed.Load() != 1 {
			t.Errorf("%s: the photo was sent %d times (%d passed), want a refusal and a retry", lang, busy.Load(), passed.Load())
		}
		if n := b.forgive("creator-"+lang, "status of 503"); n != 1 {
			t.Errorf("%s: %d 503s logged by the browser, want the one refusal", lang, n)
		}
		photo := ids(ctx, `#avatar-picker input[name="avatar_id"]`)
		b.submit(ctx, `#profile-save`, "/me/profile")
		if got := ids(ctx, `#avatar-picker input[name="avatar_id"]`); got != photo || photo == "" {
			t.Fatalf("%s: the photo saved is %q, want %q", lang, got, photo)
		}
		b.shot(ctx, "media-profile-editor-"+lang)

		// ---- A member of an organisation: the profile's gallery. ----
		mctx := as("member-"+lang, member, lang)
		b.visit(mctx, "/talents/"+talentID)
		gallery := `.works-view .gallery img`
		b.run(mctx, "scroll to the gallery", chromedp.ScrollIntoView(chromedp.CSS(`.works-view .gallery`)))
		b.until(mctx, "the thumbnails load", loaded(gallery))
		srcs := b.eval(mctx, `Array.from(document.querySelectorAll(".works-view .gallery img")).map(i => i.getAttribute("src")).join(",")`)
		if want := "/media/" + uploaded[1] + "/thumb,/media/" + uploaded[0] + "/thumb"; srcs != want {
			t.Errorf("%s: the gallery shows %s, want %s", lang, srcs, want)
		}
		if b.eval(mctx, `Array.from(document.querySelectorAll(".works-view .gallery img")).every(i => i.loading === "lazy" && i.getAttribute("width") && i.getAttribute("height")) ? "y" : ""`) != "y" {
			t.Errorf("%s: the thumbnails are not lazy with their size", lang)
		}
		if !b.has(mctx, `.profile-head img.avatar[src="/media/`+photo+`/thumb"]`) {
			t.Errorf("%s: the photo is not at the top of the profile", lang)
		}
		fits(mctx, lang+" /talents/:id with a gallery")
		b.shot(mctx, "media-profile-gallery-"+lang)
		b.run(mctx, "open the first image", click(`.works-view .gallery-link`))
		b.until(mctx, "the large image shows", `document.getElementById("lightbox").open && document.getElementById("lightbox-img").complete && document.getElementById("lightbox-img").naturalWidth > 400`)
		if got := b.eval(mctx, `document.getElementById("lightbox-img").getAttribute("src")`); got != "/media/"+uploaded[1]+"/large" {
			t.Errorf("%s: the lightbox shows %s", lang, got)
		}
		b.shot(mctx, "media-lightbox-"+lang)
		b.run(mctx, "the next image", click(`[data-lightbox-next]`))
		b.until(mctx, "the second large image", `document.getElementById("lightbox-img").getAttribute("src") === "/media/`+uploaded[0]+`/large"`)
		b.run(mctx, "close it", click(`#lightbox-close`))
		b.until(mctx, "the lightbox closes", `!document.getElementById("lightbox").open`)
		// The search result: the photo and the cover.
		b.visit(mctx, "/talents?q="+"原画")
		if !b.has(mctx, `.hit img.hit-cover[src="/media/`+uploaded[1]+`/thumb"]`) {
			t.Errorf("%s: the search result has no cover: %s", lang, b.text(mctx, "main"))
		}
		fits(mctx, lang+" /talents with covers")
		b.shot(mctx, "media-search-"+lang)
	}
}
