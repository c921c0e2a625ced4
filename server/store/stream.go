package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readconcern"

	"github.com/szdc/talenthub/models"
)

// The feed's two sources. On a MongoDB replica set the followers read
// change streams: ordered by commit (not by the writers' clocks), only
// majority-committed changes, nothing lost between a write and its entry
// (the entry is the oplog's), resumable from a token. Elsewhere (the
// embedded database, a standalone mongod) they read the changes collection
// through models.SeqFeed: entries stamped by the writer's clock, re-read
// over an overlap window, repaired by the periodic reconcile when an entry
// was lost.
const (
	// FeedAuto picks change streams on a replica set, the changes
	// collection otherwise.
	FeedAuto = ""
	// FeedChanges always reads the changes collection.
	FeedChanges = "changes"
	// FeedStreams requires change streams (a replica set).
	FeedStreams = "streams"
)

// useFeed decides the feed's source at Open.
func (s *Store) useFeed(ctx context.Context, want string) error {
	switch want {
	case FeedAuto, FeedChanges, FeedStreams:
	default:
		return fmt.Errorf("store: unknown feed source %q", want)
	}
	if s.locks != nil && want != FeedStreams {
		return nil // the embedded database: no change streams, no transactions
	}
	var hello struct {
		SetName string `bson:"setName"`
	}
	if err := s.db.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return fmt.Errorf("store: hello: %w", translate("store.Open", err))
	}
	s.replSet = hello.SetName != ""
	if !s.replSet || want == FeedChanges {
		if want == FeedStreams {
			return errors.New("store: change streams need a MongoDB replica set")
		}
		if !s.replSet {
			s.log.Warn("MongoDB is not a replica set: the change feed is the changes collection, ordered by the writers' clocks; no transactions")
		}
		return nil
	}
	s.streams = true
	// Followers read only what a majority has, so that nothing a
	// rollback undoes is indexed or counted.
	s.majority = map[string]*mongo.Collection{}
	for _, c := range models.FeedCollections {
		s.majority[c] = s.db.Collection(c, options.Collection().SetReadConcern(readconcern.Majority()))
	}
	return nil
}

// Streams reports whether the feed comes from change streams.
func (s *Store) Streams() bool { return s.streams }

func (s *Store) seqFeed() models.SeqFeed { return models.SeqFeed{Log: s, Now: s.nowUTC} }

// FeedFrom implements models.FeedSource. A change stream resumes exactly
// where it stopped: no overlap, and a lost history shows when it is read.
func (s *Store) FeedFrom(ctx context.Context, cursor string) (string, bool, error) {
	if s.streams {
		return cursor, false, nil
	}
	return s.seqFeed().FeedFrom(ctx, cursor)
}

// ReadFeed implements models.FeedSource.
func (s *Store) ReadFeed(ctx context.Context, from string, limit int) (models.FeedRead, error) {
	if s.streams {
		return s.readStream(ctx, from, limit)
	}
	return s.seqFeed().ReadFeed(ctx, from, limit)
}

// FeedPosition implements models.FeedSource.
func (s *Store) FeedPosition(ctx context.Context) (string, error) {
	if !s.streams {
		return s.seqFeed().FeedPosition(ctx)
	}
	cs, err := s.db.Watch(ctx, streamPipeline(), options.ChangeStream().SetMaxAwaitTime(streamWait))
	if err != nil {
		return "", translate("store.FeedPosition", err)
	}
	defer cs.Close(context.WithoutCancel(ctx))
	// The initial batch's resume token is the stream's position now.
	tok := cs.ResumeToken()
	if tok == nil {
		cs.TryNext(ctx)
		if tok = cs.ResumeToken(); tok == nil {
			return "", translate("store.FeedPosition", cs.Err())
		}
	}
	return tokenCursor(tok, ""), nil
}

// streamWait bounds how long a read of the stream waits for a change that
// is not there: a follower polls every second anyway.
const streamWait = 50 * time.Millisecond

// streamPipeline keeps the feed collections' inserts, updates, replaces
// and deletes, and of each only what a follower needs.
func streamPipeline() mongo.Pipeline {
	colls := bson.A{}
	for _, c := range models.FeedCollections {
		colls = append(colls, c)
	}
	return mongo.Pipeline{
		{{Key: "$match", Value: bson.D{
			{Key: "ns.coll", Value: bson.D{{Key: "$in", Value: colls}}},
			{Key: "operationType", Value: bson.D{{Key: "$in", Value: bson.A{"insert", "update", "replace", "delete"}}}},
		}}},
		{{Key: "$project", Value: bson.D{
			{Key: "operationType", Value: 1}, {Key: "ns", Value: 1}, {Key: "documentKey", Value: 1}, {Key: "clusterTime", Value: 1},
			{Key: "fullDocument.version", Value: 1}, {Key: "updateDescription.updatedFields.version", Value: 1},
		}}},
	}
}

