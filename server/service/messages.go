package service

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/szdc/talenthub/models"
)

// Messages serves the thread of each application to its two sides: the
// creator and the members of the organisation. Anyone else gets what
// reading the application gives them (404).
type Messages struct {
	Deps
	// retry says a message was not told (see SweepNotices).
	retry atomic.Bool
}

var _ models.MessageService = (*Messages)(nil)

// NewMessages returns the message service.
func NewMessages(d Deps) *Messages { d.defaults(); return &Messages{Deps: d} }

// side returns the application the actor may read and the actor's side.
func (s *Messages) side(ctx context.Context, actor *models.User, appID string) (*models.Application, models.Side, error) {
	if err := signedIn(actor); err != nil {
		return nil, "", err
	}
	a, err := authorized(ctx, actor, models.ActMessage, s.Store.Application, appID)
	if err != nil {
		return nil, "", err
	}
	if actor.ID == a.TalentID {
		return a, models.SideCreator, nil
	}
	return a, models.SideOrg, nil
}

// messagesPerPage is a thread's page when none is asked for.
const messagesPerPage = 50

// Thread implements models.MessageService: page 1 is the latest messages,
// oldest first within the page.
func (s *Messages) Thread(ctx context.Context, actor *models.User, appID string, p models.Page) (*models.Thread, error) {
	_, side, err := s.side(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	if p.PerPage == 0 {
		p.PerPage = messagesPerPage
	}
	if p.Page == 0 {
		p.Page = 1
	}
	h, err := s.Store.ThreadHead(ctx, appID)
	if err != nil {
		return nil, err
	}
	mine, theirs := h.OrgRead, h.CreatorRead
	if side == models.SideCreator {
		mine, theirs = h.CreatorRead, h.OrgRead
	}
	to := h.Count - (p.Page-1)*p.PerPage
	items, err := s.Store.Messages(ctx, appID, max(0, to-p.PerPage), max(0, to))
	if err != nil {
		return nil, err
	}
	for _, m := range items {
		// A receipt: the other side has read it (one's own side's are
		// read by oneself).
		m.Read = m.Side == side && m.N < theirs || m.Side != side && m.N < mine
	}
	return &models.Thread{Items: items, Total: h.Count, Unread: h.Count - mine, Page: p.Page, PerPage: p.PerPage}, nil
}

// Post implements models.MessageService. Writing marks the thread read for
// the writer's side (they answer what they saw), and tells the other side.
func (s *Messages) Post(ctx context.Context, actor *models.User, appID string, in models.MessageInput) (*models.Message, error) {
	a, side, err := s.side(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	in.Normalize()
	if err := models.Validate(&in); err != nil {
		return nil, err
	}
	l, err := s.Store.LimitHit(ctx, "messages:"+actor.ID, time.Hour)
	if err != nil {
		return nil, err
	}
	if l.Count > models.MessagesPerHour {
		wait := max(l.ResetAt.Sub(s.now()), time.Second)
		return nil, &models.Error{Code: models.CodeRateLimited, RetryAfter: wait,
			Message: fmt.Sprintf("you sent %d messages this hour; try again in %s", models.MessagesPerHour, wait.Round(time.Second))}
	}
	name := actor.Name
	if side == models.SideCreator {
		name = a.TalentName
	}
	m, err := s.Store.AppendMessage(ctx, appID, &models.Message{Side: side, AuthorID: actor.ID, AuthorName: name, Body: in.Body, At: s.now()})
	if err != nil {
		// The insert may have landed before the error (the thread's head
		// after it failed): the sweep looks.
		s.retry.Store(true)
		return nil, err
	}
	if err := s.Store.MarkThreadRead(ctx, appID, side, m.N+1); err != nil {
		s.retry.Store(true) // the message is stored, untold: the sweep tells it
		return nil, err
	}
	// The message is written; a failure to tell is logged, not returned
	// (the thread shows it, and the unread count), and the sweep tells it.
	if err := s.tell(ctx, a, m); err != nil {
		s.retry.Store(true)
		s.Logger.WarnContext(ctx, "message: not told yet; the sweep will", "application", a.ID, "error", err)
	}
	return m, nil
}

// A message is stored marked untold, in the insert that stores it, and
// the mark is cleared once its notifications and mails are made. Messages
// are not in the change feed that the notifier follows, and the embedded
// database has no transaction to join the message and its notifications
// in: telling only after the insert would lose them for ever to a crash in
// between. The sweep (SweepNotices, at start and as the server runs) tells
// what a crash or a failure left marked; each notification is named by the
// message's place in its thread and the recipient, so telling again adds
// nothing to the inbox or the outbox.

// tell notifies the other side of a message and asks for its mails, then
// clears its untold mark; it returns the first failure (the mark stays).
func (s *Messages) tell(ctx context.Context, a *models.Application, m *models.Message) error {
	ctx = context.WithoutCancel(ctx)
	recipients := []string{a.TalentID}
	link := "/applications/" + a.ID + "/messages"
	if m.Side == models.SideCreator {
		o, err := s.Store.Org(ctx, a.OrgID)
		switch {
		case models.IsCode(err, models.CodeNotFound):
			recipients = nil // the organisation is gone: nobody to tell
		case err != nil:
			return err
		default:
			recipients = o.MemberIDs
		}
	}
	params := map[string]string{"project": a.ProjectTitle, "name": m.AuthorName}
	var first error
	for _, uid := range recipients {
		if uid == m.AuthorID {
			continue
		}
		// The account first: a sweep after its deletion must not make it
		// an inbox again.
		u, err := s.Store.User(ctx, uid)
		switch {
		case models.IsCode(err, models.CodeNotFound):
			continue // the account is gone
		case err != nil:
			first = cmp.Or(first, err)
			continue
		}
		n := &models.Notification{ID: models.MessageNoteKeyPrefix(a.ID) + strconv.Itoa(m.N) + ":" + uid, UserID: uid, Kind: models.NoteMessage,
			Params: params, Link: link, CreatedAt: m.At}
		if _, err := s.Store.Notify(ctx, n); err != nil {
			first = cmp.Or(first, err)
			continue
		}
		title, body := models.NoticeText(models.NoteMessage, u.Language, params)
		if err := s.Mailer.Send(ctx, &models.MailRequest{Key: n.ID, UserID: uid, To: u.Email, Lang: u.Language, Kind: models.NoteMessage,
			Title: title, Body: body, Link: link}); err != nil {
			first = cmp.Or(first, err)
		}
	}
	if first != nil {
		return first
	}
	return s.Store.MessageTold(ctx, m.ID)
}

// SweepNotices tells the messages still marked untold (a crash, or a
// failure, after they were stored) and returns how many it told. A scan of
// the messages: run at start and now and then, not per request.
func (s *Messages) SweepNotices(ctx context.Context) (int, error) {
	s.retry.Store(false)
	untold, err := s.Store.UntoldMessages(ctx)
	if err != nil {
		s.retry.Store(true)
		return 0, err
	}
	told := 0
	var first error
	apps := map[string]*models.Application{}
	for _, m := range untold {
		if ctx.Err() != nil {
			s.retry.Store(true) // cut short: the rest is still untold
			return told, ctx.Err()
		}
		a, ok := apps[m.App]
		if !ok {
			a, err = s.Store.Application(ctx, m.App)
			switch {
			case models.IsCode(err, models.CodeNotFound):
				a = nil // erased: nothing to tell
			case err != nil:
				s.retry.Store(true)
				first = cmp.Or(first, err)
				continue
			}
			apps[m.App] = a
		}
		if a == nil {
			err = s.Store.MessageTold(ctx, m.ID)
		} else {
			err = s.tell(ctx, a, m)
		}
		if err != nil {
			s.retry.Store(true)
			first = cmp.Or(first, err)
			continue
		}
		told++
	}
	return told, first
}

// MarkRead implements models.MessageService.
func (s *Messages) MarkRead(ctx context.Context, actor *models.User, appID string) error {
	_, side, err := s.side(ctx, actor, appID)
	if err != nil {
		return err
	}
	h, err := s.Store.ThreadHead(ctx, appID)
	if err != nil {
		return err
	}
	return s.Store.MarkThreadRead(ctx, appID, side, h.Count)
}
