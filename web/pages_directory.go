package web

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// The bureau's directory of organisations: every organisation in every
// state, found by name, kind, district and status, each with its bases.
// It is where the bureau corrects what it verified (a name misspelt, a
// base of the wrong kind): the managers of an organisation may change it
// only until it is verified, so after that the bureau is the only way,
// and its correction keeps the verification and moves the figures at once.

// directoryPerPage is the number of organisations on a page of the
// directory.
const directoryPerPage = 25

// directoryMaxQuery is the longest search of the directory, in characters,
// as long as the API's.
const directoryMaxQuery = 200

// directoryData is a page of the directory.
type directoryData struct {
	Orgs  *models.List[*models.Org]
	Query map[string]string
	Pages []int
}

func (w *Web) directory(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "directory.title")
	q := queryOf(c, "q", "status", "kind", "district")
	dropUnknown(q, p.Tax, map[string]string{"kind": "org_kinds", "district": "districts"})
	f := models.OrgFilter{Q: q["q"], Kind: nonEmpty(q["kind"]), District: nonEmpty(q["district"]),
		Order: models.OrderNewest, Page: pageOf(c, directoryPerPage)}
	if s := models.Status(q["status"]); s == models.StatusPending || s == models.StatusVerified || s == models.StatusRejected {
		f.Status = []models.Status{s}
	} else {
		delete(q, "status")
	}
	if r := []rune(f.Q); len(r) > directoryMaxQuery {
		// As the box's maxlength does in the browser.
		f.Q = string(r[:directoryMaxQuery])
		q["q"] = f.Q
	}
	list, err := w.cfg.Orgs.List(c.UserContext(), p.User, f)
	if err != nil {
		// A search the index refuses (too many words) is said on the
		// page, which lists nothing.
		if !models.IsCode(err, models.CodeBadRequest) || !w.formErrors(p, err) {
			return "", err
		}
		list = &models.List[*models.Org]{Items: []*models.Org{}, Page: 1}
	}
	p.Data = directoryData{Orgs: list, Query: q, Pages: pages(list.Total, directoryPerPage)}
	return "directory", nil
}

// directoryOrgData is one organisation in the directory.
type directoryOrgData struct {
	Org     *models.Org
	Members []models.Member
	Bases   []*models.Base
	// BaseNotes say, by base id, which targets do not count a verified
	// base and why; OrgNames name the organisations the bases name.
	BaseNotes map[string][]string
	OrgNames  map[string]string
	// DecidedBy names the officers who decided the organisation and its
	// bases, by account id.
	DecidedBy map[string]string
	// CanEdit says that the user may correct the organisation (the bureau;
	// an admin reads); EditableBases are the bases it may correct, each
	// with the prefix of its form's fields.
	CanEdit       bool
	EditableBases []editableBase
}

func (w *Web) directoryOrg(c *fiber.Ctx, p *page) (string, error) {
	ctx := c.UserContext()
	o, err := w.cfg.Orgs.Get(ctx, p.User, c.Params("id"))
	if err != nil {
		return "", err
	}
	p.Title = o.Name
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	d := directoryOrgData{Org: o, CanEdit: models.Authorize(p.User, models.ActUpdate, o.Resource()) == nil}
	if d.CanEdit {
		fillOrgForm(p.Form, o)
	}
	if d.Members, err = w.cfg.Orgs.Members(ctx, p.User, o.ID); err != nil {
		return "", err
	}
	bases, err := w.cfg.Bases.List(ctx, p.User, models.BaseFilter{OrgID: []string{o.ID}, Page: models.Page{Page: 1, PerPage: models.MaxPerPage}})
	if err != nil {
		return "", err
	}
	d.Bases = bases.Items
	deciders := []string{}
	if o.Decision != nil {
		deciders = append(deciders, o.Decision.By)
	}
	for _, b := range d.Bases {
		if b.Decision != nil {
			deciders = append(deciders, b.Decision.By)
		}
		if models.Authorize(p.User, models.ActUpdate, b.Resource()) == nil {
			d.EditableBases = append(d.EditableBases, editableBase{b, fillBaseForm(p.Form, b)})
		}
	}
	d.OrgNames = w.orgNames(ctx, p.User, map[string]string{o.ID: o.Name}, operatorIDs(d.Bases)...)
	if d.DecidedBy, err = w.cfg.Accounts.Names(ctx, p.User, deciders); err != nil {
		return "", err
	}
	if d.BaseNotes, err = w.baseNotesOf(c, p, o, d.Bases); err != nil {
		return "", err
	}
	p.Data = d
	return "directory_org", nil
}

// directoryOrgUpdate corrects an organisation's details.
func (w *Web) directoryOrgUpdate(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	if err := w.saveOrgForm(c, p, id); err != nil {
		if w.formErrors(p, err) {
			return w.directoryOrg(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/bureau/orgs/"+id, "flash.org_updated")
}

// directoryBaseUpdate corrects a base's details; the page it comes back
// to is the organisation's it was posted from.
func (w *Web) directoryBaseUpdate(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("base")
	b, err := w.cfg.Bases.Get(c.UserContext(), p.User, id)
	if err != nil {
		return "", err
	}
	if !slices.Contains(b.OperatorOrgIDs, c.Params("id")) {
		// The page would come back to an organisation that does not run
		// the base.
		return "", models.Errorf(models.CodeNotFound, "the organisation does not run this base")
	}
	if err := w.saveBaseForm(c, p, id); err != nil {
		if w.baseFormErrors(p, id, err) {
			return w.directoryOrg(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/bureau/orgs/"+c.Params("id")+"#bases", "flash.base_updated")
}
