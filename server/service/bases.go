package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/szdc/talenthub/models"
)

// Bases implements models.BaseService.
type Bases struct{ Deps }

var _ models.BaseService = (*Bases)(nil)

// NewBases returns the base service.
func NewBases(d Deps) *Bases { d.defaults(); return &Bases{d} }

// memberOrg returns the actor's organisation after checking that the actor
// may take act for it (a member of a verified organisation).
func (d *Deps) memberOrg(ctx context.Context, actor *models.User, act models.Action, what string) (*models.Org, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	if actor.Role != models.RoleOrg || actor.OrgID == "" {
		return nil, models.Errorf(models.CodeForbidden, "only members of a verified organisation can %s", what)
	}
	o, err := d.Store.Org(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, act, o.Resource()); err != nil {
		if models.IsCode(err, models.CodeForbidden) {
			return nil, models.Errorf(models.CodeForbidden, "your organisation is %s: only members of a verified organisation can %s", o.Status, what)
		}
		return nil, err
	}
	return o, nil
}

// Create implements models.BaseService.
func (s *Bases) Create(ctx context.Context, actor *models.User, in models.BaseInput) (*models.Base, error) {
	own, err := s.memberOrg(ctx, actor, models.ActRegisterBase, "register bases")
	if err != nil {
		return nil, err
	}
	in.Normalize()
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	if !slices.Contains(in.OperatorOrgIDs, own.ID) {
		return nil, fieldError("operator_org_ids", "must include your organisation")
	}
	for i, id := range in.OperatorOrgIDs {
		o, err := s.Store.Org(ctx, id)
		if models.IsCode(err, models.CodeNotFound) || err == nil && o.Status == models.StatusRejected {
			return nil, fieldError(fmt.Sprintf("operator_org_ids[%d]", i), "no such organisation")
		}
		if err != nil {
			return nil, err
		}
	}
	b := &models.Base{Name: in.Name, Kind: in.Kind, District: in.District, Industries: in.Industries,
		OperatorOrgIDs: in.OperatorOrgIDs, EstablishedOn: in.EstablishedOn, Capacity: in.Capacity,
		Status: models.StatusPending, RegisteredBy: actor.ID}
	if err := s.Store.CreateBase(ctx, b); err != nil {
		return nil, err
	}
	return b, nil
}

// Get implements models.BaseService.
func (s *Bases) Get(ctx context.Context, actor *models.User, id string) (*models.Base, error) {
	b, err := s.Store.Base(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActRead, b.Resource()); err != nil {
		return nil, err
	}
	return b, nil
}

// List implements models.BaseService.
func (s *Bases) List(ctx context.Context, actor *models.User, f models.BaseFilter) (*models.List[*models.Base], error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	q := models.ListQuery{Coll: models.CollBases, Page: f.Page, Text: f.Q, All: []models.AnyOf{
		scope(actor, "operator_org_ids"), models.Terms("kind", f.Kind...), models.Terms("district", f.District...),
		models.Terms("status", f.Status...), models.Terms("operator_org_ids", f.OrgID...),
	}}
	return listPage(ctx, s.Lister, q, s.Store.Base, func(b *models.Base) bool { return models.CanSee(actor, b.Resource()) })
}

// Decide implements models.BaseService.
func (s *Bases) Decide(ctx context.Context, actor *models.User, id string, in models.DecisionInput) (*models.Base, error) {
	b, err := s.Store.Base(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActVerify, b.Resource()); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	b, err = s.Store.UpdateBase(ctx, id, 0, func(b *models.Base) error {
		if b.Status != models.StatusPending {
			return models.Errorf(models.CodeConflict, "the base is already %s", b.Status)
		}
		b.Status = in.Decision
		b.Decision = &models.Decision{By: actor.ID, At: s.now(), Reason: in.Reason}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditBaseDecide, models.KindBase, b.ID,
		map[string]any{"status": string(models.StatusPending)}, map[string]any{"status": string(b.Status)}, in.Reason)
	return b, nil
}
