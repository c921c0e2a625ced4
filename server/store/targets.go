package store

import (
	"context"
	"encoding/json"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/szdc/talenthub/models"
)

const collTargets = "targets"

// targetDoc stores a target as JSON under its metric: read whole, written
// whole, shaped like the API.
type targetDoc struct {
	ID   string `bson:"_id"`
	JSON string `bson:"json"`
	Meta `bson:",inline"`
}

func toTarget(d *targetDoc) (*models.Target, error) {
	var t models.Target
	if err := json.Unmarshal([]byte(d.JSON), &t); err != nil {
		return nil, models.Internal("store.toTarget", err)
	}
	t.Metric, t.Version, t.UpdatedAt = d.ID, d.Version, d.UpdatedAt
	return &t, nil
}

func (d *targetDoc) set(t *models.Target) error {
	c := *t
	c.Version, c.UpdatedAt = 0, time.Time{}
	b, err := json.Marshal(c)
	if err != nil {
		return models.Internal("store.setTarget", err)
	}
	d.JSON = string(b)
	return nil
}

// Targets implements models.TargetStore. The collection holds a handful of
// documents: reading it whole is cheap even where it scans.
func (s *Store) Targets(ctx context.Context) ([]models.Target, error) {
	cur, err := s.db.Collection(collTargets).Find(ctx, bson.D{})
	if err != nil {
		return nil, translate("store.Targets", err)
	}
	var docs []targetDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("store.Targets", err)
	}
	out := make([]models.Target, 0, len(docs))
	for i := range docs {
		t, err := toTarget(&docs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, nil
}

// SeedTargets implements models.TargetStore: it adds the targets that are
// missing and leaves the others as admins edited them.
func (s *Store) SeedTargets(ctx context.Context, ts []models.Target) error {
	now := s.nowUTC()
	for i := range ts {
		d := targetDoc{ID: ts[i].Metric, Meta: Meta{Version: 1, CreatedAt: now, UpdatedAt: now}}
		if err := d.set(&ts[i]); err != nil {
			return err
		}
		if _, err := s.db.Collection(collTargets).InsertOne(ctx, d); err != nil && !isDuplicate(translate("", err)) {
			return translate("store.SeedTargets", err)
		}
	}
	return nil
}

// PutTarget implements models.TargetStore: it replaces the target of
// t.Metric if at ifVersion (any when 0), or creates it.
func (s *Store) PutTarget(ctx context.Context, t *models.Target, ifVersion int64) (*models.Target, error) {
	coll := s.db.Collection(collTargets)
	d, err := update(ctx, s, "store.PutTarget", coll, t.Metric, ifVersion, func(d *targetDoc) error { return d.set(t) })
	if models.IsCode(err, models.CodeNotFound) && ifVersion == 0 {
		now := s.nowUTC()
		nd := targetDoc{ID: t.Metric, Meta: Meta{Version: 1, CreatedAt: now, UpdatedAt: now}}
		if err := nd.set(t); err != nil {
			return nil, err
		}
		if _, err := coll.InsertOne(ctx, nd); err != nil {
			return nil, translate("store.PutTarget", err)
		}
		return toTarget(&nd)
	}
	if err != nil {
		return nil, notFoundAs(err, "target")
	}
	return toTarget(d)
}
