package store

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/models"
)

// OrphanNote writes what a crash inside Notify can leave: the n-th item of
// user's inbox for the event key, and, if named, the key that names it,
// without the head moved past it.
func (s *Store) OrphanNote(t testing.TB, user, key string, n int64, named bool) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	if _, err := s.db.Collection(collInboxItems).InsertOne(ctx, noteDoc{ID: itemID(user, n), Key: key, Kind: models.NoteApplied, At: at}); err != nil {
		t.Fatal(err)
	}
	if named {
		if _, err := s.db.Collection(collInboxKeys).InsertOne(ctx, noteKeyDoc{ID: key, User: user, N: n}); err != nil {
			t.Fatal(err)
		}
	}
}

// SetClaimInsertHook makes the claim insert of a registration fail (before
// or after committing, as f says) until the returned function is called.
func SetClaimInsertHook(f func(committed bool) error) (restore func()) {
	claimInsertHook = f
	return func() { claimInsertHook = nil }
}

// Translate is translate, for the tests of driver errors.
func Translate(err error) error { return translate("test", err) }

// PutClaim writes an email claim naming userID (an account that may be
// gone), as a crash between the two writes of a registration leaves it.
func (s *Store) PutClaim(t testing.TB, email, userID string) {
	t.Helper()
	oid, err := primitive.ObjectIDFromHex(userID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.emails.InsertOne(context.Background(), emailDoc{ID: email, UserID: oid, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// SetRawField writes a field this version does not know into a document,
// as a newer version would; RawField reads it back.
func (s *Store) SetRawField(t testing.TB, coll, id, field string, value any) {
	t.Helper()
	if _, err := s.db.Collection(coll).UpdateOne(context.Background(), idFilter(feedID(id)),
		bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: value}}}}); err != nil {
		t.Fatal(err)
	}
}

// RawField reads a field of a document as stored.
func (s *Store) RawField(t testing.TB, coll, id, field string) any {
	t.Helper()
	var m bson.M
	if err := s.db.Collection(coll).FindOne(context.Background(), idFilter(feedID(id))).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m[field]
}
