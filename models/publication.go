package models

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Publication is the bureau's figures of a period (a year or a quarter),
// frozen when published: Figures is the canonical JSON of PublishedFigures
// as it was published, and SHA256 its digest. Nothing changes it; later
// corrections of the records show as Revised.
type Publication struct {
	ID      string          `json:"id"`
	Period  string          `json:"period"`
	AsOf    time.Time       `json:"as_of"`
	SHA256  string          `json:"sha256"`
	Figures json.RawMessage `json:"figures"`
	// Revised is how many more (or fewer) people the period counts now than
	// it did when published — not part of the publication. Nil when the
	// reader may not see the live figures.
	Revised *int `json:"revised,omitempty"`
}

// PublishedFigures is what a publication freezes: the targets as of the
// moment (for the period's year), the recruitment breakdowns of the
// period's people, and the verified bases.
type PublishedFigures struct {
	Period      string         `json:"period"`
	Year        int            `json:"year"`
	Quarter     int            `json:"quarter"`
	AsOf        time.Time      `json:"as_of"`
	Targets     []TargetStatus `json:"targets"`
	Recruitment []Breakdown    `json:"recruitment"`
	Bases       []Breakdown    `json:"bases"`
	// Labels are the vocabularies the figures are labelled with, as they
	// were (districts, industries, origins, levels, base kinds): a later
	// edit of the taxonomy does not change a publication's files.
	Labels Taxonomy `json:"labels"`
}

// Total is the period's people counted.
func (p *PublishedFigures) Total() int {
	if len(p.Recruitment) == 0 {
		return 0
	}
	return p.Recruitment[0].Total
}

// Report is the publication as a recruitment report (its XLSX and CSV).
func (p *PublishedFigures) Report() *Report {
	return &Report{AsOf: p.AsOf, Year: p.Year, Targets: p.Targets, Breakdowns: p.Recruitment, Bases: p.Bases}
}

// PublicationInput is the body of POST /publications.
type PublicationInput struct {
	Period string `json:"period" validate:"required,max=7"`
}

var periodRE = regexp.MustCompile(`^(\d{4})(?:-Q([1-4]))?$`)

// ParsePeriod reads "2025" (a year) or "2025-Q3" (a quarter): the year,
// the quarter (0 for a year) and the first and last months.
func ParsePeriod(s string) (year, quarter, from, to int, err error) {
	m := periodRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, 0, 0, FieldProblem(CodeValidation, "period", RuleInvalid, "", "must be a year (2025) or a quarter (2025-Q3)")
	}
	year, _ = strconv.Atoi(m[1])
	if m[2] == "" {
		return year, 0, 1, 12, nil
	}
	quarter, _ = strconv.Atoi(m[2])
	return year, quarter, 3*quarter - 2, 3 * quarter, nil
}

// PeriodEnd is when a period is over: the first moment after it, in
// Shenzhen.
func PeriodEnd(year, to int) time.Time {
	return time.Date(year, time.Month(to)+1, 1, 0, 0, 0, 0, ChinaTime)
}

// PeriodName is the period's name: "2025" or "2025-Q3".
func PeriodName(year, quarter int) string {
	if quarter == 0 {
		return strconv.Itoa(year)
	}
	return fmt.Sprintf("%d-Q%d", year, quarter)
}

// PublicationService publishes and reads the bureau's figures. Anyone reads
// publications; the bureau publishes.
type PublicationService interface {
	// Publish freezes the figures of a period that is over. Returns
	// CodeConflict for a period published already or not over yet.
	Publish(ctx context.Context, actor *User, in PublicationInput) (*Publication, error)
	// List returns the publications, newest period first; year 0 for all.
	List(ctx context.Context, actor *User, year int, page Page) (*List[*Publication], error)
	Get(ctx context.Context, actor *User, id string) (*Publication, error)
}

// PublicationStore keeps publications; they are never changed.
type PublicationStore interface {
	// CreatePublication stores p (ID set); CodeConflict for its period
	// published already.
	CreatePublication(ctx context.Context, p *Publication) error
	Publication(ctx context.Context, id string) (*Publication, error)
	Publications(ctx context.Context) ([]*Publication, error)
}
