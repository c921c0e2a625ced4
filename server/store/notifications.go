package store

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

var _ models.NotificationStore = (*Store)(nil)

// collInboxes holds one document per user with their latest notifications
// (at most models.MaxInbox): reading the bell and the list is one _id
// lookup, and whether an event was already told is answered in the same
// document that records it, so the check and the write are one step under
// the document's lock.
const collInboxes = "inboxes" // _id: the user's id

type inboxDoc struct {
	ID    string    `bson:"_id"`
	Items []noteDoc `bson:"items"`
	Meta  `bson:",inline"`
}

type noteDoc struct {
	ID     string            `bson:"id"`
	Kind   string            `bson:"kind"`
	Params map[string]string `bson:"params,omitempty"`
	Link   string            `bson:"link"`
	Read   bool              `bson:"read"`
	At     time.Time         `bson:"at"`
}

// errUnchanged ends an update that has nothing to write.
var errUnchanged = errors.New("unchanged")

// Notify implements models.NotificationStore.
func (s *Store) Notify(ctx context.Context, n *models.Notification) (bool, error) {
	const op = "store.Notify"
	if n.UserID == "" || n.ID == "" {
		return false, models.Errorf(models.CodeInternal, "a notification needs a recipient and an id")
	}
	at := n.CreatedAt
	if at.IsZero() {
		at = s.nowUTC()
	}
	note := noteDoc{ID: n.ID, Kind: n.Kind, Params: n.Params, Link: n.Link, At: at.UTC().Truncate(time.Millisecond)}
	coll := s.db.Collection(collInboxes)
	for range casRetries {
		_, err := update(ctx, s, op, coll, n.UserID, 0, func(d *inboxDoc) error {
			if slices.ContainsFunc(d.Items, func(x noteDoc) bool { return x.ID == note.ID }) {
				return errUnchanged
			}
			// Newest first; an event told late (a replay) takes its place
			// by time.
			i, _ := slices.BinarySearchFunc(d.Items, note.At, func(x noteDoc, t time.Time) int { return t.Compare(x.At) })
			d.Items = slices.Insert(d.Items, i, note)
			if len(d.Items) > models.MaxInbox {
				d.Items = d.Items[:models.MaxInbox]
			}
			return nil
		})
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, errUnchanged):
			return false, nil
		case !models.IsCode(err, models.CodeNotFound):
			return false, err
		}
		now := s.nowUTC()
		_, err = coll.InsertOne(ctx, inboxDoc{ID: n.UserID, Items: []noteDoc{note}, Meta: Meta{Version: 1, CreatedAt: now, UpdatedAt: now}})
		err = translate(op, err)
		if err == nil {
			return true, nil
		}
		if !models.IsCode(err, models.CodeConflict) {
			return false, err
		}
		// Another writer made the inbox first: add to it.
	}
	return false, models.Errorf(models.CodeConflict, "the inbox is being changed by others; try again")
}

// inbox reads a user's inbox (empty when they have none).
func (s *Store) inbox(ctx context.Context, userID string) (*inboxDoc, error) {
	var d inboxDoc
	err := s.db.Collection(collInboxes).FindOne(ctx, idFilter(userID)).Decode(&d)
	if err := translate("store.Inbox", err); err != nil {
		if models.IsCode(err, models.CodeNotFound) {
			return &inboxDoc{ID: userID}, nil
		}
		return nil, err
	}
	return &d, nil
}

// Inbox implements models.NotificationStore.
func (s *Store) Inbox(ctx context.Context, userID string, unread bool, p models.Page) (*models.Inbox, error) {
	d, err := s.inbox(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := &models.Inbox{List: models.List[*models.Notification]{Items: []*models.Notification{}, Page: p.Page, PerPage: p.PerPage}}
	var shown []noteDoc
	for _, x := range d.Items {
		if !x.Read {
			out.Unread++
		}
		if !unread || !x.Read {
			shown = append(shown, x)
		}
	}
	out.Total = len(shown)
	from := min((p.Page-1)*p.PerPage, len(shown))
	for _, x := range shown[from:min(from+p.PerPage, len(shown))] {
		out.Items = append(out.Items, &models.Notification{ID: x.ID, UserID: userID, Kind: x.Kind, Params: x.Params,
			Link: x.Link, Read: x.Read, CreatedAt: x.At})
	}
	return out, nil
}

// MarkRead implements models.NotificationStore.
func (s *Store) MarkRead(ctx context.Context, userID string, ids []string, all bool) error {
	_, err := update(ctx, s, "store.MarkRead", s.db.Collection(collInboxes), userID, 0, func(d *inboxDoc) error {
		changed := false
		for i := range d.Items {
			if !d.Items[i].Read && (all || slices.Contains(ids, d.Items[i].ID)) {
				d.Items[i].Read = true
				changed = true
			}
		}
		if !changed {
			return errUnchanged
		}
		return nil
	})
	if errors.Is(err, errUnchanged) || models.IsCode(err, models.CodeNotFound) {
		return nil
	}
	return err
}

// DeleteInbox removes a user's notifications (the account is deleted).
func (s *Store) DeleteInbox(ctx context.Context, userID string) error {
	err := remove(ctx, s, "store.DeleteInbox", s.db.Collection(collInboxes), userID, 0)
	if models.IsCode(err, models.CodeNotFound) {
		return nil
	}
	return err
}

// followerDoc is how far a follower that keeps its position in the
// database (the notifier) has read the feed, and since when it tells
// events.
type followerDoc struct {
	ID     string    `bson:"_id"` // follower:<name>
	Cursor string    `bson:"cursor"`
	Since  time.Time `bson:"since"`
}

// FollowerPosition returns the feed position of the follower called name
// and the time it began; the first call records now as that time, so that
// a follower added to a running platform does not tell the past.
func (s *Store) FollowerPosition(ctx context.Context, name string) (cursor string, since time.Time, err error) {
	const op = "store.FollowerPosition"
	id := "follower:" + name
	_, err = s.meta.UpdateOne(ctx, idFilter(id),
		bson.D{{Key: "$setOnInsert", Value: followerDoc{ID: id, Since: s.nowUTC()}}}, options.Update().SetUpsert(true))
	if err := translate(op, err); err != nil && !models.IsCode(err, models.CodeConflict) {
		return "", time.Time{}, err
	}
	var d followerDoc
	if err := s.meta.FindOne(ctx, idFilter(id)).Decode(&d); err != nil {
		return "", time.Time{}, translate(op, err)
	}
	return d.Cursor, d.Since, nil
}

// SetFollowerCursor records the feed position of the follower called name.
// A position is only ever moved forward: processes that follow the same
// feed for the same purpose share it.
func (s *Store) SetFollowerCursor(ctx context.Context, name, cursor string) error {
	const op = "store.SetFollowerCursor"
	id := "follower:" + name
	unlock := s.locks.lock(collMeta, id)
	defer unlock()
	var d followerDoc
	if err := s.meta.FindOne(ctx, idFilter(id)).Decode(&d); err != nil {
		return translate(op, err)
	}
	if cursor <= d.Cursor {
		return nil
	}
	filter := idFilter(id)
	if s.locks == nil {
		// Several processes on MongoDB: the condition, not a lock, keeps
		// the position from moving back.
		filter = append(filter, bson.E{Key: "cursor", Value: bson.D{{Key: "$lt", Value: cursor}}})
	}
	_, err := s.meta.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{{Key: "cursor", Value: cursor}}}})
	return translate(op, err)
}
