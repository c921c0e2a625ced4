package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

type userDoc struct {
	ID           primitive.ObjectID `bson:"_id"`
	Email        string             `bson:"email"`
	Name         string             `bson:"name"`
	Role         string             `bson:"role"`
	OrgID        string             `bson:"org_id,omitempty"`
	Language     string             `bson:"language,omitempty"`
	PasswordHash string             `bson:"password_hash"`
	// Absent in accounts older than these fields: unverified, enabled,
	// no token.
	EmailVerified bool   `bson:"email_verified,omitempty"`
	Disabled      bool   `bson:"disabled,omitempty"`
	ResetToken    string `bson:"reset_token,omitempty"`
	VerifyToken   string `bson:"verify_token,omitempty"`
	// Absent in accounts older than these fields: generation 0 (which
	// their sessions have), no session kept, no notice pending.
	SessionGen  int64       `bson:"session_gen,omitempty"`
	KeptSession string      `bson:"kept_session,omitempty"`
	Notices     []noticeDoc `bson:"notices,omitempty"`
	Meta        `bson:",inline"`
	// Rest keeps the fields this version does not know (written by a newer
	// one during a rolling deploy), so that a replace does not drop them.
	Rest bson.M `bson:",inline"`
}

// noticeDoc is a security notice pending on an account
// (models.PendingNotice).
type noticeDoc struct {
	Key  string    `bson:"key"`
	Kind string    `bson:"kind"`
	At   time.Time `bson:"at"`
}

// emailDoc claims a normalised email for one user. Its _id is the email, so
// the unique _id index is what makes emails unique, and login is an _id
// lookup.
type emailDoc struct {
	ID        string             `bson:"_id"`
	UserID    primitive.ObjectID `bson:"user_id"`
	CreatedAt time.Time          `bson:"created_at"`
}

func toUser(d *userDoc) *models.User {
	return &models.User{
		ID: d.ID.Hex(), Email: d.Email, Name: d.Name, Role: models.Role(d.Role), OrgID: d.OrgID, Language: d.Language,
		EmailVerified: d.EmailVerified, Disabled: d.Disabled, Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		SessionGen: d.SessionGen, KeptSession: d.KeptSession,
	}
}

func toNotices(ds []noticeDoc) []models.PendingNotice {
	if len(ds) == 0 {
		return nil
	}
	out := make([]models.PendingNotice, len(ds))
	for i, d := range ds {
		out[i] = models.PendingNotice{Key: d.Key, Kind: d.Kind, At: d.At}
	}
	return out
}

func toNoticeDocs(ns []models.PendingNotice) []noticeDoc {
	if len(ns) == 0 {
		return nil
	}
	out := make([]noticeDoc, len(ns))
	for i, n := range ns {
		out[i] = noticeDoc{Key: n.Key, Kind: n.Kind, At: n.At.UTC().Truncate(time.Millisecond)}
	}
	return out
}

func toUserDoc(u *models.User, passwordHash string) (*userDoc, error) {
	id, err := objectID(u.ID)
	if err != nil {
		return nil, err
	}
	return &userDoc{
		ID: id, Email: u.Email, Name: u.Name, Role: string(u.Role), OrgID: u.OrgID, Language: u.Language, PasswordHash: passwordHash,
		EmailVerified: u.EmailVerified, Disabled: u.Disabled,
		Meta: Meta{Version: u.Version, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt},
	}, nil
}

// objectID parses a hex ID; a malformed one is not found, since no record
// can have it.
func objectID(id string) (primitive.ObjectID, error) {
	if !models.ValidID(id) {
		return primitive.NilObjectID, models.Errorf(models.CodeNotFound, "no record has id %q", id)
	}
	return primitive.ObjectIDFromHex(id)
}

