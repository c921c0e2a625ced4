package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// adminData is the admin's page.
type adminData struct {
	Targets  []models.TargetStatus
	Vocabs   []vocab
	Tax      *models.Taxonomy
	Reindex  models.ReindexStatus
	Recount  *models.RecountResult
	Created  *models.User
	Editable bool
	Mail     *models.MailStatus // nil without a mail service
	// The accounts' list: a page, its pages and the query.
	Users     *models.List[*models.User]
	UserPages []int
	UserQuery map[string]string
}

// vocab is one vocabulary of the taxonomy as the admin edits it: a line
// per term, "key | 中文 | English", with " | retired" for a retired one.
type vocab struct {
	Name  string
	Lines string
}

var vocabNames = []string{"industries", "districts", "business_forms", "base_kinds", "org_kinds", "org_flags", "project_kinds", "origins", "levels"}

func vocabText(terms []models.Term) string {
	var b strings.Builder
	for _, t := range terms {
		fmt.Fprintf(&b, "%s | %s | %s", t.Key, t.ZH, t.EN)
		if t.Retired {
			b.WriteString(" | retired")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func (w *Web) adminHome(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "admin.title")
	d, err := w.adminData(c, p)
	if err != nil {
		return "", err
	}
	p.Data = d
	if p.Form == nil {
		p.Form = map[string]string{"role": string(models.RoleBureau)}
	}
	return "admin", nil
}

func (w *Web) adminData(c *fiber.Ctx, p *page) (*adminData, error) {
	d := &adminData{Tax: p.Tax}
	var err error
	if d.Targets, err = w.cfg.Stats.Targets(c.UserContext(), p.User, p.Year); err != nil {
		return nil, err
	}
	for _, n := range vocabNames {
		d.Vocabs = append(d.Vocabs, vocab{Name: n, Lines: vocabText(vocabulary(p.Tax, n))})
	}
	if w.cfg.Maintenance != nil {
		d.Reindex = w.cfg.Maintenance.ReindexStatus()
	}
	if d.Mail, err = w.adminMail(c, p); err != nil {
		return nil, err
	}
	if err := w.adminUsers(c, p, d); err != nil {
		return nil, err
	}
	return d, nil
}

func (w *Web) adminUserCreate(c *fiber.Ctx, p *page) (string, error) {
	p.Form = formOf(c)
	in := models.NewUserInput{Email: p.Form["email"], Password: p.Form["password"], Name: p.Form["name"], Role: models.Role(p.Form["role"])}
	u, err := w.cfg.Accounts.CreateUser(c.UserContext(), p.User, in)
	if err != nil {
		if w.formErrors(p, err) {
			delete(p.Form, "password")
			return w.adminHome(c, p)
		}
		return "", err
	}
	name, err := w.adminHome(c, p)
	if err == nil {
		p.Data.(*adminData).Created = u
		p.Form = map[string]string{"role": string(models.RoleBureau)}
	}
	return name, err
}

// adminTargetSave changes a target's goal, period and labels.
func (w *Web) adminTargetSave(c *fiber.Ctx, p *page) (string, error) {
	metric := c.Params("metric")
	ts, err := w.cfg.Stats.Targets(c.UserContext(), p.User, p.Year)
	if err != nil {
		return "", err
	}
	var cur *models.TargetStatus
	for i := range ts {
		if ts[i].Metric == metric {
			cur = &ts[i]
		}
	}
	if cur == nil {
		return "", models.Errorf(models.CodeNotFound, "no such target")
	}
	goal, _ := strconv.ParseFloat(strings.TrimSpace(c.FormValue("goal")), 64)
	in := models.TargetInput{Kind: cur.Kind, LabelZH: c.FormValue("label_zh"), LabelEN: c.FormValue("label_en"),
		Period: models.Period{From: atoi(c.FormValue("from")), To: atoi(c.FormValue("to"))}, Goal: goal, BaseKind: cur.BaseKind,
		OperatorKinds: cur.OperatorKinds, OrgKind: cur.OrgKind, OrgFlag: cur.OrgFlag, Origin: cur.Origin}
	if _, err := w.cfg.Stats.SetTarget(c.UserContext(), p.User, metric, in, int64(atoi(c.FormValue("version")))); err != nil {
		if w.formErrors(p, err) {
			p.Errors["target."+metric] = p.Errors["_"]
			return w.adminHome(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/admin#targets", "flash.saved")
}

// adminPeriodOpen opens the next plan period (POST /admin/targets/period):
// the last period's targets copied, for their goals to be set below.
func (w *Web) adminPeriodOpen(c *fiber.Ctx, p *page) (string, error) {
	in := models.PeriodInput{From: atoi(c.FormValue("from")), To: atoi(c.FormValue("to"))}
	if _, err := w.cfg.Stats.StartPeriod(c.UserContext(), p.User, in); err != nil {
		if w.formErrors(p, err) || models.IsCode(err, models.CodeConflict) {
			if p.Errors == nil {
				p.Errors = map[string]string{}
			}
			p.Errors["period"] = w.refusalText(p.Lang, err)
			for k, v := range p.Errors {
				if k != "_" && k != "period" {
					p.Errors["period"] = v
				}
			}
			p.Status = models.ErrorCode(err).HTTPStatus()
			return again(c, p, w.adminHome)
		}
		return "", err
	}
	return w.redirect(c, "/admin#targets", "flash.period_opened")
}

// vocabLineError is a line of a vocabulary that is not "key | 中文 |
// English [| retired]"; the page says which, in its language.
type vocabLineError struct{ line int }

func (e vocabLineError) Error() string {
	return fmt.Sprintf("line %d: write key | 中文 | English, and | retired for a retired term", e.line)
}

// retiredMarks end the line of a retired term (either language's word).
var retiredMarks = []string{"retired", "停用"}

// parseVocab reads "key | 中文 | English [| retired]" lines.
func parseVocab(text string) ([]models.Term, error) {
	var out []models.Term
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.Split(line, "|")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		if len(parts) < 3 || len(parts) > 4 || (len(parts) == 4 && !slices.Contains(retiredMarks, parts[3])) {
			return nil, vocabLineError{n + 1}
		}
		out = append(out, models.Term{Key: parts[0], ZH: parts[1], EN: parts[2], Retired: len(parts) == 4})
	}
	return out, nil
}

func (w *Web) adminTaxonomySave(c *fiber.Ctx, p *page) (string, error) {
	t := *p.Tax
	errs, rules := map[string]string{}, map[string]models.FieldRule{}
	for _, n := range vocabNames {
		terms, err := parseVocab(c.FormValue("vocab." + n))
		if err != nil {
			line := err.(vocabLineError).line
			errs["vocab."+n], rules["vocab."+n] = err.Error(), models.FieldRule{Rule: models.RuleVocabLine, Param: strconv.Itoa(line)}
			continue
		}
		*vocabularyOf(&t, n) = terms
	}
	var err error
	if len(errs) == 0 {
		_, err = w.cfg.Taxonomies.Replace(c.UserContext(), p.User, t, int64(atoi(c.FormValue("version"))))
	} else {
		err = &models.Error{Code: models.CodeValidation, Message: "some lines cannot be read", Fields: errs, Rules: rules}
	}
	if err != nil {
		if w.formErrors(p, err) {
			name, rerr := w.adminHome(c, p)
			// Keep what the admin typed.
			if d, ok := p.Data.(*adminData); ok {
				for i := range d.Vocabs {
					d.Vocabs[i].Lines = c.FormValue("vocab." + d.Vocabs[i].Name)
				}
			}
			p.Errors["taxonomy"] = p.Errors["_"]
			return name, rerr
		}
		return "", err
	}
	return w.redirect(c, "/admin#taxonomies", "flash.saved")
}

func (w *Web) adminReindex(c *fiber.Ctx, p *page) (string, error) {
	if w.cfg.Maintenance == nil {
		return "", models.Errorf(models.CodeUnavailable, "reindexing is not available here")
	}
	if err := w.cfg.Maintenance.StartReindex(); err != nil && !models.IsCode(err, models.CodeConflict) {
		return "", err
	}
	return w.adminReindexStatus(c, p)
}

// adminReindexStatus answers the progress of a rebuild (htmx polls it).
func (w *Web) adminReindexStatus(c *fiber.Ctx, p *page) (string, error) {
	if !isHTMX(c) {
		return w.redirect(c, "/admin#maintenance", "")
	}
	d := &adminData{}
	if w.cfg.Maintenance != nil {
		d.Reindex = w.cfg.Maintenance.ReindexStatus()
	}
	p.Data = d
	return "admin_reindex", nil
}

func (w *Web) adminRecount(c *fiber.Ctx, p *page) (string, error) {
	res, err := w.cfg.Stats.Recount(c.UserContext(), p.User)
	if err != nil {
		return "", err
	}
	p.Title = w.tr.t(p.Lang, "admin.title")
	if isHTMX(c) {
		p.Data = &adminData{Recount: res}
		return "admin_recount", nil
	}
	d, err := w.adminData(c, p)
	if err != nil {
		return "", err
	}
	d.Recount = res
	p.Data = d
	p.Form = map[string]string{"role": string(models.RoleBureau)}
	return "admin", nil
}

// synonymsData is the page of the synonyms mined from profiles.
type synonymsData struct {
	Review *models.SynonymReview // nil where no index mines them
}

// adminSynonyms shows the synonym pairs that bilingual profiles suggest,
// to accept or reject, and the pairs decided.
func (w *Web) adminSynonyms(c *fiber.Ctx, p *page) (string, error) {
	d := &synonymsData{}
	if w.cfg.Vocabulary != nil {
		var err error
		if d.Review, err = w.cfg.Vocabulary.SynonymReview(c.UserContext(), p.User); err != nil {
			return "", err
		}
	}
	p.Title = w.tr.t(p.Lang, "admin.synonyms")
	p.Data = d
	return "admin_synonyms", nil
}

// adminSynonymDecide accepts or rejects a pair (accept=1 or 0).
func (w *Web) adminSynonymDecide(c *fiber.Ctx, p *page) (string, error) {
	if w.cfg.Vocabulary == nil {
		return "", models.Errorf(models.CodeUnavailable, "the vocabulary review is not available here")
	}
	accept := c.FormValue("accept") == "1"
	in := models.SynonymDecision{A: c.FormValue("a"), B: c.FormValue("b"), Accept: &accept}
	if c.FormValue("accept") != "1" && c.FormValue("accept") != "0" {
		in.Accept = nil
	}
	if _, err := w.cfg.Vocabulary.DecideSynonym(c.UserContext(), p.User, in); err != nil {
		if w.formErrors(p, err) {
			return w.adminSynonyms(c, p)
		}
		return "", err
	}
	key := "flash.synonym_rejected"
	if accept {
		key = "flash.synonym_accepted"
	}
	return w.redirect(c, "/admin/synonyms", key)
}
