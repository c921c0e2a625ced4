package store

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/szdc/talenthub/models"
)

var _ models.MessageStore = (*Store)(nil)

// A thread is a small head per application (how many messages, how many
// each side read) and one document per message, each read by _id: a large
// document is slow to read on the embedded database (see the inbox).
const (
	collThreads  = "threads"  // _id: the application's id
	collMessages = "messages" // _id: <application>#<n>
)

type threadDoc struct {
	ID          string `bson:"_id"`
	Count       int    `bson:"count"`
	CreatorRead int    `bson:"creator_read"`
	OrgRead     int    `bson:"org_read"`
	Meta        `bson:",inline"`
}

type messageDoc struct {
	ID         string    `bson:"_id"`
	App        string    `bson:"app"`
	N          int       `bson:"n"`
	Side       string    `bson:"side"`
	AuthorID   string    `bson:"author_id"`
	AuthorName string    `bson:"author_name"`
	Body       string    `bson:"body"`
	At         time.Time `bson:"at"`
	// Untold marks a message whose notifications are not made yet: set in
	// the insert that stores it, cleared once they are (absent: told).
	Untold bool `bson:"untold,omitempty"`
}

func toMessage(d *messageDoc) *models.Message {
	return &models.Message{ID: d.ID, N: d.N, Side: models.Side(d.Side), AuthorID: d.AuthorID, AuthorName: d.AuthorName,
		Body: d.Body, At: d.At, App: d.App}
}

func messageID(app string, n int) string { return app + "#" + strconv.Itoa(n) }

// ThreadHead implements models.MessageStore.
func (s *Store) ThreadHead(ctx context.Context, appID string) (models.ThreadHead, error) {
	var d threadDoc
	if _, err := found("store.ThreadHead", s.db.Collection(collThreads).FindOne(ctx, idFilter(appID)).Decode(&d)); err != nil {
		return models.ThreadHead{}, err
	}
	return models.ThreadHead{Count: d.Count, CreatorRead: d.CreatorRead, OrgRead: d.OrgRead}, nil
}

// changeThread updates the head of appID (made if missing).
func (s *Store) changeThread(ctx context.Context, op, appID string, fn func(*threadDoc) error) error {
	return upsertList(ctx, s, op, collThreads, appID, func() *threadDoc { return &threadDoc{ID: appID} }, fn)
}

// AppendMessage implements models.MessageStore: the message is stored at
// the head's count (a unique _id: two writers cannot take one number),
// then the head counts it. A message stored by a writer that stopped
// before counting it is counted by the next.
func (s *Store) AppendMessage(ctx context.Context, appID string, m *models.Message) (*models.Message, error) {
	const op = "store.AppendMessage"
	msgs := s.db.Collection(collMessages)
	for range notifyRounds {
		h, err := s.ThreadHead(ctx, appID)
		if err != nil {
			return nil, err
		}
		if h.Count >= models.MaxThread {
			return nil, models.Errorf(models.CodeConflict, "the thread holds %d messages, the most it may", models.MaxThread)
		}
		d := messageDoc{ID: messageID(appID, h.Count), App: appID, N: h.Count, Side: string(m.Side), AuthorID: m.AuthorID,
			AuthorName: m.AuthorName, Body: m.Body, At: m.At.UTC().Truncate(time.Millisecond), Untold: true}
		if err := s.noteUntold(ctx, op, untoldMessage+d.ID, d.ID); err != nil {
			return nil, err
		}
		_, err = msgs.InsertOne(ctx, d)
		err = translate(op, err)
		if err != nil && !models.IsCode(err, models.CodeConflict) {
			return nil, err
		}
		n := h.Count
		if err := s.changeThread(ctx, op, appID, func(t *threadDoc) error {
			if t.Count > n {
				return errUnchanged
			}
			t.Count = n + 1
			return nil
		}); err != nil {
			return nil, err
		}
		if err == nil {
			out := *m
			out.ID, out.N, out.At, out.App = d.ID, d.N, d.At, appID
			return &out, nil
		}
		// The number was taken: by another writer, or by one that stopped
		// before counting it (now counted). Try the next.
	}
	return nil, models.Errorf(models.CodeConflict, "the thread is being changed by others; try again")
}

