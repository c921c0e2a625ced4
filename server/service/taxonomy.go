package service

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// Taxonomies implements models.TaxonomyService. It caches the taxonomy for
// a few seconds: every validation reads it, and an admin's edit reaches
// every process within the cache's life.
type Taxonomies struct {
	store models.TaxonomyStore
	audit models.AuditStore
	now   func() time.Time
	ttl   time.Duration
	log   *slog.Logger

	mu     sync.Mutex
	cached *models.Taxonomy
	at     time.Time
}

var _ models.TaxonomyService = (*Taxonomies)(nil)

// NewTaxonomies returns the taxonomy service.
func NewTaxonomies(store models.TaxonomyStore, audit models.AuditStore, now func() time.Time, logger *slog.Logger) *Taxonomies {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Taxonomies{store: store, audit: audit, now: now, ttl: 5 * time.Second, log: logger}
}

// Seed stores the plan's taxonomy when none is stored yet.
func (s *Taxonomies) Seed(ctx context.Context) error {
	t := models.DefaultTaxonomy()
	return s.store.SeedTaxonomy(ctx, &t)
}

// Get implements models.TaxonomyService.
func (s *Taxonomies) Get(ctx context.Context) (*models.Taxonomy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cached != nil && s.now().Sub(s.at) < s.ttl {
		return s.cached, nil
	}
	t, err := s.store.Taxonomy(ctx)
	if models.IsCode(err, models.CodeNotFound) {
		d := models.DefaultTaxonomy()
		t, err = &d, nil
	}
	if err != nil {
		return nil, err
	}
	s.cached, s.at = t, s.now()
	return t, nil
}

// Replace implements models.TaxonomyService.
func (s *Taxonomies) Replace(ctx context.Context, actor *models.User, next models.Taxonomy, ifVersion int64) (*models.Taxonomy, error) {
	if err := models.Authorize(actor, models.ActUpdate, models.Resource{Kind: models.KindTaxonomy}); err != nil {
		return nil, err
	}
	cur, err := s.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := cur.CheckUpdate(&next); err != nil {
		return nil, err
	}
	t, err := s.store.ReplaceTaxonomy(ctx, &next, ifVersion)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cached, s.at = t, s.now()
	s.mu.Unlock()
	e := &models.AuditEntry{At: s.now().UTC(), ActorID: actor.ID, ActorRole: actor.Role, Action: models.AuditTaxonomyReplace,
		ResourceType: string(models.KindTaxonomy), ResourceID: "taxonomy", After: map[string]any{"version": t.Version}}
	// As Deps.audit does: the change is made; a lost entry is said loudly.
	if err := s.audit.Audit(context.WithoutCancel(ctx), e); err != nil {
		s.log.ErrorContext(ctx, "audit entry lost", "action", e.Action, "error", err)
	}
	return t, nil
}
