package web

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// listOf splits a text field of several values (commas, Chinese commas,
// enumeration commas or lines) into trimmed, non-empty values, stopping one
// past models.MaxRequestList: enough for the validation to refuse the list,
// and a body of commas does not become a hundred thousand strings first.
func listOf(s string) []string {
	f := func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == '\n' || r == ';' || r == '；' }
	var out []string
	for v := range strings.FieldsFuncSeq(s, f) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
		if len(out) > models.MaxRequestList {
			break
		}
	}
	return out
}

// valuesOf returns every value of a repeated form field (checkboxes).
func valuesOf(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Context().PostArgs().PeekMulti(name) {
		if s := strings.TrimSpace(string(v)); s != "" {
			out = append(out, s)
		}
		if len(out) > models.MaxRequestList {
			break
		}
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// profileData is the profile editor's page.
type profileData struct {
	Talent *models.Talent // nil before the first save
}

// myProfile returns the creator's profile, or nil if there is none yet.
func (w *Web) myProfile(c *fiber.Ctx, u *models.User) (*models.Talent, error) {
	t, err := w.cfg.Talents.Get(c.UserContext(), u, u.ID)
	if models.IsCode(err, models.CodeNotFound) {
		return nil, nil
	}
	return t, err
}

// profileForm fills the form from a profile.
func profileForm(t *models.Talent, u *models.User) map[string]string {
	if t == nil {
		return map[string]string{"name": u.Name, "visibility": string(models.VisibilityOrgs), "available": "on", "languages": "zh"}
	}
	f := map[string]string{
		"name": t.Name, "headline": t.Headline, "bio": t.Bio, "skills": strings.Join(t.Skills, ", "), "tools": strings.Join(t.Tools, ", "),
		"industries": strings.Join(t.Industries, ","), "district": t.District, "origin": string(t.Origin),
		"years_experience": strconv.Itoa(t.YearsExperience), "level": string(t.Level), "visibility": string(t.Visibility),
		"contact.email": t.Contact.Email, "contact.phone": t.Contact.Phone, "languages": strings.Join(t.Languages, ","),
		"avatar_id": t.AvatarID,
	}
	if t.Available {
		f["available"] = "on"
	}
	return f
}

func (w *Web) profileForm(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "profile.title")
	t, err := w.myProfile(c, p.User)
	if err != nil {
		return "", err
	}
	p.Data = profileData{Talent: t}
	p.Form = profileForm(t, p.User)
	return "profile", nil
}

// profileInput reads the profile form.
func profileInput(c *fiber.Ctx, f map[string]string) models.TalentInput {
	avail := f["available"] != ""
	return models.TalentInput{
		Name: f["name"], Headline: f["headline"], Bio: f["bio"], Skills: listOf(f["skills"]), Tools: listOf(f["tools"]),
		Industries: valuesOf(c, "industries"), District: f["district"], Origin: models.Origin(f["origin"]),
		YearsExperience: atoi(f["years_experience"]), Level: models.Level(f["level"]), Available: &avail,
		Visibility: models.Visibility(f["visibility"]), Contact: models.ContactInput{Email: f["contact.email"], Phone: f["contact.phone"]},
		Languages: valuesOf(c, "languages"),
	}
}

func (w *Web) profileSave(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "profile.title")
	cur, err := w.myProfile(c, p.User)
	if err != nil {
		return "", err
	}
	p.Form = formOf(c)
	in := profileInput(c, p.Form)
	if in.Skills == nil {
		in.Skills = []string{}
	}
	if cur == nil {
		if avatar := imageOf(c, "avatar_id"); avatar != nil {
			in.AvatarID = *avatar
		}
		_, err = w.cfg.Talents.Create(c.UserContext(), p.User, in)
	} else {
		works := cur.Input().Works
		_, err = w.cfg.Talents.Update(c.UserContext(), p.User, cur.ID, models.TalentUpdate{
			Name: &in.Name, Headline: &in.Headline, Bio: &in.Bio, Skills: &in.Skills, Tools: &in.Tools, Industries: &in.Industries,
			District: &in.District, Origin: &in.Origin, YearsExperience: &in.YearsExperience, Level: &in.Level, Available: in.Available,
			Visibility: &in.Visibility, Contact: &in.Contact, Works: &works, Languages: &in.Languages, AvatarID: imageOf(c, "avatar_id"),
		}, int64(atoi(p.Form["version"])))
	}
	if err != nil {
		if w.formErrors(p, err) {
			p.Data = profileData{Talent: cur}
			return "profile", nil
		}
		return "", err
	}
	return w.redirect(c, "/me/profile", "flash.saved")
}

