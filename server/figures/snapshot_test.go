package figures

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
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

// The records of a snapshot are written in chunks, each a gob stream of
// its own decoded on any core, and come back whole and in order for any
// chunk size; a body cut anywhere is refused, never half read; and a
// snapshot of the first format (one gob of everything), which a server of
// the previous release left, is still read, so an upgrade does not load
// every record from the database.
func TestSnapshotChunksAndTheFirstFormat(t *testing.T) {
	var s snapshot
	s.Position, s.Epoch, s.SavedAt = "pos-1", "db-1", now
	for i := range 10 {
		s.Recs = append(s.Recs, &models.Recruitment{ID: fmt.Sprintf("r%02d", i), TalentID: fmt.Sprintf("t%d", i%4), Date: "2025-03-01",
			District: "nanshan", Status: models.StatusVerified, Level: models.LevelA, Version: int64(i + 1)})
	}
	s.Bases = []*models.Base{{ID: "b1", Name: "基地", Version: 2}}
	s.Orgs = []*models.Org{{ID: "o1", Name: "光子", Version: 3}}
	text := func(s snapshot) string {
		s.nonNil() // empty lists as readSnapshot gives them back
		raw, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	want := text(s)
	for _, chunk := range []int{1, 3, 10, 11} {
		body, err := encodeSnapshot(s, chunk)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeSnapshot(body.Bytes())
		if err != nil {
			t.Fatalf("chunks of %d: %v", chunk, err)
		}
		got.Records, got.Chunk = 0, 0
		if text(got) != want {
			t.Fatalf("chunks of %d:\n%s\nwant\n%s", chunk, text(got), want)
		}
		raw := body.Bytes()
		for cut := range len(raw) {
			if _, err := decodeSnapshot(raw[:cut]); err == nil {
				t.Fatalf("chunks of %d: a body cut at %d of %d bytes was read", chunk, cut, len(raw))
			}
		}
	}
	empty := snapshot{Position: "p", Epoch: "e", SavedAt: now}
	body, err := encodeSnapshot(empty, snapshotChunk)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := decodeSnapshot(body.Bytes()); err != nil || len(got.Recs) != 0 || got.Position != "p" {
		t.Fatalf("no records: %+v, %v", got, err)
	}

	// The first format, written as the previous release wrote it.
	var old bytes.Buffer
	if err := gob.NewEncoder(&old).Encode(s); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "figures.snapshot")
	file := fmt.Sprintf("%s%x\n%s", snapshotMagicV1, sha256.Sum256(old.Bytes()), old.Bytes())
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	got, why := readSnapshot(path)
	if why != "" || text(got) != want {
		t.Fatalf("the first format: %q\n%s\nwant\n%s", why, text(got), want)
	}
}
