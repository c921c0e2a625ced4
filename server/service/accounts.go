package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/szdc/talenthub/models"
)

// AccountsConfig tunes the account service. Zero values take the defaults.
type AccountsConfig struct {
	// SessionTTL is how long a session lives (30 days).
	SessionTTL time.Duration
	// MaxConcurrentHashes caps parallel password hashing for sign-ins and
	// signed-in users (changing a password, an admin creating an account)
	// (2).
	MaxConcurrentHashes int
	// MaxConcurrentRegisterHashes caps parallel hashing for registrations
	// (1). Registrations have slots of their own, so that a flood of them
	// queues behind itself and never in front of a sign-in.
	MaxConcurrentRegisterHashes int
	// MaxConcurrentRegistrations caps the registrations in progress at
	// once, from their first read of the database to their answer (4);
	// the others wait in memory. A flood of registrations then holds a
	// few of the database's connections, not all, and a sign-in's reads
	// do not queue behind it.
	MaxConcurrentRegistrations int
	// MaxRegistrationsPerAddr registrations are allowed per client address
	// within RegisterWindow (200, an hour); every attempt that passes
	// validation counts. In-process callers (no address) are not limited.
	// Generous, because an office shares one address and the repository's
	// end-to-end tests register their users from loopback.
	MaxRegistrationsPerAddr int
	RegisterWindow          time.Duration
	// Failed sign-ins allowed per account, and per client address, within
	// LoginWindow (5, 50, 15 minutes) before attempts are slowed: past
	// the allowance an address waits LoginDelay (5 s) after the latest
	// failure, doubled with every further failure, at most until the
	// window ends; the right password gets through once the wait is over.
	// The per-account wait applies only to addresses that failed on the
	// account in the window, so nobody can lock an owner out by failing
	// on their account: an address that has not failed goes through. The
	// address allowance is higher because offices share an address.
	MaxFailuresPerAccount int
	MaxFailuresPerAddr    int
	LoginWindow           time.Duration
	LoginDelay            time.Duration
	// Password reset requests allowed per email asked about, and per
	// client address, within MailWindow (3, 20, an hour); verification
	// mails asked again per account (5). Every request counts, for an
	// address with an account or without, so the answers are the same.
	MaxResetsPerAccount int
	MaxResetsPerAddr    int
	MaxVerifyMails      int
	MailWindow          time.Duration
	// ResetTTL and VerifyTTL are how long a mailed link works (30
	// minutes, 7 days).
	ResetTTL  time.Duration
	VerifyTTL time.Duration
	// Audit records the admins' changes of accounts (nil: not recorded).
	Audit models.AuditStore
	// Mailer sends the links and the security notices, Notes keeps the
	// notices in the inbox; nil: nothing is sent or kept.
	Mailer models.Mailer
	Notes  models.NotificationStore
	// Now is the clock (time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// Accounts implements models.AccountService.
type Accounts struct {
	users    models.UserStore
	sessions models.SessionStore
	limits   models.LimitStore
	orgs     models.OrgStore
	// hasher hashes for sign-ins and signed-in users; registrations has
	// the registrations' own slots.
	hasher        *hasher
	registrations *hasher
	registering   chan struct{}
	cfg           AccountsConfig

	// dummyHash is verified against when an email is unknown, so that a
	// wrong email takes as long as a wrong password and does not reveal
	// which emails have accounts.
	dummyOnce sync.Once
	dummyHash string

	// bg tracks the work done after an answer (see later).
	bg sync.WaitGroup
	// adminMu serialises the admins' changes of accounts (see
	// AdminUpdateUser).
	adminMu sync.Mutex
	// retry says a notice was not told (see SweepNotices).
	retry atomic.Bool
}

var _ models.AccountService = (*Accounts)(nil)

// NewAccounts returns the account service over its stores (orgs to tell
// whether an organisation user's organisation is verified).
func NewAccounts(users models.UserStore, sessions models.SessionStore, limits models.LimitStore, orgs models.OrgStore, cfg AccountsConfig) *Accounts {
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 30 * 24 * time.Hour
	}
	if cfg.MaxConcurrentHashes <= 0 {
		cfg.MaxConcurrentHashes = 2
	}
	if cfg.MaxConcurrentRegisterHashes <= 0 {
		cfg.MaxConcurrentRegisterHashes = 1
	}
	if cfg.MaxConcurrentRegistrations <= 0 {
		cfg.MaxConcurrentRegistrations = 4
	}
	if cfg.MaxRegistrationsPerAddr <= 0 {
		cfg.MaxRegistrationsPerAddr = 200
	}
	if cfg.RegisterWindow <= 0 {
		cfg.RegisterWindow = time.Hour
	}
	if cfg.MaxFailuresPerAccount <= 0 {
		cfg.MaxFailuresPerAccount = 5
	}
	if cfg.MaxFailuresPerAddr <= 0 {
		cfg.MaxFailuresPerAddr = 50
	}
	if cfg.LoginWindow <= 0 {
		cfg.LoginWindow = 15 * time.Minute
	}
	if cfg.LoginDelay <= 0 {
		cfg.LoginDelay = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxResetsPerAccount <= 0 {
		cfg.MaxResetsPerAccount = defaultMaxResetsPerAccount
	}
	if cfg.MaxResetsPerAddr <= 0 {
		cfg.MaxResetsPerAddr = defaultMaxResetsPerAddr
	}
	if cfg.MaxVerifyMails <= 0 {
		cfg.MaxVerifyMails = defaultMaxVerifyMails
	}
	if cfg.MailWindow <= 0 {
		cfg.MailWindow = defaultMailWindow
	}
	if cfg.ResetTTL <= 0 {
		cfg.ResetTTL = defaultResetTTL
	}
	if cfg.VerifyTTL <= 0 {
		cfg.VerifyTTL = defaultVerifyTTL
	}
	if cfg.Notes == nil {
		cfg.Notes = nopNotes{}
	}
	a := &Accounts{users: users, sessions: sessions, limits: limits, orgs: orgs, hasher: newHasher(cfg.MaxConcurrentHashes),
		registrations: newHasher(cfg.MaxConcurrentRegisterHashes), registering: make(chan struct{}, cfg.MaxConcurrentRegistrations), cfg: cfg}
	if a.cfg.Mailer == nil {
		a.cfg.Mailer = nopMailer{a}
	}
	return a
}

// Register implements models.AccountService. In order of cost: the input
// is validated, a place among the registrations in progress taken (see
// MaxConcurrentRegistrations), the address's registrations counted, the
// email looked up
// (a taken one is refused before any hashing: the answer says it is taken
// anyway), and only then is the password hashed, in the registrations'
// own slots.
func (a *Accounts) Register(ctx context.Context, in models.RegisterInput, client models.ClientInfo) (*models.Auth, error) {
	in.Normalize()
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	select {
	case a.registering <- struct{}{}:
		defer func() { <-a.registering }()
	case <-ctx.Done():
		return nil, &models.Error{Code: models.CodeUnavailable, Message: "the server is busy; try again", Err: ctx.Err()}
	}
	if client.Addr != "" {
		lim, err := a.limits.LimitHit(ctx, "register:addr:"+client.Addr, a.cfg.RegisterWindow)
		if err != nil {
			return nil, err
		}
		if lim.Count > a.cfg.MaxRegistrationsPerAddr {
			wait := max(time.Second, lim.ResetAt.Sub(a.cfg.Now()).Round(time.Second))
			return nil, &models.Error{Code: models.CodeRateLimited, RetryAfter: wait,
				Message: fmt.Sprintf("too many registrations from your address; try again in %s", wait)}
		}
	}
	switch _, _, err := a.users.UserByEmail(ctx, in.Email); {
	case err == nil:
		return nil, emailTaken()
	case !models.IsCode(err, models.CodeNotFound):
		return nil, err
	}
	u := &models.User{Email: in.Email, Name: in.Name, Role: in.Role}
	if err := a.createUser(ctx, a.registrations, u, in.Password); err != nil {
		return nil, err
	}
	a.cfg.Logger.InfoContext(ctx, "account registered", "user_id", u.ID, "role", u.Role)
	a.verifyAtSignup(ctx, u)
	return a.startSession(ctx, u, client)
}

// emailTaken is the answer to registering an email that has an account,
// as the store gives it when two registrations race.
func emailTaken() error {
	return &models.Error{Code: models.CodeConflict, Message: "this email is already registered",
		Fields: map[string]string{"email": "is already registered"}, Rules: map[string]models.FieldRule{"email": {Rule: models.RuleRegistered}}}
}

func (a *Accounts) createUser(ctx context.Context, h *hasher, u *models.User, password string) error {
	hash, err := h.hash(ctx, password)
	if err != nil {
		return err
	}
	return a.users.CreateUser(ctx, u, hash)
}

func (a *Accounts) startSession(ctx context.Context, u *models.User, client models.ClientInfo) (*models.Auth, error) {
	token, id, err := newToken()
	if err != nil {
		return nil, err
	}
	now := a.cfg.Now()
	// The generation read with the password that was checked: a reset or
	// change that lands meanwhile ends this session too.
	s := &models.Session{ID: id, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(a.cfg.SessionTTL),
		ClientAddr: client.Addr, UserAgent: truncate(client.UserAgent, 256), Gen: u.SessionGen}
	if err := a.sessions.CreateSession(ctx, s); err != nil {
		return nil, err
	}
	return &models.Auth{Token: token, ExpiresAt: s.ExpiresAt, User: u}, nil
}

// loginKeys name the counters of failed sign-ins: on the account, on the
// account from the address, and from the address on any account.
type loginKeys struct{ acct, pair, addr string }

func (a *Accounts) loginKeys(email, addr string) loginKeys {
	return loginKeys{acct: "login:acct:" + email, pair: "login:pair:" + addr + "|" + email, addr: "login:addr:" + addr}
}

// Login implements models.AccountService.
func (a *Accounts) Login(ctx context.Context, in models.LoginInput, client models.ClientInfo) (*models.Auth, error) {
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	email := models.NormalizeEmail(in.Email)
	keys := a.loginKeys(email, client.Addr)

	// Refuse before hashing: a client that must wait costs a few _id
	// lookups, not a hash.
	if err := a.checkLimits(ctx, keys); err != nil {
		return nil, err
	}

	u, hash, err := a.users.UserByEmail(ctx, email)
	if err != nil && !models.IsCode(err, models.CodeNotFound) {
		return nil, err
	}
	if err != nil {
		hash = a.dummy(ctx)
	}
	ok, verr := a.hasher.verify(ctx, in.Password, hash)
	if verr != nil && u != nil {
		return nil, verr
	}
	if u == nil || !ok {
		last, err := a.recordFailure(ctx, keys)
		if err != nil {
			return nil, err
		}
		a.cfg.Logger.InfoContext(ctx, "login failed", "client_addr", client.Addr, "failures", last.Count)
		return nil, models.Errorf(models.CodeUnauthenticated, "wrong email or password")
	}
	// Only the right password learns that the account is disabled: it
	// proves as much as the answer tells, and spares its owner a puzzle.
	if u.Disabled {
		return nil, models.Errorf(models.CodeForbidden, "this account is disabled; ask an administrator")
	}
	// The address's failures on the account are forgiven; the account's
	// count stays until its window ends, so that an attacker's next
	// failures are not free again because the owner signed in.
	if err := a.limits.LimitReset(ctx, keys.pair); err != nil {
		return nil, err
	}
	if u, err = a.withOrg(ctx, u); err != nil {
		return nil, err
	}
	return a.startSession(ctx, u, client)
}

// checkLimits makes the client wait if it must (see AccountsConfig): for
// its own failures across accounts, and for the account's failures if it
// failed on the account too.
func (a *Accounts) checkLimits(ctx context.Context, k loginKeys) error {
	addr, err := a.limits.LimitGet(ctx, k.addr)
	if err != nil {
		return err
	}
	if wait := a.delay(addr, a.cfg.MaxFailuresPerAddr); wait > 0 {
		return rateLimited(wait)
	}
	acct, err := a.limits.LimitGet(ctx, k.acct)
	if err != nil || acct.Count < a.cfg.MaxFailuresPerAccount {
		return err
	}
	pair, err := a.limits.LimitGet(ctx, k.pair)
	if err != nil || pair.Count == 0 {
		return err
	}
	if wait := a.delay(acct, a.cfg.MaxFailuresPerAccount); wait > 0 {
		return rateLimited(wait)
	}
	return nil
}

// delay is how long from now a counter of failures with an allowance
// makes the client wait: LoginDelay after the latest failure, doubled for
// every failure past the allowance, never past the end of the window.
func (a *Accounts) delay(l models.Limit, allowance int) time.Duration {
	if l.Count < allowance {
		return 0
	}
	d := a.cfg.LoginDelay << min(l.Count-allowance, 30)
	if d <= 0 || d > a.cfg.LoginWindow {
		d = a.cfg.LoginWindow
	}
	until := l.Last.Add(d)
	if l.ResetAt.Before(until) {
		until = l.ResetAt
	}
	return until.Sub(a.cfg.Now())
}

// recordFailure counts a failed sign-in against the account, the account
// from the address and the address, and returns the account's counter.
func (a *Accounts) recordFailure(ctx context.Context, k loginKeys) (models.Limit, error) {
	acct, err := a.limits.LimitHit(ctx, k.acct, a.cfg.LoginWindow)
	if err != nil {
		return acct, err
	}
	if _, err = a.limits.LimitHit(ctx, k.pair, a.cfg.LoginWindow); err != nil {
		return acct, err
	}
	_, err = a.limits.LimitHit(ctx, k.addr, a.cfg.LoginWindow)
	return acct, err
}

func rateLimited(wait time.Duration) error {
	wait = max(time.Second, wait.Round(time.Second))
	return &models.Error{Code: models.CodeRateLimited, RetryAfter: wait,
		Message: fmt.Sprintf("too many failed sign-ins from your address; try again in %s", wait)}
}

func (a *Accounts) dummy(ctx context.Context) string {
	a.dummyOnce.Do(func() {
		// Not bound to this request: the hash is shared by later ones. On
		// failure it stays empty and verify fails, which is what an unknown
		// email needs anyway.
		a.dummyHash, _ = a.hasher.hash(context.WithoutCancel(ctx), "not the password of anyone")
	})
	return a.dummyHash
}

// Logout implements models.AccountService.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	return a.sessions.DeleteSession(ctx, tokenID(token))
}

