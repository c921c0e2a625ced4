package models

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
)

// TargetKind says how a target is counted. New targets of these kinds can
// be added as data.
type TargetKind string

// Target kinds.
const (
	// KindTalentsPerYear counts, per calendar year, the talents of verified
	// high-end recruitment records (each talent once a year), optionally of
	// one origin.
	KindTalentsPerYear TargetKind = "talents_per_year"
	// KindBases counts verified bases of a kind (cumulative), optionally
	// only those operated by organisations of some kinds.
	KindBases TargetKind = "bases"
	// KindBasesPerOrg counts, for every verified organisation with a flag
	// (leading enterprises), its verified bases of a kind; progress is the
	// share of those organisations that reach the goal.
	KindBasesPerOrg TargetKind = "bases_per_org"
	// KindOrgsFlagged counts verified organisations with a flag (brands).
	KindOrgsFlagged TargetKind = "orgs_flagged"
)

// Period is a span of calendar years, inclusive.
type Period struct {
	From int `json:"from" validate:"gte=2000,lte=2100"`
	To   int `json:"to" validate:"gte=2000,lte=2100,gtefield=From"`
}

// Contains reports whether year falls in the period.
func (p Period) Contains(year int) bool { return year >= p.From && year <= p.To }

// ResultYear is the year the figures open on when none is asked for: this
// year when a target's period contains it; otherwise the last year of the
// latest period that is over, whose result is final; otherwise (no target,
// or every period still ahead) this year.
func ResultYear(ts []Target, thisYear int) int {
	last := 0
	for _, t := range ts {
		if t.Period.Contains(thisYear) {
			return thisYear
		}
		if t.Period.To < thisYear {
			last = max(last, t.Period.To)
		}
	}
	if last == 0 {
		return thisYear
	}
	return last
}

// PeriodsOver reports whether there are targets and the period of every one
// of them ended before thisYear: the next plan's targets are not set yet.
func PeriodsOver(ts []Target, thisYear int) bool {
	for _, t := range ts {
		if t.Period.To >= thisYear {
			return false
		}
	}
	return len(ts) > 0
}

// CountsBase reports whether target t (of kind bases) counts base b when it
// is verified: b is of the target's kind of base and, when the target names
// kinds of operator, one of b's operators is of such a kind. kindOf gives an
// organisation's kind ("" when unknown).
func (t *Target) CountsBase(b *Base, kindOf func(orgID string) string) bool {
	if t.Kind != KindBases || b.Kind != t.BaseKind {
		return false
	}
	if len(t.OperatorKinds) == 0 {
		return true
	}
	for _, id := range b.OperatorOrgIDs {
		if k := kindOf(id); k != "" && slices.Contains(t.OperatorKinds, k) {
			return true
		}
	}
	return false
}

