package web

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// orgHomeData is the organisation's page.
type orgHomeData struct {
	Org     *models.Org
	Members []models.Member
	// Manager says that the user manages the organisation; Invitations
	// are its pending invitations (for its members).
	Manager     bool
	Invitations []models.Invitation
	// MyInvitations are the invitations of a user without an
	// organisation, to accept or decline.
	MyInvitations []models.Invitation
	Bases         []*models.Base
	// BaseNotes say, by base id, which targets do not count a verified
	// base and why.
	BaseNotes map[string][]string
	// OrgNames names the organisations the bases name (operators and
	// co-operators asked), by id.
	OrgNames map[string]string
	// Requests are the bases that name the organisation as co-operator
	// and wait for its answer; CoOperators the verified organisations a
	// new base may name.
	Requests []*models.Base
	// EditableBases are the bases the user may change (those its
	// organisation registered, until the bureau verifies them), each with
	// the prefix of its form's fields.
	EditableBases []editableBase
	CoOperators   []option
	// OperatedBases are the bases the organisation registered, whose
	// co-operators its members ask and remove, each with the verified
	// organisations it may still ask.
	OperatedBases []operatedBase
}

// operatedBase is a base whose co-operators the user manages.
type operatedBase struct {
	*models.Base
	Prefix  string
	Choices []option
}

// editableBase is a base with the prefix of its form's fields on the
// organisation page, which shows one form per base.
type editableBase struct {
	*models.Base
	Prefix string
}

func (w *Web) orgHome(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "org.title")
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	if p.User.OrgID == "" {
		mine, err := w.cfg.Orgs.MyInvitations(c.UserContext(), p.User)
		if err != nil {
			return "", err
		}
		p.Data = orgHomeData{MyInvitations: mine}
		return "org", nil
	}
	o, err := w.cfg.Orgs.Get(c.UserContext(), p.User, p.User.OrgID)
	if err != nil {
		return "", err
	}
	d := orgHomeData{Org: o, Manager: slices.Contains(o.Managers(), p.User.ID)}
	fillOrgForm(p.Form, o)
	if d.Members, err = w.cfg.Orgs.Members(c.UserContext(), p.User, o.ID); err != nil {
		return "", err
	}
	if d.Invitations, err = w.cfg.Orgs.Invitations(c.UserContext(), p.User, o.ID); err != nil {
		return "", err
	}
	if o.Status == models.StatusRejected {
		// A member of a rejected organisation may join another.
		if d.MyInvitations, err = w.cfg.Orgs.MyInvitations(c.UserContext(), p.User); err != nil {
			return "", err
		}
	}
	bases, err := w.cfg.Bases.List(c.UserContext(), p.User, models.BaseFilter{OrgID: []string{o.ID}, Page: models.Page{Page: 1, PerPage: 100}})
	if err != nil {
		return "", err
	}
	d.Bases = bases.Items
	for _, b := range d.Bases {
		if b.Status == models.StatusVerified || models.Authorize(p.User, models.ActUpdate, b.Resource()) != nil {
			continue
		}
		d.EditableBases = append(d.EditableBases, editableBase{b, fillBaseForm(p.Form, b)})
	}
	if d.BaseNotes, err = w.baseNotesOf(c, p, o, d.Bases); err != nil {
		return "", err
	}
	if d.Requests, err = w.cfg.Bases.OperationRequests(c.UserContext(), p.User, o.ID); err != nil {
		return "", err
	}
	d.OrgNames = w.orgNames(c.UserContext(), p.User, map[string]string{o.ID: o.Name}, operatorIDs(slices.Concat(d.Bases, d.Requests))...)
	if o.Status == models.StatusVerified {
		verified, err := w.cfg.Orgs.List(c.UserContext(), p.User, models.OrgFilter{Status: []models.Status{models.StatusVerified},
			Page: models.Page{Page: 1, PerPage: models.MaxPerPage}})
		if err != nil {
			return "", err
		}
		for _, other := range verified.Items {
			if other.ID != o.ID {
				d.CoOperators = append(d.CoOperators, option{Key: other.ID, Label: other.Name})
			}
		}
		slices.SortFunc(d.CoOperators, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
		for _, b := range d.Bases {
			if models.Authorize(p.User, models.ActManageOperators, b.Resource()) != nil {
				continue
			}
			named := slices.Concat(b.OperatorOrgIDs, b.PendingOperatorIDs)
			d.OperatedBases = append(d.OperatedBases, operatedBase{b, baseFormPrefix(b.ID), slices.DeleteFunc(slices.Clone(d.CoOperators),
				func(o option) bool { return slices.Contains(named, o.Key) })})
		}
	}
	p.Data = d
	return "org", nil
}

// orgNames adds to names (by id) the names of the organisations ids
// names that the user may see, each read once; one it may not see is
// named by its id.
func (w *Web) orgNames(ctx context.Context, u *models.User, names map[string]string, ids ...string) map[string]string {
	for _, id := range ids {
		if _, ok := names[id]; ok {
			continue
		}
		names[id] = id
		if o, err := w.cfg.Orgs.Get(ctx, u, id); err == nil {
			names[id] = o.Name
		}
	}
	return names
}