// streamEvent is a change event as streamPipeline leaves it.
type streamEvent struct {
	ID            bson.Raw            `bson:"_id"`
	OperationType string              `bson:"operationType"`
	ClusterTime   primitive.Timestamp `bson:"clusterTime"`
	NS            struct {
		Coll string `bson:"coll"`
	} `bson:"ns"`
	DocumentKey struct {
		ID any `bson:"_id"`
	} `bson:"documentKey"`
	FullDocument struct {
		Version int64 `bson:"version"`
	} `bson:"fullDocument"`
	UpdateDescription struct {
		UpdatedFields struct {
			Version int64 `bson:"version"`
		} `bson:"updatedFields"`
	} `bson:"updateDescription"`
}

// change is the feed entry of an event. Its version is the one written (0
// when the event does not say: the follower then reads the document).
func (e streamEvent) change() models.Change {
	v := e.FullDocument.Version
	if e.OperationType == "update" {
		v = e.UpdateDescription.UpdatedFields.Version
	}
	return models.Change{
		Seq: tokenCursor(e.ID, fmt.Sprintf("%08x%08x", e.ClusterTime.T, e.ClusterTime.I)), Coll: e.NS.Coll,
		ID: idText(e.DocumentKey.ID), Version: v, Deleted: e.OperationType == "delete",
		At: time.Unix(int64(e.ClusterTime.T), 0).UTC(),
	}
}

// A stream cursor is the cluster time of its position in sixteen hex
// digits (seconds, then the increment), a dot and the resume token's
// data: it sorts in commit order, begins with its Unix second like the
// changes collection's sequences (models.SeqTime), and resumes the stream
// exactly. A cursor of the time alone (or an older sequence of the changes
// collection, read as its second) starts the stream at that time.
func tokenCursor(tok bson.Raw, at string) string {
	data, ok := tok.Lookup("_data").StringValueOK()
	if !ok {
		return at
	}
	if at == "" {
		at = tokenTime(data)
	}
	return at + "." + data
}

// tokenTime reads the cluster time at the head of a resume token's data
// (the key string of a Timestamp: type byte 0x82, then seconds and
// increment, big-endian).
func tokenTime(data string) string {
	if len(data) < 18 || data[:2] != "82" {
		return "0000000000000000"
	}
	n, err := strconv.ParseUint(data[2:18], 16, 64)
	if err != nil {
		return "0000000000000000"
	}
	// The server writes upper-case hex; cursors compare as lower-case.
	return fmt.Sprintf("%016x", n)
}

// parseStreamCursor splits a stream cursor.
func parseStreamCursor(cursor string) (at primitive.Timestamp, token string) {
	head := cursor
	if i := len(cursor); i > 17 && cursor[16] == '.' {
		head, token = cursor[:16], cursor[17:]
	}
	if len(head) == 16 {
		if n, err := strconv.ParseUint(head, 16, 64); err == nil {
			return primitive.Timestamp{T: uint32(n >> 32), I: uint32(n)}, token
		}
	}
	return primitive.Timestamp{T: uint32(models.SeqTime(cursor).Unix())}, ""
}

// readStream reads up to limit changes after from.
func (s *Store) readStream(ctx context.Context, from string, limit int) (models.FeedRead, error) {
	opts := options.ChangeStream().SetMaxAwaitTime(streamWait).SetBatchSize(int32(min(limit, 10_000)))
	at, token := parseStreamCursor(from)
	switch {
	case token != "":
		opts.SetStartAfter(bson.D{{Key: "_data", Value: token}})
	case from != "":
		opts.SetStartAtOperationTime(&at)
	}
	cs, err := s.db.Watch(ctx, streamPipeline(), opts)
	if err != nil {
		return models.FeedRead{}, streamError(err)
	}
	defer cs.Close(context.WithoutCancel(ctx))
	read := models.FeedRead{Next: from}
	for len(read.Changes) < limit && cs.TryNext(ctx) {
		var e streamEvent
		if err := cs.Decode(&e); err != nil {
			return models.FeedRead{}, fmt.Errorf("store: change stream: %w", err)
		}
		read.Changes = append(read.Changes, e.change())
	}
	if err := cs.Err(); err != nil {
		return models.FeedRead{}, streamError(err)
	}
	if n := len(read.Changes); n == limit {
		read.Next = max(read.Next, read.Changes[n-1].Seq)
	} else if tok := cs.ResumeToken(); tok != nil {
		// Read to the end: the batch's token passes over the idle time.
		read.Next = max(read.Next, tokenCursor(tok, ""))
	}
	return read, nil
}

// streamError translates a change stream's error; a history that rolled
// off the oplog (or a resume the server can no longer do) is a lost feed.
func streamError(err error) error {
	if isHistoryLost(err) {
		return fmt.Errorf("store: change stream: %w (%v)", models.ErrFeedLost, err)
	}
	return translate("store.ReadFeed", err)
}

func isHistoryLost(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && (se.HasErrorCode(286) || se.HasErrorCode(280)) // ChangeStreamHistoryLost, ChangeStreamFatalError
}

// readFeedColl is c as followers read it (majority reads on a replica
// set).
func (s *Store) readFeedColl(c *mongo.Collection) *mongo.Collection {
	if m, ok := s.majority[c.Name()]; ok {
		return m
	}
	return c
}

// ReplicaSet reports whether the database is a MongoDB replica set, where
// Atomically runs transactions.
func (s *Store) ReplicaSet() bool { return s.replSet }
