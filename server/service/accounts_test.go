package service_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// clock is a settable clock shared by the store and the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func setup(t *testing.T, cfg service.AccountsConfig) (*service.Accounts, *store.Store, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	st := storetest.MustOpen(t, func(o *store.Options) { o.Now = clk.Now })
	cfg.Now = clk.Now
	cfg.Logger = slog.New(slog.DiscardHandler)
	return service.NewAccounts(st, st, st, st, cfg), st, clk
}

var client = models.ClientInfo{Addr: "203.0.113.7", UserAgent: "test"}

func register(t *testing.T, a *service.Accounts, email string) *models.Auth {
	t.Helper()
	auth, err := a.Register(context.Background(), models.RegisterInput{Email: email, Password: "correct horse", Name: "N", Role: models.RoleCreator}, client)
	if err != nil {
		t.Fatal(err)
	}
	return auth
}

func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	a, _, clk := setup(t, service.AccountsConfig{SessionTTL: time.Hour})
	auth := register(t, a, "a@example.com")
	if u, err := a.Authenticate(ctx, auth.Token); err != nil || u.Email != "a@example.com" {
		t.Fatalf("Authenticate = %v, %v", u, err)
	}
	clk.Add(time.Hour)
	if _, err := a.Authenticate(ctx, auth.Token); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Fatalf("expired session: %v", err)
	}
}

func TestTokensAreStoredHashed(t *testing.T) {
	ctx := context.Background()
	a, st, _ := setup(t, service.AccountsConfig{})
	auth := register(t, a, "a@example.com")
	if _, err := st.Session(ctx, auth.Token); !models.IsCode(err, models.CodeNotFound) {
		t.Fatalf("the raw token is a session id: %v", err)
	}
	sessions, err := st.UserSessions(ctx, auth.User.ID)
	if err != nil || len(sessions) != 1 || strings.Contains(sessions[0].ID, auth.Token) || len(sessions[0].ID) != 64 {
		t.Fatalf("sessions = %+v, %v", sessions, err)
	}
	for _, bad := range []string{"", "x", strings.Repeat("A", 42), strings.Repeat("*", 43)} {
		if _, err := a.Authenticate(ctx, bad); !models.IsCode(err, models.CodeUnauthenticated) {
			t.Errorf("Authenticate(%q) = %v", bad, err)
		}
	}
}

// TestLoginLimits: failed sign-ins slow down the address that fails, by
// a delay that doubles with every failure over the allowance, counted per
// account (for the addresses that failed on it) and per address (across
// accounts); the right password gets through once the delay is over, and
// from an address that has not failed on the account at once.
func TestLoginLimits(t *testing.T) {
	ctx := context.Background()
	a, _, clk := setup(t, service.AccountsConfig{MaxFailuresPerAccount: 3, MaxFailuresPerAddr: 5, LoginWindow: 10 * time.Minute, LoginDelay: 5 * time.Second})
	register(t, a, "a@example.com")
	register(t, a, "b@example.com")
	login := func(email, pw, addr string) error {
		_, err := a.Login(ctx, models.LoginInput{Email: email, Password: pw}, models.ClientInfo{Addr: addr})
		return err
	}
	waits := func(err error, want time.Duration) {
		t.Helper()
		var me *models.Error
		if !models.IsCode(err, models.CodeRateLimited) || !errors.As(err, &me) || me.RetryAfter != want {
			t.Fatalf("want a wait of %v: %v (%+v)", want, err, me)
		}
	}

	// An attacker fails three times: its next attempt waits 5 s, even
	// with the right password.
	const attacker = "198.51.100.1"
	for i := range 3 {
		if err := login("a@example.com", "wrong", attacker); !models.IsCode(err, models.CodeUnauthenticated) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	waits(login("a@example.com", "correct horse", attacker), 5*time.Second)
	// The owner, from an address that has not failed, signs in.
	if err := login("a@example.com", "correct horse", "198.51.100.4"); err != nil {
		t.Fatalf("the owner is locked out by someone else's failures: %v", err)
	}
	// An address that fails on the account now waits like the attacker.
	if err := login("a@example.com", "wrong", "198.51.100.5"); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Fatal(err)
	}
	waits(login("a@example.com", "correct horse", "198.51.100.5"), 5*time.Second<<1)
	// The delay doubles with every failure.
	clk.Add(10 * time.Second)
	if err := login("a@example.com", "wrong", attacker); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Fatal(err)
	}
	waits(login("a@example.com", "wrong", attacker), 5*time.Second<<2)
	clk.Add(19 * time.Second)
	waits(login("a@example.com", "correct horse", attacker), time.Second)
	// Slowed, not locked: once the delay is over, the right password
	// signs in from the attacker's address too.
	clk.Add(time.Second)
	if err := login("a@example.com", "correct horse", attacker); err != nil {
		t.Fatalf("after the delay: %v", err)
	}
	if err := login("b@example.com", "correct horse", attacker); err != nil {
		t.Fatalf("another account is affected: %v", err)
	}

	// Per address: five failures from one address across accounts,
	// unknown ones included, slow that address on every account, and no
	// other.
	clk.Add(10 * time.Minute)
	for i, email := range []string{"x1@example.com", "x2@example.com", "x3@example.com", "b@example.com", "x4@example.com"} {
		if err := login(email, "wrong", "192.0.2.9"); !models.IsCode(err, models.CodeUnauthenticated) {
			t.Fatalf("address failure %d: %v", i, err)
		}
	}
	waits(login("b@example.com", "correct horse", "192.0.2.9"), 5*time.Second)
	if err := login("b@example.com", "correct horse", "192.0.2.10"); err != nil {
		t.Fatalf("other address: %v", err)
	}
	clk.Add(5 * time.Second)
	if err := login("b@example.com", "correct horse", "192.0.2.9"); err != nil {
		t.Fatalf("the address after its delay: %v", err)
	}

	// A success clears the address's failures on the account: when the
	// account is then attacked, that address is one that has not failed.
	clk.Add(10 * time.Minute)
	for range 2 {
		_ = login("b@example.com", "wrong", "192.0.2.11")
	}
	if err := login("b@example.com", "correct horse", "192.0.2.11"); err != nil {
		t.Fatal(err)
	}
	_ = login("b@example.com", "wrong", "192.0.2.12")
	waits(login("b@example.com", "correct horse", "192.0.2.12"), 5*time.Second)
	if err := login("b@example.com", "correct horse", "192.0.2.11"); err != nil {
		t.Fatalf("failures before a success were still counted: %v", err)
	}
}

