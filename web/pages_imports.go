package web

import (
	"io"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// importsData is the import page: the kinds the visitor may import, the
// report of the file just sent (a dry run's row by row), and the imports
// made.
type importsData struct {
	Kinds  []string
	Report *models.ImportReport
	// Problems are the report's errors in the page's language.
	Problems []importProblem
	Past     paged[*models.ImportReport]
	Bureau   bool
}

type importProblem struct {
	Row     int
	Column  string
	Message string
}

// imports shows the page (GET /imports).
func (w *Web) imports(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "imports.title")
	d := &importsData{Bureau: models.Permit(p.User, models.ActImportDirectory) == nil}
	if p.Form == nil {
		p.Form = map[string]string{"kind": models.ImportRecruitments}
	}
	return w.importsPage(c, p, d)
}

func (w *Web) importsPage(c *fiber.Ctx, p *page, d *importsData) (string, error) {
	d.Kinds = []string{models.ImportRecruitments}
	if d.Bureau {
		d.Kinds = models.ImportKinds
	}
	list, err := w.cfg.Imports.List(c.UserContext(), p.User, pageOf(c, 20))
	if err != nil {
		return "", err
	}
	d.Past = paged[*models.ImportReport]{List: list, Pages: pages(list.Total, 20)}
	p.Data = d
	return "imports", nil
}

// importFile checks (action "check") or applies a file (POST /imports).
func (w *Web) importFile(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "imports.title")
	// Who may import is the service's to say, before the file is looked at.
	if _, err := w.cfg.Imports.Progress(c.UserContext(), p.User); err != nil {
		return "", err
	}
	d := &importsData{Bureau: models.Permit(p.User, models.ActImportDirectory) == nil}
	p.Form = map[string]string{"kind": c.FormValue("kind"), "on_behalf": c.FormValue("on_behalf")}
	if !slices.Contains(models.ImportKinds, p.Form["kind"]) {
		p.Form["kind"] = models.ImportRecruitments
	}
	in := models.ImportInput{Kind: p.Form["kind"], OnBehalf: p.Form["on_behalf"], DryRun: c.FormValue("action") != "import", Lang: p.Lang}
	fh, err := c.FormFile("file")
	if err == nil {
		f, ferr := fh.Open()
		if ferr == nil {
			in.Data, ferr = io.ReadAll(io.LimitReader(f, 21<<20))
			f.Close()
		}
		in.File, err = fh.Filename, ferr
	}
	if err != nil {
		p.Errors = map[string]string{"file": w.tr.t(p.Lang, "imports.choose_file")}
		p.Status = fiber.StatusUnprocessableEntity
		return w.importsPage(c, p, d)
	}
	rep, err := w.cfg.Imports.Import(c.UserContext(), p.User, in)
	if rep == nil {
		if w.formErrors(p, err) {
			return w.importsPage(c, p, d)
		}
		return "", err
	}
	d.Report = rep
	for _, e := range rep.Errors {
		d.Problems = append(d.Problems, importProblem{Row: e.Row, Column: e.Column, Message: w.ruleText(p.Lang, models.FieldRule{Rule: e.Code, Param: e.Param})})
	}
	if err != nil {
		p.Status = models.ErrorCode(err).HTTPStatus()
	}
	return w.importsPage(c, p, d)
}
