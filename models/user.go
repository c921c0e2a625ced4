package models

import (
	"context"
	"strings"
	"time"
)

// Role is what a user is on the platform: a creator, an organisation
// member, a bureau officer or an admin.
type Role string

// The four roles. Only creator and org can be chosen at registration; bureau
// and admin accounts are created by an admin.
const (
	RoleCreator Role = "creator"
	RoleOrg     Role = "org"
	RoleBureau  Role = "bureau"
	RoleAdmin   Role = "admin"
	// RoleReviewer is an outside expert's account, made by an incubator
	// that invites the expert to review its calls: it reviews the calls
	// that name it and does nothing else.
	RoleReviewer Role = "reviewer"
)

// User is an account. The password hash never leaves the store.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  Role   `json:"role"`
	OrgID string `json:"org_id"`
	// Language is the user's language of the web UI: "zh-CN" (the
	// default, also when empty) or "en".
	Language string `json:"language"`
	// OrgVerified says that OrgID names a verified organisation, as read
	// when the user signs in or is authenticated for a request
	// (AccountService); it is not stored, and never sent.
	OrgVerified bool `json:"-"`
	// EmailVerified says the owner of the address followed a verification
	// link sent to it (only security mail goes to an unverified one).
	// Accounts older than verification have it false.
	EmailVerified bool `json:"email_verified"`
	// Disabled accounts cannot sign in and have no sessions (an admin
	// disables them).
	Disabled bool `json:"disabled"`
	// SessionGen is bumped in the same write as a password change or
	// reset, or a disabling: sessions begun under an older generation
	// are refused, whether or not their deletion (a later write) ran.
	// KeptSession is the session a password change keeps (its changer's).
	SessionGen  int64     `json:"-"`
	KeptSession string    `json:"-"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Languages of the UI.
const (
	LangZH = "zh-CN"
	LangEN = "en"
)

// PasswordChange is the body of POST /me/password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password" validate:"required,max=256"`
	NewPassword     string `json:"new_password" validate:"required,min=10,max=256"`
}

// UserUpdate is the body of PATCH /me: a user changes their own name and
// language.
type UserUpdate struct {
	Name     *string `json:"name" validate:"omitempty,singleline,max=100"`
	Language *string `json:"language" validate:"omitempty,oneof=zh-CN en"`
}

// Normalize trims the name.
func (u *UserUpdate) Normalize() {
	if u.Name != nil {
		n := strings.TrimSpace(*u.Name)
		u.Name = &n
	}
}

// InVerifiedOrg reports whether u is a member of a verified organisation.
func (u *User) InVerifiedOrg() bool {
	return u != nil && u.Role == RoleOrg && u.OrgID != "" && u.OrgVerified
}

// Is reports whether u is signed in with one of roles.
func (u *User) Is(roles ...Role) bool {
	if u == nil {
		return false
	}
	for _, r := range roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

// RegisterInput is the body of POST /auth/register.
type RegisterInput struct {
	Email    string `json:"email" validate:"required,max=254,singleline,email"`
	Password string `json:"password" validate:"required,min=10,max=256"`
	Name     string `json:"name" validate:"required,singleline,max=100"`
	Role     Role   `json:"role" validate:"required,oneof=creator org"`
}

// Normalize trims the name and normalises the email.
func (in *RegisterInput) Normalize() {
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
}

// NewUserInput is the body of POST /admin/users.
type NewUserInput struct {
	Email    string `json:"email" validate:"required,max=254,singleline,email"`
	Password string `json:"password" validate:"required,min=10,max=256"`
	Name     string `json:"name" validate:"required,singleline,max=100"`
	Role     Role   `json:"role" validate:"required,oneof=bureau admin"`
}

// Normalize trims the name and normalises the email.
func (in *NewUserInput) Normalize() {
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
}

// LoginInput is the body of POST /auth/login. The email is not checked for
// format: a malformed one simply matches no account.
type LoginInput struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,max=256"`
}

