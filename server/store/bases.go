package store

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/models"
)

type baseDoc struct {
	ID             primitive.ObjectID `bson:"_id"`
	Name           string             `bson:"name"`
	Kind           string             `bson:"kind"`
	District       string             `bson:"district"`
	Industries     []string           `bson:"industries"`
	OperatorOrgIDs []string           `bson:"operator_org_ids"`
	PendingOps     []string           `bson:"pending_operator_org_ids,omitempty"`
	EstablishedOn  string             `bson:"established_on"`
	Capacity       int                `bson:"capacity"`
	Status         string             `bson:"status"`
	Decision       *decisionDoc       `bson:"decision,omitempty"`
	RegisteredBy   string             `bson:"registered_by"`
	Meta           `bson:",inline"`
	// Rest keeps the fields this version does not know (written by a newer
	// one during a rolling deploy), so that a replace does not drop them.
	Rest bson.M `bson:",inline"`
}

func toBase(d *baseDoc) *models.Base {
	return &models.Base{
		ID: d.ID.Hex(), Name: d.Name, Kind: d.Kind, District: d.District, Industries: nonNil(d.Industries),
		OperatorOrgIDs: nonNil(d.OperatorOrgIDs), PendingOperatorIDs: nonNil(d.PendingOps), EstablishedOn: d.EstablishedOn, Capacity: d.Capacity,
		Status: models.Status(d.Status), Decision: toDecision(d.Decision), RegisteredBy: d.RegisteredBy,
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

func (d *baseDoc) setModel(b *models.Base) error {
	*d = baseDoc{
		Rest: d.Rest,
		ID:   d.ID, Name: b.Name, Kind: b.Kind, District: b.District, Industries: nonNil(b.Industries),
		OperatorOrgIDs: nonNil(b.OperatorOrgIDs), PendingOps: b.PendingOperatorIDs, EstablishedOn: b.EstablishedOn, Capacity: b.Capacity,
		Status: string(b.Status), Decision: toDecisionDoc(b.Decision), RegisteredBy: b.RegisteredBy, Meta: d.Meta,
	}
	return nil
}

func (d *baseDoc) model() *models.Base { return toBase(d) }
func (d *baseDoc) anyModel() any       { return toBase(d) }

// CreateBase implements models.BaseStore.
func (s *Store) CreateBase(ctx context.Context, b *models.Base) error {
	return insertNew[baseDoc](ctx, s, "store.CreateBase", s.bases, b, func(d *baseDoc, id primitive.ObjectID) { d.ID = id })
}

// Base implements models.BaseStore.
func (s *Store) Base(ctx context.Context, id string) (*models.Base, error) {
	return findHex[models.Base, baseDoc](ctx, s.bases, "store.Base", "base", id)
}

// UpdateBase implements models.BaseStore.
func (s *Store) UpdateBase(ctx context.Context, id string, ifVersion int64, fn func(*models.Base) error) (*models.Base, error) {
	return updateHex[baseDoc](ctx, s, "store.UpdateBase", "base", s.bases, id, ifVersion, fn)
}

// BasesAwaiting implements models.BaseStore.
func (s *Store) BasesAwaiting(ctx context.Context, orgID string) ([]*models.Base, error) {
	return findAll[models.Base, baseDoc](ctx, s.bases, "store.BasesAwaiting", bson.D{{Key: "pending_operator_org_ids", Value: orgID}})
}
