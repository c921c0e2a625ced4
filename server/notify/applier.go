package notify

import (
	"context"

	"github.com/szdc/talenthub/models"
)

// applier is the Notifier as the follower sees it (models.FeedApplier).
type applier Notifier

// Follows implements models.FeedApplier: applications (their moves), the
// audit trail (decisions, invitations), and profiles and projects (the
// saved searches' alerts).
func (a *applier) Follows(coll string) bool {
	switch coll {
	case models.CollApplications, models.CollAudit, models.CollTalents, models.CollProjects:
		return true
	}
	return false
}

// HeldVersion implements models.FeedApplier. The notifier keeps no copy of
// the documents: every change is looked at, and what was told already is
// known by the events' names.
func (a *applier) HeldVersion(string, string) (int64, error) { return 0, nil }

// Apply implements models.FeedApplier: it tells the events of the
// documents, then saves the position.
func (a *applier) Apply(ctx context.Context, docs []models.FeedDoc, cursor string) error {
	n := (*Notifier)(a)
	if err := n.load(ctx); err != nil {
		return err
	}
	floor := n.floor()
	for _, d := range docs {
		if d.Doc == nil {
			continue // gone: an erasure or a deletion tells nobody
		}
		evs, err := n.events(ctx, d.Doc, floor)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if err := n.tell(ctx, e); err != nil {
				return err
			}
		}
	}
	return a.Caught(cursor)
}

// Resync implements models.FeedApplier: after a gap in the feed (the
// notifier stopped longer than the feed is kept), the documents changed
// since the saved position are looked at again, and the position moves on
// to where the feed was when they began to be read.
func (a *applier) Resync(ctx context.Context, position string) (int, error) {
	n := (*Notifier)(a)
	if err := n.load(ctx); err != nil {
		return 0, err
	}
	floor := n.floor()
	told := 0
	for _, coll := range []string{models.CollApplications, models.CollAudit, models.CollTalents, models.CollProjects} {
		err := n.src.Docs(ctx, coll, func(doc any) error {
			evs, err := n.events(ctx, doc, floor)
			if err != nil {
				return err
			}
			for _, e := range evs {
				if err := n.tell(ctx, e); err != nil {
					return err
				}
				told++
			}
			return nil
		})
		if err != nil {
			return told, err
		}
	}
	return told, a.Caught(position)
}

// Cursor implements models.FeedApplier.
func (a *applier) Cursor() (string, error) {
	n := (*Notifier)(a)
	if err := n.load(context.Background()); err != nil {
		return "", err
	}
	return n.cursor, nil
}

// Caught implements models.FeedApplier: the position is saved every few
// seconds, so that a restart reads on from about there. Saving it less
// often than it moves costs only a longer replay after a crash, which
// tells nothing twice.
func (a *applier) Caught(cursor string) error {
	n := (*Notifier)(a)
	if cursor <= n.cursor {
		return nil
	}
	n.cursor = cursor
	if now := n.opts.Now(); now.Sub(n.savedAt) >= saveEvery {
		if err := n.st.SetFollowerCursor(context.Background(), Name, cursor); err != nil {
			return err
		}
		n.savedAt = now
	}
	return nil
}

// load reads the saved position once.
func (n *Notifier) load(ctx context.Context) error {
	if n.loaded {
		return nil
	}
	cursor, since, err := n.st.FollowerPosition(ctx, Name)
	if err != nil {
		return err
	}
	n.cursor, n.since, n.loaded = cursor, since, true
	return nil
}
