package account

import (
	"strings"
	"sync"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Throttle sets how repeated wrong sign-ins slow down and lock a login
// name, and how many sign-ins the server checks in all.
//
// Free wrong attempts are checked; the Free-th locks the name for
// BaseLock, and each wrong attempt after a lock has expired locks it again
// for twice as long, up to MaxLock. The lock always expires, so an
// attacker can slow the right user down but never lock them out for good;
// a correct sign-in, a new password, or ResetAfter without any attempt
// resets the count.
type Throttle struct {
	Free       int
	BaseLock   time.Duration
	MaxLock    time.Duration
	ResetAfter time.Duration
	// Global bounds the sign-in attempts of all names together, so a spray
	// across many names is slowed too.
	Global Rate
}

// Rate is a token bucket: up to Burst at once and one more each Every.
type Rate struct {
	Burst int
	Every time.Duration
}

// DefaultThrottle checks 5 wrong passwords, then locks 30 s, 1 min, 2 min
// ... up to 15 min; a day without attempts forgets the count. The server
// checks about 10 sign-ins a second, 100 at once.
var DefaultThrottle = Throttle{Free: 5, BaseLock: 30 * time.Second, MaxLock: 15 * time.Minute,
	ResetAfter: 24 * time.Hour, Global: Rate{Burst: 100, Every: 100 * time.Millisecond}}

// lockFor is how long the n-th wrong attempt locks the name.
func (t Throttle) lockFor(n int) time.Duration {
	if n < t.Free {
		return 0
	}
	d := t.BaseLock
	for i := t.Free; i < n && d < t.MaxLock; i++ {
		d *= 2
	}
	return min(d, t.MaxLock)
}

// AttemptRule tells the store how to count one attempt.
type AttemptRule struct {
	Now time.Time
	// ResetBefore: a count whose last attempt is older starts again at 1.
	ResetBefore time.Time
	// HoldFrom: an attempt numbered this or higher locks the name until
	// HoldUntil while it is checked, so that it is checked alone; the
	// outcome then sets the real lock or clears it.
	HoldFrom  int
	HoldUntil time.Time
}

func (t Throttle) rule(now time.Time) AttemptRule {
	return AttemptRule{Now: now, ResetBefore: now.Add(-t.ResetAfter), HoldFrom: t.Free, HoldUntil: now.Add(t.MaxLock)}
}

// loginName is the key attempts are counted under: a hash of the typed
// email as the login form normalises it, whether or not a user has it.
func loginName(email string) string {
	if e, err := NormaliseEmail(email); err == nil {
		email = e
	} else {
		email = strings.ToLower(strings.TrimSpace(email))
	}
	return HashSecret("login:" + email)
}

// LoginName returns the key under which sign-in attempts for email are
// counted, for tests and the users page.
func LoginName(email string) string { return loginName(email) }

func lockedError(wait time.Duration) error {
	return kernel.Errorf(kernel.RateLimited, "too many failed attempts; try again in %s", roundWait(wait))
}

func roundWait(d time.Duration) time.Duration {
	return max(d.Round(time.Second), time.Second)
}

// gate is an in-memory token bucket kept as a theoretical arrival time.
type gate struct {
	mu   sync.Mutex
	rate Rate
	tat  time.Time
}

func newGate(r Rate) *gate {
	if r.Burst < 1 || r.Every <= 0 {
		return nil
	}
	return &gate{rate: r}
}

// take spends one token at now, or says how long until one is free.
func (g *gate) take(now time.Time) (time.Duration, bool) {
	if g == nil {
		return 0, true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	tat := g.tat
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(g.rate.Every)
	if allowAt := next.Add(-time.Duration(g.rate.Burst) * g.rate.Every); allowAt.After(now) {
		return allowAt.Sub(now), false
	}
	g.tat = next
	return 0, true
}
