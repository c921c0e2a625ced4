package service_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
)

// mailbox records the mail the account service asks for. If hold is set,
// Send waits for it to close.
type mailbox struct {
	mu   sync.Mutex
	sent []models.MailRequest
	hold chan struct{}
}

func (m *mailbox) Send(_ context.Context, r *models.MailRequest) error {
	if m.hold != nil {
		<-m.hold
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, *r)
	return nil
}

// of returns the mails of kind to the address, oldest first.
func (m *mailbox) of(kind, to string) []models.MailRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.MailRequest
	for _, r := range m.sent {
		if r.Kind == kind && r.To == to {
			out = append(out, r)
		}
	}
	return out
}

// token is the t parameter of the latest mail of kind to the address.
func (m *mailbox) token(t *testing.T, kind, to string) string {
	t.Helper()
	mails := m.of(kind, to)
	if len(mails) == 0 {
		t.Fatalf("no %s mail to %s", kind, to)
	}
	u, err := url.Parse(mails[len(mails)-1].Link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("t")
}

// inbox records notifications (the notification store is another
// engineer's; this stands in for it).
type inbox struct {
	mu    sync.Mutex
	notes []models.Notification
}

func (n *inbox) Notify(_ context.Context, x *models.Notification) (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.notes = append(n.notes, *x)
	return true, nil
}
func (n *inbox) Inbox(context.Context, string, bool, models.Page) (*models.Inbox, error) {
	return nil, nil
}
func (n *inbox) MarkRead(context.Context, string, []string, bool) error { return nil }

func (n *inbox) kinds(userID string) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []string
	for _, x := range n.notes {
		if x.UserID == userID {
			out = append(out, x.Kind)
		}
	}
	return out
}

// auditLog records audit entries.
type auditLog struct {
	mu      sync.Mutex
	entries []models.AuditEntry
}

func (l *auditLog) Audit(_ context.Context, e *models.AuditEntry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, *e)
	return nil
}
func (l *auditLog) AuditEntry(context.Context, string) (*models.AuditEntry, error) { return nil, nil }
func (l *auditLog) TalentReveals(context.Context, string) ([]*models.AuditEntry, error) {
	return nil, nil
}
func (l *auditLog) DeleteTalentAudit(context.Context, string) error { return nil }

func (l *auditLog) actions() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, e := range l.entries {
		out = append(out, e.Action+" "+e.ResourceID)
	}
	return out
}

type fixture struct {
	a     *service.Accounts
	st    *store.Store
	clk   *clock
	mail  *mailbox
	notes *inbox
	audit *auditLog
}

func setupMail(t *testing.T, cfg service.AccountsConfig) *fixture {
	t.Helper()
	f := &fixture{mail: &mailbox{}, notes: &inbox{}, audit: &auditLog{}}
	cfg.Mailer, cfg.Notes, cfg.Audit = f.mail, f.notes, f.audit
	f.a, f.st, f.clk = setup(t, cfg)
	t.Cleanup(f.a.Wait)
	return f
}

func (f *fixture) login(t *testing.T, email, password string) (*models.Auth, error) {
	t.Helper()
	return f.a.Login(context.Background(), models.LoginInput{Email: email, Password: password}, client)
}

func (f *fixture) requestReset(t *testing.T, email string) {
	t.Helper()
	if err := f.a.RequestPasswordReset(context.Background(), models.PasswordResetRequest{Email: email}, client); err != nil {
		t.Fatalf("request a reset for %s: %v", email, err)
	}
	f.a.Wait()
}

func isBadToken(err error) bool {
	return models.IsCode(err, models.CodeValidation) && models.ErrorFields(err)["token"] != ""
}

