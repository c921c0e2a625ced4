package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store/storetest"
)

// TestNotifyMendsACrashBetweenItsSteps: each state a crash can leave
// between Notify's writes (the item alone; the item and its key without
// the head moved) is mended by telling the event again, or by the next
// event, and no event is held twice.
func TestNotifyMendsACrashBetweenItsSteps(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	note := func(user, id string) *models.Notification {
		return &models.Notification{ID: id, UserID: user, Kind: models.NoteApplied, CreatedAt: at}
	}
	held := func(user string) []string {
		in, err := s.Inbox(ctx, user, false, models.Page{Page: 1, PerPage: 50})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, n := range in.Items {
			out = append(out, n.ID)
		}
		return out
	}
	orphan := func(user, key string, n int64, named bool) { s.OrphanNote(t, user, key, n, named) }

	// The item alone, then the same event again: one notification (written
	// by the first telling, so the second adds nothing).
	orphan("u1", "k1", 0, false)
	if added, err := s.Notify(ctx, note("u1", "k1")); err != nil || added {
		t.Fatalf("retelling after a crash: %v %v", added, err)
	}
	if got := held("u1"); len(got) != 1 || got[0] != "k1" {
		t.Fatalf("u1 holds %q", got)
	}

	// The item and its key, the head not moved: telling it again moves it.
	orphan("u2", "k2", 0, true)
	if added, err := s.Notify(ctx, note("u2", "k2")); err != nil || added {
		t.Fatalf("retelling a named event: %v %v", added, err)
	}
	if got := held("u2"); len(got) != 1 || got[0] != "k2" {
		t.Fatalf("u2 holds %q", got)
	}

	// The item alone, then another event first, then the first again:
	// both held, once each.
	orphan("u3", "k3", 0, false)
	if added, err := s.Notify(ctx, note("u3", "other")); err != nil || !added {
		t.Fatalf("the next event: %v %v", added, err)
	}
	if added, err := s.Notify(ctx, note("u3", "k3")); err != nil || added {
		t.Fatalf("retelling the orphan's event: %v %v", added, err)
	}
	if got := held("u3"); len(got) != 2 || got[0] != "other" || got[1] != "k3" {
		t.Fatalf("u3 holds %q", got)
	}
}
