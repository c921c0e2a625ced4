package store

import (
	"context"
	"slices"
	"strings"
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
			ResetToken: d.ResetToken, VerifyToken: d.VerifyToken, PasswordHash: d.PasswordHash,
			SessionGen: d.SessionGen, KeptSession: d.KeptSession, Notices: toNotices(d.Notices)}
		if err := fn(toUser(d), &st); err != nil {
			return err
		}
		for _, n := range st.Notices {
			if !slices.ContainsFunc(d.Notices, func(o noticeDoc) bool { return o.Key == n.Key }) {
				if err := s.noteUntold(ctx, "store.UpdateAccount", untoldNotice+id+"/"+n.Key, id); err != nil {
					return err
				}
			}
		}
		d.Role, d.Disabled, d.EmailVerified = string(st.Role), st.Disabled, st.EmailVerified
		d.ResetToken, d.VerifyToken, d.PasswordHash = st.ResetToken, st.VerifyToken, st.PasswordHash
		// The change and its notice, and the end of the sessions it ends,
		// are this one write: no crash can keep one without the other.
		d.SessionGen, d.KeptSession, d.Notices = st.SessionGen, st.KeptSession, toNoticeDocs(st.Notices)
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
	cur, err := s.users.Find(ctx, bson.D{}, options.Find().SetProjection(secretless))
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

// PendingNotices implements models.UserStore. On the embedded database
// it reads the untold entries and the accounts they name (untold.go); on
// MongoDB, or once on a database from a release that kept no entries, it
// asks for the accounts with notices (MongoDB's sparse index; a scan on
// the embedded database, which then writes the entries it lacked).
func (s *Store) PendingNotices(ctx context.Context) ([]models.AccountNotices, error) {
	const op = "store.PendingNotices"
	entries, kept, err := s.untoldEntries(ctx, op, untoldNotice, untoldNoticesKept)
	if err != nil {
		return nil, err
	}
	if !kept {
		return s.scanPendingNotices(ctx)
	}
	var out []models.AccountNotices
	seen := map[string]int{} // account id → its place in out, or -1: nothing untold
	for _, e := range entries {
		at, ok := seen[e.Ref]
		if !ok {
			at = -1
			d, err := s.accountNotices(ctx, op, e.Ref)
			if err != nil {
				return nil, err
			}
			if d != nil && len(d.Notices) > 0 {
				at = len(out)
				out = append(out, models.AccountNotices{User: toUser(d), Notices: toNotices(d.Notices)})
			}
			seen[e.Ref] = at
		}
		_, key, _ := strings.Cut(e.ID, "/")
		if at < 0 || !slices.ContainsFunc(out[at].Notices, func(n models.PendingNotice) bool { return n.Key == key }) {
			if err := s.dropStale(ctx, op, e); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// accountNotices reads account id without its secrets; nil if there is
// none.
func (s *Store) accountNotices(ctx context.Context, op, id string) (*userDoc, error) {
	oid, err := objectID(id)
	if err != nil {
		return nil, nil
	}
	var d userDoc
	ok, err := found(op, s.users.FindOne(ctx, idFilter(oid), options.FindOne().SetProjection(secretless)).Decode(&d))
	if err != nil || !ok {
		return nil, err
	}
	return &d, nil
}

// secretless leaves an account's secrets out of what is read.
var secretless = bson.D{{Key: "password_hash", Value: 0}, {Key: "reset_token", Value: 0}, {Key: "verify_token", Value: 0}}

// scanPendingNotices finds the accounts with notices by a query on the
// field, and on the embedded database writes the entry of each notice it
// finds and marks the entries kept.
func (s *Store) scanPendingNotices(ctx context.Context) ([]models.AccountNotices, error) {
	const op = "store.PendingNotices"
	cur, err := s.users.Find(ctx, bson.D{{Key: "notices", Value: bson.D{{Key: "$exists", Value: true}}}},
		options.Find().SetProjection(secretless))
	if err != nil {
		return nil, translate(op, err)
	}
	var docs []userDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(op, err)
	}
	var out []models.AccountNotices
	for i := range docs {
		if len(docs[i].Notices) == 0 {
			continue
		}
		out = append(out, models.AccountNotices{User: toUser(&docs[i]), Notices: toNotices(docs[i].Notices)})
		for _, n := range docs[i].Notices {
			if err := s.noteUntold(ctx, op, untoldNotice+docs[i].ID.Hex()+"/"+n.Key, docs[i].ID.Hex()); err != nil {
				return nil, err
			}
		}
	}
	return out, s.markUntoldKept(ctx, untoldNoticesKept)
}

// NoticeTold implements models.UserStore. It writes the notices left, or
// removes the field, without a new version: the account's owner, who may
// be editing their profile with the version they read, changed nothing.
// On MongoDB another process's replace read before this may put the
// notice back; it is then told again under its key, which adds nothing.
func (s *Store) NoticeTold(ctx context.Context, id, key string) error {
	const op = "store.NoticeTold"
	if err := s.noticeTold(ctx, op, id, key); err != nil {
		return err
	}
	return s.toldUntold(ctx, op, untoldNotice+id+"/"+key)
}

func (s *Store) noticeTold(ctx context.Context, op, id, key string) error {
	oid, err := objectID(id)
	if err != nil {
		return nil // no such account: nothing pending
	}
	// The cache needs no drop: the users it holds carry no notices.
	unlock := s.locks.lock(s.users.Name(), oid)
	defer unlock()
	for range casRetries {
		var d userDoc
		if ok, err := found(op, s.users.FindOne(ctx, idFilter(oid), options.FindOne().SetProjection(
			bson.D{{Key: "notices", Value: 1}, {Key: "version", Value: 1}})).Decode(&d)); err != nil || !ok {
			return err
		}
		left := slices.DeleteFunc(slices.Clone(d.Notices), func(n noticeDoc) bool { return n.Key == key })
		if len(left) == len(d.Notices) {
			return nil
		}
		change := bson.D{{Key: "$unset", Value: bson.D{{Key: "notices", Value: ""}}}}
		if len(left) > 0 {
			change = bson.D{{Key: "$set", Value: bson.D{{Key: "notices", Value: left}}}}
		}
		res, err := s.users.UpdateOne(ctx, s.casFilter(oid, d.Version), change)
		if err != nil {
			return translate(op, err)
		}
		if res.MatchedCount == 1 {
			return nil
		}
	}
	return models.Errorf(models.CodeConflict, "the account is being changed by others; try again")
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
