package store

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

var _ models.MediaStore = (*Store)(nil)

// Media's records: one document per medium (served by _id, the lookup the
// embedded database answers without a scan), and one per account listing
// what it uploaded, so that the quota, the export and an erasure read one
// document instead of scanning every medium.
const (
	collMedia      = "media"       // _id: the medium's ObjectID
	collMediaOwner = "media_owner" // _id: the owner's user id
)

type mediumDoc struct {
	ID          primitive.ObjectID `bson:"_id"`
	OwnerID     string             `bson:"owner_id"`
	OrgID       string             `bson:"org_id,omitempty"`
	Purpose     string             `bson:"purpose"`
	ContentType string             `bson:"content_type"`
	Width       int                `bson:"width"`
	Height      int                `bson:"height"`
	ThumbWidth  int                `bson:"thumb_width"`
	ThumbHeight int                `bson:"thumb_height"`
	Bytes       int64              `bson:"bytes"`
	LargeKey    string             `bson:"large_key"`
	ThumbKey    string             `bson:"thumb_key"`
	AttachedTo  string             `bson:"attached_to"`
	Meta        `bson:",inline"`
}

func toMedium(d *mediumDoc) *models.Medium {
	return (&models.Medium{ID: d.ID.Hex(), OwnerID: d.OwnerID, OrgID: d.OrgID, Purpose: d.Purpose, ContentType: d.ContentType,
		Width: d.Width, Height: d.Height, ThumbWidth: d.ThumbWidth, ThumbHeight: d.ThumbHeight, Bytes: d.Bytes,
		LargeKey: d.LargeKey, ThumbKey: d.ThumbKey, AttachedTo: d.AttachedTo, Version: d.Version, CreatedAt: d.CreatedAt}).WithURLs()
}

// mediaOwnerDoc lists an account's media with their sizes.
type mediaOwnerDoc struct {
	ID    string          `bson:"_id"`
	Items []mediaOwnerRow `bson:"items"`
	Meta  `bson:",inline"`
}

type mediaOwnerRow struct {
	ID    string `bson:"id"`
	Bytes int64  `bson:"bytes"`
}

// CreateMedium implements models.MediaStore. The owner's list is written
// first: a crash before the medium's own document leaves a row that names
// nothing, which OwnerMedia and the quota skip and DeleteMedium clears,
// never a medium that no list names (which an erasure would miss).
func (s *Store) CreateMedium(ctx context.Context, m *models.Medium) error {
	const op = "store.CreateMedium"
	now := s.nowUTC()
	oid := primitive.NewObjectIDFromTimestamp(now)
	row := mediaOwnerRow{ID: oid.Hex(), Bytes: m.Bytes}
	err := upsertList(ctx, s, op, collMediaOwner, m.OwnerID, func() *mediaOwnerDoc { return &mediaOwnerDoc{ID: m.OwnerID} },
		func(d *mediaOwnerDoc) error {
			var total int64
			for _, r := range d.Items {
				total += r.Bytes
			}
			if len(d.Items) >= models.MaxMediaPerAccount {
				return models.Errorf(models.CodeConflict, "an account keeps at most %d images; remove some first", models.MaxMediaPerAccount)
			}
			if total+m.Bytes > models.MaxMediaBytesPerAccount {
				return models.Errorf(models.CodeConflict, "an account keeps at most %d MB of images; remove some first", models.MaxMediaBytesPerAccount>>20)
			}
			d.Items = append(d.Items, row)
			return nil
		})
	if err != nil {
		return err
	}
	d := mediumDoc{ID: oid, OwnerID: m.OwnerID, OrgID: m.OrgID, Purpose: m.Purpose, ContentType: m.ContentType,
		Width: m.Width, Height: m.Height, ThumbWidth: m.ThumbWidth, ThumbHeight: m.ThumbHeight, Bytes: m.Bytes,
		LargeKey: m.LargeKey, ThumbKey: m.ThumbKey, Meta: Meta{Version: 1, CreatedAt: now, UpdatedAt: now}}
	if _, err := s.db.Collection(collMedia).InsertOne(ctx, d); err != nil {
		err = translate(op, err)
		if rerr := s.dropOwnerRow(context.WithoutCancel(ctx), m.OwnerID, row.ID); rerr != nil {
			s.log.WarnContext(ctx, "store: a failed upload's row stays in its owner's list", "error", rerr)
		}
		return err
	}
	*m = *toMedium(&d)
	return nil
}