// operatorIDs are the organisations bases name, confirmed or asked.
func operatorIDs(bases []*models.Base) []string {
	var ids []string
	for _, b := range bases {
		ids = append(ids, b.OperatorOrgIDs...)
		ids = append(ids, b.PendingOperatorIDs...)
	}
	return ids
}

// baseNotesOf explains, for each verified base of the organisation, the
// targets that do not count it (an innovation base run by an incubator
// alone): the operators' kinds are read from the organisations it may see.
func (w *Web) baseNotesOf(c *fiber.Ctx, p *page, o *models.Org, bases []*models.Base) (map[string][]string, error) {
	if !slices.ContainsFunc(bases, func(b *models.Base) bool { return b.Status == models.StatusVerified }) {
		return nil, nil
	}
	ts, err := w.cfg.Stats.Progress(c.UserContext(), p.Year)
	if err != nil {
		return nil, err
	}
	kinds := map[string]string{o.ID: o.Kind}
	kindOf := func(id string) string {
		if k, ok := kinds[id]; ok {
			return k
		}
		kinds[id] = ""
		if other, err := w.cfg.Orgs.Get(c.UserContext(), p.User, id); err == nil {
			kinds[id] = other.Kind
		}
		return kinds[id]
	}
	notes := map[string][]string{}
	for _, b := range bases {
		if n := w.baseNotes(p.Lang, p.Tax, ts, b, kindOf); len(n) > 0 {
			notes[b.ID] = n
		}
	}
	return notes, nil
}

