package server

import (
	"errors"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// importBodyLimit is the largest import request: the file's own limit
// (20 MiB, package intake) and the form around it.
const importBodyLimit = 20<<20 + 256<<10

// isImport reports whether a request uploads a spreadsheet (the API's or
// the web UI's form).
func isImport(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodPost && (strings.HasPrefix(c.Path(), "/api/v1/imports/") || c.Path() == "/imports")
}

// requestLanguage is the language of messages meant for a person: the
// account's, else the request's Accept-Language.
func requestLanguage(c *fiber.Ctx) string {
	if u := userOf(c); u != nil && u.Language != "" {
		return u.Language
	}
	return models.BrowserLanguage(c.Get(fiber.HeaderAcceptLanguage))
}

// handleImport answers POST /imports/{kind}: the report, 200 when the file
// was applied (or, dry, could be), 422 with the report and the error when a
// row has a problem and nothing changed.
func (s *Server) handleImport(c *fiber.Ctx) error {
	q := parseQuery(c, "dry_run")
	dry := q.Bool("dry_run")
	if err := q.err(); err != nil {
		return err
	}
	f, file, fields, err := formFile(c, "a spreadsheet is sent", "an import", "must be one XLSX or CSV file", "on_behalf")
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, importBodyLimit+1))
	if err != nil {
		return models.Errorf(models.CodeBadRequest, "the uploaded file cannot be read")
	}
	in := models.ImportInput{Kind: c.Params("kind"), File: file.Filename, Data: data, DryRun: dry != nil && *dry,
		Lang: requestLanguage(c), OnBehalf: fields["on_behalf"]}
	rep, err := s.cfg.Imports.Import(c.UserContext(), userOf(c), in)
	if rep == nil {
		if err == nil {
			err = models.Internal("server.handleImport", errNoReport)
		}
		return err
	}
	s.translateReport(rep, in.Lang)
	if err == nil {
		return c.JSON(rep)
	}
	body := struct {
		*models.ImportReport
		Error errorDetail `json:"error"`
	}{rep, errorDetail{Code: models.ErrorCode(err), Message: models.ErrorMessage(err), RequestID: requestIDOf(c)}}
	return c.Status(models.ErrorCode(err).HTTPStatus()).JSON(body)
}

var errNoReport = errors.New("an import answered neither a report nor an error")

// translateReport puts the report's messages in lang: a rule in the
// reader's language when the server has the words for it.
func (s *Server) translateReport(rep *models.ImportReport, lang string) {
	if s.cfg.RuleText == nil || lang == models.LangEN {
		return
	}
	for i, e := range rep.Errors {
		if t := s.cfg.RuleText(lang, e.Code, e.Param); t != "" {
			rep.Errors[i].Message = t
		}
	}
}

// handleImportTemplate answers GET /imports/templates/{kind}.xlsx.
func (s *Server) handleImportTemplate(c *fiber.Ctx) error {
	q := parseQuery(c, "lang")
	lang := q.Enum("lang", models.LangZH, models.LangEN)
	if err := q.err(); err != nil {
		return err
	}
	kind, ok := strings.CutSuffix(c.Params("file"), ".xlsx")
	if !ok {
		return models.Errorf(models.CodeNotFound, "templates are XLSX files: /imports/templates/{kind}.xlsx")
	}
	l := requestLanguage(c)
	if len(lang) > 0 {
		l = lang[0]
	}
	b, err := s.cfg.Imports.Template(c.UserContext(), userOf(c), kind, l)
	if err != nil {
		return err
	}
	return sendFile(c, xlsxType, "talenthub-"+kind+".xlsx", b)
}

// handleImports answers GET /imports: the imports the caller may see.
func (s *Server) handleImports(c *fiber.Ctx) error {
	q := parseQuery(c)
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	l, err := s.cfg.Imports.List(c.UserContext(), userOf(c), page)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

// handleImportProgress answers GET /imports/progress: how far the
// caller's running import is (the web page polls it while it waits).
func (s *Server) handleImportProgress(c *fiber.Ctx) error {
	if err := parseQuery(c).err(); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	p, err := s.cfg.Imports.Progress(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// handleIdentity answers GET /talents/{id}/identity.
func (s *Server) handleIdentity(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	v, err := s.cfg.Talents.Identity(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// handleIdentityLink answers PUT /talents/{id}/identity.
func (s *Server) handleIdentityLink(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in models.IdentityInput
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := s.cfg.Talents.LinkIdentity(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// importTimeout bounds an import request (and a recount's).
const importTimeout = 5 * time.Minute
