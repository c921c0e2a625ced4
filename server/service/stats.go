package service

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// Figures is what the statistics read: the in-memory figures
// (server/figures).
type Figures interface {
	Targets(ts []models.Target, year int) []models.TargetStatus
	Recruitment(year int, by string) (models.Breakdown, error)
	Bases(by string) (models.Breakdown, error)
	Lagging(goal float64, year int, districts, industries []string) models.Lagging
	Report(ts []models.Target, year int, records bool) *models.Report
	Recount(ctx context.Context) (*models.RecountResult, error)
	// Slice is the recruitment breakdowns of the people whose counting
	// record is dated in the months from..to of a year, up to a day
	// ("MM-DD", "" for all), under a filter.
	Slice(year, from, to int, upTo string, f models.SliceFilter) []models.Breakdown
}

// Stats implements models.StatsService.
type Stats struct {
	Deps
	figures Figures
	targets models.TargetStore
	// incubation, if set, is recounted with the figures.
	incubation IncubationRecount

	mu     sync.Mutex
	cached []models.Target
	at     time.Time
}

var _ models.StatsService = (*Stats)(nil)

// NewStats returns the statistics service.
func NewStats(d Deps, figures Figures, targets models.TargetStore) *Stats {
	d.defaults()
	return &Stats{Deps: d, figures: figures, targets: targets}
}

// SeedTargets stores the plan's targets that are missing.
func (s *Stats) SeedTargets(ctx context.Context) error {
	return s.targets.SeedTargets(ctx, models.DefaultTargets())
}

// allTargets returns the targets, cached for a few seconds (every read of
// the dashboard needs them; an admin's edit reaches every process soon).
func (s *Stats) allTargets(ctx context.Context) ([]models.Target, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cached != nil && s.Now().Sub(s.at) < 5*time.Second {
		return s.cached, nil
	}
	ts, err := s.targets.Targets(ctx)
	if err != nil {
		return nil, err
	}
	order := map[string]int{}
	for i, t := range models.DefaultTargets() {
		order[t.Metric] = i + 1
	}
	sortTargets(ts, order)
	s.cached, s.at = ts, s.Now()
	return ts, nil
}

// sortTargets puts the plan's targets first, in the plan's order, then the
// others by metric.
func sortTargets(ts []models.Target, order map[string]int) {
	rank := func(t models.Target) int {
		if r, ok := order[t.Metric]; ok {
			return r
		}
		return len(order) + 1
	}
	slices.SortFunc(ts, func(a, b models.Target) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Metric, b.Metric))
	})
}

// may checks act on the figures: reading is for the bureau and admins,
// changing targets and recounting for admins. The figures are no secret
// object, so a refusal is 403 rather than 404.
func (s *Stats) may(actor *models.User, act models.Action) error {
	err := models.Authorize(actor, act, models.Resource{Kind: models.KindStats})
	if models.IsCode(err, models.CodeNotFound) {
		return models.Errorf(models.CodeForbidden, "the figures are for the bureau and admins")
	}
	return err
}

func (s *Stats) canRead(actor *models.User) error { return s.may(actor, models.ActRead) }

// year defaults to this year in Shenzhen.
func (s *Stats) year(y int) int {
	if y == 0 {
		return s.Now().In(models.ChinaTime).Year()
	}
	return y
}

// Targets implements models.StatsService.
func (s *Stats) Targets(ctx context.Context, actor *models.User, year int) ([]models.TargetStatus, error) {
	if err := s.canRead(actor); err != nil {
		return nil, err
	}
	ts, err := s.allTargets(ctx)
	if err != nil {
		return nil, err
	}
	return s.figures.Targets(ts, s.year(year)), nil
}

// Progress implements models.StatsService.
func (s *Stats) Progress(ctx context.Context, year int) ([]models.TargetStatus, error) {
	ts, err := s.allTargets(ctx)
	if err != nil {
		return nil, err
	}
	out := s.figures.Targets(ts, s.year(year))
	for i := range out {
		out[i].Orgs, out[i].ByIndustry, out[i].NotCounted = nil, nil, nil
	}
	return out, nil
}

var yearSuffix = regexp.MustCompile(`_\d{4}$`)

