package store

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

// UpdateAccount implements models.UserStore.
func (s *Store) UpdateAccount(ctx context.Context, id string, fn func(*models.User, *models.AccountState) error) (*models.User, error) {
	oid, err := objectID(id)
	if err != nil {
		return nil, notFoundAs(err, "user")
	}
	s.auth.dropUser(id)
	defer s.auth.dropUser(id)
	d, err := update(ctx, s, "store.UpdateAccount", s.users, oid, 0, func(d *userDoc) error {
		st := models.AccountState{Role: models.Role(d.Role), Disabled: d.Disabled, EmailVerified: d.EmailVerified,
			ResetToken: d.ResetToken, VerifyToken: d.VerifyToken, PasswordHash: d.PasswordHash}
		if err := fn(toUser(d), &st); err != nil {
			return err
		}
		d.Role, d.Disabled, d.EmailVerified = string(st.Role), st.Disabled, st.EmailVerified
		d.ResetToken, d.VerifyToken, d.PasswordHash = st.ResetToken, st.VerifyToken, st.PasswordHash
		return nil
	})
	if err != nil {
		return nil, notFoundAs(err, "user")
	}
	return toUser(d), nil
}

// AllUsers implements models.UserStore: a scan of the users, without
// their secrets. It serves the admin's list of accounts, whose scale
// (thousands) a scan handles; see BENCHMARKS.md.
func (s *Store) AllUsers(ctx context.Context) ([]*models.User, error) {
	const op = "store.AllUsers"
	cur, err := s.users.Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{
		{Key: "password_hash", Value: 0}, {Key: "reset_token", Value: 0}, {Key: "verify_token", Value: 0}}))
	if err != nil {
		return nil, translate(op, err)
	}
	defer cur.Close(ctx)
	var out []*models.User
	for cur.Next(ctx) {
		var d userDoc
		if err := cur.Decode(&d); err != nil {
			return nil, translate(op, err)
		}
		out = append(out, toUser(&d))
	}
	if err := cur.Err(); err != nil {
		return nil, translate(op, err)
	}
	slices.SortFunc(out, func(a, b *models.User) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		if a.ID < b.ID {
			return 1
		}
		if a.ID > b.ID {
			return -1
		}
		return 0
	})
	return out, nil
}

// accountTokenDoc is a mailed single-use token; its _id is the token's
// SHA-256, so using a link is one _id lookup.
type accountTokenDoc struct {
	ID        string             `bson:"_id"`
	UserID    primitive.ObjectID `bson:"user_id"`
	Kind      string             `bson:"kind"`
	CreatedAt time.Time          `bson:"created_at"`
	ExpiresAt time.Time          `bson:"expires_at"`
}

// CreateAccountToken implements models.AccountTokenStore.
func (s *Store) CreateAccountToken(ctx context.Context, t *models.AccountToken) error {
	uid, err := objectID(t.UserID)
	if err != nil {
		return err
	}
	t.CreatedAt = t.CreatedAt.UTC().Truncate(time.Millisecond)
	t.ExpiresAt = t.ExpiresAt.UTC().Truncate(time.Millisecond)
	_, err = s.tokens.InsertOne(ctx, accountTokenDoc{ID: t.ID, UserID: uid, Kind: t.Kind, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt})
	return translate("store.CreateAccountToken", err)
}

// AccountToken implements models.AccountTokenStore.
func (s *Store) AccountToken(ctx context.Context, id string) (*models.AccountToken, error) {
	var d accountTokenDoc
	if err := s.tokens.FindOne(ctx, idFilter(id)).Decode(&d); err != nil {
		return nil, translate("store.AccountToken", err)
	}
	return &models.AccountToken{ID: d.ID, UserID: d.UserID.Hex(), Kind: d.Kind, CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt}, nil
}

// DeleteAccountToken implements models.AccountTokenStore.
func (s *Store) DeleteAccountToken(ctx context.Context, id string) error {
	_, err := s.tokens.DeleteOne(ctx, idFilter(id))
	return translate("store.DeleteAccountToken", err)
}