// Messages implements models.MessageStore.
func (s *Store) Messages(ctx context.Context, appID string, from, to int) ([]*models.Message, error) {
	msgs := s.db.Collection(collMessages)
	out := []*models.Message{}
	for n := max(from, 0); n < to; n++ {
		var d messageDoc
		if ok, err := found("store.Messages", msgs.FindOne(ctx, idFilter(messageID(appID, n))).Decode(&d)); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		out = append(out, toMessage(&d))
	}
	return out, nil
}

// MessageTold implements models.MessageStore.
func (s *Store) MessageTold(ctx context.Context, id string) error {
	const op = "store.MessageTold"
	_, err := s.db.Collection(collMessages).UpdateOne(ctx, idFilter(id), bson.D{{Key: "$unset", Value: bson.D{{Key: "untold", Value: ""}}}})
	if err != nil {
		return translate(op, err)
	}
	return s.toldUntold(ctx, op, untoldMessage+id)
}

// UntoldMessages implements models.MessageStore, in the order they were
// written in each thread. On the embedded database it reads the untold
// entries and the messages they name (untold.go); on MongoDB, or once on a
// database from a release that kept no entries, it asks for the messages
// marked untold (MongoDB's sparse index; a scan on the embedded database,
// which then writes the entries it lacked).
func (s *Store) UntoldMessages(ctx context.Context) ([]*models.Message, error) {
	const op = "store.UntoldMessages"
	entries, kept, err := s.untoldEntries(ctx, op, untoldMessage, untoldMessagesKept)
	if err != nil {
		return nil, err
	}
	var docs []messageDoc
	if kept {
		msgs := s.db.Collection(collMessages)
		for _, e := range entries {
			var d messageDoc
			ok, err := found(op, msgs.FindOne(ctx, idFilter(e.Ref)).Decode(&d))
			if err != nil {
				return nil, err
			}
			if ok && d.Untold {
				docs = append(docs, d)
			} else if err := s.dropStale(ctx, op, e); err != nil {
				return nil, err
			}
		}
	} else {
		cur, err := s.db.Collection(collMessages).Find(ctx, bson.D{{Key: "untold", Value: true}})
		if err != nil {
			return nil, translate(op, err)
		}
		if err := cur.All(ctx, &docs); err != nil {
			return nil, translate(op, err)
		}
		for i := range docs {
			if err := s.noteUntold(ctx, op, untoldMessage+docs[i].ID, docs[i].ID); err != nil {
				return nil, err
			}
		}
		if err := s.markUntoldKept(ctx, untoldMessagesKept); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(docs, func(a, b messageDoc) int { return cmp.Or(strings.Compare(a.App, b.App), cmp.Compare(a.N, b.N)) })
	out := make([]*models.Message, len(docs))
	for i := range docs {
		out[i] = toMessage(&docs[i])
	}
	return out, nil
}

// MarkThreadRead implements models.MessageStore. Read marks only move
// forward.
func (s *Store) MarkThreadRead(ctx context.Context, appID string, side models.Side, upTo int) error {
	return s.changeThread(ctx, "store.MarkThreadRead", appID, func(t *threadDoc) error {
		read := &t.OrgRead
		if side == models.SideCreator {
			read = &t.CreatorRead
		}
		if upTo <= *read {
			return errUnchanged
		}
		*read = min(upTo, t.Count)
		return nil
	})
}

// DeleteThread implements models.MessageStore.
func (s *Store) DeleteThread(ctx context.Context, appID string) error {
	const op = "store.DeleteThread"
	h, err := s.ThreadHead(ctx, appID)
	if err != nil {
		return err
	}
	msgs := s.db.Collection(collMessages)
	// Past the count too: a message stored by a writer that stopped
	// before counting it.
	for n := 0; n <= h.Count; n++ {
		if _, err := msgs.DeleteOne(ctx, idFilter(messageID(appID, n))); err != nil {
			return translate(op, err)
		}
	}
	_, err = s.db.Collection(collThreads).DeleteOne(ctx, idFilter(appID))
	return translate(op, err)
}
