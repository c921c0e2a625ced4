package service

import (
	"context"

	"github.com/szdc/talenthub/models"
)

// Audit implements models.AuditService.
type Audit struct{ Deps }

var _ models.AuditService = (*Audit)(nil)

// NewAudit returns the audit-trail service.
func NewAudit(d Deps) *Audit { d.defaults(); return &Audit{d} }

// List implements models.AuditService.
func (s *Audit) List(ctx context.Context, actor *models.User, f models.AuditFilter) (*models.List[*models.AuditEntry], error) {
	if err := models.Authorize(actor, models.ActRead, models.Resource{Kind: models.KindAudit}); err != nil {
		if models.IsCode(err, models.CodeNotFound) {
			return nil, models.Errorf(models.CodeForbidden, "the audit trail is for the bureau and admins")
		}
		return nil, err
	}
	q := models.ListQuery{Coll: models.CollAudit, Page: f.Page, All: []models.AnyOf{
		models.Terms("action", f.Action...), models.Terms("resource_type", f.ResourceType...),
		models.Terms("resource_id", f.ResourceID...), models.Terms("actor_id", f.ActorID...),
	}}
	return listPage(ctx, s.Lister, q, s.Store.AuditEntry, func(*models.AuditEntry) bool { return true })
}
