package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

// fromModel fills a new document from its model for BulkInsert: the model's
// id (which idOf reads), its fields, version 1.
func fromModel[M any, D any, P interface {
	*D
	modelDoc[M]
}](d P, m any, now time.Time, idOf func(*M) string, setID func(primitive.ObjectID)) error {
	mm, ok := m.(*M)
	if !ok || mm == nil {
		return fmt.Errorf("store: cannot bulk insert %T here", m)
	}
	oid, err := primitive.ObjectIDFromHex(idOf(mm))
	if err != nil {
		return fmt.Errorf("store: bulk insert needs ids: %w", err)
	}
	if err := d.setModel(mm); err != nil {
		return err
	}
	setID(oid)
	*d.meta() = Meta{Version: 1, CreatedAt: now, UpdatedAt: now}
	return nil
}

func (d *talentDoc) fromModel(m any, now time.Time) error {
	return fromModel(d, m, now, func(t *models.Talent) string { return t.ID }, func(id primitive.ObjectID) { d.ID = id })
}

func (d *orgDoc) fromModel(m any, now time.Time) error {
	return fromModel(d, m, now, func(o *models.Org) string { return o.ID }, func(id primitive.ObjectID) { d.ID = id })
}

func (d *baseDoc) fromModel(m any, now time.Time) error {
	return fromModel(d, m, now, func(b *models.Base) string { return b.ID }, func(id primitive.ObjectID) { d.ID = id })
}

func (d *projectDoc) fromModel(m any, now time.Time) error {
	return fromModel(d, m, now, func(p *models.Project) string { return p.ID }, func(id primitive.ObjectID) { d.ID = id })
}

func (d *applicationDoc) fromModel(m any, now time.Time) error {
	return fromModel(d, m, now, func(a *models.Application) string { return a.ID }, func(id primitive.ObjectID) { d.ID = id })
}

func (d *recruitmentDoc) fromModel(m any, now time.Time) error {
	return fromModel(d, m, now, func(r *models.Recruitment) string { return r.ID }, func(id primitive.ObjectID) { d.ID = id })
}

func (d *auditDoc) fromModel(m any, now time.Time) error {
	return fromModel(d, m, now, func(e *models.AuditEntry) string { return e.ID }, func(id primitive.ObjectID) { d.ID = id })
}

// NewID returns a fresh id, for callers that build documents for
// BulkInsert.
func NewID() string { return primitive.NewObjectID().Hex() }

// BulkInsertUsers stores accounts with one password hash and their email
// claims, in batches, for seeding.
func (s *Store) BulkInsertUsers(ctx context.Context, users []*models.User, passwordHash string) error {
	now := s.nowUTC()
	var docs, claims []any
	flush := func() error {
		if len(docs) == 0 {
			return nil
		}
		if _, err := s.users.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
			return translate("store.BulkInsertUsers", err)
		}
		if _, err := s.emails.InsertMany(ctx, claims, options.InsertMany().SetOrdered(false)); err != nil {
			return translate("store.BulkInsertUsers", err)
		}
		docs, claims = docs[:0], claims[:0]
		return nil
	}
	for _, u := range users {
		u.Version, u.CreatedAt, u.UpdatedAt = 1, now, now
		d, err := toUserDoc(u, passwordHash)
		if err != nil {
			return err
		}
		docs = append(docs, d)
		claims = append(claims, emailDoc{ID: u.Email, UserID: d.ID, CreatedAt: now})
		if len(docs) == 1000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
