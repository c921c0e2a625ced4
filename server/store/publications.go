package store

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/models"
)

const collPublications = "publications" // _id: ObjectID; one per period (a unique index)

var _ models.PublicationStore = (*Store)(nil)

// publicationDoc keeps the figures as the text that was published, so that
// they are given back byte for byte.
type publicationDoc struct {
	ID      primitive.ObjectID `bson:"_id"`
	Period  string             `bson:"period"`
	AsOf    time.Time          `bson:"as_of"`
	SHA256  string             `bson:"sha256"`
	Figures string             `bson:"figures"`
}

func (d *publicationDoc) model() *models.Publication {
	return &models.Publication{ID: d.ID.Hex(), Period: d.Period, AsOf: d.AsOf, SHA256: d.SHA256, Figures: []byte(d.Figures)}
}

// CreatePublication implements models.PublicationStore.
func (s *Store) CreatePublication(ctx context.Context, p *models.Publication) error {
	const op = "store.CreatePublication"
	d := publicationDoc{ID: primitive.NewObjectIDFromTimestamp(s.nowUTC()), Period: p.Period, AsOf: p.AsOf.UTC(), SHA256: p.SHA256, Figures: string(p.Figures)}
	if _, err := s.db.Collection(collPublications).InsertOne(ctx, d); err != nil {
		err = translate(op, err)
		if models.IsCode(err, models.CodeConflict) {
			return models.Errorf(models.CodeConflict, "the figures of %s are published already; a publication never changes", p.Period)
		}
		return err
	}
	p.ID = d.ID.Hex()
	return nil
}

// Publication implements models.PublicationStore.
func (s *Store) Publication(ctx context.Context, id string) (*models.Publication, error) {
	oid, err := objectID(id)
	if err != nil {
		return nil, models.Errorf(models.CodeNotFound, "no such publication")
	}
	var d publicationDoc
	if err := s.db.Collection(collPublications).FindOne(ctx, idFilter(oid)).Decode(&d); err != nil {
		return nil, notFoundAs(translate("store.Publication", err), "publication")
	}
	return d.model(), nil
}

// Publications implements models.PublicationStore (a scan: a few a year),
// newest period first.
func (s *Store) Publications(ctx context.Context) ([]*models.Publication, error) {
	const op = "store.Publications"
	cur, err := s.db.Collection(collPublications).Find(ctx, bson.D{})
	if err != nil {
		return nil, translate(op, err)
	}
	var docs []publicationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(op, err)
	}
	out := make([]*models.Publication, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	slices.SortFunc(out, func(a, b *models.Publication) int {
		if a.Period != b.Period {
			return comparePeriods(b.Period, a.Period)
		}
		return b.AsOf.Compare(a.AsOf)
	})
	return out, nil
}

// comparePeriods orders "2025" after its quarters ("2025-Q4" < "2025").
func comparePeriods(a, b string) int {
	key := func(p string) string {
		if len(p) == 4 {
			return p + "-Q9"
		}
		return p
	}
	ka, kb := key(a), key(b)
	switch {
	case ka < kb:
		return -1
	case ka > kb:
		return 1
	}
	return 0
}
