package web

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// dashboardData is the bureau's dashboard. The charts read Charts (JSON in
// the page, drawn by app.js); the same numbers are in the tables beside
// them, so that the page reads without scripts and a screen reader hears
// the figures.
type dashboardData struct {
	Year       int
	Years      []int
	Targets    []models.TargetStatus
	Talents    *models.TargetStatus // the talents_imported target, for the trend
	Months     *models.Breakdown
	Breakdowns []*models.Breakdown // district, industry, origin, level
	Bases      *models.Breakdown
	Lagging    *models.Lagging
	Charts     map[string]any
}

func (w *Web) dashboard(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "dashboard.title")
	year := atoi(c.Query("year"))
	if year < 2020 || year > p.Year+1 {
		year = p.Year
	}
	ctx := c.UserContext()
	d := dashboardData{Year: year, Charts: map[string]any{}}
	for y := 2022; y <= p.Year; y++ {
		d.Years = append(d.Years, y)
	}
	var err error
	if d.Targets, err = w.cfg.Stats.Targets(ctx, p.User, year); err != nil {
		return "", err
	}
	for i := range d.Targets {
		if d.Targets[i].Kind == models.KindTalentsPerYear && d.Targets[i].Origin == "" {
			d.Talents = &d.Targets[i]
			break
		}
	}
	if d.Months, err = w.cfg.Stats.Recruitment(ctx, p.User, year, models.ByMonth); err != nil {
		return "", err
	}
	for _, by := range []string{models.ByDistrict, models.ByIndustry, models.ByOrigin, models.ByLevel} {
		b, err := w.cfg.Stats.Recruitment(ctx, p.User, year, by)
		if err != nil {
			return "", err
		}
		d.Breakdowns = append(d.Breakdowns, b)
	}
	if d.Bases, err = w.cfg.Stats.Bases(ctx, p.User, models.ByKind); err != nil {
		return "", err
	}
	if d.Lagging, err = w.cfg.Stats.Lagging(ctx, p.User, year); err != nil {
		return "", err
	}
	d.Charts = w.chartData(p, &d)
	p.Data = d
	return "dashboard", nil
}

// chartData is what app.js draws: gauges, the month trend against the pace
// line and the forecast, and the breakdowns, with labels in the page's
// language.
func (w *Web) chartData(p *page, d *dashboardData) map[string]any {
	en := p.Lang == models.LangEN
	var gauges []map[string]any
	for _, t := range d.Targets {
		label := t.LabelZH
		if en {
			label = t.LabelEN
		}
		gauges = append(gauges, map[string]any{"id": t.Metric, "label": label, "percent": t.Percent, "actual": t.Actual, "goal": t.Goal})
	}
	trend := map[string]any{}
	if d.Talents != nil && d.Months != nil {
		var months []string
		var cumulative []int
		sum := 0
		counts := map[string]int{}
		for _, g := range d.Months.Groups {
			counts[g.Key] = g.Count
		}
		last := 12
		if d.Year == p.Year {
			last = int(w.cfg.Now().In(models.ChinaTime).Month())
		}
		var pace []float64
		for m := 1; m <= 12; m++ {
			key := fmt.Sprintf("%d-%02d", d.Year, m)
			months = append(months, strconv.Itoa(m))
			sum += counts[key]
			if m <= last {
				cumulative = append(cumulative, sum)
			}
			pace = append(pace, d.Talents.Goal*float64(m)/12)
		}
		trend = map[string]any{"months": months, "actual": cumulative, "pace": pace, "forecast": d.Talents.Forecast, "goal": d.Talents.Goal,
			"labels": map[string]string{"actual": w.tr.t(p.Lang, "dashboard.trend_actual"), "pace": w.tr.t(p.Lang, "dashboard.trend_pace"),
				"forecast": w.tr.t(p.Lang, "dashboard.trend_forecast"), "goal": w.tr.t(p.Lang, "dashboard.goal")}}
	}
	vocab := map[string]string{models.ByDistrict: "districts", models.ByIndustry: "industries", models.ByOrigin: "origins", models.ByLevel: "levels"}
	bars := map[string]any{}
	for _, b := range d.Breakdowns {
		var keys []string
		var counts []int
		for _, g := range b.Groups {
			keys = append(keys, termLabel(p.Tax, vocab[b.By], g.Key, en))
			counts = append(counts, g.Count)
		}
		bars[b.By] = map[string]any{"keys": keys, "counts": counts}
	}
	return map[string]any{"gauges": gauges, "trend": trend, "bars": bars}
}