func (w *Web) orgRegister(c *fiber.Ctx, p *page) (string, error) {
	p.Form = formOf(c)
	in := models.OrgInput{Name: p.Form["name"], Kind: p.Form["kind"], District: p.Form["district"],
		Industries: valuesOf(c, "industries"), Flags: valuesOf(c, "flags")}
	if _, err := w.cfg.Orgs.Create(c.UserContext(), p.User, in); err != nil {
		if w.formErrors(p, err) {
			return w.orgHome(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/org", "flash.org_registered")
}

// orgUpdate changes the organisation's details (its managers, before the
// bureau verifies it; after a rejection it goes back to the bureau).
func (w *Web) orgUpdate(c *fiber.Ctx, p *page) (string, error) {
	if err := w.saveOrgForm(c, p, p.User.OrgID); err != nil {
		if w.formErrors(p, err) {
			return w.orgHome(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/org", "flash.org_updated")
}

// fillOrgForm starts an organisation's details form from the organisation
// as it is, unless the form comes back from its own failed post.
func fillOrgForm(form map[string]string, o *models.Org) {
	if form["edit_open"] != "" {
		return
	}
	form["name"], form["kind"], form["district"] = o.Name, o.Kind, o.District
	form["industries"], form["flags"] = strings.Join(o.Industries, ","), strings.Join(o.Flags, ",")
}

// saveOrgForm changes an organisation from its details form (the
// organisation's page and the bureau's directory post the same form).
// The form stays open when the change is refused.
func (w *Web) saveOrgForm(c *fiber.Ctx, p *page, id string) error {
	p.Form = formOf(c)
	name, kind, district := p.Form["name"], p.Form["kind"], p.Form["district"]
	industries, flags := valuesOf(c, "industries"), valuesOf(c, "flags")
	u := models.OrgUpdate{Name: &name, Kind: &kind, District: &district, Industries: &industries, Flags: &flags}
	_, err := w.cfg.Orgs.Update(c.UserContext(), p.User, id, u, 0)
	if err != nil {
		p.Form["edit_open"] = "1"
	}
	return err
}

// orgMemberInvite invites an organisation account by email. Every
// refusal of the email reads the same, as in the API.
func (w *Web) orgMemberInvite(c *fiber.Ctx, p *page) (string, error) {
	p.Form = formOf(c)
	if _, err := w.cfg.Orgs.Invite(c.UserContext(), p.User, p.User.OrgID, models.MemberInput{Email: p.Form["member_email"]}); err != nil {
		if w.formErrors(p, err) {
			switch {
			case models.IsCode(err, models.CodeValidation) && models.ErrorFields(err)["email"] != "":
				p.Errors["member_email"] = w.tr.t(p.Lang, "org.invite_refused")
			default:
				p.Errors["member_email"] = p.Errors["_"]
			}
			return w.orgHome(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/org#members", "flash.member_invited")
}

// orgMemberRemove removes a member (a manager) or the user themselves
// (leaving the organisation).
func (w *Web) orgMemberRemove(c *fiber.Ctx, p *page) (string, error) {
	who := c.Params("user")
	if err := w.cfg.Orgs.RemoveMember(c.UserContext(), p.User, p.User.OrgID, who); err != nil {
		if models.IsCode(err, models.CodeConflict) {
			p.Errors = map[string]string{"_": w.tr.t(p.Lang, "org.last_manager")}
			p.Status = fiber.StatusConflict
			return w.orgHome(c, p)
		}
		return "", err
	}
	if who == p.User.ID {
		return w.redirect(c, "/org", "flash.left_org")
	}
	return w.redirect(c, "/org#members", "flash.member_removed")
}

// orgMemberManager promotes a member to manager or demotes one.
func (w *Web) orgMemberManager(c *fiber.Ctx, p *page) (string, error) {
	manager := c.FormValue("manager") == "true"
	if _, err := w.cfg.Orgs.UpdateMember(c.UserContext(), p.User, p.User.OrgID, c.Params("user"), models.MemberUpdate{Manager: &manager}); err != nil {
		if models.IsCode(err, models.CodeConflict) {
			p.Errors = map[string]string{"_": w.tr.t(p.Lang, "org.last_manager")}
			p.Status = fiber.StatusConflict
			return w.orgHome(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/org#members", "flash.saved")
}

// orgInvitationCancel withdraws a pending invitation.
func (w *Web) orgInvitationCancel(c *fiber.Ctx, p *page) (string, error) {
	err := w.cfg.Orgs.CancelInvitation(c.UserContext(), p.User, p.User.OrgID, c.Params("user"))
	if err != nil && !models.IsCode(err, models.CodeNotFound) {
		return "", err
	}
	return w.redirect(c, "/org#members", "flash.invitation_cancelled")
}

// invitationAnswer accepts or declines an invitation to an organisation.
func (w *Web) invitationAnswer(c *fiber.Ctx, p *page) (string, error) {
	decision := c.FormValue("decision")
	if _, err := w.cfg.Orgs.AnswerInvitation(c.UserContext(), p.User, c.Params("org"), models.InvitationAnswer{Decision: decision}); err != nil {
		if models.IsCode(err, models.CodeNotFound) {
			return w.redirect(c, "/org", "flash.invitation_gone")
		}
		return "", err
	}
	if decision == "accept" {
		return w.redirect(c, "/org", "flash.invitation_accepted")
	}
	return w.redirect(c, "/org", "flash.invitation_declined")
}

func (w *Web) baseRegister(c *fiber.Ctx, p *page) (string, error) {
	p.Form = formOf(c)
	in := models.BaseInput{Name: p.Form[newBasePrefix+"name"], Kind: p.Form[newBasePrefix+"kind"], District: p.Form[newBasePrefix+"district"],
		Industries: valuesOf(c, newBasePrefix+"industries"), OperatorOrgIDs: append([]string{p.User.OrgID}, valuesOf(c, "co_operators")...),
		EstablishedOn: p.Form[newBasePrefix+"established_on"], Capacity: atoi(p.Form[newBasePrefix+"capacity"])}
	if _, err := w.cfg.Bases.Create(c.UserContext(), p.User, in); err != nil {
		if w.prefixedFormErrors(p, newBasePrefix, err) {
			for k, msg := range p.Errors {
				if strings.HasPrefix(k, newBasePrefix+"operator_org_ids") {
					// The co-operators are a field of this form only.
					p.Errors["co_operators"] = msg
					delete(p.Errors, k)
				}
			}
			return w.orgHome(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/org#bases", "flash.base_registered")
}

// newBasePrefix names the fields of the form that registers a base (the
// same fields as a base's details form, which has its own prefix).
const newBasePrefix = "base_"

// baseFormPrefix names the fields of a base's form on the organisation
// page, which shows one per base it may change.
func baseFormPrefix(id string) string { return "b" + id + "_" }

// baseUpdate changes a base the organisation registered (before the bureau
// verifies it; after a rejection it goes back to the bureau).
func (w *Web) baseUpdate(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	if err := w.saveBaseForm(c, p, id); err != nil {
		if w.baseFormErrors(p, id, err) {
			return w.orgHome(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/org#bases", "flash.base_updated")
}

// fillBaseForm starts a base's details form from the base as it is,
// unless the form comes back from its own failed post, and returns the
// prefix of the form's fields.
func fillBaseForm(form map[string]string, b *models.Base) string {
	pre := baseFormPrefix(b.ID)
	if form[pre+"open"] == "" {
		form[pre+"name"], form[pre+"kind"], form[pre+"district"] = b.Name, b.Kind, b.District
		form[pre+"industries"], form[pre+"established_on"] = strings.Join(b.Industries, ","), b.EstablishedOn
		form[pre+"capacity"] = strconv.Itoa(b.Capacity)
	}
	return pre
}

// saveBaseForm changes a base from its details form (the organisation's
// page and the bureau's directory post the same form). When the change is
// refused the form stays open (baseFormErrors names its field errors).
func (w *Web) saveBaseForm(c *fiber.Ctx, p *page, id string) error {
	pre := baseFormPrefix(id)
	p.Form = formOf(c)
	name, kind, district, established := p.Form[pre+"name"], p.Form[pre+"kind"], p.Form[pre+"district"], p.Form[pre+"established_on"]
	industries, capacity := valuesOf(c, pre+"industries"), atoi(p.Form[pre+"capacity"])
	u := models.BaseUpdate{Name: &name, Kind: &kind, District: &district, Industries: &industries, EstablishedOn: &established, Capacity: &capacity}
	_, err := w.cfg.Bases.Update(c.UserContext(), p.User, id, u, 0)
	if err != nil {
		p.Form[pre+"open"] = "1"
	}
	return err
}

// baseFormErrors is formErrors for a base's form: the field errors are
// named with the form's prefix.
func (w *Web) baseFormErrors(p *page, id string, err error) bool {
	return w.prefixedFormErrors(p, baseFormPrefix(id), err)
}

// prefixedFormErrors is formErrors for a form whose fields are named with
// a prefix (a page with several forms of the same fields): the field
// errors are named as the form names its fields.
func (w *Web) prefixedFormErrors(p *page, pre string, err error) bool {
	if !w.formErrors(p, err) {
		return false
	}
	errs := map[string]string{"_": p.Errors["_"]}
	for k, msg := range p.Errors {
		if k != "_" {
			errs[pre+k] = msg
		}
	}
	p.Errors = errs
	return true
}

// operatorAsk asks a verified organisation to co-operate a base the
// user's organisation registered.
func (w *Web) operatorAsk(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	pre := baseFormPrefix(id)
	p.Form = formOf(c)
	if _, err := w.cfg.Bases.AskOperator(c.UserContext(), p.User, id, models.OperatorInput{OrgID: p.Form[pre+"org_id"]}); err != nil {
		if w.baseFormErrors(p, id, err) {
			p.Form[pre+"ops_open"] = "1"
			return w.orgHome(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/org#base-ops-"+id, "flash.operator_asked")
}

// operatorRemove takes an organisation off a base: a co-operator (or a
// request) of a base the user's organisation registered, or the user's
// organisation itself (it leaves the base).
func (w *Web) operatorRemove(c *fiber.Ctx, p *page) (string, error) {
	id, org := c.Params("id"), c.Params("org")
	if err := w.cfg.Bases.RemoveOperator(c.UserContext(), p.User, id, org); err != nil {
		if w.formErrors(p, err) {
			return w.orgHome(c, p)
		}
		return "", err
	}
	if org == p.User.OrgID {
		return w.redirect(c, "/org#bases", "flash.base_left")
	}
	return w.redirect(c, "/org#base-ops-"+id, "flash.operator_removed")
}

// baseOperationAnswer confirms or declines, for the user's organisation,
// being named a co-operator of a base.
func (w *Web) baseOperationAnswer(c *fiber.Ctx, p *page) (string, error) {
	decision := c.FormValue("decision")
	if _, err := w.cfg.Bases.AnswerOperation(c.UserContext(), p.User, c.Params("id"), models.OperationAnswer{Decision: decision}); err != nil {
		if models.IsCode(err, models.CodeConflict) {
			return w.redirect(c, "/org#requests", "flash.request_gone")
		}
		return "", err
	}
	if decision == "confirm" {
		return w.redirect(c, "/org#bases", "flash.operation_confirmed")
	}
	return w.redirect(c, "/org#requests", "flash.operation_declined")
}

// orgProjectsData lists the organisation's projects.
type orgProjectsData struct {
	Org      *models.Org
	Projects []models.ProjectHit
	Total    int
}

func (w *Web) orgProjects(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "org_projects.title")
	d := orgProjectsData{}
	if p.User.OrgID != "" {
		o, err := w.cfg.Orgs.Get(c.UserContext(), p.User, p.User.OrgID)
		if err != nil {
			return "", err
		}
		d.Org = o
		res, err := w.cfg.Projects.Search(c.UserContext(), p.User, models.ProjectSearch{OrgID: []string{o.ID}, Sort: "newest", Page: models.Page{Page: 1, PerPage: 100}})
		if err != nil {
			return "", err
		}
		d.Projects, d.Total = res.Items, res.Total
	}
	p.Data = d
	return "org_projects", nil
}

func projectFormOf(pr *models.Project) map[string]string {
	if pr == nil {
		return map[string]string{"kind": string(models.ProjectJob), "openings": "1"}
	}
	return map[string]string{"title": pr.Title, "description": pr.Description, "kind": string(pr.Kind), "skills": strings.Join(pr.Skills, ", "),
		"industries": strings.Join(pr.Industries, ","), "district": pr.District, "openings": strconv.Itoa(pr.Openings), "deadline": pr.Deadline,
		"version": strconv.FormatInt(pr.Version, 10), "pay_unit": string(pr.PayUnit), "pay_min": optItoa(pr.PayMin), "pay_max": optItoa(pr.PayMax), "cover_id": pr.CoverID}
}

func optItoa(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// optAtoi reads an optional whole number of a form: nil when empty. What
// is not a number becomes one the validation refuses with the nearest
// reason (digits too many to hold: too large; anything else: below 0).
func optAtoi(s string) *int {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		n = -1
		if strings.Trim(s, "0123456789") == "" {
			n = models.MaxPay + 1
		}
	}
	return &n
}

func projectInputOf(c *fiber.Ctx, f map[string]string) models.ProjectInput {
	return models.ProjectInput{Title: f["title"], Description: f["description"], Kind: models.ProjectKind(f["kind"]), Skills: listOf(f["skills"]),
		Industries: valuesOf(c, "industries"), District: f["district"], Openings: atoi(f["openings"]), Deadline: f["deadline"],
		PayMin: optAtoi(f["pay_min"]), PayMax: optAtoi(f["pay_max"]), PayUnit: models.PayUnit(f["pay_unit"]), CoverID: deref(imageOf(c, "cover_id"))}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (w *Web) projectNew(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "project_form.new")
	p.Form = projectFormOf(nil)
	return "project_form", nil
}

func (w *Web) projectCreate(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "project_form.new")
	p.Form = formOf(c)
	pr, err := w.cfg.Projects.Create(c.UserContext(), p.User, projectInputOf(c, p.Form))
	if err != nil {
		if w.formErrors(p, err) {
			return "project_form", nil
		}
		return "", err
	}
	return w.redirect(c, "/org/projects/"+pr.ID+"/matches", "flash.project_created")
}

func (w *Web) projectEdit(c *fiber.Ctx, p *page) (string, error) {
	pr, err := w.ownProject(c, p)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "project_form.edit")
	p.Form = projectFormOf(pr)
	p.Data = pr
	return "project_form", nil
}

// ownProject returns the project of the route if the user may change it.
func (w *Web) ownProject(c *fiber.Ctx, p *page) (*models.Project, error) {
	return w.ownProjectID(c, p, c.Params("id"))
}

func (w *Web) ownProjectID(c *fiber.Ctx, p *page, id string) (*models.Project, error) {
	pr, err := w.cfg.Projects.Get(c.UserContext(), p.User, id)
	if err != nil {
		return nil, err
	}
	if pr.OrgID != p.User.OrgID {
		return nil, models.Errorf(models.CodeForbidden, "not your organisation's project")
	}
	return pr, nil
}

func (w *Web) projectUpdate(c *fiber.Ctx, p *page) (string, error) {
	pr, err := w.ownProject(c, p)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "project_form.edit")
	p.Form = formOf(c)
	in := projectInputOf(c, p.Form)
	if in.Skills == nil {
		in.Skills = []string{}
	}
	if in.Industries == nil {
		in.Industries = []string{}
	}
	// The form is the whole pay: with a unit, both numbers (a number left
	// empty would otherwise keep its old value); without, none.
	if in.PayUnit != "" && (in.PayMin == nil || in.PayMax == nil) {
		missing := map[string]string{}
		for name, v := range map[string]*int{"pay_min": in.PayMin, "pay_max": in.PayMax} {
			if v == nil {
				missing[name] = "is required with pay_unit"
			}
		}
		err = &models.Error{Code: models.CodeValidation, Message: "some fields are invalid", Fields: missing,
			Rules: map[string]models.FieldRule{"pay_min": {Rule: models.RuleRequired}, "pay_max": {Rule: models.RuleRequired}}}
	} else {
		_, err = w.cfg.Projects.Update(c.UserContext(), p.User, pr.ID, models.ProjectUpdate{Title: &in.Title, Description: &in.Description, Kind: &in.Kind,
			Skills: &in.Skills, Industries: &in.Industries, District: &in.District, Openings: &in.Openings, Deadline: &in.Deadline,
			PayMin: in.PayMin, PayMax: in.PayMax, PayUnit: &in.PayUnit, CoverID: imageOf(c, "cover_id")}, int64(atoi(p.Form["version"])))
	}
	if err != nil {
		if w.formErrors(p, err) {
			p.Data = pr
			return "project_form", nil
		}
		return "", err
	}
	return w.redirect(c, "/org/projects", "flash.saved")
}

// projectStatus closes or reopens a project.
func (w *Web) projectStatus(c *fiber.Ctx, p *page) (string, error) {
	st := models.ProjectStatus(c.FormValue("status"))
	if _, err := w.cfg.Projects.Update(c.UserContext(), p.User, c.Params("id"), models.ProjectUpdate{Status: &st}, 0); err != nil {
		return "", err
	}
	return w.redirect(c, "/org/projects", "flash.saved")
}

// applicationsOf returns a project's applications by talent (the first
// 100, which the pages say).
func (w *Web) applicationsOf(c *fiber.Ctx, u *models.User, projectID string) (map[string]*models.Application, []*models.Application, int, error) {
	list, err := w.cfg.Applications.List(c.UserContext(), u, models.ApplicationFilter{ProjectID: []string{projectID}, Page: models.Page{Page: 1, PerPage: 100}})
	if err != nil {
		return nil, nil, 0, err
	}
	by := map[string]*models.Application{}
	for _, a := range list.Items {
		by[a.TalentID] = a
	}
	return by, list.Items, list.Total, nil
}

// matchesData is a project's matches.
type matchesData struct {
	Project *models.Project
	List    *models.List[models.TalentMatch]
	Apps    map[string]*models.Application
	Pages   []int
	Page    int
	// Open says the project takes applications and invitations: a closed
	// (or expired) one shows no invite buttons, only why.
	Open bool
}

func (w *Web) projectMatches(c *fiber.Ctx, p *page) (string, error) {
	pr, err := w.ownProject(c, p)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "project_matches.title")
	list, err := w.cfg.Projects.Matches(c.UserContext(), p.User, pr.ID, pageOf(c, 20))
	if err != nil {
		return "", err
	}
	apps, _, _, err := w.applicationsOf(c, p.User, pr.ID)
	if err != nil {
		return "", err
	}
	p.Data = matchesData{Project: pr, List: list, Apps: apps, Pages: pages(list.Total, 20), Page: list.Page,
		Open: pr.Open(models.Today(w.cfg.Now()))}
	return "project_matches", nil
}

// invite invites a talent to a project (from the matches, a profile or a
// search); if the talent applied already, it shortlists the application.
func (w *Web) invite(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	if id == "" {
		id = c.FormValue("project") // the profile page's form
	}
	pr, err := w.ownProjectID(c, p, id)
	if err != nil {
		return "", err
	}
	talentID := c.FormValue("talent_id")
	back := c.FormValue("back")
	if localPath(back) != back {
		back = "/org/projects/" + pr.ID + "/matches"
	}
	apps, _, _, err := w.applicationsOf(c, p.User, pr.ID)
	if err != nil {
		return "", err
	}
	if a := apps[talentID]; a != nil {
		if a.Stage != models.StageApplied {
			return w.redirect(c, back, "flash.already_in_pipeline")
		}
		if _, err := w.cfg.Applications.Update(c.UserContext(), p.User, a.ID, models.ApplicationUpdate{Stage: models.StageShortlisted}, 0); err != nil {
			return "", err
		}
		return w.redirect(c, back, "flash.shortlisted")
	}
	if _, err := w.cfg.Applications.Create(c.UserContext(), p.User, pr.ID, models.ApplicationInput{TalentID: talentID, Message: c.FormValue("message")}); err != nil {
		return "", err
	}
	return w.redirect(c, back, "flash.invited")
}

// pipelineData is a project's board.
type pipelineData struct {
	Project *models.Project
	Columns []column
	Total   int
	// Pages number the board's pages (100 applications each) when there
	// are more than fit one.
	Pages []int
	Page  int
}

type column struct {
	Stage models.Stage
	Cards []card
}

type card struct {
	App   *models.Application
	Card  *models.ApplicationCard
	Moves []models.Stage // where the organisation may move it
}

// boardStages are the board's columns, in pipeline order.
var boardStages = []models.Stage{models.StageApplied, models.StageInvited, models.StageShortlisted, models.StageInterviewing,
	models.StageOffered, models.StageHired, models.StageRejected, models.StageWithdrawn}

func (w *Web) board(c *fiber.Ctx, p *page, pr *models.Project) error {
	list, err := w.cfg.Applications.Board(c.UserContext(), p.User, pr.ID, pageOf(c, boardPerPage))
	if err != nil {
		return err
	}
	d := pipelineData{Project: pr, Total: list.Total, Page: list.Page}
	if list.Total > boardPerPage {
		d.Pages = pages(list.Total, boardPerPage)
	}
	for _, st := range boardStages {
		col := column{Stage: st}
		for _, a := range list.Items {
			if a.Stage != st {
				continue
			}
			cd := card{App: a.Application, Card: a}
			for _, to := range boardStages {
				if models.CheckMove(models.SideOrg, a.Stage, to) == nil {
					cd.Moves = append(cd.Moves, to)
				}
			}
			col.Cards = append(col.Cards, cd)
		}
		d.Columns = append(d.Columns, col)
	}
	p.Data = d
	return nil
}

// boardPerPage is how many applications a page of the board holds.
const boardPerPage = 100

func (w *Web) pipeline(c *fiber.Ctx, p *page) (string, error) {
	pr, err := w.ownProject(c, p)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "pipeline.title")
	if err := w.board(c, p, pr); err != nil {
		return "", err
	}
	return "pipeline", nil
}

// move moves an application (a button, or a card dropped on a column) and
// answers the board again: the whole page, or for htmx only the board.
func (w *Web) move(c *fiber.Ctx, p *page) (string, error) {
	a, err := w.cfg.Applications.Get(c.UserContext(), p.User, c.Params("id"))
	if err != nil {
		return "", err
	}
	pr, err := w.cfg.Projects.Get(c.UserContext(), p.User, a.ProjectID)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "pipeline.title")
	u := models.ApplicationUpdate{Stage: models.Stage(c.FormValue("stage")), Note: c.FormValue("note")}
	if _, err := w.cfg.Applications.Update(c.UserContext(), p.User, a.ID, u, 0); err != nil {
		if !models.IsCode(err, models.CodeConflict) && !models.IsCode(err, models.CodeValidation) {
			return "", err
		}
		// Another member moved it first, or the move is not allowed:
		// say so on the board as it now is.
		p.Errors = map[string]string{"_": w.tr.t(p.Lang, "pipeline.move_refused")}
		p.Status = fiber.StatusConflict // htmx swaps 4xx too (layout.html)
	}
	if !isHTMX(c) && p.Errors == nil {
		return w.redirect(c, "/org/projects/"+pr.ID+"/pipeline", "flash.moved")
	}
	if err := w.board(c, p, pr); err != nil {
		return "", err
	}
	return "pipeline", nil
}

func (w *Web) orgRecruitments(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "org_recruitments.title")
	list, err := w.cfg.Recruitments.List(c.UserContext(), p.User, models.RecruitmentFilter{Page: pageOf(c, 50)})
	if err != nil {
		return "", err
	}
	p.Data = paged[*models.Recruitment]{List: list, Pages: pages(list.Total, 50)}
	return "org_recruitments", nil
}

// recruitmentFormData is the report form: the applicant it is about (a
// hire from the pipeline, reviewed before it goes), or the organisation's
// applicants to choose from by name.
type recruitmentFormData struct {
	TalentName string
	Applicants []option
	Edit       string // the id of the report being changed
}

// recruitmentNew opens the report form. From a hired card it is filled
// from the application, the profile and the project (the record the report
// would make) for the member to check; otherwise the talent is chosen by
// name among the organisation's applicants.
func (w *Web) recruitmentNew(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "recruitment_form.title")
	p.Form = map[string]string{"date": models.Today(w.cfg.Now())}
	id := c.Query("application_id")
	name, err := w.recruitmentForm(c, p, id)
	if err != nil || id == "" {
		return name, err
	}
	p.Form["application_id"] = id
	r, err := w.cfg.Recruitments.Draft(c.UserContext(), p.User, models.RecruitmentInput{ApplicationID: id})
	switch {
	case err == nil:
		p.Form["date"], p.Form["origin"], p.Form["level"] = r.Date, string(r.Origin), string(r.Level)
		p.Form["district"], p.Form["industry"] = r.District, r.Industry
	case w.formErrors(p, err):
		// What the profile and the project do not say is for the member
		// to fill; a hire that cannot be reported says why.
		p.Status = 0
	default:
		return "", err
	}
	return name, nil
}

// recruitmentForm shows the report form about the application id (a hire
// from the pipeline), or, without one, with the organisation's applicants
// to choose from.
func (w *Web) recruitmentForm(c *fiber.Ctx, p *page, id string) (string, error) {
	if id != "" {
		a, err := w.cfg.Applications.Get(c.UserContext(), p.User, id)
		if err != nil {
			return "", err
		}
		p.Data = recruitmentFormData{TalentName: a.TalentName}
		return "recruitment_form", nil
	}
	d, err := w.applicants(c, p)
	if err != nil {
		return "", err
	}
	p.Data = d
	return "recruitment_form", nil
}

// applicants are the talents of the organisation's applications, by name
// (at most 500 applications are read).
func (w *Web) applicants(c *fiber.Ctx, p *page) (recruitmentFormData, error) {
	seen := map[string]bool{}
	var d recruitmentFormData
	for pg := 1; pg <= 5; pg++ {
		list, err := w.cfg.Applications.List(c.UserContext(), p.User, models.ApplicationFilter{Page: models.Page{Page: pg, PerPage: models.MaxPerPage}})
		if err != nil {
			return d, err
		}
		for _, a := range list.Items {
			if !seen[a.TalentID] {
				seen[a.TalentID] = true
				d.Applicants = append(d.Applicants, option{Key: a.TalentID, Label: a.TalentName + " · " + a.ProjectTitle})
			}
		}
		if pg*models.MaxPerPage >= list.Total {
			break
		}
	}
	slices.SortFunc(d.Applicants, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
	return d, nil
}

// recruitmentReport reports a hire as the member reviewed it: from a hired
// application, or for a talent chosen among the applicants.
func (w *Web) recruitmentReport(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "recruitment_form.title")
	p.Form = formOf(c)
	in := models.RecruitmentInput{ApplicationID: p.Form["application_id"], Date: p.Form["date"], Origin: models.Origin(p.Form["origin"]),
		Level: models.Level(p.Form["level"]), District: p.Form["district"], Industry: p.Form["industry"]}
	if in.ApplicationID == "" {
		in.TalentID, in.OrgID = p.Form["talent_id"], p.User.OrgID
	}
	_, err := w.cfg.Recruitments.Report(c.UserContext(), p.User, in)
	if err == nil {
		return w.redirect(c, "/org/recruitments", "flash.reported")
	}
	if in.ApplicationID != "" && models.IsCode(err, models.CodeConflict) {
		return w.redirect(c, "/org/recruitments", "flash.already_reported")
	}
	if models.IsCode(err, models.CodeNotFound) {
		err = models.FieldProblem(models.CodeValidation, "talent_id", models.RuleNoSuch, "", "no such applicant")
	}
	if !w.formErrors(p, err) {
		return "", err
	}
	return w.recruitmentForm(c, p, in.ApplicationID)
}

// recruitmentEdit opens a report still waiting for the bureau, to change.
func (w *Web) recruitmentEdit(c *fiber.Ctx, p *page) (string, error) {
	r, err := w.cfg.Recruitments.Get(c.UserContext(), p.User, c.Params("id"))
	if err != nil {
		return "", err
	}
	if r.Status != models.StatusReported || p.User.OrgID != r.OrgID {
		return "", models.Refusef(models.CodeConflict, models.RefusalNotWithdrawable, string(r.Status), "a %s record cannot be changed", r.Status)
	}
	p.Title = w.tr.t(p.Lang, "recruitment_form.edit_title")
	p.Form = map[string]string{"date": r.Date, "origin": string(r.Origin), "level": string(r.Level), "district": r.District,
		"industry": r.Industry, "version": strconv.FormatInt(r.Version, 10)}
	p.Data = recruitmentFormData{TalentName: r.TalentName, Edit: r.ID}
	return "recruitment_form", nil
}

// recruitmentAmend changes a report still waiting for the bureau.
func (w *Web) recruitmentAmend(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	p.Form = formOf(c)
	str := func(k string) *string { v := p.Form[k]; return &v }
	origin, level := models.Origin(p.Form["origin"]), models.Level(p.Form["level"])
	in := models.RecruitmentAmendment{Date: str("date"), Origin: &origin, Level: &level, District: str("district"), Industry: str("industry")}
	version, _ := strconv.ParseInt(p.Form["version"], 10, 64)
	_, err := w.cfg.Recruitments.Amend(c.UserContext(), p.User, id, in, version)
	if err == nil {
		return w.redirect(c, "/org/recruitments", "flash.report_amended")
	}
	if !w.formErrors(p, err) {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "recruitment_form.edit_title")
	r, err := w.cfg.Recruitments.Get(c.UserContext(), p.User, id)
	if err != nil {
		return "", err
	}
	p.Data = recruitmentFormData{TalentName: r.TalentName, Edit: r.ID}
	return "recruitment_form", nil
}

// recruitmentWithdraw withdraws a report still waiting for the bureau.
func (w *Web) recruitmentWithdraw(c *fiber.Ctx, p *page) (string, error) {
	if err := w.cfg.Recruitments.Withdraw(c.UserContext(), p.User, c.Params("id"), int64(atoi(c.FormValue("version")))); err != nil {
		return "", err
	}
	return w.redirect(c, "/org/recruitments", "flash.report_withdrawn")
}

// talentSearchData is the talent search page.
type talentSearchData struct {
	Result *models.SearchResult[models.TalentHit]
	Query  map[string]string
	Pages  []int
	Page   int
	Facets []string
	// SaveQuery is the search as a saved search keeps it.
	SaveQuery string
}

func (w *Web) talentSearch(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "talents.title")
	qv := queryOf(c, models.TalentSearchParams...)
	params := models.NewParams(func(name string) string { return qv[name] })
	q := models.ParseTalentSearch(params)
	q.Page.PerPage = searchPerPage
	d := talentSearchData{Query: qv, Facets: models.TalentFacets}
	res, err := w.cfg.Talents.Search(c.UserContext(), p.User, q)
	if err == nil {
		err = params.Err()
	}
	if err != nil {
		if !models.IsCode(err, models.CodeBadRequest) || !w.formErrors(p, err) {
			return "", err
		}
		res = &models.SearchResult[models.TalentHit]{}
	}
	d.Result, d.Pages, d.Page = res, pages(res.Total, searchPerPage), q.Page.Page
	d.SaveQuery = saveQuery(qv)
	p.Data = d
	return "talents", nil
}

// talentViewData is a profile's page.
type talentViewData struct {
	Talent   *models.Talent
	Similar  *models.List[models.TalentHit]
	Projects []models.ProjectHit // the organisation's open projects, to invite to
	// Desk is the organisation's own about the talent (a member of a
	// verified organisation): its notes and whether it is a favourite.
	Desk      bool
	Notes     []models.CandidateNote
	Favourite bool
}

func (w *Web) talentView(c *fiber.Ctx, p *page) (string, error) {
	t, err := w.cfg.Talents.Get(c.UserContext(), p.User, c.Params("id"))
	if err != nil {
		return "", err
	}
	p.Title = t.Name
	d := talentViewData{Talent: t}
	if sim, err := w.cfg.Talents.Similar(c.UserContext(), p.User, t.ID, models.Page{Page: 1, PerPage: 6}); err == nil {
		d.Similar = sim
	}
	if models.Permit(p.User, models.ActActForOrg) == nil {
		res, err := w.cfg.Projects.Search(c.UserContext(), p.User, models.ProjectSearch{OrgID: []string{p.User.OrgID},
			Status: []string{string(models.ProjectOpen)}, Sort: "newest", Page: models.Page{Page: 1, PerPage: 50}})
		if err == nil {
			d.Projects = res.Items
		}
		if notes, err := w.cfg.Desk.Notes(c.UserContext(), p.User, t.ID); err == nil {
			d.Desk, d.Notes = true, notes
			d.Favourite, _ = w.cfg.Desk.IsFavourite(c.UserContext(), p.User, t.ID)
		}
	}
	p.Data = d
	return "talent", nil
}

// noteAdd keeps a note about a talent for the member's organisation.
func (w *Web) noteAdd(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	if _, err := w.cfg.Desk.AddNote(c.UserContext(), p.User, id, models.NoteInput{Body: c.FormValue("body")}); err != nil {
		if !w.formErrors(p, err) {
			return "", err
		}
		p.Form = map[string]string{"body": c.FormValue("body")}
		return w.talentView(c, p)
	}
	return w.redirect(c, "/talents/"+id+"#notes", "flash.saved")
}

// favourite adds a talent to the organisation's favourites, or removes it.
func (w *Web) favourite(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	if err := w.cfg.Desk.SetFavourite(c.UserContext(), p.User, id, c.FormValue("on") == "true"); err != nil {
		return "", err
	}
	return w.redirect(c, localPath(cmp.Or(c.FormValue("back"), "/talents/"+id)), "flash.saved")
}

// favourites lists the organisation's favourite profiles.
func (w *Web) favourites(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "favourites.title")
	ts, err := w.cfg.Desk.Favourites(c.UserContext(), p.User)
	if err != nil {
		return "", err
	}
	p.Data = ts
	return "favourites", nil
}
