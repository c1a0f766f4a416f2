package earlywarning

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Channel is how a message reaches people.
type Channel string

const (
	ChannelWebhook Channel = "webhook" // an HTTPS POST signed with the endpoint's secret
	ChannelEmail   Channel = "email"   // a message sent over SMTP
)

// Endpoint is one destination an organisation has configured.
type Endpoint struct {
	ID      string  `json:"id"`
	OrgID   string  `json:"org_id"`
	Channel Channel `json:"channel"`
	// Target is the webhook URL or the email address.
	Target string `json:"target"`
	// Secret signs webhook bodies; never shown again after creation.
	Secret []byte `json:"-"`
	// MinSeverity drops alerts below it.
	MinSeverity Severity `json:"min_severity"`
	// Digest sends one message a day listing the day's alerts instead of a
	// message per alert.
	Digest bool `json:"digest"`
}

// Validate names the first field of e that is missing or wrong. Reaching the
// target is the transport's business, so only its shape is checked here.
func (e Endpoint) Validate() error {
	switch {
	case strings.TrimSpace(e.OrgID) == "":
		return kernel.Errorf(kernel.Invalid, "endpoint org_id: missing")
	case e.Channel != ChannelWebhook && e.Channel != ChannelEmail:
		return kernel.Errorf(kernel.Invalid, "endpoint channel: %q is not one of webhook, email", e.Channel)
	case e.Channel == ChannelWebhook && !strings.HasPrefix(e.Target, "https://") && !strings.HasPrefix(e.Target, "http://"):
		return kernel.Errorf(kernel.Invalid, "endpoint target: a webhook needs an http:// or https:// URL")
	case e.Channel == ChannelWebhook && len(e.Secret) < 16:
		return kernel.Errorf(kernel.Invalid, "endpoint secret: a webhook secret needs at least 16 bytes")
	case e.Channel == ChannelEmail && (strings.Count(e.Target, "@") != 1 || strings.ContainsAny(e.Target, " \r\n<>,")):
		return kernel.Errorf(kernel.Invalid, "endpoint target: %q is not a single email address", clip(e.Target))
	case !e.MinSeverity.valid():
		return kernel.Errorf(kernel.Invalid, "endpoint min_severity: %q is not one of low, medium, high, critical", e.MinSeverity)
	}
	return nil
}

// Wants reports whether e takes an immediate message for a.
func (e Endpoint) Wants(a Alert) bool {
	return !e.Digest && a.Severity.Rank() >= e.MinSeverity.Rank()
}

// MessageState is where an outbox message is in delivery.
type MessageState string

const (
	MessagePending   MessageState = "pending"   // waiting for its next attempt
	MessageDelivered MessageState = "delivered" // the receiver answered success; final
	MessageDead      MessageState = "dead"      // gave up after MaxAttempts; final, shown to admins
)

