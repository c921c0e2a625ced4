package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/service"
)

// testPNG encodes a w×h image with a gradient (so that it is not blank).
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, gradient(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{R: uint8(x * 255 / w), G: uint8(y * 255 / h), B: 128, A: 255})
		}
	}
	return img
}

// jpegWithExif is a JPEG whose APP1 segment holds Exif data naming a
// camera serial and a GPS position as text, as a phone's photo would.
func jpegWithExif(t *testing.T, secret string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, gradient(64, 48), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00"), []byte(secret)...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, b.Bytes()[:2]...)
	out = append(out, seg...)
	return append(out, b.Bytes()[2:]...)
}

// upload posts a multipart form with the file and the other fields.
func (e *env) upload(token string, file []byte, fields ...string) resp {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if file != nil {
		fw, err := mw.CreateFormFile("file", "photo.png")
		if err != nil {
			e.t.Fatal(err)
		}
		fw.Write(file)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	mw.Close()
	return e.call("POST", "/api/v1/media", token, body.Bytes(), "Content-Type", mw.FormDataContentType())
}

func TestMediaUploadServeAndVisibility(t *testing.T) {
	w := newWorld(t)
	e := w.e
	tok := w.tokens[creator]

	r := e.upload(tok, testPNG(t, 2400, 1200))
	check(t, "upload a work's image", r, 201, "")
	id := r.str("id")
	if r.str("purpose") != "work" || r.num("width") != 1600 || r.num("height") != 800 || r.num("thumb_width") != 400 ||
		r.str("url") != "/media/"+id+"/large" || r.str("thumb_url") != "/media/"+id+"/thumb" || r.header.Get("Location") != "/media/"+id+"/large" {
		t.Fatalf("the upload's answer: %s", r.raw)
	}
	img := e.call("GET", "/media/"+id+"/thumb", tok, nil)
	if img.status != 200 || !strings.HasPrefix(img.header.Get("Content-Type"), "image/") ||
		img.header.Get("Cache-Control") != "private, no-cache" || img.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("the owner's thumbnail: %d %v", img.status, img.header)
	}
	if cfg, _, err := image.DecodeConfig(strings.NewReader(img.raw)); err != nil || cfg.Width != 400 || cfg.Height != 200 {
		t.Fatalf("the thumbnail decodes as %+v, %v", cfg, err)
	}
	if again := e.call("GET", "/media/"+id+"/thumb", tok, nil, "If-None-Match", img.header.Get("ETag")); again.status != 304 {
		t.Fatalf("a cached thumbnail asked again: %d", again.status)
	}
	// Until a profile shows it, only its owner sees it.
	for _, who := range []role{anon, creator2, member, bureau} {
		check(t, "an unused upload to "+roleNames[who], e.call("GET", "/media/"+id+"/large", w.tokens[who], nil), 404, "not_found")
	}

	// On talent A's work (visible to organisations): organisations see it,
	// another creator and anonymous visitors do not.
	works := []map[string]any{{"title": "山海经角色", "images": []string{id}}}
	r = e.call("PATCH", "/api/v1/talents/"+w.talentA, tok, map[string]any{"works": works})
	check(t, "show it on a work", r, 200, "")
	for who, want := range map[role]int{anon: 404, creator2: 404, member: 200, member2: 200, bureau: 200} {
		if got := e.call("GET", "/media/"+id+"/thumb", w.tokens[who], nil).status; got != want {
			t.Errorf("the work's image to %s: %d, want %d", roleNames[who], got, want)
		}
	}
	check(t, "delete an image in use", e.call("DELETE", "/api/v1/media/"+id, tok, nil), 409, "conflict")
	seen := e.call("GET", "/media/"+id+"/thumb", w.tokens[member], nil)
	if again := e.call("GET", "/media/"+id+"/thumb", w.tokens[member], nil, "If-None-Match", seen.header.Get("ETag")); again.status != 304 || again.raw != "" {
		t.Fatalf("the organisation's copy asked again: %d, %d bytes", again.status, len(again.raw))
	}
	// Made private, the profile's images are the creator's alone, also for
	// a browser that kept them: it asks before each use (no-cache).
	check(t, "make the profile private", e.call("PATCH", "/api/v1/talents/"+w.talentA, tok, map[string]any{"visibility": "private"}), 200, "")
	check(t, "a private profile's image to an organisation", e.call("GET", "/media/"+id+"/thumb", w.tokens[member], nil), 404, "not_found")
	check(t, "a private profile's image to an organisation that kept it",
		e.call("GET", "/media/"+id+"/thumb", w.tokens[member], nil, "If-None-Match", seen.header.Get("ETag")), 404, "not_found")
	check(t, "the owner still sees it", e.call("GET", "/media/"+id+"/thumb", tok, nil), 200, "")

	// Another creator cannot put my image on their profile, nor an avatar
	// on a work.
	r = e.call("PATCH", "/api/v1/talents/"+w.talentB, w.tokens[creator2], map[string]any{"works": works})
	check(t, "another's image on my work", r, 422, "validation_failed")
	if _, ok := r.errFields()["works[0].images[0]"]; !ok {
		t.Errorf("the field named: %s", r.raw)
	}
	av := e.upload(tok, testPNG(t, 50, 50), "purpose", "avatar")
	check(t, "upload a photo", av, 201, "")
	r = e.call("PATCH", "/api/v1/talents/"+w.talentA, tok, map[string]any{"works": []map[string]any{{"title": "x", "images": []string{av.str("id")}}}})
	check(t, "a photo as a work's image", r, 422, "validation_failed")
	check(t, "the photo as the avatar", e.call("PATCH", "/api/v1/talents/"+w.talentA, tok, map[string]any{"avatar_id": av.str("id")}), 200, "")

	// Taken off the work, the image is gone, for its owner too.
	check(t, "take the image off the work", e.call("PATCH", "/api/v1/talents/"+w.talentA, tok, map[string]any{"works": []map[string]any{{"title": "山海经角色"}}}), 200, "")
	check(t, "the image taken off", e.call("GET", "/media/"+id+"/large", tok, nil), 404, "not_found")
	mine := e.call("GET", "/api/v1/media", tok, nil)
	if mine.status != 200 || mine.num("total") != 1 {
		t.Fatalf("my uploads after: %s", mine.raw)
	}
	// The export lists what the creator uploaded.
	x := e.call("GET", "/api/v1/talents/"+w.talentA+"/export", tok, nil)
	if ms, _ := x.body["media"].([]any); len(ms) != 1 {
		t.Fatalf("the export's media: %v", x.body["media"])
	}
}

