package figures

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/szdc/talenthub/models"
)

// AsOf is the time up to which the figures are known to be current: the
// last catch-up with the feed or the last local change.
func (f *Figures) AsOf() time.Time {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.asOf
}

// today returns now in Shenzhen.
func (f *Figures) today() time.Time { return f.now().In(models.ChinaTime) }

// Recruitment returns a year's breakdown of counted talents by dim.
func (f *Figures) Recruitment(yr int, by string) (models.Breakdown, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.recruitment(yr, by)
}

func (f *Figures) recruitment(yr int, by string) (models.Breakdown, error) {
	b := models.Breakdown{AsOf: f.asOf, Year: yr, By: by, Groups: []models.Group{}}
	y := f.years[yr]
	if y == nil {
		y = newYear()
	}
	b.Total = y.total
	switch by {
	case models.ByMonth:
		for m := 1; m <= 12; m++ {
			b.Groups = append(b.Groups, models.Group{Key: fmt.Sprintf("%02d", m), Count: y.byMonth[m]})
		}
		return b, nil
	case models.ByDistrict, models.ByIndustry, models.ByOrigin, models.ByLevel, models.ByDistrictIndustry:
		for k, n := range y.byDim[by] {
			g := models.Group{Key: k, Count: n}
			if by == models.ByDistrictIndustry {
				g.District, g.Industry = models.SplitPair(k)
			}
			b.Groups = append(b.Groups, g)
		}
		sortGroups(b.Groups)
		return b, nil
	}
	return b, badDim(by, models.RecruitmentDims)
}

func sortGroups(g []models.Group) {
	slices.SortFunc(g, func(a, b models.Group) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key)) })
}

func badDim(by string, allowed []string) error {
	return models.FieldProblem(models.CodeBadRequest, "by", models.RuleOneOf, strings.Join(allowed, ", "), fmt.Sprintf("must be one of %v", allowed))
}

// BaseDims are the breakdowns of GET /stats/bases.
var BaseDims = []string{models.ByKind, models.ByDistrict}

// Bases returns the verified bases by kind or district: each base once.
func (f *Figures) Bases(by string) (models.Breakdown, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.basesBy(by)
}

func (f *Figures) basesBy(by string) (models.Breakdown, error) {
	if by != models.ByKind && by != models.ByDistrict {
		return models.Breakdown{}, badDim(by, BaseDims)
	}
	counts := map[string]int{}
	total := 0
	for _, b := range f.bases {
		if b.m.Status != models.StatusVerified {
			continue
		}
		total++
		if by == models.ByKind {
			counts[b.m.Kind]++
		} else {
			counts[b.m.District]++
		}
	}
	out := models.Breakdown{AsOf: f.asOf, By: by, Total: total, Groups: []models.Group{}}
	for k, n := range counts {
		out.Groups = append(out.Groups, models.Group{Key: k, Count: n})
	}
	sortGroups(out.Groups)
	return out, nil
}

// decidedBy reports whether a verification happened by the end of yr (in
// Shenzhen), or at all when yr is this year or later.
func (f *Figures) decidedBy(d *models.Decision, yr int) bool {
	if d == nil {
		return false
	}
	return d.At.In(models.ChinaTime).Year() <= yr
}

// elapsed is the share of a year's count expected by now: 1 for past years,
// 0 for future ones; for this year, the share earlier years had reached by
// this day (their seasonality), or the share of days gone when there is no
// history.
func (f *Figures) elapsed(yr int) float64 {
	now := f.today()
	switch {
	case yr < now.Year():
		return 1
	case yr > now.Year():
		return 0
	}
	day := now.YearDay()
	var shares []float64
	for n, y := range f.years {
		if n >= yr || y.total == 0 {
			continue
		}
		cum := 0
		for d := 1; d <= day && d <= 366; d++ {
			cum += y.byDay[d]
		}
		shares = append(shares, float64(cum)/float64(y.total))
	}
	linear := float64(day) / float64(time.Date(yr, 12, 31, 0, 0, 0, 0, time.UTC).YearDay())
	if len(shares) == 0 {
		return linear
	}
	sum := 0.0
	for _, s := range shares {
		sum += s
	}
	if mean := sum / float64(len(shares)); mean > 0 {
		return mean
	}
	return linear
}

