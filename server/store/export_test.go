package store

import (
	"context"
	"slices"
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

// UntoldIDs returns the ids of the untold entries, sorted.
func (s *Store) UntoldIDs(t testing.TB) []string {
	t.Helper()
	cur, err := s.db.Collection(collUntold).Find(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []untoldDoc
	if err := cur.All(context.Background(), &docs); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	slices.Sort(ids)
	return ids
}

// PutUntold writes the untold entry id pointing at ref, made at.
func (s *Store) PutUntold(t testing.TB, id, ref string, at time.Time) {
	t.Helper()
	if _, err := s.db.Collection(collUntold).InsertOne(context.Background(), untoldDoc{ID: id, Ref: ref, At: at}); err != nil {
		t.Fatal(err)
	}
}

// ForgetUntold makes the database look like one of a release that kept
// no untold entries: no entries, no markers.
func (s *Store) ForgetUntold(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.db.Collection(collUntold).DeleteMany(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{untoldNoticesKept, untoldMessagesKept} {
		if _, err := s.meta.DeleteOne(ctx, idFilter("marker:"+m)); err != nil {
			t.Fatal(err)
		}
	}
}

// PutNotice writes a pending notice into account id as a release that
// kept no untold entries did: without its entry.
func (s *Store) PutNotice(t testing.TB, id, key string, at time.Time) {
	t.Helper()
	s.SetRawField(t, collUsers, id, "notices", []noticeDoc{{Key: key, Kind: models.NotePasswordChanged, At: at}})
}

// PutUntoldMessage writes a message marked untold as a release that kept
// no untold entries did: without its entry.
func (s *Store) PutUntoldMessage(t testing.TB, appID string, n int, at time.Time) {
	t.Helper()
	if _, err := s.db.Collection(collMessages).InsertOne(context.Background(), messageDoc{ID: messageID(appID, n), App: appID, N: n,
		Side: string(models.SideOrg), AuthorID: "u1", AuthorName: "A", Body: "old", At: at, Untold: true}); err != nil {
		t.Fatal(err)
	}
}
