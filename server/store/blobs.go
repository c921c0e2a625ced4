package store

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/gridfs"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

// The GridFS bucket of the served images: collections media.files and
// media.chunks.
const (
	blobBucket       = "media"
	collBlobFiles    = blobBucket + ".files"
	collBlobChunks   = blobBucket + ".chunks"
	blobChunkBytes   = 255 * 1024 // GridFS's default
	blobOrphanAge    = 30 * time.Second
	blobPollInterval = 50 * time.Millisecond
)

// Blobs returns the BlobStore in the database's GridFS bucket "media", the
// one to use when several servers share a MongoDB (the file store of
// server/media keeps blobs on one machine's disk). It makes the bucket's
// indexes if they are missing: the unique {files_id, n} of the chunks,
// which Put's idempotence under a race rests on, and {filename,
// uploadDate}.
//
// A blob's key is its file's _id (and its filename), so a Get is two exact
// lookups on MongoDB: the file by _id, its chunks by the unique index. On
// the embedded FerretDB only the _id lookup reaches SQLite; the chunks'
// lookup reads every chunk document of the bucket, so there the file
// store is the one to serve images from.
func (s *Store) Blobs(ctx context.Context) (models.BlobStore, error) {
	const op = "store.Blobs"
	chunks := s.db.Collection(collBlobChunks)
	_, err := chunks.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys:    bson.D{{Key: "files_id", Value: int32(1)}, {Key: "n", Value: int32(1)}},
		Options: options.Index().SetUnique(true),
	})
	if err != nil {
		return nil, translate(op, err)
	}
	_, err = s.db.Collection(collBlobFiles).Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys: bson.D{{Key: "filename", Value: int32(1)}, {Key: "uploadDate", Value: int32(1)}},
	})
	if err != nil {
		return nil, translate(op, err)
	}
	bucket, err := s.bucket()
	if err != nil {
		return nil, translate(op, err)
	}
	return &gridBlobs{s: s, bucket: bucket, files: s.db.Collection(collBlobFiles), chunks: chunks}, nil
}

func (s *Store) bucket() (*gridfs.Bucket, error) {
	return gridfs.NewBucket(s.db, options.GridFSBucket().SetName(blobBucket).SetChunkSizeBytes(blobChunkBytes))
}

// gridBlobs is a models.BlobStore in GridFS. The driver's Bucket writes
// and deletes; reads go to its two collections by the GridFS layout
// directly, so that they honour the context (the v1 Bucket takes
// deadlines, not contexts, and keeps per-Bucket state that concurrent
// Gets would share).
type gridBlobs struct {
	s             *Store
	bucket        *gridfs.Bucket // for Delete, which keeps no state in it
	files, chunks *mongo.Collection
}

var _ models.BlobStore = (*gridBlobs)(nil)

