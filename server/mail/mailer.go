package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	netmail "net/mail"
	"strings"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// Store is what the mailer keeps in the database; *store.Store implements
// it.
type Store interface {
	EnqueueMail(ctx context.Context, m *models.OutboxMail) (bool, error)
	Mail(ctx context.Context, id string) (*models.OutboxMail, error)
	ClaimMail(ctx context.Context, id, owner string, lease time.Duration) (*models.OutboxMail, bool, error)
	MailSent(ctx context.Context, id string) error
	MailFailed(ctx context.Context, id, owner, reason string, next time.Time, giveUp bool) error
	UnfinishedMails(ctx context.Context) ([]models.MailDue, error)
	MailCounts(ctx context.Context, limit int) (map[string]int, []*models.OutboxMail, error)
	MailPrefs(ctx context.Context, userID string) (*models.MailPrefs, error)
	UpdateMailPrefs(ctx context.Context, userID string, fn func(*models.MailPrefs) error) (*models.MailPrefs, error)
	HoldForDigest(ctx context.Context, date string, m *models.MailRequest) error
	Digest(ctx context.Context, id string) (*models.Digest, error)
	DeleteDigest(ctx context.Context, id string) error
	DigestIDs(ctx context.Context) ([]string, error)
	User(ctx context.Context, id string) (*models.User, error)
	Secret(ctx context.Context, name string) ([]byte, error)
}

// Mailer is talenthub's models.Mailer and models.MailService.
type Mailer struct {
	cfg   Config
	smtp  *smtpConf // nil: mail is off
	key   []byte
	owner string // this process's name on its leases

	mu      sync.Mutex
	due     map[string]time.Time // outbox id → when to try it
	digests map[string]time.Time // digest id → when to send it
	wake    chan struct{}
}

var (
	_ models.Mailer      = (*Mailer)(nil)
	_ models.MailService = (*Mailer)(nil)
)

// notSentOff is the note on mail kept while mail is off.
const notSentOff = "not sent: mail is off"

// New builds the mailer from cfg; it reads the unsubscribe links' key from
// the database. Run starts its worker.
func New(ctx context.Context, cfg Config) (*Mailer, error) {
	if err := cfg.defaults(); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	m := &Mailer{cfg: cfg, due: map[string]time.Time{}, digests: map[string]time.Time{}, wake: make(chan struct{}, 1)}
	if cfg.SMTPURL != "" {
		c, err := parseSMTP(cfg.SMTPURL)
		if err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
		m.smtp = c
	}
	key, err := cfg.Store.Secret(ctx, models.SecretMailUnsubscribe)
	if err != nil {
		return nil, fmt.Errorf("mail: the unsubscribe key: %w", err)
	}
	m.key = key
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	m.owner = hex.EncodeToString(b)
	return m, nil
}

// Enabled reports whether mail goes out (SMTP_URL is set).
func (m *Mailer) Enabled() bool { return m.smtp != nil }

// Send stores the mail for the worker, or drops it when the recipient does
// not want it or cannot be mailed: a non-security mail needs a verified
// address and the kind's email on; a daily kind is held for the digest.
// Asking twice with one key is one mail.
func (m *Mailer) Send(ctx context.Context, r *models.MailRequest) error {
	if err := checkRequest(r); err != nil {
		return err
	}
	if r.Lang != models.LangEN {
		r.Lang = models.LangZH
	}
	log := m.cfg.Logger.With("kind", r.Kind, "to", models.MaskEmail(r.To))
	if !security(r.Security, r.Kind) {
		u, err := m.cfg.Store.User(ctx, r.UserID)
		if models.IsCode(err, models.CodeNotFound) {
			log.Debug("mail dropped: no such account")
			return nil
		}
		if err != nil {
			return err
		}
		if !u.EmailVerified {
			log.Debug("mail dropped: the address is not verified")
			return nil
		}
		prefs, err := m.cfg.Store.MailPrefs(ctx, r.UserID)
		if err != nil {
			return err
		}
		switch p := prefs.Pref(r.Kind); {
		case !p.Email:
			log.Debug("mail dropped: off in the preferences")
			return nil
		case p.Frequency == models.MailDaily || r.Digest:
			date := m.cfg.Now().In(shenzhen).Format(time.DateOnly)
			if err := m.cfg.Store.HoldForDigest(ctx, date, r); err != nil {
				return err
			}
			m.schedule(m.digests, digestID(r.UserID, date), digestDue(date))
			return nil
		}
	}
	return m.enqueue(ctx, r)
}

func (m *Mailer) enqueue(ctx context.Context, r *models.MailRequest) error {
	o := &models.OutboxMail{Key: r.Key, UserID: r.UserID, To: r.To, Lang: r.Lang, Kind: r.Kind, Title: r.Title, Body: r.Body,
		Link: r.Link, Security: security(r.Security, r.Kind)}
	if m.smtp == nil {
		o.LastError = notSentOff
	}
	added, err := m.cfg.Store.EnqueueMail(ctx, o)
	if err != nil || !added {
		return err
	}
	if m.smtp == nil {
		// The log is where an operator without SMTP sees what would have
		// gone out; the address stays masked, the body out of it.
		m.cfg.Logger.Info("mail not sent: mail is off (set SMTP_URL)", "id", o.ID, "kind", o.Kind, "to", models.MaskEmail(o.To), "title", oneLine(o.Title))
		return nil
	}
	m.schedule(m.due, o.ID, o.NextAt)
	return nil
}

