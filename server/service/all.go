package service

import (
	"log/slog"
	"time"

	"github.com/szdc/talenthub/models"
)

// Index is the search index: lists and searches.
type Index interface {
	models.Lister
	models.Searcher
}

// All holds every service, wired over one store and one index.
type All struct {
	Accounts     *Accounts
	Talents      *Talents
	Orgs         *Orgs
	Bases        *Bases
	Projects     *Projects
	Applications *Applications
	Recruitments *Recruitments
	Audit        *Audit
	Taxonomies   *Taxonomies
	Stats        *Stats
}

// Models is the set as the HTTP API and the web UI take it.
func (a *All) Models() models.Services {
	return models.Services{Accounts: a.Accounts, Talents: a.Talents, Orgs: a.Orgs, Bases: a.Bases, Projects: a.Projects,
		Applications: a.Applications, Recruitments: a.Recruitments, Audit: a.Audit, Taxonomies: a.Taxonomies, Stats: a.Stats}
}

// New wires every service. figures, now and logger may be nil (tests that
// need no statistics).
func New(st Stores, index Index, figures Figures, acc AccountsConfig, weights models.MatchWeights, now func() time.Time, logger *slog.Logger) *All {
	var lister models.Lister
	var searcher models.Searcher
	if index != nil {
		lister, searcher = index, index
	}
	if acc.Now == nil {
		acc.Now = now
	}
	if acc.Logger == nil {
		acc.Logger = logger
	}
	tax := NewTaxonomies(st, st, now, logger)
	d := Deps{Store: st, Lister: lister, Searcher: searcher, Weights: weights, Tax: tax, Now: now, Logger: logger, docs: newDocCache()}
	return &All{
		Accounts:     NewAccounts(st, st, st, st, acc),
		Talents:      NewTalents(d),
		Orgs:         NewOrgs(d),
		Bases:        NewBases(d),
		Projects:     NewProjects(d),
		Applications: NewApplications(d),
		Recruitments: NewRecruitments(d),
		Audit:        NewAudit(d),
		Taxonomies:   tax,
		Stats:        NewStats(d, figures, st),
	}
}
