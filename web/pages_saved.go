package web

import (
	"cmp"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// savedData is the saved-searches page: the list, each with the path of
// its search, and the kind the user saves.
type savedData struct {
	Items []savedItem
	Kind  string
	Max   int
}

type savedItem struct {
	*models.SavedSearch
	Path     string // the search's page with its parameters
	Readable string // its parameters as a person reads them
}

// savedKind is the kind of search a user saves.
func savedKind(u *models.User) string {
	if u.Is(models.RoleCreator) {
		return models.SavedProjects
	}
	return models.SavedTalents
}

// savedSearches lists the user's saved searches, with the form to add one
// (a project search for creators; organisations save from the search page).
func (w *Web) savedSearches(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "saved.title")
	list, err := w.cfg.SavedSearches.List(c.UserContext(), p.User)
	if err != nil {
		return "", err
	}
	d := savedData{Kind: savedKind(p.User), Max: models.MaxSavedSearches}
	for _, s := range list {
		path := "/talents"
		if s.Kind == models.SavedProjects {
			path = "/projects"
		}
		if s.Query != "" {
			path += "?" + s.Query
		}
		d.Items = append(d.Items, savedItem{SavedSearch: s, Path: path, Readable: w.readableQuery(p, s.Query)})
	}
	p.Data = d
	if p.Form == nil {
		p.Form = map[string]string{"alert": models.AlertInstant, "min_score": "60"}
	}
	return "saved", nil
}

// savedCreate saves a search: from the talent search page (its query as
// it stands) or the creator's project alert form (words, industry, score).
func (w *Web) savedCreate(c *fiber.Ctx, p *page) (string, error) {
	in := models.SavedSearchInput{Name: strings.TrimSpace(c.FormValue("name")), Kind: savedKind(p.User),
		Query: c.FormValue("query"), Alert: c.FormValue("alert")}
	if in.Kind == models.SavedProjects {
		v := url.Values{}
		for _, k := range []string{"q", "industries", "kind", "district"} {
			if s := strings.TrimSpace(c.FormValue(k)); s != "" {
				v.Set(k, s)
			}
		}
		in.Query = v.Encode()
		if s := c.FormValue("min_score"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				n = -1 // refused by the validation, with its rule
			}
			in.MinScore = n
		}
	}
	if _, err := w.cfg.SavedSearches.Create(c.UserContext(), p.User, in); err != nil {
		if !w.formErrors(p, err) {
			return "", err
		}
		p.Form = map[string]string{"name": in.Name, "alert": in.Alert, "min_score": c.FormValue("min_score"),
			"q": c.FormValue("q"), "industries": c.FormValue("industries"), "query": in.Query}
		return w.savedSearches(c, p)
	}
	return w.redirect(c, localPath(cmp.Or(c.FormValue("next"), "/saved")), "flash.search_saved")
}

// savedDelete deletes one of the user's saved searches.
func (w *Web) savedDelete(c *fiber.Ctx, p *page) (string, error) {
	if err := w.cfg.SavedSearches.Delete(c.UserContext(), p.User, c.Params("id")); err != nil {
		return "", err
	}
	return w.redirect(c, "/saved", "flash.search_deleted")
}

// saveQuery is a search's query as a saved search keeps it: its filters
// and words, not its order or page.
func saveQuery(qv map[string]string) string {
	v := url.Values{}
	for k, s := range qv {
		if k != "sort" && k != "page" && s != "" {
			v.Set(k, s)
		}
	}
	return v.Encode()
}

// savedVocabs are the parameters whose values are taxonomy keys.
var savedVocabs = map[string]string{"district": "districts", "industries": "industries", "kind": "project_kinds",
	"origin": "origins", "level": "levels"}

// readableQuery says a saved search's parameters in the page's language:
// 关键词：原画 · 区域：南山区.
func (w *Web) readableQuery(p *page, query string) string {
	vals, err := url.ParseQuery(query)
	if err != nil {
		return ""
	}
	var parts []string
	// In the order the search's form shows them: words first.
	order := append(slices.Clone(models.SavedTalentParams), models.SavedProjectParams...)
	keys := slices.SortedFunc(maps.Keys(vals), func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	for _, k := range keys {
		var shown []string
		for _, v := range strings.Split(strings.Join(vals[k], ","), ",") {
			if vocab, ok := savedVocabs[k]; ok {
				v = termLabel(p.Tax, vocab, v, p.Lang == models.LangEN)
			} else if k == "available" {
				v = w.tr.t(p.Lang, "saved.yes_no."+v)
			}
			shown = append(shown, v)
		}
		parts = append(parts, w.tr.t(p.Lang, "saved.param."+k)+w.tr.t(p.Lang, "saved.colon")+strings.Join(shown, "、"))
	}
	return strings.Join(parts, " · ")
}
