package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// mailClock is a settable clock for the outbox tests.
type mailClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *mailClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *mailClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestOutboxEnqueueIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	m := &models.OutboxMail{Key: "note:1", UserID: "u1", To: "a@example.com", Lang: models.LangEN, Kind: models.NoteInvited, Title: "T", Body: "B"}
	added, err := s.EnqueueMail(ctx, m)
	if err != nil || !added {
		t.Fatalf("first enqueue: added %v, %v", added, err)
	}
	again := &models.OutboxMail{Key: "note:1", UserID: "u1", To: "other@example.com", Title: "changed"}
	if added, err := s.EnqueueMail(ctx, again); err != nil || added {
		t.Fatalf("second enqueue: added %v, %v; want a no-op", added, err)
	}
	got, err := s.Mail(ctx, store.MailID("note:1"))
	if err != nil {
		t.Fatal(err)
	}
	if got.To != "a@example.com" || got.Title != "T" || got.State != models.MailPending {
		t.Fatalf("the second enqueue changed the mail: %+v", got)
	}
	due, err := s.UnfinishedMails(ctx)
	if err != nil || len(due) != 1 || due[0].ID != m.ID {
		t.Fatalf("unfinished = %v, %v", due, err)
	}
}

// TestOutboxClaimHasOneWinner: many senders claim one due mail at once;
// exactly one gets it, and nobody gets it again before its lease ends.
func TestOutboxClaimHasOneWinner(t *testing.T) {
	ctx := context.Background()
	clock := &mailClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s := storetest.MustOpen(t, func(o *store.Options) { o.Now = clock.now })
	m := &models.OutboxMail{Key: "k", To: "a@example.com", Kind: models.NoteMoved}
	if _, err := s.EnqueueMail(ctx, m); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	winners := []string{}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprint("sender", i)
			_, ok, err := s.ClaimMail(ctx, m.ID, owner, time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				winners = append(winners, owner)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d senders claimed the mail: %v", len(winners), winners)
	}
	if _, ok, _ := s.ClaimMail(ctx, m.ID, "late", time.Minute); ok {
		t.Fatal("claimed again while leased")
	}
	// The winner stops without a word: its lease ends, another takes it.
	clock.add(time.Minute + time.Second)
	got, ok, err := s.ClaimMail(ctx, m.ID, "rescuer", time.Minute)
	if err != nil || !ok {
		t.Fatalf("after the lease: claimed %v, %v", ok, err)
	}
	if got.Attempts != 2 {
		t.Fatalf("attempts = %d, want 2 (each claim counts)", got.Attempts)
	}
	// The first sender comes back and fails: it no longer holds the mail.
	if err := s.MailFailed(ctx, m.ID, winners[0], "late", clock.now(), false); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Mail(ctx, m.ID); got.State != models.MailSending || got.LeaseOwner != "rescuer" {
		t.Fatalf("a stale sender changed the mail: %+v", got)
	}
	if err := s.MailSent(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.ClaimMail(ctx, m.ID, "again", time.Minute); ok {
		t.Fatal("a sent mail was claimed")
	}
	if due, _ := s.UnfinishedMails(ctx); len(due) != 0 {
		t.Fatalf("a sent mail is unfinished: %v", due)
	}
}

func TestOutboxFailureBackOffAndGiveUp(t *testing.T) {
	ctx := context.Background()
	clock := &mailClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s := storetest.MustOpen(t, func(o *store.Options) { o.Now = clock.now })
	m := &models.OutboxMail{Key: "k2", To: "bob@example.com", Kind: models.NoteApplied}
	if _, err := s.EnqueueMail(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.ClaimMail(ctx, m.ID, "w", time.Minute); !ok {
		t.Fatal("not claimed")
	}
	next := clock.now().Add(30 * time.Second)
	if err := s.MailFailed(ctx, m.ID, "w", "connection refused", next, false); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Mail(ctx, m.ID)
	if got.State != models.MailPending || !got.NextAt.Equal(next) || got.LastError != "connection refused" || got.Attempts != 1 {
		t.Fatalf("after a failure: %+v", got)
	}
	if _, ok, _ := s.ClaimMail(ctx, m.ID, "w", time.Minute); ok {
		t.Fatal("claimed before its next attempt")
	}
	clock.add(30 * time.Second)
	if _, ok, _ := s.ClaimMail(ctx, m.ID, "w", time.Minute); !ok {
		t.Fatal("not claimed when due")
	}
	if err := s.MailFailed(ctx, m.ID, "w", "550 no such user", clock.now(), true); err != nil {
		t.Fatal(err)
	}
	counts, failures, err := s.MailCounts(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if counts[models.MailFailed] != 1 || len(failures) != 1 || failures[0].LastError != "550 no such user" || failures[0].Attempts != 2 {
		t.Fatalf("counts %v, failures %+v", counts, failures)
	}
	if due, _ := s.UnfinishedMails(ctx); len(due) != 0 {
		t.Fatalf("a failed mail is unfinished: %v", due)
	}
}

func TestMailPrefsAndDigests(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpen(t)
	p, err := s.MailPrefs(ctx, "u1")
	if err != nil || len(p.Kinds) != 0 || !p.Pref(models.NoteInvited).Email {
		t.Fatalf("default prefs %+v, %v", p, err)
	}
	if _, err := s.UpdateMailPrefs(ctx, "u1", func(p *models.MailPrefs) error {
		p.Set(models.MailPref{Kind: models.NoteInvited, Email: false, Frequency: models.MailInstant})
		p.Set(models.MailPref{Kind: models.NoteMoved, Email: true, Frequency: models.MailDaily})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p, _ = s.MailPrefs(ctx, "u1")
	if p.Pref(models.NoteInvited).Email || p.Pref(models.NoteMoved).Frequency != models.MailDaily || !p.Pref(models.NoteApplied).Email {
		t.Fatalf("prefs after update %+v", p)
	}

	req := &models.MailRequest{Key: "n1", UserID: "u1", To: "a@example.com", Lang: models.LangZH, Kind: models.NoteMoved, Title: "标题"}
	for range 2 {
		if err := s.HoldForDigest(ctx, "2026-03-01", req); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.HoldForDigest(ctx, "2026-03-01", &models.MailRequest{Key: "n2", UserID: "u1", To: "a@example.com", Lang: models.LangZH, Kind: models.NoteMoved}); err != nil {
		t.Fatal(err)
	}
	ids, err := s.DigestIDs(ctx)
	if err != nil || len(ids) != 1 {
		t.Fatalf("digests %v, %v", ids, err)
	}
	d, err := s.Digest(ctx, ids[0])
	if err != nil || len(d.Items) != 2 || d.Date != "2026-03-01" {
		t.Fatalf("digest %+v, %v (the same key twice is one item)", d, err)
	}
	if err := s.DeleteDigest(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Digest(ctx, d.ID); !models.IsCode(err, models.CodeNotFound) {
		t.Fatalf("deleted digest: %v", err)
	}
}
