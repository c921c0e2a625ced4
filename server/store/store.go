// Package store keeps talenthub's records in MongoDB through the official
// driver (v1). It works unchanged on a real MongoDB and on the embedded
// FerretDB, whose defects (docs/architecture.md "Data") shape it:
//
//   - every hot lookup is an exact {_id} filter, the only filter FerretDB
//     hands to SQLite; natural keys are made into _ids for that reason
//     (a session's token hash, a normalised email, a talent's owner);
//   - single-document updates are not atomic on FerretDB, so on the embedded
//     database every read-modify-write of one document holds a per-document
//     lock (SerializeWrites). On MongoDB the same code is an optimistic
//     compare-and-swap on the document's version instead.
//
// bson documents are separate types from the models, crossed by named
// converters (toTalent, toTalentDoc), and driver errors become models errors
// here and nowhere else. The package imports models and the driver only.
package store

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/x/mongo/driver/topology"

	"github.com/szdc/talenthub/models"
)

// Options configure Open.
type Options struct {
	// URI is the mongodb:// address.
	URI string
	// Database is the database name.
	Database string
	// SerializeWrites takes a per-document lock around every
	// read-modify-write. Required on the embedded database, where one
	// process owns the data; unnecessary on MongoDB.
	SerializeWrites bool
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// ServerSelectionTimeout bounds how long an operation waits for a
	// database it cannot reach (on a replica set: for a primary) before
	// failing with CodeUnavailable. If zero: the URI's
	// serverSelectionTimeoutMS, else 30s, MongoDB's own default: longer
	// than an election (up to about 12 s), so that a failover delays the
	// operations instead of failing them. A request's own deadline
	// (REQUEST_TIMEOUT) still ends it sooner; tests may shorten this.
	ServerSelectionTimeout time.Duration
	// Logger receives the store's warnings (slog.Default() if nil).
	Logger *slog.Logger
	// Feed chooses the change feed's source: FeedAuto (change streams on
	// a replica set), FeedChanges or FeedStreams.
	Feed string
	// AuthCacheTTL is how long a session or user read is reused (see
	// authCache): 30s if zero with SerializeWrites (one process sees
	// every write), 2s if zero otherwise; negative turns the cache off.
	AuthCacheTTL time.Duration
	// File, if set, reads the embedded database's own file where FerretDB
	// would decode every document of a collection to answer: the versions
	// of a reconciliation (Store.Versions) and the change feed
	// (Store.ChangesAfter). embeddb.Server.Reader.
	File FileReader
}

// FileReader reads a database's documents without the driver (the
// embedded database's file: embeddb.Reader).
type FileReader interface {
	// Versions calls fn with the _id and version of every document of coll.
	Versions(ctx context.Context, coll string, fn func(id string, version int64) error) error
	// ReadAfter calls fn with the values of fields of the documents of coll
	// whose _id sorts after after, in _id order, at most limit.
	ReadAfter(ctx context.Context, coll, after string, limit int, fields []string, fn func(values []any) error) error
}

// defaultServerSelectionTimeout is Options.ServerSelectionTimeout when zero.
const defaultServerSelectionTimeout = 30 * time.Second

// Store is a talenthub database. It is safe for concurrent use.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	now    func() time.Time
	locks  *docLocks // nil on MongoDB
	// file is Options.File.
	file FileReader
	// replSet: the database is a MongoDB replica set (transactions);
	// streams: the feed is read from its change streams.
	replSet, streams bool
	// majority are the feed collections read with majority read concern
	// (change streams only).
	majority map[string]*mongo.Collection
	log      *slog.Logger

	users, emails, sessions, talents, limits, meta  *mongo.Collection
	orgs, bases, projects, applications, consents   *mongo.Collection
	recruitments, audit, changes, erasures, invites *mongo.Collection
	tokens                                          *mongo.Collection

	auth *authCache

	// noPipelines is set once the database has answered that it has no
	// update pipelines (a FerretDB named by MONGODB_URI): see LimitHit.
	noPipelines atomic.Bool

	observersMu sync.RWMutex
	observers   []func(context.Context, models.Change)
}

// Compile-time checks that Store implements the store interfaces.
var (
	_ models.UserStore    = (*Store)(nil)
	_ models.SessionStore = (*Store)(nil)
	_ models.LimitStore   = (*Store)(nil)
	_ models.TalentStore  = (*Store)(nil)
)

