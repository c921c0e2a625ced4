package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/szdc/talenthub/server/media/blobtest"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// TestGridFSBlobContract runs the BlobStore contract on the GridFS bucket
// of the test database (the embedded FerretDB unless MONGODB_TEST_URI).
func TestGridFSBlobContract(t *testing.T) {
	s := storetest.MustOpen(t)
	b, err := s.Blobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Run(t, b)
	unique := false
	for _, ix := range s.BlobIndexes(t) {
		if u, _ := ix["unique"].(bool); u {
			unique = true
		}
	}
	if !unique {
		t.Errorf("no unique index on the chunks: %v", s.BlobIndexes(t))
	}
}

// TestGridFSBlobContractUnserialised: the same without the embedded
// database's per-document locks, as Puts from several servers of one
// MongoDB race: the concurrent Puts of one key meet on the chunks' unique
// index.
func TestGridFSBlobContractUnserialised(t *testing.T) {
	s := storetest.MustOpen(t, func(o *store.Options) { o.SerializeWrites = false })
	b, err := s.Blobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Run(t, b)
}

// TestGridFSBlobOrphan: the chunk a crashed writer left is removed by the
// next Put of its key, which then stores the blob whole; a young chunk
// (a writer still at work) is waited for, not removed, until the context
// ends.
func TestGridFSBlobOrphan(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	b, err := s.Blobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	key, data := blobtest.Blob(7, 300*1024)
	s.OrphanBlobChunk(t, key, data[:255*1024], time.Hour)
	if err := b.Put(ctx, key, data); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(ctx, key); err != nil || !slices.Equal(got, data) {
		t.Fatalf("get after the orphan: %d bytes, %v", len(got), err)
	}

	key2, data2 := blobtest.Blob(8, 1000)
	s.OrphanBlobChunk(t, key2, data2, 0)
	tctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if err := b.Put(tctx, key2, data2); err == nil {
		t.Fatal("a Put replaced a writer's fresh chunks")
	}
}
