package media

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/szdc/talenthub/models"
)

// FileStore is a models.BlobStore in a directory (DATA_DIR/media): the blob
// of key "abcdef…" (64 hex digits) is the file ab/cdef… (the first two
// digits name one of 256 subdirectories, the other 62 the file), written
// once, atomically and durably: a temporary file in the same subdirectory,
// synced, renamed to its name, and the subdirectory synced. A crash leaves
// either the whole blob or none, and at worst a temporary file (".tmp-…"),
// which Keys skips and RemoveTemporaries deletes once it is old. Keys other than 64 lower-case hex digits are refused
// with CodeBadRequest before any path is made of them: no traversal.
type FileStore struct {
	dir string
}

var _ models.BlobStore = (*FileStore)(nil)

// NewFileStore opens (creating it if needed) the blob store in dir.
func NewFileStore(dir string) (models.BlobStore, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	return &FileStore{dir: dir}, nil
}

func (s *FileStore) path(key string) (dir, file string) {
	dir = filepath.Join(s.dir, key[:2])
	return dir, filepath.Join(dir, key[2:])
}

// fileErr makes a file-system error a models error: a full disk is
// CodeStorageFull, the rest internal.
func fileErr(op string, err error) error {
	if isNoSpace(err) {
		return &models.Error{Code: models.CodeStorageFull, Message: "the server's storage is full; the image was not saved", Op: op, Err: err}
	}
	return models.Internal(op, err)
}

// Put writes data under key unless a blob of key is there already.
func (s *FileStore) Put(ctx context.Context, key string, data []byte) error {
	const op = "media.FileStore.Put"
	if err := models.CheckBlobKey(op, key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return interrupted(err)
	}
	dir, name := s.path(key)
	if _, err := os.Stat(name); err == nil {
		return nil
	}
	if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return fileErr(op, err)
	} else if err == nil {
		// a new subdirectory: make its entry in the store's directory durable
		if err := syncDir(s.dir); err != nil {
			return fileErr(op, err)
		}
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fileErr(op, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fileErr(op, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fileErr(op, err)
	}
	if err := tmp.Close(); err != nil {
		return fileErr(op, err)
	}
	// Two Puts of one key may race: both renames succeed, each replacing the
	// file with the same bytes (the key is their hash), and a reader opens
	// one whole file or the other.
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fileErr(op, err)
	}
	if err := syncDir(dir); err != nil {
		return fileErr(op, err)
	}
	return nil
}

// Get reads the blob of key.
func (s *FileStore) Get(ctx context.Context, key string) ([]byte, error) {
	const op = "media.FileStore.Get"
	if err := models.CheckBlobKey(op, key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, interrupted(err)
	}
	_, name := s.path(key)
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &models.Error{Code: models.CodeNotFound, Message: "no such image", Op: op}
	}
	if err != nil {
		return nil, fileErr(op, err)
	}
	return data, nil
}

// Delete removes the blob of key; a missing one is not an error.
func (s *FileStore) Delete(ctx context.Context, key string) error {
	const op = "media.FileStore.Delete"
	if err := models.CheckBlobKey(op, key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return interrupted(err)
	}
	dir, name := s.path(key)
	if err := os.Remove(name); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fileErr(op, err)
	}
	if err := syncDir(dir); err != nil {
		return fileErr(op, err)
	}
	return nil
}

// Keys walks the 256 subdirectories and calls fn with every blob's key and
// its file's modification time (a blob is written once), skipping what is
// not a blob (temporary files, strays).
func (s *FileStore) Keys(ctx context.Context, fn func(key string, stored time.Time) error) error {
	isBlob := func(sub, name string) bool { return models.ValidBlobKey(sub + name) }
	return s.walk(ctx, "media.FileStore.Keys", isBlob, func(sub, name string, written time.Time) error {
		return fn(sub+name, written)
	})
}

// RemoveTemporaries removes the temporary files of Puts that a crash cut
// off and that were last written before the time given (a Put in flight
// writes its file within seconds), and says how many it removed. They hold
// part of an image that no record names, perhaps an erased person's.
func (s *FileStore) RemoveTemporaries(ctx context.Context, before time.Time) (int, error) {
	const op = "media.FileStore.RemoveTemporaries"
	isTemporary := func(_, name string) bool { return strings.HasPrefix(name, ".tmp-") }
	n := 0
	err := s.walk(ctx, op, isTemporary, func(sub, name string, written time.Time) error {
		if !written.Before(before) {
			return nil
		}
		if err := os.Remove(filepath.Join(s.dir, sub, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fileErr(op, err)
		}
		n++
		return nil
	})
	return n, err
}

// walk calls fn with every regular file of the 256 subdirectories that
// keep keeps, and when it was last written; a file deleted since its
// directory was read is passed over.
func (s *FileStore) walk(ctx context.Context, op string, keep func(sub, name string) bool, fn func(sub, name string, written time.Time) error) error {
	subs, err := os.ReadDir(s.dir)
	if err != nil {
		return fileErr(op, err)
	}
	for _, sub := range subs {
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return interrupted(err)
		}
		files, err := os.ReadDir(filepath.Join(s.dir, sub.Name()))
		if err != nil {
			return fileErr(op, err)
		}
		for _, f := range files {
			if !f.Type().IsRegular() || !keep(sub.Name(), f.Name()) {
				continue
			}
			info, err := f.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return fileErr(op, err)
			}
			if err := fn(sub.Name(), f.Name(), info.ModTime()); err != nil {
				return err
			}
		}
	}
	return nil
}

// syncDir makes the entries of dir durable (a rename, a new file, a
// removal).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// isNoSpace reports a write refused because the disk or the quota is full.
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
