package jobs

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Delivery sends due outbox messages. Each pass claims a batch under a
// lease, sends each message and records the outcome under the retry
// policy (earlywarning.DeliverDue).
type Delivery struct {
	Outbox earlywarning.Outbox
	Send   earlywarning.Sender
	Policy earlywarning.RetryPolicy
	Clock  kernel.Clock
	// Rand supplies backoff jitter (default math/rand/v2).
	Rand func() float64
	// Batch is how many messages one pass claims (default 20).
	Batch int
	// SendTimeout bounds one send; the claim's lease covers a whole batch
	// of sends that all time out, plus a margin, so no other worker takes
	// a message while it is still being sent.
	SendTimeout time.Duration
	// MaxPasses bounds the passes of one Run (default 10).
	MaxPasses int
}

func (d *Delivery) defaults() {
	if d.Rand == nil {
		d.Rand = rand.Float64
	}
	if d.Batch <= 0 {
		d.Batch = 20
	}
	if d.SendTimeout <= 0 {
		d.SendTimeout = 15 * time.Second
	}
	if d.MaxPasses <= 0 {
		d.MaxPasses = 10
	}
	if d.Policy == (earlywarning.RetryPolicy{}) {
		d.Policy = earlywarning.DefaultRetryPolicy()
	}
	if d.Clock == nil {
		d.Clock = kernel.SystemClock{}
	}
}

// Lease is how long a claim lasts.
func (d *Delivery) Lease() time.Duration {
	d.defaults()
	return time.Duration(d.Batch)*d.SendTimeout + time.Minute
}

// RunOnce makes one pass.
func (d *Delivery) RunOnce(ctx context.Context) (delivered, failed int, err error) {
	d.defaults()
	send := func(ctx context.Context, m earlywarning.Message) error {
		ctx, cancel := context.WithTimeout(ctx, d.SendTimeout)
		defer cancel()
		return d.Send(ctx, m)
	}
	return earlywarning.DeliverDue(ctx, d.Outbox, send, d.Policy, d.Rand, d.Clock, d.Batch, d.Lease())
}

// Run makes passes until one finds fewer messages than a full batch, at
// most MaxPasses; it is the body of the "deliver" job.
func (d *Delivery) Run(ctx context.Context) error {
	d.defaults()
	for range d.MaxPasses {
		ok, bad, err := d.RunOnce(ctx)
		if err != nil {
			return err
		}
		if ok+bad < d.Batch {
			return nil
		}
	}
	return nil
}

// EndpointLookup finds the endpoint a message is addressed to.
type EndpointLookup interface {
	Endpoint(ctx context.Context, orgID, id string) (earlywarning.Endpoint, error)
}

// Dispatch is the earlywarning.Sender that routes a message by its channel
// to the webhook or SMTP sender, with the endpoint's current target and
// secret.
type Dispatch struct {
	Endpoints EndpointLookup
	Webhook   *WebhookSender
	Email     *SMTPSender
}

// Send delivers m; nil only when the receiver confirmed success.
func (d *Dispatch) Send(ctx context.Context, m earlywarning.Message) error {
	ep, err := d.Endpoints.Endpoint(ctx, m.OrgID, m.EndpointID)
	if kernel.IsCode(err, kernel.NotFound) {
		return kernel.Errorf(kernel.NotFound, "endpoint %s was deleted", m.EndpointID)
	}
	if err != nil {
		return err
	}
	switch m.Channel {
	case earlywarning.ChannelWebhook:
		if d.Webhook == nil {
			return kernel.Errorf(kernel.Unavailable, "webhook delivery is not configured")
		}
		return d.Webhook.Send(ctx, ep, m)
	case earlywarning.ChannelEmail:
		if d.Email == nil || d.Email.Addr == "" {
			return kernel.Errorf(kernel.Unavailable, "email delivery is not configured; set UPSTREAM_SMTP_ADDR and UPSTREAM_SMTP_FROM")
		}
		return d.Email.Send(ctx, ep, m)
	}
	return kernel.Errorf(kernel.Invalid, "message %s has unknown channel %q", m.ID, m.Channel)
}
