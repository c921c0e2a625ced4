package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/models"
)

type sessionDoc struct {
	ID         string             `bson:"_id"` // SHA-256 of the token, hex
	UserID     primitive.ObjectID `bson:"user_id"`
	CreatedAt  time.Time          `bson:"created_at"`
	ExpiresAt  time.Time          `bson:"expires_at"`
	ClientAddr string             `bson:"client_addr"`
	UserAgent  string             `bson:"user_agent"`
	Gen        int64              `bson:"gen,omitempty"` // absent in older sessions: 0
}

func toSession(d *sessionDoc) *models.Session {
	return &models.Session{ID: d.ID, UserID: d.UserID.Hex(), CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt, ClientAddr: d.ClientAddr, UserAgent: d.UserAgent, Gen: d.Gen}
}

func toSessionDoc(ss *models.Session) (*sessionDoc, error) {
	uid, err := objectID(ss.UserID)
	if err != nil {
		return nil, err
	}
	return &sessionDoc{ID: ss.ID, UserID: uid, CreatedAt: ss.CreatedAt, ExpiresAt: ss.ExpiresAt, ClientAddr: ss.ClientAddr, UserAgent: ss.UserAgent, Gen: ss.Gen}, nil
}

// CreateSession implements models.SessionStore.
func (s *Store) CreateSession(ctx context.Context, ss *models.Session) error {
	ss.CreatedAt = ss.CreatedAt.UTC().Truncate(time.Millisecond)
	ss.ExpiresAt = ss.ExpiresAt.UTC().Truncate(time.Millisecond)
	d, err := toSessionDoc(ss)
	if err != nil {
		return err
	}
	_, err = s.sessions.InsertOne(ctx, d)
	return translate("store.CreateSession", err)
}

// Session implements models.SessionStore.
func (s *Store) Session(ctx context.Context, id string) (*models.Session, error) {
	ss, gen, ok := cacheGet(s.auth, s.auth.sessionsMap(), id)
	if ok {
		return ss, nil
	}
	var d sessionDoc
	if err := s.sessions.FindOne(ctx, idFilter(id)).Decode(&d); err != nil {
		return nil, translate("store.Session", err)
	}
	ss = toSession(&d)
	cachePut(s.auth, s.auth.sessionsMap(), id, ss, gen)
	return ss, nil
}

// DeleteSession implements models.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	s.auth.dropSession(id)
	defer s.auth.dropSession(id)
	_, err := s.sessions.DeleteOne(ctx, idFilter(id))
	return translate("store.DeleteSession", err)
}

// DeleteUserSessions implements models.SessionStore: one delete (a scan
// on the embedded database; a password change is rare), and the user's
// sessions leave the cache with the user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, except string) error {
	uid, err := objectID(userID)
	if err != nil {
		return err
	}
	s.auth.dropUser(userID)
	defer s.auth.dropUser(userID)
	_, err = s.sessions.DeleteMany(ctx, bson.D{{Key: "user_id", Value: uid}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: except}}}})
	return translate("store.DeleteUserSessions", err)
}

// UserSessions returns the sessions of a user. It filters on a field other
// than _id, which the embedded database answers by a scan: it serves the
// personal-data export, not a hot path.
func (s *Store) UserSessions(ctx context.Context, userID string) ([]*models.Session, error) {
	uid, err := objectID(userID)
	if err != nil {
		return nil, err
	}
	cur, err := s.sessions.Find(ctx, bson.D{{Key: "user_id", Value: uid}})
	if err != nil {
		return nil, translate("store.UserSessions", err)
	}
	var docs []sessionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("store.UserSessions", err)
	}
	out := make([]*models.Session, len(docs))
	for i := range docs {
		out[i] = toSession(&docs[i])
	}
	return out, nil
}

// PurgeExpired deletes expired sessions, rate-limit counters and mailed
// tokens and returns how many it deleted. A maintenance task: it scans on
// the embedded database. On MongoDB their TTL indexes (ttlCollections)
// delete them as well; this is then a cheap sweep of what the TTL monitor
// has not reached yet.
func (s *Store) PurgeExpired(ctx context.Context) (int64, error) {
	var total int64
	filter := bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: s.nowUTC()}}}}
	for _, coll := range ttlCollections {
		res, err := s.db.Collection(coll).DeleteMany(ctx, filter)
		if err != nil {
			return total, translate("store.PurgeExpired", err)
		}
		total += res.DeletedCount
	}
	return total, nil
}
