package earlywarning

import (
	"context"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Service applies the alert rules against storage: it deduplicates triggers
// into alerts, runs the transitions people ask for, and writes the outbox
// messages each change needs in the same transaction as the change.
type Service struct {
	Alerts    AlertStore
	Endpoints EndpointStore
	Clock     kernel.Clock
}

// saveRetries bounds how often Raise re-reads after losing a race with
// another server raising the same key.
const saveRetries = 3

// Raise folds t into the organisation's unresolved alert for its key, or
// opens one, and enqueues a message for every endpoint that wants it when
// the change should be notified.
func (s *Service) Raise(ctx context.Context, t Trigger) (Alert, Change, error) {
	if err := t.Validate(); err != nil {
		return Alert{}, "", err
	}
	for range saveRetries {
		now := s.Clock.Now()
		var current *Alert
		a, err := s.Alerts.OpenAlert(ctx, t.OrgID, t.Key)
		switch {
		case err == nil:
			current = &a
		case !kernel.IsCode(err, kernel.NotFound):
			return Alert{}, "", err
		}
		next, change, err := Raise(current, t, now)
		if err != nil {
			return Alert{}, "", err
		}
		msgs, err := s.messages(ctx, next, change, now)
		if err != nil {
			return Alert{}, "", err
		}
		saved, err := s.Alerts.SaveAlert(ctx, next, msgs)
		if kernel.IsCode(err, kernel.Conflict) {
			continue // another server changed the alert first: read again
		}
		if err != nil {
			return Alert{}, "", err
		}
		return saved, change, nil
	}
	return Alert{}, "", kernel.Errorf(kernel.Conflict, "alert %s kept changing while being raised; try again", t.Key)
}

func (s *Service) messages(ctx context.Context, a Alert, change Change, now time.Time) ([]Message, error) {
	if !ShouldNotify(a, change, now) {
		return nil, nil
	}
	eps, err := s.Endpoints.Endpoints(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	var msgs []Message
	for _, e := range eps {
		if !e.Wants(a) {
			continue
		}
		m, err := NewAlertMessage(e, a, change, now)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// Update loads alert id, applies change (one of the Alert transition
// methods) and saves it. A Conflict from a concurrent edit is returned to
// the caller, who shows the fresh alert to the person acting on it.
func (s *Service) Update(ctx context.Context, orgID, id string, change func(Alert, time.Time) (Alert, error)) (Alert, error) {
	a, err := s.Alerts.Alert(ctx, orgID, id)
	if err != nil {
		return Alert{}, err
	}
	next, err := change(a, s.Clock.Now())
	if err != nil {
		return Alert{}, err
	}
	return s.Alerts.SaveAlert(ctx, next, nil)
}

// Sender hands one message to its receiver. The adapter implements it over
// HTTP (signing with Sign and setting SignatureHeader and DeliveryHeader) or
// SMTP. It returns nil only when the receiver confirmed success; the error
// text is stored as the failure reason, so it must not carry response bodies.
type Sender func(ctx context.Context, m Message) error

// DeliverDue runs one delivery pass: it claims up to limit due messages,
// sends each and records the outcome under policy. rnd supplies the backoff
// jitter. It returns how many were delivered and how many failed.
func DeliverDue(ctx context.Context, ob Outbox, send Sender, policy RetryPolicy, rnd func() float64, clock kernel.Clock, limit int, lease time.Duration) (delivered, failed int, err error) {
	leases, err := ob.Claim(ctx, clock.Now(), limit, lease)
	if err != nil {
		return 0, 0, err
	}
	for _, l := range leases {
		if err := ctx.Err(); err != nil {
			return delivered, failed, err
		}
		var next Message
		sendErr := send(ctx, l.Message)
		now := clock.Now()
		if sendErr == nil {
			next, err = l.Message.Delivered(now)
			delivered++
		} else {
			next, err = l.Message.Failed(sendErr.Error(), now, policy, rnd)
			failed++
		}
		if err != nil {
			return delivered, failed, err
		}
		if err := ob.Complete(ctx, l, next); err != nil && !kernel.IsCode(err, kernel.Conflict) {
			return delivered, failed, err
		}
	}
	return delivered, failed, nil
}
