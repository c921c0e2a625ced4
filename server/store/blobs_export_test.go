package store

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// OrphanBlobChunk writes chunk 0 of key without a files document, as a
// writer that crashed between its two inserts leaves it, made age ago.
func (s *Store) OrphanBlobChunk(t testing.TB, key string, data []byte, age time.Duration) {
	t.Helper()
	_, err := s.db.Collection(collBlobChunks).InsertOne(context.Background(), bson.D{
		{Key: "_id", Value: primitive.NewObjectIDFromTimestamp(time.Now().Add(-age))},
		{Key: "files_id", Value: key}, {Key: "n", Value: int32(0)},
		{Key: "data", Value: primitive.Binary{Data: data}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BlobIndexes lists the names and keys of the bucket's chunks indexes.
func (s *Store) BlobIndexes(t testing.TB) []bson.M {
	t.Helper()
	ctx := context.Background()
	cur, err := s.db.Collection(collBlobChunks).Indexes().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []bson.M
	if err := cur.All(ctx, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
