package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// WebhookSender posts messages to webhook endpoints, signed as
// earlywarning.Sign defines.
type WebhookSender struct {
	// Client sends the requests; NewWebhookSender sets a timeout and
	// refuses redirects.
	Client *http.Client
	Clock  kernel.Clock
	// UserAgent names Upstream and its version to receivers.
	UserAgent string
}

// NewWebhookSender returns a sender whose requests time out after timeout,
// connect only to addresses the policy accepts and do not follow
// redirects: a receiver that answers 3xx has not taken the message, and
// following it could send signed alerts somewhere the admin never
// configured. Requests go straight to the receiver, never through a proxy
// from the environment, so the policy sees the address really reached.
func NewWebhookSender(timeout time.Duration, clock kernel.Clock, version string, policy AddressPolicy) *WebhookSender {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: policy.Control}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &WebhookSender{
		Client: &http.Client{
			Timeout:       timeout,
			Transport:     transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		Clock:     clock,
		UserAgent: "Upstream-Webhook/" + version,
	}
}

// Send posts m to ep. Only a 2xx answer is success; the error for anything
// else names the status, never the response body.
func (w *WebhookSender) Send(ctx context.Context, ep earlywarning.Endpoint, m earlywarning.Message) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.Target, bytes.NewReader(m.Body))
	if err != nil {
		return kernel.Wrap(kernel.Invalid, err, "webhook target %s", ep.Target)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", w.UserAgent)
	req.Header.Set(earlywarning.DeliveryHeader, m.ID)
	req.Header.Set("Upstream-Event", m.Subject)
	req.Header.Set(earlywarning.SignatureHeader, earlywarning.Sign(w.Clock.Now(), m.Body, ep.Secret))
	res, err := w.Client.Do(req)
	var refused *RefusedAddressError
	if errors.As(err, &refused) {
		return kernel.Wrap(kernel.Forbidden, refused, "webhook target %s", ep.Target)
	}
	if err != nil {
		return fmt.Errorf("webhook request failed: %s", shortNetError(err))
	}
	// Drain a little so the connection can be reused; the body itself is
	// never stored, since a receiver might echo data back.
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webhook receiver answered HTTP %d", res.StatusCode)
	}
	return nil
}

// shortNetError keeps the kind of failure without the whole URL chain.
func shortNetError(err error) string {
	switch {
	case isTimeout(err):
		return "timed out"
	default:
		s := err.Error()
		if len(s) > 200 {
			s = s[:200]
		}
		return s
	}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
