package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

// The outbox of mail, the users' mail preferences and the items held for
// their daily digests.
//
// How the sender finds due mail cheaply: on the embedded database only an
// {_id} lookup avoids a scan, so the sender does not query for due mail
// on every tick. It scans the unfinished mail once at start (and, on
// MongoDB, where other processes enqueue too, at a slow interval), keeps the
// due times in memory, and is told of every mail this process enqueues.
// Every step on one mail (claim, sent, failed) is then an {_id}
// read-modify-write under the per-document lock, or a compare-and-swap on
// its version on MongoDB, so two senders never both claim it.
const (
	collMails       = "mails"        // _id: SHA-256 of the request's key
	collMailPrefs   = "mail_prefs"   // _id: the user's id
	collMailDigests = "mail_digests" // _id: user_id:YYYY-MM-DD (Shenzhen time)
)

type mailDoc struct {
	ID         string    `bson:"_id"`
	Key        string    `bson:"key"`
	UserID     string    `bson:"user_id"`
	To         string    `bson:"to"`
	Lang       string    `bson:"lang"`
	Kind       string    `bson:"kind"`
	Title      string    `bson:"title"`
	Body       string    `bson:"body"`
	Link       string    `bson:"link"`
	Security   bool      `bson:"security"`
	State      string    `bson:"state"`
	Attempts   int       `bson:"attempts"`
	NextAt     time.Time `bson:"next_at"`
	LeaseOwner string    `bson:"lease_owner,omitempty"`
	LeaseUntil time.Time `bson:"lease_until,omitempty"`
	LastError  string    `bson:"last_error,omitempty"`
	SentAt     time.Time `bson:"sent_at,omitempty"`
	Meta       `bson:",inline"`
}

func toOutboxMail(d *mailDoc) *models.OutboxMail {
	return &models.OutboxMail{ID: d.ID, Key: d.Key, UserID: d.UserID, To: d.To, Lang: d.Lang, Kind: d.Kind, Title: d.Title,
		Body: d.Body, Link: d.Link, Security: d.Security, State: d.State, Attempts: d.Attempts, NextAt: d.NextAt,
		LeaseOwner: d.LeaseOwner, LeaseUntil: d.LeaseUntil, LastError: d.LastError, CreatedAt: d.CreatedAt,
		SentAt: d.SentAt, UpdatedAt: d.UpdatedAt}
}

