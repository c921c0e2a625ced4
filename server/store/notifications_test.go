package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store/storetest"
)

func TestInbox(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	const user = "u1"
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	note := func(id string, at time.Time) *models.Notification {
		return &models.Notification{ID: id, UserID: user, Kind: models.NoteMoved, Params: map[string]string{"stage": "hired"},
			Link: "/me/applications", CreatedAt: at}
	}
	ids := func(in *models.Inbox) []string {
		out := []string{}
		for _, n := range in.Items {
			out = append(out, n.ID)
		}
		return out
	}
	page := models.Page{Page: 1, PerPage: 20}

	t.Run("an empty inbox", func(t *testing.T) {
		in, err := s.Inbox(ctx, user, false, page)
		if err != nil || in.Total != 0 || in.Unread != 0 || len(in.Items) != 0 {
			t.Fatalf("%+v %v", in, err)
		}
		if err := s.MarkRead(ctx, user, nil, true); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("an event is told once, the latest told first", func(t *testing.T) {
		for i, id := range []string{"a", "b", "a", "c", "b"} {
			added, err := s.Notify(ctx, note(id, t0.Add(time.Duration(id[0]-'a')*time.Minute)))
			if err != nil {
				t.Fatal(err)
			}
			if want := i < 2 || i == 3; added != want {
				t.Errorf("notify %s (#%d): added %v", id, i, added)
			}
		}
		// Told late, an older event comes first: the inbox is in the
		// order things were told, each with the time it happened.
		if _, err := s.Notify(ctx, note("early", t0.Add(-time.Hour))); err != nil {
			t.Fatal(err)
		}
		in, err := s.Inbox(ctx, user, false, page)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"early", "c", "b", "a"}, ids(in)); diff != "" || in.Total != 4 || in.Unread != 4 {
			t.Fatalf("inbox (-want +got):\n%s total %d unread %d", diff, in.Total, in.Unread)
		}
		if got := in.Items[1]; got.Kind != models.NoteMoved || got.Params["stage"] != "hired" || got.Link != "/me/applications" || !got.CreatedAt.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("first item %+v", got)
		}
	})

	t.Run("read some, then all; unread only", func(t *testing.T) {
		if err := s.MarkRead(ctx, user, []string{"b", "nope"}, false); err != nil {
			t.Fatal(err)
		}
		in, _ := s.Inbox(ctx, user, true, page)
		if diff := cmp.Diff([]string{"early", "c", "a"}, ids(in)); diff != "" || in.Total != 3 || in.Unread != 3 {
			t.Fatalf("unread (-want +got):\n%s total %d unread %d", diff, in.Total, in.Unread)
		}
		// Another user's ids change nothing here.
		if err := s.MarkRead(ctx, "u2", []string{"c"}, false); err != nil {
			t.Fatal(err)
		}
		if in, _ := s.Inbox(ctx, user, false, page); in.Unread != 3 {
			t.Fatalf("unread %d after another user's read", in.Unread)
		}
		if err := s.MarkRead(ctx, user, nil, true); err != nil {
			t.Fatal(err)
		}
		if in, _ := s.Inbox(ctx, user, false, page); in.Unread != 0 || in.Total != 4 {
			t.Fatalf("after all read: %+v", in)
		}
	})

	t.Run("paging and the cap", func(t *testing.T) {
		const other = "u3"
		for i := range models.MaxInbox + 5 {
			if _, err := s.Notify(ctx, &models.Notification{ID: fmt.Sprint("n", i), UserID: other, Kind: models.NoteApplied,
				CreatedAt: t0.Add(time.Duration(i) * time.Second)}); err != nil {
				t.Fatal(err)
			}
		}
		in, err := s.Inbox(ctx, other, false, models.Page{Page: 2, PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		if in.Total != models.MaxInbox || len(in.Items) != 100 || in.Items[0].ID != fmt.Sprint("n", models.MaxInbox+4-100) {
			t.Fatalf("page 2: total %d, %d items, first %s", in.Total, len(in.Items), in.Items[0].ID)
		}
		last, _ := s.Inbox(ctx, other, false, models.Page{Page: 6, PerPage: 100})
		if len(last.Items) != 0 {
			t.Fatalf("past the end: %d items", len(last.Items))
		}
	})

	t.Run("concurrent tellings of one event make one notification", func(t *testing.T) {
		const fresh = "u4"
		var wg sync.WaitGroup
		var mu sync.Mutex
		added := 0
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Half the goroutines tell the same event, the others
				// events of their own: the inbox is created by one of them.
				id := "same"
				if i%2 == 1 {
					id = fmt.Sprint("own", i)
				}
				ok, err := s.Notify(ctx, &models.Notification{ID: id, UserID: fresh, Kind: models.NoteApplied, CreatedAt: t0})
				if err != nil {
					t.Error(err)
				}
				if ok && id == "same" {
					mu.Lock()
					added++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		in, err := s.Inbox(ctx, fresh, false, page)
		if err != nil {
			t.Fatal(err)
		}
		same := 0
		for _, n := range in.Items {
			if n.ID == "same" {
				same++
			}
		}
		if added != 1 || same != 1 || in.Total != 9 {
			t.Fatalf("the same event added %d times, held %d times; %d notifications", added, same, in.Total)
		}
	})
}

// BenchmarkNotify: telling one event to a user whose inbox is full (500
// kept) against one whose inbox is new, and reading the bell's count of a
// full inbox: the cost of keeping the inbox in one document.
func BenchmarkNotify(b *testing.B) {
	s := storetest.MustOpen(b)
	ctx := context.Background()
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	params := map[string]string{"project": "角色原画设计", "org": "深圳山海数字创意有限公司"}
	for i := range models.MaxInbox {
		if _, err := s.Notify(ctx, &models.Notification{ID: fmt.Sprint("app:0123456789abcdef01234567:", i, ":u-full"), UserID: "u-full",
			Kind: models.NoteApplied, Params: params, Link: "/org/projects/0123456789abcdef01234567/pipeline", CreatedAt: t0}); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct{ name, user string }{{"full-inbox", "u-full"}, {"new-inboxes", ""}} {
		b.Run(c.name, func(b *testing.B) {
			for i := range b.N {
				user := c.user
				if user == "" {
					user = fmt.Sprint("u-new-", i)
				}
				if _, err := s.Notify(ctx, &models.Notification{ID: fmt.Sprint("bench:", i), UserID: user, Kind: models.NoteApplied,
					Params: params, Link: "/org", CreatedAt: t0.Add(time.Duration(i) * time.Millisecond)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, c := range []struct {
		name    string
		perPage int
	}{{"unread-count-of-full-inbox", 0}, {"page-of-20-of-full-inbox", 20}} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				if _, err := s.Inbox(ctx, "u-full", false, models.Page{Page: 1, PerPage: c.perPage}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
