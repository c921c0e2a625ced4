package service

import (
	"cmp"
	"context"
	"slices"

	"github.com/szdc/talenthub/models"
)

// Applications implements models.ApplicationService: the pipeline.
type Applications struct{ Deps }

var _ models.ApplicationService = (*Applications)(nil)

// NewApplications returns the pipeline service.
func NewApplications(d Deps) *Applications { d.defaults(); return &Applications{d} }

// Create implements models.ApplicationService.
func (s *Applications) Create(ctx context.Context, actor *models.User, projectID string, in models.ApplicationInput) (*models.Application, error) {
	p, err := authorized(ctx, actor, models.ActRead, s.Store.Project, projectID)
	if err != nil {
		return nil, err
	}
	in.Normalize()
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	now := s.now()
	a := &models.Application{ProjectID: p.ID, ProjectTitle: p.Title, OrgID: p.OrgID, Message: in.Message}
	if in.TalentID == "" {
		// A creator applies.
		if err := models.Authorize(actor, models.ActApply, p.Resource()); err != nil {
			return nil, models.Errorf(models.CodeForbidden, "only creators apply; an organisation invites with talent_id")
		}
		t, err := s.Store.Talent(ctx, actor.ID)
		if models.IsCode(err, models.CodeNotFound) {
			return nil, models.Refusef(models.CodeConflict, models.RefusalProfileFirst, "", "create your talent profile before applying")
		}
		if err != nil {
			return nil, err
		}
		a.TalentID, a.TalentName, a.Stage, a.InitiatedBy = t.ID, t.Name, models.StageApplied, models.SideCreator
		a.History = []models.Move{{At: now, By: actor.ID, Side: models.SideCreator, Action: "apply", To: models.StageApplied}}
		if in.AcceptContact {
			a.ContactAccepted = true
			a.History = append(a.History, models.Move{At: now, By: actor.ID, Side: models.SideCreator, Action: "accept_contact"})
		}
	} else {
		// The organisation invites.
		if err := models.Authorize(actor, models.ActInvite, p.Resource()); err != nil {
			return nil, err
		}
		if in.AcceptContact {
			return nil, fieldError("accept_contact", models.RuleCreatorOnly, "only the creator can accept contact")
		}
		t, err := s.Store.Talent(ctx, in.TalentID)
		if models.IsCode(err, models.CodeNotFound) || err == nil && !models.CanViewTalent(actor, t) {
			return nil, fieldError("talent_id", models.RuleNoSuch, "no such talent profile")
		}
		if err != nil {
			return nil, err
		}
		a.TalentID, a.TalentName, a.Stage, a.InitiatedBy = t.ID, t.Name, models.StageInvited, models.SideOrg
		a.History = []models.Move{{At: now, By: actor.ID, Side: models.SideOrg, Action: "invite", To: models.StageInvited}}
	}
	if !p.Open(models.Today(now)) {
		return nil, models.Refusef(models.CodeConflict, models.RefusalProjectClosed, "", "the project is closed to applications")
	}
	if err := s.Store.CreateApplication(ctx, a); err != nil {
		return nil, err
	}
	if a.ContactAccepted {
		s.consent(ctx, actor, a)
	}
	return a, nil
}

// consent records that the creator accepted contact from the application's
// organisation.
func (s *Applications) consent(ctx context.Context, actor *models.User, a *models.Application) {
	c := models.Consent{TalentID: a.TalentID, OrgID: a.OrgID, ApplicationID: a.ID, At: s.now()}
	if err := s.Store.AcceptContact(ctx, c); err != nil {
		// The application records the acceptance too; the consent is
		// written again on the next acceptance.
		s.Logger.ErrorContext(ctx, "record contact consent", "application_id", a.ID, "error", err)
		return
	}
	s.audit(ctx, actor, models.AuditContactAccept, models.KindTalent, a.TalentID, nil,
		map[string]any{"org_id": a.OrgID, "application_id": a.ID}, "")
}

// Get implements models.ApplicationService.
func (s *Applications) Get(ctx context.Context, actor *models.User, id string) (*models.Application, error) {
	return authorized(ctx, actor, models.ActRead, s.Store.Application, id)
}

// List implements models.ApplicationService.
func (s *Applications) List(ctx context.Context, actor *models.User, f models.ApplicationFilter) (*models.List[*models.Application], error) {
	if err := models.Permit(actor, models.ActListApplications); err != nil {
		return nil, err
	}
	// Which applications are the actor's own.
	var own models.AnyOf
	switch {
	case actor.Role == models.RoleCreator:
		own = models.Terms("talent_id", actor.ID)
	case actor.OrgID != "":
		own = models.Terms("org_id", actor.OrgID)
	default:
		return &models.List[*models.Application]{Items: []*models.Application{}, Page: f.Page.Page, PerPage: f.Page.PerPage}, nil
	}
	q := models.ListQuery{Coll: models.CollApplications, Page: f.Page, Sort: []string{"-updated_at", "_id"}, All: []models.AnyOf{
		own, models.Terms("project_id", f.ProjectID...), models.Terms("stage", f.Stage...),
	}}
	return listPage(ctx, s.Lister, q, s.Store.Application, func(a *models.Application) bool { return models.CanSee(actor, a.Resource()) })
}

