package store

import (
	"context"
	"testing"
	"time"

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
