package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/models"
)

type auditDoc struct {
	ID           primitive.ObjectID `bson:"_id"`
	At           time.Time          `bson:"at"`
	ActorID      string             `bson:"actor_id"`
	ActorRole    string             `bson:"actor_role"`
	Action       string             `bson:"action"`
	ResourceType string             `bson:"resource_type"`
	ResourceID   string             `bson:"resource_id"`
	Before       bson.M             `bson:"before,omitempty"`
	After        bson.M             `bson:"after,omitempty"`
	Reason       string             `bson:"reason,omitempty"`
	Meta         `bson:",inline"`
}

func toAudit(d *auditDoc) *models.AuditEntry {
	return &models.AuditEntry{ID: d.ID.Hex(), At: d.At, ActorID: d.ActorID, ActorRole: models.Role(d.ActorRole), Action: d.Action,
		ResourceType: d.ResourceType, ResourceID: d.ResourceID, Before: plain(d.Before), After: plain(d.After), Reason: d.Reason}
}

// plain turns nested bson values back into plain maps and slices, so that
// they encode as JSON objects and arrays.
func plain(m bson.M) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = plainValue(v)
	}
	return out
}

func plainValue(v any) any {
	switch x := v.(type) {
	case bson.M:
		return plain(x)
	case bson.D:
		m := bson.M{}
		for _, e := range x {
			m[e.Key] = e.Value
		}
		return plain(m)
	case bson.A:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e)
		}
		return out
	case primitive.DateTime:
		return x.Time().UTC()
	case primitive.ObjectID:
		return x.Hex()
	}
	return v
}

func (d *auditDoc) setModel(e *models.AuditEntry) error {
	*d = auditDoc{ID: d.ID, At: e.At.UTC().Truncate(time.Millisecond), ActorID: e.ActorID, ActorRole: string(e.ActorRole), Action: e.Action,
		ResourceType: e.ResourceType, ResourceID: e.ResourceID, Before: bson.M(e.Before), After: bson.M(e.After), Reason: e.Reason, Meta: d.Meta}
	return nil
}

func (d *auditDoc) model() *models.AuditEntry { return toAudit(d) }
func (d *auditDoc) anyModel() any             { return toAudit(d) }

// Audit implements models.AuditStore.
func (s *Store) Audit(ctx context.Context, e *models.AuditEntry) error {
	now := s.nowUTC()
	if e.At.IsZero() {
		e.At = now
	}
	oid := primitive.NewObjectIDFromTimestamp(now)
	out, err := insertModel[auditDoc](ctx, s, "store.Audit", s.audit, oid, e, func(d *auditDoc) { d.ID = oid })
	if err != nil {
		return err
	}
	*e = *out
	return nil
}

// AuditEntry implements models.AuditStore.
func (s *Store) AuditEntry(ctx context.Context, id string) (*models.AuditEntry, error) {
	oid, err := objectID(id)
	if err != nil {
		return nil, notFoundAs(err, "audit entry")
	}
	return findModel[models.AuditEntry, auditDoc](ctx, s.audit, "store.AuditEntry", "audit entry", oid)
}

func revealsFilter(talentID string) bson.D {
	return bson.D{{Key: "resource_type", Value: string(models.KindTalent)}, {Key: "resource_id", Value: talentID}, {Key: "action", Value: models.AuditContactReveal}}
}

// TalentReveals implements models.AuditStore.
func (s *Store) TalentReveals(ctx context.Context, talentID string) ([]*models.AuditEntry, error) {
	return findAll[models.AuditEntry, auditDoc](ctx, s.audit, "store.TalentReveals", revealsFilter(talentID))
}

// DeleteTalentAudit implements models.AuditStore: the entries about the
// talent's profile (contact consents, their withdrawals, reveals) and
// those the talent made. Each deletion goes through the feed, so that
// followers drop the entries too.
func (s *Store) DeleteTalentAudit(ctx context.Context, talentID string) error {
	const op = "store.DeleteTalentAudit"
	about, err := findAll[models.AuditEntry, auditDoc](ctx, s.audit, op,
		bson.D{{Key: "resource_type", Value: string(models.KindTalent)}, {Key: "resource_id", Value: talentID}})
	if err != nil {
		return err
	}
	by, err := findAll[models.AuditEntry, auditDoc](ctx, s.audit, op, bson.D{{Key: "actor_id", Value: talentID}})
	if err != nil {
		return err
	}
	for _, e := range append(about, by...) {
		oid, _ := primitive.ObjectIDFromHex(e.ID)
		if err := removeModel(ctx, s, op, s.audit, oid, 0); err != nil && !models.IsCode(err, models.CodeNotFound) {
			return err
		}
	}
	return nil
}
