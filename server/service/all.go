package service

import (
	"context"
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
	Accounts      *Accounts
	Talents       *Talents
	Orgs          *Orgs
	Bases         *Bases
	Projects      *Projects
	Applications  *Applications
	Recruitments  *Recruitments
	Audit         *Audit
	Taxonomies    *Taxonomies
	Stats         *Stats
	Notifications *Notifications
	SavedSearches *SavedSearches
	Messages      *Messages
	Desk          *Desk
	Media         *Media
	Imports       *Imports
	Publications  *Publications
	Incubation    *Incubation
	// Vocabulary is nil without an index that mines synonyms.
	Vocabulary *Vocabulary
	// Mailer takes the mail that services send; Mail serves preferences,
	// unsubscribe links and the admin's view of mail.
	Mailer models.Mailer
	Mail   models.MailService
}

// Models is the set as the HTTP API and the web UI take it.
func (a *All) Models() models.Services {
	m := models.Services{Accounts: a.Accounts, Talents: a.Talents, Orgs: a.Orgs, Bases: a.Bases, Projects: a.Projects,
		Applications: a.Applications, Recruitments: a.Recruitments, Audit: a.Audit, Taxonomies: a.Taxonomies, Stats: a.Stats, Mail: a.Mail,
		Notifications: a.Notifications, SavedSearches: a.SavedSearches, Messages: a.Messages, Desk: a.Desk, Media: a.Media,
		Imports: a.Imports, Publications: a.Publications, Incubation: a.Incubation}
	if a.Vocabulary != nil {
		m.Vocabulary = a.Vocabulary
	}
	return m
}

// Config is what New wires the services to. Store is required; the rest
// may be left zero (no index: lists and searches fail; no figures: the
// statistics fail; the clock: time.Now; the logger: slog's default).
type Config struct {
	Store   Stores
	Index   Index
	Figures Figures
	// Incubation counts the incubation figures from entries and milestones
	// kept in memory; nil reads them from the store at each request.
	Incubation IncubationTally
	Accounts   AccountsConfig
	Weights    models.MatchWeights
	// Mailer takes mail to send; nil drops every mail (tests that send none).
	Mailer models.Mailer
	// Mail serves mail preferences and unsubscribe links; nil leaves them
	// out (their routes answer 503).
	Mail models.MailService
	// Notes keeps the account service's security notices (the store when
	// nil).
	Notes models.NotificationStore
	// Images and Blobs serve image uploads (nil: uploads answer 503).
	Images models.ImageProcessor
	Blobs  models.BlobStore
	Now    func() time.Time
	Logger *slog.Logger
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
	mailer := cfg.Mailer
	if mailer == nil {
		mailer = dropMail{}
	}
	if acc.Audit == nil {
		acc.Audit = st
	}
	if acc.Mailer == nil {
		acc.Mailer = mailer
	}
	if acc.Notes == nil {
		acc.Notes = cfg.Notes
	}
	if acc.Notes == nil {
		acc.Notes = st
	}
	tax := NewTaxonomies(st, st, now, logger)
	d := Deps{Mailer: mailer, Store: st, Lister: lister, Searcher: searcher, Weights: weights, Tax: tax, Now: now, Logger: logger, docs: newDocCache(),
		Images: cfg.Images, Blobs: cfg.Blobs}
	var vocab *Vocabulary
	if vi, ok := index.(VocabularyIndex); ok {
		vocab = NewVocabulary(st, vi, now, logger)
	}
	stats := NewStats(d, figures, st)
	if r, ok := cfg.Incubation.(IncubationRecount); ok {
		stats.incubation = r
	}
	accounts := NewAccounts(st, st, st, st, acc)
	var teams models.TeamSearcher
	if ts, ok := index.(models.TeamSearcher); ok {
		teams = ts
	}
	return &All{
		Incubation:    newIncubation(d, teams, accounts, cfg.Incubation),
		Vocabulary:    vocab,
		Accounts:      accounts,
		Talents:       NewTalents(d),
		Orgs:          NewOrgs(d),
		Bases:         NewBases(d),
		Projects:      NewProjects(d),
		Applications:  NewApplications(d),
		Recruitments:  NewRecruitments(d),
		Audit:         NewAudit(d),
		Taxonomies:    tax,
		Stats:         stats,
		Publications:  NewPublications(d, stats),
		Notifications: NewNotifications(st),
		SavedSearches: NewSavedSearches(st, now),
		Messages:      NewMessages(d),
		Desk:          NewDesk(d),
		Media:         NewMedia(d),
		Imports:       NewImports(d),
		Mailer:        mailer,
		Mail:          cfg.Mail,
	}
}

// dropMail is the Mailer of a configuration without one.
type dropMail struct{}

func (dropMail) Send(context.Context, *models.MailRequest) error { return nil }