// queuesData are the verification queues.
type queuesData struct {
	Orgs         *models.List[*models.Org]
	Bases        *models.List[*models.Base]
	Recruitments *models.List[*models.Recruitment]
	OrgNames     map[string]string
}

func (w *Web) verifyQueues(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "verify.title")
	ctx := c.UserContext()
	pending := []models.Status{models.StatusPending}
	d := queuesData{OrgNames: map[string]string{}}
	var err error
	if d.Orgs, err = w.cfg.Orgs.List(ctx, p.User, models.OrgFilter{Status: pending, Page: models.Page{Page: 1, PerPage: 50}}); err != nil {
		return "", err
	}
	if d.Bases, err = w.cfg.Bases.List(ctx, p.User, models.BaseFilter{Status: pending, Page: models.Page{Page: 1, PerPage: 50}}); err != nil {
		return "", err
	}
	if d.Recruitments, err = w.cfg.Recruitments.List(ctx, p.User, models.RecruitmentFilter{Status: []string{string(models.StatusReported)},
		Page: models.Page{Page: 1, PerPage: 50}}); err != nil {
		return "", err
	}
	ids := map[string]bool{}
	for _, b := range d.Bases.Items {
		for _, id := range b.OperatorOrgIDs {
			ids[id] = true
		}
	}
	for _, r := range d.Recruitments.Items {
		ids[r.OrgID] = true
	}
	for id := range ids {
		if o, err := w.cfg.Orgs.Get(ctx, p.User, id); err == nil {
			d.OrgNames[id] = o.Name
		}
	}
	p.Data = d
	return "verify", nil
}

// decide verifies or rejects an organisation, a base or a recruitment
// report; a rejection needs a reason.
func (w *Web) decide(c *fiber.Ctx, p *page) (string, error) {
	in := models.DecisionInput{Decision: models.Status(c.FormValue("decision")), Reason: c.FormValue("reason")}
	ctx, id := c.UserContext(), c.Params("id")
	var err error
	switch c.Params("kind") {
	case "orgs":
		_, err = w.cfg.Orgs.Decide(ctx, p.User, id, in)
	case "bases":
		_, err = w.cfg.Bases.Decide(ctx, p.User, id, in)
	case "recruitments":
		_, err = w.cfg.Recruitments.Decide(ctx, p.User, id, in)
	default:
		return "", models.Errorf(models.CodeNotFound, "nothing to verify there")
	}
	if err != nil {
		if models.IsCode(err, models.CodeValidation) || models.IsCode(err, models.CodeConflict) {
			name, rerr := w.verifyQueues(c, p)
			p.Errors = map[string]string{"_": w.tr.t(p.Lang, "verify.refused"), id: w.tr.t(p.Lang, "verify.reason_needed")}
			if models.IsCode(err, models.CodeConflict) {
				p.Errors[id] = w.tr.t(p.Lang, "verify.already_decided")
			}
			p.Status = models.ErrorCode(err).HTTPStatus()
			return name, rerr
		}
		return "", err
	}
	flash := "flash.verified"
	if in.Decision == models.StatusRejected {
		flash = "flash.rejected"
	}
	return w.redirect(c, "/bureau/verify", flash)
}

func (w *Web) auditTrail(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "audit.title")
	f := models.AuditFilter{Action: nonEmpty(c.Query("action")), ResourceID: nonEmpty(c.Query("resource_id")), Page: pageOf(c, 50)}
	list, err := w.cfg.Audit.List(c.UserContext(), p.User, f)
	if err != nil {
		return "", err
	}
	ids := make([]string, 0, len(list.Items))
	for _, e := range list.Items {
		ids = append(ids, e.ActorID)
	}
	names, err := w.cfg.Accounts.Names(c.UserContext(), p.User, ids)
	if err != nil {
		return "", err
	}
	p.Data = map[string]any{"List": list, "Pages": pages(list.Total, 50), "Query": queryOf(c, "action", "resource_id"), "Names": names}
	return "audit", nil
}