// StartPeriod implements models.StatsService. All the copies are checked
// before the first is written; one found made (a run cut short) is left
// as it is.
func (s *Stats) StartPeriod(ctx context.Context, actor *models.User, in models.PeriodInput) ([]models.Target, error) {
	if err := s.may(actor, models.ActUpdate); err != nil {
		return nil, err
	}
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	if in.To-in.From > 10 {
		return nil, models.FieldProblem(models.CodeValidation, "to", models.RuleMax, strconv.Itoa(in.From+10), "a plan period is at most eleven years")
	}
	ts, err := s.targets.Targets(ctx)
	if err != nil {
		return nil, err
	}
	last := 0
	for _, t := range ts {
		if t.Period.To < in.From {
			last = max(last, t.Period.To)
		}
	}
	if last == 0 {
		return nil, models.Errorf(models.CodeConflict, "no plan period ends before %d: set its targets one by one", in.From)
	}
	byMetric := map[string]models.Target{}
	for _, t := range ts {
		byMetric[t.Metric] = t
	}
	var copies []models.Target
	for _, t := range ts {
		if t.Period.To != last {
			continue
		}
		c := t
		c.Metric = yearSuffix.ReplaceAllString(t.Metric, "") + "_" + strconv.Itoa(in.From)
		c.Period = models.Period(in)
		c.Version = 0
		if had, ok := byMetric[c.Metric]; ok {
			if had.Period != c.Period {
				return nil, models.Errorf(models.CodeConflict, "the metric %s counts %d-%d already", c.Metric, had.Period.From, had.Period.To)
			}
			copies = append(copies, had)
			continue
		}
		if !models.MetricKey(c.Metric) {
			return nil, models.Errorf(models.CodeConflict, "the metric %s is too long to copy", t.Metric)
		}
		copies = append(copies, c)
	}
	out := make([]models.Target, 0, len(copies))
	for _, c := range copies {
		if c.Version != 0 {
			out = append(out, c)
			continue
		}
		t, err := s.targets.PutTarget(ctx, &c, 0)
		if err != nil {
			return nil, err
		}
		s.audit(ctx, actor, models.AuditTargetSet, models.KindStats, t.Metric, nil,
			map[string]any{"goal": t.Goal, "period_from": t.Period.From, "period_to": t.Period.To, "kind": string(t.Kind)}, "the next plan period")
		out = append(out, *t)
	}
	s.mu.Lock()
	s.cached = nil
	s.mu.Unlock()
	return out, nil
}