// Open connects to the database, checks that it answers, and creates the
// collections and indexes that are missing.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Database == "" {
		return nil, errors.New("store: no database name")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	co := options.Client().ApplyURI(opts.URI).SetAppName("talenthub")
	switch {
	case opts.ServerSelectionTimeout > 0:
		co.SetServerSelectionTimeout(opts.ServerSelectionTimeout)
	case co.ServerSelectionTimeout == nil: // not named by the URI either
		co.SetServerSelectionTimeout(defaultServerSelectionTimeout)
	}
	client, err := mongo.Connect(ctx, co)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	s := &Store{client: client, db: client.Database(opts.Database), now: opts.Now, log: opts.Logger, file: opts.File}
	if opts.SerializeWrites {
		s.locks = &docLocks{seed: maphash.MakeSeed()}
	}
	switch {
	case opts.AuthCacheTTL > 0:
		s.auth = newAuthCache(opts.AuthCacheTTL)
	case opts.AuthCacheTTL == 0 && opts.SerializeWrites:
		s.auth = newAuthCache(30 * time.Second)
	case opts.AuthCacheTTL == 0:
		s.auth = newAuthCache(2 * time.Second)
	}
	s.users = s.db.Collection(collUsers)
	s.emails = s.db.Collection(collUserEmails)
	s.sessions = s.db.Collection(collSessions)
	s.talents = s.db.Collection(collTalents)
	s.limits = s.db.Collection(collLimits)
	s.meta = s.db.Collection(collMeta)
	s.orgs = s.db.Collection(models.CollOrgs)
	s.bases = s.db.Collection(models.CollBases)
	s.projects = s.db.Collection(models.CollProjects)
	s.applications = s.db.Collection(models.CollApplications)
	s.consents = s.db.Collection(collConsents)
	s.recruitments = s.db.Collection(models.CollRecruitments)
	s.audit = s.db.Collection(models.CollAudit)
	s.changes = s.db.Collection(collChanges)
	s.erasures = s.db.Collection(collErasures)
	s.invites = s.db.Collection(collInvites)
	s.tokens = s.db.Collection(collTokens)

	if err := s.Ping(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := s.useFeed(ctx, opts.Feed); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	if err := s.ensureSchema(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// Close disconnects from the database.
func (s *Store) Close(ctx context.Context) error {
	return s.client.Disconnect(ctx)
}

// Ping checks that the database answers; it returns CodeUnavailable if not.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err(); err != nil {
		return &models.Error{Code: models.CodeUnavailable, Message: "the database does not answer", Op: "store.Ping", Err: err}
	}
	return nil
}

// PingRefused tells, of an error of Ping, a database that refused or
// dropped the connection (nothing listening at its address, a process that
// died) from one that did not answer in time: a slow database, a network
// path that went silent, or a replica set electing a primary (the ping
// waits for a primary while its members still answer heartbeats). A
// refused ping is one whose server selection failed with every known
// member's last heartbeat refused, or a network error that is not a
// timeout; a failure it cannot tell is not called refused.
func PingRefused(err error) bool {
	var sse topology.ServerSelectionError
	if errors.As(err, &sse) {
		servers := sse.Desc.Servers
		for _, srv := range servers {
			if srv.LastError == nil || mongo.IsTimeout(srv.LastError) {
				return false
			}
		}
		return len(servers) > 0
	}
	return mongo.IsNetworkError(err) && !mongo.IsTimeout(err)
}

// Database returns the name of the database.
func (s *Store) Database() string { return s.db.Name() }

// Drop deletes the whole database. Tests use it to clean up.
func (s *Store) Drop(ctx context.Context) error { return s.db.Drop(ctx) }

// nowUTC returns the clock at the millisecond precision of BSON dates, so
// that what an API call answers equals what a later read returns.
func (s *Store) nowUTC() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Meta is embedded in every document: the version that every write
// increments and the times. It is exported only because the bson codec
// skips unexported embedded structs.
type Meta struct {
	Version   int64     `bson:"version"`
	CreatedAt time.Time `bson:"created_at"`
	UpdatedAt time.Time `bson:"updated_at"`
}

func (m *Meta) meta() *Meta { return m }

type versioned interface{ meta() *Meta }

// idFilter is the only filter shape FerretDB answers from SQLite.
func idFilter(id any) bson.D { return bson.D{{Key: "_id", Value: id}} }

