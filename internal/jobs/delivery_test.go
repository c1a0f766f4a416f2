package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

var secret = []byte("whsec_test_0123456789abcdef")

// receiver is a webhook endpoint on 127.0.0.1 that fails its first
// failFirst calls with 503 and then answers 204, verifying every signature.
type receiver struct {
	t         *testing.T
	clock     *kernel.FixedClock
	failFirst int

	mu        sync.Mutex
	calls     int
	successes map[string]int // delivery id -> successful answers
	at        []time.Time    // clock time of each call
	events    []earlywarning.WebhookEvent
}

func newReceiver(t *testing.T, clock *kernel.FixedClock, failFirst int) (*receiver, *httptest.Server) {
	r := &receiver{t: t, clock: clock, failFirst: failFirst, successes: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(r.serve)) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return r, srv
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	r.at = append(r.at, r.clock.Now())
	if err := earlywarning.VerifySignature(req.Header.Get(earlywarning.SignatureHeader), body, r.clock.Now(), earlywarning.DefaultSignatureTolerance, secret); err != nil {
		r.t.Errorf("signature: %v", err)
	}
	var ev earlywarning.WebhookEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		r.t.Errorf("body: %v", err)
	}
	if id := req.Header.Get(earlywarning.DeliveryHeader); id != ev.DeliveryID {
		r.t.Errorf("%s header %q, body delivery_id %q", earlywarning.DeliveryHeader, id, ev.DeliveryID)
	}
	if r.calls <= r.failFirst {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	r.successes[ev.DeliveryID]++
	r.events = append(r.events, ev)
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) snapshot() (calls int, successes map[string]int, at []time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := map[string]int{}
	for k, v := range r.successes {
		s[k] = v
	}
	return r.calls, s, append([]time.Time(nil), r.at...)
}

type world struct {
	db    *sqlstore.DB
	st    *sqlstore.EarlyWarning
	org   account.Org
	clock *kernel.FixedClock
	svc   *earlywarning.Service
}

func newWorld(t *testing.T, db *sqlstore.DB, clock *kernel.FixedClock) *world {
	t.Helper()
	return attach(db, newOrg(t, db), clock)
}

func newOrg(t testing.TB, db *sqlstore.DB) account.Org {
	t.Helper()
	return newOrgSlug(t, db, "acme")
}

func newOrgSlug(t testing.TB, db *sqlstore.DB, slug string) account.Org {
	t.Helper()
	org := account.Org{ID: kernel.NewID(), Slug: slug, Name: slug, CreatedAt: t0}
	if err := db.Accounts().CreateOrg(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	return org
}

func attach(db *sqlstore.DB, org account.Org, clock *kernel.FixedClock) *world {
	st := db.EarlyWarning()
	return &world{db: db, st: st, org: org, clock: clock, svc: &earlywarning.Service{Alerts: st, Endpoints: st, Clock: clock}}
}

func (w *world) addWebhook(t *testing.T, url string) earlywarning.Endpoint {
	t.Helper()
	ep := earlywarning.Endpoint{ID: kernel.NewID(), OrgID: w.org.ID, Channel: earlywarning.ChannelWebhook, Target: url,
		Secret: secret, MinSeverity: earlywarning.SeverityLow}
	if err := w.st.CreateEndpoint(context.Background(), ep, t0); err != nil {
		t.Fatal(err)
	}
	return ep
}

func (w *world) raise(t *testing.T, party string) earlywarning.Alert {
	t.Helper()
	a, _, err := w.svc.Raise(context.Background(), earlywarning.Trigger{OrgID: w.org.ID, Key: "rule/watchlist-hit/party:" + party,
		Kind: earlywarning.KindWatchlistHit, Subject: earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: party},
		Detector: "threshold:watchlist-hit", Severity: earlywarning.SeverityHigh, Score: 0.97, At: w.clock.Now(), Source: "screening:hit/1"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *world) delivery(email *jobs.SMTPSender) *jobs.Delivery {
	return &jobs.Delivery{Outbox: w.st, Clock: w.clock, Rand: func() float64 { return 0 }, SendTimeout: 5 * time.Second,
		Send: (&jobs.Dispatch{Endpoints: w.st, Webhook: jobs.NewWebhookSender(5*time.Second, w.clock, "test", loopbackAllowed), Email: email}).Send}
}

// TestDeliveryRetriesUntilSuccess: a receiver that fails three times then
// succeeds gets exactly one successful delivery, with the retries spaced
// as DefaultRetryPolicy documents (30 s, 60 s, 120 s without jitter), and
// is never called again for that message.
func TestDeliveryRetriesUntilSuccess(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: t0}
		w := newWorld(t, db, clock)
		rcv, srv := newReceiver(t, clock, 3)
		w.addWebhook(t, srv.URL)
		a := w.raise(t, "p1")
		d := w.delivery(nil)
		policy := earlywarning.DefaultRetryPolicy()

		for attempt := 1; attempt <= 4; attempt++ {
			// Just before the backoff ends nothing is sent.
			if attempt > 1 {
				wait := policy.Backoff(attempt-1, func() float64 { return 0 })
				clock.Advance(wait - time.Second)
				if ok, bad, err := d.RunOnce(ctx); ok+bad != 0 || err != nil {
					t.Fatalf("attempt %d sent before its backoff: %d/%d %v", attempt, ok, bad, err)
				}
				clock.Advance(time.Second)
			}
			ok, bad, err := d.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wantOK := 0
			if attempt == 4 {
				wantOK = 1
			}
			if ok != wantOK || ok+bad != 1 {
				t.Fatalf("attempt %d: delivered %d, failed %d", attempt, ok, bad)
			}
		}
		for range 5 {
			clock.Advance(24 * time.Hour)
			if err := d.Run(ctx); err != nil {
				t.Fatal(err)
			}
		}
		calls, successes, at := rcv.snapshot()
		if calls != 4 || len(successes) != 1 {
			t.Fatalf("receiver: %d calls, successes %v", calls, successes)
		}
		for id, n := range successes {
			if n != 1 {
				t.Fatalf("delivery %s succeeded %d times", id, n)
			}
		}
		for i, want := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute} {
			if got := at[i+1].Sub(at[i]); got != want {
				t.Errorf("gap before attempt %d: %v, want %v", i+2, got, want)
			}
		}
		msgs, _ := w.st.Messages(ctx, w.org.ID, sqlstore.MessageFilter{AlertID: a.ID}, kernel.Page{})
		if len(msgs) != 1 || msgs[0].State != earlywarning.MessageDelivered || msgs[0].Attempts != 4 || msgs[0].LastError != "" {
			t.Fatalf("stored message: %d rows, %s after %d attempts (%q)", len(msgs), msgs[0].State, msgs[0].Attempts, msgs[0].LastError)
		}
	})
}

