package figures_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/figures"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// benchEntries is the size of the benchmark's city: 20,000 entries to
// 400 calls, one in twenty accepted, and 2,000 milestones.
const benchEntries, benchMilestones = 20_000, 2_000

var benchOnce struct {
	sync.Once
	st *store.Store
}

func benchStore(b *testing.B) *store.Store {
	benchOnce.Do(func() {
		ctx := context.Background()
		st := storetest.MustOpen(b)
		calls := make([]string, 400)
		for i := range calls {
			calls[i] = store.NewID()
		}
		for i := range benchEntries {
			status := models.EntrySubmitted
			if i%20 == 0 {
				status = models.EntryAccepted
			}
			team := store.NewID()
			e := &models.Entry{ID: models.EntryID(calls[i%len(calls)], team), CallID: calls[i%len(calls)], OrgID: "org", TeamID: team,
				ApplicantID: store.NewID(), Status: status, DecidedOn: fmt.Sprintf("2026-%02d-01", 1+i%12), District: "nanshan", Industry: "games",
				Answers: map[string]string{"why": "因为我们的团队在数字人方向有三年的积累"}}
			if err := st.CreateEntry(ctx, e); err != nil {
				b.Fatal(err)
			}
			if i%10 == 0 && i/10 < benchMilestones {
				if err := st.CreateMilestone(ctx, &models.Milestone{TeamID: team, CallID: e.CallID, Kind: models.MilestoneIncorporated, Date: "2026-06-01"}); err != nil {
					b.Fatal(err)
				}
			}
		}
		benchOnce.st = st
	})
	return benchOnce.st
}

// BenchmarkIncubationFigures compares a year's incubation figures counted
// from the tally's copies with the same count from a read of the accepted
// entries and the milestones (the embedded database decodes every entry
// to filter by status).
func BenchmarkIncubationFigures(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	b.Run("tally", func(b *testing.B) {
		tally := figures.NewIncubation(st, nil, slog.New(slog.DiscardHandler))
		if err := tally.Load(ctx); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if f := tally.Figures(2026); f.Teams != benchEntries/20 {
				b.Fatalf("teams %d", f.Teams)
			}
		}
	})
	b.Run("store-read", func(b *testing.B) {
		for b.Loop() {
			es, err := st.AcceptedEntries(ctx)
			if err != nil {
				b.Fatal(err)
			}
			ms, err := st.Milestones(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if f := models.CountIncubation(2026, es, ms); f.Teams != benchEntries/20 {
				b.Fatalf("teams %d", f.Teams)
			}
		}
	})
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if err := figures.NewIncubation(st, nil, slog.New(slog.DiscardHandler)).Load(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
