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
	collMails, collMailPrefs, collMailDigests, collInboxes, collInboxItems, collInboxKeys, collTokens, collSaved, collThreads, collMessages, collNotes, collFavourites,
	collMedia, collMediaOwner, collImports, collImportRows, collIdentities, collImportJournal, collImportChunks, collPublications,
	models.CollTeams, models.CollCalls, models.CollEntries, models.CollMilestones, collReviews, collUntold}

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
	// The orphans' sweep of the janitor.
	collMedia: {
		{Keys: bson.D{{Key: "attached_to", Value: 1}, {Key: "created_at", Value: 1}}, Options: options.Index().SetName("attached_created")},
	},
	// An import's lookup of its rows, on the embedded database a scan of
	// one kind's; a report's lookup of its talent's linked document.
	collImportRows: {
		{Keys: bson.D{{Key: "kind", Value: 1}}, Options: options.Index().SetName("kind")},
	},
	collIdentities: {
		{Keys: bson.D{{Key: "talent_id", Value: 1}}, Options: options.Index().SetName("talent_id")},
	},
	// One publication per period: the figures of a period never change.
	collPublications: {
		{Keys: bson.D{{Key: "period", Value: 1}}, Options: options.Index().SetName("period").SetUnique(true)},
	},
	// A call's entries and reviews, a team's milestones: read by the
	// call's and the team's pages (scans on the embedded database).
	models.CollEntries: {
		{Keys: bson.D{{Key: "call_id", Value: 1}}, Options: options.Index().SetName("call_id")},
	},
	collReviews: {
		{Keys: bson.D{{Key: "call_id", Value: 1}}, Options: options.Index().SetName("call_id")},
	},
	models.CollMilestones: {
		{Keys: bson.D{{Key: "team_id", Value: 1}}, Options: options.Index().SetName("team_id")},
	},
	models.CollAudit: {
		{Keys: bson.D{{Key: "resource_id", Value: 1}}, Options: options.Index().SetName("resource_id")},
		{Keys: bson.D{{Key: "actor_id", Value: 1}}, Options: options.Index().SetName("actor_id")},
	},
}

// ttlCollections hold documents with an expires_at after which they are
// dead: on MongoDB their expires_at index is a TTL index, so that the
// server deletes them (within a minute or so of expiring) whatever the
// uptime of the processes; the janitor's PurgeExpired does it on the
// embedded database, whose FerretDB answers NotImplemented to
// expireAfterSeconds.
var ttlCollections = []string{collSessions, collLimits, collTokens}

// versionScanIndex names the index {_id: 1, version: 1} of every feed
// collection on MongoDB: it covers the reconcile's scan of the versions
// (Versions, a find of every document projected to _id and version), which
// an index hint then answers from the index alone instead of fetching
// every document. The embedded database scans whatever the indexes (only
// an {_id} filter reaches SQLite), so it does not get this one, which
// every write would have to update.
const versionScanIndex = "version_scan"

