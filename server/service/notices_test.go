package service_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// errKilled stands for kill -9: a fault panics with it, and nothing of the
// request after the fault runs.
var errKilled = errors.New("killed")

// killed runs fn and reports that a fault stopped it with errKilled.
func killed(t *testing.T, fn func()) {
	t.Helper()
	died := func() (died bool) {
		defer func() {
			if r := recover(); r != nil {
				if r != errKilled {
					panic(r)
				}
				died = true
			}
		}()
		fn()
		return false
	}()
	if !died {
		t.Fatal("the fault did not stop the request")
	}
}

// killingSessions dies instead of deleting a user's sessions: the first
// write of the request (the account) is done, nothing after it is.
type killingSessions struct{ models.SessionStore }

func (killingSessions) DeleteUserSessions(context.Context, string, string) error { panic(errKilled) }

// crashWorld is one database on which account services start, die and
// start again, telling into the real inbox and a recording mailbox.
type crashWorld struct {
	ctx  context.Context
	st   *store.Store
	clk  *clock
	mail *mailbox
}

func newCrashWorld(t *testing.T) *crashWorld {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	st := storetest.MustOpen(t, func(o *store.Options) { o.Now = clk.Now })
	return &crashWorld{ctx: context.Background(), st: st, clk: clk, mail: &mailbox{}}
}