// changeWorks applies fn to the portfolio and saves the profile.
func (w *Web) changeWorks(c *fiber.Ctx, p *page, fn func(works []models.WorkInput) ([]models.WorkInput, error)) (string, error) {
	cur, err := w.myProfile(c, p.User)
	if err != nil {
		return "", err
	}
	if cur == nil {
		return w.redirect(c, "/me/profile", "flash.profile_first")
	}
	works, err := fn(cur.Input().Works)
	if err == nil {
		_, err = w.cfg.Talents.Update(c.UserContext(), p.User, cur.ID, models.TalentUpdate{Works: &works}, 0)
	}
	if err != nil {
		if w.formErrors(p, err) {
			p.Title = w.tr.t(p.Lang, "profile.title")
			p.Data = profileData{Talent: cur}
			work := p.Form
			p.Form = profileForm(cur, p.User)
			for k, v := range work {
				p.Form["work."+k] = v
			}
			return "profile", nil
		}
		return "", err
	}
	return w.redirect(c, "/me/profile#works", "flash.saved")
}

// workOf reads a work's form; its images are those of its picker, or
// keep when the form had none.
func workOf(c *fiber.Ctx, f map[string]string, keep []string) models.WorkInput {
	return models.WorkInput{Title: f["title"], URL: f["url"], Description: f["description"], Year: atoi(f["year"]), Tags: listOf(f["tags"]),
		Images: imagesOf(c, "images", keep)}
}

// workIndex reads the :i of a work route.
func workIndex(c *fiber.Ctx, n int) (int, error) {
	i, err := strconv.Atoi(c.Params("i"))
	if err != nil || i < 0 || i >= n {
		return 0, models.Errorf(models.CodeNotFound, "no such work")
	}
	return i, nil
}

func (w *Web) workAdd(c *fiber.Ctx, p *page) (string, error) {
	p.Form = formOf(c)
	return w.changeWorks(c, p, func(works []models.WorkInput) ([]models.WorkInput, error) {
		return append(works, workOf(c, p.Form, nil)), nil
	})
}

func (w *Web) workEdit(c *fiber.Ctx, p *page) (string, error) {
	p.Form = formOf(c)
	return w.changeWorks(c, p, func(works []models.WorkInput) ([]models.WorkInput, error) {
		i, err := workIndex(c, len(works))
		if err != nil {
			return nil, err
		}
		works[i] = workOf(c, p.Form, works[i].Images)
		return works, nil
	})
}

func (w *Web) workDelete(c *fiber.Ctx, p *page) (string, error) {
	return w.changeWorks(c, p, func(works []models.WorkInput) ([]models.WorkInput, error) {
		i, err := workIndex(c, len(works))
		if err != nil {
			return nil, err
		}
		return append(works[:i], works[i+1:]...), nil
	})
}

// workMove moves a work up or down, or to a position (drag and drop).
func (w *Web) workMove(c *fiber.Ctx, p *page) (string, error) {
	return w.changeWorks(c, p, func(works []models.WorkInput) ([]models.WorkInput, error) {
		i, err := workIndex(c, len(works))
		if err != nil {
			return nil, err
		}
		to := i
		switch c.FormValue("dir") {
		case "up":
			to = i - 1
		case "down":
			to = i + 1
		default:
			to = atoi(c.FormValue("to"))
		}
		if to < 0 || to >= len(works) || to == i {
			return works, nil
		}
		wk := works[i]
		works = append(works[:i], works[i+1:]...)
		works = append(works[:to], append([]models.WorkInput{wk}, works[to:]...)...)
		return works, nil
	})
}

// myMatchesData is the creator's matches and the profile they were
// matched with (the reasons speak of both).
type myMatchesData struct {
	List   *models.List[models.ProjectMatch]
	Talent *models.Talent
	Pages  []int
	Min    string // the minimum chosen: "" (a skill in common), "all", or a score in percent
	Query  map[string]string
}

// matchFilterOf reads the minimum of /me/matches (?min=): by default a
// skill asked in common; "all" every open project; a percentage a least
// score besides the skill.
func matchFilterOf(min string, page models.Page) (models.ProjectMatchFilter, string) {
	f := models.ProjectMatchFilter{Page: page}
	switch min {
	case "all":
		f.AnySkills = true
	case "25", "50", "75":
		f.MinScore = atoi(min)
	default:
		min = ""
	}
	return f, min
}

func (w *Web) myMatches(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "matches.title")
	t, err := w.myProfile(c, p.User)
	if err != nil {
		return "", err
	}
	if t == nil {
		p.Data = myMatchesData{}
		return "my_matches", nil
	}
	f, min := matchFilterOf(c.Query("min"), pageOf(c, 20))
	list, err := w.cfg.Talents.Matches(c.UserContext(), p.User, t.ID, f)
	if err != nil {
		return "", err
	}
	q := map[string]string{}
	if min != "" {
		q["min"] = min
	}
	p.Data = myMatchesData{List: list, Talent: t, Pages: pages(list.Total, 20), Min: min, Query: q}
	return "my_matches", nil
}