func TestPasswordReset(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{})
	auth := register(t, f.a, "a@example.com")
	lang := models.LangEN
	if _, err := f.a.UpdateMe(ctx, auth.User, models.UserUpdate{Language: &lang}, 0); err != nil {
		t.Fatal(err)
	}
	other, err := f.login(t, "a@example.com", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	bystander := register(t, f.a, "b@example.com")

	f.requestReset(t, " A@Example.com ")
	mails := f.mail.of(models.MailPasswordReset, "a@example.com")
	if len(mails) != 1 {
		t.Fatalf("reset mails = %+v", mails)
	}
	m := mails[0]
	if m.UserID != auth.User.ID || m.Lang != models.LangEN || !m.Security || !strings.HasPrefix(m.Link, "/password-reset/confirm?t=") ||
		!strings.Contains(m.Title, "password") || m.Key == "" || strings.Contains(m.Key, f.mail.token(t, models.MailPasswordReset, "a@example.com")) {
		t.Errorf("reset mail = %+v", m)
	}
	token := f.mail.token(t, models.MailPasswordReset, "a@example.com")

	if err := f.a.ConfirmPasswordReset(ctx, models.PasswordResetConfirm{Token: token, Password: "short"}); !models.IsCode(err, models.CodeValidation) || models.ErrorFields(err)["password"] == "" {
		t.Fatalf("a short password: %v", err)
	}
	if err := f.a.ConfirmPasswordReset(ctx, models.PasswordResetConfirm{Token: token, Password: "a brand new password"}); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	for _, s := range []*models.Auth{auth, other} {
		if _, err := f.a.Authenticate(ctx, s.Token); !models.IsCode(err, models.CodeUnauthenticated) {
			t.Errorf("a session survived the reset: %v", err)
		}
	}
	if _, err := f.a.Authenticate(ctx, bystander.Token); err != nil {
		t.Errorf("another account's session ended: %v", err)
	}
	if _, err := f.login(t, "a@example.com", "correct horse"); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Errorf("the old password still signs in: %v", err)
	}
	now, err := f.login(t, "a@example.com", "a brand new password")
	if err != nil {
		t.Fatalf("the new password does not sign in: %v", err)
	}
	if !now.User.EmailVerified {
		t.Error("following the mailed link did not count as verifying the address")
	}
	// Single use: the same link again changes nothing.
	if err := f.a.ConfirmPasswordReset(ctx, models.PasswordResetConfirm{Token: token, Password: "yet another password"}); !isBadToken(err) {
		t.Errorf("a used token: %v", err)
	}
	if _, err := f.login(t, "a@example.com", "a brand new password"); err != nil {
		t.Errorf("a refused reuse changed the password: %v", err)
	}
	// The security notice: in the inbox and by mail, in the account's language.
	if diff := cmp.Diff([]string{models.NotePasswordChanged}, f.notes.kinds(auth.User.ID)); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
	notice := f.mail.of(models.NotePasswordChanged, "a@example.com")
	if len(notice) != 1 || !notice[0].Security || notice[0].Lang != models.LangEN || notice[0].Link != "/account" || !strings.HasPrefix(notice[0].Key, "pw:"+auth.User.ID+":") {
		t.Errorf("notice mails = %+v", notice)
	}
}

