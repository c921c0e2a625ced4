package service

import (
	"log/slog"
	"time"

	"github.com/szdc/talenthub/models"
)

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

// New wires every service. figures, now and logger may be nil (tests that
// need no statistics).
func New(st Stores, lister models.Lister, figures Figures, acc AccountsConfig, now func() time.Time, logger *slog.Logger) *All {
	if acc.Now == nil {
		acc.Now = now
	}
	if acc.Logger == nil {
		acc.Logger = logger
	}
	tax := NewTaxonomies(st, st, now)
	d := Deps{Store: st, Lister: lister, Tax: tax, Now: now, Logger: logger}
	return &All{
		Accounts:     NewAccounts(st, st, st, acc),
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
