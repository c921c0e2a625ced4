package service

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

func TestHashAndVerify(t *testing.T) {
	ctx := context.Background()
	h := newHasher(2)
	enc, err := h.hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not carry the argon2id parameters", enc)
	}
	again, _ := h.hash(ctx, "correct horse")
	if again == enc {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horsE": false, "": false} {
		ok, err := h.verify(ctx, pw, enc)
		if err != nil || ok != want {
			t.Errorf("verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=x$c2FsdA$a2V5"} {
		if _, err := h.verify(ctx, "x", bad); !models.IsCode(err, models.CodeInternal) {
			t.Errorf("verify against %q: %v", bad, err)
		}
	}
}

func TestHasherCapsConcurrency(t *testing.T) {
	h := newHasher(1)
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The only slot is taken: a caller waits until its deadline, then is
	// told the server is busy.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := h.hash(ctx, "correct horse")
	if !models.IsCode(err, models.CodeUnavailable) {
		t.Fatalf("hash with no free slot: %v", err)
	}
	// It gave up because its deadline passed, not at once.
	if ctx.Err() != context.DeadlineExceeded {
		t.Fatal("hash did not wait for a slot until its deadline")
	}
	h.release()
	if _, err := h.hash(context.Background(), "correct horse"); err != nil {
		t.Fatalf("after release: %v", err)
	}
}