// Message is an outbox row: written in the same transaction as the alert
// change it announces, then delivered by a worker, so that nothing is lost
// when the receiver is down or the server restarts.
type Message struct {
	ID         string       `json:"id"`
	OrgID      string       `json:"org_id"`
	EndpointID string       `json:"endpoint_id"`
	Channel    Channel      `json:"channel"`
	AlertID    string       `json:"alert_id,omitempty"` // empty for a digest
	Subject    string       `json:"subject"`            // email subject, or the event name of a webhook
	Body       []byte       `json:"body"`
	State      MessageState `json:"state"`
	Attempts   int          `json:"attempts"`
	// NextAttemptAt is when the message is next due.
	NextAttemptAt time.Time `json:"next_attempt_at"`
	LastError     string    `json:"last_error,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	DeliveredAt   time.Time `json:"delivered_at,omitzero"`
}

// WebhookEvent is the JSON body of an alert webhook.
type WebhookEvent struct {
	// DeliveryID is the outbox message id: receivers drop a delivery whose
	// id they have already processed, which makes at-least-once delivery
	// exactly-once for them.
	DeliveryID string `json:"delivery_id"`
	Event      string `json:"event"` // "alert.created" or "alert.escalated"
	Alert      Alert  `json:"alert"`
}

// NewAlertMessage builds the outbox message announcing change on a to e.
func NewAlertMessage(e Endpoint, a Alert, change Change, now time.Time) (Message, error) {
	m := Message{
		ID: kernel.NewID(), OrgID: e.OrgID, EndpointID: e.ID, Channel: e.Channel, AlertID: a.ID,
		State: MessagePending, NextAttemptAt: now.UTC(), CreatedAt: now.UTC(),
	}
	switch e.Channel {
	case ChannelWebhook:
		m.Subject = "alert." + string(change)
		body, err := json.Marshal(WebhookEvent{DeliveryID: m.ID, Event: m.Subject, Alert: a})
		if err != nil {
			return Message{}, kernel.Wrap(kernel.Internal, err, "encoding webhook body")
		}
		m.Body = body
	case ChannelEmail:
		m.Subject = "[Upstream] " + strings.ToUpper(string(a.Severity)) + " alert: " + a.Subject.String() + " (" + string(change) + ")"
		m.Body = []byte(alertText(a))
	default:
		return Message{}, kernel.Errorf(kernel.Invalid, "endpoint channel: %q is not one of webhook, email", e.Channel)
	}
	return m, nil
}

func alertText(a Alert) string {
	var b strings.Builder
	b.WriteString("Severity: " + string(a.Severity) + "\n")
	b.WriteString("Subject: " + a.Subject.String() + "\n")
	b.WriteString("Signal: " + string(a.Kind) + "\n")
	b.WriteString("Detector: " + a.Detector + " (score " + strconv.FormatFloat(a.Score, 'f', -1, 64) + ")\n")
	b.WriteString("First seen: " + a.FirstSeen.UTC().Format(time.RFC3339) + "\n")
	b.WriteString("Last seen: " + a.LastSeen.UTC().Format(time.RFC3339) + "\n")
	b.WriteString("Occurrences: " + strconv.Itoa(a.Occurrences) + "\n")
	b.WriteString("Source: " + a.Source + "\n")
	return b.String()
}

// RetryPolicy spaces delivery attempts. Attempt n (1-based) that fails waits
//
//	d = min(Max, Initial * Multiplier^(n-1))
//
// reduced by a random fraction of up to Jitter: the wait is d*(1-Jitter*u)
// with u uniform in [0, 1). Jitter spreads retries of many messages that
// failed together, so a receiver coming back is not hit all at once. After
// MaxAttempts failures the message is dead.
type RetryPolicy struct {
	Initial     time.Duration
	Max         time.Duration
	Multiplier  float64
	Jitter      float64
	MaxAttempts int
}

// DefaultRetryPolicy retries after about 30 s, 1 min, 2 min ... capped at
// 6 h, with 20% jitter, and gives up after 12 attempts (about 14.5 hours in
// all).
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{Initial: 30 * time.Second, Max: 6 * time.Hour, Multiplier: 2, Jitter: 0.2, MaxAttempts: 12}
}

// Validate names the first parameter out of range.
func (p RetryPolicy) Validate() error {
	switch {
	case p.Initial <= 0:
		return kernel.Errorf(kernel.Invalid, "retry initial: must be above 0")
	case p.Max < p.Initial:
		return kernel.Errorf(kernel.Invalid, "retry max: %s is below initial %s", p.Max, p.Initial)
	case !(p.Multiplier >= 1) || p.Multiplier > 10:
		return kernel.Errorf(kernel.Invalid, "retry multiplier: %v is outside [1, 10]", p.Multiplier)
	case !(p.Jitter >= 0 && p.Jitter < 1):
		return kernel.Errorf(kernel.Invalid, "retry jitter: %v is outside [0, 1)", p.Jitter)
	case p.MaxAttempts < 1 || p.MaxAttempts > 100:
		return kernel.Errorf(kernel.Invalid, "retry max_attempts: %d is outside 1..100", p.MaxAttempts)
	}
	return nil
}

// Backoff returns the wait after failed attempt n (1-based). rnd returns a
// number in [0, 1); pass rand.Float64, or a constant in tests.
func (p RetryPolicy) Backoff(n int, rnd func() float64) time.Duration {
	d := float64(p.Initial) * math.Pow(p.Multiplier, float64(max(n, 1)-1))
	d = min(d, float64(p.Max))
	u := rnd()
	if !(u >= 0 && u < 1) {
		u = 0
	}
	return time.Duration(d * (1 - p.Jitter*u))
}

// Delivered records a successful attempt. Delivered is final.
func (m Message) Delivered(now time.Time) (Message, error) {
	if m.State != MessagePending {
		return m, kernel.Errorf(kernel.Conflict, "message %s is %s, not pending", m.ID, m.State)
	}
	m.Attempts++
	m.State, m.DeliveredAt, m.LastError = MessageDelivered, now.UTC(), ""
	return m, nil
}

// Failed records a failed attempt with a short reason (never the response
// body, which may echo data back): the message is due again after the
// policy's backoff, or dead after its last attempt.
func (m Message) Failed(reason string, now time.Time, p RetryPolicy, rnd func() float64) (Message, error) {
	if m.State != MessagePending {
		return m, kernel.Errorf(kernel.Conflict, "message %s is %s, not pending", m.ID, m.State)
	}
	m.Attempts++
	m.LastError = clipN(reason, 500)
	if m.Attempts >= p.MaxAttempts {
		m.State = MessageDead
		return m, nil
	}
	m.NextAttemptAt = now.UTC().Add(p.Backoff(m.Attempts, rnd))
	return m, nil
}

// Requeue gives a dead message a fresh set of attempts, for an admin who has
// fixed the receiver.
func (m Message) Requeue(now time.Time) (Message, error) {
	if m.State != MessageDead {
		return m, kernel.Errorf(kernel.Conflict, "message %s is %s; only dead messages can be requeued", m.ID, m.State)
	}
	m.State, m.Attempts, m.NextAttemptAt = MessagePending, 0, now.UTC()
	return m, nil
}

func clipN(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// Webhook signatures.
//
// Every webhook request carries the header
//
//	Upstream-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
//
// where the HMAC is keyed with the endpoint's secret and computed over the
// bytes "<unix seconds>.<raw request body>". During a secret rotation the
// header carries one v1 entry per active secret. Receivers recompute the HMAC
// with their secret, compare in constant time, and reject timestamps further
// than their tolerance from their clock (VerifySignature does all of this).
const SignatureHeader = "Upstream-Signature"

// DeliveryHeader carries the outbox message id, for receivers to drop
// repeats.
const DeliveryHeader = "Upstream-Delivery"

// DefaultSignatureTolerance is how far a signature's timestamp may be from
// the receiver's clock.
const DefaultSignatureTolerance = 5 * time.Minute

func signature(secret []byte, ts int64, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return mac.Sum(nil)
}

// Sign returns the Upstream-Signature header value for body sent at t, with
// one v1 entry per secret (the current one first).
func Sign(t time.Time, body []byte, secrets ...[]byte) string {
	ts := t.Unix()
	var b strings.Builder
	b.WriteString("t=" + strconv.FormatInt(ts, 10))
	for _, s := range secrets {
		b.WriteString(",v1=" + hex.EncodeToString(signature(s, ts, body)))
	}
	return b.String()
}

// MaxSignatureHeader bounds the header a receiver will parse.
const MaxSignatureHeader = 4096

// VerifySignature checks an Upstream-Signature header against body with any
// of the receiver's secrets. It fails with an Unauthorised error when the
// header is malformed, the timestamp is further than tolerance from now, or
// no v1 entry matches; unknown schemes (other than t and v1) are ignored so
// that new schemes can be added.
func VerifySignature(header string, body []byte, now time.Time, tolerance time.Duration, secrets ...[]byte) error {
	if len(header) > MaxSignatureHeader {
		return kernel.Errorf(kernel.Unauthorised, "signature header longer than %d bytes", MaxSignatureHeader)
	}
	var ts int64
	haveTS := false
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return kernel.Errorf(kernel.Unauthorised, "signature header: %q is not key=value", clip(part))
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || haveTS {
				return kernel.Errorf(kernel.Unauthorised, "signature header: bad or repeated timestamp %q", clip(v))
			}
			ts, haveTS = n, true
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				return kernel.Errorf(kernel.Unauthorised, "signature header: v1 is not 64 hex digits")
			}
			sigs = append(sigs, sig)
		}
	}
	if !haveTS {
		return kernel.Errorf(kernel.Unauthorised, "signature header: timestamp t missing")
	}
	if len(sigs) == 0 {
		return kernel.Errorf(kernel.Unauthorised, "signature header: no v1 signature")
	}
	now64, tol := now.Unix(), int64(tolerance/time.Second)
	if ts < now64-tol || ts > now64+tol {
		return kernel.Errorf(kernel.Unauthorised, "signature timestamp is outside the %s tolerance", tolerance)
	}
	for _, secret := range secrets {
		want := signature(secret, ts, body)
		for _, sig := range sigs {
			if hmac.Equal(want, sig) {
				return nil
			}
		}
	}
	return kernel.Errorf(kernel.Unauthorised, "signature does not match")
}
