// Package blobtest is the contract of models.BlobStore as a test, run on
// every implementation (the file store of server/media, GridFS of
// server/store):
//
//	func TestBlobs(t *testing.T) { blobtest.Run(t, store) }
package blobtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

// Blob returns some bytes of the given size and their key.
func Blob(seed, size int) (string, []byte) {
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(seed*31 + i*7 + i>>8)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), data
}

// Run checks s, which must be empty, against the BlobStore contract.
func Run(t *testing.T, s models.BlobStore) {
	ctx := context.Background()
	started := time.Now()
	t.Run("put get", func(t *testing.T) {
		for i, size := range []int{0, 1, 1000, 255 * 1024, 255*1024 + 1, 700 * 1024} {
			key, data := Blob(i, size)
			if err := s.Put(ctx, key, data); err != nil {
				t.Fatalf("put %d bytes: %v", size, err)
			}
			got, err := s.Get(ctx, key)
			if err != nil {
				t.Fatalf("get %d bytes: %v", size, err)
			}
			if !slices.Equal(got, data) && !(len(got) == 0 && len(data) == 0) {
				t.Fatalf("get %d bytes: got %d different bytes", size, len(got))
			}
		}
	})
	t.Run("put twice is a no-op", func(t *testing.T) {
		key, data := Blob(100, 5000)
		for i := 0; i < 2; i++ {
			if err := s.Put(ctx, key, data); err != nil {
				t.Fatalf("put %d: %v", i, err)
			}
		}
		got, err := s.Get(ctx, key)
		if err != nil || !slices.Equal(got, data) {
			t.Fatalf("get: %d bytes, %v", len(got), err)
		}
	})
	t.Run("concurrent puts of one key", func(t *testing.T) {
		key, data := Blob(200, 300*1024) // two chunks in GridFS
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.Put(ctx, key, data)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("put %d: %v", i, err)
			}
		}
		got, err := s.Get(ctx, key)
		if err != nil || !slices.Equal(got, data) {
			t.Fatalf("get after the race: %d bytes, %v", len(got), err)
		}
	})
	t.Run("missing", func(t *testing.T) {
		key, _ := Blob(300, 10)
		if _, err := s.Get(ctx, key); !models.IsCode(err, models.CodeNotFound) {
			t.Errorf("get of a missing key: %v", err)
		}
		if err := s.Delete(ctx, key); err != nil {
			t.Errorf("delete of a missing key: %v", err)
		}
	})
	t.Run("delete", func(t *testing.T) {
		key, data := Blob(400, 2000)
		if err := s.Put(ctx, key, data); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, key); !models.IsCode(err, models.CodeNotFound) {
			t.Errorf("get after delete: %v", err)
		}
		// and it can be put again
		if err := s.Put(ctx, key, data); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get(ctx, key); err != nil || !slices.Equal(got, data) {
			t.Errorf("get after put again: %v", err)
		}
	})
	t.Run("keys", func(t *testing.T) {
		var all []string
		// Every blob was written by this test, so stored within its run
		// (a minute's slack either way for a clock that moves).
		from, to := started.Add(-time.Minute), time.Now().Add(time.Minute)
		if err := s.Keys(ctx, func(k string, stored time.Time) error {
			if stored.Before(from) || stored.After(to) {
				t.Errorf("key %s stored at %v, not within the test's run (%v to %v)", k, stored, from, to)
			}
			all = append(all, k)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for i := range 6 {
			k, _ := Blob(i, []int{0, 1, 1000, 255 * 1024, 255*1024 + 1, 700 * 1024}[i])
			want[k] = true
		}
		for _, seed := range []int{100, 200, 400} {
			k, _ := Blob(seed, []int{100: 5000, 200: 300 * 1024, 400: 2000}[seed])
			want[k] = true
		}
		slices.Sort(all)
		if len(all) != len(want) || len(slices.Compact(slices.Clone(all))) != len(all) {
			t.Fatalf("keys %d (%v), want %d", len(all), all, len(want))
		}
		for _, k := range all {
			if !want[k] {
				t.Errorf("unexpected key %s", k)
			}
		}
		stop := fmt.Errorf("stop")
		n := 0
		if err := s.Keys(ctx, func(string, time.Time) error { n++; return stop }); err != stop || n != 1 {
			t.Errorf("Keys did not stop at fn's error: %v after %d", err, n)
		}
	})
	t.Run("bad keys", func(t *testing.T) {
		_, data := Blob(500, 10)
		good, _ := Blob(500, 10)
		for _, key := range []string{"", "../../etc/passwd", "ab/../../../../tmp/x", good[:63], good + "0",
			"ABCDEF" + good[6:], good[:62] + "/x", good[:62] + "\x00a", "zz" + good[2:]} {
			if err := s.Put(ctx, key, data); err == nil || models.IsCode(err, models.CodeInternal) {
				t.Errorf("put %q: %v", key, err)
			}
			if _, err := s.Get(ctx, key); err == nil || models.IsCode(err, models.CodeInternal) {
				t.Errorf("get %q: %v", key, err)
			}
			if err := s.Delete(ctx, key); err == nil || models.IsCode(err, models.CodeInternal) {
				t.Errorf("delete %q: %v", key, err)
			}
		}
	})
}
