package store

import (
	"context"
	"encoding/json"

	"github.com/szdc/talenthub/models"
)

const synonymsID = "synonym_pairs"

// synonymsDoc stores the decided synonym pairs as one JSON document, read
// and replaced whole like the taxonomy.
type synonymsDoc struct {
	ID   string `bson:"_id"`
	JSON string `bson:"json"`
	Meta `bson:",inline"`
}

func (d *synonymsDoc) pairs() (*models.SynonymPairs, error) {
	p := &models.SynonymPairs{}
	if err := json.Unmarshal([]byte(d.JSON), p); err != nil {
		return nil, models.Internal("store.synonyms", err)
	}
	p.Version = d.Version
	return p, nil
}

func (d *synonymsDoc) set(p *models.SynonymPairs) error {
	c := *p
	c.Version = 0
	b, err := json.Marshal(c)
	if err != nil {
		return models.Internal("store.synonyms", err)
	}
	d.JSON = string(b)
	return nil
}

// SynonymPairs implements models.SynonymStore.
func (s *Store) SynonymPairs(ctx context.Context) (*models.SynonymPairs, error) {
	var d synonymsDoc
	err := translate("store.SynonymPairs", s.meta.FindOne(ctx, idFilter(synonymsID)).Decode(&d))
	if models.IsCode(err, models.CodeNotFound) {
		return &models.SynonymPairs{Accepted: []models.SynonymPair{}, Rejected: []models.SynonymPair{}}, nil
	}
	if err != nil {
		return nil, err
	}
	return d.pairs()
}

// SaveSynonymPairs implements models.SynonymStore.
func (s *Store) SaveSynonymPairs(ctx context.Context, p *models.SynonymPairs, ifVersion int64) (*models.SynonymPairs, error) {
	if ifVersion == 0 {
		now := s.nowUTC()
		d := synonymsDoc{ID: synonymsID, Meta: Meta{Version: 1, CreatedAt: now, UpdatedAt: now}}
		if err := d.set(p); err != nil {
			return nil, err
		}
		if _, err := s.meta.InsertOne(ctx, d); err != nil {
			if err = translate("store.SaveSynonymPairs", err); isDuplicate(err) {
				return nil, models.Errorf(models.CodeConflict, "the synonym pairs were changed meanwhile; reload and decide again")
			}
			return nil, err
		}
		return d.pairs()
	}
	d, err := update(ctx, s, "store.SaveSynonymPairs", s.meta, synonymsID, ifVersion, func(d *synonymsDoc) error { return d.set(p) })
	if err != nil {
		return nil, err
	}
	return d.pairs()
}

var _ models.SynonymStore = (*Store)(nil)