// checkRequest refuses a request that cannot become a mail; a caller's
// bug, said as a validation error.
func checkRequest(r *models.MailRequest) error {
	fields := map[string]string{}
	rules := map[string]models.FieldRule{}
	bad := func(field string, rule models.Rule, msg string) {
		fields[field], rules[field] = msg, models.FieldRule{Rule: rule}
	}
	if r.Key == "" || len(r.Key) > 500 {
		bad("key", models.RuleRequired, "is required (at most 500 characters)")
	}
	if r.Kind == "" || len(r.Kind) > 100 {
		bad("kind", models.RuleRequired, "is required")
	}
	if a, err := netmail.ParseAddress(r.To); err != nil || a.Address != r.To || strings.ContainsAny(r.To, "\r\n") {
		bad("to", models.RuleEmail, "must be an email address")
	}
	if !security(r.Security, r.Kind) && r.UserID == "" {
		bad("user_id", models.RuleRequired, "is required")
	}
	if len(fields) > 0 {
		return &models.Error{Code: models.CodeValidation, Message: "the mail cannot be sent", Fields: fields, Rules: rules, Op: "mail.Send"}
	}
	return nil
}

// schedule puts id in a due-list and wakes the worker.
func (m *Mailer) schedule(list map[string]time.Time, id string, at time.Time) {
	m.mu.Lock()
	if old, ok := list[id]; !ok || at.Before(old) {
		list[id] = at
	}
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Preferences implements models.MailService.
func (m *Mailer) Preferences(ctx context.Context, actor *models.User) (*models.MailPrefs, error) {
	if actor == nil {
		return nil, models.Errorf(models.CodeUnauthenticated, "sign in first")
	}
	p, err := m.cfg.Store.MailPrefs(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	return p.Complete(), nil
}

// SetPreferences implements models.MailService.
func (m *Mailer) SetPreferences(ctx context.Context, actor *models.User, in models.MailPrefsInput) (*models.MailPrefs, error) {
	if actor == nil {
		return nil, models.Errorf(models.CodeUnauthenticated, "sign in first")
	}
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	if err := in.Check(); err != nil {
		return nil, err
	}
	p, err := m.cfg.Store.UpdateMailPrefs(ctx, actor.ID, func(p *models.MailPrefs) error {
		for _, k := range in.Kinds {
			f := k.Frequency
			if f == "" {
				f = p.Pref(k.Kind).Frequency
			}
			p.Set(models.MailPref{Kind: k.Kind, Email: *k.Email, Frequency: f})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p.Complete(), nil
}

// CheckUnsubscribe implements models.MailService.
func (m *Mailer) CheckUnsubscribe(ctx context.Context, token string) (*models.Unsubscription, error) {
	_, kind, err := m.parseToken(token)
	if err != nil {
		return nil, err
	}
	return &models.Unsubscription{Kind: kind}, nil
}

// Unsubscribe implements models.MailService. The digest's link turns off
// every kind the user receives daily.
func (m *Mailer) Unsubscribe(ctx context.Context, token string) (*models.Unsubscription, error) {
	userID, kind, err := m.parseToken(token)
	if err != nil {
		return nil, err
	}
	_, err = m.cfg.Store.UpdateMailPrefs(ctx, userID, func(p *models.MailPrefs) error {
		for _, k := range models.MailPrefKinds() {
			pref := p.Pref(k)
			if k == kind || (kind == models.MailDigest && pref.Frequency == models.MailDaily) {
				pref.Email = false
				p.Set(pref)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.cfg.Logger.Info("unsubscribed by a mail's link", "kind", kind)
	return &models.Unsubscription{Kind: kind, Done: true}, nil
}

// failuresShown is how many failures the admin sees.
const failuresShown = 20

// Status implements models.MailService.
func (m *Mailer) Status(ctx context.Context, actor *models.User) (*models.MailStatus, error) {
	if !actor.Is(models.RoleAdmin) {
		return nil, models.Errorf(models.CodeForbidden, "only an admin sees the mail's state")
	}
	counts, failures, err := m.cfg.Store.MailCounts(ctx, failuresShown)
	if err != nil {
		return nil, err
	}
	st := &models.MailStatus{Enabled: m.smtp != nil, From: m.cfg.From, Pending: counts[models.MailPending] + counts[models.MailSending],
		Sent: counts[models.MailSent], Failed: counts[models.MailFailed], Failures: []models.MailFailure{}}
	if m.smtp != nil {
		st.Host, st.Security = m.smtp.addr(), m.smtp.security
	}
	for _, f := range failures {
		st.Failures = append(st.Failures, models.MailFailure{ID: f.ID, To: models.MaskEmail(f.To), Kind: f.Kind, State: f.State,
			Error: f.LastError, Attempts: f.Attempts, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt})
	}
	return st, nil
}
