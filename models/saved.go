package models

import (
	"context"
	"net/url"
	"slices"
	"time"
)

// What a saved search looks for.
const (
	SavedTalents  = "talents"  // organisations (and the bureau): profiles
	SavedProjects = "projects" // creators: open projects that match them
)

// How a saved search tells its new matches.
const (
	AlertOff     = "off"
	AlertInstant = "instant"
	AlertDaily   = "daily" // the notification at once, its mail in the daily digest
)

// MaxSavedSearches bounds the saved searches of one account.
const MaxSavedSearches = 20

// SavedSearch is a search kept by its owner, which tells them of new
// matches: profiles that newly match an organisation's talent search, open
// projects that match a creator's search and reach their match score.
type SavedSearch struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Query holds the search's parameters as the search's URL takes them
	// (q=原画&district=nanshan): the same parser reads both.
	Query string `json:"query"`
	Alert string `json:"alert"`
	// MinScore is, for a creator's project search, the match score (0-100)
	// a project must reach to be told.
	MinScore  int       `json:"min_score"`
	CreatedAt time.Time `json:"created_at"`
}

// SavedSearchInput is the body of POST /saved-searches.
type SavedSearchInput struct {
	Name string `json:"name" validate:"required,singleline,max=100"`
	// Kind defaults to the one the caller's role may save.
	Kind     string `json:"kind" validate:"omitempty,oneof=talents projects"`
	Query    string `json:"query" validate:"max=2000"`
	Alert    string `json:"alert" validate:"omitempty,oneof=off instant daily"`
	MinScore int    `json:"min_score" validate:"min=0,max=100"`
}

// The parameters a saved search keeps: a search's filters and words, not
// its order or page.
var (
	SavedTalentParams  = []string{"q", "skills", "tools", "industries", "district", "origin", "level", "available", "min_years", "max_years"}
	SavedProjectParams = []string{"q", "kind", "skills", "industries", "district"}
)

// ParseSavedQuery reads a saved search's query with the parser of its
// search, and returns its field errors as the search would (under the
// field "query").
func ParseSavedQuery(kind, query string) (*TalentSearch, *ProjectSearch, error) {
	vals, err := url.ParseQuery(query)
	if err != nil {
		return nil, nil, FieldProblem(CodeValidation, "query", RuleInvalid, "", "is not a search's parameters (name=value&…)")
	}
	allowed := SavedTalentParams
	if kind == SavedProjects {
		allowed = SavedProjectParams
	}
	for k, v := range vals {
		if !slices.Contains(allowed, k) {
			return nil, nil, FieldProblem(CodeValidation, "query", RuleUnknown, k, k+" is not a parameter a saved search keeps")
		}
		if len(v) > 1 {
			return nil, nil, FieldProblem(CodeValidation, "query", RuleRepeated, k, k+" is given more than once")
		}
	}
	p := NewParams(vals.Get)
	var ts *TalentSearch
	var ps *ProjectSearch
	if kind == SavedTalents {
		s := ParseTalentSearch(p)
		ts = &s
	} else {
		s := ParseProjectSearch(p)
		ps = &s
	}
	if err := p.Err(); err != nil {
		return nil, nil, FieldProblem(CodeValidation, "query", RuleInvalid, "", err.Error())
	}
	return ts, ps, nil
}

// SavedSearchService keeps each account's saved searches.
type SavedSearchService interface {
	List(ctx context.Context, actor *User) ([]*SavedSearch, error)
	Create(ctx context.Context, actor *User, in SavedSearchInput) (*SavedSearch, error)
	Delete(ctx context.Context, actor *User, id string) error
}

// SavedSearchStore persists them, one document per account.
type SavedSearchStore interface {
	SavedSearches(ctx context.Context, userID string) ([]*SavedSearch, error)
	// ChangeSavedSearches changes a user's list in one step.
	ChangeSavedSearches(ctx context.Context, userID string, fn func([]*SavedSearch) ([]*SavedSearch, error)) ([]*SavedSearch, error)
	// EverySavedSearch calls fn with every saved search that alerts, and
	// its owner (the alerts' registry is loaded from it).
	EverySavedSearch(ctx context.Context, fn func(userID string, s *SavedSearch) error) error
	// SavedSearchesStamp changes whenever any account's saved searches
	// change (before the change returns): a registry read with an older
	// stamp is read again.
	SavedSearchesStamp(ctx context.Context) (string, error)
}
