package store

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/models"
)

// ErasedName stands in an organisation member's notifications for the
// name of a creator whose data was erased.
const ErasedName = "—"

// ForgetEvents removes what the events whose keys begin with one of
// prefixes left about an erased creator in other people's notifications
// and mail (an application's messages, told to an organisation's members):
// the notifications stay, with ErasedName for the name; mail about them,
// sent or not, and their lines in held digests are deleted. It filters on
// the keys (a scan on the embedded database): erasures are rare.
func (s *Store) ForgetEvents(ctx context.Context, prefixes []string) error {
	const op = "store.ForgetEvents"
	if len(prefixes) == 0 {
		return nil
	}
	quoted := make([]string, len(prefixes))
	for i, p := range prefixes {
		quoted[i] = regexp.QuoteMeta(p)
	}
	byKey := bson.D{{Key: "key", Value: primitive.Regex{Pattern: "^(" + strings.Join(quoted, "|") + ")"}}}
	items := s.db.Collection(collInboxItems)
	cur, err := items.Find(ctx, byKey)
	if err != nil {
		return translate(op, err)
	}
	var notes []noteDoc
	if err := cur.All(ctx, &notes); err != nil {
		return translate(op, err)
	}
	for _, d := range notes {
		if d.Params["name"] == "" || d.Params["name"] == ErasedName {
			continue
		}
		if _, err := items.UpdateOne(ctx, idFilter(d.ID), bson.D{{Key: "$set", Value: bson.D{{Key: "params.name", Value: ErasedName}}}}); err != nil {
			return translate(op, err)
		}
	}
	if _, err := s.db.Collection(collMails).DeleteMany(ctx, byKey); err != nil {
		return translate(op, err)
	}
	held, err := s.DigestIDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range held {
		if err := s.forgetInDigest(ctx, id, prefixes); err != nil {
			return err
		}
	}
	return nil
}

// forgetInDigest drops the lines of a held digest whose keys begin with one
// of prefixes.
func (s *Store) forgetInDigest(ctx context.Context, id string, prefixes []string) error {
	_, err := update(ctx, s, "store.ForgetEvents", s.digests(), id, 0, func(d *digestDoc) error {
		n := len(d.Items)
		d.Items = slices.DeleteFunc(d.Items, func(it digestDocItem) bool {
			return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(it.Key, p) })
		})
		if len(d.Items) == n {
			return errUnchanged
		}
		return nil
	})
	if errors.Is(err, errUnchanged) || models.IsCode(err, models.CodeNotFound) {
		return nil
	}
	return err
}
