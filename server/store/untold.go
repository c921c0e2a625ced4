package store

import (
	"context"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// On the embedded database a filter on anything but _id decodes the whole
// collection, so finding the few accounts that hold an untold security
// notice, or the few messages marked untold, meant decoding every account
// and message (at a million accounts, most of a minute of CPU after every
// crash). There the store keeps an entry per untold notice and message,
// written before the change that holds it and removed once it is told:
// the sweep reads these entries and looks each one up by _id. An entry
// says where to look, never what to tell: what is told is read from the
// account or the message itself, so an entry left behind by a change that
// never landed (a failure, a crash between the two writes) tells nothing
// and is dropped.
//
// On MongoDB sparse indexes on the same fields find them without a scan,
// whichever process or release wrote them, so no entries are kept there.
const collUntold = "untold" // _id: "notice:<account>/<key>" or "message:<id>"

const (
	untoldNotice  = "notice:"
	untoldMessage = "message:"
)

// Markers of a database in which every untold notice (or message) has its
// entry: set when the entries' collection is made with the accounts' (a new
// database), or by the first sweep of a database from a release that kept
// none, which scans once and writes the entries it finds.
const (
	untoldNoticesKept  = "untold_notices_kept"
	untoldMessagesKept = "untold_messages_kept"
)

// untoldGrace is how long an entry whose account or message shows nothing
// untold is kept: its change may be between its two writes. An entry is
// written just before its change, under the document's lock, so a second
// would do; a minute leaves room for a stalled write.
const untoldGrace = time.Minute

type untoldDoc struct {
	ID  string    `bson:"_id"`
	Ref string    `bson:"ref"` // the account's or the message's id
	At  time.Time `bson:"at"`
}

// keepsUntold reports whether this store keeps the untold entries: the
// embedded database (one process, serialised writes).
func (s *Store) keepsUntold() bool { return s.locks != nil }

// noteUntold writes the entry id (a prefix and a key) pointing at ref,
// before the write that makes it untold. Idempotent: a retried write
// rewrites nothing.
func (s *Store) noteUntold(ctx context.Context, op, id, ref string) error {
	if !s.keepsUntold() {
		return nil
	}
	_, err := s.db.Collection(collUntold).UpdateOne(ctx, idFilter(id),
		bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "ref", Value: ref}, {Key: "at", Value: s.nowUTC()}}}},
		options.Update().SetUpsert(true))
	return translate(op, err)
}

// toldUntold removes the entry id once what it points at is told.
func (s *Store) toldUntold(ctx context.Context, op, id string) error {
	if !s.keepsUntold() {
		return nil
	}
	_, err := s.db.Collection(collUntold).DeleteOne(ctx, idFilter(id))
	return translate(op, err)
}

// untoldEntries returns the entries of prefix, and whether they can be
// trusted to name every untold thing of their kind (the marker kept).
// The collection holds only what is untold now, a handful: a scan of it
// is cheap.
func (s *Store) untoldEntries(ctx context.Context, op, prefix, kept string) ([]untoldDoc, bool, error) {
	if !s.keepsUntold() {
		return nil, false, nil
	}
	ok, err := s.Marked(ctx, kept)
	if err != nil || !ok {
		return nil, false, err
	}
	cur, err := s.db.Collection(collUntold).Find(ctx, bson.D{})
	if err != nil {
		return nil, false, translate(op, err)
	}
	var all []untoldDoc
	if err := cur.All(ctx, &all); err != nil {
		return nil, false, translate(op, err)
	}
	out := all[:0]
	for _, d := range all {
		if strings.HasPrefix(d.ID, prefix) {
			out = append(out, d)
		}
	}
	return out, true, nil
}

// dropStale removes the entry d, which points at nothing untold, once it
// is older than untoldGrace.
func (s *Store) dropStale(ctx context.Context, op string, d untoldDoc) error {
	if s.nowUTC().Sub(d.At) < untoldGrace {
		return nil
	}
	return s.toldUntold(ctx, op, d.ID)
}

// markUntoldKept sets marker once a scan has written the entries of
// everything untold it found (a database from a release that kept none).
func (s *Store) markUntoldKept(ctx context.Context, marker string) error {
	if !s.keepsUntold() {
		return nil
	}
	return s.Mark(ctx, marker)
}

// NothingUntold records that nothing is untold (the process owning the
// embedded database stopped cleanly, with every notice told), so that
// the sweeps rely on the entries from now on.
func (s *Store) NothingUntold(ctx context.Context) error {
	if err := s.markUntoldKept(ctx, untoldNoticesKept); err != nil {
		return err
	}
	return s.markUntoldKept(ctx, untoldMessagesKept)
}

// UntoldKept reports whether the sweeps rely on the untold entries: the
// embedded database, once it is known that nothing untold lacks its entry.
func (s *Store) UntoldKept(ctx context.Context) (bool, error) {
	if !s.keepsUntold() {
		return false, nil
	}
	for _, m := range []string{untoldNoticesKept, untoldMessagesKept} {
		if ok, err := s.Marked(ctx, m); err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}