// pageOf reads ?page= for a list of perPage.
func pageOf(c *fiber.Ctx, perPage int) models.Page {
	n := atoi(c.Query("page"))
	if n < 1 || n > 500 {
		n = 1
	}
	return models.Page{Page: n, PerPage: perPage}
}

func (w *Web) myApplications(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "applications.title")
	list, err := w.cfg.Applications.List(c.UserContext(), p.User, models.ApplicationFilter{Page: pageOf(c, 20)})
	if err != nil {
		return "", err
	}
	p.Data = paged[*models.Application]{List: list, Pages: pages(list.Total, 20)}
	return "my_applications", nil
}

// myApplicationAct withdraws, accepts an invitation, or shares contact
// details: accepting and sharing are separate choices (separate consents).
func (w *Web) myApplicationAct(c *fiber.Ctx, p *page) (string, error) {
	var u models.ApplicationUpdate
	switch c.FormValue("action") {
	case "withdraw":
		u.Stage = models.StageWithdrawn
	case "accept_invitation":
		u.AcceptInvitation = true
	case "share_contact":
		u.AcceptContact = true
	default:
		return "", models.Errorf(models.CodeBadRequest, "unknown action")
	}
	if _, err := w.cfg.Applications.Update(c.UserContext(), p.User, c.Params("id"), u, int64(atoi(c.FormValue("version")))); err != nil {
		return "", err
	}
	return w.redirect(c, "/me/applications", "flash.saved")
}

// privacyData is the privacy page: the organisations the creator lets see
// their contact details (their consents), through which projects, each
// with its withdrawal.
type privacyData struct {
	Shared []sharedWith
	// Identity is the document linked to the profile (nil without a
	// profile).
	Identity *models.Identity
	IDTypes  []string
}

type sharedWith struct {
	OrgID    string
	Org      string
	Since    time.Time
	Projects []string
}

func (w *Web) privacy(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "privacy.title")
	d := privacyData{}
	consents, err := w.cfg.Applications.Consents(c.UserContext(), p.User)
	if err != nil {
		return "", err
	}
	byOrg := map[string]int{}
	for _, cs := range consents {
		name := cs.OrgName
		if name == "" {
			name = cs.OrgID
		}
		byOrg[cs.OrgID] = len(d.Shared)
		d.Shared = append(d.Shared, sharedWith{OrgID: cs.OrgID, Org: name, Since: cs.At})
	}
	for n := 1; len(consents) > 0; n++ {
		list, err := w.cfg.Applications.List(c.UserContext(), p.User, models.ApplicationFilter{Page: models.Page{Page: n, PerPage: 100}})
		if err != nil {
			return "", err
		}
		for _, a := range list.Items {
			if i, ok := byOrg[a.OrgID]; ok && a.ContactAccepted {
				d.Shared[i].Projects = append(d.Shared[i].Projects, a.ProjectTitle)
			}
		}
		if n*100 >= list.Total || len(list.Items) == 0 {
			break
		}
	}
	switch ident, err := w.cfg.Talents.Identity(c.UserContext(), p.User, p.User.ID); {
	case err == nil:
		d.Identity, d.IDTypes = ident, models.IdentityTypes
	case !models.IsCode(err, models.CodeNotFound):
		return "", err
	}
	p.Data = d
	return "privacy", nil
}

// identityLink links an identity document to the creator's profile
// (POST /me/identity).
func (w *Web) identityLink(c *fiber.Ctx, p *page) (string, error) {
	in := models.IdentityInput{Type: c.FormValue("type"), Number: c.FormValue("number")}
	if _, err := w.cfg.Talents.LinkIdentity(c.UserContext(), p.User, p.User.ID, in); err != nil {
		if w.formErrors(p, err) {
			p.Form = map[string]string{"type": in.Type}
			return again(c, p, w.privacy)
		}
		return "", err
	}
	return w.redirect(c, "/me/privacy#identity", "flash.identity_linked")
}

// consentWithdraw withdraws the creator's consent to contact from an
// organisation, at once.
func (w *Web) consentWithdraw(c *fiber.Ctx, p *page) (string, error) {
	err := w.cfg.Applications.WithdrawConsent(c.UserContext(), p.User, c.Params("org"))
	if err != nil && !models.IsCode(err, models.CodeNotFound) {
		return "", err
	}
	// Not found: withdrawn already (a second click, another tab).
	return w.redirect(c, "/me/privacy#shared", "flash.consent_withdrawn")
}

