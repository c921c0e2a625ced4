package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/szdc/talenthub/models"
)

// Talents implements models.TalentService, including the creator's rights
// over their data: consent-gated contact, export and erasure.
type Talents struct {
	Deps
	reveals *revealLog
}

var _ models.TalentService = (*Talents)(nil)

// NewTalents returns the talent-profile service.
func NewTalents(d Deps) *Talents {
	d.defaults()
	return &Talents{Deps: d, reveals: newRevealLog(d.Store, d.Logger)}
}

func signedIn(actor *models.User) error {
	if actor == nil {
		return models.Errorf(models.CodeUnauthenticated, "sign in first")
	}
	return nil
}

// Create implements models.TalentService.
func (s *Talents) Create(ctx context.Context, actor *models.User, in models.TalentInput) (*models.Talent, error) {
	if err := models.Permit(actor, models.ActCreateProfile); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	t := models.NewTalent(actor.ID, in)
	c := mediaDiff(models.MediaUse(models.KindTalent, t.ID), nil, talentMedia(t))
	if err := s.checkMedia(ctx, actor, c, talentMediaField(t)); err != nil {
		return nil, err
	}
	return withMedia(ctx, &s.Deps, c, func() (*models.Talent, error) { return t, s.Store.CreateTalent(ctx, t) })
}

// talentMedia are the media a profile names, each with the purpose it
// must have been uploaded for.
func talentMedia(t *models.Talent) map[string]string {
	out := map[string]string{}
	for _, w := range t.Works {
		for _, id := range w.Images {
			out[id] = models.PurposeWork
		}
	}
	if t.AvatarID != "" {
		out[t.AvatarID] = models.PurposeAvatar
	}
	return out
}

// talentMediaField names the field of a profile that names a medium.
func talentMediaField(t *models.Talent) func(string) string {
	return func(id string) string {
		if id == t.AvatarID {
			return "avatar_id"
		}
		for i, w := range t.Works {
			if j := slices.Index(w.Images, id); j >= 0 {
				return fmt.Sprintf("works[%d].images[%d]", i, j)
			}
		}
		return "works"
	}
}

// readable reads a profile the actor may see. To an anonymous reader a
// profile that is not public does not exist (404, not 401).
func (s *Talents) readable(ctx context.Context, actor *models.User, id string) (*models.Talent, error) {
	t, err := s.Store.Talent(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActRead, t.Resource()); err != nil {
		if models.IsCode(err, models.CodeUnauthenticated) {
			return nil, notFound()
		}
		return nil, err
	}
	return t, nil
}

// Get implements models.TalentService. An organisation member sees the
// contact only if the creator accepted contact from their organisation.
// A reveal to someone other than the owner (an accepted organisation, a
// bureau officer) is in the audit trail before the contact is shown: the
// first of the day for this viewer and profile is written first (revealLog),
// and if that fails the profile is not shown (503, try again) rather than
// shown without its record.
func (s *Talents) Get(ctx context.Context, actor *models.User, id string) (*models.Talent, error) {
	t, err := s.readable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	accepted := false
	if actor.Is(models.RoleOrg) && actor.OrgID != "" && actor.ID != t.OwnerID {
		if accepted, err = s.Store.ContactAccepted(ctx, t.ID, actor.OrgID); err != nil {
			return nil, err
		}
	}
	reveals := actor != nil && actor.ID != t.OwnerID && models.CanSeeContact(actor, t, accepted)
	if reveals && (t.Contact.Email != "" || t.Contact.Phone != "") {
		after := map[string]any{}
		if actor.OrgID != "" {
			after["org_id"] = actor.OrgID
		}
		e := &models.AuditEntry{At: s.now(), ActorID: actor.ID, ActorRole: actor.Role, Action: models.AuditContactReveal,
			ResourceType: string(models.KindTalent), ResourceID: t.ID, After: after}
		if err := s.reveals.record(ctx, e, t.CreatedAt); err != nil {
			if !models.IsCode(err, models.CodeUnavailable) {
				// Whatever went wrong, the client may try again.
				err = &models.Error{Code: models.CodeUnavailable, Message: "the view of the contact details could not be recorded; try again", Err: err}
			}
			return nil, err
		}
	}
	v, _ := t.ForViewer(actor, accepted)
	return v, nil
}

