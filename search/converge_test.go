package search_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/store/storetest"
)

// Two server processes on one database each keep an index: a write through
// one becomes searchable in the other through the change feed (each reads
// it every 200 ms; the waits below are guards against never, generous for
// a busy machine); a write whose feed record was lost is found by
// reconciliation.
func TestTwoIndexersConverge(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := storetest.MustOpen(t)
	logger := slog.New(slog.DiscardHandler)
	a, err := search.Open(ctx, search.Options{Source: st, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := search.Open(ctx, search.Options{Source: st, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	st.Observe(a.Observe) // the process that writes is a
	go b.Follow(ctx, 200*time.Millisecond, 0)

	find := func(ix *search.Index, q string) int {
		p, err := ix.SearchTalents(ctx, models.TalentSearch{Q: q, Visibility: []models.Visibility{models.VisibilityPublic, models.VisibilityOrgs}})
		if err != nil {
			t.Fatal(err)
		}
		return p.Total
	}
	u := &models.User{Email: "c@example.com", Name: "C", Role: models.RoleCreator}
	if err := st.CreateUser(ctx, u, "h"); err != nil {
		t.Fatal(err)
	}
	in := models.TalentInput{Name: "李明", Headline: "資深原畫師", Visibility: models.VisibilityPublic}
	in.Normalize()
	tal := models.NewTalent(u.ID, in)
	written := time.Now()
	if err := st.CreateTalent(ctx, tal); err != nil {
		t.Fatal(err)
	}
	if find(a, "原画") != 1 {
		t.Fatal("the writing process does not find its own write at once")
	}
	for find(b, "concept art") != 1 {
		// A guard against never, not a speed requirement: followers read
		// the feed every interval, whatever the machine.
		if time.Since(written) > time.Minute {
			t.Fatal("the other process did not find the write within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("converged in %s", time.Since(written).Round(time.Millisecond))

	// A later change travels the same way.
	if _, err := st.UpdateTalent(ctx, tal.ID, 0, func(t *models.Talent) error { t.Headline = "动画师"; return nil }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for find(b, "animator") != 1 || find(b, "原画") != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the update did not reach the other index within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// And a deletion.
	u2 := &models.User{Email: "d@example.com", Name: "D", Role: models.RoleCreator}
	if err := st.CreateUser(ctx, u2, "h"); err != nil {
		t.Fatal(err)
	}
	in2 := models.TalentInput{Name: "王五", Headline: "三维建模师", Visibility: models.VisibilityPublic}
	in2.Normalize()
	gone := models.NewTalent(u2.ID, in2)
	if err := st.CreateTalent(ctx, gone); err != nil {
		t.Fatal(err)
	}
	for find(b, "建模") != 1 {
		if time.Now().After(deadline.Add(time.Minute)) {
			t.Fatal("the second profile did not reach the other index")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := st.DeleteTalent(ctx, gone.ID, 0); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(time.Minute)
	for find(b, "建模") != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the deletion did not reach the other index within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// A crash between the write and its feed record: the record is lost.
	cancel()
	if _, err := st.UpdateTalent(context.Background(), tal.ID, 0, func(t *models.Talent) error { t.Headline = "电竞解说"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PruneChanges(context.Background(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	ctx = context.Background()
	if _, err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if find(b, "esports") != 0 {
		t.Fatal("the lost change arrived without reconciliation")
	}
	if n, err := b.Reconcile(ctx); err != nil || n != 1 {
		t.Fatalf("Reconcile = %d, %v", n, err)
	}
	if find(b, "esports") != 1 || find(b, "animator") != 0 {
		t.Fatal("reconciliation did not bring the lost change")
	}

	// A lost deletion: the profile stays findable until reconciliation
	// sees it is no longer in the database.
	if err := st.DeleteTalent(ctx, tal.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if find(b, "esports") != 1 {
		t.Fatal("the lost deletion arrived without reconciliation")
	}
	if n, err := b.Reconcile(ctx); err != nil || n != 1 {
		t.Fatalf("Reconcile after a lost deletion = %d, %v", n, err)
	}
	if find(b, "esports") != 0 {
		t.Fatal("reconciliation did not remove the deleted profile")
	}
}
