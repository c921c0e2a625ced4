package service

import (
	"context"

	"github.com/szdc/talenthub/models"
)

// Notifications serves each user their own notifications: nobody reads
// or marks another's, whatever the role.
type Notifications struct {
	store models.NotificationStore
}

// NewNotifications returns the notification service.
func NewNotifications(st models.NotificationStore) *Notifications { return &Notifications{store: st} }

var _ models.NotificationService = (*Notifications)(nil)

// Inbox implements models.NotificationService: titles in the reader's
// language, rendered as they are read.
func (s *Notifications) Inbox(ctx context.Context, actor *models.User, unread bool, p models.Page) (*models.Inbox, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	in, err := s.store.Inbox(ctx, actor.ID, unread, p)
	if err != nil {
		return nil, err
	}
	for _, n := range in.Items {
		n.Title, _ = models.NoticeText(n.Kind, actor.Language, n.Params)
	}
	return in, nil
}

// MarkRead implements models.NotificationService.
func (s *Notifications) MarkRead(ctx context.Context, actor *models.User, in models.NotificationRead) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	if err := models.Validate(&in); err != nil {
		return err
	}
	if !in.All && len(in.IDs) == 0 {
		return models.FieldProblem(models.CodeValidation, "ids", models.RuleRequiredWithout, "all", "is required unless all is true")
	}
	return s.store.MarkRead(ctx, actor.ID, in.IDs, in.All)
}

// Unread implements models.NotificationService.
func (s *Notifications) Unread(ctx context.Context, actor *models.User) (int, error) {
	if err := signedIn(actor); err != nil {
		return 0, err
	}
	// A page of no items: the head alone, one lookup.
	in, err := s.store.Inbox(ctx, actor.ID, true, models.Page{Page: 1, PerPage: 0})
	if err != nil {
		return 0, err
	}
	return in.Unread, nil
}