// Target is one goal of the plan, as data.
type Target struct {
	Metric  string     `json:"metric"`
	Kind    TargetKind `json:"kind"`
	LabelZH string     `json:"label_zh"`
	LabelEN string     `json:"label_en"`
	Period  Period     `json:"period"`
	Goal    float64    `json:"goal"`
	// Selectors of what counts (by kind).
	BaseKind      string    `json:"base_kind,omitempty"`
	OperatorKinds []string  `json:"operator_kinds,omitempty"`
	OrgKind       string    `json:"org_kind,omitempty"`
	OrgFlag       string    `json:"org_flag,omitempty"`
	Origin        Origin    `json:"origin,omitempty"`
	Version       int64     `json:"version"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// GetVersion returns the version of a target, for ETags.
func (t *Target) GetVersion() int64 { return t.Version }

// DefaultTargets are the targets of the 2022-2025 plan (docs/counting.md).
func DefaultTargets() []Target {
	plan := Period{From: 2022, To: 2025}
	return []Target{
		{Metric: "talents_imported", Kind: KindTalentsPerYear, Period: plan, Goal: 1000,
			LabelZH: "每年引进海内外高端数字创意人才", LabelEN: "High-end digital-creative talents imported per year"},
		{Metric: "innovation_bases", Kind: KindBases, Period: plan, Goal: 5, BaseKind: BaseInnovation,
			OperatorKinds: []string{OrgUniversity, OrgResearchInstitute, OrgEnterprise},
			LabelZH:       "产学研用创新基地", LabelEN: "Industry-academia-research innovation bases"},
		{Metric: "training_bases_per_leading_enterprise", Kind: KindBasesPerOrg, Period: plan, Goal: 2, BaseKind: BaseTraining,
			OrgKind: OrgEnterprise, OrgFlag: FlagLeading,
			LabelZH: "龙头企业人才培训基地（每家）", LabelEN: "Training bases per leading enterprise"},
		{Metric: "theme_parks", Kind: KindBases, Period: plan, Goal: 10, BaseKind: BaseThemePark,
			LabelZH: "数字创意主题产业园区", LabelEN: "Digital-creative theme industrial parks"},
		{Metric: "cooperation_bases", Kind: KindBases, Period: plan, Goal: 10, BaseKind: BaseCooperation,
			LabelZH: "境内外合作数字创意产业基地", LabelEN: "Domestic and overseas cooperation bases"},
		{Metric: "brands", Kind: KindOrgsFlagged, Period: plan, Goal: 20, OrgFlag: FlagBrand,
			LabelZH: "全国知名数字创意品牌", LabelEN: "National digital-creative brands"},
	}
}

// TargetInput is the body of PUT /targets/{metric}: an admin edits a goal
// or period, or adds a metric of a known kind.
type TargetInput struct {
	Kind          TargetKind `json:"kind" validate:"required,oneof=talents_per_year bases bases_per_org orgs_flagged"`
	LabelZH       string     `json:"label_zh" validate:"required,singleline,max=200"`
	LabelEN       string     `json:"label_en" validate:"required,singleline,max=200"`
	Period        Period     `json:"period"`
	Goal          float64    `json:"goal" validate:"gt=0,lte=1000000"`
	BaseKind      string     `json:"base_kind" validate:"required_if=Kind bases,required_if=Kind bases_per_org,omitempty,base_kind"`
	OperatorKinds []string   `json:"operator_kinds" validate:"max=10,dive,org_kind"`
	OrgKind       string     `json:"org_kind" validate:"omitempty,org_kind"`
	OrgFlag       string     `json:"org_flag" validate:"required_if=Kind bases_per_org,required_if=Kind orgs_flagged,omitempty,org_flag"`
	Origin        Origin     `json:"origin" validate:"omitempty,oneof=overseas domestic"`
}

// MetricKey checks the name of a new metric: 2-48 lower-case letters,
// digits and single underscores (the plan's longest, 37, with a period's
// "_2026").
func MetricKey(s string) bool { return metricRE.MatchString(s) && !strings.Contains(s, "__") }

var metricRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,47}$`)

// TargetStatus is a target's progress in a year (GET /targets).
type TargetStatus struct {
	Target
	Year     int       `json:"year"`
	InPeriod bool      `json:"in_period"`
	Actual   float64   `json:"actual"`
	Percent  float64   `json:"percent"`
	Forecast float64   `json:"forecast"`
	OnTrack  bool      `json:"on_track"`
	AsOf     time.Time `json:"as_of"`
	// Unit is what Actual counts: talents, bases, organisations, or the
	// organisations that reach the goal (bases_per_org).
	Unit string `json:"unit"`
	// For bases_per_org: every organisation concerned, those below the goal
	// first, and the share per industry category.
	Orgs       []OrgProgress      `json:"orgs,omitempty"`
	ByIndustry []IndustryProgress `json:"by_industry,omitempty"`
	// NotCounted (kind bases) are the verified bases of the target's kind
	// that it does not count in the year, and why: what makes the count
	// differ from the number of verified bases of that kind.
	NotCounted []NotCounted `json:"not_counted,omitempty"`
	// Final is the result over the whole period, once the period is over.
	Final *PeriodResult `json:"final,omitempty"`
}

// Met reports whether the status reaches its goal: the count reaches the
// goal or, for bases_per_org, every organisation concerned reaches it.
func (s TargetStatus) Met() bool {
	if s.Kind == KindBasesPerOrg {
		return s.Percent >= 100
	}
	return s.Actual >= s.Goal
}

