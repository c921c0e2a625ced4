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

// Config is what New wires the services to. Store is required; the rest
// may be left zero (no index: lists and searches fail; no figures: the
// statistics fail; the clock: time.Now; the logger: slog's default).
type Config struct {
	Store    Stores
	Index    Index
	Figures  Figures
	Accounts AccountsConfig
	// Mailer and Notes carry the account service's mails and security
	// notices (nil: nothing sent or kept).
	Mailer  models.Mailer
	Notes   models.NotificationStore
	Weights models.MatchWeights
	Now     func() time.Time
	Logger  *slog.Logger
}

// New wires every service.
func New(cfg Config) *All {
	st, index, figures, acc, weights, now, logger := cfg.Store, cfg.Index, cfg.Figures, cfg.Accounts, cfg.Weights, cfg.Now, cfg.Logger
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
	if acc.Audit == nil {
		acc.Audit = st
	}
	if acc.Mailer == nil {
		acc.Mailer = cfg.Mailer
	}
	if acc.Notes == nil {
		acc.Notes = cfg.Notes
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
