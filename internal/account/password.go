package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters for staff passwords.
//
// Production: t=3 passes, 64 MiB, p=2 lanes, 16-byte salt, 32-byte key
// (about 0.4 s on a 2-core machine). The encoded hash records the
// parameters, so they can be raised later without invalidating old hashes.
type Argon2Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
	SaltLen int
	KeyLen  uint32
}

// DefaultArgon2 is the production cost.
var DefaultArgon2 = Argon2Params{Time: 3, Memory: 64 * 1024, Threads: 2, SaltLen: 16, KeyLen: 32}

// TestArgon2 is a cheap cost for tests only.
var TestArgon2 = Argon2Params{Time: 1, Memory: 1024, Threads: 1, SaltLen: 16, KeyLen: 32}

// MinPasswordLen is the shortest accepted password.
const MinPasswordLen = 12

// Hasher hashes and verifies passwords, bounding how many argon2id
// computations run at once so a login flood cannot exhaust memory.
type Hasher struct {
	Params Argon2Params
	slots  chan struct{}
}

// NewHasher returns a Hasher running at most concurrency hashes at a time.
func NewHasher(p Argon2Params, concurrency int) *Hasher {
	if concurrency < 1 {
		concurrency = 1
	}
	return &Hasher{Params: p, slots: make(chan struct{}, concurrency)}
}

// Hash returns the encoded argon2id hash of pw.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, h.Params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	key := argon2.IDKey([]byte(pw), salt, h.Params.Time, h.Params.Memory, h.Params.Threads, h.Params.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.Params.Memory, h.Params.Time, h.Params.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the encoded hash.
func (h *Hasher) Verify(ctx context.Context, encoded, pw string) (bool, error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// Burn spends the same effort as a verification; login uses it for unknown
// emails so response time does not reveal which accounts exist.
func (h *Hasher) Burn(ctx context.Context, pw string) {
	if h.acquire(ctx) != nil {
		return
	}
	defer h.release()
	argon2.IDKey([]byte(pw), make([]byte, h.Params.SaltLen), h.Params.Time, h.Params.Memory, h.Params.Threads, h.Params.KeyLen)
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

func decodeHash(s string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("password hash: not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("password hash: unsupported version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("password hash: bad parameters %q", parts[3])
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, fmt.Errorf("password hash: bad salt: %w", err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return p, nil, nil, fmt.Errorf("password hash: bad key")
	}
	return p, salt, key, nil
}
