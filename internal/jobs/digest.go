package jobs

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// DigestStore is what the digest job needs from storage.
type DigestStore interface {
	// DigestEndpoints lists every organisation's endpoints that asked for
	// a daily digest.
	DigestEndpoints(ctx context.Context) ([]earlywarning.Endpoint, error)
	// AlertsSeenBetween lists an organisation's alerts last seen in [from, to).
	AlertsSeenBetween(ctx context.Context, orgID string, from, to time.Time) ([]earlywarning.Alert, error)
	// Enqueue stores messages; an id already stored is a Conflict.
	Enqueue(ctx context.Context, msgs []earlywarning.Message) error
}

// digestSpace makes digest message ids from endpoint and day, so that
// building yesterday's digest again (every run until midnight, or on
// another server) finds it already queued instead of sending it twice.
var digestSpace = uuid.MustParse("5f1d3a52-8c1e-4b8e-9a43-0d7c2f6b9e10")

// DigestID is the outbox id of an endpoint's digest for day.
func DigestID(endpointID string, day earlywarning.Day) string {
	return uuid.NewSHA1(digestSpace, []byte(endpointID+"/"+day.String())).String()
}

// Digests queues yesterday's digest (days in UTC) for every digest
// endpoint; it is the body of the "digest" job.
type Digests struct {
	Store DigestStore
	Clock kernel.Clock
}

// DigestWebhook is the JSON body of a digest sent to a webhook.
type DigestWebhook struct {
	DeliveryID string               `json:"delivery_id"`
	Event      string               `json:"event"` // "alert.digest"
	Day        earlywarning.Day     `json:"day"`
	Total      int                  `json:"total"`
	Alerts     []earlywarning.Alert `json:"alerts"`
}

// Run queues the digests of the last complete day. It returns how many it
// queued; digests already queued are skipped.
func (d *Digests) Run(ctx context.Context) (queued int, err error) {
	now := d.Clock.Now().UTC()
	day := earlywarning.DayOf(now) - 1
	from := day.Time()
	to := from.AddDate(0, 0, 1)
	eps, err := d.Store.DigestEndpoints(ctx)
	if err != nil {
		return 0, err
	}
	byOrg := map[string][]earlywarning.Alert{}
	for _, ep := range eps {
		alerts, ok := byOrg[ep.OrgID]
		if !ok {
			if alerts, err = d.Store.AlertsSeenBetween(ctx, ep.OrgID, from, to); err != nil {
				return queued, err
			}
			byOrg[ep.OrgID] = alerts
		}
		dg := earlywarning.BuildDigest(ep.OrgID, day, time.UTC, ep.MinSeverity, alerts)
		m := earlywarning.Message{ID: DigestID(ep.ID, day), OrgID: ep.OrgID, EndpointID: ep.ID, Channel: ep.Channel,
			State: earlywarning.MessagePending, NextAttemptAt: now, CreatedAt: now}
		switch ep.Channel {
		case earlywarning.ChannelEmail:
			m.Subject, m.Body = dg.Subject(), []byte(dg.Text())
		default:
			list := []earlywarning.Alert{}
			for _, g := range dg.Groups {
				list = append(list, g.Alerts...)
			}
			m.Subject = "alert.digest"
			if m.Body, err = json.Marshal(DigestWebhook{DeliveryID: m.ID, Event: m.Subject, Day: day, Total: dg.Total, Alerts: list}); err != nil {
				return queued, kernel.Wrap(kernel.Internal, err, "encoding digest")
			}
		}
		err := d.Store.Enqueue(ctx, []earlywarning.Message{m})
		if kernel.IsCode(err, kernel.Conflict) {
			continue
		}
		if err != nil {
			return queued, err
		}
		queued++
	}
	return queued, nil
}