// CreateUser implements models.UserStore. The user is written before the
// email claim: a crash in between leaves an unreachable user record, never
// a claim that blocks the email forever.
func (s *Store) CreateUser(ctx context.Context, u *models.User, passwordHash string) error {
	const op = "store.CreateUser"
	now := s.nowUTC()
	u.ID = primitive.NewObjectIDFromTimestamp(now).Hex()
	u.Version, u.CreatedAt, u.UpdatedAt = 1, now, now
	doc, err := toUserDoc(u, passwordHash)
	if err != nil {
		return err
	}
	if s.replSet {
		return s.createUserAtomically(ctx, doc, now)
	}
	if _, err := s.users.InsertOne(ctx, doc); err != nil {
		return translate(op, err)
	}
	err = s.claimEmail(ctx, u.Email, doc.ID, now)
	if err == nil {
		return nil
	}
	// The email is not ours: the account goes (with a context of its own:
	// the request's may be what ended).
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, derr := s.users.DeleteOne(cctx, idFilter(doc.ID)); derr != nil {
		s.log.WarnContext(ctx, "store: remove an account whose email was not claimed", "user_id", doc.ID.Hex(), "error", derr)
	}
	return err
}

// createUserAtomically writes the account and its email claim in one
// transaction (a replica set): both or neither. A claim left by an account
// that is gone is healed first; a commit whose result is unknown is read
// back.
func (s *Store) createUserAtomically(ctx context.Context, doc *userDoc, now time.Time) error {
	const op = "store.CreateUser"
	claim, ok, err := s.readClaim(ctx, doc.Email)
	if err != nil {
		return err
	}
	if ok {
		gone, err := s.healClaim(ctx, claim)
		if err != nil {
			return err
		}
		if !gone {
			return errClaimed(op)
		}
	}
	err = s.Atomically(ctx, func(ctx context.Context) error {
		if _, err := s.users.InsertOne(ctx, doc); err != nil {
			return translate(op, err)
		}
		if claimInsertHook != nil {
			if err := claimInsertHook(false); err != nil {
				return err
			}
		}
		_, err := s.emails.InsertOne(ctx, emailDoc{ID: doc.Email, UserID: doc.ID, CreatedAt: now})
		return translate(op, err)
	})
	if err == nil && claimInsertHook != nil {
		err = claimInsertHook(true) // the commit's answer lost
	}
	if err == nil {
		return nil
	}
	claim, ok, rerr := s.readClaim(ctx, doc.Email)
	switch {
	case rerr == nil && ok && claim.UserID == doc.ID:
		return nil // committed after all
	case rerr == nil && ok:
		return errClaimed(op)
	}
	return translate(op, err)
}

// errClaimed is the answer to a registration of an email that is taken.
func errClaimed(op string) error {
	return &models.Error{Code: models.CodeConflict, Message: "this email is already registered", Op: op,
		Fields: map[string]string{"email": "is already registered"}, Rules: map[string]models.FieldRule{"email": {Rule: models.RuleRegistered}}}
}

// claimInsertHook, set by tests, stands for the server: it may fail the
// insert of a claim before or after committing it (on a replica set, the
// transaction's commit).
var claimInsertHook func(committed bool) error

// claimEmail makes the email-to-user claim of a new account. An insert
// that answers an error may have been committed all the same (a deadline, a
// failover, a retried write that finds its own first attempt): the claim is
// then read back, and it is ours if it names our user. A claim naming an
// account that is gone (left by a crash between the two writes) is healed:
// removed, and the email claimed again.
func (s *Store) claimEmail(ctx context.Context, email string, userID primitive.ObjectID, now time.Time) error {
	const op = "store.CreateUser"
	for range 2 {
		err := error(nil)
		if claimInsertHook != nil {
			err = claimInsertHook(false)
		}
		if err == nil {
			_, err = s.emails.InsertOne(ctx, emailDoc{ID: email, UserID: userID, CreatedAt: now})
			if err == nil && claimInsertHook != nil {
				err = claimInsertHook(true)
			}
		}
		if err == nil {
			return nil
		}
		claim, ok, rerr := s.readClaim(ctx, email)
		switch {
		case rerr != nil:
			return translate(op, err) // neither the insert nor the read answered
		case ok && claim.UserID == userID:
			return nil // committed after all
		case !ok:
			return translate(op, err) // not committed
		}
		// Taken: by a live account, or by one that is gone.
		gone, herr := s.healClaim(ctx, claim)
		if herr != nil {
			return herr
		}
		if !gone {
			return errClaimed(op)
		}
	}
	return errClaimed(op)
}