func notFound() error { return models.Errorf(models.CodeNotFound, "talent profile not found") }

// Update implements models.TalentService.
func (s *Talents) Update(ctx context.Context, actor *models.User, id string, u models.TalentUpdate, ifVersion int64) (*models.Talent, error) {
	t, err := authorized(ctx, actor, models.ActUpdate, s.Store.Talent, id)
	if err != nil {
		return nil, err
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	// The media are checked and marked before the write, against the
	// profile as read; the write itself refuses a profile that moved on
	// meanwhile when the client gave its version.
	apply := func(t *models.Talent) error {
		in := u.Apply(t.Input())
		in.Normalize()
		if err := tax.Validate(in); err != nil {
			return err
		}
		t.ApplyInput(in)
		return nil
	}
	next := *t
	if err := apply(&next); err != nil {
		return nil, err
	}
	c := mediaDiff(models.MediaUse(models.KindTalent, t.ID), t.MediaIDs(), talentMedia(&next))
	if err := s.checkMedia(ctx, actor, c, talentMediaField(&next)); err != nil {
		return nil, err
	}
	return withMedia(ctx, &s.Deps, c, func() (*models.Talent, error) { return s.Store.UpdateTalent(ctx, id, ifVersion, apply) })
}

// Delete implements models.TalentService: it erases the creator's personal
// data everywhere (see Erase).
func (s *Talents) Delete(ctx context.Context, actor *models.User, id string, ifVersion int64) error {
	t, err := authorized(ctx, actor, models.ActDelete, s.Store.Talent, id)
	if err != nil {
		return err
	}
	if ifVersion != 0 && t.Version != ifVersion {
		return models.Errorf(models.CodePreconditionFailed, "the profile is at version %d; reload it and try again", t.Version)
	}
	return s.Erase(ctx, models.Erasure{TalentID: id, By: actor.ID, At: s.now()}, actor)
}

// Erase removes a creator's personal data: applications, contact consents,
// the audit entries that name them (consents, withdrawals, reveals) and
// the profile; the recruitment records naming them stay for the
// statistics with the talent's id replaced by a stable pseudonym, keyed
// with the database's secret, and the name removed. The erasure's own
// audit entry names the pseudonym, and the actor only when it is someone
// else (an admin): no entry links the id and the pseudonym. Without
// transactions this is many writes, so the erasure is recorded first and
// every step is idempotent: an erasure cut short by a crash is finished by
// ResumeErasures at the next start, under the same pseudonym.
func (s *Talents) Erase(ctx context.Context, e models.Erasure, actor *models.User) error {
	// The work must finish even if the client goes away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if err := s.Store.BeginErasure(ctx, e); err != nil {
		return err
	}
	apps, err := s.Store.TalentApplications(ctx, e.TalentID)
	if err != nil {
		return err
	}
	// The organisation's members were told of the creator's messages by
	// name; the notifications stay, without it (before the applications
	// go: their ids name the events).
	prefixes := make([]string, len(apps))
	for i, a := range apps {
		prefixes[i] = models.MessageNoteKeyPrefix(a.ID)
	}
	if err := s.Store.ForgetEvents(ctx, prefixes); err != nil {
		return err
	}
	for _, a := range apps {
		if err := s.Store.DeleteApplication(ctx, a.ID); err != nil && !models.IsCode(err, models.CodeNotFound) {
			return err
		}
	}
	// What organisations kept about the creator goes too.
	if err := s.Store.DeleteTalentDesk(ctx, e.TalentID); err != nil {
		return err
	}
	if err := s.Store.DeleteTalentConsents(ctx, e.TalentID); err != nil {
		return err
	}
	recs, err := s.Store.TalentRecruitments(ctx, e.TalentID)
	if err != nil {
		return err
	}
	key, err := s.Store.Secret(ctx, models.SecretPseudonym)
	if err != nil {
		return err
	}
	pseudonym := models.Pseudonym(key, e.TalentID)
	for _, r := range recs {
		_, err := s.Store.UpdateRecruitment(ctx, r.ID, 0, func(r *models.Recruitment) error {
			r.TalentID, r.TalentName, r.Erased = pseudonym, "", true
			return nil
		})
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			return err
		}
	}
	// The records keep the person's key (a keyed hash, not the number),
	// so that the person still counts once with records imported about
	// them; the link to the profile goes.
	if err := s.Store.UnlinkIdentity(ctx, e.TalentID); err != nil {
		return err
	}
	if err := s.eraseIncubation(ctx, e.TalentID); err != nil {
		return err
	}
	if err := s.Store.DeleteTalent(ctx, e.TalentID, 0); err != nil && !models.IsCode(err, models.CodeNotFound) {
		return err
	}
	// The profile's photo and works' images go with it (the profile's id
	// is its owner's).
	if err := s.eraseMedia(ctx, e.TalentID); err != nil {
		return err
	}
	// Last of all: no entry of the trail names the talent any more, the
	// ones written during the erasure included.
	if err := s.Store.DeleteTalentAudit(ctx, e.TalentID); err != nil {
		return err
	}
	by := actor
	if actor == nil || actor.ID == e.TalentID {
		// The creator erased their own data: the entry says a creator did.
		by = &models.User{Role: models.RoleCreator}
	}
	s.audit(ctx, by, models.AuditTalentErase, models.KindTalent, pseudonym, nil,
		map[string]any{"applications": len(apps), "recruitments_pseudonymised": len(recs)}, "")
	return s.Store.EndErasure(ctx, e.TalentID)
}

