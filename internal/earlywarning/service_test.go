package earlywarning_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// memStore is an in-memory AlertStore, Outbox and EndpointStore that keeps
// the documented contracts, for service tests.
type memStore struct {
	alerts    map[string]ew.Alert
	outbox    []ew.Message
	endpoints []ew.Endpoint
	// conflictOnce makes the next SaveAlert fail as if another server had
	// written first.
	conflictOnce bool
}

var (
	_ ew.AlertStore    = (*memStore)(nil)
	_ ew.Outbox        = (*memStore)(nil)
	_ ew.EndpointStore = (*memStore)(nil)
)

func newMemStore(eps ...ew.Endpoint) *memStore {
	return &memStore{alerts: map[string]ew.Alert{}, endpoints: eps}
}

func (s *memStore) OpenAlert(_ context.Context, org, key string) (ew.Alert, error) {
	for _, a := range s.alerts {
		if a.OrgID == org && a.Key == key && a.State != ew.StateResolved {
			return a, nil
		}
	}
	return ew.Alert{}, kernel.Errorf(kernel.NotFound, "no open alert %s", key)
}

func (s *memStore) Alert(_ context.Context, org, id string) (ew.Alert, error) {
	if a, ok := s.alerts[id]; ok && a.OrgID == org {
		return a, nil
	}
	return ew.Alert{}, kernel.Errorf(kernel.NotFound, "alert %s not found", id)
}

