package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Store is everything the early-warning jobs read and write.
type Store interface {
	earlywarning.Outbox
	EndpointLookup
	DigestStore
	SignalStore
	ThresholdStore
}

// Config sets the early-warning jobs' intervals and senders. Zero
// intervals take the defaults.
type Config struct {
	Holder       string
	TTL          time.Duration // lease length (default 30 s)
	DeliverEvery time.Duration // outbox delivery (default 5 s)
	DetectEvery  time.Duration // count-anomaly detection (default 15 min)
	RulesEvery   time.Duration // threshold rules over new signals (default 30 s)
	DigestEvery  time.Duration // daily digest check (default 1 h; each day's digest is queued once)
	Webhook      *WebhookSender
	Email        *SMTPSender
}

// Job names, as they appear in the lease table.
const (
	JobDeliver = "earlywarning.deliver"
	JobDetect  = "earlywarning.detect"
	JobDigest  = "earlywarning.digest"
	JobRules   = "earlywarning.thresholds"
)

// NewScheduler returns a scheduler with the early-warning jobs registered:
// delivery of the outbox, threshold rules over new signals, the count
// detectors and the daily digest.
func NewScheduler(leases Leases, store Store, alerts *earlywarning.Service, clock kernel.Clock, log *slog.Logger, cfg Config) *Scheduler {
	or := func(d, def time.Duration) time.Duration {
		if d <= 0 {
			return def
		}
		return d
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Webhook == nil {
		cfg.Webhook = NewWebhookSender(10*time.Second, clock, "dev", AddressPolicy{})
	}
	delivery := &Delivery{Outbox: store, Clock: clock,
		Send: (&Dispatch{Endpoints: store, Webhook: cfg.Webhook, Email: cfg.Email}).Send}
	detect := &Detect{Signals: store, Alerts: alerts, Clock: clock}
	digests := &Digests{Store: store, Clock: clock}
	rules := &Thresholds{Store: store, Alerts: alerts}
	s := &Scheduler{Leases: leases, Holder: cfg.Holder, TTL: cfg.TTL, Log: log}
	s.Add(Job{Name: JobDeliver, Every: or(cfg.DeliverEvery, 5*time.Second), Run: delivery.Run})
	s.Add(Job{Name: JobRules, Every: or(cfg.RulesEvery, 30*time.Second), Run: func(ctx context.Context) error {
		n, err := rules.Run(ctx)
		if n > 0 {
			log.Info("threshold rules raised alerts", "triggers", n)
		}
		return err
	}})
	s.Add(Job{Name: JobDetect, Every: or(cfg.DetectEvery, 15*time.Minute), Run: func(ctx context.Context) error {
		n, err := detect.Run(ctx)
		if n > 0 {
			log.Info("count detectors raised alerts", "detections", n)
		}
		return err
	}})
	s.Add(Job{Name: JobDigest, Every: or(cfg.DigestEvery, time.Hour), Run: func(ctx context.Context) error {
		n, err := digests.Run(ctx)
		if n > 0 {
			log.Info("queued daily digests", "digests", n)
		}
		return err
	}})
	return s
}