func TestBootstrapAdmin(t *testing.T) {
	ctx := context.Background()
	a, st, _ := setup(t, service.AccountsConfig{})

	if _, err := a.BootstrapAdmin(ctx, "root@example.com", "short"); err == nil {
		t.Fatal("a short admin password was accepted")
	}
	created, err := a.BootstrapAdmin(ctx, "Root@Example.com", "correct horse battery")
	if err != nil || !created {
		t.Fatalf("BootstrapAdmin = %v, %v", created, err)
	}
	auth, err := a.Login(ctx, models.LoginInput{Email: "root@example.com", Password: "correct horse battery"}, client)
	if err != nil || auth.User.Role != models.RoleAdmin {
		t.Fatalf("admin login: %+v, %v", auth, err)
	}
	// Once an admin exists, the environment creates no other.
	created, err = a.BootstrapAdmin(ctx, "second@example.com", "correct horse battery")
	if err != nil || created {
		t.Fatalf("second bootstrap = %v, %v", created, err)
	}
	if _, _, err := st.UserByEmail(ctx, "second@example.com"); !models.IsCode(err, models.CodeNotFound) {
		t.Fatalf("second admin exists: %v", err)
	}
}

func TestBootstrapAdminRefusesAnotherRolesEmail(t *testing.T) {
	ctx := context.Background()
	a, _, _ := setup(t, service.AccountsConfig{})
	register(t, a, "taken@example.com")
	if _, err := a.BootstrapAdmin(ctx, "taken@example.com", "correct horse battery"); err == nil || !strings.Contains(err.Error(), "creator") {
		t.Fatalf("bootstrap onto a creator account: %v", err)
	}
}

