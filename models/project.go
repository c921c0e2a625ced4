package models

import (
	"context"
	"slices"
	"strings"
	"time"
)

// ProjectKind is what a project offers.
type ProjectKind string

// Project kinds.
const (
	ProjectJob           ProjectKind = "job"
	ProjectIncubation    ProjectKind = "incubation"
	ProjectTraining      ProjectKind = "training"
	ProjectCollaboration ProjectKind = "collaboration"
)

// ProjectStatus is open (taking applications) or closed.
type ProjectStatus string

// Project states.
const (
	ProjectOpen   ProjectStatus = "open"
	ProjectClosed ProjectStatus = "closed"
)

// Project is a job, incubation cohort, training course or collaboration
// posted by an organisation.
type Project struct {
	ID          string      `json:"id"`
	OrgID       string      `json:"org_id"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Kind        ProjectKind `json:"kind"`
	Skills      []string    `json:"skills"`
	Industries  []string    `json:"industries"`
	District    string      `json:"district"`
	Openings    int         `json:"openings"`
	Deadline    string      `json:"deadline"`
	// PayMin, PayMax and PayUnit are the pay offered, all three or none
	// (none: negotiable); PayCurrency is then always CNY.
	PayMin      *int          `json:"pay_min,omitempty"`
	PayMax      *int          `json:"pay_max,omitempty"`
	PayUnit     PayUnit       `json:"pay_unit,omitempty"`
	PayCurrency string        `json:"pay_currency,omitempty"`
	Status      ProjectStatus `json:"status"`
	// CoverID is the id of the project's cover image (a models.Medium), or "".
	CoverID   string    `json:"cover_id"`
	CreatedBy string    `json:"created_by"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PayUnit is what a project's pay is counted per.
type PayUnit string

// Pay units.
const (
	PayMonth   PayUnit = "month"
	PayDay     PayUnit = "day"
	PayHour    PayUnit = "hour"
	PayProject PayUnit = "project"
)

// PayUnits are the units in the order forms offer them.
var PayUnits = []PayUnit{PayMonth, PayDay, PayHour, PayProject}

// PayCurrency is the currency of every pay: projects are posted in
// Shenzhen and paid in yuan, so the currency is a constant of the API
// rather than a choice.
const PayCurrency = "CNY"

// MaxPay bounds a pay figure (¥100 million) so that a typo or a hostile
// number is refused instead of sorting everything else below it.
const MaxPay = 100_000_000

// Working days and hours in a month, by which a day's or an hour's pay is
// compared with a month's: 21.75 paid days a month and 8 hours a day, the
// figures Chinese payroll uses to convert monthly wages.
const (
	DaysPerMonth  = 21.75
	HoursPerMonth = DaysPerMonth * 8
)

// HasPay reports whether the project states its pay.
func (p *Project) HasPay() bool { return p.PayUnit != "" && p.PayMin != nil && p.PayMax != nil }

// MonthlyPay is the top of the project's pay range as a month's pay, for
// sorting projects paid by the month, day or hour together; false for a
// pay per project (a fee for work of unknown length compares with no
// month) and for a project without pay.
func (p *Project) MonthlyPay() (float64, bool) {
	if !p.HasPay() {
		return 0, false
	}
	top := float64(*p.PayMax)
	switch p.PayUnit {
	case PayMonth:
		return top, true
	case PayDay:
		return top * DaysPerMonth, true
	case PayHour:
		return top * HoursPerMonth, true
	}
	return 0, false
}

// Open reports whether the project takes applications on the given day.
func (p *Project) Open(today string) bool {
	return p.Status == ProjectOpen && (p.Deadline == "" || p.Deadline >= today)
}

// ProjectInput is the body of POST /projects.
type ProjectInput struct {
	Title       string      `json:"title" validate:"required,singleline,max=200"`
	Description string      `json:"description" validate:"multiline,max=10000"`
	Kind        ProjectKind `json:"kind" validate:"required,project_kind"`
	Skills      []string    `json:"skills" validate:"max=50,unique,dive,required,singleline,max=50"`
	Industries  []string    `json:"industries" validate:"max=14,unique,dive,industry"`
	District    string      `json:"district" validate:"omitempty,district"`
	Openings    int         `json:"openings" validate:"gte=1,lte=100000"`
	Deadline    string      `json:"deadline" validate:"omitempty,date"`
	// The pay: all three or none (negotiable), the range's top at least
	// its bottom.
	PayMin  *int    `json:"pay_min" validate:"required_with=PayMax PayUnit,omitempty,gte=0,lte=100000000"`
	PayMax  *int    `json:"pay_max" validate:"required_with=PayMin PayUnit,omitempty,gte=0,lte=100000000,gtefield=PayMin"`
	PayUnit PayUnit `json:"pay_unit" validate:"required_with=PayMin PayMax,omitempty,oneof=month day hour project"`
	CoverID string  `json:"cover_id" validate:"omitempty,len=24,hexadecimal"`
}

// ProjectUpdate is the body of PATCH /projects/{id}.
type ProjectUpdate struct {
	Title       *string      `json:"title"`
	Description *string      `json:"description"`
	Kind        *ProjectKind `json:"kind"`
	Skills      *[]string    `json:"skills"`
	Industries  *[]string    `json:"industries"`
	District    *string      `json:"district"`
	Openings    *int         `json:"openings"`
	Deadline    *string      `json:"deadline"`
	PayMin      *int         `json:"pay_min"`
	PayMax      *int         `json:"pay_max"`
	// PayUnit "" removes the pay (the project's pay becomes negotiable),
	// with pay_min and pay_max left out.
	PayUnit *PayUnit       `json:"pay_unit"`
	Status  *ProjectStatus `json:"status" validate:"omitempty,oneof=open closed"`
	CoverID *string        `json:"cover_id"`
}

// Normalize trims and cleans the input.
func (in *ProjectInput) Normalize() {
	if in.Openings == 0 {
		in.Openings = 1 // not given; JSON cannot tell 0 from absent here
	}
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.Skills = cleanList(in.Skills)
	in.Industries = cleanList(in.Industries)
	in.CoverID = strings.TrimSpace(in.CoverID)
}

// Input returns the project as the input that would create it.
func (p *Project) Input() ProjectInput {
	return ProjectInput{Title: p.Title, Description: p.Description, Kind: p.Kind, Skills: slices.Clone(p.Skills),
		Industries: slices.Clone(p.Industries), District: p.District, Openings: p.Openings, Deadline: p.Deadline,
		PayMin: clonePtr(p.PayMin), PayMax: clonePtr(p.PayMax), PayUnit: p.PayUnit, CoverID: p.CoverID}
}

func clonePtr[T any](v *T) *T {
	if v == nil {
		return nil
	}
	c := *v
	return &c
}

// Apply returns in with the fields of u that are set (Status aside).
func (u ProjectUpdate) Apply(in ProjectInput) ProjectInput {
	setIf(&in.Title, u.Title)
	setIf(&in.Description, u.Description)
	setIf(&in.Kind, u.Kind)
	setListIf(&in.Skills, u.Skills)
	setListIf(&in.Industries, u.Industries)
	setIf(&in.District, u.District)
	setIf(&in.Openings, u.Openings)
	setIf(&in.Deadline, u.Deadline)
	if u.PayUnit != nil && *u.PayUnit == "" {
		in.PayMin, in.PayMax = nil, nil
	}
	setIf(&in.PayUnit, u.PayUnit)
	if u.PayMin != nil {
		in.PayMin = clonePtr(u.PayMin)
	}
	if u.PayMax != nil {
		in.PayMax = clonePtr(u.PayMax)
	}
	setIf(&in.CoverID, u.CoverID)
	return in
}

// ApplyInput sets the editable fields of p from a valid, normalised input.
func (p *Project) ApplyInput(in ProjectInput) {
	p.Title, p.Description, p.Kind = in.Title, in.Description, in.Kind
	p.Skills, p.Industries, p.District = nonNilList(in.Skills), nonNilList(in.Industries), in.District
	p.Openings, p.Deadline, p.CoverID = in.Openings, in.Deadline, in.CoverID
	p.PayMin, p.PayMax, p.PayUnit, p.PayCurrency = clonePtr(in.PayMin), clonePtr(in.PayMax), in.PayUnit, ""
	if p.HasPay() {
		p.PayCurrency = PayCurrency
	}
}

func nonNilList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ProjectService manages projects.
type ProjectService interface {
	// Create posts a project for the actor's verified organisation.
	Create(ctx context.Context, actor *User, in ProjectInput) (*Project, error)
	Get(ctx context.Context, actor *User, id string) (*Project, error)
	// Search finds projects by free text and filters, with facets and
	// highlights.
	Search(ctx context.Context, actor *User, q ProjectSearch) (*SearchResult[ProjectHit], error)
	// Matches ranks talents for a project (the owning organisation).
	Matches(ctx context.Context, actor *User, id string, page Page) (*List[TalentMatch], error)
	// Update edits or closes a project (members of the owning org).
	Update(ctx context.Context, actor *User, id string, u ProjectUpdate, ifVersion int64) (*Project, error)
	// Delete removes a project that has no applications; others are closed
	// instead (CodeConflict).
	Delete(ctx context.Context, actor *User, id string, ifVersion int64) error
}

// ProjectStore persists projects.
type ProjectStore interface {
	CreateProject(ctx context.Context, p *Project) error
	Project(ctx context.Context, id string) (*Project, error)
	UpdateProject(ctx context.Context, id string, ifVersion int64, fn func(*Project) error) (*Project, error)
	DeleteProject(ctx context.Context, id string, ifVersion int64) error
}