func TestMediaNoMetadataServed(t *testing.T) {
	w := newWorld(t)
	e := w.e
	const secret = "GPS 22.5431N 114.0579E SERIAL-12345"
	r := e.upload(w.tokens[creator], jpegWithExif(t, secret))
	check(t, "upload a photo with Exif", r, 201, "")
	for _, size := range []string{"large", "thumb"} {
		img := e.call("GET", "/media/"+r.str("id")+"/"+size, w.tokens[creator], nil)
		if img.status != 200 || strings.Contains(img.raw, "SERIAL-12345") || strings.Contains(img.raw, "Exif") || strings.Contains(img.raw, "22.5431") {
			t.Fatalf("%s: %d, metadata served: %v", size, img.status, strings.Contains(img.raw, "SERIAL"))
		}
	}
}

func TestMediaHostileUploads(t *testing.T) {
	w := newWorld(t)
	e := w.e
	tok := w.tokens[creator]
	// A PNG header claiming 30000×30000 in a few bytes.
	bomb := testPNG(t, 1, 1)
	binary.BigEndian.PutUint32(bomb[16:], 30000)
	binary.BigEndian.PutUint32(bomb[20:], 30000)
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29])) // the IHDR chunk's CRC
	var jpg bytes.Buffer
	jpeg.Encode(&jpg, gradient(8, 8), nil)
	polyglot := append(append([]byte{}, jpg.Bytes()...), []byte("<html><script>alert(1)</script></html>")...)
	big := append(testPNG(t, 4, 4), bytes.Repeat([]byte{0}, 11<<20)...)
	for _, c := range []struct {
		name   string
		file   []byte
		fields []string
		status int
		code   string
	}{
		{"an SVG with a script", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), nil, 415, "unsupported_media_type"},
		{"HTML", []byte("<!doctype html><html><body>hi</body></html>"), nil, 415, "unsupported_media_type"},
		{"a PDF", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), nil, 415, "unsupported_media_type"},
		{"a JPEG that is also HTML", polyglot, nil, 415, "unsupported_media_type"},
		{"a decompression bomb", bomb, nil, 413, "too_large"},
		{"over 10 MB", big, nil, 413, "too_large"},
		{"no file", nil, []string{"purpose", "work"}, 422, "validation_failed"},
		{"an unknown field", testPNG(t, 4, 4), []string{"owner_id", "x"}, 422, "validation_failed"},
		{"an unknown purpose", testPNG(t, 4, 4), []string{"purpose", "banner"}, 422, "validation_failed"},
		// Two purposes are one too many, as two on_behalf are for an import
		// (the two forms are read by one function).
		{"two purposes", testPNG(t, 4, 4), []string{"purpose", "work", "purpose", "avatar"}, 422, "validation_failed"},
		{"a creator's logo", testPNG(t, 4, 4), []string{"purpose", "logo"}, 403, "forbidden"},
	} {
		check(t, c.name, e.upload(tok, c.file, c.fields...), c.status, c.code)
	}
	check(t, "JSON instead of a form", e.call("POST", "/api/v1/media", tok, map[string]any{"file": "x"}), 415, "unsupported_media_type")
	check(t, "anonymous", e.upload("", testPNG(t, 4, 4)), 401, "unauthenticated")
	if mine := e.call("GET", "/api/v1/media", tok, nil); mine.num("total") != 0 {
		t.Fatalf("refused uploads stored: %s", mine.raw)
	}
	for _, p := range []string{"/media/zzz/thumb", "/media/" + w.talentA + "/original", "/media/" + w.talentA + "/thumb"} {
		check(t, "GET "+p, e.call("GET", p, tok, nil), 404, "not_found")
	}
}