// verifyRate is the share of decided records that were verified (1 when
// nothing is decided yet): how many pending reports are expected to count.
func (f *Figures) verifyRate() float64 {
	if d := f.decided[0] + f.decided[1]; d > 0 {
		return float64(f.decided[0]) / float64(d)
	}
	return 1
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// Targets returns the progress of every target in a year, from one
// consistent state of the figures.
func (f *Figures) Targets(ts []models.Target, yr int) []models.TargetStatus {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.targets(ts, yr)
}

func (f *Figures) targets(ts []models.Target, yr int) []models.TargetStatus {
	out := make([]models.TargetStatus, 0, len(ts))
	thisYear := f.today().Year()
	for _, t := range ts {
		s := f.target(t, yr)
		if t.Period.To < thisYear {
			s.Final = f.final(t)
		}
		out = append(out, s)
	}
	return out
}

func (f *Figures) target(t models.Target, yr int) models.TargetStatus {
	s := models.TargetStatus{Target: t, Year: yr, InPeriod: t.Period.Contains(yr), AsOf: f.asOf}
	switch t.Kind {
	case models.KindTalentsPerYear:
		f.talentTarget(&s)
	case models.KindBases:
		f.baseTarget(&s)
	case models.KindBasesPerOrg:
		f.perOrgTarget(&s)
	case models.KindOrgsFlagged:
		f.flaggedTarget(&s)
	}
	return s
}

// final is a target's result over its period, which is over: for a yearly
// goal, each year's count against it (met when every year met it); for the
// others, the count at the end of the period's last year.
func (f *Figures) final(t models.Target) *models.PeriodResult {
	r := &models.PeriodResult{Period: t.Period, Goal: t.Goal}
	if t.Kind == models.KindTalentsPerYear {
		r.Years = []models.YearResult{}
		for y := t.Period.From; y <= t.Period.To; y++ {
			s := f.target(t, y)
			met := s.Met()
			r.Years = append(r.Years, models.YearResult{Year: y, Actual: s.Actual, Met: met})
			if met {
				r.Actual++
			}
		}
		r.Of = len(r.Years)
		r.Met = int(r.Actual) == r.Of
		return r
	}
	s := f.target(t, t.Period.To)
	r.Actual, r.Met = s.Actual, s.Met()
	if t.Kind == models.KindBasesPerOrg {
		r.Of = len(s.Orgs)
	}
	return r
}

func (f *Figures) talentTarget(s *models.TargetStatus) {
	s.Unit = "talents"
	y := f.years[s.Year]
	if y == nil {
		y = newYear()
	}
	actual := y.total
	if s.Origin != "" {
		actual = y.byDim[models.ByOrigin][string(s.Origin)]
	}
	pending := 0
	for talent, rs := range y.pending {
		if _, counted := y.attr[talent]; counted {
			continue
		}
		if s.Origin == "" || anyOfOrigin(rs, s.Origin) {
			pending++
		}
	}
	s.Actual = float64(actual)
	s.Percent = round1(s.Actual / s.Goal * 100)
	expected := float64(actual) + float64(pending)*f.verifyRate()
	switch thisYear := f.today().Year(); {
	case s.Year < thisYear:
		s.Forecast = float64(actual)
	case s.Year > thisYear:
		s.Forecast = math.Round(expected)
	default:
		// By the pace so far; when history says the year is already done
		// by this day, the count so far (with pending reports) is the
		// forecast.
		s.Forecast = math.Round(expected / max(f.elapsed(s.Year), 1e-9))
	}
	s.OnTrack = s.Forecast >= s.Goal
}

// anyOfOrigin reports whether one of a talent's records has the origin.
func anyOfOrigin(rs recList, o models.Origin) bool {
	for r := range rs.all() {
		if r.m.Origin == o {
			return true
		}
	}
	return false
}

// orgKind is the kind of organisation id ("" when unknown).
func (f *Figures) orgKind(id string) string {
	if o, ok := f.orgs[id]; ok {
		return o.m.Kind
	}
	return ""
}

func (f *Figures) baseTarget(s *models.TargetStatus) {
	s.Unit = "bases"
	thisYear := f.today().Year()
	atStart, inYear, pending := 0, 0, 0
	verified, rejected := 0, 0
	s.NotCounted = nil
	for _, b := range f.bases {
		switch b.m.Status {
		case models.StatusVerified:
			verified++
		case models.StatusRejected:
			rejected++
		}
		if !s.CountsBase(b.m, f.orgKind) {
			if b.m.Status == models.StatusVerified && b.m.Kind == s.BaseKind {
				nc := models.NotCounted{ID: b.m.ID, Name: b.m.Name, Reason: models.NotCountedOperator, OperatorKinds: []string{}}
				for _, id := range b.m.OperatorOrgIDs {
					if k := f.orgKind(id); k != "" && !slices.Contains(nc.OperatorKinds, k) {
						nc.OperatorKinds = append(nc.OperatorKinds, k)
					}
				}
				slices.Sort(nc.OperatorKinds)
				s.NotCounted = append(s.NotCounted, nc)
			}
			continue
		}
		switch {
		case b.m.Status == models.StatusVerified && f.decidedBy(b.m.Decision, s.Year-1):
			atStart++
		case b.m.Status == models.StatusVerified && f.decidedBy(b.m.Decision, s.Year):
			inYear++
		case b.m.Status == models.StatusVerified && b.m.Decision != nil:
			// Verified after the year shown: it counts from its own year.
			s.NotCounted = append(s.NotCounted, models.NotCounted{ID: b.m.ID, Name: b.m.Name, Reason: models.NotCountedLater,
				Year: b.m.Decision.At.In(models.ChinaTime).Year()})
		case b.m.Status == models.StatusPending:
			pending++
		}
	}
	slices.SortFunc(s.NotCounted, func(a, b models.NotCounted) int {
		return cmp.Or(cmp.Compare(a.Reason, b.Reason), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	rate := 1.0
	if verified+rejected > 0 {
		rate = float64(verified) / float64(verified+rejected)
	}
	s.Actual = float64(atStart + inYear)
	s.Percent = round1(s.Actual / s.Goal * 100)
	s.Forecast = s.Actual
	if s.Year >= thisYear {
		if e := f.elapsed(s.Year); e > 0 {
			s.Forecast = math.Round(float64(atStart) + (float64(inYear)+float64(pending)*rate)/e)
		} else {
			s.Forecast = math.Round(s.Actual + float64(pending)*rate)
		}
	}
	s.OnTrack = s.Actual >= s.Goal || s.Forecast >= s.Goal
}

func (f *Figures) perOrgTarget(s *models.TargetStatus) {
	s.Unit = "organisations reaching the goal"
	counts := map[string]int{}
	pendingCounts := map[string]int{}
	for _, b := range f.bases {
		if b.m.Kind != s.BaseKind {
			continue
		}
		for _, id := range b.m.OperatorOrgIDs {
			switch {
			case b.m.Status == models.StatusVerified && f.decidedBy(b.m.Decision, s.Year):
				counts[id]++
			case b.m.Status == models.StatusPending:
				pendingCounts[id]++
			}
		}
	}
	byIndustry := map[string]*models.IndustryProgress{}
	reached, willReach := 0, 0
	s.Orgs = []models.OrgProgress{}
	for _, o := range f.orgs {
		if o.m.Status != models.StatusVerified || !f.decidedBy(o.m.Decision, s.Year) || !o.m.HasFlag(s.OrgFlag) ||
			s.OrgKind != "" && o.m.Kind != s.OrgKind {
			continue
		}
		n := counts[o.m.ID]
		ok := float64(n) >= s.Goal
		if ok {
			reached++
		}
		if float64(n+pendingCounts[o.m.ID]) >= s.Goal {
			willReach++
		}
		s.Orgs = append(s.Orgs, models.OrgProgress{OrgID: o.m.ID, Name: o.m.Name, Industries: o.m.Industries, Count: n, Reached: ok})
		for _, ind := range o.m.Industries {
			p := byIndustry[ind]
			if p == nil {
				p = &models.IndustryProgress{Industry: ind}
				byIndustry[ind] = p
			}
			p.Orgs++
			if ok {
				p.Reached++
			}
		}
	}
	slices.SortFunc(s.Orgs, func(a, b models.OrgProgress) int {
		return cmp.Or(cmp.Compare(a.Count, b.Count), cmp.Compare(a.Name, b.Name), cmp.Compare(a.OrgID, b.OrgID))
	})
	s.ByIndustry = []models.IndustryProgress{}
	for _, p := range byIndustry {
		s.ByIndustry = append(s.ByIndustry, *p)
	}
	slices.SortFunc(s.ByIndustry, func(a, b models.IndustryProgress) int { return cmp.Compare(a.Industry, b.Industry) })
	s.Actual = float64(reached)
	if n := len(s.Orgs); n > 0 {
		s.Percent = round1(float64(reached) / float64(n) * 100)
		s.Forecast = float64(willReach)
		s.OnTrack = willReach == n
	}
}

func (f *Figures) flaggedTarget(s *models.TargetStatus) {
	s.Unit = "organisations"
	actual, pending := 0, 0
	for _, o := range f.orgs {
		if !o.m.HasFlag(s.OrgFlag) || s.OrgKind != "" && o.m.Kind != s.OrgKind {
			continue
		}
		switch {
		case o.m.Status == models.StatusVerified && f.decidedBy(o.m.Decision, s.Year):
			actual++
		case o.m.Status == models.StatusPending:
			pending++
		}
	}
	s.Actual = float64(actual)
	s.Percent = round1(s.Actual / s.Goal * 100)
	s.Forecast = s.Actual
	if s.Year >= f.today().Year() {
		s.Forecast = s.Actual + float64(pending)
	}
	s.OnTrack = s.Actual >= s.Goal || s.Forecast >= s.Goal
}

// Lagging lists the districts and industries whose count is behind their
// share of the year's goal by now (the rule is in the package comment):
// districts and industries are the keys of the taxonomy the caller names
// and every key counted this year or the previous one.
func (f *Figures) Lagging(goal float64, yr int, districts, industries []string) models.Lagging {
	f.mu.RLock()
	defer f.mu.RUnlock()
	e := f.elapsed(yr)
	l := models.Lagging{AsOf: f.asOf, Year: yr, Goal: goal, Elapsed: round1(e*1000) / 1000,
		Districts: []models.LagRow{}, Industries: []models.LagRow{}}
	cur, prev := f.years[yr], f.years[yr-1]
	if cur == nil {
		cur = newYear()
	}
	if prev == nil {
		prev = newYear()
	}
	if goal <= 0 || e <= 0 {
		return l
	}
	rows := func(dim string, terms []string) []models.LagRow {
		keys := map[string]bool{}
		for _, k := range terms {
			keys[k] = true
		}
		for k := range cur.byDim[dim] {
			keys[k] = true
		}
		for k := range prev.byDim[dim] {
			keys[k] = true
		}
		n := len(keys)
		out := []models.LagRow{}
		for k := range keys {
			// share = (last year's share + 1/n) / 2 = (c·n + T) / (2·n·T),
			// or 1/n without a last year; kept as one fraction so that
			// whole numbers stay whole before the rounding.
			num, den := 1.0, float64(n)
			if t := prev.total; t > 0 {
				num, den = float64(prev.byDim[dim][k]*n+t), float64(2*n*t)
			}
			expected := wholePeople(goal * e * num / den)
			actual := cur.byDim[dim][k]
			if actual < expected {
				out = append(out, models.LagRow{Key: k, Actual: actual, Share: math.Round(num/den*1000) / 1000,
					Expected: expected, Shortfall: expected - actual})
			}
		}
		slices.SortFunc(out, func(a, b models.LagRow) int {
			return cmp.Or(cmp.Compare(b.Shortfall, a.Shortfall), cmp.Compare(a.Key, b.Key))
		})
		return out
	}
	l.Districts, l.Industries = rows(models.ByDistrict, districts), rows(models.ByIndustry, industries)
	return l
}

// wholePeople rounds an expected count to the nearest whole person, halves
// up (a billionth of slack absorbs the float error of a product that is a
// whole half).
func wholePeople(x float64) int { return int(math.Floor(x + 0.5 + 1e-9)) }

// Report gathers, from one state of the figures, everything a recruitment
// report of a year shows; the record list only when records is set (it
// is the costly part: every record of the year).
func (f *Figures) Report(ts []models.Target, yr int, records bool) *models.Report {
	f.mu.RLock()
	defer f.mu.RUnlock()
	r := &models.Report{AsOf: f.asOf, Year: yr, Targets: f.targets(ts, yr)}
	for _, by := range models.RecruitmentDims {
		b, _ := f.recruitment(yr, by)
		r.Breakdowns = append(r.Breakdowns, b)
	}
	for _, by := range BaseDims {
		b, _ := f.basesBy(by)
		r.Bases = append(r.Bases, b)
	}
	if !records {
		return r
	}
	y := f.years[yr]
	for _, rc := range f.recs {
		if rc.year != yr {
			continue
		}
		counted := false
		if y != nil {
			a := y.attr[rc.m.CountedAs()]
			counted = a != nil && a.m.ID == rc.m.ID
		}
		r.Records = append(r.Records, models.ReportRecord{Recruitment: *rc.m, Counts: counted})
	}
	slices.SortFunc(r.Records, func(a, b models.ReportRecord) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.ID, b.ID))
	})
	return r
}

// Slice returns the breakdowns of GET /stats/recruitment
// (models.RecruitmentDims) for the people counted in year yr whose counting
// record is dated in the months from..to (a quarter, or the year: 1..12
// equals Recruitment's), up to a day of the year ("MM-DD", "" for all), and
// under a district, an industry and an origin (each "" for any): a
// publication's figures, the dashboard filtered, the same point of the
// previous year. Each person counts where their earliest record of the year
// says, so a person counted in a quarter is not counted again in a later
// one.
func (f *Figures) Slice(yr, from, to int, upTo string, flt models.SliceFilter) []models.Breakdown {
	f.mu.RLock()
	defer f.mu.RUnlock()
	counts := map[string]map[string]int{}
	for _, d := range models.RecruitmentDims {
		counts[d] = map[string]int{}
	}
	total := 0
	if y := f.years[yr]; y != nil {
		for _, r := range y.attr {
			a := attributionOf(r.m)
			if a.month < from || a.month > to || upTo != "" && len(r.m.Date) == 10 && r.m.Date[5:] > upTo ||
				flt.District != "" && r.m.District != flt.District || flt.Industry != "" && r.m.Industry != flt.Industry ||
				flt.Origin != "" && string(r.m.Origin) != flt.Origin {
				continue
			}
			total++
			counts[models.ByMonth][fmt.Sprintf("%02d", a.month)]++
			for i, d := range dims {
				counts[d][a.keys[i]]++
			}
		}
	}
	out := make([]models.Breakdown, 0, len(models.RecruitmentDims))
	for _, by := range models.RecruitmentDims {
		b := models.Breakdown{AsOf: f.asOf, Year: yr, By: by, Total: total, Groups: []models.Group{}}
		if by == models.ByMonth {
			for m := from; m <= to; m++ {
				b.Groups = append(b.Groups, models.Group{Key: fmt.Sprintf("%02d", m), Count: counts[by][fmt.Sprintf("%02d", m)]})
			}
		} else {
			for k, n := range counts[by] {
				g := models.Group{Key: k, Count: n}
				if by == models.ByDistrictIndustry {
					g.District, g.Industry = models.SplitPair(k)
				}
				b.Groups = append(b.Groups, g)
			}
			sortGroups(b.Groups)
		}
		out = append(out, b)
	}
	return out
}
