package account

import (
	"sync"
	"time"
)

// tokenCache remembers API tokens checked in the last few seconds, so a
// client making many calls costs one database round trip per window instead
// of three per call. Revoking a token or changing a user clears the cache
// of this server at once; other servers notice within TTL.
type tokenCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	max     int
	entries map[string]cachedPrincipal
}

type cachedPrincipal struct {
	p       Principal
	tokenID string
	until   time.Time
}

func newTokenCache(ttl time.Duration, max int) *tokenCache {
	return &tokenCache{ttl: ttl, max: max, entries: map[string]cachedPrincipal{}}
}

func (c *tokenCache) get(hash string, now time.Time) (Principal, bool) {
	if c == nil {
		return Principal{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || !now.Before(e.until) {
		return Principal{}, false
	}
	return e.p, true
}

// put remembers p until the TTL ends or the token expires, whichever is
// first.
func (c *tokenCache) put(hash, tokenID string, p Principal, now, expires time.Time) {
	if c == nil || c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		// Dropping everything is crude but bounded, and a full cache only
		// happens under many distinct tokens.
		c.entries = map[string]cachedPrincipal{}
	}
	until := now.Add(c.ttl)
	if !expires.IsZero() && expires.Before(until) {
		until = expires
	}
	c.entries[hash] = cachedPrincipal{p: p, tokenID: tokenID, until: until}
}

// clear forgets every cached token.
func (c *tokenCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.entries = map[string]cachedPrincipal{}
	c.mu.Unlock()
}