// Why a verified base of a target's kind is not counted.
const (
	// NotCountedOperator: none of the base's operators is of a kind the
	// target counts (an innovation base run by an incubator alone).
	NotCountedOperator = "operator_kind"
	// NotCountedLater: the base was verified after the end of the year
	// shown; it counts from the year of its verification.
	NotCountedLater = "verified_later"
)

// NotCounted is a verified base that a target does not count, and why.
type NotCounted struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
	// OperatorKinds are the kinds of the base's operators (reason
	// operator_kind); Year the year of its verification (verified_later).
	OperatorKinds []string `json:"operator_kinds,omitempty"`
	Year          int      `json:"year,omitempty"`
}

// PeriodResult is a target's final result over its period.
type PeriodResult struct {
	Period Period  `json:"period"`
	Goal   float64 `json:"goal"`
	// Actual is the count at the end of the period (for bases_per_org, the
	// organisations that reach the goal, out of Of); for talents_per_year,
	// the years of the period that reached the goal, out of Of.
	Actual float64 `json:"actual"`
	Of     int     `json:"of,omitempty"`
	Met    bool    `json:"met"`
	// Years (talents_per_year) are each year's count against the goal.
	Years []YearResult `json:"years,omitempty"`
}

// YearResult is one year's count against a yearly goal.
type YearResult struct {
	Year   int     `json:"year"`
	Actual float64 `json:"actual"`
	Met    bool    `json:"met"`
}

// OrgProgress is one organisation's count toward a per-organisation goal.
type OrgProgress struct {
	OrgID      string   `json:"org_id"`
	Name       string   `json:"name"`
	Industries []string `json:"industries"`
	Count      int      `json:"count"`
	Reached    bool     `json:"reached"`
}

// IndustryProgress is, for one industry category, how many of its
// organisations reach the goal.
type IndustryProgress struct {
	Industry string `json:"industry"`
	Orgs     int    `json:"orgs"`
	Reached  int    `json:"reached"`
}

// Group is one row of a breakdown.
type Group struct {
	Key      string `json:"key"`
	Count    int    `json:"count"`
	District string `json:"district,omitempty"`
	Industry string `json:"industry,omitempty"`
}

// Breakdown is GET /stats/…: groups whose counts sum to Total.
type Breakdown struct {
	AsOf   time.Time `json:"as_of"`
	Year   int       `json:"year,omitempty"`
	By     string    `json:"by"`
	Total  int       `json:"total"`
	Groups []Group   `json:"groups"`
}

// Breakdown dimensions.
const (
	ByMonth            = "month"
	ByDistrict         = "district"
	ByIndustry         = "industry"
	ByOrigin           = "origin"
	ByLevel            = "level"
	ByDistrictIndustry = "district_industry"
	ByKind             = "kind"
)

// PairKey is the key of a district × industry group: "nanshan/games".
func PairKey(district, industry string) string { return district + "/" + industry }

// SplitPair is the district and industry of a PairKey.
func SplitPair(key string) (district, industry string) {
	district, industry, _ = strings.Cut(key, "/")
	return district, industry
}

// RecruitmentDims are the breakdowns of GET /stats/recruitment.
var RecruitmentDims = []string{ByMonth, ByDistrict, ByIndustry, ByOrigin, ByLevel, ByDistrictIndustry}

// LagRow is one district or industry whose pace is behind the share of the
// year's goal it needs. Expected and Shortfall are whole people
// (server/figures says how they are rounded).
type LagRow struct {
	Key       string  `json:"key"`
	Actual    int     `json:"actual"`
	Share     float64 `json:"share"`
	Expected  int     `json:"expected"`
	Shortfall int     `json:"shortfall"`
}

// Lagging is GET /stats/lagging.
type Lagging struct {
	AsOf       time.Time `json:"as_of"`
	Year       int       `json:"year"`
	Goal       float64   `json:"goal"`
	Elapsed    float64   `json:"elapsed"`
	Districts  []LagRow  `json:"districts"`
	Industries []LagRow  `json:"industries"`
}

