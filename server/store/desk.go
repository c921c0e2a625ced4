package store

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/szdc/talenthub/models"
)

var _ models.DeskStore = (*Store)(nil)

const (
	collNotes      = "candidate_notes" // _id: <org>:<talent>
	collFavourites = "favourites"      // _id: the organisation's id
)

type notesDoc struct {
	ID       string     `bson:"_id"`
	OrgID    string     `bson:"org_id"`
	TalentID string     `bson:"talent_id"`
	Items    []noteItem `bson:"items"`
	Meta     `bson:",inline"`
}

type noteItem struct {
	AuthorID   string    `bson:"author_id"`
	AuthorName string    `bson:"author_name"`
	Body       string    `bson:"body"`
	At         time.Time `bson:"at"`
}

type favouritesDoc struct {
	ID        string   `bson:"_id"`
	TalentIDs []string `bson:"talent_ids"`
	Meta      `bson:",inline"`
}

// CandidateNotes implements models.DeskStore.
func (s *Store) CandidateNotes(ctx context.Context, orgID, talentID string) ([]models.CandidateNote, error) {
	var d notesDoc
	out := []models.CandidateNote{}
	if ok, err := found("store.CandidateNotes", s.db.Collection(collNotes).FindOne(ctx, idFilter(orgID+":"+talentID)).Decode(&d)); !ok || err != nil {
		return out, err
	}
	for _, n := range d.Items {
		out = append(out, models.CandidateNote{AuthorID: n.AuthorID, AuthorName: n.AuthorName, Body: n.Body, At: n.At})
	}
	return out, nil
}

// upsertList changes the document id of coll made by make when missing.
func upsertList[T any, P interface {
	*T
	versioned
}](ctx context.Context, s *Store, op string, coll string, id any, made func() P, fn func(P) error) error {
	c := s.db.Collection(coll)
	for range casRetries {
		_, err := update(ctx, s, op, c, id, 0, fn)
		switch {
		case err == nil || errors.Is(err, errUnchanged):
			return nil
		case !models.IsCode(err, models.CodeNotFound):
			return err
		}
		d := made()
		if err := fn(d); err != nil {
			if errors.Is(err, errUnchanged) {
				return nil
			}
			return err
		}
		now := s.nowUTC()
		*d.meta() = Meta{Version: 1, CreatedAt: now, UpdatedAt: now}
		_, err = c.InsertOne(ctx, d)
		if err = translate(op, err); !models.IsCode(err, models.CodeConflict) {
			return err
		}
	}
	return models.Errorf(models.CodeConflict, "the record is being changed by others; try again")
}

// AddCandidateNote implements models.DeskStore.
func (s *Store) AddCandidateNote(ctx context.Context, orgID, talentID string, n models.CandidateNote) error {
	item := noteItem{AuthorID: n.AuthorID, AuthorName: n.AuthorName, Body: n.Body, At: n.At.UTC().Truncate(time.Millisecond)}
	return upsertList(ctx, s, "store.AddCandidateNote", collNotes, orgID+":"+talentID,
		func() *notesDoc { return &notesDoc{ID: orgID + ":" + talentID, OrgID: orgID, TalentID: talentID} },
		func(d *notesDoc) error {
			if len(d.Items) >= models.MaxCandidateNotes {
				return models.Errorf(models.CodeConflict, "a candidate has at most %d notes", models.MaxCandidateNotes)
			}
			d.Items = append(d.Items, item)
			return nil
		})
}

// FavouriteIDs implements models.DeskStore: the newest first.
func (s *Store) FavouriteIDs(ctx context.Context, orgID string) ([]string, error) {
	var d favouritesDoc
	if ok, err := found("store.FavouriteIDs", s.db.Collection(collFavourites).FindOne(ctx, idFilter(orgID)).Decode(&d)); !ok || err != nil {
		return []string{}, err
	}
	return d.TalentIDs, nil
}

// SetFavourite implements models.DeskStore.
func (s *Store) SetFavourite(ctx context.Context, orgID, talentID string, on bool) error {
	return upsertList(ctx, s, "store.SetFavourite", collFavourites, orgID,
		func() *favouritesDoc { return &favouritesDoc{ID: orgID} },
		func(d *favouritesDoc) error {
			has := slices.Contains(d.TalentIDs, talentID)
			switch {
			case on && has, !on && !has:
				return errUnchanged
			case on && len(d.TalentIDs) >= models.MaxFavourites:
				return models.Errorf(models.CodeConflict, "an organisation keeps at most %d favourites", models.MaxFavourites)
			case on:
				d.TalentIDs = append([]string{talentID}, d.TalentIDs...)
			default:
				d.TalentIDs = slices.DeleteFunc(d.TalentIDs, func(id string) bool { return id == talentID })
			}
			return nil
		})
}

// DeleteTalentDesk implements models.DeskStore. It filters on the talent
// (a scan on the embedded database): erasures are rare.
func (s *Store) DeleteTalentDesk(ctx context.Context, talentID string) error {
	const op = "store.DeleteTalentDesk"
	if _, err := s.db.Collection(collNotes).DeleteMany(ctx, bson.D{{Key: "talent_id", Value: talentID}}); err != nil {
		return translate(op, err)
	}
	cur, err := s.db.Collection(collFavourites).Find(ctx, bson.D{{Key: "talent_ids", Value: talentID}})
	if err != nil {
		return translate(op, err)
	}
	var docs []favouritesDoc
	if err := cur.All(ctx, &docs); err != nil {
		return translate(op, err)
	}
	for _, d := range docs {
		if err := s.SetFavourite(ctx, d.ID, talentID, false); err != nil {
			return err
		}
	}
	return nil
}
