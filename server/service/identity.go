package service

import (
	"context"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/intake"
)

// LinkIdentity implements models.TalentService. The records of the
// profile take the person's key, so that they and the records imported
// about the same document count once a year; the profile's later reports
// take it too (Recruitments.Draft).
func (s *Talents) LinkIdentity(ctx context.Context, actor *models.User, id string, in models.IdentityInput) (*models.Identity, error) {
	t, err := s.owned(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	number, err := intake.CheckIdentity(in.Type, in.Number, s.now().In(models.ChinaTime))
	if err != nil {
		return nil, err
	}
	key, err := s.Store.Secret(ctx, models.SecretPersonKey)
	if err != nil {
		return nil, err
	}
	ident := &models.Identity{TalentID: t.ID, Linked: true, Person: models.PersonKey(key, in.Type, number), Type: in.Type, Last4: models.Last4(number), At: s.now()}
	if err := s.Store.LinkIdentity(ctx, ident); err != nil {
		return nil, err
	}
	recs, err := s.Store.TalentRecruitments(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if r.Person == ident.Person {
			continue
		}
		_, err := s.Store.UpdateRecruitment(ctx, r.ID, 0, func(r *models.Recruitment) error {
			r.Person, r.IDLast4 = ident.Person, ident.Last4
			return nil
		})
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			return nil, err
		}
	}
	s.audit(ctx, actor, models.AuditIdentityLink, models.KindTalent, t.ID, nil,
		map[string]any{"type": ident.Type, "last4": ident.Last4, "records": len(recs)}, "")
	return ident, nil
}

// Identity implements models.TalentService.
func (s *Talents) Identity(ctx context.Context, actor *models.User, id string) (*models.Identity, error) {
	t, err := s.owned(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	ident, err := s.Store.TalentIdentity(ctx, t.ID)
	if models.IsCode(err, models.CodeNotFound) {
		return &models.Identity{TalentID: t.ID, Type: "", Last4: ""}, nil
	}
	return ident, err
}

// owned returns the profile if actor may change it (its owner), under the
// rule of every change to a profile.
func (s *Talents) owned(ctx context.Context, actor *models.User, id string) (*models.Talent, error) {
	return authorized(ctx, actor, models.ActUpdate, s.Store.Talent, id)
}
