package store

import (
	"context"
	"time"

	"github.com/szdc/talenthub/models"
)

// limitDoc is one rate-limit counter, shared by every server process.
type limitDoc struct {
	ID        string    `bson:"_id"`
	Count     int       `bson:"count"`
	ExpiresAt time.Time `bson:"expires_at"`
	Meta      `bson:",inline"`
}

// LimitHit implements models.LimitStore.
func (s *Store) LimitHit(ctx context.Context, key string, window time.Duration) (models.Limit, error) {
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