// casFilter selects the document only if it still has the version read.
// Under the per-document lock of the embedded database the version cannot
// have moved, and the plain {_id} filter is the one FerretDB can answer
// without a scan.
func (s *Store) casFilter(id any, version int64) bson.D {
	if s.locks != nil {
		return idFilter(id)
	}
	return bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}}
}

// casRetries bounds how often an unconditional update retries after losing
// a race on MongoDB.
const casRetries = 8

// update reads the document id of coll, lets fn change it, and writes it
// back with the next version, as one step that no other write of the same
// document can interleave. ifVersion 0 accepts any version. It returns the
// document as written.
func update[T any, P interface {
	*T
	versioned
}](ctx context.Context, s *Store, op string, coll *mongo.Collection, id any, ifVersion int64, fn func(P) error) (P, error) {
	unlock := s.locks.lock(coll.Name(), id)
	defer unlock()
	for range casRetries {
		var doc T
		if err := coll.FindOne(ctx, idFilter(id)).Decode(&doc); err != nil {
			return nil, translate(op, err)
		}
		p := P(&doc)
		m := p.meta()
		read := m.Version
		if ifVersion != 0 && read != ifVersion {
			return nil, stale(read)
		}
		if err := fn(p); err != nil {
			return nil, err
		}
		m.Version = read + 1
		m.UpdatedAt = s.nowUTC()
		res, err := coll.ReplaceOne(ctx, s.casFilter(id, read), p)
		if err != nil {
			return nil, translate(op, err)
		}
		if res.MatchedCount == 1 {
			return p, nil
		}
		// Another process wrote between our read and write (MongoDB only).
		if ifVersion != 0 {
			return nil, models.Errorf(models.CodePreconditionFailed, "the record was changed by someone else; reload it and try again")
		}
	}
	return nil, models.Errorf(models.CodeConflict, "the record is being changed by others; try again")
}

// remove deletes the document id of coll if it has version ifVersion (any
// version when 0).
func remove(ctx context.Context, s *Store, op string, coll *mongo.Collection, id any, ifVersion int64) error {
	unlock := s.locks.lock(coll.Name(), id)
	defer unlock()
	if ifVersion == 0 {
		// Any version: no need to read it first (and no race with a
		// concurrent update to lose on MongoDB).
		res, err := coll.DeleteOne(ctx, idFilter(id))
		if err == nil && res.DeletedCount == 0 {
			err = mongo.ErrNoDocuments
		}
		return translate(op, err)
	}
	var m Meta
	if err := coll.FindOne(ctx, idFilter(id), options.FindOne().SetProjection(bson.D{{Key: "version", Value: 1}})).Decode(&m); err != nil {
		return translate(op, err)
	}
	if m.Version != ifVersion {
		return stale(m.Version)
	}
	res, err := coll.DeleteOne(ctx, s.casFilter(id, m.Version))
	if err != nil {
		return translate(op, err)
	}
	if res.DeletedCount == 0 {
		return models.Errorf(models.CodePreconditionFailed, "the record was changed by someone else; reload it and try again")
	}
	return nil
}

// modelDoc is a bson document that converts to and from its model.
type modelDoc[M any] interface {
	versioned
	// model returns the model of the document, version and times included.
	model() *M
	// setModel sets every field from m but _id and Meta.
	setModel(m *M) error
}

// updateModel is update for documents of the change feed: fn changes the
// model, the document follows, and the change is recorded. A missing
// document is named what.
func updateModel[D any, P interface {
	*D
	modelDoc[M]
}, M any](ctx context.Context, s *Store, op, what string, coll *mongo.Collection, id any, ifVersion int64, fn func(*M) error) (*M, error) {
	d, err := update(ctx, s, op, coll, id, ifVersion, func(d P) error {
		m := d.model()
		if err := fn(m); err != nil {
			return err
		}
		return d.setModel(m)
	})
	if err != nil {
		return nil, notFoundAs(err, what)
	}
	m := d.model()
	s.changed(ctx, coll.Name(), idText(id), d.meta().Version, false, m)
	return m, nil
}

// insertModel stores m as a new document of the change feed with version 1,
// records the change and gives m its stored form (id, version, times).
func insertModel[D any, P interface {
	*D
	modelDoc[M]
}, M any](ctx context.Context, s *Store, op string, coll *mongo.Collection, id any, m *M, setID func(P)) error {
	now := s.nowUTC()
	d := P(new(D))
	if err := d.setModel(m); err != nil {
		return err
	}
	setID(d)
	*d.meta() = Meta{Version: 1, CreatedAt: now, UpdatedAt: now}
	if _, err := coll.InsertOne(ctx, d); err != nil {
		return translate(op, err)
	}
	out := d.model()
	*m = *out
	// The feed gets its own copy: observers may keep it while the caller
	// goes on with m.
	s.changed(ctx, coll.Name(), idText(id), 1, false, out)
	return nil
}

