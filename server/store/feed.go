package store

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

// changeDoc is one entry of the change feed. Its _id is an ObjectID, so the
// feed is ordered by time of writing and a follower can step through it.
type changeDoc struct {
	ID      primitive.ObjectID `bson:"_id"`
	Coll    string             `bson:"coll"`
	DocID   string             `bson:"doc_id"`
	Version int64              `bson:"version"`
	Deleted bool               `bson:"deleted"`
	At      time.Time          `bson:"at"`
}

var (
	_ models.FeedSource = (*Store)(nil)
	_ models.SeqLog     = (*Store)(nil)
)

// Observe registers fn to be called, in the writing goroutine, after every
// write to a collection of the change feed, with the document written. The
// search index registers here so that the process that takes a write
// indexes it before it answers. Register before serving.
func (s *Store) Observe(fn func(context.Context, models.Change)) {
	s.observersMu.Lock()
	defer s.observersMu.Unlock()
	s.observers = append(s.observers, fn)
}

// changed records a change in the feed and tells the observers. The
// document is already written: if recording fails, the reconciliation of
// followers (which compares versions) still finds the change, so the
// write is not undone or reported as failed.
func (s *Store) changed(ctx context.Context, coll, id string, version int64, deleted bool, doc any) {
	now := s.nowUTC()
	c := changeDoc{ID: primitive.NewObjectIDFromTimestamp(now), Coll: coll, DocID: id, Version: version, Deleted: deleted, At: now}
	unrecorded := false
	if _, err := s.changes.InsertOne(context.WithoutCancel(ctx), c); err != nil {
		s.log.WarnContext(ctx, "change feed: record lost; followers will reconcile", "coll", coll, "id", id, "error", err)
		// On change streams the feed is the oplog's and has the change;
		// the changes collection is only for a process of the previous
		// release.
		unrecorded = !s.streams
	}
	change := models.Change{Seq: c.ID.Hex(), Coll: coll, ID: id, Version: version, Deleted: deleted, At: now, Doc: doc, Unrecorded: unrecorded}
	if !deferred(ctx, change) {
		s.tell(ctx, change)
	}
}

// tell hands a change to the observers.
func (s *Store) tell(ctx context.Context, change models.Change) {
	s.observersMu.RLock()
	obs := s.observers
	s.observersMu.RUnlock()
	for _, fn := range obs {
		fn(ctx, change)
	}
}

// ChangesAfter implements models.SeqLog. On the embedded database the
// range filter scans the feed collection, which PruneChanges keeps short.
func (s *Store) ChangesAfter(ctx context.Context, seq string, limit int) ([]models.Change, error) {
	if s.file != nil {
		return s.changesFromFile(ctx, seq, limit)
	}
	filter := bson.D{}
	if seq != "" {
		after, err := primitive.ObjectIDFromHex(seq)
		if err != nil {
			return nil, fmt.Errorf("store: bad feed sequence %q: %w", seq, err)
		}
		filter = bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}}
	}
	cur, err := s.changes.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate("store.ChangesAfter", err)
	}
	var docs []changeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("store.ChangesAfter", err)
	}
	out := make([]models.Change, len(docs))
	for i, d := range docs {
		out[i] = models.Change{Seq: d.ID.Hex(), Coll: d.Coll, ID: d.DocID, Version: d.Version, Deleted: d.Deleted, At: d.At}
	}
	return out, nil
}

// changeFields are the fields of a changeDoc, by their names in the
// database, in the order changesFromFile reads them.
var changeFields = []string{"_id", "coll", "doc_id", "version", "deleted", "at"}

// changesFromFile is ChangesAfter read from the embedded database's file:
// FerretDB answers the driver's query by decoding and sorting the whole
// feed in Go, for every read of every follower (a quarter of the server's
// CPU under load, BENCHMARKS.md "Reading the feed from the file").
func (s *Store) changesFromFile(ctx context.Context, seq string, limit int) ([]models.Change, error) {
	if seq != "" {
		if _, err := primitive.ObjectIDFromHex(seq); err != nil {
			return nil, fmt.Errorf("store: bad feed sequence %q: %w", seq, err)
		}
	}
	var out []models.Change
	err := s.file.ReadAfter(ctx, s.changes.Name(), seq, limit, changeFields, func(v []any) error {
		// A field the entry lacks is its zero value, as the driver decodes it.
		id, ok1 := v[0].(string)
		coll, ok2 := orZero[string](v[1])
		docID, ok3 := orZero[string](v[2])
		version, ok4 := orZero[int64](v[3])
		deleted, ok5 := orZero[int64](v[4])
		ms, ok6 := orZero[int64](v[5])
		if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
			return fmt.Errorf("store: a feed entry of unexpected types: %v", v)
		}
		var at time.Time
		if v[5] != nil {
			at = time.UnixMilli(ms).UTC()
		}
		out = append(out, models.Change{Seq: id, Coll: coll, ID: docID, Version: version, Deleted: deleted != 0, At: at})
		return nil
	})
	if err != nil {
		return nil, translate("store.ChangesAfter", err)
	}
	if out == nil {
		out = []models.Change{}
	}
	return out, nil
}