// Authenticate implements models.AccountService.
func (a *Accounts) Authenticate(ctx context.Context, token string) (*models.User, error) {
	unauth := models.Errorf(models.CodeUnauthenticated, "your session has ended; sign in again")
	if !wellFormedToken(token) {
		return nil, models.Errorf(models.CodeUnauthenticated, "malformed token")
	}
	s, err := a.sessions.Session(ctx, tokenID(token))
	if models.IsCode(err, models.CodeNotFound) {
		return nil, unauth
	}
	if err != nil {
		return nil, err
	}
	if !a.cfg.Now().Before(s.ExpiresAt) {
		_ = a.sessions.DeleteSession(ctx, s.ID)
		return nil, unauth
	}
	u, err := a.users.User(ctx, s.UserID)
	if models.IsCode(err, models.CodeNotFound) {
		return nil, unauth
	}
	if err != nil {
		return nil, err
	}
	// Disabling deletes the sessions; this refuses one that outlived
	// that (another process's cache, a crash in between).
	if u.Disabled {
		return nil, models.Errorf(models.CodeUnauthenticated, "this account is disabled")
	}
	// A password change or reset deletes the older sessions after its
	// write; this refuses those that a crash in between left. The
	// generation comes in the account's own write, so nothing can keep
	// the new password and the old sessions.
	if s.Gen < u.SessionGen && (u.KeptSession == "" || s.ID != u.KeptSession) {
		return nil, unauth
	}
	return a.withOrg(ctx, u)
}