func TestMediaLogoAndCover(t *testing.T) {
	w := newWorld(t)
	e := w.e
	logo := e.upload(w.tokens[member], testPNG(t, 300, 300), "purpose", "logo")
	check(t, "a manager uploads a logo", logo, 201, "")
	plain, _ := w.joined()
	check(t, "a member who is no manager uploads a logo", e.upload(plain, testPNG(t, 300, 300), "purpose", "logo"), 403, "forbidden")
	r := e.call("PUT", "/api/v1/orgs/"+w.o1.ID+"/logo", w.tokens[member], map[string]any{"logo_id": logo.str("id")})
	check(t, "set O1's logo", r, 200, "")
	if r.str("logo_id") != logo.str("id") {
		t.Fatalf("the logo: %s", r.raw)
	}
	check(t, "another organisation sees the logo", e.call("GET", "/media/"+logo.str("id")+"/thumb", w.tokens[member2], nil), 200, "")
	check(t, "another organisation's member uses the logo", e.call("PUT", "/api/v1/orgs/"+w.o2.ID+"/logo", w.tokens[member2], map[string]any{"logo_id": logo.str("id")}), 422, "validation_failed")

	cover := e.upload(w.tokens[member], testPNG(t, 800, 450), "purpose", "cover")
	check(t, "a cover", cover, 201, "")
	p := e.call("POST", "/api/v1/projects", w.tokens[member], map[string]any{"title": "封面项目", "kind": "job", "cover_id": cover.str("id")})
	check(t, "a project with a cover", p, 201, "")
	r = e.call("POST", "/api/v1/projects", w.tokens[member], map[string]any{"title": "另一个项目", "kind": "job", "cover_id": cover.str("id")})
	check(t, "a cover another project shows", r, 422, "validation_failed")
	if msg, _ := r.errFields()["cover_id"].(string); !strings.Contains(msg, "elsewhere") {
		t.Errorf("the refusal of a cover shown elsewhere: %s", r.raw)
	}
	check(t, "a creator sees an open project's cover", e.call("GET", "/media/"+cover.str("id")+"/large", w.tokens[creator], nil), 200, "")
	found := e.call("GET", "/api/v1/projects?q="+url.QueryEscape("封面项目"), w.tokens[creator], nil)
	if items, _ := found.body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["org_logo_id"] != logo.str("id") ||
		items[0].(map[string]any)["cover_id"] != cover.str("id") {
		t.Errorf("the project card's logo and cover: %s", found.raw)
	}
	next := e.upload(w.tokens[member], testPNG(t, 800, 450), "purpose", "cover")
	check(t, "replace the cover", e.call("PATCH", "/api/v1/projects/"+p.str("id"), w.tokens[member], map[string]any{"cover_id": next.str("id")}), 200, "")
	check(t, "the replaced cover is gone", e.call("GET", "/media/"+cover.str("id")+"/large", w.tokens[member], nil), 404, "not_found")
	check(t, "delete the project", e.call("DELETE", "/api/v1/projects/"+p.str("id"), w.tokens[member], nil), 204, "")
	check(t, "its cover went with it", e.call("GET", "/media/"+next.str("id")+"/large", w.tokens[member], nil), 404, "not_found")
}