// Update implements models.ApplicationService.
func (s *Applications) Update(ctx context.Context, actor *models.User, id string, u models.ApplicationUpdate, ifVersion int64) (*models.Application, error) {
	a, err := s.Store.Application(ctx, id)
	if err != nil {
		return nil, err
	}
	side, act := models.SideOrg, models.ActMoveAsOrg
	if actor != nil && actor.ID == a.TalentID {
		side, act = models.SideCreator, models.ActMoveAsCreator
	}
	if err := models.Authorize(actor, act, a.Resource()); err != nil {
		return nil, err
	}
	u.Normalize()
	if err := models.Validate(u); err != nil {
		return nil, err
	}
	wasAccepted := a.ContactAccepted
	a, err = s.Store.UpdateApplication(ctx, id, ifVersion, func(a *models.Application) error {
		return a.Apply(side, actor.ID, u, s.now())
	})
	if err != nil {
		return nil, err
	}
	if a.ContactAccepted && !wasAccepted {
		s.consent(ctx, actor, a)
	}
	return a, nil
}

// creatorOnly refuses everyone but a signed-in creator.
func creatorOnly(actor *models.User, what string) error {
	if err := models.Permit(actor, models.ActOwnApply); err != nil {
		return models.Errorf(models.ErrorCode(err), "only creators have %s", what)
	}
	return nil
}

// Consents implements models.ApplicationService, with each
// organisation's name (or none, if it is gone).
func (s *Applications) Consents(ctx context.Context, actor *models.User) ([]models.Consent, error) {
	if err := creatorOnly(actor, "consents to contact"); err != nil {
		return nil, err
	}
	cs, err := s.Store.TalentConsents(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		o, err := s.Store.Org(ctx, cs[i].OrgID)
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			return nil, err
		}
		if err == nil {
			cs[i].OrgName = o.Name
		}
	}
	slices.SortFunc(cs, func(a, b models.Consent) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.OrgID, b.OrgID)) })
	return cs, nil
}

// WithdrawConsent implements models.ApplicationService. The consent goes
// first: from then on the organisation reads the contact masked. The
// applications' flags follow; a crash between them leaves an application
// that says "shared" while nothing is, which the next withdrawal or
// sharing corrects.
func (s *Applications) WithdrawConsent(ctx context.Context, actor *models.User, orgID string) error {
	if err := creatorOnly(actor, "consents to contact"); err != nil {
		return err
	}
	err := s.Store.WithdrawContact(ctx, actor.ID, orgID)
	if err != nil && !models.IsCode(err, models.CodeNotFound) {
		return err
	}
	gone := err == nil
	apps, err := s.Store.TalentApplications(ctx, actor.ID)
	if err != nil {
		return err
	}
	now := s.now()
	for _, a := range apps {
		if a.OrgID != orgID || !a.ContactAccepted {
			continue
		}
		gone = true
		_, err := s.Store.UpdateApplication(ctx, a.ID, 0, func(a *models.Application) error {
			a.WithdrawContact(actor.ID, now)
			return nil
		})
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			return err
		}
	}
	if !gone {
		return models.Errorf(models.CodeNotFound, "you have not shared your contact details with this organisation")
	}
	s.audit(ctx, actor, models.AuditContactWithdraw, models.KindTalent, actor.ID, map[string]any{"org_id": orgID}, nil, "")
	return nil
}

// Board implements models.ApplicationService.
func (s *Applications) Board(ctx context.Context, actor *models.User, projectID string, p models.Page) (*models.List[*models.ApplicationCard], error) {
	pr, err := authorized(ctx, actor, models.ActUpdate, s.Store.Project, projectID)
	if err != nil {
		return nil, err
	}
	list, err := s.List(ctx, actor, models.ApplicationFilter{ProjectID: []string{projectID}, Page: p})
	if err != nil {
		return nil, err
	}
	out := &models.List[*models.ApplicationCard]{Items: make([]*models.ApplicationCard, 0, len(list.Items)), Total: list.Total, Page: list.Page, PerPage: list.PerPage}
	// The text factor as the project's matches page weighs it (relative to
	// its best candidate), so that a card and that page give one applicant
	// the same score.
	var rel map[string]float64
	if s.Searcher != nil && len(list.Items) > 0 {
		hits, err := s.Searcher.TalentCandidates(ctx, pr, candidates)
		if err != nil {
			return nil, err
		}
		rel = relative(hits)
	}
	for _, a := range list.Items {
		c := &models.ApplicationCard{Application: a, LastMove: a.CreatedAt}
		if n := len(a.History); n > 0 {
			c.LastMove = a.History[n-1].At
		}
		t, err := s.Store.Talent(ctx, a.TalentID)
		switch {
		case models.IsCode(err, models.CodeNotFound):
		case err != nil:
			return nil, err
		case models.CanViewTalent(actor, t):
			c.Headline = t.Headline
			if s.Searcher != nil {
				score, _, matched, _ := models.Score(models.MatchInput{Project: pr, Talent: t, Text: rel[t.ID], SkillKey: s.Searcher.SkillKey}, s.Weights)
				c.Score, c.Matched = &score, matched
			}
		}
		out.Items = append(out.Items, c)
	}
	return out, nil
}
