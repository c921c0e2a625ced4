package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

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
	if err := models.Permit(actor, models.ActActForOrg); err != nil {
		return nil, models.Errorf(models.ErrorCode(err), "only members of a verified organisation can %s", what)
	}
	o, err := d.Store.Org(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, act, o.Resource()); err != nil {
		if models.IsCode(err, models.CodeForbidden) {
			return nil, models.Refusef(models.CodeForbidden, models.RefusalOrgNotVerified, string(o.Status), "your organisation is %s: only members of a verified organisation can %s", o.Status, what)
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
		return nil, fieldError("operator_org_ids", models.RuleOwnOrgRequired, "must include your organisation")
	}
	// Co-operators are asked, not enrolled: each is pending until a
	// manager of it confirms. Only organisations the member may see in the
	// directory (verified ones) can be asked; any other id, made up or of
	// a pending or rejected organisation, gets the one same answer.
	var pending []string
	for i, id := range in.OperatorOrgIDs {
		if id == own.ID {
			continue
		}
		o, err := s.Store.Org(ctx, id)
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			return nil, err
		}
		if err != nil || o.Status != models.StatusVerified || !models.CanSee(actor, o.Resource()) {
			return nil, fieldError(fmt.Sprintf("operator_org_ids[%d]", i), models.RuleNoSuch, "no such organisation")
		}
		pending = append(pending, id)
	}
	b := &models.Base{Name: in.Name, Kind: in.Kind, District: in.District, Industries: in.Industries,
		OperatorOrgIDs: []string{own.ID}, PendingOperatorIDs: pending, EstablishedOn: in.EstablishedOn, Capacity: in.Capacity,
		Status: models.StatusPending, RegisteredBy: actor.ID}
	if err := s.Store.CreateBase(ctx, b); err != nil {
		return nil, err
	}
	// Each co-operator asked is told (the notifications follow the trail).
	for _, id := range pending {
		s.audit(ctx, actor, models.AuditBaseOperatorAsk, models.KindBase, b.ID, nil, map[string]any{"org_id": id}, "")
	}
	return b, nil
}

// Get implements models.BaseService.
func (s *Bases) Get(ctx context.Context, actor *models.User, id string) (*models.Base, error) {
	return authorized(ctx, actor, models.ActRead, s.Store.Base, id)
}

// List implements models.BaseService.
func (s *Bases) List(ctx context.Context, actor *models.User, f models.BaseFilter) (*models.List[*models.Base], error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	q := models.ListQuery{Coll: models.CollBases, Page: f.Page, Text: f.Q, Sort: models.CreatedOrder(f.Order), All: []models.AnyOf{
		scope(actor, "operator_org_ids"), models.Terms("kind", f.Kind...), models.Terms("district", f.District...),
		models.Terms("industries", f.Industry...), models.Terms("status", f.Status...), models.Terms("operator_org_ids", f.OrgID...),
	}}
	return listPage(ctx, s.Lister, q, s.Store.Base, func(b *models.Base) bool { return models.CanSee(actor, b.Resource()) })
}

// Update implements models.BaseService, as Orgs.Update does for an
// organisation: the audit entry records the fields that changed.
func (s *Bases) Update(ctx context.Context, actor *models.User, id string, u models.BaseUpdate, ifVersion int64) (*models.Base, error) {
	w := verifiedWrite[*models.Base]{read: s.Store.Base, write: s.Store.UpdateBase, audited: baseAudit, action: models.AuditBaseUpdate, kind: models.KindBase}
	return w.update(ctx, &s.Deps, actor, id, ifVersion, func(b *models.Base, tax *models.Taxonomy) error {
		return underVerification(actor, b.Resource(), &b.Status, &b.Decision, models.RefusalBaseVerified, "base", func() error {
			in := u.Apply(b.Input())
			in.Normalize()
			if err := tax.Validate(in); err != nil {
				return err
			}
			b.Name, b.Kind, b.District, b.Industries = in.Name, in.Kind, in.District, nonNil(in.Industries)
			b.EstablishedOn, b.Capacity = in.EstablishedOn, in.Capacity
			return nil
		})
	})
}

// baseAudit is what the audit trail records of a base.
func baseAudit(b *models.Base) map[string]any {
	return map[string]any{"name": b.Name, "base_kind": b.Kind, "district": b.District, "industries": strings.Join(b.Industries, ","),
		"established_on": b.EstablishedOn, "capacity": b.Capacity, "status": string(b.Status)}
}

// Decide implements models.BaseService.
func (s *Bases) Decide(ctx context.Context, actor *models.User, id string, in models.DecisionInput) (*models.Base, error) {
	if _, err := authorized(ctx, actor, models.ActVerify, s.Store.Base, id); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	b, err := s.Store.UpdateBase(ctx, id, 0, func(b *models.Base) error {
		if b.Status != models.StatusPending {
			return models.Refusef(models.CodeConflict, models.RefusalAlreadyDecided, string(b.Status), "the base is already %s", b.Status)
		}
		b.Status = in.Decision
		b.Decision = &models.Decision{By: actor.ID, At: s.now(), Reason: in.Reason}
		return nil
	})
	if err != nil {
		return nil, err
	}
	after := map[string]any{"status": string(b.Status)}
	if members, ok := s.membersOf(ctx, b.OperatorOrgIDs); ok {
		after["members"] = members
	}
	s.audit(ctx, actor, models.AuditBaseDecide, models.KindBase, b.ID, map[string]any{"status": string(models.StatusPending)}, after, in.Reason)
	return b, nil
}