func TestMediaErasedWithTheProfile(t *testing.T) {
	w := newWorld(t)
	e := w.e
	tok, u := w.throwaway(creator)
	check(t, "a profile", e.call("POST", "/api/v1/talents", tok, map[string]any{"name": "E", "visibility": "public"}), 201, "")
	var ids, keys []string
	for i := range 3 {
		r := e.upload(tok, testPNG(t, 20, 20)) // the same bytes each time
		check(t, fmt.Sprint("upload ", i), r, 201, "")
		ids = append(ids, r.str("id"))
		m, err := e.store.Medium(w.ctx(), r.str("id"))
		w.must(err)
		keys = append(keys, m.LargeKey, m.ThumbKey)
	}
	// A small image's two sizes are the same bytes, under one key; two
	// uploads never share one.
	if n := len(slices.Compact(slices.Sorted(slices.Values(keys)))); n != len(ids) && n != len(keys) {
		t.Errorf("identical uploads share blobs: %v", keys)
	}
	check(t, "show two", e.call("PATCH", "/api/v1/talents/"+u.ID, tok, map[string]any{"works": []map[string]any{{"title": "w", "images": ids[:2]}}}), 200, "")
	check(t, "erase", e.call("DELETE", "/api/v1/talents/"+u.ID, tok, nil), 204, "")
	for _, id := range ids {
		if _, err := e.store.Medium(w.ctx(), id); !models.IsCode(err, models.CodeNotFound) {
			t.Errorf("medium %s after the erasure: %v", id, err)
		}
	}
	if ms, err := e.store.OwnerMedia(w.ctx(), u.ID); err != nil || len(ms) != 0 {
		t.Errorf("the owner's media after the erasure: %v %v", ms, err)
	}
	for _, k := range keys {
		if _, err := e.blobs.Get(w.ctx(), k); !models.IsCode(err, models.CodeNotFound) {
			t.Errorf("blob %s after the erasure: %v", k, err)
		}
	}
}

