package service

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// revealLog records who saw a profile's contact details, and on which day
// (Shenzhen time): one contact.reveal entry per viewer, profile and day,
// written before the first view of the day shows the contact. It was one
// entry per page view, so that every view of a profile by the bureau was a
// write and, under load, reads queued behind the database's single writer
// (profile views up to 16.6 s in the overload issue's access log).
//
// Later views the same day cost no write: the days already recorded are
// remembered here. The entry's id is made from the viewer, the profile and
// the day, so that a second write of it (another process on MongoDB, a
// retried batch, two first views at once) is a duplicate key, which counts
// as recorded. First views arriving together are written together in one
// batch (a group commit: while one batch is written the next fills), so a
// burst of them costs one round trip, not one each; a batch of several
// reaches the audit trail's list through the change feed, within a second
// (store.AppendAudit).
type revealLog struct {
	store interface {
		AppendAudit(ctx context.Context, entries []*models.AuditEntry) []error
	}
	logger *slog.Logger

	mu       sync.Mutex
	day      string
	seen     map[[16]byte]struct{}
	max      int
	pending  *revealBatch
	flushing bool
}

// maxRevealsRemembered bounds the memory of one day's reveals (about 40
// bytes each). Past it the memory starts again: later views then write
// once more, as duplicates of entries that exist, which changes nothing.
const maxRevealsRemembered = 200_000

// revealWriteTimeout bounds one batch's write, which serves many requests.
const revealWriteTimeout = 5 * time.Second

type revealBatch struct {
	entries []*models.AuditEntry
	errs    []error
	done    chan struct{}
}

func newRevealLog(store Stores, logger *slog.Logger) *revealLog {
	return &revealLog{store: store, logger: logger, max: maxRevealsRemembered}
}

// record returns nil once the reveal of the profile to the viewer is in
// the audit trail for the day of e.At: at once when it was recorded
// already, after writing it otherwise. created tells a profile from one
// erased and created again under the same id (a profile's id is its
// owner's) the same day: the erasure deleted the first one's entries.
func (l *revealLog) record(ctx context.Context, e *models.AuditEntry, created time.Time) error {
	day := e.At.In(models.ChinaTime).Format(time.DateOnly)
	key := revealKey(e.ActorID, e.ResourceID, created, day)
	l.mu.Lock()
	if day != l.day || len(l.seen) >= l.max {
		// A new day (or a full memory): what was recorded before says
		// nothing about today.
		l.day, l.seen = day, map[[16]byte]struct{}{}
	}
	if _, ok := l.seen[key]; ok {
		l.mu.Unlock()
		return nil
	}
	e.ID = revealID(e.ActorID, e.ResourceID, day)
	b := l.pending
	if b == nil {
		b = &revealBatch{done: make(chan struct{})}
		l.pending = b
	}
	i := len(b.entries)
	b.entries = append(b.entries, e)
	if !l.flushing {
		l.flushing = true
		go l.flush()
	}
	l.mu.Unlock()

	select {
	case <-b.done:
	case <-ctx.Done():
		// The entry may still be written: the trail then names a view
		// that did not show the contact, which errs on the safe side.
		return &models.Error{Code: models.CodeUnavailable, Message: "the view of the contact details could not be recorded in time; try again", Err: ctx.Err()}
	}
	if err := b.errs[i]; err != nil {
		return err
	}
	l.mu.Lock()
	if l.day == day {
		l.seen[key] = struct{}{}
	}
	l.mu.Unlock()
	return nil
}

// flush writes the pending batches one after another until none is left.
func (l *revealLog) flush() {
	for {
		l.mu.Lock()
		b := l.pending
		l.pending = nil
		if b == nil {
			l.flushing = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), revealWriteTimeout)
		b.errs = l.store.AppendAudit(ctx, b.entries)
		cancel()
		for i, err := range b.errs {
			if err != nil {
				l.logger.Error("contact reveal not recorded; the contact is not shown", "talent_id", b.entries[i].ResourceID, "error", err)
			}
		}
		close(b.done)
	}
}

// revealKey names a viewer's reveals of one profile on one day, in memory.
func revealKey(viewer, talent string, created time.Time, day string) [16]byte {
	h := sha256.New()
	for _, s := range []string{viewer, talent, created.UTC().Format(time.RFC3339Nano), day} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	var k [16]byte
	copy(k[:], h.Sum(nil))
	return k
}

// revealID is the id of the day's entry: an ObjectID (the audit trail's
// ids are) whose time is the start of the day in Shenzhen and whose other
// eight bytes come from the viewer, the profile and the day, so that every
// process makes the same one.
func revealID(viewer, talent, day string) string {
	start, _ := time.ParseInLocation(time.DateOnly, day, models.ChinaTime)
	sum := sha256.Sum256([]byte("contact.reveal\x00" + viewer + "\x00" + talent + "\x00" + day))
	var id [12]byte
	binary.BigEndian.PutUint32(id[:4], uint32(start.Unix()))
	copy(id[4:], sum[:8])
	return hex.EncodeToString(id[:])
}
