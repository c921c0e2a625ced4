package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

// The collections of talenthub.
const (
	collUsers      = "users"
	collUserEmails = "user_emails" // _id: normalised email → user_id; makes login an _id lookup
	collSessions   = "sessions"    // _id: SHA-256 of the token
	collTalents    = "talents"     // _id: the owner's user id
	collLimits     = "login_limits"
	collMeta       = "meta"            // markers, secrets and the taxonomy
	collConsents   = "consents"        // _id: talent_id:org_id
	collChanges    = "changes"         // the change feed
	collErasures   = "erasures"        // erasures of creators' data, until complete
	collInvites    = "org_invitations" // _id: org_id:user_id, until answered
	collTokens     = "account_tokens"  // _id: SHA-256 of a mailed token (password reset, email verification)
)

// collections lists every collection, so that Open creates them all and the
// embedded database's _id repair can index each one.
var collections = []string{collUsers, collUserEmails, collSessions, collTalents, collLimits, collMeta,
	models.CollOrgs, models.CollBases, models.CollProjects, models.CollApplications, collConsents,
	models.CollRecruitments, models.CollAudit, collChanges, collErasures, collTargets, collInvites,
	collMails, collMailPrefs, collMailDigests, collInboxes, collInboxItems, collInboxKeys, collTokens, collSaved, collThreads, collMessages, collNotes, collFavourites}

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
	collTokens: {
		{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at")},
	},
	// Uniqueness that the embedded database does enforce: one application
	// per talent and project, one report per talent, organisation and date.
	models.CollApplications: {
		{Keys: bson.D{{Key: "project_id", Value: 1}, {Key: "talent_id", Value: 1}}, Options: options.Index().SetName("project_talent").SetUnique(true)},
		{Keys: bson.D{{Key: "talent_id", Value: 1}}, Options: options.Index().SetName("talent_id")},
	},
	models.CollRecruitments: {
		{Keys: bson.D{{Key: "talent_id", Value: 1}, {Key: "org_id", Value: 1}, {Key: "date", Value: 1}}, Options: options.Index().SetName("talent_org_date").SetUnique(true)},
	},
	collConsents: {
		{Keys: bson.D{{Key: "talent_id", Value: 1}}, Options: options.Index().SetName("talent_id")},
	},
	models.CollBases: {
		{Keys: bson.D{{Key: "pending_operator_org_ids", Value: 1}}, Options: options.Index().SetName("pending_operator_org_ids")},
	},
	collInvites: {
		{Keys: bson.D{{Key: "org_id", Value: 1}}, Options: options.Index().SetName("org_id")},
		{Keys: bson.D{{Key: "user_id", Value: 1}}, Options: options.Index().SetName("user_id")},
	},
	// The sender's scan of unfinished mail at start, on MongoDB.
	collMails: {
		{Keys: bson.D{{Key: "state", Value: 1}, {Key: "next_at", Value: 1}}, Options: options.Index().SetName("state_next_at")},
	},
	models.CollAudit: {
		{Keys: bson.D{{Key: "resource_id", Value: 1}}, Options: options.Index().SetName("resource_id")},
		{Keys: bson.D{{Key: "actor_id", Value: 1}}, Options: options.Index().SetName("actor_id")},
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
	for name, specs := range indexes {
		if err := s.ensureIndexes(ctx, s.db.Collection(name), specs); err != nil {
			return fmt.Errorf("store: create indexes of %s: %w", name, err)
		}
	}
	// The key of erased talents' pseudonyms exists from the first start.
	if _, err := s.Secret(ctx, models.SecretPseudonym); err != nil {
		return fmt.Errorf("store: the pseudonym key: %w", err)
	}
	return nil
}

var errBadSecret = errors.New("a secret of the meta collection is not 32 bytes")

// ensureIndexes creates the indexes of coll that do not exist yet, one at a
// time: FerretDB 1.24 panics (and drops the connection) when one
// createIndexes command names several indexes that already exist.
func (s *Store) ensureIndexes(ctx context.Context, coll *mongo.Collection, specs []mongo.IndexModel) error {
	existing, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil {
		return translate("store.ensureIndexes", err)
	}
	have := map[string]bool{}
	for _, spec := range existing {
		have[spec.Name] = true
	}
	for _, m := range specs {
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