// AnswerOperation implements models.BaseService.
func (s *Bases) AnswerOperation(ctx context.Context, actor *models.User, id string, in models.OperationAnswer) (*models.Base, error) {
	if _, err := authorized(ctx, actor, models.ActRead, s.Store.Base, id); err != nil {
		return nil, err
	}
	if err := models.Permit(actor, models.ActActForOrg); err != nil {
		return nil, models.Errorf(models.ErrorCode(err), "a manager of the organisation named as co-operator answers")
	}
	o, err := s.Store.Org(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActManageMembers, o.Resource()); err != nil {
		return nil, models.Errorf(models.CodeForbidden, "a manager of the organisation named as co-operator answers")
	}
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	confirm := in.Decision == "confirm"
	b, err := s.Store.UpdateBase(ctx, id, 0, func(b *models.Base) error {
		if !slices.Contains(b.PendingOperatorIDs, o.ID) {
			return models.Errorf(models.CodeConflict, "your organisation is not waiting to answer for this base")
		}
		b.PendingOperatorIDs = slices.DeleteFunc(b.PendingOperatorIDs, func(p string) bool { return p == o.ID })
		if confirm && !slices.Contains(b.OperatorOrgIDs, o.ID) {
			b.OperatorOrgIDs = append(b.OperatorOrgIDs, o.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	action := models.AuditBaseOperatorDecline
	if confirm {
		action = models.AuditBaseOperatorConfirm
	}
	s.audit(ctx, actor, action, models.KindBase, b.ID, nil, map[string]any{"org_id": o.ID}, "")
	return b, nil
}

// OperationRequests implements models.BaseService.
func (s *Bases) OperationRequests(ctx context.Context, actor *models.User, orgID string) ([]*models.Base, error) {
	o, err := authorized(ctx, actor, models.ActListMembers, s.Store.Org, orgID)
	if err != nil {
		return nil, err
	}
	bs, err := s.Store.BasesAwaiting(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(bs, func(a, b *models.Base) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return bs, nil
}

// maxOperators is the most organisations a base names, confirmed and
// asked, as at registration (BaseInput's operator_org_ids).
const maxOperators = 20

// AskOperator implements models.BaseService.
func (s *Bases) AskOperator(ctx context.Context, actor *models.User, id string, in models.OperatorInput) (*models.Base, error) {
	if _, err := authorized(ctx, actor, models.ActManageOperators, s.Store.Base, id); err != nil {
		return nil, err
	}
	if _, err := s.memberOrg(ctx, actor, models.ActRegisterBase, "ask co-operators"); err != nil {
		return nil, err
	}
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	// As at registration: only an organisation the member may see in the
	// directory (a verified one) is asked, and any other id gets the one
	// same answer.
	o, err := s.Store.Org(ctx, in.OrgID)
	if err != nil && !models.IsCode(err, models.CodeNotFound) {
		return nil, err
	}
	if err != nil || o.Status != models.StatusVerified || !models.CanSee(actor, o.Resource()) {
		return nil, fieldError("org_id", models.RuleNoSuch, "no such organisation")
	}
	b, err := s.Store.UpdateBase(ctx, id, 0, func(b *models.Base) error {
		if slices.Contains(b.OperatorOrgIDs, o.ID) || slices.Contains(b.PendingOperatorIDs, o.ID) {
			return models.Refusef(models.CodeConflict, models.RefusalAlreadyOperator, "", "the organisation operates this base or was asked already")
		}
		if len(b.OperatorOrgIDs)+len(b.PendingOperatorIDs) >= maxOperators {
			return models.FieldProblem(models.CodeValidation, "org_id", models.RuleMaxItems, fmt.Sprint(maxOperators),
				fmt.Sprintf("a base names at most %d organisations", maxOperators))
		}
		b.PendingOperatorIDs = append(b.PendingOperatorIDs, o.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditBaseOperatorAsk, models.KindBase, b.ID, nil, map[string]any{"org_id": o.ID}, "")
	return b, nil
}

// RemoveOperator implements models.BaseService.
func (s *Bases) RemoveOperator(ctx context.Context, actor *models.User, id, orgID string) error {
	b, err := s.Store.Base(ctx, id)
	if err != nil {
		return err
	}
	r := b.Resource()
	if err := models.Authorize(actor, models.ActRead, r); err != nil {
		return err
	}
	if models.Authorize(actor, models.ActManageOperators, r) != nil {
		// Otherwise only a manager of the organisation itself, which
		// leaves.
		if actor.OrgID != orgID {
			return models.Errorf(models.CodeForbidden, "the organisation that registered the base removes co-operators; a co-operator's managers take it off")
		}
		o, err := s.Store.Org(ctx, orgID)
		if err != nil {
			return err
		}
		if err := models.Authorize(actor, models.ActManageMembers, o.Resource()); err != nil {
			return models.Errorf(models.CodeForbidden, "a manager of the organisation takes it off a base")
		}
	}
	if orgID == r.Registrar {
		return models.Refusef(models.CodeConflict, models.RefusalRegistrarStays, "", "the organisation that registered the base stays its operator")
	}
	if _, err := s.Store.UpdateBase(ctx, id, 0, func(b *models.Base) error {
		if !slices.Contains(b.OperatorOrgIDs, orgID) && !slices.Contains(b.PendingOperatorIDs, orgID) {
			return models.Errorf(models.CodeNotFound, "the base does not name this organisation")
		}
		named := func(x string) bool { return x == orgID }
		b.OperatorOrgIDs = slices.DeleteFunc(b.OperatorOrgIDs, named)
		b.PendingOperatorIDs = slices.DeleteFunc(b.PendingOperatorIDs, named)
		return nil
	}); err != nil {
		return err
	}
	s.audit(ctx, actor, models.AuditBaseOperatorRemove, models.KindBase, id, map[string]any{"org_id": orgID}, nil, "")
	return nil
}
