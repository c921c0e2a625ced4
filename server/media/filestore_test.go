package media_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/media"
	"github.com/szdc/talenthub/server/media/blobtest"
)

func TestFileStoreBlobContract(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "media")
	s, err := media.NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Run(t, s)
}

// TestFileStoreBlobLayout: a blob is dir/ab/cdef…; Keys skips temporary
// files and strays; nothing is written outside dir whatever the key.
func TestFileStoreBlobLayout(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "media")
	s, err := media.NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
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
	if err := s.Keys(ctx, func(k string) error { keys = append(keys, k); return nil }); err != nil {
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