// MailID is the outbox id of a mail's key.
func MailID(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

func (s *Store) mails() *mongo.Collection { return s.db.Collection(collMails) }

// EnqueueMail stores m as pending, due at once, unless a mail with its key
// is there already (added false: asking again is a no-op). m.ID and the
// times are set.
func (s *Store) EnqueueMail(ctx context.Context, m *models.OutboxMail) (added bool, err error) {
	const op = "store.EnqueueMail"
	now := s.nowUTC()
	m.ID = MailID(m.Key)
	m.State, m.CreatedAt, m.UpdatedAt = models.MailPending, now, now
	if m.NextAt.IsZero() {
		m.NextAt = now
	}
	d := mailDoc{ID: m.ID, Key: m.Key, UserID: m.UserID, To: m.To, Lang: m.Lang, Kind: m.Kind, Title: m.Title, Body: m.Body,
		Link: m.Link, Security: m.Security, State: m.State, NextAt: m.NextAt, LastError: m.LastError,
		Meta: Meta{Version: 1, CreatedAt: now, UpdatedAt: now}}
	if _, err := s.mails().InsertOne(ctx, d); err != nil {
		if err := translate(op, err); models.IsCode(err, models.CodeConflict) {
			return false, nil
		}
		return false, translate(op, err)
	}
	return true, nil
}

// Mail returns the mail of the outbox with id.
func (s *Store) Mail(ctx context.Context, id string) (*models.OutboxMail, error) {
	var d mailDoc
	if err := s.mails().FindOne(ctx, idFilter(id)).Decode(&d); err != nil {
		return nil, notFoundAs(translate("store.Mail", err), "mail")
	}
	return toOutboxMail(&d), nil
}

// errUnchanged aborts an update that finds nothing to do.
var errUnchanged = errors.New("unchanged")

// ClaimMail leases the mail id to owner until now+lease if it is due: pending
// with its next attempt due, or sending with an expired lease (its sender
// stopped). claimed is false when it is not due, is another sender's, or is
// finished. A claim counts as an attempt, so that a mail that crashes its
// sender still runs out of attempts.
func (s *Store) ClaimMail(ctx context.Context, id, owner string, lease time.Duration) (m *models.OutboxMail, claimed bool, err error) {
	now := s.nowUTC()
	d, err := update(ctx, s, "store.ClaimMail", s.mails(), id, 0, func(d *mailDoc) error {
		switch {
		case d.State == models.MailPending && !d.NextAt.After(now):
		case d.State == models.MailSending && !d.LeaseUntil.After(now):
		default:
			return errUnchanged
		}
		d.State, d.LeaseOwner, d.LeaseUntil = models.MailSending, owner, now.Add(lease)
		d.Attempts++
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return toOutboxMail(d), true, nil
}

// MailSent records that the SMTP server accepted the mail id. It holds
// whoever's lease it is: the mail went out.
func (s *Store) MailSent(ctx context.Context, id string) error {
	now := s.nowUTC()
	_, err := update(ctx, s, "store.MailSent", s.mails(), id, 0, func(d *mailDoc) error {
		if d.State == models.MailSent {
			return errUnchanged
		}
		d.State, d.SentAt, d.LeaseOwner, d.LeaseUntil, d.LastError = models.MailSent, now, "", time.Time{}, ""
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// MailFailed records a failed attempt of owner's: the mail waits until next,
// or is given up (failed) when giveUp. It changes nothing if owner no
// longer holds the mail (its lease expired and another sender took it).
func (s *Store) MailFailed(ctx context.Context, id, owner, reason string, next time.Time, giveUp bool) error {
	_, err := update(ctx, s, "store.MailFailed", s.mails(), id, 0, func(d *mailDoc) error {
		if d.State != models.MailSending || d.LeaseOwner != owner {
			return errUnchanged
		}
		d.State, d.NextAt, d.LastError, d.LeaseOwner, d.LeaseUntil = models.MailPending, next.UTC(), reason, "", time.Time{}
		if giveUp {
			d.State = models.MailFailed
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// NoteMail records why a pending mail waits (mail is off) without
// touching its schedule.
func (s *Store) NoteMail(ctx context.Context, id, note string) error {
	_, err := update(ctx, s, "store.NoteMail", s.mails(), id, 0, func(d *mailDoc) error {
		if d.State != models.MailPending || d.LastError == note {
			return errUnchanged
		}
		d.LastError = note
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// UnfinishedMails lists the mail not sent and not given up, with when each
// is due (a sending mail when its lease ends). It scans the outbox on the
// embedded database: the sender calls it at start, not per mail.
func (s *Store) UnfinishedMails(ctx context.Context) ([]models.MailDue, error) {
	const op = "store.UnfinishedMails"
	cur, err := s.mails().Find(ctx, bson.D{{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{models.MailPending, models.MailSending}}}}},
		options.Find().SetProjection(bson.D{{Key: "state", Value: 1}, {Key: "next_at", Value: 1}, {Key: "lease_until", Value: 1}}))
	if err != nil {
		return nil, translate(op, err)
	}
	defer cur.Close(ctx)
	out := []models.MailDue{}
	for cur.Next(ctx) {
		var d mailDoc
		if err := cur.Decode(&d); err != nil {
			return nil, translate(op, err)
		}
		due := d.NextAt
		if d.State == models.MailSending {
			due = d.LeaseUntil
		}
		out = append(out, models.MailDue{ID: d.ID, NextAt: due})
	}
	return out, translate(op, cur.Err())
}

// MailCounts counts the outbox by state and returns the latest mails given
// up or retrying after an error, newest first, at most limit. It scans the
// outbox (the admin's page, not a hot path).
func (s *Store) MailCounts(ctx context.Context, limit int) (counts map[string]int, failures []*models.OutboxMail, err error) {
	const op = "store.MailCounts"
	cur, err := s.mails().Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "title", Value: 0}, {Key: "body", Value: 0}}))
	if err != nil {
		return nil, nil, translate(op, err)
	}
	defer cur.Close(ctx)
	counts = map[string]int{}
	for cur.Next(ctx) {
		var d mailDoc
		if err := cur.Decode(&d); err != nil {
			return nil, nil, translate(op, err)
		}
		counts[d.State]++
		if d.State == models.MailFailed || (d.State != models.MailSent && d.LastError != "") {
			failures = append(failures, toOutboxMail(&d))
		}
	}
	if err := cur.Err(); err != nil {
		return nil, nil, translate(op, err)
	}
	slices.SortFunc(failures, func(a, b *models.OutboxMail) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	if len(failures) > limit {
		failures = failures[:limit]
	}
	return counts, failures, nil
}

// PruneSentMails deletes the mail sent before t, so that the scans of the
// outbox stay short. It scans the outbox.
func (s *Store) PruneSentMails(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.mails().DeleteMany(ctx, bson.D{{Key: "state", Value: models.MailSent}, {Key: "sent_at", Value: bson.D{{Key: "$lt", Value: t.UTC()}}}})
	if err != nil {
		return 0, translate("store.PruneSentMails", err)
	}
	return res.DeletedCount, nil
}

type mailPrefsDoc struct {
	ID    string             `bson:"_id"`
	Kinds []mailPrefDocEntry `bson:"kinds"`
	Meta  `bson:",inline"`
}

type mailPrefDocEntry struct {
	Kind  string `bson:"kind"`
	Email bool   `bson:"email"`
	Daily bool   `bson:"daily,omitempty"`
}

func (d *mailPrefsDoc) model() *models.MailPrefs {
	p := &models.MailPrefs{Kinds: []models.MailPref{}, Version: d.Version, UpdatedAt: d.UpdatedAt}
	for _, k := range d.Kinds {
		f := models.MailInstant
		if k.Daily {
			f = models.MailDaily
		}
		p.Kinds = append(p.Kinds, models.MailPref{Kind: k.Kind, Email: k.Email, Frequency: f})
	}
	return p
}

func (s *Store) mailPrefs() *mongo.Collection { return s.db.Collection(collMailPrefs) }

// MailPrefs returns the user's mail preferences: the kinds never chosen
// are absent (their default applies).
func (s *Store) MailPrefs(ctx context.Context, userID string) (*models.MailPrefs, error) {
	var d mailPrefsDoc
	if ok, err := found("store.MailPrefs", s.mailPrefs().FindOne(ctx, idFilter(userID)).Decode(&d)); err != nil || !ok {
		return &models.MailPrefs{Kinds: []models.MailPref{}}, err
	}
	return d.model(), nil
}

// UpdateMailPrefs lets fn change the user's preferences and stores them.
func (s *Store) UpdateMailPrefs(ctx context.Context, userID string, fn func(*models.MailPrefs) error) (*models.MailPrefs, error) {
	const op = "store.UpdateMailPrefs"
	// The document is made on first use, empty, so that every change is
	// the one read-modify-write of update.
	_, err := s.mailPrefs().UpdateOne(ctx, idFilter(userID), bson.D{{Key: "$setOnInsert", Value: mailPrefsDoc{ID: userID,
		Kinds: []mailPrefDocEntry{}, Meta: Meta{Version: 1, CreatedAt: s.nowUTC(), UpdatedAt: s.nowUTC()}}}}, options.Update().SetUpsert(true))
	if err := translate(op, err); err != nil && !models.IsCode(err, models.CodeConflict) {
		return nil, err
	}
	d, err := update(ctx, s, op, s.mailPrefs(), userID, 0, func(d *mailPrefsDoc) error {
		p := d.model()
		if err := fn(p); err != nil {
			return err
		}
		d.Kinds = d.Kinds[:0]
		for _, k := range p.Kinds {
			d.Kinds = append(d.Kinds, mailPrefDocEntry{Kind: k.Kind, Email: k.Email, Daily: k.Frequency == models.MailDaily})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.model(), nil
}

type digestDoc struct {
	ID     string          `bson:"_id"`
	UserID string          `bson:"user_id"`
	Date   string          `bson:"date"`
	To     string          `bson:"to"`
	Lang   string          `bson:"lang"`
	Items  []digestDocItem `bson:"items"`
	Meta   `bson:",inline"`
}

type digestDocItem struct {
	Key   string    `bson:"key"`
	Kind  string    `bson:"kind"`
	Title string    `bson:"title"`
	Body  string    `bson:"body"`
	Link  string    `bson:"link"`
	At    time.Time `bson:"at"`
}

func (d *digestDoc) model() *models.Digest {
	out := &models.Digest{ID: d.ID, UserID: d.UserID, Date: d.Date, To: d.To, Lang: d.Lang}
	for _, it := range d.Items {
		out.Items = append(out.Items, models.DigestItem{Key: it.Key, Kind: it.Kind, Title: it.Title, Body: it.Body, Link: it.Link, At: it.At})
	}
	return out
}

func (s *Store) digests() *mongo.Collection { return s.db.Collection(collMailDigests) }

// DigestID is the id of a user's digest of a day.
func DigestID(userID, date string) string { return userID + ":" + date }

// HoldForDigest adds m to its user's digest of date (YYYY-MM-DD), unless an
// item with its key is there already. The digest takes the latest address
// and language.
func (s *Store) HoldForDigest(ctx context.Context, date string, m *models.MailRequest) error {
	const op = "store.HoldForDigest"
	id := DigestID(m.UserID, date)
	now := s.nowUTC()
	_, err := s.digests().UpdateOne(ctx, idFilter(id), bson.D{{Key: "$setOnInsert", Value: digestDoc{ID: id, UserID: m.UserID, Date: date,
		Items: []digestDocItem{}, Meta: Meta{Version: 1, CreatedAt: now, UpdatedAt: now}}}}, options.Update().SetUpsert(true))
	if err := translate(op, err); err != nil && !models.IsCode(err, models.CodeConflict) {
		return err
	}
	_, err = update(ctx, s, op, s.digests(), id, 0, func(d *digestDoc) error {
		d.To, d.Lang = m.To, m.Lang
		if slices.ContainsFunc(d.Items, func(it digestDocItem) bool { return it.Key == m.Key }) {
			return nil
		}
		d.Items = append(d.Items, digestDocItem{Key: m.Key, Kind: m.Kind, Title: m.Title, Body: m.Body, Link: m.Link, At: now})
		return nil
	})
	return err
}

// Digest returns the digest id.
func (s *Store) Digest(ctx context.Context, id string) (*models.Digest, error) {
	var d digestDoc
	if err := s.digests().FindOne(ctx, idFilter(id)).Decode(&d); err != nil {
		return nil, notFoundAs(translate("store.Digest", err), "digest")
	}
	return d.model(), nil
}

// DeleteDigest deletes the digest id (once its mail is in the outbox).
func (s *Store) DeleteDigest(ctx context.Context, id string) error {
	unlock := s.locks.lock(collMailDigests, id)
	defer unlock()
	_, err := s.digests().DeleteOne(ctx, idFilter(id))
	return translate("store.DeleteDigest", err)
}

// DigestIDs lists every digest still held. It scans the digests (at
// start; they are few: one per user with held items per day).
func (s *Store) DigestIDs(ctx context.Context) ([]string, error) {
	const op = "store.DigestIDs"
	cur, err := s.digests().Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(op, err)
	}
	defer cur.Close(ctx)
	out := []string{}
	for cur.Next(ctx) {
		var d struct {
			ID string `bson:"_id"`
		}
		if err := cur.Decode(&d); err != nil {
			return nil, translate(op, err)
		}
		out = append(out, d.ID)
	}
	return out, translate(op, cur.Err())
}
