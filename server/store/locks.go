package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/szdc/talenthub/models"
)

var _ models.LockStore = (*Store)(nil)

type lockDoc struct {
	ID        string    `bson:"_id"` // lock:<name>
	Owner     string    `bson:"owner"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// TryLock implements models.LockStore: a meta document whose _id is the
// lock's, so that of several processes one insert wins; one left by a
// process that died is taken over once it has expired.
func (s *Store) TryLock(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	const op = "store.TryLock"
	id := "lock:" + name
	now := s.nowUTC()
	if _, err := s.meta.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}}); err != nil {
		return false, translate(op, err)
	}
	_, err := s.meta.InsertOne(ctx, lockDoc{ID: id, Owner: owner, ExpiresAt: now.Add(ttl)})
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	return err == nil, translate(op, err)
}

// Unlock implements models.LockStore: only its owner's lock goes.
func (s *Store) Unlock(ctx context.Context, name, owner string) error {
	_, err := s.meta.DeleteOne(ctx, bson.D{{Key: "_id", Value: "lock:" + name}, {Key: "owner", Value: owner}})
	return translate("store.Unlock", err)
}
