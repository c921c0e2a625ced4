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
	// Login failures allowed per account, and per client address, within
	// LoginWindow before further attempts are refused (5, 50, 15 minutes).
	// The address limit is higher because offices share an address.
	MaxFailuresPerAccount int
	MaxFailuresPerAddr    int
	LoginWindow           time.Duration
	// Now is the clock (time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// Accounts implements models.AccountService.
type Accounts struct {
	users    models.UserStore
	sessions models.SessionStore
	limits   models.LimitStore
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
}

var _ models.AccountService = (*Accounts)(nil)

// NewAccounts returns the account service over its stores.
func NewAccounts(users models.UserStore, sessions models.SessionStore, limits models.LimitStore, cfg AccountsConfig) *Accounts {
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
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Accounts{users: users, sessions: sessions, limits: limits, hasher: newHasher(cfg.MaxConcurrentHashes),
		registrations: newHasher(cfg.MaxConcurrentRegisterHashes), registering: make(chan struct{}, cfg.MaxConcurrentRegistrations), cfg: cfg}
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
	return a.startSession(ctx, u, client)
}

// emailTaken is the answer to registering an email that has an account,
// as the store gives it when two registrations race.
func emailTaken() error {
	return &models.Error{Code: models.CodeConflict, Message: "this email is already registered",
		Fields: map[string]string{"email": "is already registered"}}
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
	s := &models.Session{ID: id, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(a.cfg.SessionTTL),
		ClientAddr: client.Addr, UserAgent: truncate(client.UserAgent, 256)}
	if err := a.sessions.CreateSession(ctx, s); err != nil {
		return nil, err
	}
	return &models.Auth{Token: token, ExpiresAt: s.ExpiresAt, User: u}, nil
}

func (a *Accounts) loginKeys(email, addr string) (account, address string) {
	return "login:acct:" + email, "login:addr:" + addr
}

// Login implements models.AccountService.
func (a *Accounts) Login(ctx context.Context, in models.LoginInput, client models.ClientInfo) (*models.Auth, error) {
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	email := models.NormalizeEmail(in.Email)
	acctKey, addrKey := a.loginKeys(email, client.Addr)

	// Refuse before hashing: a blocked client costs two _id lookups, not a
	// hash, and even the right password does not get through.
	if err := a.checkLimits(ctx, acctKey, addrKey); err != nil {
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
		last, err := a.recordFailure(ctx, acctKey, addrKey)
		if err != nil {
			return nil, err
		}
		a.cfg.Logger.InfoContext(ctx, "login failed", "client_addr", client.Addr, "failures", last.Count)
		return nil, models.Errorf(models.CodeUnauthenticated, "wrong email or password")
	}
	if err := a.limits.LimitReset(ctx, acctKey); err != nil {
		return nil, err
	}
	return a.startSession(ctx, u, client)
}

// checkLimits refuses a client or account with too many failed sign-ins
// in the window.
func (a *Accounts) checkLimits(ctx context.Context, acctKey, addrKey string) error {
	for _, l := range []struct {
		key string
		max int
	}{{acctKey, a.cfg.MaxFailuresPerAccount}, {addrKey, a.cfg.MaxFailuresPerAddr}} {
		lim, err := a.limits.LimitGet(ctx, l.key)
		if err != nil {
			return err
		}
		if lim.Count >= l.max {
			return a.rateLimited(lim)
		}
	}
	return nil
}

// recordFailure counts a failed sign-in against the account and the client
// address, and returns the account's counter.
func (a *Accounts) recordFailure(ctx context.Context, acctKey, addrKey string) (models.Limit, error) {
	acct, err := a.limits.LimitHit(ctx, acctKey, a.cfg.LoginWindow)
	if err != nil {
		return acct, err
	}
	_, err = a.limits.LimitHit(ctx, addrKey, a.cfg.LoginWindow)
	return acct, err
}

func (a *Accounts) rateLimited(lim models.Limit) error {
	wait := max(time.Second, lim.ResetAt.Sub(a.cfg.Now()).Round(time.Second))
	return &models.Error{Code: models.CodeRateLimited, RetryAfter: wait,
		Message: fmt.Sprintf("too many failed sign-ins; try again in %s", wait)}
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
	return u, err
}

// CreateUser implements models.AccountService.
func (a *Accounts) CreateUser(ctx context.Context, actor *models.User, in models.NewUserInput) (*models.User, error) {
	if !actor.Is(models.RoleAdmin) {
		return nil, models.Errorf(models.CodeForbidden, "only an admin can create bureau and admin accounts")
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
	return u, nil
}

// BootstrapAdmin implements models.AccountService.
func (a *Accounts) BootstrapAdmin(ctx context.Context, email, password string) (bool, error) {
	exists, err := a.users.AdminExists(ctx)
	if err != nil || exists {
		return false, err
	}
	in := models.NewUserInput{Email: email, Password: password, Name: "Administrator", Role: models.RoleAdmin}
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
	u = &models.User{Email: in.Email, Name: in.Name, Role: models.RoleAdmin}
	if err := a.createUser(ctx, a.hasher, u, in.Password); err != nil {
		return false, err
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
		return nil, &models.Error{Code: models.CodeValidation, Message: "the name cannot be empty", Fields: map[string]string{"name": "is required"}}
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
	acctKey, addrKey := a.loginKeys(models.NormalizeEmail(actor.Email), client.Addr)
	if err := a.checkLimits(ctx, acctKey, addrKey); err != nil {
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
		if _, err := a.recordFailure(ctx, acctKey, addrKey); err != nil {
			return err
		}
		return &models.Error{Code: models.CodeValidation, Message: "the current password is wrong",
			Fields: map[string]string{"current_password": "is not your current password"}}
	}
	newHash, err := a.hasher.hash(ctx, in.NewPassword)
	if err != nil {
		return err
	}
	if err := a.users.SetPassword(ctx, actor.ID, newHash); err != nil {
		return err
	}
	// Whoever else was signed in with the old password is signed out.
	return a.sessions.DeleteUserSessions(ctx, actor.ID, tokenID(token))
}

// Names implements models.AccountService. Each name is one _id lookup,
// cached like every user read; an erased or unknown user has none.
func (a *Accounts) Names(ctx context.Context, actor *models.User, ids []string) (map[string]string, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	if !actor.Is(models.RoleBureau, models.RoleAdmin) {
		return nil, models.Errorf(models.CodeForbidden, "only the bureau and admins see who did what")
	}
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done || id == "" {
			continue
		}
		u, err := a.users.User(ctx, id)
		if models.IsCode(err, models.CodeNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = u.Name
	}
	return out, nil
}