// unkeyedPseudonymsMarker is set once the records of talents erased
// before pseudonyms were keyed carry keyed pseudonyms.
const unkeyedPseudonymsMarker = "pseudonyms_keyed"

// rekeyPseudonyms replaces, once, the unkeyed pseudonyms of records erased
// before pseudonyms were keyed (anyone who knew the id could compute
// them) by keyed ones: Pseudonym of the old pseudonym, the same for every
// record of one talent, so that each still counts once a year. Records
// already keyed are left alone, so a run cut short is finished by the
// next.
func (s *Talents) rekeyPseudonyms(ctx context.Context) error {
	if done, err := s.Store.Marked(ctx, unkeyedPseudonymsMarker); err != nil || done {
		return err
	}
	key, err := s.Store.Secret(ctx, models.SecretPseudonym)
	if err != nil {
		return err
	}
	recs, err := s.Store.ErasedRecruitments(ctx)
	if err != nil {
		return err
	}
	n := 0
	for _, r := range recs {
		if !models.IsUnkeyedPseudonym(r.TalentID) {
			continue
		}
		_, err := s.Store.UpdateRecruitment(ctx, r.ID, 0, func(r *models.Recruitment) error {
			if models.IsUnkeyedPseudonym(r.TalentID) {
				r.TalentID = models.Pseudonym(key, r.TalentID)
			}
			return nil
		})
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			return err
		}
		n++
	}
	if n > 0 {
		s.Logger.InfoContext(ctx, "erased talents' records now carry keyed pseudonyms", "records", n)
	}
	return s.Store.Mark(ctx, unkeyedPseudonymsMarker)
}

// ResumeErasures finishes the erasures that a crash interrupted, after
// re-keying, once, the pseudonyms of erasures made before pseudonyms were
// keyed.
func (s *Talents) ResumeErasures(ctx context.Context) (int, error) {
	if err := s.rekeyPseudonyms(ctx); err != nil {
		return 0, err
	}
	pending, err := s.Store.PendingErasures(ctx)
	if err != nil {
		return 0, err
	}
	for _, e := range pending {
		actor, err := s.Store.User(ctx, e.By)
		if err != nil {
			actor = &models.User{ID: e.By}
		}
		if err := s.Erase(ctx, e, actor); err != nil {
			return 0, err
		}
	}
	return len(pending), nil
}