// readClaim reads the claim of email, with a context of its own: it is
// read after a write whose request may be what ended.
func (s *Store) readClaim(ctx context.Context, email string) (emailDoc, bool, error) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var claim emailDoc
	ok, err := found("store.CreateUser", s.emails.FindOne(cctx, idFilter(email)).Decode(&claim))
	return claim, ok, err
}

// healClaim removes a claim whose account is gone, and says whether it
// was.
func (s *Store) healClaim(ctx context.Context, claim emailDoc) (bool, error) {
	const op = "store.healClaim"
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	ok, err := found(op, s.users.FindOne(cctx, idFilter(claim.UserID)).Err())
	if err != nil || ok {
		return false, err
	}
	// Only this claim of that account: a new claim made meanwhile stays.
	_, err = s.emails.DeleteOne(cctx, bson.D{{Key: "_id", Value: claim.ID}, {Key: "user_id", Value: claim.UserID}})
	if err != nil {
		return false, translate(op, err)
	}
	s.log.WarnContext(ctx, "store: removed an email claim of an account that is gone", "user_id", claim.UserID.Hex())
	return true, nil
}

// User implements models.UserStore.
func (s *Store) User(ctx context.Context, id string) (*models.User, error) {
	oid, err := objectID(id)
	if err != nil {
		return nil, err
	}
	u, gen, ok := cacheGet(s.auth, s.auth.usersMap(), id)
	if ok {
		return u, nil
	}
	var d userDoc
	if err := s.users.FindOne(ctx, idFilter(oid)).Decode(&d); err != nil {
		return nil, translate("store.User", err)
	}
	u = toUser(&d)
	cachePut(s.auth, s.auth.usersMap(), id, u, gen)
	return u, nil
}

// UserByEmail implements models.UserStore.
func (s *Store) UserByEmail(ctx context.Context, email string) (*models.User, string, error) {
	const op = "store.UserByEmail"
	var claim emailDoc
	if err := s.emails.FindOne(ctx, idFilter(email)).Decode(&claim); err != nil {
		return nil, "", translate(op, err)
	}
	var d userDoc
	if err := s.users.FindOne(ctx, idFilter(claim.UserID)).Decode(&d); err != nil {
		err = translate(op, err)
		if models.IsCode(err, models.CodeNotFound) {
			// A claim of an account that is gone: healed, so that the
			// email can register again.
			if _, herr := s.healClaim(ctx, claim); herr != nil {
				return nil, "", herr
			}
		}
		return nil, "", err
	}
	return toUser(&d), d.PasswordHash, nil
}

const adminMarker = "admin_exists"

// AdminExists implements models.UserStore with a marker document, so that
// start-up does not scan the users.
func (s *Store) AdminExists(ctx context.Context) (bool, error) {
	return found("store.AdminExists", s.meta.FindOne(ctx, idFilter(adminMarker)).Err())
}

// MarkAdminExists implements models.UserStore.
func (s *Store) MarkAdminExists(ctx context.Context) error {
	_, err := s.meta.UpdateOne(ctx, idFilter(adminMarker),
		bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "at", Value: s.nowUTC()}}}},
		options.Update().SetUpsert(true))
	return translate("store.MarkAdminExists", err)
}

