package store

import (
	"context"
	"crypto/rand"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

// secretDoc is a random key the database keeps for the server, in the
// meta collection.
type secretDoc struct {
	ID  string    `bson:"_id"` // secret:<name>
	Key []byte    `bson:"key"`
	At  time.Time `bson:"at"`
}

// secretBytes is the length of every secret.
const secretBytes = 32

// Secret returns the secret called name, creating it the first time it is
// asked for: 32 random bytes, the same for every process of the database
// ever after (the first writer wins; the others read its key). Open
// creates the pseudonym key (models.SecretPseudonym) at the first start.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	const op = "store.Secret"
	id := "secret:" + name
	var d secretDoc
	if ok, err := found(op, s.meta.FindOne(ctx, idFilter(id)).Decode(&d)); ok || err != nil {
		return d.Key, err
	}
	key := make([]byte, secretBytes)
	if _, err := rand.Read(key); err != nil {
		return nil, models.Internal(op, err)
	}
	_, err := s.meta.UpdateOne(ctx, idFilter(id),
		bson.D{{Key: "$setOnInsert", Value: secretDoc{ID: id, Key: key, At: s.nowUTC()}}}, options.Update().SetUpsert(true))
	if err := translate(op, err); err != nil && !models.IsCode(err, models.CodeConflict) {
		return nil, err
	}
	if err := s.meta.FindOne(ctx, idFilter(id)).Decode(&d); err != nil {
		return nil, translate(op, err)
	}
	if len(d.Key) != secretBytes {
		return nil, models.Internal(op, errBadSecret)
	}
	return d.Key, nil
}

// Marked reports whether the marker called name is set in the meta
// collection: a one-time step (a migration) that is done.
func (s *Store) Marked(ctx context.Context, name string) (bool, error) {
	return found("store.Marked", s.meta.FindOne(ctx, idFilter("marker:"+name)).Err())
}

// Mark sets the marker called name.
func (s *Store) Mark(ctx context.Context, name string) error {
	_, err := s.meta.UpdateOne(ctx, idFilter("marker:"+name),
		bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "at", Value: s.nowUTC()}}}}, options.Update().SetUpsert(true))
	return translate("store.Mark", err)
}