// NormalizeEmail is the form under which an email is stored and looked up:
// trimmed and lower-cased, so that Ming@Example.com and ming@example.com are
// one account.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Session is a signed-in client. Its ID is the SHA-256 of the bearer token,
// so a leaked sessions collection does not leak usable tokens.
type Session struct {
	ID         string    `json:"-"`
	UserID     string    `json:"user_id"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	ClientAddr string    `json:"client_addr"`
	UserAgent  string    `json:"user_agent"`
	// Gen is the account's SessionGen when the session began.
	Gen int64 `json:"-"`
}

// Auth is the answer to a successful register or login.
type Auth struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      *User     `json:"user"`
}

// ClientInfo describes the client of a request, for rate limits and the
// session list.
type ClientInfo struct {
	Addr      string
	UserAgent string
}

// Limit is the state of one rate-limit counter.
type Limit struct {
	Count   int
	ResetAt time.Time
	// Last is the time of the latest event counted.
	Last time.Time
}

// AccountService manages accounts and sessions.
type AccountService interface {
	// Register creates a creator or org account and signs it in.
	// Returns CodeValidation or CodeConflict (email taken).
	Register(ctx context.Context, in RegisterInput, client ClientInfo) (*Auth, error)
	// Login signs a user in. Returns CodeUnauthenticated for a wrong email or
	// password, and CodeRateLimited while the client address must wait
	// after too many failures: its own on the account, or any on an
	// account under attack when it failed there too, or its own across
	// accounts. An address that has not failed on the account is never
	// made to wait for others' failures on it.
	Login(ctx context.Context, in LoginInput, client ClientInfo) (*Auth, error)
	// Logout revokes the session of token. Revoking an unknown token is not
	// an error.
	Logout(ctx context.Context, token string) error
	// Authenticate returns the user of a live session token, with
	// OrgVerified read from its organisation, or CodeUnauthenticated.
	Authenticate(ctx context.Context, token string) (*User, error)
	// CreateUser creates a bureau or admin account. Returns CodeForbidden
	// unless actor is an admin, CodeValidation, CodeConflict.
	CreateUser(ctx context.Context, actor *User, in NewUserInput) (*User, error)
	// UpdateMe changes the signed-in user's own name or language. Returns
	// CodeValidation (an empty name, an unknown language),
	// CodePreconditionFailed when ifVersion is set and stale.
	UpdateMe(ctx context.Context, actor *User, u UserUpdate, ifVersion int64) (*User, error)
	// ChangePassword replaces the actor's password after checking the
	// current one, and ends every other session of the account (the one
	// of token stays). A wrong current password is CodeValidation on
	// current_password and counts as a failed sign-in (CodeRateLimited
	// after too many).
	ChangePassword(ctx context.Context, actor *User, token string, in PasswordChange, client ClientInfo) error
	// Names returns the names of the users with ids (those that exist), for
	// the bureau's and admins' audit trail; CodeForbidden for anyone else.
	Names(ctx context.Context, actor *User, ids []string) (map[string]string, error)
	// BootstrapAdmin creates the first admin unless an admin exists already.
	// It reports whether it created one.
	BootstrapAdmin(ctx context.Context, email, password string) (bool, error)
	AccountAdmin
}

// UserStore persists accounts.
type UserStore interface {
	// CreateUser stores u with its password hash and claims its email; it
	// sets u.ID, u.Version and the times. Returns CodeConflict if the email
	// is taken.
	CreateUser(ctx context.Context, u *User, passwordHash string) error
	// User returns the user with id, or CodeNotFound.
	User(ctx context.Context, id string) (*User, error)
	// UserByEmail returns the user with the normalised email and their
	// password hash, or CodeNotFound.
	UserByEmail(ctx context.Context, email string) (*User, string, error)
	// AdminExists reports whether an admin account has ever been created.
	AdminExists(ctx context.Context) (bool, error)
	// MarkAdminExists records that an admin account exists.
	MarkAdminExists(ctx context.Context) error
	// SetUserOrg sets the organisation of user id (empty to leave it) if
	// check, given the user as stored, returns nil; one serialised write.
	SetUserOrg(ctx context.Context, id, orgID string, check func(*User) error) (*User, error)
	// DeleteUser removes an account, its email claim and its sessions.
	DeleteUser(ctx context.Context, id string) error
	// UpdateUser applies fn to user id as stored, in one serialised write
	// (ifVersion > 0: only at that version, else CodePreconditionFailed).
	UpdateUser(ctx context.Context, id string, ifVersion int64, fn func(*User) error) (*User, error)
	// SetPassword replaces the password hash of user id.
	SetPassword(ctx context.Context, id, passwordHash string) error
	// UpdateAccount applies fn to the account state of user id (and sees
	// the user as stored) in one serialised write; CodeNotFound.
	UpdateAccount(ctx context.Context, id string, fn func(*User, *AccountState) error) (*User, error)
	// AllUsers returns every account (a scan: the admin's list).
	AllUsers(ctx context.Context) ([]*User, error)
	// PendingNotices returns the accounts with security notices not yet
	// told, and those notices (a scan, for the sweep after a restart).
	PendingNotices(ctx context.Context) ([]AccountNotices, error)
	// NoticeTold removes the pending notice key from account id, without
	// making a new version of the account.
	NoticeTold(ctx context.Context, id, key string) error
	AccountTokenStore
}

// SessionStore persists sessions.
type SessionStore interface {
	// CreateSession stores s.
	CreateSession(ctx context.Context, s *Session) error
	// Session returns the session with id (expired or not), or CodeNotFound.
	Session(ctx context.Context, id string) (*Session, error)
	// DeleteSession removes a session; removing a missing one is not an error.
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions removes every session of a user but the one with
	// id except (empty: all).
	DeleteUserSessions(ctx context.Context, userID, except string) error
}

// LimitStore keeps rate-limit counters that every server process shares.
type LimitStore interface {
	// LimitHit counts one event under key in a fixed window that starts at
	// the first event, and returns the counter after it.
	LimitHit(ctx context.Context, key string, window time.Duration) (Limit, error)
	// LimitGet returns the live counter of key (zero when none or expired).
	LimitGet(ctx context.Context, key string) (Limit, error)
	// LimitReset clears the counter of key.
	LimitReset(ctx context.Context, key string) error
}