// start is a process's account service; sessions stands in for the store's
// (a fault), or nil.
func (w *crashWorld) start(t *testing.T, sessions models.SessionStore) *service.Accounts {
	t.Helper()
	if sessions == nil {
		sessions = w.st
	}
	a := service.NewAccounts(w.st, sessions, w.st, w.st, service.AccountsConfig{Mailer: w.mail, Notes: w.st, Audit: w.st,
		Now: w.clk.Now, Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(a.Wait)
	return a
}

// told checks that the account's inbox holds exactly one notice of kind
// and that exactly one mail of kind was asked for its address.
func (w *crashWorld) told(t *testing.T, u *models.User, kind string) {
	t.Helper()
	in, err := w.st.Inbox(w.ctx, u.ID, false, models.Page{Page: 1, PerPage: 50})
	must(t, err)
	n := 0
	for _, x := range in.Items {
		if x.Kind == kind {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%s notices in the inbox: %d, want 1 (%+v)", kind, n, in.Items)
	}
	if mails := w.mail.of(kind, u.Email); len(mails) != 1 {
		t.Errorf("%s mails asked for: %d, want 1 (%+v)", kind, len(mails), mails)
	}
}

// sweepTells sweeps as a restarted process would, twice: the first tells
// want notices, the second none.
func sweepTells(t *testing.T, a *service.Accounts, want int) {
	t.Helper()
	for i, w := range []int{want, 0} {
		n, err := a.SweepNotices(context.Background())
		if err != nil || n != w {
			t.Fatalf("sweep %d told %d, %v; want %d", i+1, n, err, w)
		}
	}
}

// TestResetKilledBeforeItsSessionsEndAndItsNotice: kill -9 right after a
// reset's password is written, before the old sessions are deleted and
// before the notice is told. After the restart no old session is accepted,
// the notice is told once by the sweep, and a second sweep tells nothing.
func TestResetKilledBeforeItsSessionsEndAndItsNotice(t *testing.T) {
	w := newCrashWorld(t)
	a := w.start(t, nil)
	auth := register(t, a, "a@example.com")
	other, err := a.Login(w.ctx, models.LoginInput{Email: "a@example.com", Password: "correct horse"}, client)
	must(t, err)
	must(t, a.RequestPasswordReset(w.ctx, models.PasswordResetRequest{Email: "a@example.com"}, client))
	a.Wait()
	token := w.mail.token(t, models.MailPasswordReset, "a@example.com")
	w.clk.Add(time.Minute)

	dying := w.start(t, killingSessions{w.st})
	killed(t, func() {
		_ = dying.ConfirmPasswordReset(w.ctx, models.PasswordResetConfirm{Token: token, Password: "a brand new password"})
	})
	if left, err := w.st.UserSessions(w.ctx, auth.User.ID); err != nil || len(left) != 2 {
		t.Fatalf("the crash should leave both old sessions stored: %d, %v", len(left), err)
	}

	b := w.start(t, nil) // the restart
	for name, s := range map[string]*models.Auth{"the registration's": auth, "another sign-in's": other} {
		if _, err := b.Authenticate(w.ctx, s.Token); !models.IsCode(err, models.CodeUnauthenticated) {
			t.Errorf("%s session survived the reset: %v", name, err)
		}
	}
	if len(w.mail.of(models.NotePasswordChanged, "a@example.com")) != 0 {
		t.Fatal("the notice was told before the crash")
	}
	sweepTells(t, b, 1)
	w.told(t, auth.User, models.NotePasswordChanged)

	// The new password signs in, and its session lives.
	now, err := b.Login(w.ctx, models.LoginInput{Email: "a@example.com", Password: "a brand new password"}, client)
	must(t, err)
	if _, err := b.Authenticate(w.ctx, now.Token); err != nil {
		t.Errorf("a session begun after the reset: %v", err)
	}
}

// TestPasswordChangeKilledKeepsOnlyItsOwnSession: kill -9 after a password
// change is written: the changer's session stays, the others are refused,
// and the notice is told once after the restart.
func TestPasswordChangeKilledKeepsOnlyItsOwnSession(t *testing.T) {
	w := newCrashWorld(t)
	a := w.start(t, nil)
	mine := register(t, a, "a@example.com")
	thief, err := a.Login(w.ctx, models.LoginInput{Email: "a@example.com", Password: "correct horse"}, client)
	must(t, err)
	w.clk.Add(time.Minute)

	dying := w.start(t, killingSessions{w.st})
	killed(t, func() {
		_ = dying.ChangePassword(w.ctx, mine.User, mine.Token,
			models.PasswordChange{CurrentPassword: "correct horse", NewPassword: "a brand new password"}, client)
	})

	b := w.start(t, nil)
	if _, err := b.Authenticate(w.ctx, mine.Token); err != nil {
		t.Errorf("the changer's own session ended: %v", err)
	}
	if _, err := b.Authenticate(w.ctx, thief.Token); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Errorf("another session survived the change: %v", err)
	}
	sweepTells(t, b, 1)
	w.told(t, mine.User, models.NotePasswordChanged)

	// A reset after it ends the kept session too.
	must(t, b.RequestPasswordReset(w.ctx, models.PasswordResetRequest{Email: "a@example.com"}, client))
	b.Wait()
	must(t, b.ConfirmPasswordReset(w.ctx, models.PasswordResetConfirm{Token: w.mail.token(t, models.MailPasswordReset, "a@example.com"),
		Password: "yet another password"}))
	if _, err := b.Authenticate(w.ctx, mine.Token); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Errorf("the session a change kept survived a reset: %v", err)
	}
}

// TestDisableKilledBeforeItsNotice: kill -9 after an account is disabled:
// the notice is told once after the restart, and re-enabling the account
// does not bring back the sessions whose deletion never ran.
func TestDisableKilledBeforeItsNotice(t *testing.T) {
	w := newCrashWorld(t)
	a := w.start(t, nil)
	if _, err := a.BootstrapAdmin(w.ctx, "root@example.com", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	root, err := a.Login(w.ctx, models.LoginInput{Email: "root@example.com", Password: "correct horse battery"}, client)
	must(t, err)
	c := register(t, a, "c@example.com")
	w.clk.Add(time.Minute)

	dying := w.start(t, killingSessions{w.st})
	killed(t, func() {
		_, _ = dying.AdminUpdateUser(w.ctx, root.User, c.User.ID, models.UserAdminUpdate{Disabled: ptr(true)})
	})

	b := w.start(t, nil)
	sweepTells(t, b, 1)
	w.told(t, c.User, models.NoteAccountDisabled)
	if _, err := b.AdminUpdateUser(w.ctx, root.User, c.User.ID, models.UserAdminUpdate{Disabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Authenticate(w.ctx, c.Token); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Errorf("a session from before the disabling is back after re-enabling: %v", err)
	}
	sweepTells(t, b, 0)
}

// flakyNotes fails every Notify: the inbox cannot be written.
type flakyNotes struct{ models.NotificationStore }

func (flakyNotes) Notify(context.Context, *models.Notification) (bool, error) {
	return false, errors.New("the database is away")
}

// TestNoticeToldAfterAFailure: a notice that cannot be told at the change
// (the inbox is unavailable) is kept and told once by the next sweep.
func TestNoticeToldAfterAFailure(t *testing.T) {
	w := newCrashWorld(t)
	a := service.NewAccounts(w.st, w.st, w.st, w.st, service.AccountsConfig{Mailer: w.mail, Notes: flakyNotes{w.st},
		Now: w.clk.Now, Logger: slog.New(slog.DiscardHandler)})
	auth := register(t, a, "a@example.com")
	must(t, a.ChangePassword(w.ctx, auth.User, auth.Token, models.PasswordChange{CurrentPassword: "correct horse", NewPassword: "a brand new password"}, client))
	if n, err := a.SweepNotices(w.ctx); err == nil || n != 0 {
		t.Fatalf("a sweep while the inbox fails: %d, %v", n, err)
	}
	b := w.start(t, nil)
	sweepTells(t, b, 1)
	w.told(t, auth.User, models.NotePasswordChanged)
}

// killingMessages dies where a message's request would, after the message
// is stored: before the thread is marked read, or before the message's
// untold mark is cleared (its notifications made).
type killingMessages struct {
	service.Stores
	at string
}

func (s killingMessages) MarkThreadRead(ctx context.Context, appID string, side models.Side, upTo int) error {
	if s.at == "read" {
		panic(errKilled)
	}
	return s.Stores.MarkThreadRead(ctx, appID, side, upTo)
}

func (s killingMessages) MessageTold(ctx context.Context, id string) error {
	if s.at == "told" {
		panic(errKilled)
	}
	return s.Stores.MessageTold(ctx, id)
}

// TestMessageKilledBeforeItsNotice: kill -9 after a message is stored
// and before its notification; then, after the restart's sweep made it,
// kill -9 again before the mark is cleared. The recipient has one
// notification and one mail of the message whatever the sweeps.
func TestMessageKilledBeforeItsNotice(t *testing.T) {
	w := newJourneyWorld(t)
	app, err := w.svc.Applications.Create(w.ctx, w.creator, w.project.ID, models.ApplicationInput{Message: "您好"})
	must(t, err)
	mail := &mailbox{}
	start := func(at string) *service.Messages {
		var st service.Stores = w.st
		if at != "" {
			st = killingMessages{Stores: w.st, at: at}
		}
		return service.NewMessages(service.Deps{Store: st, Mailer: mail, Logger: slog.New(slog.DiscardHandler)})
	}
	told := func(want int) {
		t.Helper()
		in, err := w.st.Inbox(w.ctx, w.creator.ID, false, models.Page{Page: 1, PerPage: 50})
		must(t, err)
		n := 0
		for _, x := range in.Items {
			if x.Kind == models.NoteMessage {
				n++
			}
		}
		keys := map[string]bool{}
		for _, m := range mail.of(models.NoteMessage, w.creator.Email) {
			keys[m.Key] = true
		}
		if n != want || len(keys) != want {
			t.Errorf("the creator has %d message notifications and %d mails (keys), want %d", n, len(keys), want)
		}
	}

	killed(t, func() {
		_, _ = start("read").Post(w.ctx, w.member, app.ID, models.MessageInput{Body: "请问何时方便面试？"})
	})
	told(0)
	// The restart sweeps, and dies before the mark is cleared.
	killed(t, func() { _, _ = start("told").SweepNotices(w.ctx) })
	told(1)
	// The next restart tells it again, which adds nothing, and clears it.
	m := start("")
	for i, want := range []int{1, 0} {
		if n, err := m.SweepNotices(w.ctx); err != nil || n != want {
			t.Fatalf("sweep %d told %d, %v; want %d", i+1, n, err, want)
		}
	}
	told(1)
	if len(mail.of(models.NoteMessage, w.creator.Email)) > 2 {
		t.Errorf("the mail was asked for more than once per telling: %+v", mail.of(models.NoteMessage, w.creator.Email))
	}
	th, err := m.Thread(w.ctx, w.creator, app.ID, models.Page{Page: 1, PerPage: 50})
	must(t, err)
	if th.Total != 1 || th.Unread != 1 {
		t.Errorf("the thread after the crashes: %+v", th)
	}
	// A message posted without a fault is told at once and leaves nothing
	// to sweep.
	if _, err := m.Post(w.ctx, w.member, app.ID, models.MessageInput{Body: "周三可以吗？"}); err != nil {
		t.Fatal(err)
	}
	told(2)
	if n, err := m.SweepNotices(w.ctx); err != nil || n != 0 {
		t.Errorf("a sweep after a told message: %d, %v", n, err)
	}
}

// TestASweepCutShortLeavesNoticesUntold: a process that must sweep counts
// every notice untold until a sweep has run to its end, and a sweep whose
// context ends midway leaves them so (a clean stop then leaves no mark
// that nothing was untold, and the next start sweeps).
func TestASweepCutShortLeavesNoticesUntold(t *testing.T) {
	w := newCrashWorld(t)
	all := service.New(service.Config{Store: w.st, Mailer: w.mail, Now: w.clk.Now, Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(all.Accounts.Wait)
	if all.NoticesUntold() {
		t.Fatal("a new process counts notices untold before it was asked to sweep")
	}
	all.RequireSweep()
	if !all.NoticesUntold() {
		t.Fatal("RequireSweep left nothing untold")
	}
	cut, cancel := context.WithCancel(w.ctx)
	cancel()
	_, _ = all.SweepNotices(cut)
	if !all.NoticesUntold() {
		t.Error("a sweep cut short by its context counted everything told")
	}
	if _, err := all.SweepNotices(w.ctx); err != nil {
		t.Fatal(err)
	}
	if all.NoticesUntold() {
		t.Error("a sweep run to its end left notices untold")
	}
}
