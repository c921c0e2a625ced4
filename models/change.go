package models

import (
	"context"
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
var FeedCollections = []string{CollTalents, CollOrgs, CollBases, CollProjects, CollApplications, CollRecruitments, CollAudit}

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
}

// DocVersion is a document's ID and version, for reconciliation.
type DocVersion struct {
	ID      string
	Version int64
}

// FeedSource is what a follower of the change feed (the search index, the
// figures) reads from the database.
type FeedSource interface {
	// ChangesAfter returns up to limit changes recorded after seq ("" for
	// the oldest), oldest first.
	ChangesAfter(ctx context.Context, seq string, limit int) ([]Change, error)
	// Doc returns the current document of coll with id (a *Talent, *Org …),
	// or CodeNotFound when it was deleted.
	Doc(ctx context.Context, coll, id string) (any, error)
	// Docs calls fn with every document of coll, for rebuilds.
	Docs(ctx context.Context, coll string, fn func(doc any) error) error
	// Versions calls fn with the ID and version of every document of coll,
	// for reconciliation.
	Versions(ctx context.Context, coll string, fn func(DocVersion) error) error
	// PrunedBefore returns the time before which the feed has been pruned
	// (zero if never). A follower whose cursor is older may have missed
	// entries and must reconcile; one whose cursor is newer has missed
	// nothing, however old its cursor (an idle feed, a stopped process).
	PrunedBefore(ctx context.Context) (time.Time, error)
}

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
