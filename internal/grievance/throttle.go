package grievance

import (
	"math"
	"sync"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Rate is a token bucket: up to Burst attempts at once, and one more each
// Every.
type Rate struct {
	Burst int
	Every time.Duration
}

func (r Rate) validate(name string) error {
	if r.Burst < 1 || r.Every <= 0 {
		return kernel.Errorf(kernel.Invalid, "%s rate needs a burst of at least 1 and a positive interval", name)
	}
	if r.Every > time.Duration(math.MaxInt64/4)/time.Duration(r.Burst) {
		return kernel.Errorf(kernel.Invalid, "%s rate: burst times interval is too long", name)
	}
	return nil
}

// ThrottleConfig sets how many receipt attempts are allowed.
type ThrottleConfig struct {
	// PerLocator limits attempts against one locator of one organisation.
	PerLocator Rate
	// Global limits attempts across all locators and organisations. Every
	// attempt costs an argon2id run, so this bounds the CPU that guessing
	// can take.
	Global Rate
	// MaxTracked bounds the memory used for per-locator state. When it is
	// full of locators still recovering, new locators are refused until
	// some recover.
	MaxTracked int
}

// DefaultThrottle allows a reporter a few typing mistakes, then one attempt
// every ten minutes per locator, and about two wrong attempts a second in
// all. Guessing a 16-digit secret at these rates is hopeless; the limits are
// there to keep the server available.
func DefaultThrottle() ThrottleConfig {
	return ThrottleConfig{
		PerLocator: Rate{Burst: 5, Every: 10 * time.Minute},
		Global:     Rate{Burst: 60, Every: 500 * time.Millisecond},
		MaxTracked: 100_000,
	}
}

// Validate reports whether the configuration is usable.
func (c ThrottleConfig) Validate() error {
	if err := c.PerLocator.validate("per-locator"); err != nil {
		return err
	}
	if err := c.Global.validate("global"); err != nil {
		return err
	}
	if c.MaxTracked < 1 {
		return kernel.Errorf(kernel.Invalid, "MaxTracked must be at least 1")
	}
	return nil
}

// Bucket is the state of one token bucket, kept as a theoretical arrival
// time (the generic cell rate algorithm), so it is one timestamp that a
// store can persist if throttling must be shared between servers.
type Bucket struct{ TAT time.Time }

// Take tries to spend one token at now. It returns the new state, and when
// refused, how long until a token is free.
func (b Bucket) Take(now time.Time, r Rate) (Bucket, time.Duration, bool) {
	tat := b.TAT
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(r.Every)
	limit := time.Duration(r.Burst) * r.Every
	if over := next.Sub(now) - limit; over > 0 {
		return b, over, false
	}
	return Bucket{TAT: next}, 0, true
}

// Refund gives one token back.
func (b Bucket) Refund(now time.Time, r Rate) Bucket {
	t := b.TAT.Add(-r.Every)
	if t.Before(now) {
		t = now
	}
	return Bucket{TAT: t}
}

// Full reports whether the bucket has recovered completely (its state can
// be forgotten).
func (b Bucket) Full(now time.Time) bool { return !b.TAT.After(now) }

type locatorKey struct{ org, locator string }

// Throttle limits receipt attempts per locator and globally. It treats
// locators that exist and locators that do not exactly alike, so its answers
// reveal nothing about which reports exist. It is deterministic given its
// clock, and safe for concurrent use.
//
// Use: call Take before verifying a receipt; if verification succeeds, call
// Refund so that a reporter's correct attempts never count against them.
// Taking first (rather than counting failures afterwards) means concurrent
// guesses cannot slip past the limit.
type Throttle struct {
	cfg   ThrottleConfig
	clock kernel.Clock

	mu     sync.Mutex
	global Bucket
	locs   map[locatorKey]Bucket
}

// NewThrottle returns a throttle with the given configuration and clock.
func NewThrottle(cfg ThrottleConfig, clock kernel.Clock) (*Throttle, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if clock == nil {
		return nil, kernel.Errorf(kernel.Invalid, "throttle needs a clock")
	}
	return &Throttle{cfg: cfg, clock: clock, locs: map[locatorKey]Bucket{}}, nil
}

// ErrTooManyAttempts is returned by Take. Its message is the same whatever
// the reason, so it does not tell a guesser whether the locator exists or
// which limit was hit.
var ErrTooManyAttempts error = &kernel.Error{Code: kernel.RateLimited, Message: "too many attempts; please wait and try again later"}

// Take spends one attempt for the locator of the organisation. It returns
// ErrTooManyAttempts, and how long to wait, when either the locator's or the
// global allowance is spent.
func (t *Throttle) Take(org, locator string) (time.Duration, error) {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	k := locatorKey{org, locator}
	lb, tracked := t.locs[k]
	if !tracked && len(t.locs) >= t.cfg.MaxTracked {
		t.prune(now)
		if len(t.locs) >= t.cfg.MaxTracked {
			return t.cfg.PerLocator.Every, ErrTooManyAttempts
		}
	}
	nl, waitL, okL := lb.Take(now, t.cfg.PerLocator)
	ng, waitG, okG := t.global.Take(now, t.cfg.Global)
	if !okL || !okG {
		return max(waitL, waitG), ErrTooManyAttempts
	}
	t.locs[k] = nl
	t.global = ng
	return 0, nil
}

// Refund returns the attempt taken for a receipt that turned out to be
// right.
func (t *Throttle) Refund(org, locator string) {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	k := locatorKey{org, locator}
	if b, ok := t.locs[k]; ok {
		b = b.Refund(now, t.cfg.PerLocator)
		if b.Full(now) {
			delete(t.locs, k)
		} else {
			t.locs[k] = b
		}
	}
	t.global = t.global.Refund(now, t.cfg.Global)
}

// Tracked returns how many locators currently hold state.
func (t *Throttle) Tracked() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.locs)
}

// Prune forgets locators that have fully recovered. Take prunes by itself
// when the table is full; a periodic call keeps memory low.
func (t *Throttle) Prune() {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prune(now)
}

func (t *Throttle) prune(now time.Time) {
	for k, b := range t.locs {
		if b.Full(now) {
			delete(t.locs, k)
		}
	}
}