// withOrg returns a copy of u (which a cache may share) with OrgVerified
// read from its organisation: one _id lookup per request of an
// organisation member, so that a verification counts at once.
func (a *Accounts) withOrg(ctx context.Context, u *models.User) (*models.User, error) {
	if u.Role != models.RoleOrg || u.OrgID == "" {
		return u, nil
	}
	o, err := a.orgs.Org(ctx, u.OrgID)
	if err != nil && !models.IsCode(err, models.CodeNotFound) {
		return nil, err
	}
	c := *u
	c.OrgVerified = err == nil && o.Status == models.StatusVerified
	return &c, nil
}

// CreateUser implements models.AccountService.
func (a *Accounts) CreateUser(ctx context.Context, actor *models.User, in models.NewUserInput) (*models.User, error) {
	if err := models.Permit(actor, models.ActCreateStaff); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	u := &models.User{Email: in.Email, Name: in.Name, Role: in.Role}
	if err := a.createUser(ctx, a.hasher, u, in.Password); err != nil {
		return nil, err
	}
	if u.Role == models.RoleAdmin {
		if err := a.users.MarkAdminExists(ctx); err != nil {
			return nil, err
		}
	}
	a.cfg.Logger.InfoContext(ctx, "account created by admin", "user_id", u.ID, "role", u.Role, "actor_id", actor.ID)
	// Staff accounts are unverified like any other until their owner
	// follows the link: the admin typed the address, which proves nothing.
	a.verifyAtSignup(ctx, u)
	return u, nil
}

