package models

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Collections whose changes go to the change feed: the search index and the
// in-memory figures follow them.
const (
	CollTalents      = "talents"
	CollOrgs         = "orgs"
	CollBases        = "bases"
	CollProjects     = "projects"
	CollApplications = "applications"
	CollRecruitments = "recruitments"
	CollAudit        = "audit"
)

// FeedCollections lists the collections of the change feed.
var FeedCollections = []string{CollTalents, CollOrgs, CollBases, CollProjects, CollApplications, CollRecruitments, CollAudit,
	CollTeams, CollCalls, CollEntries, CollMilestones}

// Change is one entry of the change feed: document ID of collection Coll
// now has Version, or was deleted. Doc carries the document (a *Talent,
// *Org …) when the change is handed to observers in the process that made
// it; it is not stored in the feed.
type Change struct {
	Seq     string    `json:"seq"`
	Coll    string    `json:"coll"`
	ID      string    `json:"id"`
	Version int64     `json:"version"`
	Deleted bool      `json:"deleted"`
	At      time.Time `json:"at"`
	Doc     any       `json:"-"`
	// Unrecorded, told to observers only: the document was written but its
	// feed entry was not (a full disk between the two writes), so no
	// catch-up will bring this change; an observer that failed to apply it
	// must resynchronise instead of waiting for the hourly one.
	Unrecorded bool `json:"-"`
}

// DocVersion is a document's ID and version, for reconciliation.
type DocVersion struct {
	ID      string
	Version int64
}

// FeedSource is what a follower of the change feed (the search index, the
// figures, the notifications) reads from the database. The feed's positions
// (cursors) are strings that sort in the feed's order and begin with the
// Unix second of their entry in eight hex digits (SeqTime); beyond that they
// mean what the source says: an entry of the changes collection on the
// embedded database (SeqFeed), a change stream's resume token on a MongoDB
// replica set.
type FeedSource interface {
	// FeedFrom returns where a catch-up that resumes at cursor ("" for the
	// feed's beginning) starts reading, and lost = true when entries after
	// cursor may be gone (the feed was pruned past it): the follower then
	// resynchronises.
	FeedFrom(ctx context.Context, cursor string) (from string, lost bool, err error)
	// ReadFeed returns up to limit entries after from, oldest first, and
	// the position after them; when it read to the end of the feed, that
	// position also passes over the idle time since the last entry. An
	// error wrapping ErrFeedLost says entries after from are gone.
	ReadFeed(ctx context.Context, from string, limit int) (FeedRead, error)
	// FeedPosition returns the feed's position now: a follower that takes
	// it before it reads every document (a rebuild, a load, a
	// resynchronisation) and follows from it misses nothing.
	FeedPosition(ctx context.Context) (string, error)
	// Doc returns the current document of coll with id (a *Talent, *Org …),
	// or CodeNotFound when it was deleted.
	Doc(ctx context.Context, coll, id string) (any, error)
	// Docs calls fn with every document of coll, for rebuilds.
	Docs(ctx context.Context, coll string, fn func(doc any) error) error
	// Versions calls fn with the ID and version of every document of coll,
	// for reconciliation.
	Versions(ctx context.Context, coll string, fn func(DocVersion) error) error
}

// FeedRead is one read of the feed.
type FeedRead struct {
	Changes []Change
	// Next is the position after Changes (never before the read's from).
	Next string
}

// ErrFeedLost says that entries of the feed after a position are gone (a
// change stream's history rolled off the oplog): whoever follows it must
// resynchronise.
var ErrFeedLost = errors.New("the change feed no longer holds the entries after this position")

// SeqLog is a change feed kept as a collection of entries whose sequences
// are ObjectIDs (the embedded database's changes collection): stamped with
// the writer's clock, so one may land a little after a later-stamped one.
type SeqLog interface {
	// ChangesAfter returns up to limit changes recorded after seq ("" for
	// the oldest), oldest first.
	ChangesAfter(ctx context.Context, seq string, limit int) ([]Change, error)
	// PrunedBefore returns the time before which the feed has been pruned
	// (zero if never). A follower whose cursor is older may have missed
	// entries and must reconcile; one whose cursor is newer has missed
	// nothing, however old its cursor (an idle feed, a stopped process).
	PrunedBefore(ctx context.Context) (time.Time, error)
}

// SeqFeed is the reading half of a FeedSource over a SeqLog. Since an entry
// may land after a later-stamped one, a catch-up re-reads an overlap window
// before its cursor (the follower skips what it applied already), and a
// read that reaches the end moves the position over the idle feed only to
// the overlap before the read began: every entry stamped earlier had landed.
type SeqFeed struct {
	Log SeqLog
	// Overlap is how far before its cursor a catch-up re-reads (10 s).
	Overlap time.Duration
	// Now is the clock of the writers (time.Now).
	Now func() time.Time
}

func (f SeqFeed) overlap() time.Duration {
	if f.Overlap <= 0 {
		return 10 * time.Second
	}
	return f.Overlap
}

func (f SeqFeed) now() time.Time {
	if f.Now == nil {
		return time.Now()
	}
	return f.Now()
}

// FeedFrom implements FeedSource.
func (f SeqFeed) FeedFrom(ctx context.Context, cursor string) (string, bool, error) {
	if cursor == "" {
		return "", false, nil
	}
	from := SeqTime(cursor).Add(-f.overlap())
	// Entries after the cursor may be gone only if the feed was pruned
	// past it (the position moves on while the feed is idle, so an idle
	// feed or a stopped process whose feed nobody pruned costs nothing).
	pruned, err := f.Log.PrunedBefore(ctx)
	if err != nil {
		return "", false, err
	}
	return SeqAt(from), pruned.After(from), nil
}

// ReadFeed implements FeedSource.
func (f SeqFeed) ReadFeed(ctx context.Context, from string, limit int) (FeedRead, error) {
	readAt := f.now()
	changes, err := f.Log.ChangesAfter(ctx, from, limit)
	if err != nil {
		return FeedRead{}, err
	}
	next := from
	if len(changes) > 0 {
		next = max(next, changes[len(changes)-1].Seq)
	}
	if len(changes) < limit {
		// Every entry stamped before the read began, less the overlap, had
		// landed when it began and was read.
		next = max(next, SeqAt(readAt.Add(-f.overlap())))
	}
	return FeedRead{Changes: changes, Next: next}, nil
}

// FeedPosition implements FeedSource: the overlap re-read from it covers
// the entries stamped before now that land later.
func (f SeqFeed) FeedPosition(context.Context) (string, error) { return SeqAt(f.now()), nil }

// SeqAt returns the smallest feed sequence of the given second: feed
// sequences are ObjectIDs, whose first four bytes are a Unix time. A
// follower re-reads a window before its cursor with it, to catch changes
// that were stamped earlier but landed later.
func SeqAt(t time.Time) string {
	sec := t.Unix()
	if sec < 0 {
		sec = 0
	}
	return fmt.Sprintf("%08x0000000000000000", uint32(sec))
}

// SeqTime returns the time of a feed sequence.
func SeqTime(seq string) time.Time {
	var sec uint32
	if len(seq) < 8 {
		return time.Time{}
	}
	if _, err := fmt.Sscanf(seq[:8], "%08x", &sec); err != nil {
		return time.Time{}
	}
	return time.Unix(int64(sec), 0).UTC()
}
