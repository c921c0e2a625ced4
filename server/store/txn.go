package store

import (
	"context"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readconcern"
	"go.mongodb.org/mongo-driver/mongo/writeconcern"

	"github.com/szdc/talenthub/models"
)

// txnKey marks a context whose writes belong to a transaction: their
// changes are told to the observers after the commit, not before.
type txnKey struct{}

// txnChanges collects the changes of one attempt of a transaction.
type txnChanges struct{ changes []models.Change }

// Atomically implements models.OrgStore: on a MongoDB replica set, fn's
// writes are one transaction (snapshot reads, majority commit), retried
// whole on a transient error, and the search index and the figures of
// this process hear of its changes only once it committed. The embedded
// database has no transactions: fn runs as it is, and its writes are
// ordered so that a crash between two leaves an unreachable remainder
// (docs/architecture.md). A transaction inside another is part of it.
func (s *Store) Atomically(ctx context.Context, fn func(context.Context) error) error {
	if !s.replSet || ctx.Value(txnKey{}) != nil {
		return fn(ctx)
	}
	sess, err := s.client.StartSession()
	if err != nil {
		return translate("store.Atomically", err)
	}
	defer sess.EndSession(context.WithoutCancel(ctx))
	var pending *txnChanges
	opts := options.Transaction().SetReadConcern(readconcern.Snapshot()).SetWriteConcern(writeconcern.Majority())
	_, err = sess.WithTransaction(ctx, func(sc mongo.SessionContext) (any, error) {
		pending = &txnChanges{} // each attempt tells only its own changes
		return nil, fn(context.WithValue(sc, txnKey{}, pending))
	}, opts)
	if err != nil {
		return err
	}
	for _, c := range pending.changes {
		s.tell(ctx, c)
	}
	return nil
}

// deferred keeps c for the end of the transaction of ctx, if there is one.
func deferred(ctx context.Context, c models.Change) bool {
	p, ok := ctx.Value(txnKey{}).(*txnChanges)
	if ok {
		p.changes = append(p.changes, c)
	}
	return ok
}
