package figures

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

// A snapshot brings back exactly what the figures held (the report with
// its records, corrections included, is the same to the byte), and the
// feed after it is caught up; one older than the feed keeps is reconciled
// with the database by versions; a snapshot that cannot be trusted — of
// another database or bulk load, damaged — is refused, and the caller
// loads from the database.
func TestSnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	x := newFixture(t)
	a := x.rec("t1", "2025-03-01", models.StatusVerified, models.LevelA, "nanshan")
	x.rec("t2", "2025-04-01", models.StatusReported, models.LevelB, "futian")
	x.change(a, func(r *models.Recruitment) {
		r.District = "futian"
		r.Corrections = []models.Correction{{At: now, By: "u1", Reason: "typo", Before: map[string]any{"district": "nanshan", "level": models.LevelA},
			After: map[string]any{"district": "futian", "high_end": true}}}
	})
	x.put(models.CollOrgs, "o1", &models.Org{ID: "o1", Name: "光子", Kind: models.OrgEnterprise, Status: models.StatusVerified,
		Industries: []string{}, Flags: []string{}, MemberIDs: []string{"u1"}, ManagerIDs: []string{}, Version: 1}, 1)
	path := filepath.Join(t.TempDir(), "figures.snapshot")
	if err := x.f.SaveSnapshot(path, "db-1"); err != nil {
		t.Fatal(err)
	}
	// Written after the snapshot: the catch-up brings it.
	x.rec("t3", "2025-05-01", models.StatusVerified, models.LevelC, "nanshan")

	report := func(f *Figures) string {
		raw, err := json.Marshal(f.Report(nil, 2025, true))
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	open := func(epoch string) (*Figures, bool) {
		g := New(x.src, func() time.Time { return now }, slog.New(slog.DiscardHandler))
		ok, err := g.LoadSnapshot(ctx, path, epoch)
		if err != nil {
			t.Fatal(err)
		}
		return g, ok
	}
	g, ok := open("db-1")
	if !ok {
		t.Fatal("a good snapshot was refused")
	}
	if got, want := report(g), report(x.f); got != want {
		t.Fatalf("after the snapshot:\n%s\nwant\n%s", got, want)
	}
	if res, err := g.Recount(ctx); err != nil || len(res.Differences) > 0 {
		t.Fatalf("recount after the snapshot: %v %v", res, err)
	}

	if _, ok := open("db-2"); ok {
		t.Error("a snapshot of another epoch was used")
	}
	// The feed no longer holds what follows the snapshot (t3 and a change
	// of t2): the versions tell.
	x.src.pruned = now
	x.change(x.src.docs[models.CollRecruitments][fmt.Sprintf("%024d", 2)].(*models.Recruitment), func(r *models.Recruitment) { r.Status = models.StatusVerified })
	g, ok = open("db-1")
	if !ok {
		t.Fatal("a snapshot older than the feed keeps was neither reconciled nor used")
	}
	if got, want := report(g), report(x.f); got != want {
		t.Fatalf("after a snapshot older than the feed, reconciled:\n%s\nwant\n%s", got, want)
	}
	x.src.pruned = time.Time{}
	raw, _ := os.ReadFile(path)
	raw[len(raw)-10] ^= 0xff
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := open("db-1"); ok {
		t.Error("a damaged snapshot was used")
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, ok := open("db-1"); ok {
		t.Error("a missing snapshot was used")
	}
}