// exists reports whether the file of key is complete: GridFS writes the
// files document after every chunk.
func (g *gridBlobs) exists(ctx context.Context, key string) (bool, error) {
	err := g.files.FindOne(ctx, bson.D{{Key: "_id", Value: key}}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	return found("store.Blobs.Put", err)
}

// Put uploads data as the file of _id and filename key, unless it is there.
//
// Two Puts of one key (two servers, or a retry after an unknown outcome)
// race on the unique index of the chunks: the first to insert chunk 0
// writes them all, the other's insert fails on a duplicate key and it
// waits for the winner's files document. Chunks without a files document
// for longer than blobOrphanAge (a writer that crashed between the two
// inserts) are an orphan: removed, and the upload done again. As the key
// is the hash of the bytes, every writer's chunks are the same bytes, so
// chunks of one writer under another's files document are still the blob.
func (g *gridBlobs) Put(ctx context.Context, key string, data []byte) error {
	const op = "store.Blobs.Put"
	if err := models.CheckBlobKey(op, key); err != nil {
		return err
	}
	// On the embedded database, one process: Puts of one key take turns.
	defer g.s.locks.lock(collBlobFiles, key)()
	for attempt := 0; ; attempt++ {
		if ok, err := g.exists(ctx, key); err != nil || ok {
			return err
		}
		err := g.upload(ctx, key, data)
		if err == nil {
			return nil
		}
		if !mongo.IsDuplicateKeyError(err) || attempt > 0 {
			return translate(op, err)
		}
		// Another writer's chunks (or files document) are in.
		if err := g.awaitOrOrphan(ctx, key); err != nil {
			return err
		}
	}
}

// upload writes the chunks and the files document through the driver's
// Bucket. A Bucket of its own: its first write checks the indexes and
// marks itself, which concurrent Puts must not share; it takes deadlines,
// so the context's is passed on.
func (g *gridBlobs) upload(ctx context.Context, key string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b, err := g.s.bucket()
	if err != nil {
		return err
	}
	dl, hasDeadline := ctx.Deadline()
	if hasDeadline {
		if err := b.SetWriteDeadline(dl); err != nil {
			return err
		}
	}
	us, err := b.OpenUploadStreamWithID(key, key)
	if err != nil {
		return err
	}
	if hasDeadline {
		if err := us.SetWriteDeadline(dl); err != nil {
			return err
		}
	}
	// Not UploadFromStreamWithID: on an error it aborts, deleting every
	// chunk of the file's _id, which after a lost race are the winner's.
	if _, err := us.Write(data); err != nil {
		return err
	}
	return us.Close()
}

// awaitOrOrphan waits until the file of key is complete, or its chunks are
// found to be an orphan and are removed (nil: try again), or ctx ends.
func (g *gridBlobs) awaitOrOrphan(ctx context.Context, key string) error {
	const op = "store.Blobs.Put"
	for {
		if ok, err := g.exists(ctx, key); err != nil || ok {
			return err
		}
		var first struct {
			ID primitive.ObjectID `bson:"_id"`
		}
		err := g.chunks.FindOne(ctx, bson.D{{Key: "files_id", Value: key}, {Key: "n", Value: 0}},
			options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Decode(&first)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			return nil // the other writer gave up: upload again
		case err != nil:
			return translate(op, err)
		case g.s.now().Sub(first.ID.Timestamp()) > blobOrphanAge:
			if _, err := g.chunks.DeleteMany(ctx, bson.D{{Key: "files_id", Value: key}}); err != nil {
				return translate(op, err)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return translate(op, ctx.Err())
		case <-time.After(blobPollInterval):
		}
	}
}

// Get reads the file of key: its files document for the length and chunk
// size, then its chunks in order, checked against them.
func (g *gridBlobs) Get(ctx context.Context, key string) ([]byte, error) {
	const op = "store.Blobs.Get"
	if err := models.CheckBlobKey(op, key); err != nil {
		return nil, err
	}
	var file struct {
		Length    int64 `bson:"length"`
		ChunkSize int32 `bson:"chunkSize"`
	}
	err := g.files.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&file)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, &models.Error{Code: models.CodeNotFound, Message: "no such image", Op: op}
	}
	if err != nil {
		return nil, translate(op, err)
	}
	if file.Length == 0 {
		return []byte{}, nil
	}
	if file.ChunkSize <= 0 || file.Length > 1<<30 {
		return nil, models.Internal(op, errors.New("blob "+key+": bad files document"))
	}
	cur, err := g.chunks.Find(ctx, bson.D{{Key: "files_id", Value: key}}, options.Find().SetSort(bson.D{{Key: "n", Value: 1}}))
	if err != nil {
		return nil, translate(op, err)
	}
	defer cur.Close(ctx)
	data := make([]byte, 0, file.Length)
	n := int32(0)
	for cur.Next(ctx) {
		var c struct {
			N    int32  `bson:"n"`
			Data []byte `bson:"data"`
		}
		if err := cur.Decode(&c); err != nil {
			return nil, translate(op, err)
		}
		want := min(int64(file.ChunkSize), file.Length-int64(len(data)))
		if c.N != n || int64(len(c.Data)) != want {
			return nil, models.Internal(op, errors.New("blob "+key+": chunks out of order or of the wrong size"))
		}
		data = append(data, c.Data...)
		n++
	}
	if err := cur.Err(); err != nil {
		return nil, translate(op, err)
	}
	switch {
	case n == 0: // deleted between the two reads
		return nil, &models.Error{Code: models.CodeNotFound, Message: "no such image", Op: op}
	case int64(len(data)) != file.Length:
		return nil, models.Internal(op, errors.New("blob "+key+": chunks missing"))
	}
	return data, nil
}

// Delete removes the file of key and its chunks (orphan chunks too).
func (g *gridBlobs) Delete(ctx context.Context, key string) error {
	const op = "store.Blobs.Delete"
	if err := models.CheckBlobKey(op, key); err != nil {
		return err
	}
	err := g.bucket.DeleteContext(ctx, key)
	if errors.Is(err, gridfs.ErrFileNotFound) {
		return nil
	}
	return translate(op, err)
}

// Keys calls fn with the _id and uploadDate of every files document
// (complete blobs).
func (g *gridBlobs) Keys(ctx context.Context, fn func(key string, stored time.Time) error) error {
	const op = "store.Blobs.Keys"
	cur, err := g.files.Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "uploadDate", Value: 1}}))
	if err != nil {
		return translate(op, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		key, ok := cur.Current.Lookup("_id").StringValueOK()
		if !ok || !models.ValidBlobKey(key) {
			continue // not one of ours
		}
		at, ok := cur.Current.Lookup("uploadDate").DateTimeOK()
		if !ok {
			continue // not written by a Bucket: not one of ours either
		}
		if err := fn(key, time.UnixMilli(at)); err != nil {
			return err
		}
	}
	return translate(op, cur.Err())
}
