package web

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

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
	Gauges     []gauge
	Finals     []finalResult        // the periods that contain Year and are over
	Talents    *models.TargetStatus // the talents_imported target, for the trend
	Months     *models.Breakdown
	Breakdowns []*models.Breakdown // district, industry, origin, level
	Bases      *models.Breakdown
	Lagging    *models.Lagging
	Charts     map[string]any
	// Published are the year's publications (with how far the live figures
	// moved since); Publishable the periods of the year that are over and
	// not published, for the bureau.
	Published   []publishedRow
	Publishable []string
	CanPublish  bool
	// Filter narrows the trend and the breakdowns (not the targets);
	// Slice has them, the quarters and last year at this point.
	Filter   models.SliceFilter
	Filtered bool
	Slice    *models.RecruitmentSlice
	// Incubation are the year's incubation figures (nil without the
	// service).
	Incubation *incubationCard
}

// publishedRow is a publication as the dashboard lists it.
type publishedRow struct {
	*models.Publication
	Total int
	// Change is the revision since publication ("+2", "-1", "" unchanged).
	Change string
}

// gauge is a target's status with the words that explain it.
type gauge struct {
	models.TargetStatus
	Rule       string
	NotCounted []string
	Badge      string
}

// finalResult is the final result of one plan period: its targets.
type finalResult struct {
	Period  models.Period
	Targets []models.TargetStatus
}

func (w *Web) dashboard(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "dashboard.title")
	ctx := c.UserContext()
	ts, err := w.cfg.Stats.Targets(ctx, p.User, p.Year)
	if err != nil {
		return "", err
	}
	year := atoi(c.Query("year"))
	if year < 2000 || year > p.Year+1 {
		// No year asked for: this year if a target's period holds it, else
		// the last year of the period that is over (its final result).
		plan := make([]models.Target, len(ts))
		for i := range ts {
			plan[i] = ts[i].Target
		}
		year = models.ResultYear(plan, p.Year)
	}
	if year != p.Year {
		if ts, err = w.cfg.Stats.Targets(ctx, p.User, year); err != nil {
			return "", err
		}
	}
	d := dashboardData{Year: year, Targets: ts, Charts: map[string]any{}}
	first := p.Year
	for _, t := range ts {
		first = min(first, t.Period.From)
	}
	for y := min(first, year); y <= max(p.Year, year); y++ {
		d.Years = append(d.Years, y)
	}
	for i, t := range d.Targets {
		if t.Kind == models.KindTalentsPerYear && t.Origin == "" && d.Talents == nil {
			d.Talents = &d.Targets[i]
		}
		d.Gauges = append(d.Gauges, gauge{TargetStatus: t, Rule: w.targetRule(p.Lang, p.Tax, t), NotCounted: w.notCounted(p.Lang, p.Tax, t),
			Badge: badge(t, p.Year)})
		if t.Final != nil && t.Final.Period.Contains(year) {
			i := slices.IndexFunc(d.Finals, func(f finalResult) bool { return f.Period == t.Final.Period })
			if i < 0 {
				d.Finals = append(d.Finals, finalResult{Period: t.Final.Period})
				i = len(d.Finals) - 1
			}
			d.Finals[i].Targets = append(d.Finals[i].Targets, t)
		}
	}
	// The trend and the breakdowns of the people counted under the filter
	// (all, without one), with the quarters and last year at this point.
	d.Filter = models.SliceFilter{District: c.Query("district"), Industry: c.Query("industry"), Origin: c.Query("origin")}
	if d.Slice, err = w.cfg.Stats.Slice(ctx, p.User, year, d.Filter); err != nil {
		return "", err
	}
	for i := range d.Slice.Breakdowns {
		switch b := &d.Slice.Breakdowns[i]; b.By {
		case models.ByMonth:
			d.Months = b
		case models.ByDistrict, models.ByIndustry, models.ByOrigin, models.ByLevel:
			d.Breakdowns = append(d.Breakdowns, b)
		}
	}
	d.Filtered = d.Filter != (models.SliceFilter{})
	if d.Bases, err = w.cfg.Stats.Bases(ctx, p.User, models.ByKind); err != nil {
		return "", err
	}
	if d.Lagging, err = w.cfg.Stats.Lagging(ctx, p.User, year); err != nil {
		return "", err
	}
	if err := w.publications(c, p, &d); err != nil {
		return "", err
	}
	if d.Incubation, err = w.incubationFigures(c, p, year); err != nil {
		return "", err
	}
	d.Charts = w.chartData(p, &d)
	p.Data = d
	return "dashboard", nil
}

