package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// IdempotencyState is what beginning a keyed request found.
type IdempotencyState int

const (
	// IdempotencyNew: the key was free and is now held by this request.
	IdempotencyNew IdempotencyState = iota
	// IdempotencyReplay: the same request finished before; replay its answer.
	IdempotencyReplay
	// IdempotencyInFlight: the same request is still running.
	IdempotencyInFlight
	// IdempotencyMismatch: the key was used for a different request.
	IdempotencyMismatch
)

// StoredResponse is an answer kept for replay.
type StoredResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// IdempotencyStore keeps idempotency keys and the answers given to them.
// Begin must be atomic: of concurrent requests with one key, exactly one
// gets IdempotencyNew.
type IdempotencyStore interface {
	Begin(ctx context.Context, scope, key, fingerprint string) (IdempotencyState, StoredResponse, error)
	Complete(ctx context.Context, scope, key string, res StoredResponse) error
	// Release forgets a key whose request failed for reasons of the
	// server's, so that a retry runs.
	Release(ctx context.Context, scope, key string) error
}

// IdempotencyTTL is how long a key and its answer are kept.
const IdempotencyTTL = 24 * time.Hour

// MemoryIdempotency keeps keys in this server's memory: enough for one
// server; several servers behind a balancer need a shared store.
type MemoryIdempotency struct {
	clock kernel.Clock
	mu    sync.Mutex
	keys  map[string]*idempotentEntry
}

type idempotentEntry struct {
	fingerprint string
	done        bool
	res         StoredResponse
	at          time.Time
}

// NewMemoryIdempotency returns an empty in-memory store.
func NewMemoryIdempotency(clock kernel.Clock) *MemoryIdempotency {
	return &MemoryIdempotency{clock: clock, keys: map[string]*idempotentEntry{}}
}

func (m *MemoryIdempotency) Begin(_ context.Context, scope, key, fp string) (IdempotencyState, StoredResponse, error) {
	now := m.clock.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	id := scope + "\x00" + key
	e := m.keys[id]
	if e != nil && now.Sub(e.at) > IdempotencyTTL {
		delete(m.keys, id)
		e = nil
	}
	switch {
	case e == nil:
		if len(m.keys) > 100000 {
			for k, old := range m.keys {
				if now.Sub(old.at) > IdempotencyTTL {
					delete(m.keys, k)
				}
			}
		}
		m.keys[id] = &idempotentEntry{fingerprint: fp, at: now}
		return IdempotencyNew, StoredResponse{}, nil
	case e.fingerprint != fp:
		return IdempotencyMismatch, StoredResponse{}, nil
	case !e.done:
		return IdempotencyInFlight, StoredResponse{}, nil
	}
	return IdempotencyReplay, e.res, nil
}

func (m *MemoryIdempotency) Complete(_ context.Context, scope, key string, res StoredResponse) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.keys[scope+"\x00"+key]; e != nil {
		e.done, e.res = true, res
	}
	return nil
}

func (m *MemoryIdempotency) Release(_ context.Context, scope, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, scope+"\x00"+key)
	return nil
}