// Medium implements models.MediaStore.
func (s *Store) Medium(ctx context.Context, id string) (*models.Medium, error) {
	oid, err := objectID(id)
	if err != nil {
		return nil, models.Errorf(models.CodeNotFound, "no such image")
	}
	var d mediumDoc
	if err := s.db.Collection(collMedia).FindOne(ctx, idFilter(oid)).Decode(&d); err != nil {
		err = translate("store.Medium", err)
		if models.IsCode(err, models.CodeNotFound) {
			return nil, models.Errorf(models.CodeNotFound, "no such image")
		}
		return nil, err
	}
	return toMedium(&d), nil
}

// OwnerMedia implements models.MediaStore.
func (s *Store) OwnerMedia(ctx context.Context, ownerID string) ([]*models.Medium, error) {
	var d mediaOwnerDoc
	out := []*models.Medium{}
	if ok, err := found("store.OwnerMedia", s.db.Collection(collMediaOwner).FindOne(ctx, idFilter(ownerID)).Decode(&d)); !ok || err != nil {
		return out, err
	}
	for _, r := range d.Items {
		m, err := s.Medium(ctx, r.ID)
		if models.IsCode(err, models.CodeNotFound) {
			continue // a row left by a crash (CreateMedium)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// AttachMedium implements models.MediaStore.
func (s *Store) AttachMedium(ctx context.Context, id, use string) error {
	oid, err := objectID(id)
	if err != nil {
		return models.Errorf(models.CodeNotFound, "no such image")
	}
	_, err = update(ctx, s, "store.AttachMedium", s.db.Collection(collMedia), oid, 0, func(d *mediumDoc) error {
		if d.AttachedTo == use {
			return errUnchanged
		}
		d.AttachedTo = use
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// DeleteMedium implements models.MediaStore.
func (s *Store) DeleteMedium(ctx context.Context, m *models.Medium) error {
	const op = "store.DeleteMedium"
	oid, err := objectID(m.ID)
	if err != nil {
		return nil
	}
	if _, err := s.db.Collection(collMedia).DeleteOne(ctx, idFilter(oid)); err != nil {
		return translate(op, err)
	}
	return s.dropOwnerRow(ctx, m.OwnerID, m.ID)
}

// dropOwnerRow removes a medium from its owner's list.
func (s *Store) dropOwnerRow(ctx context.Context, ownerID, id string) error {
	err := upsertList(ctx, s, "store.DeleteMedium", collMediaOwner, ownerID, func() *mediaOwnerDoc { return &mediaOwnerDoc{ID: ownerID} },
		func(d *mediaOwnerDoc) error {
			n := len(d.Items)
			d.Items = slices.DeleteFunc(d.Items, func(r mediaOwnerRow) bool { return r.ID == id })
			if len(d.Items) == n {
				return errUnchanged
			}
			return nil
		})
	return err
}

// UnattachedMedia implements models.MediaStore. It filters on the
// attachment (a scan on the embedded database): the janitor asks once a
// round.
func (s *Store) UnattachedMedia(ctx context.Context, before time.Time, limit int) ([]*models.Medium, error) {
	const op = "store.UnattachedMedia"
	filter := bson.D{{Key: "attached_to", Value: ""}, {Key: "created_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}}
	cur, err := s.db.Collection(collMedia).Find(ctx, filter, options.Find().SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(op, err)
	}
	var docs []mediumDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(op, err)
	}
	out := make([]*models.Medium, len(docs))
	for i := range docs {
		out[i] = toMedium(&docs[i])
	}
	return out, nil
}

// MediaKeys implements models.MediaStore: the keys alone, so that a
// hundred thousand media are one pass over the collection.
func (s *Store) MediaKeys(ctx context.Context, fn func(key string) error) error {
	const op = "store.MediaKeys"
	cur, err := s.db.Collection(collMedia).Find(ctx, bson.D{},
		options.Find().SetProjection(bson.D{{Key: "large_key", Value: 1}, {Key: "thumb_key", Value: 1}}))
	if err != nil {
		return translate(op, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		for _, field := range []string{"large_key", "thumb_key"} {
			if key, ok := cur.Current.Lookup(field).StringValueOK(); ok && key != "" {
				if err := fn(key); err != nil {
					return err
				}
			}
		}
	}
	return translate(op, cur.Err())
}