// publications fills the dashboard's published figures of its year.
func (w *Web) publications(c *fiber.Ctx, p *page, d *dashboardData) error {
	list, err := w.cfg.Publications.List(c.UserContext(), p.User, d.Year, models.Page{Page: 1, PerPage: 10})
	if err != nil {
		return err
	}
	done := map[string]bool{}
	for _, pub := range list.Items {
		var f models.PublishedFigures
		if err := json.Unmarshal(pub.Figures, &f); err != nil {
			return models.Internal("web.publications", err)
		}
		row := publishedRow{Publication: pub, Total: f.Total()}
		if pub.Revised != nil && *pub.Revised != 0 {
			row.Change = fmt.Sprintf("%+d", *pub.Revised)
		}
		d.Published = append(d.Published, row)
		done[pub.Period] = true
	}
	d.CanPublish = models.Permit(p.User, models.ActPublish) == nil
	now := w.cfg.Now()
	for q := 1; q <= 4; q++ {
		if name := models.PeriodName(d.Year, q); !done[name] && !now.Before(models.PeriodEnd(d.Year, 3*q)) {
			d.Publishable = append(d.Publishable, name)
		}
	}
	if name := models.PeriodName(d.Year, 0); !done[name] && !now.Before(models.PeriodEnd(d.Year, 12)) {
		d.Publishable = append(d.Publishable, name)
	}
	return nil
}

// publish publishes a period's figures (POST /bureau/publications).
func (w *Web) publish(c *fiber.Ctx, p *page) (string, error) {
	period := c.FormValue("period")
	if _, err := w.cfg.Publications.Publish(c.UserContext(), p.User, models.PublicationInput{Period: period}); err != nil {
		return "", err
	}
	year, _, _, _, _ := models.ParsePeriod(period)
	return w.redirect(c, fmt.Sprintf("/bureau?year=%d#published", year), "flash.published")
}

// trendScale is the top of the trend's y-axis: the larger of the count so
// far and the forecast, with a tenth of headroom, rounded up to a readable
// step. The goal raises it only when it is within twice the data, so that a
// goal near the count is drawn as its line and a far one does not flatten
// the data to the axis; with no data yet, the goal sets it.
func trendScale(top, goal float64) (ymax float64, goalOnScale bool) {
	switch {
	case top <= 0 && goal > 0:
		top = goal
	case top <= 0:
		top = 10
	case goal > 0 && goal <= 2*top:
		top = max(top, goal)
	}
	ymax = niceCeil(top * 1.1)
	return ymax, goal > 0 && goal <= ymax
}

// niceCeil rounds x up to a readable step: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6
// or 8 times a power of ten (at least 5, for whole people).
func niceCeil(x float64) float64 {
	if x <= 5 {
		return 5
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if x <= m*p+1e-9 {
			return m * p
		}
	}
	return 10 * p
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
		} else if d.Year > p.Year {
			last = 0
		}
		var pace []float64
		for m := 1; m <= 12; m++ {
			months = append(months, strconv.Itoa(m))
			sum += counts[fmt.Sprintf("%02d", m)] // the breakdown's keys
			if m <= last {
				cumulative = append(cumulative, sum)
			}
			pace = append(pace, d.Talents.Goal*float64(m)/12)
		}
		forecast := 0.0
		if last < 12 {
			forecast = d.Talents.Forecast
		}
		shown := 0
		if len(cumulative) > 0 {
			shown = cumulative[len(cumulative)-1]
		}
		ymax, onScale := trendScale(max(float64(shown), forecast), d.Talents.Goal)
		trend = map[string]any{"months": months, "actual": cumulative, "pace": pace, "forecast": forecast, "goal": d.Talents.Goal,
			"ymax": ymax, "goal_on_scale": onScale,
			"labels": map[string]string{"actual": w.tr.t(p.Lang, "dashboard.trend_actual"), "pace": w.tr.t(p.Lang, "dashboard.trend_pace"),
				"forecast": w.tr.t(p.Lang, "dashboard.trend_forecast"), "goal": w.tr.t(p.Lang, "dashboard.goal"),
				"goal_off_scale": w.tr.t(p.Lang, "dashboard.goal_off_scale", "Goal", groupDigits(d.Talents.Goal, 0))}}
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