// ReportRecord is one line of the record list of a report.
type ReportRecord struct {
	Recruitment
	Counts bool `json:"counts"`
}

// Report is everything a recruitment report shows, from one snapshot of
// the figures, so that every sheet agrees with the others and with the API.
type Report struct {
	AsOf       time.Time
	Year       int
	Targets    []TargetStatus
	Breakdowns []Breakdown
	Bases      []Breakdown
	Records    []ReportRecord
}

// RecountResult is what a recount found: the figures recomputed from the raw
// records against the live ones.
type RecountResult struct {
	Records     int      `json:"records"`
	Bases       int      `json:"bases"`
	Orgs        int      `json:"orgs"`
	Checked     int      `json:"checked"`
	Differences []string `json:"differences"`
	TookMS      int64    `json:"took_ms"`
}

// StatsService answers the bureau's figures (bureau and admin).
type StatsService interface {
	Targets(ctx context.Context, actor *User, year int) ([]TargetStatus, error)
	// Progress is the public view of the targets (anyone, signed in or
	// not): each target's goal, count and percent for the year (and its
	// final result), without the per-organisation detail and without the
	// bases not counted.
	Progress(ctx context.Context, year int) ([]TargetStatus, error)
	SetTarget(ctx context.Context, actor *User, metric string, in TargetInput, ifVersion int64) (*Target, error)
	Recruitment(ctx context.Context, actor *User, year int, by string) (*Breakdown, error)
	Bases(ctx context.Context, actor *User, by string) (*Breakdown, error)
	Lagging(ctx context.Context, actor *User, year int) (*Lagging, error)
	// Report gathers a year's report from one snapshot; the record list
	// only when records is set.
	Report(ctx context.Context, actor *User, year int, records bool) (*Report, error)
	Recount(ctx context.Context, actor *User) (*RecountResult, error)
	// StartPeriod opens a new plan period (admins): every target of the
	// last period before it is copied under a new metric for the new
	// period, with its goal and what it counts, for the admin to change;
	// the old period's targets and results stay. Returns the new targets;
	// CodeConflict when no period ends before it or a copy's metric is
	// taken by a target of another period. Running it again for the same
	// period changes nothing.
	StartPeriod(ctx context.Context, actor *User, in PeriodInput) ([]Target, error)
	// Slice is a year's recruitment under a filter, with its quarters and
	// the same point of the previous year (bureau, admins).
	Slice(ctx context.Context, actor *User, year int, f SliceFilter) (*RecruitmentSlice, error)
}

// SliceFilter narrows the people counted to a district, an industry and an
// origin (each "" for any).
type SliceFilter struct {
	District string `json:"district,omitempty"`
	Industry string `json:"industry,omitempty"`
	Origin   string `json:"origin,omitempty"`
}

// RecruitmentSlice is GET /stats/slice: a year's people counted under a
// filter, every breakdown, the quarters, and the count at the same point of
// the previous year.
type RecruitmentSlice struct {
	AsOf       time.Time   `json:"as_of"`
	Year       int         `json:"year"`
	Filter     SliceFilter `json:"filter"`
	Total      int         `json:"total"`
	Breakdowns []Breakdown `json:"breakdowns"`
	Quarters   [4]int      `json:"quarters"`
	SamePoint  SamePoint   `json:"same_point"`
}

// SamePoint compares a year with the previous one up to the same day: today
// for this year, the year's end for a year that is over.
type SamePoint struct {
	Day      string `json:"day"` // MM-DD
	This     int    `json:"this"`
	Previous int    `json:"previous"`
}

// PeriodInput is the body of POST /targets/periods.
type PeriodInput struct {
	From int `json:"from" validate:"gte=2000,lte=2100"`
	To   int `json:"to" validate:"gtefield=From,lte=2100"`
}

// TargetStore persists targets.
type TargetStore interface {
	Targets(ctx context.Context) ([]Target, error)
	SeedTargets(ctx context.Context, ts []Target) error
	PutTarget(ctx context.Context, t *Target, ifVersion int64) (*Target, error)
}
