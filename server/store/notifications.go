package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

var _ models.NotificationStore = (*Store)(nil)

// The inbox is kept in three kinds of documents, each read or written by
// _id only (the embedded database decodes a large document slowly: one
// document of 500 notifications took 67 ms to read and 150 ms to extend):
//
//   - inboxes/<user>: the head, a few numbers: the next sequence number and
//     which are read (all below readBelow, and those listed in readAbove).
//     The bell's count is one read of it.
//   - inbox_items/<user>#<n>: the user's n-th notification, never changed.
//   - inbox_keys/<notification id>: which n holds that event for that user,
//     so that telling it again is one lookup and changes nothing.
const (
	collInboxes    = "inboxes"     // _id: the user's id
	collInboxItems = "inbox_items" // _id: <user>#<n>
	collInboxKeys  = "inbox_keys"  // _id: the notification's id
)

type inboxDoc struct {
	ID        string  `bson:"_id"`
	Next      int64   `bson:"next"`
	ReadBelow int64   `bson:"read_below"`
	ReadAbove []int64 `bson:"read_above"`
	Meta      `bson:",inline"`
}

type noteDoc struct {
	ID     string            `bson:"_id"` // <user>#<n>
	Key    string            `bson:"key"` // the notification's id
	Kind   string            `bson:"kind"`
	Params map[string]string `bson:"params,omitempty"`
	Link   string            `bson:"link"`
	At     time.Time         `bson:"at"`
}

type noteKeyDoc struct {
	ID   string `bson:"_id"`
	User string `bson:"user"`
	N    int64  `bson:"n"`
}

// notifyRounds bounds Notify's retries: each lost round means another
// writer took a number, so a round is lost at most once per concurrent
// writer of that user's inbox.
const notifyRounds = 64

func itemID(user string, n int64) string { return user + "#" + strconv.FormatInt(n, 10) }

// read reports whether the n-th notification of the head is read.
func (d *inboxDoc) read(n int64) bool { return n < d.ReadBelow || slices.Contains(d.ReadAbove, n) }

// kept are the sequence numbers the inbox shows, newest first.
func (d *inboxDoc) kept(unreadOnly bool) []int64 {
	var out []int64
	for n := d.Next - 1; n >= 0 && n >= d.Next-models.MaxInbox; n-- {
		if !unreadOnly || !d.read(n) {
			out = append(out, n)
		}
	}
	return out
}

// head reads a user's inbox head (an empty one when they have none).
func (s *Store) head(ctx context.Context, userID string) (*inboxDoc, error) {
	var d inboxDoc
	err := translate("store.Inbox", s.db.Collection(collInboxes).FindOne(ctx, idFilter(userID)).Decode(&d))
	if models.IsCode(err, models.CodeNotFound) {
		return &inboxDoc{ID: userID}, nil
	}
	return &d, err
}

// advance moves the head's next number past n (creating the head).
func (s *Store) advance(ctx context.Context, userID string, n int64) error {
	return upsertList(ctx, s, "store.Notify", collInboxes, userID, func() *inboxDoc { return &inboxDoc{ID: userID} },
		func(d *inboxDoc) error {
			if d.Next > n {
				return errUnchanged
			}
			d.Next = n + 1
			return nil
		})
}

// Notify implements models.NotificationStore. The steps, each idempotent,
// are ordered so that a crash between any two is mended by telling the
// event again (or by the next event): the item at the head's next number,
// the key that names it, then the head moved past it.
func (s *Store) Notify(ctx context.Context, n *models.Notification) (bool, error) {
	const op = "store.Notify"
	if n.UserID == "" || n.ID == "" {
		return false, models.Errorf(models.CodeInternal, "a notification needs a recipient and an id")
	}
	// No lock around the steps: the unique _ids of the item and the key
	// decide every race (two events taking one number, one event told
	// twice at once), and the head's own update is serialised.
	at := n.CreatedAt
	if at.IsZero() {
		at = s.nowUTC()
	}
	items, keys := s.db.Collection(collInboxItems), s.db.Collection(collInboxKeys)
	for range notifyRounds {
		h, err := s.head(ctx, n.UserID)
		if err != nil {
			return false, err
		}
		var k noteKeyDoc
		if ok, err := found(op, keys.FindOne(ctx, idFilter(n.ID)).Decode(&k)); err != nil {
			return false, err
		} else if ok {
			// Told already; a crash may have left the head before it.
			return false, s.advance(ctx, n.UserID, k.N)
		}
		item := noteDoc{ID: itemID(n.UserID, h.Next), Key: n.ID, Kind: n.Kind, Params: n.Params, Link: n.Link, At: at.UTC().Truncate(time.Millisecond)}
		_, err = items.InsertOne(ctx, item)
		inserted := err == nil
		if err = translate(op, err); models.IsCode(err, models.CodeConflict) {
			var there noteDoc
			if err := items.FindOne(ctx, idFilter(item.ID)).Decode(&there); err != nil {
				return false, translate(op, err)
			}
			if there.Key != n.ID {
				// Another event holds that number (its writer stopped
				// before naming it and moving the head, or, on MongoDB,
				// another process is doing so): name it for its event, so
				// that telling that event again finds it, move past it and
				// try the next number.
				_, err := keys.InsertOne(ctx, noteKeyDoc{ID: there.Key, User: n.UserID, N: h.Next})
				if err = translate(op, err); err != nil && !models.IsCode(err, models.CodeConflict) {
					return false, err
				}
				if err := s.advance(ctx, n.UserID, h.Next); err != nil {
					return false, err
				}
				continue
			}
		} else if err != nil {
			return false, err
		}
		// The key may be there already: written by a teller of the same
		// event at the same moment, or by one of another event that found
		// this item without it.
		_, err = keys.InsertOne(ctx, noteKeyDoc{ID: n.ID, User: n.UserID, N: h.Next})
		if err = translate(op, err); err != nil && !models.IsCode(err, models.CodeConflict) {
			return false, err
		}
		return inserted, s.advance(ctx, n.UserID, h.Next)
	}
	return false, models.Errorf(models.CodeConflict, "the inbox is being changed by others; try again")
}

