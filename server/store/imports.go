package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

const (
	collImports    = "imports"     // _id: the import's ObjectID; kept reports
	collImportRows = "import_rows" // _id: kind:row key → the record it made
	collIdentities = "identities"  // _id: person key → the profile linked to it
	// An import being written: its header (_id: the import's id) and its
	// file in chunks (_id: import id/n), a document's size being bounded.
	collImportJournal = "import_journal"
	collImportChunks  = "import_journal_chunks"
)

// importChunk is the most of an import's file one document holds (a
// MongoDB document holds 16 MiB at most; a file, 20 MiB).
const importChunk = 4 << 20

var (
	_ models.ImportStore   = (*Store)(nil)
	_ models.IdentityStore = (*Store)(nil)
)

type importRowDoc struct {
	ID       string    `bson:"_id"`
	Kind     string    `bson:"kind"`
	RecordID string    `bson:"record_id"`
	Hash     string    `bson:"hash"`
	At       time.Time `bson:"at"`
}

// ImportRows implements models.ImportStore. The embedded database answers
// only a plain {_id} filter from its index, so a batch of keys is one scan
// of the kind's rows there; on MongoDB the {_id: {$in}} filter is indexed.
func (s *Store) ImportRows(ctx context.Context, kind string, keys []string) (map[string]models.ImportRow, error) {
	const op = "store.ImportRows"
	out := make(map[string]models.ImportRow, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[kind+":"+k] = true
	}
	read := func(filter bson.D) error {
		cur, err := s.db.Collection(collImportRows).Find(ctx, filter, options.Find().SetBatchSize(5000))
		if err != nil {
			return translate(op, err)
		}
		defer cur.Close(ctx)
		for cur.Next(ctx) {
			var d importRowDoc
			if err := cur.Decode(&d); err != nil {
				return translate(op, err)
			}
			if want[d.ID] {
				k := d.ID[len(kind)+1:]
				out[k] = models.ImportRow{Key: k, RecordID: d.RecordID, Hash: d.Hash}
			}
		}
		return translate(op, cur.Err())
	}
	if s.locks != nil {
		return out, read(bson.D{{Key: "kind", Value: kind}})
	}
	ids := make([]string, 0, 1000)
	for i, k := range keys {
		ids = append(ids, kind+":"+k)
		if len(ids) == cap(ids) || i == len(keys)-1 {
			if err := read(bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
				return nil, err
			}
			ids = ids[:0]
		}
	}
	return out, nil
}

