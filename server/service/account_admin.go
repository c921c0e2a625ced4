package service

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/szdc/talenthub/models"
)

var _ models.AccountAdmin = (*Accounts)(nil)

// Defaults of the mailed tokens and their limits (see AccountsConfig).
const (
	defaultResetTTL            = 30 * time.Minute
	defaultVerifyTTL           = 7 * 24 * time.Hour
	defaultMaxResetsPerAccount = 3
	defaultMaxResetsPerAddr    = 20
	defaultMaxVerifyMails      = 5
	defaultMailWindow          = time.Hour
)

// nopMailer and nopNotes stand in when no mailer or notification store is
// wired: nothing is sent, and nothing personal is logged (not the address,
// and never a link, which would be a usable token in a log).
type nopMailer struct{ a *Accounts }

func (m nopMailer) Send(ctx context.Context, r *models.MailRequest) error {
	m.a.cfg.Logger.DebugContext(ctx, "mail not sent: no mailer", "kind", r.Kind, "user_id", r.UserID)
	return nil
}

type nopNotes struct{}

func (nopNotes) Notify(context.Context, *models.Notification) (bool, error) { return false, nil }
func (nopNotes) Inbox(context.Context, string, bool, models.Page) (*models.Inbox, error) {
	return &models.Inbox{}, nil
}
func (nopNotes) MarkRead(context.Context, string, []string, bool) error { return nil }

// badToken is the one answer to a link that cannot be used, whatever the
// reason (unknown, used, superseded, expired, another kind), so that it
// tells nothing of other accounts' tokens.
func badToken() error {
	return &models.Error{Code: models.CodeValidation, Message: "this link is invalid, used or expired; ask for a new one",
		Fields: map[string]string{"token": "is invalid or has expired"}, Rules: map[string]models.FieldRule{"token": {Rule: models.RuleInvalid}}}
}

// hitLimit counts one event under key and refuses it past max in the
// window.
func (a *Accounts) hitLimit(ctx context.Context, key string, maxN int, window time.Duration, what string) error {
	lim, err := a.limits.LimitHit(ctx, key, window)
	if err != nil {
		return err
	}
	if lim.Count <= maxN {
		return nil
	}
	wait := max(time.Second, lim.ResetAt.Sub(a.cfg.Now()).Round(time.Second))
	return &models.Error{Code: models.CodeRateLimited, RetryAfter: wait,
		Message: fmt.Sprintf("too many %s; try again in %s", what, wait)}
}

// later runs fn after the answer, detached from the request's
// cancellation but bounded in time. Wait waits for it.
func (a *Accounts) later(ctx context.Context, fn func(context.Context)) {
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		fn(ctx)
	}()
}

// Wait waits until the work left after answers (the mail of a password
// reset request) is done: for a graceful stop, and for tests.
func (a *Accounts) Wait() { a.bg.Wait() }

// RequestPasswordReset implements models.AccountAdmin. The limits are
// counted for every address asked about, known or not, and the account
// is looked up and mailed only after the answer: an address with an
// account is answered by the same work, in the same time, as one without.
func (a *Accounts) RequestPasswordReset(ctx context.Context, in models.PasswordResetRequest, client models.ClientInfo) error {
	if err := models.Validate(in); err != nil {
		return err
	}
	email := models.NormalizeEmail(in.Email)
	if client.Addr != "" {
		if err := a.hitLimit(ctx, "reset:addr:"+client.Addr, a.cfg.MaxResetsPerAddr, a.cfg.MailWindow, "password reset requests from your address"); err != nil {
			return err
		}
	}
	if err := a.hitLimit(ctx, "reset:acct:"+email, a.cfg.MaxResetsPerAccount, a.cfg.MailWindow, "password reset requests for this address"); err != nil {
		return err
	}
	a.later(ctx, func(ctx context.Context) {
		u, _, err := a.users.UserByEmail(ctx, email)
		switch {
		case models.IsCode(err, models.CodeNotFound):
			return
		case err != nil:
			a.cfg.Logger.ErrorContext(ctx, "password reset: look up the account", "error", err)
			return
		case u.Disabled:
			return
		}
		if err := a.sendReset(ctx, u); err != nil {
			a.cfg.Logger.ErrorContext(ctx, "password reset: send the link", "user_id", u.ID, "error", err)
		}
	})
	return nil
}

