package service

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// Deps are what the domain services share: the database (through the
// models store interfaces), the index for lists, the taxonomy, the clock
// and the logger.
type Deps struct {
	Store    Stores
	Lister   models.Lister
	Searcher models.Searcher
	Weights  models.MatchWeights
	// Mailer takes the mail a service sends (an outbox: never waits on SMTP).
	Mailer models.Mailer
	Tax    *Taxonomies
	// Images makes uploads safe and Blobs keeps their bytes; without them
	// uploads answer 503.
	Images models.ImageProcessor
	Blobs  models.BlobStore
	Now    func() time.Time
	Logger *slog.Logger
	// docs is shared by the services that New wires together.
	docs *docCache
}

// Stores is every store interface the domain services use; *store.Store
// implements it.
type Stores interface {
	models.UserStore
	models.SessionStore
	models.LimitStore
	models.TalentStore
	models.OrgStore
	models.BaseStore
	models.ProjectStore
	models.ApplicationStore
	models.RecruitmentStore
	models.AuditStore
	models.TaxonomyStore
	models.TargetStore
	models.InvitationStore
	models.NotificationStore
	models.SavedSearchStore
	models.MessageStore
	models.DeskStore
	models.SynonymStore
	models.MediaStore
	models.ImportStore
	models.IdentityStore
	models.PublicationStore
	models.LockStore
	models.IncubationStore
	UserSessions(ctx context.Context, userID string) ([]*models.Session, error)
	BeginErasure(ctx context.Context, e models.Erasure) error
	EndErasure(ctx context.Context, talentID string) error
	PendingErasures(ctx context.Context) ([]models.Erasure, error)
	// AppendAudit writes entries whose ids the caller made, in one round
	// trip, and returns an error per entry (nil: written); an entry whose
	// id exists already counts as written. An entry written alone is
	// indexed before it returns; several written together reach the index
	// through the change feed, within a second.
	AppendAudit(ctx context.Context, entries []*models.AuditEntry) []error
	ErasedRecruitments(ctx context.Context) ([]*models.Recruitment, error)
	// ForgetEvents takes an erased creator's name out of the notifications
	// and mail of the events whose keys begin with prefixes.
	ForgetEvents(ctx context.Context, prefixes []string) error
	// Secret returns the database's secret called name, made at its
	// first use.
	Secret(ctx context.Context, name string) ([]byte, error)
	// Marked reports whether the marker called name is set; Mark sets it.
	Marked(ctx context.Context, name string) (bool, error)
	Mark(ctx context.Context, name string) error
}

func (d *Deps) defaults() {
	if d.Weights == (models.MatchWeights{}) {
		d.Weights = models.DefaultMatchWeights()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.docs == nil {
		d.docs = newDocCache()
	}
}

func (d *Deps) now() time.Time { return d.Now().UTC().Truncate(time.Millisecond) }

// taxonomy returns the current taxonomy for validation.
func (d *Deps) taxonomy(ctx context.Context) (*models.Taxonomy, error) {
	if d.Tax == nil {
		t := models.DefaultTaxonomy()
		return &t, nil
	}
	return d.Tax.Get(ctx)
}

// validate checks in against its tags and the current taxonomy.
func (d *Deps) validate(ctx context.Context, in any) error {
	t, err := d.taxonomy(ctx)
	if err != nil {
		return err
	}
	return t.Validate(in)
}

// audit appends an entry to the audit trail. The state change it records is
// already written, and carries its own who/when; a failure to audit is
// logged loudly rather than turned into a failure of the change.
func (d *Deps) audit(ctx context.Context, actor *models.User, action string, kind models.Kind, id string, before, after map[string]any, reason string) {
	e := &models.AuditEntry{Action: action, ResourceType: string(kind), ResourceID: id, Before: before, After: after, Reason: reason, At: d.now()}
	if actor != nil {
		e.ActorID, e.ActorRole = actor.ID, actor.Role
	}
	if err := d.Store.Audit(context.WithoutCancel(ctx), e); err != nil {
		d.Logger.ErrorContext(ctx, "audit entry lost", "action", action, "resource_id", id, "error", err)
	}
}

// fetchPage reads the documents of a page of ids, in order, a few at a
// time, dropping the ones deleted or no longer visible since they were
// indexed.
func fetchPage[T any](ctx context.Context, ids []string, get func(context.Context, string) (T, error), visible func(T) bool) ([]T, error) {
	items := make([]T, len(ids))
	keep := make([]bool, len(ids))
	errs := make([]error, len(ids))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			v, err := get(ctx, id)
			if models.IsCode(err, models.CodeNotFound) {
				return
			}
			if err != nil {
				errs[i] = err
				return
			}
			items[i], keep[i] = v, visible(v)
		}()
	}
	wg.Wait()
	out := make([]T, 0, len(ids))
	for i := range ids {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if keep[i] {
			out = append(out, items[i])
		}
	}
	return out, nil
}

// listPage runs a list query and reads its page.
func listPage[T any](ctx context.Context, lister models.Lister, q models.ListQuery, get func(context.Context, string) (T, error), visible func(T) bool) (*models.List[T], error) {
	ids, total, err := lister.List(ctx, q)
	if err != nil {
		return nil, err
	}
	items, err := fetchPage(ctx, ids, get, visible)
	if err != nil {
		return nil, err
	}
	return &models.List[T]{Items: items, Total: total, Page: q.Page.Page, PerPage: q.Page.PerPage}, nil
}

// authorized reads the record id and lets actor do act on it, or answers why
// not: the one path from an id to a record a service acts on.
func authorized[T interface{ Resource() models.Resource }](ctx context.Context, actor *models.User, act models.Action,
	read func(context.Context, string) (T, error), id string) (T, error) {
	x, err := read(ctx, id)
	if err == nil {
		err = models.Authorize(actor, act, x.Resource())
	}
	if err != nil {
		var none T
		return none, err
	}
	return x, nil
}

// readThen is authorized for a service's own getter, which authorizes the
// read (and shapes the record for actor): its refusal comes first, so that
// who may not read a record is not told it exists.
func readThen[T interface{ Resource() models.Resource }](ctx context.Context, actor *models.User, act models.Action,
	read func(context.Context, *models.User, string) (T, error), id string) (T, error) {
	return authorized(ctx, actor, act, func(ctx context.Context, id string) (T, error) { return read(ctx, actor, id) }, id)
}

// staff reports whether u lists organisations, bases and records in every
// state (the bureau and admins), not only the verified and its own.
func staff(u *models.User) bool { return models.Permit(u, models.ActListAll) == nil }

func fieldError(field string, rule models.Rule, msg string) error {
	return models.FieldProblem(models.CodeValidation, field, rule, "", msg)
}

// membersOf returns the members of the organisations given, each once: who
// is told of a decision, recorded with it, so that a member who joins or
// leaves while the notifier catches up changes nothing. False when one
// could not be read: the decision stands, and the notifier tells the
// members it finds when it reads the entry.
func (d *Deps) membersOf(ctx context.Context, orgIDs []string) ([]string, bool) {
	out := []string{}
	for _, id := range orgIDs {
		o, err := d.Store.Org(context.WithoutCancel(ctx), id)
		switch {
		case models.IsCode(err, models.CodeNotFound):
			continue
		case err != nil:
			d.Logger.WarnContext(ctx, "the members a decision is told to were not read; they are read when it is told", "org_id", id, "error", err)
			return nil, false
		}
		for _, m := range o.MemberIDs {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out, true
}