func TestPasswordResetRefusals(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{})
	a := register(t, f.a, "a@example.com")
	register(t, f.a, "b@example.com")
	confirm := func(token string) error {
		return f.a.ConfirmPasswordReset(ctx, models.PasswordResetConfirm{Token: token, Password: "a brand new password"})
	}

	// An unknown address: the same answer, and no mail.
	f.requestReset(t, "nobody@example.com")
	if n := len(f.mail.of(models.MailPasswordReset, "nobody@example.com")); n != 0 {
		t.Errorf("%d mails to an unknown address", n)
	}

	// Expired after 30 minutes.
	f.requestReset(t, "a@example.com")
	expired := f.mail.token(t, models.MailPasswordReset, "a@example.com")
	f.clk.Add(30*time.Minute + time.Second)
	if err := confirm(expired); !isBadToken(err) {
		t.Errorf("an expired token: %v", err)
	}

	// A newer request ends the older link.
	f.requestReset(t, "a@example.com")
	older := f.mail.token(t, models.MailPasswordReset, "a@example.com")
	f.requestReset(t, "a@example.com")
	newer := f.mail.token(t, models.MailPasswordReset, "a@example.com")
	if err := confirm(older); !isBadToken(err) {
		t.Errorf("a superseded token: %v", err)
	}

	// Tokens of another kind, malformed or made up.
	verify := f.mail.token(t, models.MailVerifyEmail, "a@example.com")
	for name, tok := range map[string]string{"a verification token": verify, "malformed": "x", "made up": strings.Repeat("A", 43), "too long": strings.Repeat("A", 101)} {
		if err := confirm(tok); !models.IsCode(err, models.CodeValidation) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := f.login(t, "a@example.com", "correct horse"); err != nil {
		t.Fatalf("a refused token changed the password: %v", err)
	}

	// The newer token sets a's password, not b's.
	if err := confirm(newer); err != nil {
		t.Fatal(err)
	}
	if _, err := f.login(t, "b@example.com", "correct horse"); err != nil {
		t.Errorf("another account's password changed: %v", err)
	}

	// Changing the password ends a pending link.
	f.requestReset(t, "b@example.com")
	pending := f.mail.token(t, models.MailPasswordReset, "b@example.com")
	bAuth, err := f.login(t, "b@example.com", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.a.ChangePassword(ctx, bAuth.User, bAuth.Token, models.PasswordChange{CurrentPassword: "correct horse", NewPassword: "changed by its owner"}, client); err != nil {
		t.Fatal(err)
	}
	if err := confirm(pending); !isBadToken(err) {
		t.Errorf("a link from before a password change: %v", err)
	}
	if diff := cmp.Diff([]string{models.NotePasswordChanged}, f.notes.kinds(bAuth.User.ID)); diff != "" {
		t.Errorf("notices of a change (-want +got):\n%s", diff)
	}
	_ = a
}

// TestPasswordResetUseRace: two uses of one link at once have one winner.
func TestPasswordResetUseRace(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{MaxConcurrentHashes: 4})
	register(t, f.a, "a@example.com")
	f.requestReset(t, "a@example.com")
	token := f.mail.token(t, models.MailPasswordReset, "a@example.com")
	const n = 6
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- f.a.ConfirmPasswordReset(ctx, models.PasswordResetConfirm{Token: token, Password: "password number " + string(rune('a'+i))})
		}()
	}
	won := 0
	for range n {
		err := <-errs
		switch {
		case err == nil:
			won++
		case !isBadToken(err):
			t.Errorf("a losing use: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d uses of one link won, want 1", won)
	}
}

// TestPasswordResetAnswersBeforeTheMail: the request of an address with
// an account is answered without waiting for its mail, as one without an
// account is: the answer takes the same work whichever it is.
func TestPasswordResetAnswersBeforeTheMail(t *testing.T) {
	f := setupMail(t, service.AccountsConfig{})
	register(t, f.a, "a@example.com")
	f.mail.hold = make(chan struct{})
	if err := f.a.RequestPasswordReset(context.Background(), models.PasswordResetRequest{Email: "a@example.com"}, client); err != nil {
		t.Fatal(err)
	}
	if n := len(f.mail.of(models.MailPasswordReset, "a@example.com")); n != 0 {
		t.Fatalf("the answer waited for %d mails", n)
	}
	close(f.mail.hold)
	f.a.Wait()
	if n := len(f.mail.of(models.MailPasswordReset, "a@example.com")); n != 1 {
		t.Fatalf("%d mails after the answer, want 1", n)
	}
}

func TestPasswordResetLimits(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{MaxResetsPerAccount: 2, MaxResetsPerAddr: 5})
	register(t, f.a, "a@example.com")
	ask := func(email, addr string) error {
		return f.a.RequestPasswordReset(ctx, models.PasswordResetRequest{Email: email}, models.ClientInfo{Addr: addr})
	}
	// Per address asked about, known or not, alike.
	for _, email := range []string{"a@example.com", "nobody@example.com"} {
		for i := range 2 {
			if err := ask(email, "198.51.100."+string(rune('1'+i))); err != nil {
				t.Fatalf("%s, request %d: %v", email, i+1, err)
			}
		}
		err := ask(email, "198.51.100.9")
		var e *models.Error
		if !models.IsCode(err, models.CodeRateLimited) || !errors.As(err, &e) || e.RetryAfter <= 0 || e.RetryAfter > time.Hour {
			t.Errorf("%s, third request: %v", email, err)
		}
	}
	// Per client address, across addresses asked about.
	for i := range 5 {
		if err := ask("someone"+string(rune('a'+i))+"@example.com", "192.0.2.1"); err != nil {
			t.Fatalf("request %d from one address: %v", i+1, err)
		}
	}
	if err := ask("someone.else@example.com", "192.0.2.1"); !models.IsCode(err, models.CodeRateLimited) {
		t.Errorf("sixth request from one address: %v", err)
	}
	// The window ends.
	f.clk.Add(time.Hour + time.Second)
	if err := ask("a@example.com", "192.0.2.1"); err != nil {
		t.Errorf("after the window: %v", err)
	}
	f.a.Wait()
	if n := len(f.mail.of(models.MailPasswordReset, "a@example.com")); n != 3 {
		t.Errorf("%d reset mails to a, want 3 (two, then one after the window)", n)
	}
	if err := ask("", "192.0.2.2"); !models.IsCode(err, models.CodeValidation) {
		t.Errorf("no email: %v", err)
	}
}

