package store

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

// limitDoc is one rate-limit counter, shared by every server process.
type limitDoc struct {
	ID        string    `bson:"_id"`
	Count     int       `bson:"count"`
	ExpiresAt time.Time `bson:"expires_at"`
	Meta      `bson:",inline"`
}

// LimitHit implements models.LimitStore. On MongoDB it is one atomic
// findAndModify (limitHitAtomic); on the embedded database, which has no
// update pipelines and no atomic updates, a read-modify-write under the
// store's per-document lock, so that no concurrent hit is lost there either.
func (s *Store) LimitHit(ctx context.Context, key string, window time.Duration) (models.Limit, error) {
	if s.locks == nil && !s.noPipelines.Load() {
		l, err := s.limitHitAtomic(ctx, key, window)
		if !isNotImplemented(err) {
			return l, err
		}
		// A FerretDB reached through MONGODB_URI: it has no update
		// pipelines either (and no atomic updates: only the embedded
		// database's lock makes the path below exact).
		s.noPipelines.Store(true)
		s.log.Warn("store: this database has no update pipelines; rate-limit counters are counted with a compare-and-swap", "error", err)
	}
	return s.limitHitSwap(ctx, key, window)
}

// limitHitAtomic counts a hit in one findAndModify with an update pipeline:
// the server reads and writes the counter, so concurrent hits from any
// number of processes are all counted. The upsert of a key's first hit may
// race another; the loser's duplicate-key error is retried once (the
// document then exists and the update matches it).
func (s *Store) limitHitAtomic(ctx context.Context, key string, window time.Duration) (models.Limit, error) {
	const op = "store.LimitHit"
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	var err error
	for range 2 {
		var d limitDoc
		err = s.limits.FindOneAndUpdate(ctx, idFilter(key), limitHitPipeline(s.nowUTC(), window), opts).Decode(&d)
		if err == nil {
			return models.Limit{Count: d.Count, ResetAt: d.ExpiresAt, Last: d.UpdatedAt}, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			break
		}
	}
	if isNotImplemented(err) {
		return models.Limit{}, err // for LimitHit's fallback
	}
	return models.Limit{}, translate(op, err)
}

// limitHitPipeline is the update of limitHitAtomic: a window that has
// ended (or a counter that does not exist yet, whose fields are missing)
// starts again at 1 and ends window after now; otherwise the count goes up
// by one. Every field of one $set is computed from the document as it was,
// so both conditions see the old expires_at.
func limitHitPipeline(now time.Time, window time.Duration) mongo.Pipeline {
	expired := bson.D{{Key: "$lte", Value: bson.A{bson.D{{Key: "$ifNull", Value: bson.A{"$expires_at", time.Time{}}}}, now}}}
	return mongo.Pipeline{{{Key: "$set", Value: bson.D{
		{Key: "count", Value: bson.D{{Key: "$cond", Value: bson.A{expired, 1, bson.D{{Key: "$add", Value: bson.A{"$count", 1}}}}}}},
		{Key: "expires_at", Value: bson.D{{Key: "$cond", Value: bson.A{expired, now.Add(window), "$expires_at"}}}},
		{Key: "version", Value: bson.D{{Key: "$add", Value: bson.A{bson.D{{Key: "$ifNull", Value: bson.A{"$version", 0}}}, 1}}}},
		{Key: "created_at", Value: bson.D{{Key: "$ifNull", Value: bson.A{"$created_at", now}}}},
		{Key: "updated_at", Value: now},
	}}}}
}

// isNotImplemented reports a command the database does not have (FerretDB
// answers NotImplemented, code 238, to update pipelines and TTL indexes).
func isNotImplemented(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(238)
}

// limitHitSwap counts a hit with a read-modify-write: exact under the
// embedded database's per-document lock; on a database without it, a
// compare-and-swap on the version that retries a lost race.
func (s *Store) limitHitSwap(ctx context.Context, key string, window time.Duration) (models.Limit, error) {
	const op = "store.LimitHit"
	for range casRetries {
		now := s.nowUTC()
		d, err := update(ctx, s, op, s.limits, key, 0, func(d *limitDoc) error {
			if !now.Before(d.ExpiresAt) {
				d.Count, d.ExpiresAt = 0, now.Add(window)
			}
			d.Count++
			return nil
		})
		if err == nil {
			return models.Limit{Count: d.Count, ResetAt: d.ExpiresAt, Last: d.UpdatedAt}, nil
		}
		if !models.IsCode(err, models.CodeNotFound) {
			return models.Limit{}, err
		}
		// First event of this key: create the counter. If another request
		// created it meanwhile, the unique _id refuses us and we count again.
		first := limitDoc{ID: key, Count: 1, ExpiresAt: now.Add(window), Meta: Meta{Version: 1, CreatedAt: now, UpdatedAt: now}}
		_, err = s.limits.InsertOne(ctx, first)
		if err == nil {
			return models.Limit{Count: 1, ResetAt: first.ExpiresAt, Last: now}, nil
		}
		if err := translate(op, err); !models.IsCode(err, models.CodeConflict) {
			return models.Limit{}, err
		}
	}
	return models.Limit{}, models.Errorf(models.CodeUnavailable, "rate limiter is busy; try again")
}

// LimitGet implements models.LimitStore.
func (s *Store) LimitGet(ctx context.Context, key string) (models.Limit, error) {
	var d limitDoc
	if ok, err := found("store.LimitGet", s.limits.FindOne(ctx, idFilter(key)).Decode(&d)); !ok || !s.nowUTC().Before(d.ExpiresAt) {
		return models.Limit{}, err
	}
	return models.Limit{Count: d.Count, ResetAt: d.ExpiresAt, Last: d.UpdatedAt}, nil
}

// LimitReset implements models.LimitStore.
func (s *Store) LimitReset(ctx context.Context, key string) error {
	err := remove(ctx, s, "store.LimitReset", s.limits, key, 0)
	if models.IsCode(err, models.CodeNotFound) {
		return nil
	}
	return err
}
