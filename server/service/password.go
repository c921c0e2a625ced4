package service

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/szdc/talenthub/models"
)

// argon2id parameters of the OWASP recommendation: 2 passes over 19 MiB,
// one thread. A hash takes ~65 ms on these machines.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// hasher hashes passwords with argon2id and caps how many hashes run at
// once, so that a burst of logins queues instead of exhausting memory and
// starving every other request of CPU.
type hasher struct {
	slots chan struct{}
}

func newHasher(concurrency int) *hasher {
	return &hasher{slots: make(chan struct{}, max(1, concurrency))}
}

func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &models.Error{Code: models.CodeUnavailable, Message: "the server is busy; try again", Err: ctx.Err()}
	}
}

func (h *hasher) release() { <-h.slots }

// hash returns the PHC string of password:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>.
func (h *hasher) hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", models.Internal("service.hash", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// verify reports whether password matches the PHC string encoded. The
// parameters come from the string, so hashes made with older parameters
// keep working.
func (h *hasher) verify(ctx context.Context, password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, models.Internal("service.verify", fmt.Errorf("unknown password hash format"))
	}
	var version int
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, models.Internal("service.verify", fmt.Errorf("unsupported argon2 version %q", parts[2]))
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil {
		return false, models.Internal("service.verify", fmt.Errorf("bad argon2 parameters %q", parts[3]))
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, models.Internal("service.verify", fmt.Errorf("bad argon2 encoding"))
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// HashPassword hashes a password as accounts are stored, for tools that
// create accounts in bulk (seeding).
func HashPassword(ctx context.Context, password string) (string, error) {
	return newHasher(1).hash(ctx, password)
}