// SaveImportRows implements models.ImportStore: new rows inserted a
// thousand at a time (an upsert each is ten times slower on the embedded
// database), the rows that exist (changed, or saved by a run cut short)
// replaced one by one.
func (s *Store) SaveImportRows(ctx context.Context, kind string, rows []models.ImportRow) error {
	const op = "store.SaveImportRows"
	now := s.nowUTC()
	c := s.db.Collection(collImportRows)
	batch := make([]any, 0, 1000)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := c.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		dups, only := duplicates(err)
		if err != nil && !only {
			return translate(op, err)
		}
		for i := range dups {
			d := batch[i].(importRowDoc)
			if _, err := c.ReplaceOne(ctx, idFilter(d.ID), d, options.Replace().SetUpsert(true)); err != nil {
				return translate(op, err)
			}
		}
		batch = batch[:0]
		return nil
	}
	for _, r := range rows {
		batch = append(batch, importRowDoc{ID: kind + ":" + r.Key, Kind: kind, RecordID: r.RecordID, Hash: r.Hash, At: now})
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// DeleteImportRow implements models.ImportStore.
func (s *Store) DeleteImportRow(ctx context.Context, kind, key string) error {
	_, err := s.db.Collection(collImportRows).DeleteOne(ctx, idFilter(kind+":"+key))
	return translate("store.DeleteImportRow", err)
}

// CreateRecruitments implements models.ImportStore: the records in batches
// of a thousand, then their feed entries, then the in-process followers
// are told. An id that exists already is skipped, so that an import
// interrupted between its batches completes when it is run again.
func (s *Store) CreateRecruitments(ctx context.Context, recs []*models.Recruitment) error {
	const op = "store.CreateRecruitments"
	now := s.nowUTC()
	docs := make([]any, 0, 1000)
	made := make([]*models.Recruitment, 0, 1000)
	flush := func() error {
		if len(docs) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return translate(op, err)
		}
		// A batch is not cancelled halfway: the database may commit what
		// the driver reports as cancelled, and the records would then be
		// written with no feed entry and no observer told (the figures
		// missed a batch of a cut-off import; a resume takes them for the
		// interrupted run's own, announced ones). A cancelled import stops
		// at the next batch instead.
		_, err := s.recruitments.InsertMany(context.WithoutCancel(ctx), docs, options.InsertMany().SetOrdered(false))
		docs = docs[:0]
		dups, only := duplicates(err)
		if err != nil && !only {
			made = made[:0]
			return translate(op, err)
		}
		if len(dups) > 0 {
			// Made by the interrupted run: their feed entries exist, and
			// they may have changed since.
			kept := made[:0]
			for i, r := range made {
				if !dups[i] {
					kept = append(kept, r)
				}
			}
			made = kept
		}
		s.changedMany(ctx, models.CollRecruitments, made)
		made = made[:0]
		return nil
	}
	for _, r := range recs {
		oid, err := objectID(r.ID)
		if err != nil {
			return models.Internal(op, err)
		}
		d := &recruitmentDoc{}
		if err := d.setModel(r); err != nil {
			return err
		}
		d.ID, d.Meta = oid, Meta{Version: 1, CreatedAt: now, UpdatedAt: now}
		*r = *d.model()
		docs, made = append(docs, d), append(made, r)
		if len(docs) == cap(docs) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// duplicates returns the indexes of a bulk insert's documents refused as
// duplicate keys, and whether those were its only errors.
func duplicates(err error) (map[int]bool, bool) {
	var bwe mongo.BulkWriteException
	if err == nil || !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return nil, false
	}
	out := make(map[int]bool, len(bwe.WriteErrors))
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return nil, false
		}
		out[we.Index] = true
	}
	return out, true
}

// changedMany records the feed entries of new documents (version 1) in one
// write and tells the in-process followers, as changed does for one.
func (s *Store) changedMany(ctx context.Context, coll string, docs []*models.Recruitment) {
	if len(docs) == 0 {
		return
	}
	now := s.nowUTC()
	entries := make([]any, len(docs))
	changes := make([]models.Change, len(docs))
	for i, r := range docs {
		c := changeDoc{ID: primitive.NewObjectIDFromTimestamp(now), Coll: coll, DocID: r.ID, Version: 1, At: now}
		entries[i] = c
		changes[i] = models.Change{Seq: c.ID.Hex(), Coll: coll, ID: r.ID, Version: 1, At: now, Doc: r}
	}
	unrecorded := false
	if _, err := s.changes.InsertMany(context.WithoutCancel(ctx), entries, options.InsertMany().SetOrdered(false)); err != nil {
		s.log.WarnContext(ctx, "change feed: records lost; followers will reconcile", "coll", coll, "records", len(docs), "error", err)
		unrecorded = !s.streams
	}
	bctx, b := models.WithBatch(ctx)
	for _, c := range changes {
		c.Unrecorded = unrecorded
		s.tell(bctx, c)
	}
	b.Flush()
}

type importDoc struct {
	ID        primitive.ObjectID `bson:"_id"`
	Kind      string             `bson:"kind"`
	File      string             `bson:"file"`
	SHA256    string             `bson:"sha256"`
	Format    string             `bson:"format"`
	Rows      int                `bson:"rows"`
	Created   int                `bson:"created"`
	Updated   int                `bson:"updated"`
	Unchanged int                `bson:"unchanged"`
	By        string             `bson:"by"`
	OrgID     string             `bson:"org_id"`
	OnBehalf  string             `bson:"on_behalf"`
	At        time.Time          `bson:"at"`
}

// RecordImport implements models.ImportStore; r.ID is set when empty.
func (s *Store) RecordImport(ctx context.Context, r *models.ImportReport) error {
	oid := primitive.NewObjectIDFromTimestamp(s.nowUTC())
	if r.ID != "" {
		var err error
		if oid, err = objectID(r.ID); err != nil {
			return models.Internal("store.RecordImport", err)
		}
	}
	d := importDoc{ID: oid, Kind: r.Kind, File: r.File, SHA256: r.SHA256, Format: r.Format, Rows: r.Rows, Created: r.Created,
		Updated: r.Updated, Unchanged: r.Unchanged, By: r.By, OrgID: r.OrgID, OnBehalf: r.OnBehalf, At: r.At.UTC().Truncate(time.Millisecond)}
	if _, err := s.db.Collection(collImports).InsertOne(ctx, d); err != nil {
		return translate("store.RecordImport", err)
	}
	r.ID = oid.Hex()
	return nil
}

