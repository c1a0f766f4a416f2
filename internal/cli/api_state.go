package cli

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/web"
)

// sharedIdempotency keeps the API's idempotency keys in the database, so
// that a retry sent to another server behind the balancer is still
// recognised.
type sharedIdempotency struct {
	st    *sqlstore.APIState
	clock kernel.Clock
}

func (s sharedIdempotency) Begin(ctx context.Context, scope, key, fp string) (web.IdempotencyState, web.StoredResponse, error) {
	state, ans, err := s.st.BeginIdempotent(ctx, scope, key, fp, s.clock.Now(), web.IdempotencyTTL)
	if err != nil {
		return 0, web.StoredResponse{}, err
	}
	switch state {
	case sqlstore.IdempotentNew:
		return web.IdempotencyNew, web.StoredResponse{}, nil
	case sqlstore.IdempotentMismatch:
		return web.IdempotencyMismatch, web.StoredResponse{}, nil
	case sqlstore.IdempotentInFlight:
		return web.IdempotencyInFlight, web.StoredResponse{}, nil
	}
	return web.IdempotencyReplay, web.StoredResponse{Status: ans.Status, Header: http.Header(ans.Header), Body: ans.Body}, nil
}

func (s sharedIdempotency) Complete(ctx context.Context, scope, key string, res web.StoredResponse) error {
	return s.st.CompleteIdempotent(ctx, scope, key, sqlstore.IdempotentAnswer{Status: res.Status, Header: res.Header, Body: res.Body})
}

func (s sharedIdempotency) Release(ctx context.Context, scope, key string) error {
	return s.st.ReleaseIdempotent(ctx, scope, key)
}

// sharedRateCounts counts API requests in the database, so that a user's
// quota holds across every server.
type sharedRateCounts struct {
	st *sqlstore.APIState
	mu sync.Mutex
	// swept is the window whose predecessors were last dropped.
	swept time.Time
}

func (s *sharedRateCounts) Count(ctx context.Context, subject string, window time.Time) (int, error) {
	// Once a window, windows that ended before the previous one are
	// dropped as the counting goes.
	var forget time.Time
	s.mu.Lock()
	if !s.swept.Equal(window) {
		s.swept, forget = window, window.Add(-2*time.Minute)
	}
	s.mu.Unlock()
	return s.st.CountRequest(ctx, subject, window, forget)
}