// removeModel deletes a document of the change feed and records the
// deletion (the tombstone that followers apply). A missing document is
// named what.
func removeModel(ctx context.Context, s *Store, op, what string, coll *mongo.Collection, id any, ifVersion int64) error {
	if err := remove(ctx, s, op, coll, id, ifVersion); err != nil {
		return notFoundAs(err, what)
	}
	s.changed(ctx, coll.Name(), idText(id), 0, true, nil)
	return nil
}

// findModel reads one document by _id and returns its model.
func findModel[M any, D any, P interface {
	*D
	modelDoc[M]
}](ctx context.Context, coll *mongo.Collection, op, what string, id any) (*M, error) {
	d := P(new(D))
	if err := coll.FindOne(ctx, idFilter(id)).Decode(d); err != nil {
		return nil, notFoundAs(translate(op, err), what)
	}
	return d.model(), nil
}

// The hex forms take the id as the API gives it: one that is not an
// ObjectID's hex names no document, without asking the database.

func findHex[M any, D any, P interface {
	*D
	modelDoc[M]
}](ctx context.Context, coll *mongo.Collection, op, what, id string) (*M, error) {
	oid, err := objectID(id)
	if err != nil {
		return nil, notFoundAs(err, what)
	}
	return findModel[M, D, P](ctx, coll, op, what, oid)
}

func updateHex[D any, P interface {
	*D
	modelDoc[M]
}, M any](ctx context.Context, s *Store, op, what string, coll *mongo.Collection, id string, ifVersion int64, fn func(*M) error) (*M, error) {
	oid, err := objectID(id)
	if err != nil {
		return nil, notFoundAs(err, what)
	}
	return updateModel[D, P](ctx, s, op, what, coll, oid, ifVersion, fn)
}

func removeHex(ctx context.Context, s *Store, op, what string, coll *mongo.Collection, id string, ifVersion int64) error {
	oid, err := objectID(id)
	if err != nil {
		return notFoundAs(err, what)
	}
	return removeModel(ctx, s, op, what, coll, oid, ifVersion)
}

// insertNew is insertModel under a new ObjectID.
func insertNew[D any, P interface {
	*D
	modelDoc[M]
}, M any](ctx context.Context, s *Store, op string, coll *mongo.Collection, m *M, setID func(P, primitive.ObjectID)) error {
	oid := primitive.NewObjectIDFromTimestamp(s.nowUTC())
	return insertModel[D, P](ctx, s, op, coll, oid, m, func(d P) { setID(d, oid) })
}

// findAll returns the models of every document of coll matching filter.
// Filters other than {_id} scan on the embedded database: for exports,
// erasures and maintenance, never for a hot path.
func findAll[M any, D any, P interface {
	*D
	modelDoc[M]
}](ctx context.Context, coll *mongo.Collection, op string, filter bson.D) ([]*M, error) {
	cur, err := coll.Find(ctx, filter)
	if err != nil {
		return nil, translate(op, err)
	}
	defer cur.Close(ctx)
	out := []*M{}
	for cur.Next(ctx) {
		d := P(new(D))
		if err := cur.Decode(d); err != nil {
			return nil, translate(op, err)
		}
		out = append(out, d.model())
	}
	return out, translate(op, cur.Err())
}

func optionsUpsert() *options.ReplaceOptions { return options.Replace().SetUpsert(true) }

// idText is the string form of a document id.
func idText(id any) string {
	if oid, ok := id.(primitive.ObjectID); ok {
		return oid.Hex()
	}
	return fmt.Sprint(id)
}

func stale(current int64) error {
	return models.Errorf(models.CodePreconditionFailed, "the record is at version %d; reload it and try again", current)
}

// docLocks serialises writes per document on the embedded database. It is
// striped: two documents may share a stripe, so a caller must never hold
// two locks at once (it could deadlock on itself).
type docLocks struct {
	seed    maphash.Seed
	stripes [1024]sync.Mutex
}

