package service

import (
	"context"

	"github.com/szdc/talenthub/models"
)

// Desk is the recruiter's desk: notes on candidates and favourites, each
// the organisation's own. A member of a verified organisation keeps them
// about profiles they may read.
type Desk struct{ Deps }

var _ models.DeskService = (*Desk)(nil)

// NewDesk returns the desk service.
func NewDesk(d Deps) *Desk { d.defaults(); return &Desk{d} }

// about returns the actor's organisation and the talent, if the actor may
// read the profile (404 otherwise, as reading it).
func (s *Desk) about(ctx context.Context, actor *models.User, talentID string) (*models.Org, *models.Talent, error) {
	o, err := s.memberOrg(ctx, actor, models.ActPostProject, "keep notes and favourites")
	if err != nil {
		return nil, nil, err
	}
	t, err := s.Store.Talent(ctx, talentID)
	if err != nil {
		return nil, nil, err
	}
	if !models.CanViewTalent(actor, t) {
		return nil, nil, notFound()
	}
	return o, t, nil
}

// Notes implements models.DeskService.
func (s *Desk) Notes(ctx context.Context, actor *models.User, talentID string) ([]models.CandidateNote, error) {
	o, _, err := s.about(ctx, actor, talentID)
	if err != nil {
		return nil, err
	}
	return s.Store.CandidateNotes(ctx, o.ID, talentID)
}

// AddNote implements models.DeskService.
func (s *Desk) AddNote(ctx context.Context, actor *models.User, talentID string, in models.NoteInput) (*models.CandidateNote, error) {
	o, _, err := s.about(ctx, actor, talentID)
	if err != nil {
		return nil, err
	}
	in.Normalize()
	if err := models.Validate(&in); err != nil {
		return nil, err
	}
	n := models.CandidateNote{AuthorID: actor.ID, AuthorName: actor.Name, Body: in.Body, At: s.now()}
	if err := s.Store.AddCandidateNote(ctx, o.ID, talentID, n); err != nil {
		return nil, err
	}
	return &n, nil
}

// Favourites implements models.DeskService. A favourite the actor may no
// longer read (made private, erased) is left out.
func (s *Desk) Favourites(ctx context.Context, actor *models.User) ([]*models.Talent, error) {
	o, err := s.memberOrg(ctx, actor, models.ActPostProject, "keep favourites")
	if err != nil {
		return nil, err
	}
	ids, err := s.Store.FavouriteIDs(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	out := []*models.Talent{}
	for _, id := range ids {
		t, err := s.Store.Talent(ctx, id)
		if models.IsCode(err, models.CodeNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if models.CanViewTalent(actor, t) {
			out = append(out, masked(t))
		}
	}
	return out, nil
}

// SetFavourite implements models.DeskService.
func (s *Desk) SetFavourite(ctx context.Context, actor *models.User, talentID string, on bool) error {
	o, _, err := s.about(ctx, actor, talentID)
	if err != nil {
		return err
	}
	return s.Store.SetFavourite(ctx, o.ID, talentID, on)
}

// IsFavourite implements models.DeskService.
func (s *Desk) IsFavourite(ctx context.Context, actor *models.User, talentID string) (bool, error) {
	o, _, err := s.about(ctx, actor, talentID)
	if err != nil {
		return false, err
	}
	ids, err := s.Store.FavouriteIDs(ctx, o.ID)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		if id == talentID {
			return true, nil
		}
	}
	return false, nil
}