// exportData downloads everything the platform holds about the creator.
func (w *Web) exportData(c *fiber.Ctx) error {
	u := userOf(c)
	x, err := w.cfg.Talents.Export(c.UserContext(), u, u.ID)
	if err != nil {
		return w.renderError(c, w.newPage(c), err)
	}
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return w.renderError(c, w.newPage(c), err)
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="talenthub-%s.json"`, u.ID))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("json", "utf-8")
	return c.Send(b)
}

// deleteAccount erases the creator's data after a typed confirmation.
func (w *Web) deleteAccount(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "privacy.title")
	p.Form = formOf(c)
	if strings.TrimSpace(p.Form["confirm"]) != w.tr.t(p.Lang, "privacy.confirm_word") {
		// The privacy page again, with its data (the page without it was
		// a template error, a 500).
		name, err := w.privacy(c, p)
		p.Errors = map[string]string{"confirm": w.tr.t(p.Lang, "privacy.confirm_wrong")}
		p.Status = 422
		return name, err
	}
	if err := w.cfg.Talents.DeleteAccount(c.UserContext(), p.User); err != nil {
		return "", err
	}
	w.cookie(c, sessionCookie, "", -1)
	return w.redirect(c, "/", "flash.deleted")
}

// projectSearchData is the project search page.
type projectSearchData struct {
	Result *models.SearchResult[models.ProjectHit]
	Query  map[string]string
	Pages  []int
	Page   int
	Sorts  []string // the orders offered: by match only to a creator with a profile
}

func (w *Web) projectSearch(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "projects.title")
	qv := queryOf(c, models.ProjectSearchParams...)
	params := models.NewParams(func(name string) string { return qv[name] })
	q := models.ParseProjectSearch(params)
	// The list is of the projects one can apply to.
	q.Status, q.Page.PerPage = []string{string(models.ProjectOpen)}, searchPerPage
	res, err := w.cfg.Projects.Search(c.UserContext(), p.User, q)
	if err == nil {
		err = params.Err()
	}
	if err != nil {
		if !models.IsCode(err, models.CodeBadRequest) || !w.formErrors(p, err) {
			return "", err
		}
		res = &models.SearchResult[models.ProjectHit]{}
	}
	sorts := []string{"relevance", "newest", "pay"}
	if p.User.Is(models.RoleCreator) {
		if t, err := w.myProfile(c, p.User); err == nil && t != nil {
			sorts = append(sorts, "match")
		}
	}
	p.Data = projectSearchData{Result: res, Query: qv, Pages: pages(res.Total, searchPerPage), Page: q.Page.Page, Sorts: sorts}
	return "projects", nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// queryOf reads query parameters; one given several times (checkboxes)
// becomes a comma list, as the services take them.
func queryOf(c *fiber.Ctx, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		var vs []string
		for _, v := range c.Context().QueryArgs().PeekMulti(n) {
			if s := strings.TrimSpace(string(v)); s != "" {
				vs = append(vs, s)
			}
		}
		if len(vs) > 0 {
			out[n] = strings.Join(vs, ",")
		}
	}
	return out
}

// searchPerPage is how many results a search page of the UI shows.
const searchPerPage = 20

// paged is a list with the numbers of its pages, for the pager.
type paged[T any] struct {
	*models.List[T]
	Pages []int
}

// pages numbers the pages of a list (at most 50).
func pages(total, perPage int) []int {
	n := min((total+perPage-1)/perPage, 50)
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// projectViewData is one project's page.
type projectViewData struct {
	Project *models.Project
	Org     *models.Org
	Applied bool
}

func (w *Web) projectView(c *fiber.Ctx, p *page) (string, error) {
	pr, err := w.cfg.Projects.Get(c.UserContext(), p.User, c.Params("id"))
	if err != nil {
		return "", err
	}
	p.Title = pr.Title
	d := projectViewData{Project: pr}
	if o, err := w.cfg.Orgs.Get(c.UserContext(), p.User, pr.OrgID); err == nil {
		d.Org = o
	}
	if p.User.Is(models.RoleCreator) {
		apps, err := w.cfg.Applications.List(c.UserContext(), p.User, models.ApplicationFilter{ProjectID: []string{pr.ID}, Page: models.Page{Page: 1, PerPage: 1}})
		if err == nil && apps.Total > 0 {
			d.Applied = true
		}
	}
	p.Data = d
	return "project", nil
}

func (w *Web) apply(c *fiber.Ctx, p *page) (string, error) {
	in := models.ApplicationInput{Message: c.FormValue("message"), AcceptContact: c.FormValue("accept_contact") != ""}
	if _, err := w.cfg.Applications.Create(c.UserContext(), p.User, c.Params("id"), in); err != nil {
		if models.IsCode(err, models.CodeConflict) {
			return w.redirect(c, "/me/applications", "flash.already_applied")
		}
		return "", err
	}
	return w.redirect(c, "/me/applications", "flash.applied")
}