// queuePerPage is how many records of a queue the page shows at once.
const queuePerPage = 20

// queueParams are the verification page's query parameters: the order and
// filters every queue shares, and one page number per queue, so that
// paging one queue keeps the others where they were.
var queueParams = []string{"order", "district", "industry", "org_kind", "base_kind", "orgs_page", "bases_page", "reports_page"}

// queuesData are the verification queues.
type queuesData struct {
	Orgs         *models.List[*models.Org]
	Bases        *models.List[*models.Base]
	Recruitments *models.List[*models.Recruitment]
	OrgPages     []int
	BasePages    []int
	ReportPages  []int
	OrgNames     map[string]string
	// ContactVerified says, by the id of the account that registered an
	// organisation (its contact), whether its address is verified.
	ContactVerified map[string]bool
	// Reporters are the names of the members who reported the hires.
	Reporters map[string]string
	Query     map[string]string
	Order     string
	// Waited says, by record id, how long it has waited (in the page's
	// language).
	Waited map[string]string
	// Back is the query string of the page ("?…" or empty), kept in the
	// forms' actions so that a decision returns to the same view.
	Back string
	// Bulk is the outcome of an "approve selected", row by row, when a
	// row could not be approved (all approved redirects with a flash).
	Bulk []bulkOutcome
}

// bulkOutcome is one record of an "approve selected".
type bulkOutcome struct {
	ID, Name string
	Error    string // empty when approved
}

// queueFilter is the verification page's filters, those outside the
// vocabularies dropped.
func queueFilter(c *fiber.Ctx, tax *models.Taxonomy) (q map[string]string, order string) {
	q = queryOf(c, queueParams...)
	order = q["order"]
	if order != models.OrderNewest {
		order = models.OrderOldest
		delete(q, "order")
	}
	dropUnknown(q, tax, map[string]string{"district": "districts", "industry": "industries", "org_kind": "org_kinds", "base_kind": "base_kinds"})
	return q, order
}

// dropUnknown removes from a page's filters the values outside their
// vocabularies (vocabs names each parameter's): a hand-edited address
// lists everything rather than nothing, and the form shows no filter set.
func dropUnknown(q map[string]string, tax *models.Taxonomy, vocabs map[string]string) {
	for param, vocab := range vocabs {
		if v, ok := q[param]; ok && !slices.ContainsFunc(activeTerms(tax, vocab), func(t models.Term) bool { return t.Key == v }) {
			delete(q, param)
		}
	}
}

// queuePage reads a queue's own page parameter.
func queuePage(q map[string]string, name string) models.Page {
	n := atoi(q[name])
	if n < 1 || n > 500 {
		n = 1
	}
	return models.Page{Page: n, PerPage: queuePerPage}
}