// Imports implements models.ImportStore (a scan: imports are few).
func (s *Store) Imports(ctx context.Context, orgID string, page models.Page) ([]*models.ImportReport, int, error) {
	const op = "store.Imports"
	filter := bson.D{}
	if orgID != "" {
		filter = bson.D{{Key: "org_id", Value: orgID}}
	}
	cur, err := s.db.Collection(collImports).Find(ctx, filter)
	if err != nil {
		return nil, 0, translate(op, err)
	}
	var docs []importDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, translate(op, err)
	}
	slices.SortFunc(docs, func(a, b importDoc) int { return b.ID.Timestamp().Compare(a.ID.Timestamp()) })
	total := len(docs)
	from := min((page.Page-1)*page.PerPage, total)
	to := min(from+page.PerPage, total)
	out := make([]*models.ImportReport, 0, to-from)
	for _, d := range docs[from:to] {
		out = append(out, &models.ImportReport{ID: d.ID.Hex(), Kind: d.Kind, File: d.File, SHA256: d.SHA256, Format: d.Format,
			Rows: d.Rows, OK: d.Rows, Created: d.Created, Updated: d.Updated, Unchanged: d.Unchanged, By: d.By, OrgID: d.OrgID,
			OnBehalf: d.OnBehalf, At: d.At, Errors: []models.ImportProblem{}})
	}
	return out, total, nil
}

type identityDoc struct {
	ID       string    `bson:"_id"` // the person key
	TalentID string    `bson:"talent_id"`
	Type     string    `bson:"type"`
	Last4    string    `bson:"last4"`
	At       time.Time `bson:"at"`
}

// LinkIdentity implements models.IdentityStore. The person key is the
// _id, so that two profiles cannot claim one document; a profile's earlier
// link is replaced.
func (s *Store) LinkIdentity(ctx context.Context, id *models.Identity) error {
	const op = "store.LinkIdentity"
	c := s.db.Collection(collIdentities)
	d := identityDoc{ID: id.Person, TalentID: id.TalentID, Type: id.Type, Last4: id.Last4, At: id.At.UTC().Truncate(time.Millisecond)}
	if _, err := c.InsertOne(ctx, d); err != nil {
		err = translate(op, err)
		if !models.IsCode(err, models.CodeConflict) {
			return err
		}
		var had identityDoc
		if err := c.FindOne(ctx, idFilter(id.Person)).Decode(&had); err != nil {
			return translate(op, err)
		}
		if had.TalentID != id.TalentID {
			return &models.Error{Code: models.CodeConflict, Message: "this identity document is linked to another profile", Op: op}
		}
		return nil
	}
	_, err := c.DeleteMany(ctx, bson.D{{Key: "talent_id", Value: id.TalentID}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: id.Person}}}})
	return translate(op, err)
}

// TalentIdentity implements models.IdentityStore (a scan on the embedded
// database: links are few, and read when a hire is reported).
func (s *Store) TalentIdentity(ctx context.Context, talentID string) (*models.Identity, error) {
	var d identityDoc
	if err := s.db.Collection(collIdentities).FindOne(ctx, bson.D{{Key: "talent_id", Value: talentID}}).Decode(&d); err != nil {
		return nil, notFoundAs(translate("store.TalentIdentity", err), "identity document")
	}
	return &models.Identity{TalentID: d.TalentID, Linked: true, Person: d.ID, Type: d.Type, Last4: d.Last4, At: d.At}, nil
}

// UnlinkIdentity implements models.IdentityStore.
func (s *Store) UnlinkIdentity(ctx context.Context, talentID string) error {
	_, err := s.db.Collection(collIdentities).DeleteMany(ctx, bson.D{{Key: "talent_id", Value: talentID}})
	return translate("store.UnlinkIdentity", err)
}

// AllOrgs implements models.ImportStore (a scan: organisations are a few
// thousand).
func (s *Store) AllOrgs(ctx context.Context) ([]*models.Org, error) {
	return findAll[models.Org, orgDoc](ctx, s.orgs, "store.AllOrgs", bson.D{})
}

