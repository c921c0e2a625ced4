package service_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/service"
)

// racingUsers is a user store on which another process's work runs just
// before this one's account is written: between BootstrapAdmin's look-ups
// and its create.
type racingUsers struct {
	models.UserStore
	once   sync.Once
	before func()
}

func (r *racingUsers) CreateUser(ctx context.Context, u *models.User, hash string) error {
	r.once.Do(r.before)
	return r.UserStore.CreateUser(ctx, u, hash)
}

// admins returns the admin accounts.
func admins(t *testing.T, users models.UserStore) []*models.User {
	t.Helper()
	all, err := users.AllUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []*models.User
	for _, u := range all {
		if u.Role == models.RoleAdmin {
			out = append(out, u)
		}
	}
	return out
}

// TestBootstrapAdminLosesTheRaceQuietly: two processes start with the same
// ADMIN_EMAIL and both find no admin; the other one creates it while this
// one hashes the password. This one's create then fails on the taken
// email, and it takes the admin it finds there for success: no error (the
// process would exit), one admin, which signs in.
func TestBootstrapAdminLosesTheRaceQuietly(t *testing.T) {
	ctx := context.Background()
	const email, password = "root@example.com", "correct horse battery"
	winner, st, clk := setup(t, service.AccountsConfig{})
	var wonCreated bool
	var wonErr error
	racing := &racingUsers{UserStore: st, before: func() { wonCreated, wonErr = winner.BootstrapAdmin(ctx, email, password) }}
	loser := service.NewAccounts(racing, st, st, st, service.AccountsConfig{Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})

	created, err := loser.BootstrapAdmin(ctx, email, password)
	if wonErr != nil || !wonCreated {
		t.Fatalf("the winner: %v, %v", wonCreated, wonErr)
	}
	if err != nil || created {
		t.Fatalf("the loser: BootstrapAdmin = %v, %v; want false, nil", created, err)
	}
	if got := admins(t, st); len(got) != 1 || got[0].Email != email {
		t.Fatalf("admins = %+v", got)
	}
	if exists, err := st.AdminExists(ctx); err != nil || !exists {
		t.Fatalf("AdminExists = %v, %v", exists, err)
	}
	if auth, err := loser.Login(ctx, models.LoginInput{Email: email, Password: password}, client); err != nil || auth.User.Role != models.RoleAdmin {
		t.Fatalf("admin login: %+v, %v", auth, err)
	}
}

// TestBootstrapAdminConcurrently: several processes (services over one
// database) bootstrap the same admin at once; whatever the interleaving,
// every one succeeds, exactly one says it created the admin, and one admin
// exists.
func TestBootstrapAdminConcurrently(t *testing.T) {
	ctx := context.Background()
	first, st, clk := setup(t, service.AccountsConfig{})
	procs := []*service.Accounts{first}
	for range 3 {
		procs = append(procs, service.NewAccounts(st, st, st, st, service.AccountsConfig{Now: clk.Now, Logger: slog.New(slog.DiscardHandler)}))
	}
	created := make([]bool, len(procs))
	errs := make([]error, len(procs))
	var wg sync.WaitGroup
	for i, a := range procs {
		wg.Go(func() { created[i], errs[i] = a.BootstrapAdmin(ctx, "root@example.com", "correct horse battery") })
	}
	wg.Wait()
	n := 0
	for i := range procs {
		if errs[i] != nil {
			t.Errorf("process %d: %v", i, errs[i])
		}
		if created[i] {
			n++
		}
	}
	if got := admins(t, st); n != 1 || len(got) != 1 {
		t.Fatalf("%d said they created the admin; admins = %+v", n, got)
	}
}
