package service

import (
	"context"
	"slices"

	"github.com/szdc/talenthub/models"
)

// Orgs implements models.OrgService.
type Orgs struct{ Deps }

var _ models.OrgService = (*Orgs)(nil)

// NewOrgs returns the organisation service.
func NewOrgs(d Deps) *Orgs { d.defaults(); return &Orgs{d} }

// enterpriseFlags may only be carried by enterprises.
var enterpriseFlags = []string{models.FlagLeading, models.FlagSME, models.FlagSpecialized}

// Create implements models.OrgService.
func (s *Orgs) Create(ctx context.Context, actor *models.User, in models.OrgInput) (*models.Org, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	if actor.Role != models.RoleOrg {
		return nil, models.Errorf(models.CodeForbidden, "only organisation accounts register organisations")
	}
	previous := actor.OrgID
	if previous != "" {
		cur, err := s.Store.Org(ctx, previous)
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			return nil, err
		}
		// A member of a rejected organisation may register anew.
		if err == nil && cur.Status != models.StatusRejected {
			return nil, models.Errorf(models.CodeConflict, "you already belong to an organisation")
		}
	}
	in.Normalize()
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	if in.Kind != models.OrgEnterprise {
		for _, f := range in.Flags {
			if slices.Contains(enterpriseFlags, f) {
				return nil, fieldError("flags", "leading, sme and specialized apply to enterprises only")
			}
		}
	}
	o := &models.Org{Name: in.Name, Kind: in.Kind, District: in.District, Industries: in.Industries, Flags: in.Flags,
		Status: models.StatusPending, MemberIDs: []string{actor.ID}, CreatedBy: actor.ID}
	if err := s.Store.CreateOrg(ctx, o); err != nil {
		return nil, err
	}
	_, err := s.Store.SetUserOrg(ctx, actor.ID, o.ID, func(u *models.User) error {
		if u.OrgID != previous {
			return models.Errorf(models.CodeConflict, "you joined another organisation meanwhile")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Get implements models.OrgService.
func (s *Orgs) Get(ctx context.Context, actor *models.User, id string) (*models.Org, error) {
	o, err := s.Store.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActRead, o.Resource()); err != nil {
		return nil, err
	}
	return o, nil
}

// scope limits a directory list to what actor may see: everything for the
// staff, verified entries plus the actor's own for everyone else.
func scope(actor *models.User, ownField string) models.AnyOf {
	if staff(actor) {
		return nil
	}
	cond := models.AnyOf{{Field: "status", Value: string(models.StatusVerified)}}
	if actor != nil && actor.OrgID != "" {
		cond = append(cond, models.Match{Field: ownField, Value: actor.OrgID})
	}
	return cond
}

// List implements models.OrgService.
func (s *Orgs) List(ctx context.Context, actor *models.User, f models.OrgFilter) (*models.List[*models.Org], error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	q := models.ListQuery{Coll: models.CollOrgs, Page: f.Page, Text: f.Q, All: []models.AnyOf{
		scope(actor, "_id"), models.Terms("kind", f.Kind...), models.Terms("district", f.District...),
		models.Terms("status", f.Status...), models.Terms("flags", f.Flag...),
	}}
	return listPage(ctx, s.Lister, q, s.Store.Org, func(o *models.Org) bool { return models.CanSee(actor, o.Resource()) })
}

// Decide implements models.OrgService.
func (s *Orgs) Decide(ctx context.Context, actor *models.User, id string, in models.DecisionInput) (*models.Org, error) {
	o, err := s.Store.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActVerify, o.Resource()); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	o, err = s.Store.UpdateOrg(ctx, id, 0, func(o *models.Org) error {
		if o.Status != models.StatusPending {
			return models.Errorf(models.CodeConflict, "the organisation is already %s", o.Status)
		}
		o.Status = in.Decision
		o.Decision = &models.Decision{By: actor.ID, At: s.now(), Reason: in.Reason}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditOrgDecide, models.KindOrg, o.ID,
		map[string]any{"status": string(models.StatusPending)}, map[string]any{"status": string(o.Status)}, in.Reason)
	return o, nil
}

// AddMember implements models.OrgService.
func (s *Orgs) AddMember(ctx context.Context, actor *models.User, id string, in models.MemberInput) (*models.Member, error) {
	o, err := s.Store.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActAddMember, o.Resource()); err != nil {
		return nil, err
	}
	in.Email = models.NormalizeEmail(in.Email)
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	u, _, err := s.Store.UserByEmail(ctx, in.Email)
	if models.IsCode(err, models.CodeNotFound) {
		return nil, fieldError("email", "no account has this email; ask them to register as an organisation user first")
	}
	if err != nil {
		return nil, err
	}
	if u.Role != models.RoleOrg {
		return nil, models.Errorf(models.CodeConflict, "only organisation accounts can join an organisation")
	}
	u, err = s.Store.SetUserOrg(ctx, u.ID, o.ID, func(u *models.User) error {
		if u.OrgID == o.ID {
			return models.Errorf(models.CodeConflict, "already a member")
		}
		if u.OrgID != "" {
			return models.Errorf(models.CodeConflict, "this user belongs to another organisation")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := s.Store.UpdateOrg(ctx, o.ID, 0, func(o *models.Org) error {
		if !slices.Contains(o.MemberIDs, u.ID) {
			o.MemberIDs = append(o.MemberIDs, u.ID)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditOrgMemberAdd, models.KindOrg, o.ID, nil, map[string]any{"member_id": u.ID}, "")
	return &models.Member{ID: u.ID, Name: u.Name, Email: u.Email}, nil
}

// Members implements models.OrgService.
func (s *Orgs) Members(ctx context.Context, actor *models.User, id string) ([]models.Member, error) {
	o, err := s.Store.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActListMembers, o.Resource()); err != nil {
		return nil, err
	}
	out := []models.Member{}
	for _, mid := range o.MemberIDs {
		u, err := s.Store.User(ctx, mid)
		if models.IsCode(err, models.CodeNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u.OrgID == o.ID {
			out = append(out, models.Member{ID: u.ID, Name: u.Name, Email: u.Email})
		}
	}
	return out, nil
}
