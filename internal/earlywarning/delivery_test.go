package earlywarning_test

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// The vector was computed independently with
//
//	printf '%s' '1767225600.{"delivery_id":"d1","event":"alert.created"}' |
//	  openssl dgst -sha256 -hmac 'whsec_test_0123456789abcdef'
var (
	vectorSecret = []byte("whsec_test_0123456789abcdef")
	vectorBody   = []byte(`{"delivery_id":"d1","event":"alert.created"}`)
	vectorTime   = time.Unix(1767225600, 0)
	vectorHeader = "t=1767225600,v1=aba49468312d963ccbc338bcabce295153453bdfcd51cd8a3c711d2202a2ae2e"
)

func TestSignatureVector(t *testing.T) {
	if got := ew.Sign(vectorTime, vectorBody, vectorSecret); got != vectorHeader {
		t.Fatalf("Sign = %s\nwant   %s", got, vectorHeader)
	}
	if err := ew.VerifySignature(vectorHeader, vectorBody, vectorTime.Add(time.Minute), ew.DefaultSignatureTolerance, vectorSecret); err != nil {
		t.Fatal(err)
	}
}

func TestVerifySignature(t *testing.T) {
	old := []byte("whsec_old_secret_000000")
	now := vectorTime.Add(30 * time.Second)
	tests := []struct {
		name    string
		header  string
		body    []byte
		now     time.Time
		secrets [][]byte
		want    string
	}{
		{"valid", vectorHeader, vectorBody, now, [][]byte{vectorSecret}, ""},
		{"rotation: header signed with both", ew.Sign(vectorTime, vectorBody, old, vectorSecret), vectorBody, now, [][]byte{vectorSecret}, ""},
		{"rotation: receiver knows both", vectorHeader, vectorBody, now, [][]byte{old, vectorSecret}, ""},
		{"unknown scheme ignored", vectorHeader + ",v0=abc", vectorBody, now, [][]byte{vectorSecret}, ""},
		{"body changed", vectorHeader, []byte(`{"delivery_id":"d2","event":"alert.created"}`), now, [][]byte{vectorSecret}, "signature does not match"},
		{"wrong secret", vectorHeader, vectorBody, now, [][]byte{old}, "signature does not match"},
		{"too old", vectorHeader, vectorBody, vectorTime.Add(6 * time.Minute), [][]byte{vectorSecret}, "signature timestamp is outside the 5m0s tolerance"},
		{"from the future", vectorHeader, vectorBody, vectorTime.Add(-6 * time.Minute), [][]byte{vectorSecret}, "signature timestamp is outside the 5m0s tolerance"},
		{"no timestamp", "v1=aba49468312d963ccbc338bcabce295153453bdfcd51cd8a3c711d2202a2ae2e", vectorBody, now, [][]byte{vectorSecret}, "signature header: timestamp t missing"},
		{"no signature", "t=1767225600", vectorBody, now, [][]byte{vectorSecret}, "signature header: no v1 signature"},
		{"short signature", "t=1767225600,v1=abcd", vectorBody, now, [][]byte{vectorSecret}, "signature header: v1 is not 64 hex digits"},
		{"garbage", "hello", vectorBody, now, [][]byte{vectorSecret}, `signature header: "hello" is not key=value`},
		{"two timestamps", "t=1,t=2,v1=aba49468312d963ccbc338bcabce295153453bdfcd51cd8a3c711d2202a2ae2e", vectorBody, now, [][]byte{vectorSecret}, `signature header: bad or repeated timestamp "2"`},
		{"extreme timestamp", "t=-9223372036854775808,v1=aba49468312d963ccbc338bcabce295153453bdfcd51cd8a3c711d2202a2ae2e", vectorBody, now, [][]byte{vectorSecret}, "signature timestamp is outside the 5m0s tolerance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ew.VerifySignature(tt.header, tt.body, tt.now, ew.DefaultSignatureTolerance, tt.secrets...)
			got := ""
			if err != nil {
				got = err.Error()
				if !kernel.IsCode(err, kernel.Unauthorised) {
					t.Errorf("code %s, want unauthorised", kernel.ErrorCode(err))
				}
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzVerifySignature(f *testing.F) {
	f.Add(vectorHeader, string(vectorBody), int64(0))
	f.Add("t=1,v1=00,v1=zz", "", int64(100))
	f.Add("t=9223372036854775807,v1="+string(make([]byte, 64)), "x", int64(-1))
	f.Fuzz(func(t *testing.T, header, body string, offset int64) {
		now := vectorTime.Add(time.Duration(offset%1000) * time.Second)
		err := ew.VerifySignature(header, []byte(body), now, ew.DefaultSignatureTolerance, vectorSecret)
		if err != nil && !kernel.IsCode(err, kernel.Unauthorised) {
			t.Fatalf("code %s for %v", kernel.ErrorCode(err), err)
		}
		if err == nil && ew.Sign(vectorTime, []byte(body), vectorSecret) != vectorHeader && header == vectorHeader {
			t.Fatalf("verified a body that was not signed: %q", body)
		}
	})
}

func TestBackoff(t *testing.T) {
	p := ew.DefaultRetryPolicy()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	zero := func() float64 { return 0 }
	tests := []struct {
		attempt int
		rnd     func() float64
		want    time.Duration
	}{
		{1, zero, 30 * time.Second},
		{2, zero, time.Minute},
		{3, zero, 2 * time.Minute},
		{10, zero, 512 * 30 * time.Second},
		{11, zero, 6 * time.Hour}, // capped
		{1, func() float64 { return 0.5 }, 27 * time.Second},
		{2, func() float64 { return 0.999999999 }, 48 * time.Second},
		{1, func() float64 { return 7 }, 30 * time.Second}, // out-of-range randomness is ignored
	}
	for _, tt := range tests {
		if got := p.Backoff(tt.attempt, tt.rnd); got.Round(time.Millisecond) != tt.want {
			t.Errorf("Backoff(%d) = %s, want %s", tt.attempt, got, tt.want)
		}
	}
}

func TestMessageRetriesThenDeadLetter(t *testing.T) {
	p := ew.RetryPolicy{Initial: time.Second, Max: time.Minute, Multiplier: 2, Jitter: 0, MaxAttempts: 3}
	e := ew.Endpoint{ID: "e1", OrgID: "org1", Channel: ew.ChannelWebhook, Target: "https://example.org/hook", Secret: vectorSecret, MinSeverity: ew.SeverityLow}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	a, ch := mustRaise(t, nil, trigger(ew.SeverityHigh), t0)
	m, err := ew.NewAlertMessage(e, a, ch, t0)
	if err != nil {
		t.Fatal(err)
	}
	var ev ew.WebhookEvent
	if err := json.Unmarshal(m.Body, &ev); err != nil || ev.DeliveryID != m.ID || ev.Event != "alert.created" || ev.Alert.ID != a.ID {
		t.Fatalf("webhook body %s: %v", m.Body, err)
	}
	now := t0
	var waits []time.Duration
	for i := range 3 {
		m, err = m.Failed("HTTP 503", now, p, rndZero)
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			waits = append(waits, m.NextAttemptAt.Sub(now))
			now = m.NextAttemptAt
		}
	}
	if m.State != ew.MessageDead || m.Attempts != 3 || m.LastError != "HTTP 503" {
		t.Fatalf("after 3 failures: %+v", m)
	}
	if waits[0] != time.Second || waits[1] != 2*time.Second {
		t.Errorf("waits %v, want [1s 2s]", waits)
	}
	if _, err := m.Delivered(now); !kernel.IsCode(err, kernel.Conflict) {
		t.Errorf("delivering a dead message: %v", err)
	}
	m, err = m.Requeue(now)
	if err != nil || m.State != ew.MessagePending || m.Attempts != 0 {
		t.Fatalf("requeue: %+v %v", m, err)
	}
	m, err = m.Delivered(now)
	if err != nil || m.State != ew.MessageDelivered || m.Attempts != 1 {
		t.Fatalf("delivered: %+v %v", m, err)
	}
	if _, err := m.Failed("late", now, p, rndZero); !kernel.IsCode(err, kernel.Conflict) {
		t.Errorf("failing a delivered message: %v", err)
	}
}

func rndZero() float64 { return 0 }

func TestEndpointValidate(t *testing.T) {
	tests := []struct {
		name string
		e    ew.Endpoint
		want string
	}{
		{"email ok", ew.Endpoint{OrgID: "o", Channel: ew.ChannelEmail, Target: "alerts@example.org", MinSeverity: ew.SeverityMedium}, ""},
		{"email list", ew.Endpoint{OrgID: "o", Channel: ew.ChannelEmail, Target: "a@example.org, b@example.org", MinSeverity: ew.SeverityMedium}, `endpoint target: "a@example.org, b@example.org" is not a single email address`},
		{"webhook without secret", ew.Endpoint{OrgID: "o", Channel: ew.ChannelWebhook, Target: "https://example.org", MinSeverity: ew.SeverityLow}, "endpoint secret: a webhook secret needs at least 16 bytes"},
		{"webhook ftp", ew.Endpoint{OrgID: "o", Channel: ew.ChannelWebhook, Target: "ftp://example.org", Secret: vectorSecret, MinSeverity: ew.SeverityLow}, "endpoint target: a webhook needs an http:// or https:// URL"},
		{"sms", ew.Endpoint{OrgID: "o", Channel: "sms", MinSeverity: ew.SeverityLow}, `endpoint channel: "sms" is not one of webhook, email`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.e.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDigestGolden(t *testing.T) {
	loc := time.FixedZone("UTC+6", 6*3600)
	at := func(h int) time.Time { return time.Date(2026, 3, 2, h, 0, 0, 0, loc) }
	mk := func(id string, sev ew.Severity, sub string, h int) ew.Alert {
		tr := trigger(sev)
		tr.Key, tr.Subject, tr.At = "anomaly/party:"+sub, ew.Subject{Kind: ew.SubjectParty, ID: sub}, at(h)
		a, _ := mustRaise(t, nil, tr, at(h))
		a.ID = id
		return a
	}
	hit := mk("a3", ew.SeverityCritical, "p3", 9)
	hit.Kind, hit.Detector = ew.KindWatchlistHit, "threshold:watchlist-hit"
	assigned, _ := mk("a4", ew.SeverityHigh, "p4", 11).Assign("case-officer-2", at(12))
	again := trigger(ew.SeverityLow)
	again.Key, again.Subject, again.At = "anomaly/party:p5", ew.Subject{Kind: ew.SubjectParty, ID: "p5"}, at(14)
	repeated, _ := mustRaise(t, ptr(mk("a5", ew.SeverityMedium, "p5", 2)), again, at(14))
	snoozed, _ := mk("a6", ew.SeverityHigh, "p6", 10).Snooze(at(48), at(10))
	alerts := []ew.Alert{
		mk("a1", ew.SeverityMedium, "p1", 8),
		mk("a2", ew.SeverityLow, "p2", 1),   // below the endpoint's minimum
		mk("a7", ew.SeverityHigh, "p7", 30), // the next day
		hit, assigned, repeated, snoozed,
	}
	d := ew.BuildDigest("org1", day(t, "2026-03-02"), loc, ew.SeverityMedium, alerts)
	got := d.Subject() + "\n\n" + d.Text()
	golden(t, filepath.Join("testdata", "digest.golden.txt"), got)
	empty := ew.BuildDigest("org1", day(t, "2026-03-03"), loc, ew.SeverityCritical, alerts)
	if empty.Total != 0 || empty.Text() != "Upstream alerts seen on 2026-03-03\n\nNo alerts.\n" {
		t.Errorf("empty digest: %+v %q", empty, empty.Text())
	}
}

func ptr[T any](v T) *T { return &v }

func golden(t *testing.T, path, got string) {
	t.Helper()
	testkit.Golden(t, path, []byte(got))
}
