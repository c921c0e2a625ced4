package search

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolterrors "go.etcd.io/bbolt/errors"
)

// TestSecondOpenOfADirectoryFails: two processes (here two opens) on one
// index directory, as replicas sharing a volume would be. Bleve's lock used
// to wait forever, and the second replica hung at start; now the second open
// answers an error within lockTimeout, and leaves the first one's index
// where it is (a lock held is not a broken index to quarantine). Both for an
// index this version creates and for one created before (whose stored
// configuration has no timeout: the open passes it).
func TestSecondOpenOfADirectoryFails(t *testing.T) {
	for _, older := range []bool{false, true} {
		name := "new index"
		if older {
			name = "index created without a lock timeout"
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dir := filepath.Join(t.TempDir(), "index")
			first, err := Open(ctx, Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if older {
				if err := first.Close(); err != nil {
					t.Fatal(err)
				}
				dropStoredTimeout(t, dir)
				if first, err = Open(ctx, Options{Dir: dir}); err != nil {
					t.Fatal(err)
				}
			}
			defer func() { _ = first.Close() }()

			done := make(chan error, 1)
			start := time.Now()
			go func() {
				second, err := Open(ctx, Options{Dir: dir})
				if err == nil {
					_ = second.Close()
				}
				done <- err
			}()
			select {
			case err = <-done:
			case <-time.After(lockTimeout + 30*time.Second):
				t.Fatalf("a second open of %s still waits after %s: the index lock has no timeout", dir, time.Since(start))
			}
			if err == nil {
				t.Fatal("a second open of a directory in use succeeded")
			}
			if !errors.Is(err, bolterrors.ErrTimeout) || !strings.Contains(err.Error(), "in use by another process") {
				t.Errorf("second open: %v; want the lock's timeout, named as such", err)
			}
			entries, err := os.ReadDir(filepath.Dir(dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if e.Name() != "index" {
					t.Errorf("the index in use was moved aside or copied: %s", e.Name())
				}
			}

			// Closed by the first, it opens again.
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}
			if first, err = Open(ctx, Options{Dir: dir}); err != nil {
				t.Fatalf("reopen after the first closed: %v", err)
			}
		})
	}
}

// dropStoredTimeout makes the index's stored configuration what bleve.New
// wrote before the timeout: none.
func dropStoredTimeout(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, "index_meta.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]any
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatal(err)
	}
	cfg, _ := meta["config"].(map[string]any)
	if _, ok := cfg["bolt_timeout"]; !ok {
		t.Fatalf("%s stores no bolt_timeout: %s", path, b)
	}
	delete(cfg, "bolt_timeout")
	if b, err = json.Marshal(meta); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
