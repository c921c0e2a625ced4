package models

import (
	"context"
	"time"
)

// TalentSearch is GET /talents: free text and filters (docs/api.md "Search
// parameters"). Visibility is set by the service from the caller's role,
// never by the client.
type TalentSearch struct {
	Q          string
	Skills     []string
	Tools      []string
	Industries []string
	District   []string
	Origin     []string
	Level      []string
	Available  *bool
	MinYears   *int
	MaxYears   *int
	Visibility []Visibility
	Sort       string // relevance (default), newest, experience
	Page       Page
}

// ProjectSearch is GET /projects.
type ProjectSearch struct {
	Q          string
	Kind       []string
	District   []string
	Industries []string
	Skills     []string
	OrgID      []string
	Status     []string
	PayUnit    []string
	// Sort is relevance (default), newest, deadline, pay (highest first:
	// within one pay_unit by its figures, otherwise by the monthly
	// equivalent, see Project.MonthlyPay) or match (a creator's match
	// score, ranked by the project service).
	Sort string
	Page Page
}

// FacetCount is one value of a facet and how many results have it.
type FacetCount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// SearchHit is one result of a search: the document's id, its relevance and
// the highlighted fragments of the text that matched.
type SearchHit struct {
	ID    string
	Score float64
	// Version is the document's version as the index holds it: a reader
	// may reuse a copy of that version instead of reading the database.
	Version    int64
	Highlights map[string][]string
}

// SearchPage is one page of search results with the facets of all results.
type SearchPage struct {
	Hits   []SearchHit
	Total  int
	Facets map[string][]FacetCount
	Took   time.Duration
	// Partial is set when no result had every word and phrase asked, and
	// the results are those with the most of them (the most first).
	Partial bool
	// FacetsPending is set when the facets were not counted in time for
	// this answer (a search matching very many documents whose counts are
	// not kept yet): they are being counted, and a search again shortly
	// has them. Facets is then empty.
	FacetsPending bool
}

// Searcher answers searches and finds match candidates (the search index).
type Searcher interface {
	SearchTalents(ctx context.Context, q TalentSearch) (*SearchPage, error)
	SearchProjects(ctx context.Context, q ProjectSearch) (*SearchPage, error)
	// TalentCandidates finds talents for a project: visible to
	// organisations, available, matching its words or skills, best first.
	TalentCandidates(ctx context.Context, p *Project, limit int) ([]SearchHit, error)
	// ProjectCandidates finds open projects for a talent, best first.
	// The deadline is left to the caller, which knows what "today" is.
	ProjectCandidates(ctx context.Context, t *Talent, limit int) ([]SearchHit, error)
	// SimilarTalents finds profiles like t (visible to organisations).
	SimilarTalents(ctx context.Context, t *Talent, limit int) ([]SearchHit, error)
	// Highlighter analyses the free text q once and returns what marks,
	// for one document's fields (name → text), fragments where its words
	// and phrases matched (<mark>, the rest escaped); a page calls it per
	// hit.
	Highlighter(q string) func(fields map[string]string) map[string][]string
	// SkillKey is the form under which two skills compare equal: folded,
	// stemmed, and a synonym group's name for any of its variants.
	SkillKey(skill string) string
}

// TalentHit is a profile in a search answer, with its highlights.
type TalentHit struct {
	*Talent
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights"`
}

// ProjectHit is a project in a search answer, with its highlights, the
// name of its organisation and, sorted by match, the creator's match
// score.
type ProjectHit struct {
	*Project
	OrgName    string              `json:"org_name"`
	OrgLogoID  string              `json:"org_logo_id,omitempty"` // the organisation's logo (a models.Medium), if any
	Score      float64             `json:"score"`
	MatchScore *float64            `json:"match_score,omitempty"`
	Highlights map[string][]string `json:"highlights"`
}

// SearchResult is the answer of a search route.
type SearchResult[T any] struct {
	Items   []T                     `json:"items"`
	Total   int                     `json:"total"`
	Page    int                     `json:"page"`
	PerPage int                     `json:"per_page"`
	Facets  map[string][]FacetCount `json:"facets"`
	TookMS  float64                 `json:"took_ms"`
	// Partial: no result matched every word, and these match some
	// (SearchPage.Partial).
	Partial bool `json:"partial"`
	// FacetsPending: the facets are being counted (SearchPage.FacetsPending).
	FacetsPending bool `json:"facets_pending"`
}
