package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/szdc/talenthub/models"
)

type erasureDoc struct {
	ID string    `bson:"_id"` // the talent id
	By string    `bson:"by"`
	At time.Time `bson:"at"`
}

// BeginErasure records that a creator's data is being erased, so that an
// erasure interrupted by a crash is resumed at the next start.
func (s *Store) BeginErasure(ctx context.Context, e models.Erasure) error {
	d := erasureDoc{ID: e.TalentID, By: e.By, At: e.At.UTC().Truncate(time.Millisecond)}
	_, err := s.erasures.ReplaceOne(ctx, idFilter(d.ID), d, optionsUpsert())
	return translate("store.BeginErasure", err)
}

// EndErasure forgets a completed erasure.
func (s *Store) EndErasure(ctx context.Context, talentID string) error {
	_, err := s.erasures.DeleteOne(ctx, idFilter(talentID))
	return translate("store.EndErasure", err)
}

// PendingErasures returns the erasures that did not complete.
func (s *Store) PendingErasures(ctx context.Context) ([]models.Erasure, error) {
	cur, err := s.erasures.Find(ctx, bson.D{})
	if err != nil {
		return nil, translate("store.PendingErasures", err)
	}
	var docs []erasureDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("store.PendingErasures", err)
	}
	out := make([]models.Erasure, len(docs))
	for i, d := range docs {
		out[i] = models.Erasure{TalentID: d.ID, By: d.By, At: d.At}
	}
	return out, nil
}
