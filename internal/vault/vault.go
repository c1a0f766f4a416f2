package vault

import (
	"crypto/subtle"
	"io"

	"golang.org/x/crypto/argon2"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Vault performs the cryptographic operations. It is safe for concurrent use.
type Vault struct {
	params Params
	rand   io.Reader
	// Separate bounds for the two argon2id uses, so a burst of sign-ins
	// cannot stall intake and a flood of receipt guesses cannot lock staff
	// out.
	pwSem, rcSem chan struct{}
}

// New returns a Vault with the given parameters. rand is the source of keys,
// salts and nonces: crypto/rand.Reader in production, a seeded reader in
// tests that need repeatable output.
func New(p Params, rand io.Reader) (*Vault, error) {
	if rand == nil {
		return nil, kernel.Errorf(kernel.Invalid, "vault needs a source of randomness")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := p.MaxConcurrentKDF
	if n == 0 {
		n = 2
	}
	return &Vault{params: p, rand: rand, pwSem: make(chan struct{}, n), rcSem: make(chan struct{}, n)}, nil
}

// Params returns the parameters the vault was built with.
func (v *Vault) Params() Params { return v.params }

func (v *Vault) random(b []byte) error {
	if _, err := io.ReadFull(v.rand, b); err != nil {
		return kernel.Wrap(kernel.Internal, err, "reading random bytes")
	}
	return nil
}

// stretch runs argon2id under the given concurrency bound.
func stretch(sem chan struct{}, secret, salt []byte, p KDFParams, n uint32) []byte {
	sem <- struct{}{}
	defer func() { <-sem }()
	return argon2.IDKey(secret, salt, p.Time, p.MemoryKiB, p.Threads, n)
}

// KeySize is the size of data keys and key-encryption keys in bytes.
const KeySize = 32

// DataKey is the random key that encrypts one report's sensitive fields. It
// never leaves memory in clear; it is stored only wrapped.
type DataKey struct{ k [KeySize]byte }

// NewDataKey returns a fresh random data key.
func (v *Vault) NewDataKey() (*DataKey, error) {
	dk := new(DataKey)
	if err := v.random(dk.k[:]); err != nil {
		return nil, err
	}
	return dk, nil
}

// Equal reports whether two data keys are the same, in constant time.
func (dk *DataKey) Equal(o *DataKey) bool {
	if dk == nil || o == nil {
		return dk == o
	}
	return subtle.ConstantTimeCompare(dk.k[:], o.k[:]) == 1
}

// Wipe overwrites the key in memory. It is best effort: the Go runtime may
// have copied it, but a wiped key is no longer usable through this value.
func (dk *DataKey) Wipe() {
	if dk != nil {
		clear(dk.k[:])
	}
}