func TestEmailVerification(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{MaxVerifyMails: 2})
	auth := register(t, f.a, "a@example.com")
	if auth.User.EmailVerified {
		t.Fatal("a new account is verified")
	}
	mails := f.mail.of(models.MailVerifyEmail, "a@example.com")
	if len(mails) != 1 || !mails[0].Security || mails[0].Lang != models.LangZH || !strings.HasPrefix(mails[0].Link, "/verify-email?t=") {
		t.Fatalf("verification mails = %+v", mails)
	}
	first := f.mail.token(t, models.MailVerifyEmail, "a@example.com")

	// Asking again sends a new link and ends the first; past the limit, 429.
	if err := f.a.ResendVerification(ctx, auth.User); err != nil {
		t.Fatal(err)
	}
	second := f.mail.token(t, models.MailVerifyEmail, "a@example.com")
	if _, err := f.a.VerifyEmail(ctx, models.EmailVerification{Token: first}); !isBadToken(err) {
		t.Errorf("a superseded link: %v", err)
	}
	if err := f.a.ResendVerification(ctx, auth.User); err != nil {
		t.Fatal(err)
	}
	third := f.mail.token(t, models.MailVerifyEmail, "a@example.com")
	if err := f.a.ResendVerification(ctx, auth.User); !models.IsCode(err, models.CodeRateLimited) {
		t.Errorf("a third resend within the hour: %v", err)
	}
	if _, err := f.a.VerifyEmail(ctx, models.EmailVerification{Token: second}); !isBadToken(err) {
		t.Errorf("a superseded link: %v", err)
	}
	// A reset token is not a verification token.
	f.requestReset(t, "a@example.com")
	if _, err := f.a.VerifyEmail(ctx, models.EmailVerification{Token: f.mail.token(t, models.MailPasswordReset, "a@example.com")}); !isBadToken(err) {
		t.Errorf("a reset token verified the address: %v", err)
	}

	u, err := f.a.VerifyEmail(ctx, models.EmailVerification{Token: third})
	if err != nil || !u.EmailVerified || u.ID != auth.User.ID {
		t.Fatalf("verify = %+v, %v", u, err)
	}
	me, err := f.a.Authenticate(ctx, auth.Token)
	if err != nil || !me.EmailVerified {
		t.Fatalf("after verification: %+v, %v", me, err)
	}
	if _, err := f.a.VerifyEmail(ctx, models.EmailVerification{Token: third}); !isBadToken(err) {
		t.Errorf("a used link: %v", err)
	}
	if err := f.a.ResendVerification(ctx, me); !models.IsCode(err, models.CodeConflict) {
		t.Errorf("resend when verified: %v", err)
	}

	// Expiry after seven days.
	b := register(t, f.a, "b@example.com")
	f.clk.Add(7*24*time.Hour + time.Second)
	if _, err := f.a.VerifyEmail(ctx, models.EmailVerification{Token: f.mail.token(t, models.MailVerifyEmail, "b@example.com")}); !isBadToken(err) {
		t.Errorf("an expired link: %v", err)
	}
	if me, _ := f.a.Authenticate(ctx, b.Token); me == nil || me.EmailVerified {
		t.Errorf("an expired link verified: %+v", me)
	}
}