// DeleteUser implements models.UserStore: the email claim first, so that a
// crash leaves an unreachable user rather than a reachable half-deleted one.
// What names the account is deleted before the account and again after it:
// a follower of the feed (the notifier) that found the account still there
// may write a notification or a mail between the two.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	s.auth.dropUser(id)
	defer s.auth.dropUser(id)
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	// One transaction on a replica set; elsewhere the order above.
	if err := s.Atomically(ctx, func(ctx context.Context) error { return s.deleteUser(ctx, u) }); err != nil {
		return err
	}
	// A read of the account from here on finds it gone (not in the
	// cache), so a write this sweep misses is one whose writer sees that.
	s.auth.dropUser(id)
	return s.ForgetUser(ctx, id)
}

func (s *Store) deleteUser(ctx context.Context, u *models.User) error {
	const op = "store.DeleteUser"
	id := u.ID
	if _, err := s.emails.DeleteOne(ctx, idFilter(u.Email)); err != nil {
		return translate(op, err)
	}
	if err := s.ForgetUser(ctx, id); err != nil {
		return err
	}
	oid, _ := objectID(id)
	if err := remove(ctx, s, op, s.users, oid, 0); err != nil && !models.IsCode(err, models.CodeNotFound) {
		return err
	}
	return nil
}

// ForgetUser deletes what names an account beside the account itself: its
// sessions, notifications, saved searches, mailed tokens, mail (sent or
// waiting), held digests, mail settings and list of uploads. DeleteUser
// runs it; the notifier runs it when the account it has just told is gone,
// so that what it wrote after the deletion goes too. Idempotent.
func (s *Store) ForgetUser(ctx context.Context, id string) error {
	const op = "store.ForgetUser"
	oid, err := objectID(id)
	if err != nil {
		return nil // no account has such an id, nothing names it
	}
	if _, err := s.sessions.DeleteMany(ctx, bson.D{{Key: "user_id", Value: oid}}); err != nil {
		return translate(op, err)
	}
	if err := s.DeleteInbox(ctx, id); err != nil {
		return err
	}
	if err := s.DeleteSavedSearches(ctx, id); err != nil {
		return err
	}
	// What else names the account: its mailed tokens, the mail to its
	// address (sent or waiting), its held digests and mail settings, the
	// list of its uploads (emptied by then).
	for _, del := range []struct {
		coll   string
		filter bson.D
	}{
		{collTokens, bson.D{{Key: "user_id", Value: oid}}},
		{collMails, bson.D{{Key: "user_id", Value: id}}},
		{collMailDigests, bson.D{{Key: "user_id", Value: id}}},
		{collMailPrefs, idFilter(id)},
		{collMediaOwner, idFilter(id)},
	} {
		if _, err := s.db.Collection(del.coll).DeleteMany(ctx, del.filter); err != nil {
			return translate(op, err)
		}
	}
	return nil
}

// SetPassword implements models.UserStore.
func (s *Store) SetPassword(ctx context.Context, id, passwordHash string) error {
	oid, err := objectID(id)
	if err != nil {
		return notFoundAs(err, "user")
	}
	s.auth.dropUser(id)
	defer s.auth.dropUser(id)
	_, err = update(ctx, s, "store.SetPassword", s.users, oid, 0, func(d *userDoc) error {
		d.PasswordHash = passwordHash
		return nil
	})
	return notFoundAs(err, "user")
}

// UpdateUser implements models.UserStore. The email, role and organisation
// are not the caller's to change here: fn sees a copy and only the name and
// language are written back.
func (s *Store) UpdateUser(ctx context.Context, id string, ifVersion int64, fn func(*models.User) error) (*models.User, error) {
	oid, err := objectID(id)
	if err != nil {
		return nil, notFoundAs(err, "user")
	}
	s.auth.dropUser(id)
	defer s.auth.dropUser(id)
	d, err := update(ctx, s, "store.UpdateUser", s.users, oid, ifVersion, func(d *userDoc) error {
		u := toUser(d)
		if err := fn(u); err != nil {
			return err
		}
		d.Name, d.Language = u.Name, u.Language
		return nil
	})
	if err != nil {
		return nil, notFoundAs(err, "user")
	}
	return toUser(d), nil
}
