package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"slices"
	"time"

	"github.com/szdc/talenthub/models"
)

// SavedSearches keeps each account's saved searches; the notifier tells
// their new matches.
type SavedSearches struct {
	store models.SavedSearchStore
	now   func() time.Time
}

// NewSavedSearches returns the saved-search service.
func NewSavedSearches(st models.SavedSearchStore, now func() time.Time) *SavedSearches {
	if now == nil {
		now = time.Now
	}
	return &SavedSearches{store: st, now: now}
}

var _ models.SavedSearchService = (*SavedSearches)(nil)

// List implements models.SavedSearchService: the caller's own.
func (s *SavedSearches) List(ctx context.Context, actor *models.User) ([]*models.SavedSearch, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	return s.store.SavedSearches(ctx, actor.ID)
}

// Create implements models.SavedSearchService. Organisations, the bureau
// and admins save talent searches; creators save project searches.
func (s *SavedSearches) Create(ctx context.Context, actor *models.User, in models.SavedSearchInput) (*models.SavedSearch, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	if in.Kind == "" {
		in.Kind = models.SavedTalents
		if actor.Role == models.RoleCreator {
			in.Kind = models.SavedProjects
		}
	}
	act := models.ActSearchTalents
	if in.Kind == models.SavedProjects {
		act = models.ActCreateProfile // the match score is against the creator's own profile
	}
	if err := models.Permit(actor, act); err != nil {
		return nil, err
	}
	if err := models.Validate(&in); err != nil {
		return nil, err
	}
	if _, _, err := models.ParseSavedQuery(in.Kind, in.Query); err != nil {
		return nil, err
	}
	// One spelling of one search: the parameters sorted and escaped.
	vals, _ := url.ParseQuery(in.Query)
	in.Query = vals.Encode()
	if in.Alert == "" {
		in.Alert = models.AlertInstant
	}
	id := make([]byte, 12)
	if _, err := rand.Read(id); err != nil {
		return nil, models.Internal("service.SavedSearches.Create", err)
	}
	saved := &models.SavedSearch{ID: hex.EncodeToString(id), Kind: in.Kind, Name: in.Name, Query: in.Query, Alert: in.Alert,
		MinScore: in.MinScore, CreatedAt: s.now().UTC().Truncate(time.Millisecond)}
	_, err := s.store.ChangeSavedSearches(ctx, actor.ID, func(list []*models.SavedSearch) ([]*models.SavedSearch, error) {
		if len(list) >= models.MaxSavedSearches {
			return nil, models.Errorf(models.CodeConflict, "you have %d saved searches, the most one may keep; delete one first", len(list))
		}
		return append(list, saved), nil
	})
	if err != nil {
		return nil, err
	}
	return saved, nil
}

// Delete implements models.SavedSearchService: only the owner's own; an
// id of no search of theirs is 404.
func (s *SavedSearches) Delete(ctx context.Context, actor *models.User, id string) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	_, err := s.store.ChangeSavedSearches(ctx, actor.ID, func(list []*models.SavedSearch) ([]*models.SavedSearch, error) {
		i := slices.IndexFunc(list, func(x *models.SavedSearch) bool { return x.ID == id })
		if i < 0 {
			return nil, models.Errorf(models.CodeNotFound, "no saved search of yours has that id")
		}
		return slices.Delete(list, i, i+1), nil
	})
	return err
}
