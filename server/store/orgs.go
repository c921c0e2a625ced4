package store

import (
	"context"
	"go.mongodb.org/mongo-driver/bson"
	"time"

	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/models"
)

type decisionDoc struct {
	By     string    `bson:"by"`
	At     time.Time `bson:"at"`
	Reason string    `bson:"reason"`
}

func toDecision(d *decisionDoc) *models.Decision {
	if d == nil {
		return nil
	}
	return &models.Decision{By: d.By, At: d.At, Reason: d.Reason}
}

func toDecisionDoc(d *models.Decision) *decisionDoc {
	if d == nil {
		return nil
	}
	return &decisionDoc{By: d.By, At: d.At.UTC().Truncate(time.Millisecond), Reason: d.Reason}
}

type orgDoc struct {
	ID         primitive.ObjectID `bson:"_id"`
	Name       string             `bson:"name"`
	Kind       string             `bson:"kind"`
	District   string             `bson:"district"`
	Industries []string           `bson:"industries"`
	Flags      []string           `bson:"flags"`
	Status     string             `bson:"status"`
	Decision   *decisionDoc       `bson:"decision,omitempty"`
	MemberIDs  []string           `bson:"member_ids"`
	ManagerIDs []string           `bson:"manager_ids,omitempty"`
	CreatedBy  string             `bson:"created_by"`
	LogoID     string             `bson:"logo_id,omitempty"`
	Meta       `bson:",inline"`
	// Rest keeps the fields this version does not know (written by a newer
	// one during a rolling deploy), so that a replace does not drop them.
	Rest bson.M `bson:",inline"`
}

func toOrg(d *orgDoc) *models.Org {
	return &models.Org{
		ID: d.ID.Hex(), Name: d.Name, Kind: d.Kind, District: d.District, Industries: nonNil(d.Industries),
		Flags: nonNil(d.Flags), Status: models.Status(d.Status), Decision: toDecision(d.Decision),
		MemberIDs: nonNil(d.MemberIDs), ManagerIDs: nonNil(d.ManagerIDs), CreatedBy: d.CreatedBy, LogoID: d.LogoID,
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

func (d *orgDoc) setModel(o *models.Org) error {
	*d = orgDoc{
		Rest: d.Rest,
		ID:   d.ID, Name: o.Name, Kind: o.Kind, District: o.District, Industries: nonNil(o.Industries),
		Flags: nonNil(o.Flags), Status: string(o.Status), Decision: toDecisionDoc(o.Decision),
		MemberIDs: nonNil(o.MemberIDs), ManagerIDs: o.ManagerIDs, CreatedBy: o.CreatedBy, LogoID: o.LogoID, Meta: d.Meta,
	}
	return nil
}

func (d *orgDoc) model() *models.Org { return toOrg(d) }
func (d *orgDoc) anyModel() any      { return toOrg(d) }

// CreateOrg implements models.OrgStore.
func (s *Store) CreateOrg(ctx context.Context, o *models.Org) error {
	return insertNew[orgDoc](ctx, s, "store.CreateOrg", s.orgs, o, func(d *orgDoc, id primitive.ObjectID) { d.ID = id })
}

// Org implements models.OrgStore.
func (s *Store) Org(ctx context.Context, id string) (*models.Org, error) {
	return findHex[models.Org, orgDoc](ctx, s.orgs, "store.Org", "organisation", id)
}

// UpdateOrg implements models.OrgStore.
func (s *Store) UpdateOrg(ctx context.Context, id string, ifVersion int64, fn func(*models.Org) error) (*models.Org, error) {
	return updateHex[orgDoc](ctx, s, "store.UpdateOrg", "organisation", s.orgs, id, ifVersion, fn)
}

// SetUserOrg makes user id a member of orgID if check (given the user as
// it is) allows, as one serialised write; the user's org_id is what
// membership means.
func (s *Store) SetUserOrg(ctx context.Context, id, orgID string, check func(*models.User) error) (*models.User, error) {
	oid, err := objectID(id)
	if err != nil {
		return nil, notFoundAs(err, "user")
	}
	s.auth.dropUser(id)
	defer s.auth.dropUser(id)
	d, err := update(ctx, s, "store.SetUserOrg", s.users, oid, 0, func(d *userDoc) error {
		if err := check(toUser(d)); err != nil {
			return err
		}
		d.OrgID = orgID
		return nil
	})
	if err != nil {
		return nil, notFoundAs(err, "user")
	}
	return toUser(d), nil
}