// lock locks the stripe of (coll, id) and returns its unlock. On a nil
// docLocks (MongoDB) it does nothing.
func (l *docLocks) lock(coll string, id any) func() {
	if l == nil {
		return func() {}
	}
	var h maphash.Hash
	h.SetSeed(l.seed)
	h.WriteString(coll)
	h.WriteByte(0)
	fmt.Fprint(&h, id)
	m := &l.stripes[h.Sum64()%uint64(len(l.stripes))]
	m.Lock()
	return m.Unlock
}

// found turns the outcome of a lookup into whether something was found:
// "not found" is an answer, not an error.
func found(op string, err error) (bool, error) {
	err = translate(op, err)
	if models.IsCode(err, models.CodeNotFound) {
		return false, nil
	}
	return err == nil, err
}

// translate turns a driver error into a models error. It is the only place
// that knows driver errors.
func translate(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return &models.Error{Code: models.CodeNotFound, Message: "not found", Op: op, Err: err}
	case mongo.IsDuplicateKeyError(err):
		return &models.Error{Code: models.CodeConflict, Message: "already exists", Op: op, Err: err}
	case isStorageFull(err):
		return &models.Error{Code: models.CodeStorageFull, Message: "the server's storage is full; the change was not made", Op: op, Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), mongo.IsTimeout(err):
		return &models.Error{Code: models.CodeUnavailable, Message: "the database did not answer in time", Op: op, Err: err}
	case mongo.IsNetworkError(err), errors.Is(err, mongo.ErrClientDisconnected), isServerSelection(err):
		return &models.Error{Code: models.CodeUnavailable, Message: "the database is unavailable", Op: op, Err: err}
	case isFailover(err):
		return &models.Error{Code: models.CodeUnavailable, Message: "the database is changing its primary; try again", Op: op, Err: err}
	}
	var me *models.Error
	if errors.As(err, &me) {
		return err
	}
	return models.Internal(op, err)
}

// storageFullCodes are MongoDB's errors of a full disk: OutOfDiskSpace
// (mongod refusing writes below its free-space floor).
var storageFullCodes = []int{14031}

// storageFullMessages are the words of a full disk in a server's error:
// SQLite's SQLITE_FULL as the embedded FerretDB passes it on (an
// InternalError, code 1, "… database or disk is full (13)": its code says
// nothing, only the words do), and the file system's ENOSPC and EDQUOT as
// strerror and Go spell them.
var storageFullMessages = []string{"database or disk is full", "no space left on device", "No space left on device",
	"disk quota exceeded", "Disk quota exceeded"}

// isStorageFull reports an error of a write refused because the disk is
// full. It is told apart from an internal error so that the client gets a
// 507 that says so, and from an unavailable database (the database answers
// and reads go on; the watch must not mark it down).
func isStorageFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var se mongo.ServerError
	if !errors.As(err, &se) {
		return false
	}
	for _, code := range storageFullCodes {
		if se.HasErrorCode(code) {
			return true
		}
	}
	for _, m := range storageFullMessages {
		if se.HasErrorMessage(m) {
			return true
		}
	}
	return false
}

// isDuplicate reports whether err is a translated unique-index violation.
func isDuplicate(err error) bool {
	var me *models.Error
	return errors.As(err, &me) && me.Err != nil && mongo.IsDuplicateKeyError(me.Err)
}

// failoverCodes are the errors of a replica set that is electing a primary,
// stepping one down or shutting a member down, and of a write concern
// that was not met: the request may succeed when retried.
var failoverCodes = []int{
	91,    // ShutdownInProgress
	189,   // PrimarySteppedDown
	10107, // NotWritablePrimary
	11600, // InterruptedAtShutdown
	11602, // InterruptedDueToReplStateChange
	13435, // NotPrimaryNoSecondaryOk
	13436, // NotPrimaryOrSecondary
	64,    // WriteConcernFailed
}

// isFailover reports an error of a failover or an unmet write concern.
func isFailover(err error) bool {
	var we mongo.WriteException
	if errors.As(err, &we) && we.WriteConcernError != nil {
		return true
	}
	var se mongo.ServerError
	if !errors.As(err, &se) {
		return false
	}
	if se.HasErrorLabel("RetryableWriteError") || se.HasErrorLabel("TransientTransactionError") {
		return true
	}
	for _, code := range failoverCodes {
		if se.HasErrorCode(code) {
			return true
		}
	}
	return false
}

func isServerSelection(err error) bool {
	var sse topology.ServerSelectionError
	return errors.As(err, &sse)
}
