package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

var _ models.SavedSearchStore = (*Store)(nil)

// collSaved holds one document per account with its saved searches (at
// most models.MaxSavedSearches): the account page reads one document, and
// the alerts' registry reads the whole collection, which has a document
// only per account that saved a search.
const collSaved = "saved_searches" // _id: the user's id

type savedListDoc struct {
	ID    string     `bson:"_id"`
	Items []savedDoc `bson:"items"`
	Meta  `bson:",inline"`
}

type savedDoc struct {
	ID        string    `bson:"id"`
	Kind      string    `bson:"kind"`
	Name      string    `bson:"name"`
	Query     string    `bson:"query"`
	Alert     string    `bson:"alert"`
	MinScore  int       `bson:"min_score"`
	CreatedAt time.Time `bson:"created_at"`
}

func toSaved(items []savedDoc) []*models.SavedSearch {
	out := make([]*models.SavedSearch, len(items))
	for i, d := range items {
		out[i] = &models.SavedSearch{ID: d.ID, Kind: d.Kind, Name: d.Name, Query: d.Query, Alert: d.Alert, MinScore: d.MinScore, CreatedAt: d.CreatedAt}
	}
	return out
}

func fromSaved(items []*models.SavedSearch) []savedDoc {
	out := make([]savedDoc, len(items))
	for i, s := range items {
		out[i] = savedDoc{ID: s.ID, Kind: s.Kind, Name: s.Name, Query: s.Query, Alert: s.Alert, MinScore: s.MinScore,
			CreatedAt: s.CreatedAt.UTC().Truncate(time.Millisecond)}
	}
	return out
}

// SavedSearches implements models.SavedSearchStore.
func (s *Store) SavedSearches(ctx context.Context, userID string) ([]*models.SavedSearch, error) {
	var d savedListDoc
	if ok, err := found("store.SavedSearches", s.db.Collection(collSaved).FindOne(ctx, idFilter(userID)).Decode(&d)); !ok || err != nil {
		return []*models.SavedSearch{}, err
	}
	return toSaved(d.Items), nil
}

// ChangeSavedSearches implements models.SavedSearchStore.
func (s *Store) ChangeSavedSearches(ctx context.Context, userID string, fn func([]*models.SavedSearch) ([]*models.SavedSearch, error)) ([]*models.SavedSearch, error) {
	var out []*models.SavedSearch
	err := upsertList(ctx, s, "store.ChangeSavedSearches", collSaved, userID, func() *savedListDoc { return &savedListDoc{ID: userID} },
		func(d *savedListDoc) error {
			items, err := fn(toSaved(d.Items))
			if err != nil {
				return err
			}
			d.Items, out = fromSaved(items), items
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, s.stampSaved(ctx)
}

// EverySavedSearch implements models.SavedSearchStore.
func (s *Store) EverySavedSearch(ctx context.Context, fn func(string, *models.SavedSearch) error) error {
	const op = "store.EverySavedSearch"
	cur, err := s.db.Collection(collSaved).Find(ctx, bson.D{})
	if err != nil {
		return translate(op, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d savedListDoc
		if err := cur.Decode(&d); err != nil {
			return translate(op, err)
		}
		for _, x := range toSaved(d.Items) {
			if x.Alert == models.AlertOff {
				continue
			}
			if err := fn(d.ID, x); err != nil {
				return err
			}
		}
	}
	return translate(op, cur.Err())
}

// DeleteSavedSearches removes an account's saved searches (the account is
// deleted).
func (s *Store) DeleteSavedSearches(ctx context.Context, userID string) error {
	_, err := s.db.Collection(collSaved).DeleteOne(ctx, idFilter(userID))
	return translate("store.DeleteSavedSearches", err)
}

// savedStampID is the meta document whose stamp changes with every change
// of saved searches.
const savedStampID = "saved_searches:stamp"

// stampSaved gives the saved searches a new stamp: a new ObjectID, so
// that no increment (which the embedded database does not make atomic) is
// needed for every change to give a different value.
func (s *Store) stampSaved(ctx context.Context) error {
	_, err := s.meta.UpdateOne(ctx, idFilter(savedStampID),
		bson.D{{Key: "$set", Value: bson.D{{Key: "stamp", Value: primitive.NewObjectID().Hex()}}}}, options.Update().SetUpsert(true))
	return translate("store.ChangeSavedSearches", err)
}

// SavedSearchesStamp implements models.SavedSearchStore.
func (s *Store) SavedSearchesStamp(ctx context.Context) (string, error) {
	var d struct {
		Stamp string `bson:"stamp"`
	}
	if _, err := found("store.SavedSearchesStamp", s.meta.FindOne(ctx, idFilter(savedStampID)).Decode(&d)); err != nil {
		return "", err
	}
	return d.Stamp, nil
}