func TestConcurrentLoginsThroughOneHashingSlot(t *testing.T) {
	ctx := context.Background()
	a, _, _ := setup(t, service.AccountsConfig{MaxConcurrentHashes: 1})
	register(t, a, "a@example.com")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := a.Login(ctx, models.LoginInput{Email: "a@example.com", Password: "correct horse"}, models.ClientInfo{Addr: "10.1.1.1"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestChangePassword: the current password is checked (and a wrong one
// counts as a failed sign-in), the new one signs in and the old one no
// longer does, and every other session of the account ends while the one
// that changed it stays.
func TestChangePassword(t *testing.T) {
	ctx := context.Background()
	a, _, _ := setup(t, service.AccountsConfig{MaxFailuresPerAccount: 5, MaxFailuresPerAddr: 50, LoginWindow: 10 * time.Minute})
	here := register(t, a, "a@example.com")
	there, err := a.Login(ctx, models.LoginInput{Email: "a@example.com", Password: "correct horse"}, client)
	if err != nil {
		t.Fatal(err)
	}
	other := register(t, a, "b@example.com")
	change := func(current, next string) error {
		return a.ChangePassword(ctx, here.User, here.Token, models.PasswordChange{CurrentPassword: current, NewPassword: next}, client)
	}
	if err := change("correct horse", "short"); !models.IsCode(err, models.CodeValidation) || models.ErrorFields(err)["new_password"] == "" {
		t.Fatalf("a too short new password: %v", err)
	}
	if err := change("wrong horse", "a much longer password"); !models.IsCode(err, models.CodeValidation) || models.ErrorFields(err)["current_password"] == "" {
		t.Fatalf("a wrong current password: %v", err)
	}
	if _, err := a.Login(ctx, models.LoginInput{Email: "a@example.com", Password: "a much longer password"}, client); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Fatalf("a refused change changed the password: %v", err)
	}
	if err := change("correct horse", "a much longer password"); err != nil {
		t.Fatalf("change: %v", err)
	}
	if _, err := a.Login(ctx, models.LoginInput{Email: "a@example.com", Password: "correct horse"}, client); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Errorf("the old password still signs in: %v", err)
	}
	if _, err := a.Login(ctx, models.LoginInput{Email: "a@example.com", Password: "a much longer password"}, client); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
	if _, err := a.Authenticate(ctx, here.Token); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	if _, err := a.Authenticate(ctx, there.Token); !models.IsCode(err, models.CodeUnauthenticated) {
		t.Errorf("another session of the account survived the change: %v", err)
	}
	if _, err := a.Authenticate(ctx, other.Token); err != nil {
		t.Errorf("another account's session ended: %v", err)
	}
	// Wrong current passwords count against the sign-in limit (5 here; the
	// successful sign-in above reset the account's count): then the
	// account is locked for both.
	for range 5 {
		_ = change("wrong", "another long password")
	}
	if err := change("a much longer password", "another long password"); !models.IsCode(err, models.CodeRateLimited) {
		t.Errorf("after five wrong passwords the change is not limited: %v", err)
	}
	if _, err := a.Login(ctx, models.LoginInput{Email: "a@example.com", Password: "a much longer password"}, client); !models.IsCode(err, models.CodeRateLimited) {
		t.Errorf("after five wrong passwords sign-in is not limited: %v", err)
	}
}

func TestNamesForTheAuditTrail(t *testing.T) {
	ctx := context.Background()
	a, _, _ := setup(t, service.AccountsConfig{})
	c := register(t, a, "c@example.com")
	bureau := &models.User{ID: "b", Role: models.RoleBureau}
	names, err := a.Names(ctx, bureau, []string{c.User.ID, c.User.ID, "000000000000000000000000", ""})
	if err != nil || len(names) != 1 || names[c.User.ID] != "N" {
		t.Fatalf("Names = %v, %v", names, err)
	}
	if _, err := a.Names(ctx, c.User, []string{c.User.ID}); !models.IsCode(err, models.CodeForbidden) {
		t.Errorf("a creator reads names: %v", err)
	}
}

// TestRegistrationsDoNotStarveSignIn: while registrations hold every
// hashing slot they may use (a flood of them), a sign-in still signs in,
// and a registration of an email that has an account is refused at once,
// without waiting to hash a password it will not store.
func TestRegistrationsDoNotStarveSignIn(t *testing.T) {
	a, _, _ := setup(t, service.AccountsConfig{})
	register(t, a, "a@example.com")
	release := a.HoldRegistrationHashing()
	defer release()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.Login(ctx, models.LoginInput{Email: "a@example.com", Password: "correct horse"}, client); err != nil {
		t.Fatalf("sign-in while registrations hash: %v", err)
	}
	_, err := a.Register(ctx, models.RegisterInput{Email: "A@example.com", Password: "another password", Name: "N", Role: models.RoleCreator}, client)
	if !models.IsCode(err, models.CodeConflict) {
		t.Fatalf("registering a taken email while registrations hash: %v", err)
	}
	// The slots are held indeed: a new account waits for one.
	short, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	_, err = a.Register(short, models.RegisterInput{Email: "new@example.com", Password: "another password", Name: "N", Role: models.RoleCreator}, client)
	if !models.IsCode(err, models.CodeUnavailable) {
		t.Fatalf("a new registration with every slot held: %v", err)
	}
}

// TestRegistrationLimitPerAddress: an address registers at most so many
// accounts in a window (attempts count, refused ones too); other
// addresses are not affected, nor in-process callers (no address).
func TestRegistrationLimitPerAddress(t *testing.T) {
	ctx := context.Background()
	a, _, clk := setup(t, service.AccountsConfig{MaxRegistrationsPerAddr: 3, RegisterWindow: time.Hour})
	reg := func(email, addr string) error {
		_, err := a.Register(ctx, models.RegisterInput{Email: email, Password: "correct horse", Name: "N", Role: models.RoleCreator}, models.ClientInfo{Addr: addr})
		return err
	}
	if err := reg("r1@example.com", "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
	if err := reg("r1@example.com", "198.51.100.7"); !models.IsCode(err, models.CodeConflict) {
		t.Fatalf("taken email: %v", err)
	}
	if err := reg("r2@example.com", "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
	err := reg("r3@example.com", "198.51.100.7")
	var me *models.Error
	if !models.IsCode(err, models.CodeRateLimited) || !errors.As(err, &me) || me.RetryAfter <= 0 || me.RetryAfter > time.Hour {
		t.Fatalf("fourth registration from one address: %v", err)
	}
	if err := reg("r3@example.com", "198.51.100.8"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	for i := range 5 {
		if err := reg(fmt.Sprintf("inproc%d@example.com", i), ""); err != nil {
			t.Fatalf("in-process registration %d: %v", i, err)
		}
	}
	clk.Add(time.Hour)
	if err := reg("r4@example.com", "198.51.100.7"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}
