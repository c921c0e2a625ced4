package media_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/media"
	"github.com/szdc/talenthub/server/media/blobtest"
)

// fileStore opens a file store in a new directory "media" under root (a
// temporary one when root is "") and returns it with its directory.
func fileStore(t *testing.T, root string) (models.BlobStore, string) {
	t.Helper()
	if root == "" {
		root = t.TempDir()
	}
	dir := filepath.Join(root, "media")
	s, err := media.NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

func TestFileStoreBlobContract(t *testing.T) {
	s, _ := fileStore(t, "")
	blobtest.Run(t, s)
}

// TestFileStoreBlobLayout: a blob is dir/ab/cdef…; Keys skips temporary
// files and strays; nothing is written outside dir whatever the key.
func TestFileStoreBlobLayout(t *testing.T) {
	root := t.TempDir()
	s, dir := fileStore(t, root)
	ctx := context.Background()
	key, data := blobtest.Blob(1, 100)
	if err := s.Put(ctx, key, data); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, key[:2], key[2:])); err != nil || len(b) != 100 {
		t.Fatalf("blob file: %d bytes, %v", len(b), err)
	}
	// A crash's leftovers and strays are not keys.
	os.WriteFile(filepath.Join(dir, key[:2], ".tmp-123"), []byte("x"), 0o600)
	os.WriteFile(filepath.Join(dir, "README"), []byte("x"), 0o600)
	os.Mkdir(filepath.Join(dir, "zz"), 0o750)
	os.WriteFile(filepath.Join(dir, "zz", key[2:]), []byte("x"), 0o600)
	var keys []string
	if err := s.Keys(ctx, func(k string, _ time.Time) error { keys = append(keys, k); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != key {
		t.Errorf("keys %v", keys)
	}
	if err := s.Put(ctx, "../../escaped"+key[:51], data); !models.IsCode(err, models.CodeBadRequest) {
		t.Errorf("traversal: %v", err)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("written outside the store: %v", entries)
	}
}

// TestFileStoreRemovesOldTemporaries: the temporary file of a Put a crash
// cut off is removed once older than the time given; a younger one (a Put
// in flight) and the blobs stay.
func TestFileStoreRemovesOldTemporaries(t *testing.T) {
	s, dir := fileStore(t, "")
	ctx := context.Background()
	key, data := blobtest.Blob(2, 100)
	if err := s.Put(ctx, key, data); err != nil {
		t.Fatal(err)
	}
	old, young := filepath.Join(dir, key[:2], ".tmp-old"), filepath.Join(dir, key[:2], ".tmp-young")
	for _, f := range []string{old, young} {
		if err := os.WriteFile(f, []byte("part of an image"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(old, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Old and young blobs alike are the sweep's to judge, not this one's.
	if err := os.Chtimes(filepath.Join(dir, key[:2], key[2:]), time.Now().Add(-3*time.Hour), time.Now().Add(-3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	rt := s.(interface {
		RemoveTemporaries(context.Context, time.Time) (int, error)
	})
	if n, err := rt.RemoveTemporaries(ctx, time.Now().Add(-time.Hour)); err != nil || n != 1 {
		t.Fatalf("removed %d (%v), want the old temporary", n, err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the old temporary is still there: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("the young temporary: %v", err)
	}
	if got, err := s.Get(ctx, key); err != nil || len(got) != len(data) {
		t.Errorf("the blob after the sweep: %d bytes, %v", len(got), err)
	}
}
