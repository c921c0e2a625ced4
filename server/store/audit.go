package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

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
	return insertModel[auditDoc](ctx, s, "store.Audit", s.audit, oid, e, func(d *auditDoc) { d.ID = oid })
}

// AppendAudit writes entries whose ids the caller made (ObjectIDs in hex;
// the contact reveals of a day make theirs from the viewer, the profile
// and the day), in one insert, then their feed entries in another, and
// returns an error per entry: nil when it was written, and when an entry
// with its id exists already (written by another process, or by an
// earlier try whose answer was lost).
//
// The observers (the search index) hear of the entry at once when the
// batch wrote one, as they hear of any write: a reveal viewed alone is in
// the trail's list when its view is answered. The entries of a larger
// batch, which forms only under load, reach the index through the feed,
// whose follower applies them within a second in one commit: telling the
// index of each was one index commit per entry, and under load (2 cores,
// 200 req/s, searches running) that took 27 ms a commit, 6 s for a batch
// of 225 first views, which waited for it.
func (s *Store) AppendAudit(ctx context.Context, entries []*models.AuditEntry) []error {
	const op = "store.AppendAudit"
	now := s.nowUTC()
	errs := make([]error, len(entries))
	docs := make([]any, 0, len(entries))
	at := make([]int, 0, len(entries)) // docs[j] is entries[at[j]]
	for i, e := range entries {
		oid, err := primitive.ObjectIDFromHex(e.ID)
		if err != nil {
			errs[i] = models.Internal(op, fmt.Errorf("audit entry id %q: %w", e.ID, err))
			continue
		}
		if e.At.IsZero() {
			e.At = now
		}
		d := &auditDoc{}
		_ = d.setModel(e)
		d.ID, d.Meta = oid, Meta{Version: 1, CreatedAt: now, UpdatedAt: now}
		docs = append(docs, d)
		at = append(at, i)
	}
	if len(docs) == 0 {
		return errs
	}
	inserted := make([]bool, len(docs))
	_, err := s.audit.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	switch {
	case err == nil:
		for j := range inserted {
			inserted[j] = true
		}
	case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
		// Unordered: every document without a write error was inserted.
		for j := range inserted {
			inserted[j] = true
		}
		for _, we := range bwe.WriteErrors {
			if we.Index < 0 || we.Index >= len(docs) {
				continue
			}
			inserted[we.Index] = false
			if !mongo.IsDuplicateKeyError(we.WriteError) {
				errs[at[we.Index]] = translate(op, we.WriteError)
			}
		}
	default:
		// Nothing is known to be written (a write concern error may hide
		// committed documents: written again, they are duplicates).
		err = translate(op, err)
		for _, i := range at {
			errs[i] = err
		}
		return errs
	}
	var changes []any
	var told []models.Change
	for j, d := range docs {
		if !inserted[j] {
			continue
		}
		ad := d.(*auditDoc)
		c := changeDoc{ID: primitive.NewObjectIDFromTimestamp(now), Coll: s.audit.Name(), DocID: ad.ID.Hex(), Version: 1, At: now}
		changes = append(changes, c)
		out := ad.model()
		*entries[at[j]] = *out
		told = append(told, models.Change{Seq: c.ID.Hex(), Coll: c.Coll, ID: c.DocID, Version: 1, At: now, Doc: out})
	}
	if len(changes) > 0 {
		if _, err := s.changes.InsertMany(context.WithoutCancel(ctx), changes, options.InsertMany().SetOrdered(false)); err != nil {
			s.log.WarnContext(ctx, "change feed: records lost; followers will reconcile", "coll", s.audit.Name(), "entries", len(changes), "error", err)
		}
	}
	if len(told) == 1 && !deferred(ctx, told[0]) {
		s.tell(ctx, told[0])
	}
	return errs
}

// AuditEntry implements models.AuditStore.
func (s *Store) AuditEntry(ctx context.Context, id string) (*models.AuditEntry, error) {
	return findHex[models.AuditEntry, auditDoc](ctx, s.audit, "store.AuditEntry", "audit entry", id)
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
		if err := removeModel(ctx, s, op, "audit entry", s.audit, oid, 0); err != nil && !models.IsCode(err, models.CodeNotFound) {
			return err
		}
	}
	return nil
}