// Inbox implements models.NotificationStore: the head says which numbers a
// page shows; each is one _id lookup.
func (s *Store) Inbox(ctx context.Context, userID string, unread bool, p models.Page) (*models.Inbox, error) {
	h, err := s.head(ctx, userID)
	if err != nil {
		return nil, err
	}
	shown := h.kept(unread)
	out := &models.Inbox{List: models.List[*models.Notification]{Items: []*models.Notification{}, Total: len(shown), Page: p.Page, PerPage: p.PerPage},
		Unread: len(h.kept(true))}
	if unread {
		out.Unread = len(shown)
	}
	from := min(max(p.Page-1, 0)*p.PerPage, len(shown))
	items := s.db.Collection(collInboxItems)
	for _, n := range shown[from:min(from+p.PerPage, len(shown))] {
		var d noteDoc
		if ok, err := found("store.Inbox", items.FindOne(ctx, idFilter(itemID(userID, n))).Decode(&d)); err != nil {
			return nil, err
		} else if !ok {
			continue // a number skipped after a crash holds nothing
		}
		out.Items = append(out.Items, &models.Notification{ID: d.Key, UserID: userID, Kind: d.Kind, Params: d.Params,
			Link: d.Link, Read: h.read(n), CreatedAt: d.At})
	}
	return out, nil
}

// MarkRead implements models.NotificationStore. Ids of another user's
// notifications, or of none, change nothing.
func (s *Store) MarkRead(ctx context.Context, userID string, ids []string, all bool) error {
	var seqs []int64
	if !all {
		keys := s.db.Collection(collInboxKeys)
		for _, id := range ids {
			var k noteKeyDoc
			if ok, err := found("store.MarkRead", keys.FindOne(ctx, idFilter(id)).Decode(&k)); err != nil {
				return err
			} else if ok && k.User == userID {
				seqs = append(seqs, k.N)
			}
		}
		if len(seqs) == 0 {
			return nil
		}
	}
	_, err := update(ctx, s, "store.MarkRead", s.db.Collection(collInboxes), userID, 0, func(d *inboxDoc) error {
		if all {
			if d.ReadBelow == d.Next && len(d.ReadAbove) == 0 {
				return errUnchanged
			}
			d.ReadBelow, d.ReadAbove = d.Next, nil
			return nil
		}
		changed := false
		for _, n := range seqs {
			if !d.read(n) {
				d.ReadAbove = append(d.ReadAbove, n)
				changed = true
			}
		}
		if !changed {
			return errUnchanged
		}
		// Numbers no longer shown need no mark.
		d.ReadAbove = slices.DeleteFunc(d.ReadAbove, func(n int64) bool { return n < d.Next-models.MaxInbox })
		return nil
	})
	if errors.Is(err, errUnchanged) || models.IsCode(err, models.CodeNotFound) {
		return nil
	}
	return err
}

// DeleteInbox removes a user's notifications (the account is deleted): the
// head and the items it numbers. The keys go too, so that nothing of the
// account is left that names its events.
func (s *Store) DeleteInbox(ctx context.Context, userID string) error {
	const op = "store.DeleteInbox"
	h, err := s.head(ctx, userID)
	if err != nil {
		return err
	}
	items, keys := s.db.Collection(collInboxItems), s.db.Collection(collInboxKeys)
	for n := int64(0); n < h.Next; n++ {
		var d noteDoc
		if ok, err := found(op, items.FindOne(ctx, idFilter(itemID(userID, n))).Decode(&d)); err != nil {
			return err
		} else if !ok {
			continue
		}
		if _, err := keys.DeleteOne(ctx, idFilter(d.Key)); err != nil {
			return translate(op, err)
		}
		if _, err := items.DeleteOne(ctx, idFilter(d.ID)); err != nil {
			return translate(op, err)
		}
	}
	err = remove(ctx, s, op, s.db.Collection(collInboxes), userID, 0)
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