// issue makes a token of kind for u, makes it the account's current one
// of its kind (which ends the previous one) and returns it. The first
// verification token of a new account is not named by the account (an
// account that names none accepts it until verified), so that signing up
// is one write of the account and its answer's version stays current.
func (a *Accounts) issue(ctx context.Context, u *models.User, kind string, ttl time.Duration, first bool) (string, error) {
	token, id, err := newToken()
	if err != nil {
		return "", err
	}
	now := a.cfg.Now()
	// The token is stored before the account names it: a crash in between
	// leaves a token no account accepts.
	if err := a.users.CreateAccountToken(ctx, &models.AccountToken{ID: id, UserID: u.ID, Kind: kind, CreatedAt: now, ExpiresAt: now.Add(ttl)}); err != nil {
		return "", err
	}
	if first {
		return token, nil
	}
	var prev string
	if _, err := a.users.UpdateAccount(ctx, u.ID, func(_ *models.User, st *models.AccountState) error {
		if kind == models.TokenPasswordReset {
			prev, st.ResetToken = st.ResetToken, id
		} else {
			prev, st.VerifyToken = st.VerifyToken, id
		}
		return nil
	}); err != nil {
		return "", err
	}
	if prev != "" {
		// Dead already (the account names the new one); this only tidies.
		if err := a.users.DeleteAccountToken(ctx, prev); err != nil {
			a.cfg.Logger.WarnContext(ctx, "delete a superseded token", "user_id", u.ID, "error", err)
		}
	}
	return token, nil
}

func (a *Accounts) sendReset(ctx context.Context, u *models.User) error {
	return a.mailToken(ctx, u, models.TokenPasswordReset, a.cfg.ResetTTL, false, models.MailPasswordReset, "reset:", "/password-reset/confirm?t=")
}

// mailToken issues a new token of kind to u and mails u a link that
// carries it (link, then the token), in u's language, as a security mail
// (sent whatever u's mail settings say). The mail's key names the token,
// so that a retried send is one mail.
func (a *Accounts) mailToken(ctx context.Context, u *models.User, kind string, ttl time.Duration, first bool,
	mail, keyPrefix, link string) error {
	token, err := a.issue(ctx, u, kind, ttl, first)
	if err != nil {
		return err
	}
	lang := langOf(u)
	t := mailTexts[lang][mail]
	return a.cfg.Mailer.Send(ctx, &models.MailRequest{Key: keyPrefix + tokenID(token), UserID: u.ID, To: u.Email, Lang: lang,
		Kind: mail, Title: t.title, Body: t.body, Link: link + token, Security: true})
}

// InviteReviewer makes the reviewer account of an outside expert, with a
// password no one knows, and mails the expert a link that sets it (the
// link proves the address, as a reset's does).
func (a *Accounts) InviteReviewer(ctx context.Context, email, name, lang string) (*models.User, error) {
	secret, _, err := newToken()
	if err != nil {
		return nil, err
	}
	u := &models.User{Email: email, Name: name, Role: models.RoleReviewer, Language: lang}
	if err := a.createUser(ctx, a.hasher, u, secret); err != nil {
		return nil, err
	}
	return u, a.ResendReviewerInvite(ctx, u)
}

// ResendReviewerInvite mails a reviewer account a new link that sets its
// password (the newest link ends the older ones).
func (a *Accounts) ResendReviewerInvite(ctx context.Context, u *models.User) error {
	return a.mailToken(ctx, u, models.TokenPasswordReset, a.cfg.VerifyTTL, false, models.MailReviewerInvite, "reviewer:", "/password-reset/confirm?t=")
}

func (a *Accounts) sendVerification(ctx context.Context, u *models.User, first bool) error {
	return a.mailToken(ctx, u, models.TokenVerifyEmail, a.cfg.VerifyTTL, first, models.MailVerifyEmail, "verify:", "/verify-email?t=")
}