// AllBases implements models.ImportStore (a scan).
func (s *Store) AllBases(ctx context.Context) ([]*models.Base, error) {
	return findAll[models.Base, baseDoc](ctx, s.bases, "store.AllBases", bson.D{})
}

type importJournalDoc struct {
	ID        string    `bson:"_id"`
	Kind      string    `bson:"kind"`
	File      string    `bson:"file"`
	Chunks    int       `bson:"chunks"`
	By        string    `bson:"by"`
	OnBehalf  string    `bson:"on_behalf"`
	Lang      string    `bson:"lang"`
	LockOwner string    `bson:"lock_owner"`
	At        time.Time `bson:"at"`
}

type importChunkDoc struct {
	ID       string `bson:"_id"`
	ImportID string `bson:"import_id"`
	N        int    `bson:"n"`
	Data     []byte `bson:"data"`
}

// BeginImport implements models.ImportStore: the header first, then the
// file's chunks, so that a header whose chunks are not all there is an
// import cut off before its first write (UnfinishedImports returns it
// without its data).
func (s *Store) BeginImport(ctx context.Context, j *models.ImportJournal) error {
	const op = "store.BeginImport"
	n := (len(j.Data) + importChunk - 1) / importChunk
	d := importJournalDoc{ID: j.ID, Kind: j.Kind, File: j.File, Chunks: n, By: j.By, OnBehalf: j.OnBehalf,
		Lang: j.Lang, LockOwner: j.LockOwner, At: j.At.UTC().Truncate(time.Millisecond)}
	if _, err := s.db.Collection(collImportJournal).InsertOne(ctx, d); err != nil {
		return translate(op, err)
	}
	for i := range n {
		part := j.Data[i*importChunk : min((i+1)*importChunk, len(j.Data))]
		c := importChunkDoc{ID: fmt.Sprintf("%s/%d", j.ID, i), ImportID: j.ID, N: i, Data: part}
		if _, err := s.db.Collection(collImportChunks).InsertOne(ctx, c); err != nil {
			return translate(op, err)
		}
	}
	return nil
}

// EndImport implements models.ImportStore.
func (s *Store) EndImport(ctx context.Context, id string) error {
	const op = "store.EndImport"
	if _, err := s.db.Collection(collImportJournal).DeleteOne(ctx, idFilter(id)); err != nil {
		return translate(op, err)
	}
	_, err := s.db.Collection(collImportChunks).DeleteMany(ctx, bson.D{{Key: "import_id", Value: id}})
	return translate(op, err)
}

// UnfinishedImports implements models.ImportStore (scans: the journal
// holds the imports being written, a handful at most).
func (s *Store) UnfinishedImports(ctx context.Context) ([]*models.ImportJournal, error) {
	const op = "store.UnfinishedImports"
	cur, err := s.db.Collection(collImportJournal).Find(ctx, bson.D{})
	if err != nil {
		return nil, translate(op, err)
	}
	var heads []importJournalDoc
	if err := cur.All(ctx, &heads); err != nil {
		return nil, translate(op, err)
	}
	out := make([]*models.ImportJournal, 0, len(heads))
	for _, h := range heads {
		j := &models.ImportJournal{ID: h.ID, Kind: h.Kind, File: h.File, By: h.By, OnBehalf: h.OnBehalf,
			Lang: h.Lang, LockOwner: h.LockOwner, At: h.At}
		cur, err := s.db.Collection(collImportChunks).Find(ctx, bson.D{{Key: "import_id", Value: h.ID}})
		if err != nil {
			return nil, translate(op, err)
		}
		var chunks []importChunkDoc
		if err := cur.All(ctx, &chunks); err != nil {
			return nil, translate(op, err)
		}
		slices.SortFunc(chunks, func(a, b importChunkDoc) int { return a.N - b.N })
		whole := len(chunks) == h.Chunks
		for i, c := range chunks {
			whole = whole && c.N == i
		}
		if whole {
			for _, c := range chunks {
				j.Data = append(j.Data, c.Data...)
			}
			j.Complete = true
		}
		out = append(out, j)
	}
	slices.SortFunc(out, func(a, b *models.ImportJournal) int { return a.At.Compare(b.At) })
	return out, nil
}