// orZero returns v as a T, the zero T for nil, and whether v was either.
func orZero[T any](v any) (T, bool) {
	if v == nil {
		var zero T
		return zero, true
	}
	t, ok := v.(T)
	return t, ok
}

// FeedBatch implements models.FeedPager. The embedded database filters and
// sorts a read of the feed in memory after decoding every entry it holds,
// so a read costs the whole feed whatever its limit: after a burst (an
// import of 12,000 records) reading it in pages of 1,000 took 4.3 s, in one
// read 0.5 s (BenchmarkFeedReadAfterABurst, BENCHMARKS.md). MongoDB reads
// a page by the _id index.
func (s *Store) FeedBatch() int {
	if s.locks != nil {
		return embeddedFeedBatch
	}
	return 1000
}

// embeddedFeedBatch is the page of a feed read on the embedded database:
// more than the feed holds after the largest import (the feed is pruned
// within minutes there), so that a catch-up reads it once.
const embeddedFeedBatch = 120_000

const prunedMarker = "feed_pruned"

// PruneChanges deletes feed entries older than before, and returns how
// many. The watermark is raised first: a follower must never find entries
// gone without the watermark saying so.
func (s *Store) PruneChanges(ctx context.Context, before time.Time) (int64, error) {
	before = before.UTC().Truncate(time.Second)
	if _, err := s.meta.UpdateOne(ctx, idFilter(prunedMarker), bson.D{{Key: "$max", Value: bson.D{{Key: "before", Value: before}}}},
		options.Update().SetUpsert(true)); err != nil {
		return 0, translate("store.PruneChanges", err)
	}
	res, err := s.changes.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$lt", Value: primitive.NewObjectIDFromTimestamp(before)}}}})
	if err != nil {
		return 0, translate("store.PruneChanges", err)
	}
	return res.DeletedCount, nil
}

// PrunedBefore implements models.SeqLog.
func (s *Store) PrunedBefore(ctx context.Context) (time.Time, error) {
	var d struct {
		Before time.Time `bson:"before"`
	}
	if ok, err := found("store.PrunedBefore", s.meta.FindOne(ctx, idFilter(prunedMarker)).Decode(&d)); !ok {
		return time.Time{}, err
	}
	return d.Before, nil
}

// modelOf is satisfied by every feed document.
type modelOf interface{ anyModel() any }

// feedColl returns a feed collection and a constructor of its documents.
func (s *Store) feedColl(coll string) (*mongo.Collection, func() modelOf, error) {
	switch coll {
	case models.CollTalents:
		return s.talents, func() modelOf { return new(talentDoc) }, nil
	case models.CollOrgs:
		return s.orgs, func() modelOf { return new(orgDoc) }, nil
	case models.CollBases:
		return s.bases, func() modelOf { return new(baseDoc) }, nil
	case models.CollProjects:
		return s.projects, func() modelOf { return new(projectDoc) }, nil
	case models.CollApplications:
		return s.applications, func() modelOf { return new(applicationDoc) }, nil
	case models.CollRecruitments:
		return s.recruitments, func() modelOf { return new(recruitmentDoc) }, nil
	case models.CollAudit:
		return s.audit, func() modelOf { return new(auditDoc) }, nil
	case models.CollTeams:
		return s.db.Collection(coll), func() modelOf { return new(teamDoc) }, nil
	case models.CollCalls:
		return s.db.Collection(coll), func() modelOf { return new(callDoc) }, nil
	case models.CollEntries:
		return s.db.Collection(coll), func() modelOf { return new(entryDoc) }, nil
	case models.CollMilestones:
		return s.db.Collection(coll), func() modelOf { return new(milestoneDoc) }, nil
	}
	return nil, nil, fmt.Errorf("store: %q is not a feed collection", coll)
}

// feedID turns a feed id back into the _id it came from: every feed
// collection is keyed by ObjectID.
func feedID(id string) any {
	if oid, err := primitive.ObjectIDFromHex(id); err == nil {
		return oid
	}
	return id
}

// Doc implements models.FeedSource.
func (s *Store) Doc(ctx context.Context, coll, id string) (any, error) {
	c, newDoc, err := s.feedColl(coll)
	if err != nil {
		return nil, err
	}
	d := newDoc()
	if err := s.readFeedColl(c).FindOne(ctx, idFilter(feedID(id))).Decode(d); err != nil {
		return nil, translate("store.Doc", err)
	}
	return d.anyModel(), nil
}