func (w *Web) verifyQueues(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "verify.title")
	ctx := c.UserContext()
	q, order := queueFilter(c, p.Tax)
	pending := []models.Status{models.StatusPending}
	d := queuesData{OrgNames: map[string]string{}, Waited: map[string]string{}, Query: q, Order: order,
		Back: strings.TrimPrefix(w.queueURL(c), "/bureau/verify")}
	if prev, ok := p.Data.(queuesData); ok {
		d.Bulk = prev.Bulk
	}
	district, industry := nonEmpty(q["district"]), nonEmpty(q["industry"])
	var err error
	if d.Orgs, err = w.cfg.Orgs.List(ctx, p.User, models.OrgFilter{Status: pending, District: district, Industry: industry,
		Kind: nonEmpty(q["org_kind"]), Order: order, Page: queuePage(q, "orgs_page")}); err != nil {
		return "", err
	}
	if d.Bases, err = w.cfg.Bases.List(ctx, p.User, models.BaseFilter{Status: pending, District: district, Industry: industry,
		Kind: nonEmpty(q["base_kind"]), Order: order, Page: queuePage(q, "bases_page")}); err != nil {
		return "", err
	}
	if d.Recruitments, err = w.cfg.Recruitments.List(ctx, p.User, models.RecruitmentFilter{Status: []string{string(models.StatusReported)},
		District: district, Industry: industry, Order: order, Page: queuePage(q, "reports_page")}); err != nil {
		return "", err
	}
	d.OrgPages, d.BasePages, d.ReportPages = pages(d.Orgs.Total, queuePerPage), pages(d.Bases.Total, queuePerPage), pages(d.Recruitments.Total, queuePerPage)
	ids := operatorIDs(d.Bases.Items)
	var reporters []string
	now := w.cfg.Now()
	for _, o := range d.Orgs.Items {
		d.Waited[o.ID] = w.waited(p.Lang, o.CreatedAt, now)
	}
	for _, b := range d.Bases.Items {
		d.Waited[b.ID] = w.waited(p.Lang, b.CreatedAt, now)
	}
	for _, r := range d.Recruitments.Items {
		d.Waited[r.ID] = w.waited(p.Lang, r.CreatedAt, now)
		ids = append(ids, r.OrgID)
		reporters = append(reporters, r.ReportedBy)
	}
	w.orgNames(ctx, p.User, d.OrgNames, ids...)
	var contacts []string
	for _, o := range d.Orgs.Items {
		contacts = append(contacts, o.CreatedBy)
	}
	if d.ContactVerified, err = w.cfg.Accounts.EmailsVerified(ctx, p.User, contacts); err != nil {
		return "", err
	}
	if d.Reporters, err = w.cfg.Accounts.Names(ctx, p.User, reporters); err != nil {
		return "", err
	}
	p.Data = d
	return "verify", nil
}

// waited says how long a record has waited, in the page's language: hours
// on its first day, then days.
func (w *Web) waited(lang string, since, now time.Time) string {
	d := now.Sub(since)
	switch {
	case d < time.Hour:
		return w.tr.t(lang, "verify.waited_under_hour")
	case d < 2*time.Hour:
		return w.tr.t(lang, "verify.waited_hour")
	case d < 24*time.Hour:
		return w.tr.t(lang, "verify.waited_hours", "N", int(d/time.Hour))
	case d < 48*time.Hour:
		return w.tr.t(lang, "verify.waited_day")
	}
	return w.tr.t(lang, "verify.waited_days", "N", int(d/(24*time.Hour)))
}

// decider is a service's decision on one record of a queue.
type decider func(ctx context.Context, actor *models.User, id string, in models.DecisionInput) error

func (w *Web) deciderOf(kind string) decider {
	switch kind {
	case "orgs":
		return func(ctx context.Context, u *models.User, id string, in models.DecisionInput) error {
			_, err := w.cfg.Orgs.Decide(ctx, u, id, in)
			return err
		}
	case "bases":
		return func(ctx context.Context, u *models.User, id string, in models.DecisionInput) error {
			_, err := w.cfg.Bases.Decide(ctx, u, id, in)
			return err
		}
	case "recruitments":
		return func(ctx context.Context, u *models.User, id string, in models.DecisionInput) error {
			_, err := w.cfg.Recruitments.Decide(ctx, u, id, in)
			return err
		}
	}
	return nil
}

