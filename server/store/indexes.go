package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The collections of talenthub.
const (
	collUsers      = "users"
	collUserEmails = "user_emails" // _id: normalised email → user_id; makes login an _id lookup
	collSessions   = "sessions"    // _id: SHA-256 of the token
	collTalents    = "talents"     // _id: the owner's user id
	collLimits     = "login_limits"
	collMeta       = "meta"
)

// collections lists every collection, so that Open creates them all and the
// embedded database's _id repair can index each one.
var collections = []string{collUsers, collUserEmails, collSessions, collTalents, collLimits, collMeta}

// indexes declares every secondary index, in one place. Most lookups are by
// _id and need none; these serve expiry and maintenance queries.
var indexes = map[string][]mongo.IndexModel{
	collSessions: {
		{Keys: bson.D{{Key: "user_id", Value: 1}}, Options: options.Index().SetName("user_id")},
		{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at")},
	},
	collLimits: {
		{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at")},
	},
}

// ensureSchema creates the missing collections and indexes. Both steps are
// idempotent, so every start may run them.
func (s *Store) ensureSchema(ctx context.Context) error {
	existing, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return translate("store.ensureSchema", err)
	}
	have := map[string]bool{}
	for _, name := range existing {
		have[name] = true
	}
	for _, name := range collections {
		if have[name] {
			continue
		}
		err := s.db.CreateCollection(ctx, name)
		var ce mongo.CommandError
		if err != nil && !(errors.As(err, &ce) && ce.Name == "NamespaceExists") {
			return fmt.Errorf("store: create collection %s: %w", name, translate("store.ensureSchema", err))
		}
	}
	for name, models := range indexes {
		if err := s.ensureIndexes(ctx, s.db.Collection(name), models); err != nil {
			return fmt.Errorf("store: create indexes of %s: %w", name, err)
		}
	}
	return nil
}

// ensureIndexes creates the indexes of coll that do not exist yet, one at a
// time: FerretDB 1.24 panics (and drops the connection) when one
// createIndexes command names several indexes that already exist.
func (s *Store) ensureIndexes(ctx context.Context, coll *mongo.Collection, models []mongo.IndexModel) error {
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil {
		return translate("store.ensureIndexes", err)
	}
	have := map[string]bool{}
	for _, spec := range specs {
		have[spec.Name] = true
	}
	for _, m := range models {
		if name := m.Options.Name; name != nil && have[*name] {
			continue
		}
		if _, err := coll.Indexes().CreateOne(ctx, m); err != nil {
			return translate("store.ensureIndexes", err)
		}
	}
	return nil
}

// Collections returns the names of the collections the store uses.
func Collections() []string { return append([]string(nil), collections...) }
