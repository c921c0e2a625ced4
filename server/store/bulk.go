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
// id, its fields, version 1.
func fromModel[M any, D any, P interface {
	*D
	modelDoc[M]
}](d P, m any, id string, now time.Time, setID func(primitive.ObjectID)) error {
	mm, ok := m.(*M)
	if !ok {
		return fmt.Errorf("store: cannot bulk insert %T here", m)
	}
	oid, err := primitive.ObjectIDFromHex(id)
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
	t, _ := m.(*models.Talent)
	if t == nil {
		return fmt.Errorf("store: not a talent: %T", m)
	}
	return fromModel[models.Talent](d, m, t.ID, now, func(id primitive.ObjectID) { d.ID = id })
}

func (d *orgDoc) fromModel(m any, now time.Time) error {
	o, _ := m.(*models.Org)
	if o == nil {
		return fmt.Errorf("store: not an organisation: %T", m)
	}
	return fromModel[models.Org](d, m, o.ID, now, func(id primitive.ObjectID) { d.ID = id })
}

func (d *baseDoc) fromModel(m any, now time.Time) error {
	b, _ := m.(*models.Base)
	if b == nil {
		return fmt.Errorf("store: not a base: %T", m)
	}
	return fromModel[models.Base](d, m, b.ID, now, func(id primitive.ObjectID) { d.ID = id })
}

func (d *projectDoc) fromModel(m any, now time.Time) error {
	p, _ := m.(*models.Project)
	if p == nil {
		return fmt.Errorf("store: not a project: %T", m)
	}
	return fromModel[models.Project](d, m, p.ID, now, func(id primitive.ObjectID) { d.ID = id })
}

func (d *applicationDoc) fromModel(m any, now time.Time) error {
	a, _ := m.(*models.Application)
	if a == nil {
		return fmt.Errorf("store: not an application: %T", m)
	}
	return fromModel[models.Application](d, m, a.ID, now, func(id primitive.ObjectID) { d.ID = id })
}

func (d *recruitmentDoc) fromModel(m any, now time.Time) error {
	r, _ := m.(*models.Recruitment)
	if r == nil {
		return fmt.Errorf("store: not a recruitment record: %T", m)
	}
	return fromModel[models.Recruitment](d, m, r.ID, now, func(id primitive.ObjectID) { d.ID = id })
}

func (d *auditDoc) fromModel(m any, now time.Time) error {
	e, _ := m.(*models.AuditEntry)
	if e == nil {
		return fmt.Errorf("store: not an audit entry: %T", m)
	}
	return fromModel[models.AuditEntry](d, m, e.ID, now, func(id primitive.ObjectID) { d.ID = id })
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