// TestStrayBlobsAreSwept: bytes that no medium names (an upload's blobs
// written before a crash kept its record from being written, a removal
// whose blob delete failed after the record went) are removed by the
// janitor's sweep once an hour old; every named blob stays, whether shown
// or not yet attached, and a young stray (an upload in flight) is left.
func TestStrayBlobsAreSwept(t *testing.T) {
	var clk atomic.Int64 // hours ahead of the real time
	e := newEnv(t, func(c *service.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(clk.Load()) * time.Hour) }
	})
	ctx := context.Background()
	tok, id := e.register("strays@example.com", models.RoleCreator)
	check(t, "a profile", e.call("POST", "/api/v1/talents", tok, map[string]any{"name": "S", "visibility": "public"}), 201, "")
	shown, pending, removed := e.upload(tok, testPNG(t, 30, 20)), e.upload(tok, testPNG(t, 20, 30)), e.upload(tok, testPNG(t, 900, 600))
	for _, r := range []resp{shown, pending, removed} {
		check(t, "upload", r, 201, "")
	}
	check(t, "show one", e.call("PATCH", "/api/v1/talents/"+id, tok, map[string]any{"works": []map[string]any{{"title": "w", "images": []string{shown.str("id")}}}}), 200, "")
	medium := func(r resp) *models.Medium {
		m, err := e.store.Medium(ctx, r.str("id"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	kept := []*models.Medium{medium(shown), medium(pending)}
	// A removal whose blob deletes failed: the record is gone, the bytes not.
	gone := medium(removed)
	if err := e.store.DeleteMedium(ctx, gone); err != nil {
		t.Fatal(err)
	}
	// An upload cut off between its blob and its record.
	crashed := testPNG(t, 40, 10)
	sum := sha256.Sum256(crashed)
	crashedKey := hex.EncodeToString(sum[:])
	if err := e.blobs.Put(ctx, crashedKey, crashed); err != nil {
		t.Fatal(err)
	}
	if n, err := e.svc.Media.SweepStrayBlobs(ctx); err != nil || n != 0 {
		t.Fatalf("a sweep within the hour removed %d (%v)", n, err)
	}
	clk.Store(2)
	// A small image's two sizes may be the same bytes, one blob.
	want := len(slices.Compact([]string{gone.LargeKey, gone.ThumbKey})) + 1
	if n, err := e.svc.Media.SweepStrayBlobs(ctx); err != nil || n != want {
		t.Fatalf("a sweep two hours later removed %d (%v), want %d (the removed image's blobs, the crashed upload)", n, err, want)
	}
	for _, k := range []string{gone.LargeKey, gone.ThumbKey, crashedKey} {
		if _, err := e.blobs.Get(ctx, k); !models.IsCode(err, models.CodeNotFound) {
			t.Errorf("stray blob %s after the sweep: %v", k, err)
		}
	}
	for _, m := range kept {
		for _, k := range []string{m.LargeKey, m.ThumbKey} {
			if _, err := e.blobs.Get(ctx, k); err != nil {
				t.Errorf("blob %s of medium %s after the sweep: %v", k, m.ID, err)
			}
		}
	}
	if r := e.call("GET", "/media/"+shown.str("id")+"/large", tok, nil); r.status != 200 {
		t.Errorf("the shown image after the sweep: %d", r.status)
	}
	if n, err := e.svc.Media.SweepStrayBlobs(ctx); err != nil || n != 0 {
		t.Errorf("a second sweep removed %d (%v)", n, err)
	}
}

// failingPuts is a blob store whose Puts fail once armed (a disk filling
// up between an upload's two sizes).
type failingPuts struct {
	models.BlobStore
	puts, failFrom atomic.Int64 // the Put that fails first (1-based), 0: none
}

func (f *failingPuts) Put(ctx context.Context, key string, data []byte) error {
	if n := f.puts.Add(1); f.failFrom.Load() != 0 && n >= f.failFrom.Load() {
		return &models.Error{Code: models.CodeStorageFull, Message: "the server's storage is full; the image was not saved"}
	}
	return f.BlobStore.Put(ctx, key, data)
}

// TestAnUploadThatFailsLeavesNoBytes: an upload whose second size cannot
// be written answers with the storage's error, and leaves neither a record
// nor the first size's bytes; once space is back the same upload works.
func TestAnUploadThatFailsLeavesNoBytes(t *testing.T) {
	var blobs *failingPuts
	e := newEnv(t, func(c *service.Config) {
		blobs = &failingPuts{BlobStore: c.Blobs}
		c.Blobs = blobs
	})
	ctx := context.Background()
	tok, id := e.register("full@example.com", models.RoleCreator)
	blobs.failFrom.Store(2) // the first Put of the upload below works, the second fails
	check(t, "an upload onto a full disk", e.upload(tok, testPNG(t, 900, 600)), 507, "storage_full")
	var left []string
	if err := e.blobs.Keys(ctx, func(k string, _ time.Time) error { left = append(left, k); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("the failed upload left %d blobs: %v", len(left), left)
	}
	if ms, err := e.store.OwnerMedia(ctx, id); err != nil || len(ms) != 0 {
		t.Errorf("the failed upload left records: %v %v", ms, err)
	}
	blobs.failFrom.Store(0)
	r := e.upload(tok, testPNG(t, 900, 600))
	check(t, "the same upload with space again", r, 201, "")
	if r := e.call("GET", "/media/"+r.str("id")+"/large", tok, nil); r.status != 200 {
		t.Errorf("the upload made with space again: %d", r.status)
	}
}

// num reads a number of the answer.
func (r resp) num(key string) int {
	f, _ := r.body[key].(float64)
	return int(f)
}

// TestOrphanUploadsAreSwept: an upload nothing names within a day is
// removed by the janitor's sweep (its document and both sizes' bytes); one
// a work shows stays, and a fresh orphan is left its day.
func TestOrphanUploadsAreSwept(t *testing.T) {
	var clk atomic.Int64 // hours ahead of the real time
	e := newEnv(t, func(c *service.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(clk.Load()) * time.Hour) }
	})
	tok, id := e.register("orphans@example.com", models.RoleCreator)
	check(t, "a profile", e.call("POST", "/api/v1/talents", tok, map[string]any{"name": "O", "visibility": "public"}), 201, "")
	shown, orphan := e.upload(tok, testPNG(t, 30, 20)), e.upload(tok, testPNG(t, 20, 30))
	check(t, "upload", shown, 201, "")
	check(t, "upload", orphan, 201, "")
	check(t, "show one", e.call("PATCH", "/api/v1/talents/"+id, tok, map[string]any{"works": []map[string]any{{"title": "w", "images": []string{shown.str("id")}}}}), 200, "")
	m, err := e.store.Medium(context.Background(), orphan.str("id"))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.svc.Media.SweepOrphans(context.Background()); err != nil || n != 0 {
		t.Fatalf("a sweep within the day removed %d (%v)", n, err)
	}
	clk.Store(25)
	if n, err := e.svc.Media.SweepOrphans(context.Background()); err != nil || n != 1 {
		t.Fatalf("a sweep a day later removed %d (%v), want the orphan", n, err)
	}
	if _, err := e.store.Medium(context.Background(), orphan.str("id")); !models.IsCode(err, models.CodeNotFound) {
		t.Errorf("the orphan after the sweep: %v", err)
	}
	for _, k := range []string{m.LargeKey, m.ThumbKey} {
		if _, err := e.blobs.Get(context.Background(), k); !models.IsCode(err, models.CodeNotFound) {
			t.Errorf("the orphan's blob %s after the sweep: %v", k, err)
		}
	}
	if r := e.call("GET", "/media/"+shown.str("id")+"/thumb", tok, nil); r.status != 200 {
		t.Errorf("the shown image after the sweep: %d", r.status)
	}
}