// Docs implements models.FeedSource.
func (s *Store) Docs(ctx context.Context, coll string, fn func(any) error) error {
	c, newDoc, err := s.feedColl(coll)
	if err != nil {
		return err
	}
	cur, err := s.readFeedColl(c).Find(ctx, bson.D{}, options.Find().SetBatchSize(1000))
	if err != nil {
		return translate("store.Docs", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		d := newDoc()
		if err := cur.Decode(d); err != nil {
			return translate("store.Docs", err)
		}
		if err := fn(d.anyModel()); err != nil {
			return err
		}
	}
	return translate("store.Docs", cur.Err())
}

// Versions implements models.FeedSource.
func (s *Store) Versions(ctx context.Context, coll string, fn func(models.DocVersion) error) error {
	c, _, err := s.feedColl(coll)
	if err != nil {
		return err
	}
	if s.file != nil {
		var fnErr error // the caller's, returned as it is
		err := s.file.Versions(ctx, c.Name(), func(id string, v int64) error {
			fnErr = fn(models.DocVersion{ID: id, Version: v})
			return fnErr
		})
		if fnErr != nil {
			return fnErr
		}
		return translate("store.Versions", err)
	}
	opts := options.Find().SetProjection(bson.D{{Key: "version", Value: 1}}).SetBatchSize(5000)
	if s.locks == nil {
		// On MongoDB the scan reads the index {_id, version} alone (a
		// covered query), not every document.
		opts.SetHint(versionScanIndex)
	}
	cur, err := s.readFeedColl(c).Find(ctx, bson.D{}, opts)
	if err != nil {
		return translate("store.Versions", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d struct {
			ID      any   `bson:"_id"`
			Version int64 `bson:"version"`
		}
		if err := cur.Decode(&d); err != nil {
			return translate("store.Versions", err)
		}
		if err := fn(models.DocVersion{ID: idText(d.ID), Version: d.Version}); err != nil {
			return err
		}
	}
	return translate("store.Versions", cur.Err())
}

// epochMarker is the meta document whose value names this database and
// its last bulk load.
const epochMarker = "data_epoch"

// DataEpoch returns a value that names this database and changes with every
// bulk load (BulkInsert, which on the embedded database writes no feed
// entries): what is derived from the records and saved outside the
// database (the figures' snapshot) is valid only for the epoch it was
// saved in.
func (s *Store) DataEpoch(ctx context.Context) (string, error) {
	var d struct {
		Epoch string `bson:"epoch"`
	}
	err := s.meta.FindOneAndUpdate(ctx, idFilter(epochMarker), bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "epoch", Value: NewID()}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
	return d.Epoch, translate("store.DataEpoch", err)
}

func (s *Store) newEpoch(ctx context.Context) error {
	_, err := s.meta.UpdateOne(ctx, idFilter(epochMarker), bson.D{{Key: "$set", Value: bson.D{{Key: "epoch", Value: NewID()}}}},
		options.Update().SetUpsert(true))
	return translate("store.BulkInsert", err)
}

// BulkInsert stores new documents of a feed collection (models such as
// *models.Application, with their IDs set) in batches, for seeding and
// benchmarks. Each model is updated to what was stored (version 1, the
// times). On MongoDB each document also gets a feed entry; on the embedded
// database none, and the caller indexes them.
func (s *Store) BulkInsert(ctx context.Context, coll string, docs []any) error {
	c, newDoc, err := s.feedColl(coll)
	if err != nil {
		return err
	}
	if err := s.newEpoch(ctx); err != nil {
		return err
	}
	now := s.nowUTC()
	batch := make([]any, 0, 1000)
	var changes []any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := c.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		batch = batch[:0]
		if err == nil && len(changes) > 0 {
			_, err = s.changes.InsertMany(ctx, changes, options.InsertMany().SetOrdered(false))
			changes = changes[:0]
		}
		return translate("store.BulkInsert", err)
	}
	for _, m := range docs {
		d, ok := newDoc().(interface{ fromModel(any, time.Time) error })
		if !ok {
			return fmt.Errorf("store: %s documents cannot be bulk inserted", coll)
		}
		if err := d.fromModel(m, now); err != nil {
			return err
		}
		// The caller's model becomes what is stored (version 1, times),
		// so that it can be indexed as it is.
		stored := reflect.ValueOf(d.(modelOf).anyModel())
		reflect.ValueOf(m).Elem().Set(stored.Elem())
		batch = append(batch, d)
		if s.locks == nil {
			// On MongoDB other processes may be serving: they learn of
			// the documents through the feed. (On the embedded database
			// none can be, and a feed this long would make its range
			// reads slow: the caller indexes the documents itself.)
			id := stored.Elem().FieldByName("ID").String()
			changes = append(changes, changeDoc{ID: primitive.NewObjectIDFromTimestamp(now), Coll: coll, DocID: id, Version: 1, At: now})
		}
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
