package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

var _ models.InvitationStore = (*Store)(nil)

// invitationDoc is a pending invitation, keyed by organisation and user so
// that inviting twice is one invitation and answering is one _id lookup.
type invitationDoc struct {
	ID        string    `bson:"_id"` // org_id:user_id
	OrgID     string    `bson:"org_id"`
	UserID    string    `bson:"user_id"`
	Email     string    `bson:"email"`
	InvitedBy string    `bson:"invited_by"`
	At        time.Time `bson:"at"`
}

func invitationKey(orgID, userID string) string { return orgID + ":" + userID }

func toInvitation(d *invitationDoc) models.Invitation {
	return models.Invitation{OrgID: d.OrgID, UserID: d.UserID, Email: d.Email, InvitedBy: d.InvitedBy, At: d.At}
}

// PutInvitation implements models.InvitationStore.
func (s *Store) PutInvitation(ctx context.Context, inv models.Invitation) (*models.Invitation, error) {
	const op = "store.PutInvitation"
	d := invitationDoc{ID: invitationKey(inv.OrgID, inv.UserID), OrgID: inv.OrgID, UserID: inv.UserID, Email: inv.Email,
		InvitedBy: inv.InvitedBy, At: inv.At.UTC().Truncate(time.Millisecond)}
	_, err := s.invites.UpdateOne(ctx, idFilter(d.ID), bson.D{{Key: "$setOnInsert", Value: d}}, options.Update().SetUpsert(true))
	if err := translate(op, err); err != nil && !models.IsCode(err, models.CodeConflict) {
		return nil, err
	}
	return s.Invitation(ctx, inv.OrgID, inv.UserID)
}

// Invitation implements models.InvitationStore.
func (s *Store) Invitation(ctx context.Context, orgID, userID string) (*models.Invitation, error) {
	var d invitationDoc
	if err := s.invites.FindOne(ctx, idFilter(invitationKey(orgID, userID))).Decode(&d); err != nil {
		return nil, notFoundAs(translate("store.Invitation", err), "invitation")
	}
	inv := toInvitation(&d)
	return &inv, nil
}

func (s *Store) findInvitations(ctx context.Context, op string, filter bson.D) ([]models.Invitation, error) {
	cur, err := s.invites.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(op, err)
	}
	var docs []invitationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(op, err)
	}
	out := make([]models.Invitation, len(docs))
	for i := range docs {
		out[i] = toInvitation(&docs[i])
	}
	return out, nil
}

// OrgInvitations implements models.InvitationStore.
func (s *Store) OrgInvitations(ctx context.Context, orgID string) ([]models.Invitation, error) {
	return s.findInvitations(ctx, "store.OrgInvitations", bson.D{{Key: "org_id", Value: orgID}})
}

// UserInvitations implements models.InvitationStore.
func (s *Store) UserInvitations(ctx context.Context, userID string) ([]models.Invitation, error) {
	return s.findInvitations(ctx, "store.UserInvitations", bson.D{{Key: "user_id", Value: userID}})
}

// DeleteInvitation implements models.InvitationStore.
func (s *Store) DeleteInvitation(ctx context.Context, orgID, userID string) error {
	res, err := s.invites.DeleteOne(ctx, idFilter(invitationKey(orgID, userID)))
	if err == nil && res.DeletedCount == 0 {
		return models.Errorf(models.CodeNotFound, "invitation not found")
	}
	return translate("store.DeleteInvitation", err)
}

// DeleteUserInvitations implements models.InvitationStore.
func (s *Store) DeleteUserInvitations(ctx context.Context, userID string) error {
	_, err := s.invites.DeleteMany(ctx, bson.D{{Key: "user_id", Value: userID}})
	return translate("store.DeleteUserInvitations", err)
}