// BootstrapAdmin implements models.AccountService.
func (a *Accounts) BootstrapAdmin(ctx context.Context, email, password string) (bool, error) {
	exists, err := a.users.AdminExists(ctx)
	if err != nil || exists {
		return false, err
	}
	in := models.NewUserInput{Email: email, Password: password, Name: "系统管理员", Role: models.RoleAdmin}
	in.Normalize()
	u, _, err := a.users.UserByEmail(ctx, in.Email)
	switch {
	case err == nil && u.Role == models.RoleAdmin:
		// Created before a crash that lost the marker.
		return false, a.users.MarkAdminExists(ctx)
	case err == nil:
		return false, fmt.Errorf("ADMIN_EMAIL %s belongs to a %s account; choose another email", in.Email, u.Role)
	case !models.IsCode(err, models.CodeNotFound):
		return false, err
	}
	if err := models.Validate(in); err != nil {
		return false, fmt.Errorf("ADMIN_EMAIL/ADMIN_PASSWORD: %v %v", models.ErrorMessage(err), models.ErrorFields(err))
	}
	// The operator who starts the server vouches for ADMIN_EMAIL, and no
	// link could reach a server that has no mailer yet.
	u = &models.User{Email: in.Email, Name: in.Name, Role: models.RoleAdmin, EmailVerified: true}
	if err := a.createUser(ctx, a.hasher, u, in.Password); err != nil {
		if !models.IsCode(err, models.CodeConflict) {
			return false, err
		}
		// Another process started with the same ADMIN_EMAIL created the
		// admin between our look-up and our claim of the email: it won,
		// and that is what both wanted.
		other, _, rerr := a.users.UserByEmail(ctx, in.Email)
		if rerr != nil || other.Role != models.RoleAdmin {
			return false, err
		}
		return false, a.users.MarkAdminExists(ctx)
	}
	return true, a.users.MarkAdminExists(ctx)
}

