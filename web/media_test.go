package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/media"
	"github.com/szdc/talenthub/server/service"
)

const mediaCSRF = "a-csrf-token-that-is-long-enough-000000"

// withImages gives the test world the image processor and a blob store.
func withImages(t *testing.T) func(*service.Config) {
	return func(c *service.Config) {
		blobs, err := media.NewFileStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		c.Images, c.Blobs = media.NewProcessor(media.Limits{}), blobs
	}
}

// testImage is a PNG of one colour.
func testImage(t *testing.T, c color.Color) []byte {
	t.Helper()
	m := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			m.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload posts a file to the UI's POST /media as the page's script does.
func (w *realWorld) upload(token, lang, purpose string, file []byte, csrf bool) (int, map[string]any) {
	w.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("purpose", purpose)
	fw, _ := mw.CreateFormFile("file", "image.png")
	_, _ = fw.Write(file)
	_ = mw.Close()
	req := httptest.NewRequest("POST", "/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if csrf {
		req.Header.Set(csrfHeader, mediaCSRF)
	}
	for k, v := range map[string]string{sessionCookie: token, langCookie: lang, csrfCookie: mediaCSRF} {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := w.app.Test(req, -1)
	if err != nil {
		w.t.Fatal(err)
	}
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// post sends a form of the UI with its CSRF token.
func (w *realWorld) postIn(path, token, lang string, form url.Values) (*http.Response, string) {
	w.t.Helper()
	form.Set(csrfField, mediaCSRF)
	return do(w.t, w.app, call{method: "POST", path: path, form: form, cookies: map[string]string{sessionCookie: token, langCookie: lang, csrfCookie: mediaCSRF}})
}

// mediaFingerprint is what the media records say: who uploaded what for
// which purpose, and what shows it.
func (w *realWorld) mediaFingerprint(owners ...*models.User) string {
	var rows []string
	for _, u := range owners {
		ms, err := w.st.OwnerMedia(w.ctx, u.ID)
		w.must(err)
		for _, m := range ms {
			rows = append(rows, u.ID+" "+m.Purpose+" "+m.AttachedTo)
		}
	}
	slices.Sort(rows)
	return strings.Join(rows, "\n")
}

// TestMediaRoutesForEveryVisitor is the matrix of the UI's image routes:
// each kind of visitor uploads for each purpose, deletes, and sets the
// logo; every refusal leaves the media as they were (their fingerprint),
// and a post without the CSRF token is refused before anything.
func TestMediaRoutesForEveryVisitor(t *testing.T) {
	w := newRealWorld(t, withImages(t))
	bureau, _ := w.user("王审核", models.RoleBureau)
	admin, _ := w.user("系统管理员", models.RoleAdmin)
	_, member, _ := w.org(bureau, "星河数字工作室", models.OrgEnterprise, models.StatusVerified, "")
	orgless, _ := w.user("未注册机构的联系人", models.RoleOrg)
	creator, _ := w.user("李明", models.RoleCreator)
	call, err := w.svc.Incubation.CreateCall(w.ctx, member, w.callInput("星河孵化营"))
	w.must(err)
	reviewer, _ := w.outsideReviewer(member, call.ID, "赵评审")
	users := map[string]*models.User{"creator": creator, "member": member, "orgless": orgless, "bureau": bureau, "admin": admin, "reviewer": reviewer}
	tokens := map[string]string{"anonymous": ""}
	for who, u := range users {
		auth, err := w.svc.Accounts.Login(w.ctx, models.LoginInput{Email: u.Email, Password: testPassword}, models.ClientInfo{Addr: "10.0.0.1"})
		w.must(err)
		tokens[who] = auth.Token
	}
	all := []*models.User{creator, member, orgless, bureau, admin, reviewer}
	img := testImage(t, color.RGBA{200, 30, 40, 255})

	// visitors: anonymous, creator, member, orgless, bureau, admin,
	// reviewer.
	uploads := map[string][7]int{
		models.PurposeWork:   {401, 201, 403, 403, 403, 403, 403},
		models.PurposeAvatar: {401, 201, 403, 403, 403, 403, 403},
		models.PurposeLogo:   {401, 403, 201, 403, 403, 403, 403},
		models.PurposeCover:  {401, 403, 201, 403, 403, 403, 403},
	}
	ids := map[string]string{} // visitor → an upload of theirs
	for _, purpose := range models.MediaPurposes {
		for i, who := range visitors {
			before := w.mediaFingerprint(all...)
			// Without the token: refused, nothing stored.
			if code, _ := w.upload(tokens[who], models.LangEN, purpose, img, false); code != 403 {
				t.Errorf("%s uploads a %s without the CSRF token: %d", who, purpose, code)
			}
			if after := w.mediaFingerprint(all...); after != before {
				t.Errorf("%s: an upload without the CSRF token stored something", who)
			}
			code, out := w.upload(tokens[who], models.LangEN, purpose, img, true)
			if want := uploads[purpose][i]; code != want {
				t.Errorf("%s uploads a %s: %d %v, the matrix says %d", who, purpose, code, out, want)
			}
			if code == 201 {
				id, _ := out["id"].(string)
				if !models.ValidID(id) || out["thumb_url"] != models.MediumURL(id, models.SizeThumb) || out["url"] != models.MediumURL(id, models.SizeLarge) ||
					out["width"] != float64(64) || out["height"] != float64(48) {
					t.Errorf("%s uploads a %s: %v", who, purpose, out)
				}
				ids[who] = id
				continue
			}
			if msg, _ := out["error"].(string); msg == "" {
				t.Errorf("%s uploads a %s: %d without a message", who, purpose, code)
			}
			if after := w.mediaFingerprint(all...); after != before {
				t.Errorf("%s: a refused %s upload changed the media:\n%s\n→\n%s", who, purpose, before, after)
			}
		}
	}

	// Deleting: one's own unused upload only. Everyone else tries every
	// upload while they all still exist, then each owner deletes theirs.
	for _, who := range visitors {
		for _, owner := range visitors {
			id := ids[owner]
			if id == "" || owner == who {
				continue
			}
			before := w.mediaFingerprint(all...)
			res, _ := w.postIn("/media/"+id+"/delete", tokens[who], models.LangEN, url.Values{})
			want := 404 // another's image does not exist for them
			if who == "anonymous" {
				want = 401
			}
			if res.StatusCode != want {
				t.Errorf("%s deletes %s's upload: %d, want %d", who, owner, res.StatusCode, want)
			}
			if w.mediaFingerprint(all...) != before {
				t.Errorf("%s: a refused delete of %s's upload changed the media", who, owner)
			}
		}
	}
	for _, owner := range visitors {
		if id := ids[owner]; id != "" {
			if res, _ := w.postIn("/media/"+id+"/delete", tokens[owner], models.LangEN, url.Values{}); res.StatusCode != 204 {
				t.Errorf("%s deletes their own upload: %d, want 204", owner, res.StatusCode)
			}
		}
	}

	// The logo: the manager sets it (an upload for the logo), then removes
	// it; everyone else is refused, and the organisation keeps its logo.
	code, out := w.upload(tokens["member"], models.LangEN, models.PurposeLogo, img, true)
	if code != 201 {
		t.Fatalf("the logo's upload: %d %v", code, out)
	}
	logo := out["id"].(string)
	logoMatrix := [7]int{303, 403, 303, 404, 403, 403, 403} // the member is its manager; a creator, the staff, a reviewer may not; orgless has none
	for i, who := range visitors {
		before := w.mediaFingerprint(all...)
		res, body := w.postIn("/org/logo", tokens[who], models.LangEN, url.Values{"logo_id": {logo}, "logo_id_sent": {"1"}})
		if res.StatusCode != logoMatrix[i] {
			t.Errorf("%s sets the logo: %d, the matrix says %d\n%.300s", who, res.StatusCode, logoMatrix[i], text(body))
		}
		if res.StatusCode != 303 && w.mediaFingerprint(all...) != before {
			t.Errorf("%s: a refused logo changed the media", who)
		}
	}
	o, err := w.svc.Orgs.Get(w.ctx, member, member.OrgID)
	w.must(err)
	if o.LogoID != logo {
		t.Fatalf("the logo is %q, want %q", o.LogoID, logo)
	}
	page := w.page("/org", tokens["member"], models.LangZH)
	if !strings.Contains(page, `id="org-logo" src="/media/`+logo+`/thumb"`) || !strings.Contains(page, `name="logo_id" value="`+logo+`"`) {
		t.Errorf("the org page does not show the logo")
	}
	res, _ := w.postIn("/org/logo", tokens["member"], models.LangEN, url.Values{"logo_id_sent": {"1"}})
	if res.StatusCode != 303 {
		t.Fatalf("removing the logo: %d", res.StatusCode)
	}
	if o, _ = w.svc.Orgs.Get(w.ctx, member, member.OrgID); o.LogoID != "" {
		t.Errorf("the logo stays after its removal: %q", o.LogoID)
	}
	if _, err := w.st.Medium(w.ctx, logo); !models.IsCode(err, models.CodeNotFound) {
		t.Errorf("a removed logo's image is kept: %v", err)
	}
}

// TestUploadRefusalsInThePagesLanguage: what is not an image, and a
// missing file, are refused with a message in the page's language.
func TestUploadRefusalsInThePagesLanguage(t *testing.T) {
	w := newRealWorld(t, withImages(t))
	_, email := w.user("李明", models.RoleCreator)
	auth, err := w.svc.Accounts.Login(w.ctx, models.LoginInput{Email: email, Password: testPassword}, models.ClientInfo{Addr: "10.0.0.1"})
	w.must(err)
	for lang, want := range map[string]string{models.LangZH: "不支持此文件格式", models.LangEN: "not an image we accept"} {
		code, out := w.upload(auth.Token, lang, models.PurposeWork, []byte("<html><script>alert(1)</script></html>"), true)
		if msg, _ := out["error"].(string); code != 415 || !strings.Contains(msg, want) {
			t.Errorf("%s: %d %v", lang, code, out)
		}
		code, out = w.upload(auth.Token, lang, "poster", testImage(t, color.Black), true)
		if msg, _ := out["error"].(string); code != 422 || msg == "" || lang == models.LangZH && len(englishWords(msg)) > 0 {
			t.Errorf("%s, a wrong purpose: %d %v", lang, code, out)
		}
	}
}

// TestWorkImagesFromTheForm: the work's form saves the picker's ids in
// their order (the first the cover), keeps them when a form has no picker,
// and the profile shows them as a gallery, lazy and sized, to an
// organisation, with the photo at the top and in the search results.
func TestWorkImagesFromTheForm(t *testing.T) {
	w := newRealWorld(t, withImages(t))
	bureau, _ := w.user("王审核", models.RoleBureau)
	_, _, memberEmail := w.org(bureau, "星河数字工作室", models.OrgEnterprise, models.StatusVerified, "")
	creator, creatorEmail := w.user("李明", models.RoleCreator)
	tokenOf := func(email string) string {
		auth, err := w.svc.Accounts.Login(w.ctx, models.LoginInput{Email: email, Password: testPassword}, models.ClientInfo{Addr: "10.0.0.1"})
		w.must(err)
		return auth.Token
	}
	ct, mt := tokenOf(creatorEmail), tokenOf(memberEmail)
	_, err := w.svc.Talents.Create(w.ctx, creator, models.TalentInput{Name: "李明", Headline: "原画师", Skills: []string{"原画"},
		Visibility: models.VisibilityOrgs, Works: []models.WorkInput{{Title: "山海经角色集"}}})
	w.must(err)
	up := func(purpose string, c color.Color) string {
		code, out := w.upload(ct, models.LangZH, purpose, testImage(t, c), true)
		if code != 201 {
			t.Fatalf("upload: %d %v", code, out)
		}
		return out["id"].(string)
	}
	a, b := up(models.PurposeWork, color.RGBA{255, 0, 0, 255}), up(models.PurposeWork, color.RGBA{0, 0, 255, 255})
	avatar := up(models.PurposeAvatar, color.RGBA{0, 128, 0, 255})

	res, body := w.postIn("/me/profile/works/0", ct, models.LangZH, url.Values{"title": {"山海经角色集"}, "images": {b, a}, "images_sent": {"1"}})
	if res.StatusCode != 303 {
		t.Fatalf("saving the work: %d %.500s", res.StatusCode, text(body))
	}
	tal, err := w.svc.Talents.Get(w.ctx, creator, creator.ID)
	w.must(err)
	if got := tal.Works[0].Images; !slices.Equal(got, []string{b, a}) {
		t.Fatalf("the work's images: %v, want %v", got, []string{b, a})
	}
	// A form without the picker (an older page) leaves them.
	w.postIn("/me/profile/works/0", ct, models.LangZH, url.Values{"title": {"山海经角色集（修订）"}})
	tal, _ = w.svc.Talents.Get(w.ctx, creator, creator.ID)
	if got := tal.Works[0].Images; !slices.Equal(got, []string{b, a}) || tal.Works[0].Title != "山海经角色集（修订）" {
		t.Fatalf("a form without the picker changed the images: %v", got)
	}
	// The photo, from the profile's form.
	form := url.Values{"version": {fmt.Sprint(tal.Version)}, "avatar_id": {avatar}, "avatar_id_sent": {"1"}}
	for k, v := range profileForm(tal, creator) {
		if k != "avatar_id" && k != "industries" && k != "languages" {
			form.Set(k, v)
		}
	}
	if res, body := w.postIn("/me/profile", ct, models.LangZH, form); res.StatusCode != 303 {
		t.Fatalf("saving the photo: %d %.800s", res.StatusCode, text(body))
	}
	tal, _ = w.svc.Talents.Get(w.ctx, creator, creator.ID)
	if tal.AvatarID != avatar || !slices.Equal(tal.Works[0].Images, []string{b, a}) {
		t.Fatalf("after the profile's save: avatar %q, images %v", tal.AvatarID, tal.Works[0].Images)
	}

	// The editor shows the pickers with the images in order.
	edit := w.page("/me/profile", ct, models.LangZH)
	picked := regexp.MustCompile(`name="images" value="([0-9a-f]{24})"`).FindAllStringSubmatch(edit, -1)
	if len(picked) != 2 || picked[0][1] != b || picked[1][1] != a {
		t.Errorf("the editor's picker: %v", picked)
	}
	// An organisation sees the gallery, the photo, and the cover in search.
	for _, lang := range []string{models.LangZH, models.LangEN} {
		page := w.page("/talents/"+tal.ID, mt, lang)
		thumbs := regexp.MustCompile(`<a href="/media/([0-9a-f]{24})/large" class="gallery-link"[^>]*>\s*<img src="/media/([0-9a-f]{24})/thumb" width="400" height="400" loading="lazy" alt="[^"]+">`).FindAllStringSubmatch(page, -1)
		if len(thumbs) != 2 || thumbs[0][1] != b || thumbs[1][1] != a || thumbs[0][2] != b {
			t.Errorf("%s: the gallery: %v", lang, thumbs)
		}
		if !strings.Contains(page, `class="avatar avatar-l" src="/media/`+avatar+`/thumb"`) || !strings.Contains(page, `id="lightbox"`) {
			t.Errorf("%s: no photo or no lightbox on the profile", lang)
		}
		results := w.page("/talents?q="+url.QueryEscape("原画"), mt, lang)
		if !strings.Contains(results, `src="/media/`+avatar+`/thumb"`) || !strings.Contains(results, `class="hit-cover" src="/media/`+b+`/thumb"`) {
			t.Errorf("%s: the search result has no photo or cover: %.1500s", lang, section(results, "ul", "results"))
		}
	}
	// Taking an image off the work removes it.
	w.postIn("/me/profile/works/0", ct, models.LangZH, url.Values{"title": {"山海经角色集"}, "images": {a}, "images_sent": {"1"}})
	if _, err := w.st.Medium(w.ctx, b); !models.IsCode(err, models.CodeNotFound) {
		t.Errorf("an image taken off the work is kept: %v", err)
	}
}