// Export implements models.TalentService.
func (s *Talents) Export(ctx context.Context, actor *models.User, id string) (*models.TalentExport, error) {
	t, err := authorized(ctx, actor, models.ActExport, s.Store.Talent, id)
	if err != nil {
		return nil, err
	}
	x := &models.TalentExport{GeneratedAt: s.now(), Profile: t}
	if x.Account, err = s.Store.User(ctx, t.OwnerID); err != nil {
		return nil, err
	}
	if x.Sessions, err = s.Store.UserSessions(ctx, t.OwnerID); err != nil {
		return nil, err
	}
	if x.Applications, err = s.Store.TalentApplications(ctx, t.ID); err != nil {
		return nil, err
	}
	x.Threads = map[string][]*models.Message{}
	for _, a := range x.Applications {
		h, err := s.Store.ThreadHead(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		if h.Count == 0 {
			continue
		}
		if x.Threads[a.ID], err = s.Store.Messages(ctx, a.ID, 0, h.Count+1); err != nil {
			return nil, err
		}
	}
	if x.ContactConsents, err = s.Store.TalentConsents(ctx, t.ID); err != nil {
		return nil, err
	}
	if x.ContactReveals, err = s.Store.TalentReveals(ctx, t.ID); err != nil {
		return nil, err
	}
	if x.Recruitments, err = s.Store.TalentRecruitments(ctx, t.ID); err != nil {
		return nil, err
	}
	if x.Media, err = s.Store.OwnerMedia(ctx, t.OwnerID); err != nil {
		return nil, err
	}
	switch ident, err := s.Store.TalentIdentity(ctx, t.ID); {
	case err == nil:
		x.Identity = ident
	case !models.IsCode(err, models.CodeNotFound):
		return nil, err
	}
	if x.Teams, err = s.Store.UserTeams(ctx, t.OwnerID); err != nil {
		return nil, err
	}
	if x.Entries, err = s.Store.UserEntries(ctx, t.OwnerID); err != nil {
		return nil, err
	}
	return x, nil
}

// DeleteAccount deletes the actor's account: a creator's data is erased
// first (Erase), then the account, its email and its sessions.
func (s *Talents) DeleteAccount(ctx context.Context, actor *models.User) error {
	if err := models.Permit(actor, models.ActDeleteOwnAccount); err != nil {
		return err
	}
	if actor.Role == models.RoleCreator {
		_, err := s.Store.Talent(ctx, actor.ID)
		switch {
		case err == nil:
			if err := s.Erase(ctx, models.Erasure{TalentID: actor.ID, By: actor.ID, At: s.now()}, actor); err != nil {
				return err
			}
		case models.IsCode(err, models.CodeNotFound):
			// No profile, but perhaps teams and entries.
			if err := s.eraseIncubation(ctx, actor.ID); err != nil {
				return err
			}
		default:
			return err
		}
	}
	if actor.OrgID != "" {
		if err := s.leaveOnDeletion(ctx, actor); err != nil {
			return err
		}
	}
	if actor.Role == models.RoleOrg {
		if err := s.Store.DeleteUserInvitations(ctx, actor.ID); err != nil {
			return err
		}
	}
	// What the account uploaded (an organisation's logo, a project's
	// cover) goes with it.
	if err := s.eraseMedia(ctx, actor.ID); err != nil {
		return err
	}
	return s.Store.DeleteUser(ctx, actor.ID)
}

// leaveOnDeletion takes a deleted account out of its organisation. Its
// deletion cannot be refused, so if it was the last manager, the member
// who joined first becomes one: an organisation with members always has
// a manager.
func (s *Talents) leaveOnDeletion(ctx context.Context, actor *models.User) error {
	o, err := s.Store.Org(ctx, actor.OrgID)
	if models.IsCode(err, models.CodeNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var successor string
	if slices.Contains(o.Managers(), actor.ID) {
		left := false
		for _, id := range o.Managers() {
			if id == actor.ID {
				continue
			}
			if u, err := s.Store.User(ctx, id); err == nil && u.OrgID == o.ID {
				left = true
			}
		}
		for _, id := range o.MemberIDs {
			if left || successor != "" || id == actor.ID {
				continue
			}
			if u, err := s.Store.User(ctx, id); err == nil && u.OrgID == o.ID {
				successor = id
			}
		}
	}
	_, err = s.Store.UpdateOrg(ctx, o.ID, 0, func(o *models.Org) error {
		o.MemberIDs = slices.DeleteFunc(o.MemberIDs, func(m string) bool { return m == actor.ID })
		o.ManagerIDs = slices.DeleteFunc(o.ManagerIDs, func(m string) bool { return m == actor.ID })
		if successor != "" && !slices.Contains(o.ManagerIDs, successor) {
			o.ManagerIDs = append(o.ManagerIDs, successor)
		}
		return nil
	})
	if err != nil && !models.IsCode(err, models.CodeNotFound) {
		return err
	}
	return nil
}