// Slice implements models.StatsService. The filter's values are checked
// against the taxonomy (a district that does not exist is an error, not an
// empty answer).
func (s *Stats) Slice(ctx context.Context, actor *models.User, year int, f models.SliceFilter) (*models.RecruitmentSlice, error) {
	if err := s.canRead(actor); err != nil {
		return nil, err
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	for field, c := range map[string]struct {
		v     string
		terms []models.Term
	}{"district": {f.District, tax.Districts}, "industry": {f.Industry, tax.Industries}, "origin": {f.Origin, tax.Origins}} {
		if c.v != "" && !slices.ContainsFunc(c.terms, func(t models.Term) bool { return t.Key == c.v }) {
			return nil, models.FieldProblem(models.CodeBadRequest, field, models.RuleTaxonomy, "", "is not a key of the taxonomy")
		}
	}
	year = s.year(year)
	now := s.Now().In(models.ChinaTime)
	day := "12-31"
	if year == now.Year() {
		day = now.Format("01-02")
	}
	bs := s.figures.Slice(year, 1, 12, "", f)
	out := &models.RecruitmentSlice{AsOf: bs[0].AsOf, Year: year, Filter: f, Total: bs[0].Total, Breakdowns: bs}
	for _, g := range bs[0].Groups { // by month
		m, _ := strconv.Atoi(g.Key)
		out.Quarters[(m-1)/3] += g.Count
	}
	out.SamePoint = models.SamePoint{Day: day, This: out.Total, Previous: s.figures.Slice(year-1, 1, 12, day, f)[0].Total}
	if day != "12-31" {
		out.SamePoint.This = s.figures.Slice(year, 1, 12, day, f)[0].Total
	}
	return out, nil
}

// SetTarget implements models.StatsService.
func (s *Stats) SetTarget(ctx context.Context, actor *models.User, metric string, in models.TargetInput, ifVersion int64) (*models.Target, error) {
	if err := s.may(actor, models.ActUpdate); err != nil {
		return nil, err
	}
	if !models.MetricKey(metric) {
		return nil, models.Errorf(models.CodeBadRequest, "a metric is 2-48 lower-case letters, digits or _")
	}
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	ts, err := s.allTargets(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Metric == metric && t.Kind != in.Kind {
			return nil, models.Errorf(models.CodeConflict, "%s counts %s; the kind of a metric cannot change", metric, t.Kind)
		}
	}
	t := &models.Target{Metric: metric, Kind: in.Kind, LabelZH: in.LabelZH, LabelEN: in.LabelEN, Period: in.Period, Goal: in.Goal,
		BaseKind: in.BaseKind, OperatorKinds: in.OperatorKinds, OrgKind: in.OrgKind, OrgFlag: in.OrgFlag, Origin: in.Origin}
	t, err = s.targets.PutTarget(ctx, t, ifVersion)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cached = nil
	s.mu.Unlock()
	s.audit(ctx, actor, models.AuditTargetSet, models.KindStats, metric, nil,
		map[string]any{"goal": t.Goal, "period_from": t.Period.From, "period_to": t.Period.To, "kind": string(t.Kind)}, "")
	return t, nil
}

// Recruitment implements models.StatsService.
func (s *Stats) Recruitment(ctx context.Context, actor *models.User, year int, by string) (*models.Breakdown, error) {
	if err := s.canRead(actor); err != nil {
		return nil, err
	}
	if by == "" {
		by = models.ByMonth
	}
	b, err := s.figures.Recruitment(s.year(year), by)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// Bases implements models.StatsService.
func (s *Stats) Bases(ctx context.Context, actor *models.User, by string) (*models.Breakdown, error) {
	if err := s.canRead(actor); err != nil {
		return nil, err
	}
	if by == "" {
		by = models.ByKind
	}
	b, err := s.figures.Bases(by)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// Lagging implements models.StatsService: measured against the goal of the
// talents_imported target when its period contains the year (no goal, so
// nothing lags, outside it), over every district and industry of the
// taxonomy.
func (s *Stats) Lagging(ctx context.Context, actor *models.User, year int) (*models.Lagging, error) {
	if err := s.canRead(actor); err != nil {
		return nil, err
	}
	ts, err := s.allTargets(ctx)
	if err != nil {
		return nil, err
	}
	year = s.year(year)
	goal := 0.0
	for _, t := range ts {
		if t.Metric == "talents_imported" && t.Period.Contains(year) {
			goal = t.Goal
		}
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	keys := func(terms []models.Term) []string {
		out := make([]string, 0, len(terms))
		for _, t := range terms {
			if !t.Retired {
				out = append(out, t.Key)
			}
		}
		return out
	}
	l := s.figures.Lagging(goal, year, keys(tax.Districts), keys(tax.Industries))
	return &l, nil
}

// Report implements models.StatsService.
func (s *Stats) Report(ctx context.Context, actor *models.User, year int, records bool) (*models.Report, error) {
	if err := s.canRead(actor); err != nil {
		return nil, err
	}
	ts, err := s.allTargets(ctx)
	if err != nil {
		return nil, err
	}
	return s.figures.Report(ts, s.year(year), records), nil
}

// Recount implements models.StatsService (admins).
func (s *Stats) Recount(ctx context.Context, actor *models.User) (*models.RecountResult, error) {
	if err := s.may(actor, models.ActUpdate); err != nil {
		return nil, err
	}
	res, err := s.figures.Recount(ctx)
	if err != nil || s.incubation == nil {
		return res, err
	}
	diffs, n, err := s.incubation.Recount(ctx)
	if err != nil {
		return nil, err
	}
	res.Checked += n
	res.Differences = append(res.Differences, diffs...)
	return res, nil
}

// IncubationRecount compares the incubation figures with the records
// (figures.Incubation), for the recount.
type IncubationRecount interface {
	Recount(ctx context.Context) (differences []string, checked int, err error)
}
