package web

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// The web UI's images: uploads from its pages (POST /media, with the
// session cookie and the CSRF token, answering JSON to the page's script),
// and the ids its forms send back in hidden fields. The images themselves
// are served at /media/{id}/{size} by the server, beside the pages.

// mediaAnswer is what an upload answers the page's script.
type mediaAnswer struct {
	ID       string `json:"id"`
	ThumbURL string `json:"thumb_url"`
	URL      string `json:"url"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
}

// mediaUpload answers POST /media: a multipart form with the image in
// file and its purpose (work, avatar, logo or cover). Refusals are JSON
// too, with a message in the page's language.
func (w *Web) mediaUpload(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	u, lang := userOf(c), langOf(c)
	if u == nil {
		return w.mediaRefusal(c, lang, models.Errorf(models.CodeUnauthenticated, "sign in first"))
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return w.mediaRefusal(c, lang, models.FieldProblem(models.CodeValidation, "file", models.RuleRequired, "", "must be one image file"))
	}
	f, err := fh.Open()
	if err != nil {
		return w.mediaRefusal(c, lang, models.Errorf(models.CodeBadRequest, "the uploaded file cannot be read"))
	}
	defer f.Close()
	m, err := w.cfg.Media.Upload(c.UserContext(), u, c.FormValue("purpose"), f)
	if err != nil {
		return w.mediaRefusal(c, lang, err)
	}
	m = m.WithURLs()
	return c.Status(fiber.StatusCreated).JSON(mediaAnswer{ID: m.ID, ThumbURL: m.ThumbURL, URL: m.URL, Width: m.Width, Height: m.Height})
}

// mediaDelete answers POST /media/:id/delete: the script removes an
// upload the form has not saved (one a saved form stops naming is removed
// by the save). 204, or a refusal as JSON.
func (w *Web) mediaDelete(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	u, lang := userOf(c), langOf(c)
	if u == nil {
		return w.mediaRefusal(c, lang, models.Errorf(models.CodeUnauthenticated, "sign in first"))
	}
	if err := w.cfg.Media.Delete(c.UserContext(), u, c.Params("id")); err != nil {
		return w.mediaRefusal(c, lang, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// mediaRefusal answers a refused upload: its status and what is wrong in
// the page's language.
func (w *Web) mediaRefusal(c *fiber.Ctx, lang string, err error) error {
	code := models.ErrorCode(err)
	var msg string
	switch code {
	case models.CodeUnsupportedMediaType:
		msg = w.tr.t(lang, "media.err_type")
	case models.CodeTooLarge:
		msg = w.tr.t(lang, "media.err_size")
	case models.CodeUnauthenticated:
		msg = w.tr.t(lang, "media.err_signin")
	case models.CodeValidation:
		msg = w.tr.t(lang, "media.err_file")
		if _, ok := models.ErrorFields(err)["purpose"]; ok {
			msg = w.refusalText(lang, err)
		}
	case models.CodeInternal, "":
		w.log.ErrorContext(c.UserContext(), "web: an image upload failed", "error", err)
		msg = w.tr.t(lang, "form.code."+string(models.CodeInternal))
	default:
		msg = w.refusalText(lang, err)
	}
	return c.Status(code.HTTPStatus()).JSON(fiber.Map{"error": msg})
}

// coverOf is a profile's cover: the first image of its first work that
// has images, or "".
func coverOf(t *models.Talent) string {
	if t == nil {
		return ""
	}
	for _, wk := range t.Works {
		if len(wk.Images) > 0 {
			return wk.Images[0]
		}
	}
	return ""
}

// idsOf is a list of the one id given, or an empty list.
func idsOf(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}

// sent reports whether a form carried a field (an image picker's marker:
// a form without the picker leaves the images as they are).
func sent(c *fiber.Ctx, name string) bool { return c.Context().PostArgs().Has(name) }

// imagesOf reads the image ids of a form's picker (name, and its marker
// name+"_sent"): the ids in the order sent, or keep when the form had no
// picker.
func imagesOf(c *fiber.Ctx, name string, keep []string) []string {
	if !sent(c, name+"_sent") {
		return slices.Clone(keep)
	}
	ids := valuesOf(c, name)
	if ids == nil {
		ids = []string{}
	}
	return ids
}

// imageOf reads the one image id of a picker (an avatar, a logo, a
// cover): nil when the form had no picker.
func imageOf(c *fiber.Ctx, name string) *string {
	if !sent(c, name+"_sent") {
		return nil
	}
	id := ""
	if ids := valuesOf(c, name); len(ids) > 0 {
		id = ids[len(ids)-1]
	}
	return &id
}

// logoSave answers POST /org/logo: a manager sets or removes the
// organisation's logo (an image uploaded for it, or "" to remove it).
func (w *Web) logoSave(c *fiber.Ctx, p *page) (string, error) {
	if p.User.OrgID == "" {
		return "", models.Errorf(models.CodeNotFound, "no organisation")
	}
	id := ""
	if v := imageOf(c, "logo_id"); v != nil {
		id = *v
	}
	if _, err := w.cfg.Orgs.SetLogo(c.UserContext(), p.User, p.User.OrgID, models.LogoInput{LogoID: id}); err != nil {
		if w.formErrors(p, err) {
			p.Form = map[string]string{}
			name, err2 := w.orgHome(c, p)
			if err2 != nil {
				return "", err2
			}
			return name, nil
		}
		return "", err
	}
	flash := "flash.logo_saved"
	if id == "" {
		flash = "flash.logo_removed"
	}
	return w.redirect(c, "/org#logo", flash)
}
