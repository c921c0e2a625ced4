package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

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
	if err := models.Permit(actor, models.ActRegisterOrg); err != nil {
		return nil, err
	}
	previous := actor.OrgID
	if previous != "" {
		cur, err := s.Store.Org(ctx, previous)
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			return nil, err
		}
		// A member of a rejected organisation may register anew.
		if err == nil && cur.Status != models.StatusRejected {
			return nil, models.Refusef(models.CodeConflict, models.RefusalInOrg, "", "you already belong to an organisation")
		}
	}
	in.Normalize()
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	if err := enterpriseOnly(in); err != nil {
		return nil, err
	}
	o := &models.Org{Name: in.Name, Kind: in.Kind, District: in.District, Industries: in.Industries, Flags: in.Flags,
		Status: models.StatusPending, MemberIDs: []string{actor.ID}, CreatedBy: actor.ID}
	// One transaction on a replica set; elsewhere the organisation comes
	// first, so that a crash leaves an organisation nobody belongs to,
	// never an account in an organisation that does not exist.
	err := s.Store.Atomically(ctx, func(ctx context.Context) error {
		if err := s.Store.CreateOrg(ctx, o); err != nil {
			return err
		}
		_, err := s.Store.SetUserOrg(ctx, actor.ID, o.ID, func(u *models.User) error {
			if u.OrgID != previous {
				return models.Errorf(models.CodeConflict, "you joined another organisation meanwhile")
			}
			return nil
		})
		if err != nil {
			return err
		}
		// The rejected organisation no longer lists its former member.
		return s.dropMember(ctx, previous, actor.ID)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Update implements models.OrgService. The audit entry records the fields
// that changed (and the status, when a rejected organisation goes back to
// the bureau).
func (s *Orgs) Update(ctx context.Context, actor *models.User, id string, u models.OrgUpdate, ifVersion int64) (*models.Org, error) {
	w := verifiedWrite[*models.Org]{read: s.Store.Org, write: s.Store.UpdateOrg, audited: orgAudit, action: models.AuditOrgUpdate, kind: models.KindOrg}
	return w.update(ctx, &s.Deps, actor, id, ifVersion, func(o *models.Org, tax *models.Taxonomy) error {
		return underVerification(actor, o.Resource(), &o.Status, &o.Decision, models.RefusalOrgVerified, "organisation", func() error {
			in := u.Apply(o.Input())
			in.Normalize()
			if err := tax.Validate(in); err != nil {
				return err
			}
			if err := enterpriseOnly(in); err != nil {
				return err
			}
			o.Name, o.Kind, o.District, o.Industries, o.Flags = in.Name, in.Kind, in.District, nonNil(in.Industries), nonNil(in.Flags)
			return nil
		})
	})
}

// verifiedWrite is how a change reaches what the bureau verifies (an
// organisation, a base): read and write are the store's, audited is what
// the audit trail records of it, under action and kind.
type verifiedWrite[T interface{ Resource() models.Resource }] struct {
	read    func(context.Context, string) (T, error)
	write   func(context.Context, string, int64, func(T) error) (T, error)
	audited func(T) map[string]any
	action  string
	kind    models.Kind
}

// update lets a signed-in actor who may update the record id change it
// with apply (given the current taxonomy), and records the fields that
// changed, if any.
func (w verifiedWrite[T]) update(ctx context.Context, d *Deps, actor *models.User, id string, ifVersion int64, apply func(T, *models.Taxonomy) error) (T, error) {
	var none T
	if err := signedIn(actor); err != nil {
		return none, err
	}
	if _, err := authorized(ctx, actor, models.ActUpdate, w.read, id); err != nil {
		return none, err
	}
	tax, err := d.taxonomy(ctx)
	if err != nil {
		return none, err
	}
	var before, after map[string]any
	x, err := w.write(ctx, id, ifVersion, func(x T) error {
		was := w.audited(x)
		err := apply(x, tax)
		before, after = changedFields(was, w.audited(x))
		return err
	})
	if err != nil {
		return none, err
	}
	if len(after) > 0 {
		d.audit(ctx, actor, w.action, w.kind, id, before, after, "")
	}
	return x, nil
}

// underVerification is the rule of a change to what the bureau verifies
// (an organisation, a base), whose status and decision are st and d:
// change applies it. The bureau corrects it in any state, the status kept;
// anyone else (the service authorized them) changes it only before it is
// verified, since the figures count what the bureau verified, and a change
// after a rejection sends it back to the bureau for a new decision.
func underVerification(actor *models.User, r models.Resource, st *models.Status, d **models.Decision, refusal models.Refusal, what string, change func() error) error {
	bureau := models.Authorize(actor, models.ActCorrect, r) == nil
	if !bureau && *st == models.StatusVerified {
		return models.Refusef(models.CodeConflict, refusal, "", "a verified %s's details are what the bureau verified; ask the bureau to correct them", what)
	}
	if err := change(); err != nil {
		return err
	}
	if !bureau && *st == models.StatusRejected {
		*st, *d = models.StatusPending, nil
	}
	return nil
}

// enterpriseOnly refuses the flags only enterprises carry on another kind.
func enterpriseOnly(in models.OrgInput) error {
	if in.Kind != models.OrgEnterprise {
		for _, f := range in.Flags {
			if slices.Contains(enterpriseFlags, f) {
				return fieldError("flags", models.RuleEnterpriseFlags, "leading, sme and specialized apply to enterprises only")
			}
		}
	}
	return nil
}

// orgAudit is what the audit trail records of an organisation.
func orgAudit(o *models.Org) map[string]any {
	return map[string]any{"name": o.Name, "org_kind": o.Kind, "district": o.District,
		"industries": strings.Join(o.Industries, ","), "flags": strings.Join(o.Flags, ","), "status": string(o.Status)}
}

// dropMember takes a user off an organisation's member and manager lists
// once the account no longer belongs to it. The account's organisation is
// the authority and is written first; the lists follow it, so that a crash
// between the two leaves a name on a list, never a member without one.
func (s *Orgs) dropMember(ctx context.Context, orgID, userID string) error {
	if orgID == "" {
		return nil
	}
	_, err := s.Store.UpdateOrg(ctx, orgID, 0, func(o *models.Org) error {
		o.MemberIDs = slices.DeleteFunc(o.MemberIDs, func(m string) bool { return m == userID })
		o.ManagerIDs = slices.DeleteFunc(o.ManagerIDs, func(m string) bool { return m == userID })
		return nil
	})
	if models.IsCode(err, models.CodeNotFound) {
		return nil
	}
	return err
}

// Get implements models.OrgService.
func (s *Orgs) Get(ctx context.Context, actor *models.User, id string) (*models.Org, error) {
	return authorized(ctx, actor, models.ActRead, s.Store.Org, id)
}

// SetLogo implements models.OrgService.
func (s *Orgs) SetLogo(ctx context.Context, actor *models.User, id string, in models.LogoInput) (*models.Org, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	o, err := authorized(ctx, actor, models.ActManageMembers, s.Store.Org, id)
	if err != nil {
		return nil, err
	}
	in.LogoID = strings.TrimSpace(in.LogoID)
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	if in.LogoID == o.LogoID {
		return o, nil // nothing to write
	}
	var before []string
	if o.LogoID != "" {
		before = []string{o.LogoID}
	}
	after := map[string]string{}
	if in.LogoID != "" {
		after[in.LogoID] = models.PurposeLogo
	}
	c := mediaDiff(models.MediaUse(models.KindOrg, o.ID), before, after)
	if err := s.checkMedia(ctx, actor, c, func(string) string { return "logo_id" }); err != nil {
		return nil, err
	}
	return withMedia(ctx, &s.Deps, c, func() (*models.Org, error) {
		return s.Store.UpdateOrg(ctx, id, 0, func(o *models.Org) error {
			o.LogoID = in.LogoID
			return nil
		})
	})
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
	q := models.ListQuery{Coll: models.CollOrgs, Page: f.Page, Text: f.Q, Sort: models.CreatedOrder(f.Order), All: []models.AnyOf{
		scope(actor, "_id"), models.Terms("kind", f.Kind...), models.Terms("district", f.District...),
		models.Terms("industries", f.Industry...), models.Terms("status", f.Status...), models.Terms("flags", f.Flag...),
	}}
	return listPage(ctx, s.Lister, q, s.Store.Org, func(o *models.Org) bool { return models.CanSee(actor, o.Resource()) })
}

// Decide implements models.OrgService.
func (s *Orgs) Decide(ctx context.Context, actor *models.User, id string, in models.DecisionInput) (*models.Org, error) {
	if _, err := authorized(ctx, actor, models.ActVerify, s.Store.Org, id); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	o, err := s.Store.UpdateOrg(ctx, id, 0, func(o *models.Org) error {
		if o.Status != models.StatusPending {
			return models.Refusef(models.CodeConflict, models.RefusalAlreadyDecided, string(o.Status), "the organisation is already %s", o.Status)
		}
		o.Status = in.Decision
		o.Decision = &models.Decision{By: actor.ID, At: s.now(), Reason: in.Reason}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Who is told: the members when it was decided, not whoever they are
	// when the notifier reads the entry a moment later.
	s.audit(ctx, actor, models.AuditOrgDecide, models.KindOrg, o.ID,
		map[string]any{"status": string(models.StatusPending)}, map[string]any{"status": string(o.Status), "members": append([]string{}, o.MemberIDs...)}, in.Reason)
	return o, nil
}

// refusedInvitation is the one answer to every email that cannot be
// invited, whatever the reason: an answer per reason would tell the
// inviter which emails are bureau, admin, creator or affiliated accounts.
func refusedInvitation() error {
	return fieldError("email", models.RuleCannotInvite, "cannot be invited: it must be the email of an organisation account that belongs to no organisation")
}

// Invite implements models.OrgService.
func (s *Orgs) Invite(ctx context.Context, actor *models.User, id string, in models.MemberInput) (*models.Invitation, error) {
	o, err := s.Store.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActAddMember, o.Resource()); err != nil {
		if models.IsCode(err, models.CodeForbidden) && o.Status != models.StatusVerified {
			return nil, models.Refusef(models.CodeForbidden, models.RefusalOrgNotVerified, string(o.Status), "only a verified organisation invites members (this one is %s)", o.Status)
		}
		return nil, err
	}
	in.Email = models.NormalizeEmail(in.Email)
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	lim, err := s.Store.LimitHit(ctx, "invite:org:"+o.ID, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	if lim.Count > models.MaxInvitationsPerDay {
		wait := max(time.Second, lim.ResetAt.Sub(s.Now()).Round(time.Second))
		return nil, &models.Error{Code: models.CodeRateLimited, RetryAfter: wait,
			Message: fmt.Sprintf("your organisation sent %d invitations today; try again in %s", models.MaxInvitationsPerDay, wait)}
	}
	u, _, err := s.Store.UserByEmail(ctx, in.Email)
	switch {
	case models.IsCode(err, models.CodeNotFound):
		return nil, refusedInvitation()
	case err != nil:
		return nil, err
	}
	if u.Role != models.RoleOrg {
		return nil, refusedInvitation()
	}
	if u.OrgID != "" {
		// A member of a rejected organisation (or of one that is gone)
		// may join another, as it may register another.
		cur, err := s.Store.Org(ctx, u.OrgID)
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			return nil, err
		}
		if err == nil && cur.Status != models.StatusRejected {
			return nil, refusedInvitation()
		}
	}
	inv, err := s.Store.PutInvitation(ctx, models.Invitation{OrgID: o.ID, UserID: u.ID, Email: u.Email, InvitedBy: actor.ID, At: s.now()})
	if err != nil {
		return nil, err
	}
	inv.OrgName = o.Name
	s.audit(ctx, actor, models.AuditOrgInvite, models.KindOrg, o.ID, nil, map[string]any{"member_id": u.ID}, "")
	return inv, nil
}

// Invitations implements models.OrgService.
func (s *Orgs) Invitations(ctx context.Context, actor *models.User, id string) ([]models.Invitation, error) {
	o, err := authorized(ctx, actor, models.ActListMembers, s.Store.Org, id)
	if err != nil {
		return nil, err
	}
	invs, err := s.Store.OrgInvitations(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	for i := range invs {
		invs[i].OrgName = o.Name
	}
	return invs, nil
}

// CancelInvitation implements models.OrgService.
func (s *Orgs) CancelInvitation(ctx context.Context, actor *models.User, id, userID string) error {
	o, err := authorized(ctx, actor, models.ActManageMembers, s.Store.Org, id)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteInvitation(ctx, o.ID, userID); err != nil {
		return err
	}
	s.audit(ctx, actor, models.AuditOrgInviteCancel, models.KindOrg, o.ID, map[string]any{"member_id": userID}, nil, "")
	return nil
}

// MyInvitations implements models.OrgService.
func (s *Orgs) MyInvitations(ctx context.Context, actor *models.User) ([]models.Invitation, error) {
	if err := models.Permit(actor, models.ActJoinOrg); err != nil {
		return nil, err
	}
	invs, err := s.Store.UserInvitations(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	out := invs[:0]
	for _, inv := range invs {
		o, err := s.Store.Org(ctx, inv.OrgID)
		if models.IsCode(err, models.CodeNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		inv.OrgName = o.Name
		out = append(out, inv)
	}
	return out, nil
}

// AnswerInvitation implements models.OrgService. On acceptance the
// organisation lists the member first, then the account joins (a crash
// between them leaves an entry that Members skips), then the account's
// other invitations go.
func (s *Orgs) AnswerInvitation(ctx context.Context, actor *models.User, id string, in models.InvitationAnswer) (*models.User, error) {
	if err := models.Permit(actor, models.ActJoinOrg); err != nil {
		return nil, err
	}
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	if _, err := s.Store.Invitation(ctx, id, actor.ID); err != nil {
		return nil, err
	}
	if in.Decision == "decline" {
		if err := s.Store.DeleteInvitation(ctx, id, actor.ID); err != nil {
			return nil, err
		}
		s.audit(ctx, actor, models.AuditOrgInviteDecline, models.KindOrg, id, nil, map[string]any{"member_id": actor.ID}, "")
		return nil, nil
	}
	previous, err := s.leavable(ctx, actor)
	if err != nil {
		return nil, err
	}
	var o *models.Org
	var u *models.User
	joined := false
	err = s.Store.Atomically(ctx, func(ctx context.Context) error {
		var err error
		joined = false
		o, err = s.Store.UpdateOrg(ctx, id, 0, func(o *models.Org) error {
			if o.Status != models.StatusVerified {
				return models.Refusef(models.CodeConflict, models.RefusalOrgNotVerified, string(o.Status), "the organisation is %s", o.Status)
			}
			if !slices.Contains(o.MemberIDs, actor.ID) {
				o.MemberIDs = append(o.MemberIDs, actor.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		joined = true
		u, err = s.Store.SetUserOrg(ctx, actor.ID, o.ID, func(u *models.User) error {
			if u.OrgID != previous && u.OrgID != o.ID {
				return models.Errorf(models.CodeConflict, "you joined another organisation meanwhile")
			}
			return nil
		})
		if err != nil {
			return err
		}
		if previous != o.ID {
			return s.dropMember(ctx, previous, actor.ID)
		}
		return nil
	})
	if err != nil {
		if joined && u == nil {
			// The account did not move: the list it was put on forgets it
			// (a transaction did so already; without one, this does).
			if derr := s.dropMember(ctx, id, actor.ID); derr != nil {
				s.Logger.ErrorContext(ctx, "membership: take a member back off a list", "org", id, "error", derr)
			}
		}
		return nil, err
	}
	if err := s.Store.DeleteUserInvitations(ctx, actor.ID); err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditOrgMemberJoin, models.KindOrg, o.ID, nil, map[string]any{"member_id": actor.ID}, "")
	c := *u
	c.OrgVerified = true
	return &c, nil
}

// leavable returns the organisation the actor may move from to another:
// none, or one that is rejected or gone (as Create allows).
func (s *Orgs) leavable(ctx context.Context, actor *models.User) (string, error) {
	if actor.OrgID == "" {
		return "", nil
	}
	cur, err := s.Store.Org(ctx, actor.OrgID)
	if err != nil && !models.IsCode(err, models.CodeNotFound) {
		return "", err
	}
	if err == nil && cur.Status != models.StatusRejected {
		return "", models.Refusef(models.CodeConflict, models.RefusalInOrg, "", "you already belong to an organisation; leave it first")
	}
	return actor.OrgID, nil
}

// memberOf returns user userID if they are a member of o, else
// CodeNotFound.
func (s *Orgs) memberOf(ctx context.Context, o *models.Org, userID string) (*models.User, error) {
	u, err := s.Store.User(ctx, userID)
	if err == nil && u.OrgID != o.ID {
		err = models.Errorf(models.CodeNotFound, "no such member")
	}
	if models.IsCode(err, models.CodeNotFound) {
		return nil, models.Errorf(models.CodeNotFound, "no such member")
	}
	return u, err
}

// activeManagers are the managers of o who are its members, but skip.
func (s *Orgs) activeManagers(ctx context.Context, o *models.Org, skip string) (int, error) {
	n := 0
	for _, id := range o.Managers() {
		if id == skip {
			continue
		}
		if _, err := s.memberOf(ctx, o, id); err == nil {
			n++
		} else if !models.IsCode(err, models.CodeNotFound) {
			return 0, err
		}
	}
	return n, nil
}

// RemoveMember implements models.OrgService.
func (s *Orgs) RemoveMember(ctx context.Context, actor *models.User, id, userID string) error {
	o, err := s.Store.Org(ctx, id)
	if err != nil {
		return err
	}
	leaving := actor != nil && actor.ID == userID
	act := models.ActManageMembers
	if leaving {
		act = models.ActRead
	}
	if err := models.Authorize(actor, act, o.Resource()); err != nil {
		return err
	}
	target, err := s.memberOf(ctx, o, userID)
	if err != nil {
		return err
	}
	isManager := slices.Contains(o.Managers(), target.ID)
	if !leaving && isManager {
		return models.Refusef(models.CodeConflict, models.RefusalManagerStays, "", "a manager cannot be removed; demote them first (the organisation's creator only leaves)")
	}
	if leaving && isManager {
		others, err := s.Members(ctx, actor, id)
		if err != nil {
			return err
		}
		managers, err := s.activeManagers(ctx, o, target.ID)
		if err != nil {
			return err
		}
		if len(others) > 1 && managers == 0 {
			return models.Refusef(models.CodeConflict, models.RefusalLastManager, "", "you are the last manager: promote another member to manager before you leave")
		}
	}
	err = s.Store.Atomically(ctx, func(ctx context.Context) error {
		if _, err := s.Store.SetUserOrg(ctx, target.ID, "", func(u *models.User) error {
			if u.OrgID != o.ID {
				return models.Errorf(models.CodeNotFound, "no such member")
			}
			return nil
		}); err != nil {
			return err
		}
		return s.dropMember(ctx, o.ID, target.ID)
	})
	if err != nil {
		return err
	}
	action := models.AuditOrgMemberRemove
	if leaving {
		action = models.AuditOrgMemberLeave
	}
	s.audit(ctx, actor, action, models.KindOrg, o.ID, map[string]any{"member_id": target.ID}, nil, "")
	return nil
}

// UpdateMember implements models.OrgService.
func (s *Orgs) UpdateMember(ctx context.Context, actor *models.User, id, userID string, u models.MemberUpdate) (*models.Member, error) {
	o, err := authorized(ctx, actor, models.ActManageMembers, s.Store.Org, id)
	if err != nil {
		return nil, err
	}
	if err := models.Validate(u); err != nil {
		return nil, err
	}
	target, err := s.memberOf(ctx, o, userID)
	if err != nil {
		return nil, err
	}
	promote := *u.Manager
	if !promote {
		if target.ID == o.CreatedBy {
			return nil, models.Refusef(models.CodeConflict, models.RefusalManagerStays, "", "the organisation's creator is always a manager")
		}
		managers, err := s.activeManagers(ctx, o, target.ID)
		if err != nil {
			return nil, err
		}
		if managers == 0 {
			return nil, models.Refusef(models.CodeConflict, models.RefusalLastManager, "", "the organisation needs a manager: promote another member first")
		}
	}
	o, err = s.Store.UpdateOrg(ctx, o.ID, 0, func(o *models.Org) error {
		o.ManagerIDs = slices.DeleteFunc(o.ManagerIDs, func(m string) bool { return m == target.ID })
		if promote && target.ID != o.CreatedBy {
			o.ManagerIDs = append(o.ManagerIDs, target.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditOrgManager, models.KindOrg, o.ID, nil, map[string]any{"member_id": target.ID, "manager": promote}, "")
	return &models.Member{ID: target.ID, Name: target.Name, Email: target.Email, Manager: slices.Contains(o.Managers(), target.ID)}, nil
}

// Members implements models.OrgService.
func (s *Orgs) Members(ctx context.Context, actor *models.User, id string) ([]models.Member, error) {
	o, err := authorized(ctx, actor, models.ActListMembers, s.Store.Org, id)
	if err != nil {
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
			out = append(out, models.Member{ID: u.ID, Name: u.Name, Email: u.Email, Manager: slices.Contains(o.Managers(), u.ID)})
		}
	}
	return out, nil
}