// verifyAtSignup mails the verification link of a new account. The
// account exists whatever happens to the mail: its owner can ask again.
func (a *Accounts) verifyAtSignup(ctx context.Context, u *models.User) {
	if err := a.sendVerification(ctx, u, true); err != nil {
		a.cfg.Logger.WarnContext(ctx, "verification mail not sent", "user_id", u.ID, "error", err)
	}
}

// useToken finds the live token of kind that token names.
func (a *Accounts) useToken(ctx context.Context, token, kind string) (*models.AccountToken, error) {
	if !wellFormedToken(token) {
		return nil, badToken()
	}
	t, err := a.users.AccountToken(ctx, tokenID(token))
	if models.IsCode(err, models.CodeNotFound) {
		return nil, badToken()
	}
	if err != nil {
		return nil, err
	}
	if t.Kind != kind || !a.cfg.Now().Before(t.ExpiresAt) {
		return nil, badToken()
	}
	return t, nil
}

// ConfirmPasswordReset implements models.AccountAdmin. The token is
// consumed in the same serialised write that sets the password, so two
// uses of one link have one winner. Following the link proves the
// address too, so it counts as verified.
func (a *Accounts) ConfirmPasswordReset(ctx context.Context, in models.PasswordResetConfirm) error {
	if err := models.Validate(in); err != nil {
		return err
	}
	t, err := a.useToken(ctx, in.Token, models.TokenPasswordReset)
	if err != nil {
		return err
	}
	hash, err := a.hasher.hash(ctx, in.Password)
	if err != nil {
		return err
	}
	var n models.PendingNotice
	u, err := a.users.UpdateAccount(ctx, t.UserID, func(u *models.User, st *models.AccountState) error {
		if st.ResetToken != t.ID || st.Disabled {
			return badToken()
		}
		st.ResetToken, st.PasswordHash, st.EmailVerified = "", hash, true
		n = a.endSessions(u, st, models.NotePasswordChanged, "")
		return nil
	})
	if models.IsCode(err, models.CodeNotFound) {
		return badToken()
	}
	if err != nil {
		return err
	}
	if err := a.users.DeleteAccountToken(ctx, t.ID); err != nil {
		a.cfg.Logger.WarnContext(ctx, "delete a used token", "user_id", u.ID, "error", err)
	}
	// Tidying only: the new generation refuses the old sessions already.
	if err := a.sessions.DeleteUserSessions(ctx, u.ID, ""); err != nil {
		a.cfg.Logger.WarnContext(ctx, "delete the sessions of a reset account", "user_id", u.ID, "error", err)
	}
	a.cfg.Logger.InfoContext(ctx, "password reset", "user_id", u.ID)
	a.tellNotice(ctx, u, n)
	return nil
}

// VerifyEmail implements models.AccountAdmin.
func (a *Accounts) VerifyEmail(ctx context.Context, in models.EmailVerification) (*models.User, error) {
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	t, err := a.useToken(ctx, in.Token, models.TokenVerifyEmail)
	if err != nil {
		return nil, err
	}
	u, err := a.users.UpdateAccount(ctx, t.UserID, func(_ *models.User, st *models.AccountState) error {
		if st.EmailVerified || st.VerifyToken != t.ID && st.VerifyToken != "" {
			return badToken()
		}
		st.VerifyToken, st.EmailVerified = "", true
		return nil
	})
	if models.IsCode(err, models.CodeNotFound) {
		return nil, badToken()
	}
	if err != nil {
		return nil, err
	}
	if err := a.users.DeleteAccountToken(ctx, t.ID); err != nil {
		a.cfg.Logger.WarnContext(ctx, "delete a used token", "user_id", u.ID, "error", err)
	}
	return u, nil
}

// ResendVerification implements models.AccountAdmin.
func (a *Accounts) ResendVerification(ctx context.Context, actor *models.User) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	u, err := a.users.User(ctx, actor.ID)
	if err != nil {
		return err
	}
	if u.EmailVerified {
		return models.Errorf(models.CodeConflict, "your email address is verified already")
	}
	if err := a.hitLimit(ctx, "verify:acct:"+u.ID, a.cfg.MaxVerifyMails, a.cfg.MailWindow, "verification mails"); err != nil {
		return err
	}
	return a.sendVerification(ctx, u, false)
}

