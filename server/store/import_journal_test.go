package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store/storetest"
)

// TestImportJournal: a file larger than a document may hold is journaled
// in chunks and read back whole, byte for byte; a journal missing a chunk
// (cut off while it was written) is returned without its file, as
// incomplete; ending a journal removes its header and every chunk.
func TestImportJournal(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	big := bytes.Repeat([]byte("人才,护照,E00000001,光子工作室,2025/1/1\n"), 250_000) // ~11 MiB: three chunks
	at := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	for _, j := range []*models.ImportJournal{
		{ID: "65f0c0ffee00000000000001", Kind: models.ImportRecruitments, File: "big.csv", Data: big, By: "u1", OnBehalf: "南山区",
			Lang: models.LangZH, LockOwner: "owner1", At: at},
		{ID: "65f0c0ffee00000000000002", Kind: models.ImportOrgs, File: "small.csv", Data: []byte("名称\n光子\n"), By: "u2", At: at.Add(time.Hour)},
	} {
		if err := s.BeginImport(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	js, err := s.UnfinishedImports(ctx)
	if err != nil || len(js) != 2 {
		t.Fatalf("journals: %d %v", len(js), err)
	}
	j := js[0]
	if j.ID != "65f0c0ffee00000000000001" || !j.Complete || !bytes.Equal(j.Data, big) || j.OnBehalf != "南山区" || j.LockOwner != "owner1" ||
		j.Lang != models.LangZH || !j.At.Equal(at) || j.By != "u1" || j.File != "big.csv" {
		t.Fatalf("the big journal read back: %+v (%d bytes of %d)", *withoutData(j), len(j.Data), len(big))
	}

	// A chunk lost: the journal is incomplete and carries no file.
	chunks := storetest.Raw(t, s.Database()).Collection("import_journal_chunks")
	if res, err := chunks.DeleteOne(ctx,
		bson.D{{Key: "_id", Value: "65f0c0ffee00000000000001/1"}}); err != nil || res.DeletedCount != 1 {
		t.Fatalf("delete a chunk: %v %v", res, err)
	}
	js, err = s.UnfinishedImports(ctx)
	if err != nil || len(js) != 2 || js[0].Complete || js[0].Data != nil || !js[1].Complete {
		t.Fatalf("with a chunk lost: %v, %+v", err, js)
	}

	for _, id := range []string{"65f0c0ffee00000000000001", "65f0c0ffee00000000000002"} {
		if err := s.EndImport(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if js, err := s.UnfinishedImports(ctx); err != nil || len(js) != 0 {
		t.Fatalf("after the ends: %d %v", len(js), err)
	}
	if n, err := chunks.CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Errorf("%d chunks left, %v", n, err)
	}
}

func withoutData(j *models.ImportJournal) *models.ImportJournal {
	c := *j
	c.Data = nil
	return &c
}