func TestStaffAndBootstrapVerification(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{})
	if _, err := f.a.BootstrapAdmin(ctx, "root@example.com", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	root, err := f.login(t, "root@example.com", "correct horse battery")
	if err != nil || !root.User.EmailVerified {
		t.Fatalf("the bootstrap admin: %+v, %v", root, err)
	}
	staff, err := f.a.CreateUser(ctx, root.User, models.NewUserInput{Email: "officer@sz.gov.cn", Password: "correct horse battery", Name: "O", Role: models.RoleBureau})
	if err != nil || staff.EmailVerified {
		t.Fatalf("staff = %+v, %v", staff, err)
	}
	if len(f.mail.of(models.MailVerifyEmail, "officer@sz.gov.cn")) != 1 {
		t.Error("no verification mail to a staff account")
	}
	got, err := f.a.EmailsVerified(ctx, root.User, []string{root.User.ID, staff.ID, "65f0c0ffee00000000000000"})
	if diff := cmp.Diff(map[string]bool{root.User.ID: true, staff.ID: false}, got); err != nil || diff != "" {
		t.Errorf("EmailsVerified (-want +got):\n%s %v", diff, err)
	}
	creator := register(t, f.a, "c@example.com")
	if _, err := f.a.EmailsVerified(ctx, creator.User, []string{staff.ID}); !models.IsCode(err, models.CodeForbidden) {
		t.Errorf("a creator reads verification: %v", err)
	}
}

