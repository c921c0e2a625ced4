package figures_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"reflect"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/figures"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// fromRecords counts the year as the store's records say it.
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func fromRecords(t *testing.T, st *store.Store, year int) models.IncubationFigures {
	t.Helper()
	ctx := context.Background()
	es, err := st.AcceptedEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := st.Milestones(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return models.CountIncubation(year, es, ms)
}

// TestIncubationTallyFollowsTheDatabase plays random decisions and
// milestones on the embedded database, told to the tally by its observer
// (this process) or only through the feed (another process), and checks
// after each that the tally's figures equal a count from the records;
// then that a tally loaded afresh (a restart) agrees.
func TestIncubationTallyFollowsTheDatabase(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	logger := slog.New(slog.DiscardHandler)
	tally := figures.NewIncubation(st, nil, logger)
	if err := tally.Load(ctx); err != nil {
		t.Fatal(err)
	}
	observed := true
	st.Observe(func(ctx context.Context, c models.Change) {
		if observed {
			tally.Observe(ctx, c)
		}
	})
	r := rand.New(rand.NewPCG(7, 7))
	calls, teams := []string{store.NewID(), store.NewID()}, []string{store.NewID(), store.NewID(), store.NewID(), store.NewID()}
	var entries []string
	for step := range 120 {
		observed = r.IntN(3) > 0
		call, team := calls[r.IntN(len(calls))], teams[r.IntN(len(teams))]
		switch r.IntN(3) {
		case 0:
			e := &models.Entry{ID: models.EntryID(call, team), CallID: call, OrgID: "org" + call[20:], TeamID: team, ApplicantID: store.NewID(),
				Status: models.EntrySubmitted}
			if err := st.CreateEntry(ctx, e); err == nil {
				entries = append(entries, e.ID)
			} else if !models.IsCode(err, models.CodeConflict) {
				t.Fatal(err)
			}
		case 1:
			if len(entries) == 0 {
				continue
			}
			id := entries[r.IntN(len(entries))]
			status := []string{models.EntryAccepted, models.EntryAccepted, models.EntryRejected, models.EntryWaitlisted}[r.IntN(4)]
			if _, err := st.UpdateEntry(ctx, id, 0, func(e *models.Entry) error {
				e.Status, e.DecidedOn = status, fmt.Sprintf("%d-0%d-01", 2025+r.IntN(2), 1+r.IntN(9))
				e.District = []string{"nanshan", "futian"}[r.IntN(2)]
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		case 2:
			m := &models.Milestone{TeamID: team, CallID: call, Kind: []string{models.MilestoneIncorporated, models.MilestoneFunding}[r.IntN(2)],
				Date: fmt.Sprintf("%d-0%d-02", 2025+r.IntN(2), 1+r.IntN(9)), Amount: int64(r.IntN(1000))}
			if err := st.CreateMilestone(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if !observed {
			// Another process's write reaches this one through the feed.
			if _, err := tally.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, y := range []int{2025, 2026} {
			if got, want := tally.Figures(y), fromRecords(t, st, y); !reflect.DeepEqual(got, want) {
				t.Fatalf("step %d, %d: the tally says %+v; the records %+v", step, y, got, want)
			}
		}
	}
	restarted := figures.NewIncubation(st, nil, logger)
	if err := restarted.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := restarted.Figures(2026), tally.Figures(2026); !reflect.DeepEqual(got, want) || want.Teams == 0 {
		t.Fatalf("after a restart: %+v; before %+v", got, want)
	}
	if n, err := tally.Reconcile(ctx); err != nil || n != 0 {
		t.Fatalf("a tally in step has nothing to reconcile: %d, %v", n, err)
	}
}

func TestIncubationRecountFindsADifference(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	tally := figures.NewIncubation(st, nil, slog.New(slog.DiscardHandler))
	if err := tally.Load(ctx); err != nil {
		t.Fatal(err)
	}
	call, team := store.NewID(), store.NewID()
	e := &models.Entry{ID: models.EntryID(call, team), CallID: call, TeamID: team, ApplicantID: store.NewID(), Status: models.EntryAccepted, DecidedOn: "2026-02-01"}
	if err := st.CreateEntry(ctx, e); err != nil {
		t.Fatal(err)
	}
	// Told through the feed: the recount catches up first, and agrees.
	diffs, n, err := tally.Recount(ctx)
	if err != nil || len(diffs) != 0 || n != 1 {
		t.Fatalf("a tally behind only by the feed: %v %d %v", diffs, n, err)
	}
	// A change the tally was told wrongly (an observer given a document
	// the database does not hold) is found.
	wrong := *e
	wrong.Version, wrong.Status = e.Version+1, models.EntryRejected
	tally.Observe(ctx, models.Change{Coll: models.CollEntries, ID: e.ID, Version: wrong.Version, Doc: &wrong})
	diffs, _, err = tally.Recount(ctx)
	if err != nil || len(diffs) < 2 {
		t.Fatalf("a wrong version and the figures it changes are differences: %v %v", diffs, err)
	}
}
