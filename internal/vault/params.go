package vault

import (
	"encoding/binary"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// KDFParams are the argon2id cost parameters. They are stored beside every
// salt they were used with, so raising them later does not break old data.
type KDFParams struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory in KiB
	Threads   uint8  // lanes
}

// Bounds on parameters read back from storage. A tampered blob must not be
// able to make the server allocate gigabytes or spin for minutes.
const (
	maxKDFTime      = 16
	maxKDFMemoryKiB = 1 << 20 // 1 GiB
	maxKDFThreads   = 16
)

// Validate reports whether p is usable and within the accepted bounds.
func (p KDFParams) Validate() error {
	switch {
	case p.Time < 1 || p.Time > maxKDFTime:
		return kernel.Errorf(kernel.Invalid, "argon2id time must be 1..%d, got %d", maxKDFTime, p.Time)
	case p.Threads < 1 || p.Threads > maxKDFThreads:
		return kernel.Errorf(kernel.Invalid, "argon2id threads must be 1..%d, got %d", maxKDFThreads, p.Threads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxKDFMemoryKiB:
		return kernel.Errorf(kernel.Invalid, "argon2id memory must be %d..%d KiB, got %d", 8*uint32(p.Threads), maxKDFMemoryKiB, p.MemoryKiB)
	}
	return nil
}

const kdfParamsLen = 4 + 4 + 1

func (p KDFParams) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, p.Time)
	b = binary.BigEndian.AppendUint32(b, p.MemoryKiB)
	return append(b, p.Threads)
}

func readKDFParams(b []byte) (KDFParams, error) {
	if len(b) < kdfParamsLen {
		return KDFParams{}, kernel.Errorf(kernel.Invalid, "truncated key derivation parameters")
	}
	p := KDFParams{
		Time:      binary.BigEndian.Uint32(b[0:4]),
		MemoryKiB: binary.BigEndian.Uint32(b[4:8]),
		Threads:   b[8],
	}
	return p, p.Validate()
}

// Params configures a Vault.
type Params struct {
	// Password stretches handler passwords into the key that locks their
	// private key. It runs at sign-in, so it can afford to be slow.
	Password KDFParams
	// Receipt stretches the reporter's receipt. It runs once per submission
	// and once per follow-up attempt, so it is sized for intake throughput;
	// the receipt's 16 random digits carry the rest of the strength.
	Receipt KDFParams
	// MaxConcurrentKDF bounds how many argon2id computations of each kind
	// (password, receipt) run at once, so a burst of sign-ins or
	// submissions cannot exhaust memory. Zero means 2.
	MaxConcurrentKDF int
}

// DefaultParams are the production settings; docs/grievance-security.md
// records what they cost on a 2-core machine.
func DefaultParams() Params {
	return Params{
		Password:         KDFParams{Time: 3, MemoryKiB: 64 * 1024, Threads: 2},
		Receipt:          KDFParams{Time: 2, MemoryKiB: 12 * 1024, Threads: 1},
		MaxConcurrentKDF: 2,
	}
}

// TestParams are cheap settings for unit tests only. They keep every code
// path but offer no protection against guessing.
func TestParams() Params {
	return Params{
		Password:         KDFParams{Time: 1, MemoryKiB: 64, Threads: 1},
		Receipt:          KDFParams{Time: 1, MemoryKiB: 32, Threads: 1},
		MaxConcurrentKDF: 4,
	}
}

// Validate reports whether both KDF settings are usable.
func (p Params) Validate() error {
	if err := p.Password.Validate(); err != nil {
		return kernel.Wrap(kernel.Invalid, err, "password parameters")
	}
	if err := p.Receipt.Validate(); err != nil {
		return kernel.Wrap(kernel.Invalid, err, "receipt parameters")
	}
	if p.MaxConcurrentKDF < 0 {
		return kernel.Errorf(kernel.Invalid, "MaxConcurrentKDF must not be negative")
	}
	return nil
}
