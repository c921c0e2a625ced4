package server

import (
	"mime"
	"mime/multipart"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// mediaBodyLimit is the largest upload request: the image's own limit
// (10 MB, the processor's) and room for the form around it.
const mediaBodyLimit = 10<<20 + 256<<10

// formFile opens the one file of a multipart request, in the field file;
// besides it the form holds only the fields named, once each. sent, kind
// and fileRule say in the answers what is sent ("an image is sent"), what
// the request is ("an upload") and what the file must be.
func formFile(c *fiber.Ctx, sent, kind, fileRule string, fields ...string) (multipart.File, *multipart.FileHeader, map[string]string, error) {
	ct, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || ct != fiber.MIMEMultipartForm {
		return nil, nil, nil, models.Errorf(models.CodeUnsupportedMediaType, "%s as multipart/form-data with the file in the field file", sent)
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, nil, nil, models.Errorf(models.CodeBadRequest, "the multipart form cannot be read")
	}
	files := form.File["file"]
	if len(files) != 1 {
		return nil, nil, nil, models.FieldProblem(models.CodeValidation, "file", models.RuleRequired, "", fileRule)
	}
	values := map[string]string{}
	for name, v := range form.Value {
		if !slices.Contains(fields, name) || len(v) != 1 {
			return nil, nil, nil, models.FieldProblem(models.CodeValidation, name, models.RuleUnknown, "", "is not a field of "+kind)
		}
		values[name] = v[0]
	}
	for name := range form.File {
		if name != "file" {
			return nil, nil, nil, models.FieldProblem(models.CodeValidation, name, models.RuleUnknown, "", "is not a field of "+kind)
		}
	}
	f, err := files[0].Open()
	if err != nil {
		return nil, nil, nil, models.Errorf(models.CodeBadRequest, "the uploaded file cannot be read")
	}
	return f, files[0], values, nil
}

// handleMediaUpload answers POST /media: a multipart form with the image
// in field file and an optional purpose.
func (s *Server) handleMediaUpload(c *fiber.Ctx) error {
	f, _, fields, err := formFile(c, "an image is sent", "an upload", "must be one image file", "purpose")
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := s.cfg.Media.Upload(c.UserContext(), userOf(c), strings.TrimSpace(fields["purpose"]), f)
	if err != nil {
		return err
	}
	c.Location(m.URL)
	return c.Status(fiber.StatusCreated).JSON(m)
}

// handleMediumDelete answers DELETE /media/{id}.
func (s *Server) handleMediumDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Media.Delete(c.UserContext(), userOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// handleMediumServe answers GET /media/{id}/{size}: the image's bytes, to
// those who may see the object that shows it. An id's bytes never change,
// so a browser keeps them, but asks each time before showing them again
// ("no-cache"; the ETag makes the answer a 304 without bytes): a profile
// made private, a work taken down, must stop showing its images to those
// who saw them before, which a year's "immutable" would not. "private",
// because what one viewer may see another may not.
func (s *Server) handleMediumServe(c *fiber.Ctx) error {
	id, size := c.Params("id"), c.Params("size")
	if !models.ValidID(id) || size != models.SizeLarge && size != models.SizeThumb {
		return models.Errorf(models.CodeNotFound, "no such image")
	}
	m, data, err := s.cfg.Media.Open(c.UserContext(), userOf(c), id, size)
	if err != nil {
		return err
	}
	etag := `"` + m.Key(size) + `"`
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	c.Set(fiber.HeaderETag, etag)
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && strings.Contains(match, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, m.ContentType)
	c.Set("Content-Disposition", "inline")
	return c.Send(data)
}