// admins makes two admins and returns them signed in.
func (f *fixture) admins(t *testing.T) (*models.Auth, *models.Auth) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.a.BootstrapAdmin(ctx, "root@example.com", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	root, err := f.login(t, "root@example.com", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.CreateUser(ctx, root.User, models.NewUserInput{Email: "second@example.com", Password: "correct horse battery", Name: "Second", Role: models.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	second, err := f.login(t, "second@example.com", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	return root, second
}

func ptr[T any](v T) *T { return &v }

func TestAdminDisablesAndEnables(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{})
	root, _ := f.admins(t)
	c := register(t, f.a, "c@example.com")
	other, err := f.login(t, "c@example.com", "correct horse")
	if err != nil {
		t.Fatal(err)
	}

	if _, err := f.a.AdminUpdateUser(ctx, c.User, root.User.ID, models.UserAdminUpdate{Disabled: ptr(true)}); !models.IsCode(err, models.CodeForbidden) {
		t.Fatalf("a creator disables an admin: %v", err)
	}
	u, err := f.a.AdminUpdateUser(ctx, root.User, c.User.ID, models.UserAdminUpdate{Disabled: ptr(true)})
	if err != nil || !u.Disabled {
		t.Fatalf("disable = %+v, %v", u, err)
	}
	for _, s := range []*models.Auth{c, other} {
		if _, err := f.a.Authenticate(ctx, s.Token); !models.IsCode(err, models.CodeUnauthenticated) {
			t.Errorf("a disabled account's session works: %v", err)
		}
	}
	if _, err := f.login(t, "c@example.com", "correct horse"); !models.IsCode(err, models.CodeForbidden) {
		t.Errorf("a disabled account with its password: %v", err)
	}
	if _, err := f.login(t, "c@example.com", "wrong horse"); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Errorf("a disabled account with a wrong password: %v", err)
	}
	// No reset link goes to a disabled account, and the answer is the same.
	f.requestReset(t, "c@example.com")
	if n := len(f.mail.of(models.MailPasswordReset, "c@example.com")); n != 0 {
		t.Errorf("%d reset mails to a disabled account", n)
	}
	if err := f.a.AdminPasswordReset(ctx, root.User, c.User.ID); !models.IsCode(err, models.CodeConflict) {
		t.Errorf("an admin's reset of a disabled account: %v", err)
	}
	if diff := cmp.Diff([]string{models.NoteAccountDisabled}, f.notes.kinds(c.User.ID)); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
	if m := f.mail.of(models.NoteAccountDisabled, "c@example.com"); len(m) != 1 || !m[0].Security {
		t.Errorf("disabled mails = %+v", m)
	}

	if _, err := f.a.AdminUpdateUser(ctx, root.User, c.User.ID, models.UserAdminUpdate{Disabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.login(t, "c@example.com", "correct horse"); err != nil {
		t.Errorf("an enabled account cannot sign in: %v", err)
	}
	if diff := cmp.Diff([]string{models.AuditUserDisable + " " + c.User.ID, models.AuditUserEnable + " " + c.User.ID}, f.audit.actions()); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
}

func TestDisabledSessionThatSurvivedIsRefused(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{})
	c := register(t, f.a, "c@example.com")
	// As if the sessions' deletion had not happened (a crash in between).
	if _, err := f.st.UpdateAccount(ctx, c.User.ID, func(_ *models.User, st *models.AccountState) error { st.Disabled = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Authenticate(ctx, c.Token); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Errorf("a disabled account's surviving session: %v", err)
	}
}

func TestAdminRoles(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{})
	root, second := f.admins(t)
	c := register(t, f.a, "c@example.com")

	for name, tc := range map[string]struct {
		actor *models.User
		id    string
		in    models.UserAdminUpdate
		code  models.Code
	}{
		"disable oneself":          {root.User, root.User.ID, models.UserAdminUpdate{Disabled: ptr(true)}, models.CodeForbidden},
		"demote oneself":           {root.User, root.User.ID, models.UserAdminUpdate{Role: ptr(models.RoleBureau)}, models.CodeForbidden},
		"make a creator an admin":  {root.User, c.User.ID, models.UserAdminUpdate{Role: ptr(models.RoleAdmin)}, models.CodeConflict},
		"make someone a creator":   {root.User, second.User.ID, models.UserAdminUpdate{Role: ptr(models.RoleCreator)}, models.CodeValidation},
		"nothing to change":        {root.User, second.User.ID, models.UserAdminUpdate{}, models.CodeValidation},
		"an unknown account":       {root.User, "65f0c0ffee00000000000000", models.UserAdminUpdate{Disabled: ptr(true)}, models.CodeNotFound},
		"a creator calls":          {c.User, second.User.ID, models.UserAdminUpdate{Disabled: ptr(true)}, models.CodeForbidden},
		"nobody signed in calls":   {nil, second.User.ID, models.UserAdminUpdate{Disabled: ptr(true)}, models.CodeUnauthenticated},
		"re-enable oneself (noop)": {root.User, root.User.ID, models.UserAdminUpdate{Disabled: ptr(false)}, ""},
	} {
		_, err := f.a.AdminUpdateUser(ctx, tc.actor, tc.id, tc.in)
		if tc.code == "" && err != nil || tc.code != "" && !models.IsCode(err, tc.code) {
			t.Errorf("%s: %v, want %q", name, err, tc.code)
		}
	}

	u, err := f.a.AdminUpdateUser(ctx, root.User, second.User.ID, models.UserAdminUpdate{Role: ptr(models.RoleBureau)})
	if err != nil || u.Role != models.RoleBureau {
		t.Fatalf("demote = %+v, %v", u, err)
	}
	if me, err := f.a.Authenticate(ctx, second.Token); err != nil || me.Role != models.RoleBureau {
		t.Errorf("the demoted admin's session: %+v, %v", me, err)
	}
	if _, err := f.a.AdminUpdateUser(ctx, root.User, second.User.ID, models.UserAdminUpdate{Role: ptr(models.RoleAdmin)}); err != nil {
		t.Fatal(err)
	}
	// The second admin disables the first; the first, acting on what it
	// read before, cannot then disable the last active admin.
	if _, err := f.a.AdminUpdateUser(ctx, second.User, root.User.ID, models.UserAdminUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.AdminUpdateUser(ctx, root.User, second.User.ID, models.UserAdminUpdate{Disabled: ptr(true)}); !models.IsCode(err, models.CodeConflict) {
		t.Errorf("disabling the last active admin: %v", err)
	}
	if _, err := f.a.AdminUpdateUser(ctx, root.User, second.User.ID, models.UserAdminUpdate{Role: ptr(models.RoleBureau)}); !models.IsCode(err, models.CodeConflict) {
		t.Errorf("demoting the last active admin: %v", err)
	}
	want := []string{models.AuditUserRole + " " + second.User.ID, models.AuditUserRole + " " + second.User.ID, models.AuditUserDisable + " " + root.User.ID}
	if diff := cmp.Diff(want, f.audit.actions()); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
}

// TestAdminsDemoteEachOtherAtOnce: of two admins demoting each other at
// once, one wins, so an admin remains.
func TestAdminsDemoteEachOtherAtOnce(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{})
	root, second := f.admins(t)
	errs := make(chan error, 2)
	go func() {
		_, err := f.a.AdminUpdateUser(ctx, root.User, second.User.ID, models.UserAdminUpdate{Role: ptr(models.RoleBureau)})
		errs <- err
	}()
	go func() {
		_, err := f.a.AdminUpdateUser(ctx, second.User, root.User.ID, models.UserAdminUpdate{Role: ptr(models.RoleBureau)})
		errs <- err
	}()
	won := 0
	for range 2 {
		if err := <-errs; err == nil {
			won++
		} else if !models.IsCode(err, models.CodeConflict) {
			t.Errorf("the loser: %v", err)
		}
	}
	list, err := f.a.ListUsers(ctx, root.User, models.UserFilter{Role: models.RoleAdmin})
	if won != 1 || err != nil || list.Total != 1 {
		t.Errorf("%d won, %v admins left (%v)", won, list, err)
	}
}

func TestAdminPasswordReset(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{})
	root, _ := f.admins(t)
	c := register(t, f.a, "c@example.com")
	if err := f.a.AdminPasswordReset(ctx, c.User, root.User.ID); !models.IsCode(err, models.CodeForbidden) {
		t.Errorf("a creator sends a reset: %v", err)
	}
	if err := f.a.AdminPasswordReset(ctx, root.User, "65f0c0ffee00000000000000"); !models.IsCode(err, models.CodeNotFound) {
		t.Errorf("an unknown account: %v", err)
	}
	if err := f.a.AdminPasswordReset(ctx, root.User, c.User.ID); err != nil {
		t.Fatal(err)
	}
	token := f.mail.token(t, models.MailPasswordReset, "c@example.com")
	if err := f.a.ConfirmPasswordReset(ctx, models.PasswordResetConfirm{Token: token, Password: "chosen by the owner"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.login(t, "c@example.com", "chosen by the owner"); err != nil {
		t.Error(err)
	}
	if diff := cmp.Diff([]string{models.AuditUserPasswordReset + " " + c.User.ID}, f.audit.actions()); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
}

func TestListUsers(t *testing.T) {
	ctx := context.Background()
	f := setupMail(t, service.AccountsConfig{})
	root, _ := f.admins(t)
	for _, e := range []string{"li.ming@example.com", "wang@example.com", "LI.hua@example.org"} {
		register(t, f.a, e)
		f.clk.Add(time.Second)
	}
	emails := func(l *models.List[*models.User]) []string {
		var out []string
		for _, u := range l.Items {
			out = append(out, u.Email)
		}
		return out
	}
	for name, tc := range map[string]struct {
		f     models.UserFilter
		want  []string
		total int
	}{
		"newest first":           {models.UserFilter{Role: models.RoleCreator}, []string{"li.hua@example.org", "wang@example.com", "li.ming@example.com"}, 3},
		"email substring, cased": {models.UserFilter{Q: " LI."}, []string{"li.hua@example.org", "li.ming@example.com"}, 2},
		"name substring":         {models.UserFilter{Q: "secon"}, []string{"second@example.com"}, 1},
		"role":                   {models.UserFilter{Role: models.RoleAdmin, Page: models.Page{Page: 1, PerPage: 1}}, []string{"second@example.com"}, 2},
		"second page":            {models.UserFilter{Role: models.RoleAdmin, Page: models.Page{Page: 2, PerPage: 1}}, []string{"root@example.com"}, 2},
		"past the end":           {models.UserFilter{Page: models.Page{Page: 9, PerPage: 10}}, nil, 5},
	} {
		l, err := f.a.ListUsers(ctx, root.User, tc.f)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, emails(l)); diff != "" || l.Total != tc.total {
			t.Errorf("%s: total %d, want %d; (-want +got):\n%s", name, l.Total, tc.total, diff)
		}
	}
	c := register(t, f.a, "c@example.com")
	if _, err := f.a.ListUsers(ctx, c.User, models.UserFilter{}); !models.IsCode(err, models.CodeForbidden) {
		t.Errorf("a creator lists accounts: %v", err)
	}
	if _, err := f.a.ListUsers(ctx, root.User, models.UserFilter{Page: models.Page{PerPage: 1000}}); !models.IsCode(err, models.CodeBadRequest) && !models.IsCode(err, models.CodeValidation) {
		t.Errorf("per_page 1000: %v", err)
	}
}