// decide verifies or rejects an organisation, a base or a recruitment
// report; a rejection needs a reason.
func (w *Web) decide(c *fiber.Ctx, p *page) (string, error) {
	in := models.DecisionInput{Decision: models.Status(c.FormValue("decision")), Reason: c.FormValue("reason")}
	ctx, id := c.UserContext(), c.Params("id")
	fn := w.deciderOf(c.Params("kind"))
	if fn == nil {
		return "", models.Errorf(models.CodeNotFound, "nothing to verify there")
	}
	if err := fn(ctx, p.User, id, in); err != nil {
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
	return w.redirect(c, w.queueURL(c), flash)
}

// bulkMax is how many records one "approve selected" may name: two pages
// of a queue and more, while keeping one post's work short.
const bulkMax = 100

// decideMany approves the records selected in one queue, each through the
// service's own decision (checked and audited one by one, as if approved
// by its own button). A record that cannot be approved (decided meanwhile,
// gone) does not stop the others; the page then says, record by record,
// what happened, with 200 when some were approved and the refusal's status
// when none was.
func (w *Web) decideMany(c *fiber.Ctx, p *page) (string, error) {
	kind := c.Params("kind")
	fn := w.deciderOf(kind)
	if fn == nil {
		return "", models.Errorf(models.CodeNotFound, "nothing to verify there")
	}
	var ids []string
	for _, id := range valuesOf(c, "id") {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	refuse := func(msg string) (string, error) {
		name, err := w.verifyQueues(c, p)
		p.Errors = map[string]string{"_": msg}
		p.Status = models.CodeValidation.HTTPStatus()
		return name, err
	}
	if len(ids) == 0 {
		return refuse(w.tr.t(p.Lang, "verify.none_selected"))
	}
	if len(ids) > bulkMax {
		return refuse(w.tr.t(p.Lang, "verify.too_many", "N", bulkMax))
	}
	ctx := c.UserContext()
	var out []bulkOutcome
	var failed error
	approved := 0
	for _, id := range ids {
		o := bulkOutcome{ID: id, Name: w.recordName(ctx, p.User, kind, id)}
		if err := fn(ctx, p.User, id, models.DecisionInput{Decision: models.StatusVerified}); err != nil {
			switch {
			case models.IsCode(err, models.CodeConflict):
				o.Error = w.tr.t(p.Lang, "verify.already_decided")
			case models.IsCode(err, models.CodeNotFound), models.IsCode(err, models.CodeValidation), models.IsCode(err, models.CodeBadRequest):
				o.Error = w.tr.t(p.Lang, "verify.not_found")
			default:
				return "", err // a fault, not a refusal: the error page
			}
			if failed == nil {
				failed = err
			}
		} else {
			approved++
		}
		out = append(out, o)
	}
	if failed == nil {
		return w.redirect(c, w.queueURL(c), "flash.verified_many")
	}
	p.Data = queuesData{Bulk: out}
	name, err := w.verifyQueues(c, p)
	p.Errors = map[string]string{"_": w.tr.t(p.Lang, "verify.bulk_partial", "N", approved, "Failed", len(ids)-approved)}
	if approved == 0 {
		p.Status = models.ErrorCode(failed).HTTPStatus()
	}
	return name, err
}

// recordName is what the bureau calls a record of a queue: its name, or
// for a hire report the talent's; the id when it cannot be read.
func (w *Web) recordName(ctx context.Context, u *models.User, kind, id string) string {
	switch kind {
	case "orgs":
		if o, err := w.cfg.Orgs.Get(ctx, u, id); err == nil {
			return o.Name
		}
	case "bases":
		if b, err := w.cfg.Bases.Get(ctx, u, id); err == nil {
			return b.Name
		}
	case "recruitments":
		if r, err := w.cfg.Recruitments.Get(ctx, u, id); err == nil && r.TalentName != "" {
			return r.TalentName
		}
	}
	return id
}

// queueURL is the verification page with the order, filters and pages the
// form was posted from (kept in its action), so that a decision returns
// the bureau to where it was.
func (w *Web) queueURL(c *fiber.Ctx) string {
	v := url.Values{}
	for k, x := range queryOf(c, queueParams...) {
		v.Set(k, x)
	}
	if len(v) == 0 {
		return "/bureau/verify"
	}
	return "/bureau/verify?" + v.Encode()
}

func (w *Web) auditTrail(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "audit.title")
	ctx := c.UserContext()
	f := models.AuditFilter{Action: nonEmpty(c.Query("action")), ResourceID: nonEmpty(c.Query("resource_id")), Page: pageOf(c, 50)}
	list, err := w.cfg.Audit.List(ctx, p.User, f)
	if err != nil {
		return "", err
	}
	ids := make([]string, 0, len(list.Items))
	targets := false
	for _, e := range list.Items {
		ids = append(ids, e.ActorID)
		targets = targets || e.Action == models.AuditTargetSet
	}
	actors, err := w.cfg.Accounts.Names(ctx, p.User, ids)
	if err != nil {
		return "", err
	}
	names, err := w.cfg.Audit.Names(ctx, p.User, list.Items)
	if err != nil {
		return "", err
	}
	var ts []models.TargetStatus
	if targets {
		if ts, err = w.cfg.Stats.Targets(ctx, p.User, p.Year); err != nil {
			return "", err
		}
	}
	p.Data = map[string]any{"List": list, "Rows": w.auditRows(p.Lang, p.Tax, list.Items, names, actors, ts), "Pages": pages(list.Total, 50),
		"Query": queryOf(c, "action", "resource_id")}
	return "audit", nil
}