func (s *memStore) ListAlerts(_ context.Context, org string, f ew.AlertFilter, p kernel.Page) ([]ew.Alert, error) {
	var out []ew.Alert
	for _, a := range s.alerts {
		if a.OrgID == org && (len(f.States) == 0 || slices.Contains(f.States, a.State)) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (s *memStore) SaveAlert(_ context.Context, a ew.Alert, msgs []ew.Message) (ew.Alert, error) {
	if s.conflictOnce {
		s.conflictOnce = false
		return ew.Alert{}, kernel.Errorf(kernel.Conflict, "changed meanwhile")
	}
	cur, exists := s.alerts[a.ID]
	if !exists {
		if _, err := s.OpenAlert(context.Background(), a.OrgID, a.Key); err == nil && a.State != ew.StateResolved {
			return ew.Alert{}, kernel.Errorf(kernel.Conflict, "an unresolved alert with key %s exists", a.Key)
		}
	} else if cur.Version != a.Version {
		return ew.Alert{}, kernel.Errorf(kernel.Conflict, "stale version")
	}
	a.Version++
	s.alerts[a.ID] = a
	s.outbox = append(s.outbox, msgs...)
	return a, nil
}

func (s *memStore) Claim(_ context.Context, now time.Time, limit int, lease time.Duration) ([]ew.Lease, error) {
	var out []ew.Lease
	for _, m := range s.outbox {
		if m.State == ew.MessagePending && !m.NextAttemptAt.After(now) && len(out) < limit {
			out = append(out, ew.Lease{Message: m, Token: m.ID, Until: now.Add(lease)})
		}
	}
	return out, nil
}

func (s *memStore) Complete(_ context.Context, l ew.Lease, m ew.Message) error {
	for i := range s.outbox {
		if s.outbox[i].ID == m.ID {
			s.outbox[i] = m
			return nil
		}
	}
	return kernel.Errorf(kernel.NotFound, "message %s", m.ID)
}

func (s *memStore) Enqueue(_ context.Context, msgs []ew.Message) error {
	s.outbox = append(s.outbox, msgs...)
	return nil
}

func (s *memStore) Endpoints(context.Context, string) ([]ew.Endpoint, error) { return s.endpoints, nil }

func hook(min ew.Severity) ew.Endpoint {
	return ew.Endpoint{ID: "hook-" + string(min), OrgID: "org1", Channel: ew.ChannelWebhook, Target: "https://example.org/hook", Secret: vectorSecret, MinSeverity: min}
}

func TestServiceRaiseDeduplicatesAndNotifies(t *testing.T) {
	ctx := context.Background()
	clock := &kernel.FixedClock{T: t0}
	st := newMemStore(hook(ew.SeverityLow), hook(ew.SeverityHigh), ew.Endpoint{ID: "digest", OrgID: "org1", Channel: ew.ChannelEmail, Target: "a@example.org", MinSeverity: ew.SeverityLow, Digest: true})
	svc := &ew.Service{Alerts: st, Endpoints: st, Clock: clock}

	a, ch, err := svc.Raise(ctx, trigger(ew.SeverityMedium))
	if err != nil || ch != ew.ChangeCreated || a.Version != 1 {
		t.Fatalf("%v %v %+v", ch, err, a)
	}
	if len(st.outbox) != 1 || st.outbox[0].EndpointID != "hook-low" {
		t.Fatalf("created: outbox %+v, want one message to hook-low", st.outbox)
	}
	clock.Advance(time.Hour)
	if _, ch, _ = svc.Raise(ctx, trigger(ew.SeverityMedium)); ch != ew.ChangeRepeated || len(st.outbox) != 1 {
		t.Fatalf("repeat: %v, outbox %d", ch, len(st.outbox))
	}
	st.conflictOnce = true // another server wins the first write
	b, ch, err := svc.Raise(ctx, trigger(ew.SeverityHigh))
	if err != nil || ch != ew.ChangeEscalated || b.ID != a.ID || b.Occurrences != 3 {
		t.Fatalf("escalation: %v %v %+v", ch, err, b)
	}
	if len(st.outbox) != 3 {
		t.Fatalf("escalation: %d messages, want 3 (both webhooks)", len(st.outbox))
	}
	if len(st.alerts) != 1 {
		t.Fatalf("%d alerts, want one per key", len(st.alerts))
	}

	acked, err := svc.Update(ctx, "org1", a.ID, func(a ew.Alert, now time.Time) (ew.Alert, error) { return a.Acknowledge("u1", now) })
	if err != nil || acked.State != ew.StateAcknowledged {
		t.Fatalf("acknowledge: %v %+v", err, acked)
	}
	if _, err := svc.Update(ctx, "org2", a.ID, func(a ew.Alert, now time.Time) (ew.Alert, error) { return a.Acknowledge("u1", now) }); !kernel.IsCode(err, kernel.NotFound) {
		t.Errorf("another organisation's alert: %v", err)
	}
}

// The receiver fails the first three attempts and then succeeds: exactly one
// success is recorded and the attempts are spaced 30 s, 60 s, 120 s apart
// (the default policy, with jitter fixed at zero).
func TestDeliverRetriesUntilSuccess(t *testing.T) {
	ctx := context.Background()
	clock := &kernel.FixedClock{T: t0}
	st := newMemStore(hook(ew.SeverityLow))
	svc := &ew.Service{Alerts: st, Endpoints: st, Clock: clock}
	if _, _, err := svc.Raise(ctx, trigger(ew.SeverityMedium)); err != nil {
		t.Fatal(err)
	}
	var attempts []time.Time
	var successes int
	send := func(_ context.Context, m ew.Message) error {
		attempts = append(attempts, clock.Now())
		if len(attempts) <= 3 {
			return errors.New("HTTP 503")
		}
		if err := ew.VerifySignature(ew.Sign(clock.Now(), m.Body, vectorSecret), m.Body, clock.Now(), ew.DefaultSignatureTolerance, vectorSecret); err != nil {
			return err
		}
		successes++
		return nil
	}
	for range 24 * 60 { // a day, minute by minute
		if _, _, err := ew.DeliverDue(ctx, st, send, ew.DefaultRetryPolicy(), rndZero, clock, 10, time.Minute); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute / 2)
	}
	if successes != 1 || len(attempts) != 4 {
		t.Fatalf("%d successes in %d attempts, want 1 in 4", successes, len(attempts))
	}
	var gaps []time.Duration
	for i := 1; i < len(attempts); i++ {
		gaps = append(gaps, attempts[i].Sub(attempts[i-1]))
	}
	if want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute}; !slices.Equal(gaps, want) {
		t.Errorf("gaps %v, want %v", gaps, want)
	}
	if m := st.outbox[0]; m.State != ew.MessageDelivered || m.Attempts != 4 {
		t.Errorf("message %+v", m)
	}
}