// ListUsers implements models.AccountAdmin by a scan of the accounts,
// filtered here: the admin's list is rare and accounts number in the
// thousands (BENCHMARKS.md has the cost).
func (a *Accounts) ListUsers(ctx context.Context, actor *models.User, f models.UserFilter) (*models.List[*models.User], error) {
	if err := models.Permit(actor, models.ActManageUsers); err != nil {
		return nil, err
	}
	f.Normalize()
	page, err := models.NewPage(f.Page.Page, f.Page.PerPage)
	if err != nil {
		return nil, err
	}
	all, err := a.users.AllUsers(ctx)
	if err != nil {
		return nil, err
	}
	var hits []*models.User
	for _, u := range all {
		if f.Role != "" && u.Role != f.Role {
			continue
		}
		if f.Q != "" && !strings.Contains(strings.ToLower(u.Name), f.Q) && !strings.Contains(u.Email, f.Q) {
			continue
		}
		hits = append(hits, u)
	}
	from := min(len(hits), (page.Page-1)*page.PerPage)
	to := min(len(hits), from+page.PerPage)
	return &models.List[*models.User]{Items: append([]*models.User{}, hits[from:to]...), Total: len(hits), Page: page.Page, PerPage: page.PerPage}, nil
}

// AdminUpdateUser implements models.AccountAdmin. Changes are serialised
// in this process, so that two admins demoting each other cannot both
// win and leave no admin.
func (a *Accounts) AdminUpdateUser(ctx context.Context, actor *models.User, id string, in models.UserAdminUpdate) (*models.User, error) {
	if err := models.Permit(actor, models.ActManageUsers); err != nil {
		return nil, err
	}
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	if in.Disabled == nil && in.Role == nil {
		return nil, &models.Error{Code: models.CodeValidation, Message: "say what to change: disabled or role",
			Fields: map[string]string{"disabled": "is required unless role is given"}, Rules: map[string]models.FieldRule{"disabled": {Rule: models.RuleRequiredWithout, Param: "role"}}}
	}
	disable := in.Disabled != nil && *in.Disabled
	demote := in.Role != nil && *in.Role != models.RoleAdmin
	if id == actor.ID && (disable || demote) {
		return nil, models.Errorf(models.CodeForbidden, "you cannot disable or demote your own account")
	}
	a.adminMu.Lock()
	defer a.adminMu.Unlock()
	cur, err := a.users.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Role != nil && !cur.Is(models.RoleBureau, models.RoleAdmin) {
		return nil, models.Errorf(models.CodeConflict, "only bureau and admin accounts change roles")
	}
	if cur.Role == models.RoleAdmin && !cur.Disabled && (disable || demote) {
		n, err := a.activeAdmins(ctx, id)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, models.Errorf(models.CodeConflict, "this is the last active admin; make another admin first")
		}
	}
	var before models.User
	var n models.PendingNotice
	u, err := a.users.UpdateAccount(ctx, id, func(u *models.User, st *models.AccountState) error {
		before = *u
		if in.Disabled != nil {
			if *in.Disabled && !st.Disabled {
				n = a.endSessions(u, st, models.NoteAccountDisabled, "")
			}
			st.Disabled = *in.Disabled
		}
		if in.Role != nil {
			st.Role = *in.Role
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if u.Disabled && !before.Disabled {
		// Tidying only: the flag and the new generation refuse them already.
		if err := a.sessions.DeleteUserSessions(ctx, id, ""); err != nil {
			a.cfg.Logger.WarnContext(ctx, "delete the sessions of a disabled account", "user_id", id, "error", err)
		}
		a.audit(ctx, actor, models.AuditUserDisable, id, map[string]any{"disabled": false}, map[string]any{"disabled": true})
		a.tellNotice(ctx, u, n)
	}
	if !u.Disabled && before.Disabled {
		a.audit(ctx, actor, models.AuditUserEnable, id, map[string]any{"disabled": true}, map[string]any{"disabled": false})
	}
	if u.Role != before.Role {
		a.audit(ctx, actor, models.AuditUserRole, id, map[string]any{"role": before.Role}, map[string]any{"role": u.Role})
		if u.Role == models.RoleAdmin {
			if err := a.users.MarkAdminExists(ctx); err != nil {
				return nil, err
			}
		}
	}
	a.cfg.Logger.InfoContext(ctx, "account changed by admin", "user_id", id, "role", u.Role, "disabled", u.Disabled, "actor_id", actor.ID)
	return u, nil
}

// activeAdmins counts the enabled admins other than the account except.
func (a *Accounts) activeAdmins(ctx context.Context, except string) (int, error) {
	all, err := a.users.AllUsers(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range all {
		if u.ID != except && u.Role == models.RoleAdmin && !u.Disabled {
			n++
		}
	}
	return n, nil
}

// AdminPasswordReset implements models.AccountAdmin.
func (a *Accounts) AdminPasswordReset(ctx context.Context, actor *models.User, id string) error {
	if err := models.Permit(actor, models.ActManageUsers); err != nil {
		return err
	}
	u, err := a.users.User(ctx, id)
	if err != nil {
		return err
	}
	if u.Disabled {
		return models.Errorf(models.CodeConflict, "this account is disabled; enable it first")
	}
	if err := a.sendReset(ctx, u); err != nil {
		return err
	}
	a.audit(ctx, actor, models.AuditUserPasswordReset, id, nil, nil)
	return nil
}

// EmailsVerified implements models.AccountAdmin.
func (a *Accounts) EmailsVerified(ctx context.Context, actor *models.User, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	err := a.eachUser(ctx, actor, ids, func(u *models.User) { out[u.ID] = u.EmailVerified })
	return out, err
}

// audit records an admin's change of an account. The change is written
// already; a lost entry is logged rather than undoing it.
func (a *Accounts) audit(ctx context.Context, actor *models.User, action, id string, before, after map[string]any) {
	if a.cfg.Audit == nil {
		return
	}
	e := &models.AuditEntry{Action: action, ResourceType: "user", ResourceID: id, Before: before, After: after,
		At: a.cfg.Now().UTC().Truncate(time.Millisecond), ActorID: actor.ID, ActorRole: actor.Role}
	if err := a.cfg.Audit.Audit(context.WithoutCancel(ctx), e); err != nil {
		a.cfg.Logger.ErrorContext(ctx, "audit entry lost", "action", action, "resource_id", id, "error", err)
	}
}

// Security notices are written into the account in the same write as the
// change they tell of (endSessions), and told after it: the account
// service changes accounts directly, not through the change feed that the
// notifier follows, and the embedded database has no transaction to join
// a notification, a mail and an account in. A notice told only after the
// write would be lost for ever by a crash in between, with its mail; one
// written with the change survives it, and the sweep (SweepNotices, at
// start and as the server runs) tells what a crash or a failure left.
// Telling is repeatable: the notice's key names the event (the account and
// its new session generation), the inbox and the outbox keep one of each
// key, and the notice leaves the account only once both hold it.

// endSessions ends the account's sessions but keep (a session id, or
// none) and records its notice of kind, all in the account write st
// belongs to: whatever happens after, no older session is accepted
// (Authenticate) and the notice is not lost.
func (a *Accounts) endSessions(u *models.User, st *models.AccountState, kind, keep string) models.PendingNotice {
	st.SessionGen++
	st.KeptSession = keep
	prefix := "pw"
	if kind == models.NoteAccountDisabled {
		prefix = "disabled"
	}
	n := models.PendingNotice{Key: fmt.Sprintf("%s:%s:%d", prefix, u.ID, st.SessionGen), Kind: kind, At: a.cfg.Now()}
	st.Notices = append(st.Notices, n)
	return n
}

// tellNotice tells a notice just written: the change has happened, so a
// failure is logged, not returned, and the sweep tells it later.
func (a *Accounts) tellNotice(ctx context.Context, u *models.User, n models.PendingNotice) {
	ctx = context.WithoutCancel(ctx)
	if err := a.deliver(ctx, u, n); err != nil {
		a.retry.Store(true)
		a.cfg.Logger.ErrorContext(ctx, "security notice not told yet; the sweep will", "kind", n.Kind, "user_id", u.ID, "error", err)
	}
}

// deliver tells the owner of u of a security event: in the inbox and by
// mail, whatever their preferences; then the notice leaves the account.
func (a *Accounts) deliver(ctx context.Context, u *models.User, n models.PendingNotice) error {
	if _, err := a.cfg.Notes.Notify(ctx, &models.Notification{ID: n.Key, UserID: u.ID, Kind: n.Kind, Link: "/account", CreatedAt: n.At}); err != nil {
		return err
	}
	lang := langOf(u)
	t := mailTexts[lang][n.Kind]
	if err := a.cfg.Mailer.Send(ctx, &models.MailRequest{Key: n.Key, UserID: u.ID, To: u.Email, Lang: lang, Kind: n.Kind,
		Title: t.title, Body: t.body, Link: "/account", Security: true}); err != nil {
		return err
	}
	return a.users.NoticeTold(ctx, u.ID, n.Key)
}

// SweepNotices tells the security notices that accounts still hold (a
// crash, or a failure, after their change) and returns how many it told.
// A scan of the accounts: run at start and now and then, not per request.
func (a *Accounts) SweepNotices(ctx context.Context) (int, error) {
	a.retry.Store(false)
	pending, err := a.users.PendingNotices(ctx)
	if err != nil {
		a.retry.Store(true)
		return 0, err
	}
	told := 0
	var first error
	for _, p := range pending {
		if ctx.Err() != nil {
			a.retry.Store(true) // cut short: the rest is still untold
			return told, ctx.Err()
		}
		for _, n := range p.Notices {
			if err := a.deliver(ctx, p.User, n); err != nil {
				a.retry.Store(true)
				first = cmp.Or(first, err)
				continue
			}
			told++
		}
	}
	return told, first
}

func langOf(u *models.User) string {
	if u.Language == models.LangEN {
		return models.LangEN
	}
	return models.LangZH
}

type mailText struct{ title, body string }

// mailTexts are the account service's mails in both languages.
var mailTexts = map[string]map[string]mailText{
	models.LangZH: {
		models.MailPasswordReset: {"重置您的 talenthub 密码",
			"有人（希望是您本人）请求重置此账号的密码。请在 30 分钟内打开下面的链接设置新密码，链接只能使用一次。如果不是您本人操作，请忽略本邮件，您的密码不会改变。"},
		models.MailReviewerInvite: {"邀请您评审 talenthub 上的孵化项目征集",
			"一家孵化机构邀请您担任其孵化项目征集的评审专家，并为您创建了评审账号。请在 7 天内打开下面的链接设置密码，链接只能使用一次。此账号只能评审邀请您的征集。"},
		models.MailVerifyEmail: {"请验证您的邮箱地址",
			"请打开下面的链接，确认此邮箱地址属于您。链接 7 天内有效，只能使用一次。"},
		models.NotePasswordChanged: {"您的密码已更改",
			"您的 talenthub 账号的密码刚刚被更改或重置，此账号的其他登录均已退出。如果不是您本人操作，请立即通过“忘记密码”重置密码，并联系平台管理员。"},
		models.NoteAccountDisabled: {"您的账号已被停用",
			"平台管理员停用了您的 talenthub 账号，您已无法登录。如有疑问，请联系平台管理员。"},
	},
	models.LangEN: {
		models.MailPasswordReset: {"Reset your talenthub password",
			"Someone (we hope you) asked to reset the password of this account. Open the link below within 30 minutes to choose a new password; it works once. If it was not you, ignore this mail: your password stays as it is."},
		models.MailReviewerInvite: {"You are invited to review an incubation call on talenthub",
			"An incubator invited you to review the entries of its call and made you a reviewer account. Open the link below within 7 days to set its password; it works once. The account reviews the calls that invite it and nothing else."},
		models.MailVerifyEmail: {"Verify your email address",
			"Open the link below to confirm that this address is yours. The link works once, for 7 days."},
		models.NotePasswordChanged: {"Your password was changed",
			"The password of your talenthub account was just changed or reset, and the account's other sign-ins have ended. If it was not you, reset your password now with \"Forgot password?\" and tell the platform's administrators."},
		models.NoteAccountDisabled: {"Your account was disabled",
			"An administrator disabled your talenthub account; you can no longer sign in. If you think this is a mistake, contact the platform's administrators."},
	},
}
