package models

import (
	"context"
	"strings"
	"time"
)

// PasswordResetRequest is the body of POST /auth/password-reset. The
// email is not checked for format: a malformed one matches no account,
// and the answer is the same as for any other.
type PasswordResetRequest struct {
	Email string `json:"email" validate:"required,max=254"`
}

// PasswordResetConfirm is the body of POST /auth/password-reset/confirm:
// the token of the link and the new password.
type PasswordResetConfirm struct {
	Token    string `json:"token" validate:"required,max=100"`
	Password string `json:"password" validate:"required,min=10,max=256"`
}

// EmailVerification is the body of POST /auth/verify-email: the token of
// the link sent to the address.
type EmailVerification struct {
	Token string `json:"token" validate:"required,max=100"`
}

// UserFilter selects accounts for the admin's list: Q is a substring of
// the name or the email (case-insensitive), Role one role or empty.
type UserFilter struct {
	Q    string
	Role Role
	Page Page
}

// Normalize trims the words and lower-cases them for matching.
func (f *UserFilter) Normalize() { f.Q = strings.ToLower(strings.TrimSpace(f.Q)) }

// UserAdminUpdate is the body of PATCH /admin/users/{id}: an admin
// disables or enables an account, or moves a staff account between
// bureau and admin.
type UserAdminUpdate struct {
	Disabled *bool `json:"disabled"`
	Role     *Role `json:"role" validate:"omitempty,oneof=bureau admin"`
}

// Kinds of account tokens.
const (
	TokenPasswordReset = "password_reset"
	TokenVerifyEmail   = "verify_email"
)

// AccountToken is a single-use token mailed to an account's address. Its
// ID is the SHA-256 of the token, so the database holds nothing a reader
// could present. It is valid while unexpired and while the account names
// it as its current token of the kind (AccountState), so that a newer one
// or its use ends it.
type AccountToken struct {
	ID        string
	UserID    string
	Kind      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AccountState is the part of an account that only the account service
// changes, in one serialised write (UserStore.UpdateAccount).
type AccountState struct {
	Role          Role
	Disabled      bool
	EmailVerified bool
	// ResetToken and VerifyToken are the IDs of the account's current
	// tokens (empty: none).
	ResetToken  string
	VerifyToken string
	// PasswordHash is the stored hash; a new one replaces it.
	PasswordHash string
	// SessionGen is the account's generation of sessions: a session begun
	// under an older one is refused (see User.SessionGen), but for
	// KeptSession, the one a password change keeps.
	SessionGen  int64
	KeptSession string
	// Notices are the security notices of changes made to the account and
	// not yet told: a change appends its notice in the same write.
	Notices []PendingNotice
}

// PendingNotice is a security notice written into the account with the
// change it tells of (a password changed or reset, the account
// disabled), and removed once told. Key names the event for ever: it is
// the notification's id and the mail's key, so telling it again after a
// crash adds nothing.
type PendingNotice struct {
	Key  string
	Kind string // NotePasswordChanged or NoteAccountDisabled
	At   time.Time
}

// AccountNotices are the notices pending on an account.
type AccountNotices struct {
	User    *User
	Notices []PendingNotice
}

// AccountTokenStore persists account tokens, keyed by their hash.
type AccountTokenStore interface {
	// CreateAccountToken stores t.
	CreateAccountToken(ctx context.Context, t *AccountToken) error
	// AccountToken returns the token with id, or CodeNotFound.
	AccountToken(ctx context.Context, id string) (*AccountToken, error)
	// DeleteAccountToken removes a token; a missing one is not an error.
	DeleteAccountToken(ctx context.Context, id string) error
}

// AccountAdmin is what the account service does for admins and for
// people who lost their password or verify their address.
type AccountAdmin interface {
	// RequestPasswordReset mails a reset link to the account with the
	// email, if there is one and it is not disabled. The answer is the
	// same whether or not there is: nil, or CodeRateLimited past the
	// limits of the address or of the email, or CodeValidation.
	RequestPasswordReset(ctx context.Context, in PasswordResetRequest, client ClientInfo) error
	// ConfirmPasswordReset sets the password of the token's account and
	// ends every session of it. An unknown, used, superseded or expired
	// token is CodeValidation on token, and changes nothing.
	ConfirmPasswordReset(ctx context.Context, in PasswordResetConfirm) error
	// VerifyEmail marks the address of the token's account verified;
	// CodeValidation on token as for ConfirmPasswordReset.
	VerifyEmail(ctx context.Context, in EmailVerification) (*User, error)
	// ResendVerification mails a new verification link to the actor.
	// CodeConflict when the address is verified already, CodeRateLimited.
	ResendVerification(ctx context.Context, actor *User) error
	// ListUsers lists the accounts that match f (admins; CodeForbidden
	// otherwise), newest first.
	ListUsers(ctx context.Context, actor *User, f UserFilter) (*List[*User], error)
	// AdminUpdateUser disables, enables or changes the role of an
	// account (admins). CodeForbidden for the actor's own account,
	// CodeConflict for the last active admin or a role change of a
	// creator or organisation account, CodeNotFound.
	AdminUpdateUser(ctx context.Context, actor *User, id string, in UserAdminUpdate) (*User, error)
	// AdminPasswordReset mails a reset link to an account (admins); the
	// admin never sees the link. CodeConflict for a disabled account.
	AdminPasswordReset(ctx context.Context, actor *User, id string) error
	// EmailsVerified says, for each of the users with ids that exist,
	// whether their address is verified (bureau, admin).
	EmailsVerified(ctx context.Context, actor *User, ids []string) (map[string]bool, error)
}