// tokenBytes is the entropy of a session token.
const tokenBytes = 32

// newToken returns a random bearer token and the ID under which its
// session is stored: the SHA-256 of the token, so the sessions collection
// holds nothing a thief could present.
func newToken() (token, id string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", models.Internal("service.newToken", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenID(token), nil
}

func tokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func wellFormedToken(token string) bool {
	if len(token) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// UpdateMe implements models.AccountService.
func (a *Accounts) UpdateMe(ctx context.Context, actor *models.User, u models.UserUpdate, ifVersion int64) (*models.User, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	u.Normalize()
	if u.Name != nil && *u.Name == "" {
		return nil, &models.Error{Code: models.CodeValidation, Message: "the name cannot be empty", Fields: map[string]string{"name": "is required"}, Rules: map[string]models.FieldRule{"name": {Rule: models.RuleRequired}}}
	}
	if err := models.Validate(u); err != nil {
		return nil, err
	}
	return a.users.UpdateUser(ctx, actor.ID, ifVersion, func(cur *models.User) error {
		if u.Name != nil {
			cur.Name = *u.Name
		}
		if u.Language != nil {
			cur.Language = *u.Language
		}
		return nil
	})
}

// ChangePassword implements models.AccountService. A wrong current password
// counts against the same limits as a failed sign-in, so that a stolen
// session cannot be used to guess the password faster than the sign-in
// form allows.
func (a *Accounts) ChangePassword(ctx context.Context, actor *models.User, token string, in models.PasswordChange, client models.ClientInfo) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	if err := models.Validate(in); err != nil {
		return err
	}
	keys := a.loginKeys(models.NormalizeEmail(actor.Email), client.Addr)
	if err := a.checkLimits(ctx, keys); err != nil {
		return err
	}
	_, hash, err := a.users.UserByEmail(ctx, models.NormalizeEmail(actor.Email))
	if err != nil {
		return err
	}
	ok, err := a.hasher.verify(ctx, in.CurrentPassword, hash)
	if err != nil {
		return err
	}
	if !ok {
		if _, err := a.recordFailure(ctx, keys); err != nil {
			return err
		}
		return &models.Error{Code: models.CodeValidation, Message: "the current password is wrong",
			Fields: map[string]string{"current_password": "is not your current password"}, Rules: map[string]models.FieldRule{"current_password": {Rule: models.RuleWrongPassword}}}
	}
	newHash, err := a.hasher.hash(ctx, in.NewPassword)
	if err != nil {
		return err
	}
	// A pending reset link dies with the old password, and whoever else
	// was signed in with it is signed out: the changer's session alone is
	// kept, in the same write.
	keep := ""
	if token != "" {
		keep = tokenID(token)
	}
	var n models.PendingNotice
	u, err := a.users.UpdateAccount(ctx, actor.ID, func(u *models.User, st *models.AccountState) error {
		st.PasswordHash, st.ResetToken = newHash, ""
		n = a.endSessions(u, st, models.NotePasswordChanged, keep)
		return nil
	})
	if err != nil {
		return err
	}
	// Tidying only: the new generation refuses them already.
	if err := a.sessions.DeleteUserSessions(ctx, actor.ID, keep); err != nil {
		a.cfg.Logger.WarnContext(ctx, "delete the sessions of a changed password", "user_id", actor.ID, "error", err)
	}
	a.tellNotice(ctx, u, n)
	return nil
}

// Names implements models.AccountService. Each name is one _id lookup,
// cached like every user read; an erased or unknown user has none.
func (a *Accounts) Names(ctx context.Context, actor *models.User, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	err := a.eachUser(ctx, actor, ids, func(u *models.User) { out[u.ID] = u.Name })
	return out, err
}

// eachUser calls fn with each account of ids, once each, for the bureau
// and admins; ids of no account are skipped.
func (a *Accounts) eachUser(ctx context.Context, actor *models.User, ids []string, fn func(*models.User)) error {
	if err := models.Permit(actor, models.ActSeeActors); err != nil {
		return err
	}
	done := map[string]bool{}
	for _, id := range ids {
		if done[id] || id == "" {
			continue
		}
		done[id] = true
		u, err := a.users.User(ctx, id)
		if models.IsCode(err, models.CodeNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		fn(u)
	}
	return nil
}
