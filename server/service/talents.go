package service

import (
	"context"
	"time"

	"github.com/szdc/talenthub/models"
)

// TalentStores is what the talent service needs from storage.
type TalentStores interface {
	models.TalentStore
	models.UserStore
	// UserSessions lists a user's sessions, for the personal-data export.
	UserSessions(ctx context.Context, userID string) ([]*models.Session, error)
}

// Talents implements models.TalentService.
type Talents struct {
	store TalentStores
	now   func() time.Time
}

var _ models.TalentService = (*Talents)(nil)

// NewTalents returns the talent-profile service.
func NewTalents(store TalentStores, now func() time.Time) *Talents {
	if now == nil {
		now = time.Now
	}
	return &Talents{store: store, now: now}
}

func signedIn(actor *models.User) error {
	if actor == nil {
		return models.Errorf(models.CodeUnauthenticated, "sign in first")
	}
	return nil
}

// Create implements models.TalentService.
func (s *Talents) Create(ctx context.Context, actor *models.User, in models.TalentInput) (*models.Talent, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	if actor.Role != models.RoleCreator {
		return nil, models.Errorf(models.CodeForbidden, "only creators have talent profiles")
	}
	in.Normalize()
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	t := models.NewTalent(actor.ID, in)
	if err := s.store.CreateTalent(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// Get implements models.TalentService.
func (s *Talents) Get(ctx context.Context, actor *models.User, id string) (*models.Talent, error) {
	t, err := s.store.Talent(ctx, id)
	if err != nil {
		return nil, err
	}
	// Contact consent between organisations and creators arrives with the
	// pipeline; until then no organisation is "accepted".
	v, ok := t.ForViewer(actor, false)
	if !ok {
		return nil, notFound()
	}
	return v, nil
}

func notFound() error { return models.Errorf(models.CodeNotFound, "talent profile not found") }

// own loads profile id and checks that actor may write it: the owner, or
// for deletion also an admin. Someone who may not even see the profile is
// told it does not exist.
func (s *Talents) own(ctx context.Context, actor *models.User, id string, adminToo bool) (*models.Talent, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	t, err := s.store.Talent(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor.ID == t.OwnerID || adminToo && actor.Role == models.RoleAdmin {
		return t, nil
	}
	if !models.CanViewTalent(actor, t) {
		return nil, notFound()
	}
	return nil, models.Errorf(models.CodeForbidden, "only the owner can change this profile")
}

// Update implements models.TalentService.
func (s *Talents) Update(ctx context.Context, actor *models.User, id string, u models.TalentUpdate, ifVersion int64) (*models.Talent, error) {
	if _, err := s.own(ctx, actor, id, false); err != nil {
		return nil, err
	}
	return s.store.UpdateTalent(ctx, id, ifVersion, func(t *models.Talent) error {
		in := u.Apply(t.Input())
		in.Normalize()
		if err := models.Validate(in); err != nil {
			return err
		}
		t.ApplyInput(in)
		return nil
	})
}

// Delete implements models.TalentService.
func (s *Talents) Delete(ctx context.Context, actor *models.User, id string, ifVersion int64) error {
	if _, err := s.own(ctx, actor, id, true); err != nil {
		return err
	}
	return s.store.DeleteTalent(ctx, id, ifVersion)
}

// Export implements models.TalentService.
func (s *Talents) Export(ctx context.Context, actor *models.User, id string) (*models.TalentExport, error) {
	t, err := s.own(ctx, actor, id, false)
	if err != nil {
		return nil, err
	}
	u, err := s.store.User(ctx, t.OwnerID)
	if err != nil {
		return nil, err
	}
	sessions, err := s.store.UserSessions(ctx, t.OwnerID)
	if err != nil {
		return nil, err
	}
	return &models.TalentExport{GeneratedAt: s.now().UTC(), Account: u, Profile: t, Sessions: sessions}, nil
}