// TestDeliverySurvivesRestart: the alert is raised, then the server stops
// (the database is closed) before delivery, and once more after a worker
// claimed the message but died before recording the outcome. A new worker
// on the same database delivers each message exactly once.
func TestDeliverySurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dsn := sqltest.DSN(t, sqlstore.SQLite)
	open := func() *sqlstore.DB {
		db, err := sqlstore.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	clock := &kernel.FixedClock{T: t0}
	rcv, srv := newReceiver(t, clock, 0)

	db := open()
	w := newWorld(t, db, clock)
	w.addWebhook(t, srv.URL)
	w.raise(t, "before-restart")
	db.Close() // killed between enqueue and delivery

	db = open()
	w = attach(db, w.org, clock)
	w.raise(t, "claimed-then-crashed")
	claimed, err := w.st.Claim(ctx, clock.Now(), 10, time.Minute)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: %d, %v", len(claimed), err)
	}
	db.Close() // the worker dies holding both leases

	db = open()
	defer db.Close()
	w = attach(db, w.org, clock)
	d := w.delivery(nil)
	if ok, _, _ := d.RunOnce(ctx); ok != 0 {
		t.Fatalf("a new worker took messages still under a lease: %d", ok)
	}
	clock.Advance(2 * time.Minute) // the dead worker's lease runs out
	if ok, bad, err := d.RunOnce(ctx); ok != 2 || bad != 0 || err != nil {
		t.Fatalf("after restart: delivered %d, failed %d, %v", ok, bad, err)
	}
	for range 3 {
		clock.Advance(time.Hour)
		if err := d.Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	calls, successes, _ := rcv.snapshot()
	if calls != 2 || len(successes) != 2 {
		t.Fatalf("receiver: %d calls, %v", calls, successes)
	}
}

// TestDeliveryDeadLetter: a receiver that never succeeds ends as a dead
// letter after MaxAttempts, and is not called again.
func TestDeliveryDeadLetter(t *testing.T) {
	ctx := context.Background()
	clock := &kernel.FixedClock{T: t0}
	w := newWorld(t, sqltest.Open(t, sqlstore.SQLite), clock)
	rcv, srv := newReceiver(t, clock, 1000)
	w.addWebhook(t, srv.URL)
	a := w.raise(t, "p1")
	d := w.delivery(nil)
	d.Policy = earlywarning.RetryPolicy{Initial: time.Second, Max: time.Minute, Multiplier: 2, MaxAttempts: 3}
	for range 10 {
		if _, _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
	}
	calls, _, _ := rcv.snapshot()
	msgs, _ := w.st.Messages(ctx, w.org.ID, sqlstore.MessageFilter{AlertID: a.ID}, kernel.Page{})
	if calls != 3 || msgs[0].State != earlywarning.MessageDead || msgs[0].LastError != "webhook receiver answered HTTP 503" {
		t.Fatalf("%d calls; message %s, %q", calls, msgs[0].State, msgs[0].LastError)
	}
}