// indexSpecs returns the indexes to create: those of indexes, and on
// MongoDB the TTL and version-scan indexes too.
func indexSpecs(onMongo bool) map[string][]mongo.IndexModel {
	specs := make(map[string][]mongo.IndexModel, len(indexes)+len(models.FeedCollections))
	for name, list := range indexes {
		specs[name] = append([]mongo.IndexModel(nil), list...)
	}
	if !onMongo {
		return specs
	}
	for _, name := range ttlCollections {
		for i, m := range specs[name] {
			if m.Options.Name != nil && *m.Options.Name == "expires_at" {
				specs[name][i].Options = options.Index().SetName("expires_at").SetExpireAfterSeconds(0)
			}
		}
	}
	// The notices' sweep looks for the few accounts and messages that
	// hold an untold notice; on MongoDB a sparse index finds them without
	// a scan (the embedded database keeps entries instead: untold.go).
	specs[collUsers] = append(specs[collUsers], mongo.IndexModel{Keys: bson.D{{Key: "notices", Value: 1}},
		Options: options.Index().SetName("untold_notices").SetSparse(true)})
	specs[collMessages] = append(specs[collMessages], mongo.IndexModel{Keys: bson.D{{Key: "untold", Value: 1}},
		Options: options.Index().SetName("untold").SetSparse(true)})
	for _, name := range models.FeedCollections {
		specs[name] = append(specs[name], mongo.IndexModel{
			Keys:    bson.D{{Key: "_id", Value: 1}, {Key: "version", Value: 1}},
			Options: options.Index().SetName(versionScanIndex),
		})
	}
	return specs
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
	// A new database has nothing untold without its entry.
	if !have[collUsers] {
		if err := s.markUntoldKept(ctx, untoldNoticesKept); err != nil {
			return err
		}
	}
	if !have[collMessages] {
		if err := s.markUntoldKept(ctx, untoldMessagesKept); err != nil {
			return err
		}
	}
	for name, specs := range indexSpecs(s.locks == nil) {
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
// createIndexes command names several indexes that already exist. An
// index that exists without the TTL its spec asks for (made by an older
// version) is given it (ensureTTL).
func (s *Store) ensureIndexes(ctx context.Context, coll *mongo.Collection, specs []mongo.IndexModel) error {
	existing, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil {
		return translate("store.ensureIndexes", err)
	}
	have := map[string]*mongo.IndexSpecification{}
	for _, spec := range existing {
		have[spec.Name] = spec
	}
	for _, m := range specs {
		if name := m.Options.Name; name != nil && have[*name] != nil {
			if err := s.ensureTTL(ctx, coll, have[*name], m); err != nil {
				return err
			}
			continue
		}
		_, err := coll.Indexes().CreateOne(ctx, m)
		if err != nil && m.Options.ExpireAfterSeconds != nil && isNotImplemented(err) {
			// A FerretDB named by MONGODB_URI: the plain index, and the
			// janitor's purge.
			s.log.Warn("store: this database has no TTL indexes; expired documents are purged by the janitor",
				"collection", coll.Name(), "error", err)
			plain := *m.Options
			plain.ExpireAfterSeconds = nil
			_, err = coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: m.Keys, Options: &plain})
		}
		if err != nil {
			return translate("store.ensureIndexes", err)
		}
	}
	return nil
}

// ensureTTL gives the existing index have the expireAfterSeconds that m
// asks for, if it lacks it, with collMod (MongoDB 5.1 and later can so
// turn a plain index into a TTL one). Where that fails the index stays as
// it is, with a warning: the janitor's purge still deletes what expired,
// and dropping an index under other running processes is the operator's
// call.
func (s *Store) ensureTTL(ctx context.Context, coll *mongo.Collection, have *mongo.IndexSpecification, m mongo.IndexModel) error {
	want := m.Options.ExpireAfterSeconds
	if want == nil || (have.ExpireAfterSeconds != nil && *have.ExpireAfterSeconds == *want) {
		return nil
	}
	err := s.db.RunCommand(ctx, bson.D{{Key: "collMod", Value: coll.Name()},
		{Key: "index", Value: bson.D{{Key: "name", Value: have.Name}, {Key: "expireAfterSeconds", Value: *want}}}}).Err()
	if err == nil {
		s.log.Info("store: made an index a TTL index", "collection", coll.Name(), "index", have.Name)
		return nil
	}
	if terr := translate("store.ensureTTL", err); models.IsCode(terr, models.CodeUnavailable) {
		return terr
	}
	if isNotImplemented(err) { // a FerretDB named by MONGODB_URI
		s.log.Warn("store: this database has no TTL indexes; expired documents are purged by the janitor",
			"collection", coll.Name(), "error", err)
		return nil
	}
	s.log.Warn("store: could not make an index a TTL index (MongoDB before 5.1 cannot: drop it and restart to have it made anew); expired documents are purged by the janitor",
		"collection", coll.Name(), "index", have.Name, "error", err)
	return nil
}

// Collections returns the names of the collections the store uses.
func Collections() []string { return append([]string(nil), collections...) }
