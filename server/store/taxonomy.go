package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/szdc/talenthub/models"
)

const taxonomyID = "taxonomy"

// taxonomyDoc stores the taxonomy as one JSON document: it is read whole,
// replaced whole, and its shape is the API's.
type taxonomyDoc struct {
	ID   string `bson:"_id"`
	JSON string `bson:"json"`
	Meta `bson:",inline"`
}

func toTaxonomy(d *taxonomyDoc) (*models.Taxonomy, error) {
	var t models.Taxonomy
	if err := json.Unmarshal([]byte(d.JSON), &t); err != nil {
		return nil, models.Internal("store.toTaxonomy", err)
	}
	t.Version, t.UpdatedAt = d.Version, d.UpdatedAt
	return &t, nil
}

func (d *taxonomyDoc) setTaxonomy(t *models.Taxonomy) error {
	c := *t
	c.Version, c.UpdatedAt = 0, time.Time{}
	b, err := json.Marshal(c)
	if err != nil {
		return models.Internal("store.setTaxonomy", err)
	}
	d.JSON = string(b)
	return nil
}

// Taxonomy implements models.TaxonomyStore.
func (s *Store) Taxonomy(ctx context.Context) (*models.Taxonomy, error) {
	var d taxonomyDoc
	if err := s.meta.FindOne(ctx, idFilter(taxonomyID)).Decode(&d); err != nil {
		return nil, notFoundAs(translate("store.Taxonomy", err), "taxonomy")
	}
	return toTaxonomy(&d)
}

// SeedTaxonomy implements models.TaxonomyStore.
func (s *Store) SeedTaxonomy(ctx context.Context, t *models.Taxonomy) error {
	now := s.nowUTC()
	d := taxonomyDoc{ID: taxonomyID, Meta: Meta{Version: 1, CreatedAt: now, UpdatedAt: now}}
	if err := d.setTaxonomy(t); err != nil {
		return err
	}
	_, err := s.meta.InsertOne(ctx, d)
	if isDuplicate(translate("", err)) {
		return nil
	}
	return translate("store.SeedTaxonomy", err)
}

// ReplaceTaxonomy implements models.TaxonomyStore.
func (s *Store) ReplaceTaxonomy(ctx context.Context, t *models.Taxonomy, ifVersion int64) (*models.Taxonomy, error) {
	d, err := update(ctx, s, "store.ReplaceTaxonomy", s.meta, taxonomyID, ifVersion, func(d *taxonomyDoc) error {
		return d.setTaxonomy(t)
	})
	if err != nil {
		return nil, notFoundAs(err, "taxonomy")
	}
	return toTaxonomy(d)
}
