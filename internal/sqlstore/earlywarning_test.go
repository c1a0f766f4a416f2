package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

func ewTrigger(orgID, party string, sev earlywarning.Severity, at time.Time) earlywarning.Trigger {
	return earlywarning.Trigger{OrgID: orgID, Key: "rule/watchlist-hit/party:" + party, Kind: earlywarning.KindWatchlistHit,
		Subject: earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: party}, Detector: "threshold:watchlist-hit",
		Severity: sev, Score: 0.93, At: at, Source: "screening:hit/" + party}
}

func ewService(st *sqlstore.EarlyWarning, now time.Time) (*earlywarning.Service, *kernel.FixedClock) {
	clock := &kernel.FixedClock{T: now}
	return &earlywarning.Service{Alerts: st, Endpoints: st, Clock: clock}, clock
}

func webhookEndpoint(orgID string) earlywarning.Endpoint {
	return earlywarning.Endpoint{ID: kernel.NewID(), OrgID: orgID, Channel: earlywarning.ChannelWebhook,
		Target: "https://hooks.example/upstream", Secret: []byte("whsec_0123456789abcdef"), MinSeverity: earlywarning.SeverityMedium}
}

func TestEarlyWarningAlerts(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.EarlyWarning()
		svc, clock := ewService(st, t0)
		ep := webhookEndpoint(tn.a.ID)
		if err := st.CreateEndpoint(ctx, ep, t0); err != nil {
			t.Fatal(err)
		}

		a, change, err := svc.Raise(ctx, ewTrigger(tn.a.ID, "p1", earlywarning.SeverityHigh, t0))
		if err != nil || change != earlywarning.ChangeCreated || a.Version != 1 {
			t.Fatalf("first raise: %+v %s %v", a, change, err)
		}
		got, err := st.Alert(ctx, tn.a.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Key != a.Key || got.Subject != a.Subject || got.Severity != earlywarning.SeverityHigh || got.Score != 0.93 ||
			!got.FirstSeen.Equal(t0) || got.Version != 1 || got.State != earlywarning.StateOpen || !got.SnoozedUntil.IsZero() {
			t.Fatalf("round trip: %+v", got)
		}
		msgs, err := st.Messages(ctx, tn.a.ID, sqlstore.MessageFilter{AlertID: a.ID}, kernel.Page{})
		if err != nil || len(msgs) != 1 || msgs[0].EndpointID != ep.ID || msgs[0].State != earlywarning.MessagePending {
			t.Fatalf("outbox after create: %+v %v", msgs, err)
		}

		clock.Advance(time.Hour)
		a2, change, err := svc.Raise(ctx, ewTrigger(tn.a.ID, "p1", earlywarning.SeverityHigh, clock.T))
		if err != nil || change != earlywarning.ChangeRepeated || a2.ID != a.ID || a2.Occurrences != 2 || a2.Version != 2 {
			t.Fatalf("repeat: %+v %s %v", a2, change, err)
		}
		if msgs, _ := st.Messages(ctx, tn.a.ID, sqlstore.MessageFilter{AlertID: a.ID}, kernel.Page{}); len(msgs) != 1 {
			t.Fatalf("a repeat was notified: %d messages", len(msgs))
		}

		// A second unresolved alert with the same key is refused by the index.
		dup := got
		dup.ID, dup.Version = kernel.NewID(), 0
		if _, err := st.SaveAlert(ctx, dup, nil); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("duplicate open key: want conflict, got %v", err)
		}
		// A write based on a stale read is refused, and its messages are not stored.
		stale, _ := got.Acknowledge("u1", clock.T)
		m, _ := earlywarning.NewAlertMessage(ep, stale, earlywarning.ChangeEscalated, clock.T)
		if _, err := st.SaveAlert(ctx, stale, []earlywarning.Message{m}); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("stale version: want conflict, got %v", err)
		}
		if _, err := st.Message(ctx, tn.a.ID, m.ID); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("message of a refused save was stored: %v", err)
		}

		upd := func(f func(earlywarning.Alert, time.Time) (earlywarning.Alert, error)) earlywarning.Alert {
			t.Helper()
			out, err := svc.Update(ctx, tn.a.ID, a.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		upd(func(a earlywarning.Alert, now time.Time) (earlywarning.Alert, error) {
			return a.Acknowledge(tn.userA.ID, now)
		})
		upd(func(a earlywarning.Alert, now time.Time) (earlywarning.Alert, error) {
			return a.Assign(tn.userA.ID, now)
		})
		snoozed := upd(func(a earlywarning.Alert, now time.Time) (earlywarning.Alert, error) {
			return a.Snooze(now.Add(24*time.Hour), now)
		})
		if snoozed.State != earlywarning.StateAcknowledged || snoozed.AssignedTo != tn.userA.ID || !snoozed.SnoozedUntil.Equal(clock.T.Add(24*time.Hour)) {
			t.Fatalf("after acknowledge, assign, snooze: %+v", snoozed)
		}
		reread, _ := st.Alert(ctx, tn.a.ID, a.ID)
		if reread.AcknowledgedBy != tn.userA.ID || !reread.AcknowledgedAt.Equal(clock.T) || reread.Version != 5 {
			t.Fatalf("stored transitions: %+v", reread)
		}
		resolved := upd(func(a earlywarning.Alert, now time.Time) (earlywarning.Alert, error) {
			return a.Resolve(tn.userA.ID, "supplier removed from the approved list", now)
		})
		if _, err := st.OpenAlert(ctx, tn.a.ID, a.Key); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("resolved alert still open: %v", err)
		}
		// After resolution the same key opens a new alert.
		again, change, err := svc.Raise(ctx, ewTrigger(tn.a.ID, "p1", earlywarning.SeverityMedium, clock.T))
		if err != nil || change != earlywarning.ChangeCreated || again.ID == resolved.ID {
			t.Fatalf("raise after resolve: %+v %s %v", again, change, err)
		}

		svc.Raise(ctx, ewTrigger(tn.a.ID, "p2", earlywarning.SeverityLow, clock.T.Add(time.Minute)))
		svc.Raise(ctx, ewTrigger(tn.a.ID, "p3", earlywarning.SeverityCritical, clock.T.Add(2*time.Minute)))
		tests := []struct {
			name string
			f    earlywarning.AlertFilter
			p    kernel.Page
			want []string // subject ids, most recently seen first
		}{
			{"all", earlywarning.AlertFilter{}, kernel.Page{}, []string{"p3", "p2", "p1", "p1"}},
			{"unresolved", earlywarning.AlertFilter{States: []earlywarning.State{earlywarning.StateOpen, earlywarning.StateAcknowledged}}, kernel.Page{}, []string{"p3", "p2", "p1"}},
			{"resolved", earlywarning.AlertFilter{States: []earlywarning.State{earlywarning.StateResolved}}, kernel.Page{}, []string{"p1"}},
			{"at least medium", earlywarning.AlertFilter{MinSeverity: earlywarning.SeverityMedium}, kernel.Page{}, []string{"p3", "p1", "p1"}},
			{"assigned", earlywarning.AlertFilter{AssignedTo: tn.userA.ID}, kernel.Page{}, []string{"p1"}},
			{"subject", earlywarning.AlertFilter{SubjectKind: earlywarning.SubjectParty, SubjectID: "p2"}, kernel.Page{}, []string{"p2"}},
			{"page 2", earlywarning.AlertFilter{}, kernel.Page{Limit: 2, Offset: 2}, []string{"p1", "p1"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				list, err := st.ListAlerts(ctx, tn.a.ID, tc.f, tc.p)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, a := range list {
					got = append(got, a.Subject.ID)
				}
				if len(got) != len(tc.want) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
				for i := range got {
					if got[i] != tc.want[i] {
						t.Fatalf("got %v, want %v", got, tc.want)
					}
				}
			})
		}
		seen, err := st.AlertsSeenBetween(ctx, tn.a.ID, clock.T, clock.T.Add(90*time.Second))
		// The resolved p1 alert, the new p1 alert and p2; p3 is later.
		if err != nil || len(seen) != 3 {
			t.Fatalf("AlertsSeenBetween: %d alerts, %v", len(seen), err)
		}
	})
}

// TestConcurrentRaisersMakeOneAlert races several raisers on one key: the
// unique index on unresolved keys leaves exactly one alert and one
// notification.
func TestConcurrentRaisersMakeOneAlert(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.EarlyWarning()
		if err := st.CreateEndpoint(ctx, webhookEndpoint(tn.a.ID), t0); err != nil {
			t.Fatal(err)
		}
		const raisers = 6
		var wg sync.WaitGroup
		errs := make(chan error, raisers)
		for i := range raisers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				svc, _ := ewService(st, t0.Add(time.Duration(i)*time.Second))
				_, _, err := svc.Raise(ctx, ewTrigger(tn.a.ID, "p1", earlywarning.SeverityHigh, t0))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			if err == nil {
				ok++
			} else if !kernel.IsCode(err, kernel.Conflict) {
				t.Errorf("raise: %v", err)
			}
		}
		list, err := st.ListAlerts(ctx, tn.a.ID, earlywarning.AlertFilter{}, kernel.Page{})
		if err != nil || len(list) != 1 {
			t.Fatalf("want one alert, got %d (%v)", len(list), err)
		}
		if list[0].Occurrences != ok {
			t.Errorf("occurrences %d, successful raises %d", list[0].Occurrences, ok)
		}
		msgs, _ := st.Messages(ctx, tn.a.ID, sqlstore.MessageFilter{}, kernel.Page{})
		if len(msgs) != 1 {
			t.Fatalf("want one notification, got %d", len(msgs))
		}
	})
}

func TestOutboxClaimAndComplete(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.EarlyWarning()
		ep := webhookEndpoint(tn.a.ID)
		var msgs []earlywarning.Message
		for i := range 3 {
			a, _, _ := earlywarning.Raise(nil, ewTrigger(tn.a.ID, "p", earlywarning.SeverityHigh, t0), t0)
			m, err := earlywarning.NewAlertMessage(ep, a, earlywarning.ChangeCreated, t0.Add(time.Duration(i)*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, m)
		}
		if err := st.Enqueue(ctx, msgs); err != nil {
			t.Fatal(err)
		}
		if err := st.Enqueue(ctx, msgs[:1]); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("enqueue twice: want conflict, got %v", err)
		}
		now := t0.Add(time.Minute)
		first, err := st.Claim(ctx, now, 2, time.Minute)
		if err != nil || len(first) != 2 || first[0].Message.ID != msgs[0].ID || first[1].Message.ID != msgs[1].ID {
			t.Fatalf("first claim: %d messages, %v", len(first), err)
		}
		if string(first[0].Message.Body) != string(msgs[0].Body) {
			t.Fatalf("body changed in storage")
		}
		second, err := st.Claim(ctx, now, 10, time.Minute)
		if err != nil || len(second) != 1 || second[0].Message.ID != msgs[2].ID {
			t.Fatalf("second claim must skip leased messages: %d messages, %v", len(second), err)
		}
		if more, _ := st.Claim(ctx, now, 10, time.Minute); len(more) != 0 {
			t.Fatalf("claimed leased messages again: %d", len(more))
		}

		done, _ := first[0].Message.Delivered(now)
		if err := st.Complete(ctx, first[0], done); err != nil {
			t.Fatal(err)
		}
		failed, _ := first[1].Message.Failed("HTTP 503", now, earlywarning.DefaultRetryPolicy(), func() float64 { return 0 })
		if err := st.Complete(ctx, first[1], failed); err != nil {
			t.Fatal(err)
		}
		if err := st.Complete(ctx, first[0], done); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("completing twice: want conflict, got %v", err)
		}
		// The third lease expires; another worker claims it, and the first
		// worker's late result is refused.
		later := now.Add(2 * time.Minute)
		taken, err := st.Claim(ctx, later, 10, time.Minute)
		if err != nil || len(taken) != 2 || taken[0].Message.ID != msgs[2].ID || taken[1].Message.ID != msgs[1].ID {
			t.Fatalf("claim after lease expiry and backoff: %d messages, %v", len(taken), err)
		}
		late, _ := second[0].Message.Delivered(later)
		if err := st.Complete(ctx, second[0], late); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("late completion with a lost lease: want conflict, got %v", err)
		}

		got, _ := st.Message(ctx, tn.a.ID, msgs[0].ID)
		if got.State != earlywarning.MessageDelivered || got.Attempts != 1 || !got.DeliveredAt.Equal(now) {
			t.Fatalf("delivered message: %+v", got)
		}
		// The failed one is due again after its backoff, not before.
		got, _ = st.Message(ctx, tn.a.ID, msgs[1].ID)
		if got.LastError != "HTTP 503" || !got.NextAttemptAt.Equal(now.Add(30*time.Second)) {
			t.Fatalf("failed message: %+v", got)
		}
		if c, _ := st.Claim(ctx, now.Add(29*time.Second), 10, time.Minute); len(c) != 0 {
			t.Fatalf("claimed before its backoff: %d", len(c))
		}
		// A delivered message is never claimed again.
		c, _ := st.Claim(ctx, later.Add(time.Hour), 10, time.Minute)
		if len(c) != 2 {
			t.Fatalf("claim an hour later: %d messages, want the two pending", len(c))
		}
		for _, l := range c {
			if l.Message.ID == msgs[0].ID {
				t.Fatal("a delivered message was claimed again")
			}
		}

		// Dead letters can be requeued by the organisation that owns them.
		dead := c[0].Message
		dead.State = earlywarning.MessageDead
		if err := st.Complete(ctx, c[0], dead); err != nil {
			t.Fatal(err)
		}
		if err := st.RequeueMessage(ctx, tn.a.ID, dead.ID, later); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Message(ctx, tn.a.ID, dead.ID); got.State != earlywarning.MessagePending || got.Attempts != 0 {
			t.Fatalf("requeued: %+v", got)
		}
	})
}

func TestEndpointsThresholdsSignals(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.EarlyWarning()

		if eps, err := st.Endpoints(ctx, tn.a.ID); err != nil || eps == nil || len(eps) != 0 {
			t.Fatalf("no endpoints: %v %v", eps, err)
		}
		hook := webhookEndpoint(tn.a.ID)
		mail := earlywarning.Endpoint{ID: kernel.NewID(), OrgID: tn.a.ID, Channel: earlywarning.ChannelEmail, Target: "ops@acme.example",
			MinSeverity: earlywarning.SeverityLow, Digest: true}
		for i, ep := range []earlywarning.Endpoint{hook, mail} {
			if err := st.CreateEndpoint(ctx, ep, t0.Add(time.Duration(i)*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		bad := hook
		bad.ID, bad.Secret = kernel.NewID(), []byte("short")
		if err := st.CreateEndpoint(ctx, bad, t0); !kernel.IsCode(err, kernel.Invalid) {
			t.Fatalf("short secret: want invalid, got %v", err)
		}
		eps, err := st.Endpoints(ctx, tn.a.ID)
		if err != nil || len(eps) != 2 || string(eps[0].Secret) != string(hook.Secret) || !eps[1].Digest || eps[1].Secret != nil {
			t.Fatalf("endpoints: %+v %v", eps, err)
		}
		digests, err := st.DigestEndpoints(ctx)
		if err != nil || len(digests) != 1 || digests[0].ID != mail.ID {
			t.Fatalf("digest endpoints: %+v %v", digests, err)
		}
		a, _, _ := earlywarning.Raise(nil, ewTrigger(tn.a.ID, "p", earlywarning.SeverityHigh, t0), t0)
		queued, _ := earlywarning.NewAlertMessage(hook, a, earlywarning.ChangeCreated, t0)
		if err := st.Enqueue(ctx, []earlywarning.Message{queued}); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteEndpoint(ctx, tn.a.ID, hook.ID); err != nil {
			t.Fatal(err)
		}
		if m, _ := st.Message(ctx, tn.a.ID, queued.ID); m.State != earlywarning.MessageDead || m.LastError != "endpoint deleted" {
			t.Fatalf("message for a deleted endpoint: %s %q", m.State, m.LastError)
		}
		if _, err := st.Endpoint(ctx, tn.a.ID, hook.ID); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("deleted endpoint: %v", err)
		}

		c, err := st.ThresholdConfig(ctx, tn.a.ID)
		if err != nil || len(c.Rules) != len(earlywarning.DefaultThresholdRules()) {
			t.Fatalf("default rules: %+v %v", c, err)
		}
		c.Rules = c.Rules[:1]
		c.Rules[0].Limit = 0.8
		if err := st.SaveThresholdConfig(ctx, c, t0); err != nil {
			t.Fatal(err)
		}
		c.Rules = append(c.Rules, c.Rules[0])
		if err := st.SaveThresholdConfig(ctx, c, t0); !kernel.IsCode(err, kernel.Invalid) {
			t.Fatalf("duplicate rule name: want invalid, got %v", err)
		}
		if got, _ := st.ThresholdConfig(ctx, tn.a.ID); len(got.Rules) != 1 || got.Rules[0].Limit != 0.8 {
			t.Fatalf("saved rules: %+v", got)
		}

		var sigs []earlywarning.Signal
		for d, n := range []float64{1, 0, 3} {
			s, err := earlywarning.NewSignal(tn.a.ID, earlywarning.KindGrievanceCount,
				earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "BD"}, t0.AddDate(0, 0, d), n, "grievance:aggregate")
			if err != nil {
				t.Fatal(err)
			}
			sigs = append(sigs, s)
		}
		if err := st.AddSignals(ctx, sigs); err != nil {
			t.Fatal(err)
		}
		if err := st.AddSignals(ctx, []earlywarning.Signal{{OrgID: tn.a.ID}}); !kernel.IsCode(err, kernel.Invalid) {
			t.Fatalf("invalid signal: %v", err)
		}
		got, err := st.Signals(ctx, tn.a.ID, earlywarning.KindGrievanceCount, t0.AddDate(0, 0, 1), t0.AddDate(0, 0, 3))
		if err != nil || len(got) != 2 || got[1].Value != 3 || !got[0].At.Equal(t0.AddDate(0, 0, 1)) {
			t.Fatalf("signals: %+v %v", got, err)
		}
		pending, err := st.PendingSignals(ctx, 2)
		if err != nil || len(pending) != 2 || pending[0].ID != sigs[0].ID || pending[1].ID != sigs[1].ID {
			t.Fatalf("pending signals: %d, %v", len(pending), err)
		}
		if err := st.MarkEvaluated(ctx, []string{sigs[0].ID, sigs[1].ID}); err != nil {
			t.Fatal(err)
		}
		if pending, err := st.PendingSignals(ctx, 10); err != nil || len(pending) != 1 || pending[0].ID != sigs[2].ID {
			t.Fatalf("pending after marking: %d, %v", len(pending), err)
		}
		if orgs, err := st.SignalOrgs(ctx, earlywarning.KindGrievanceCount, t0); err != nil || len(orgs) != 1 || orgs[0] != tn.a.ID {
			t.Fatalf("signal orgs: %v %v", orgs, err)
		}
		if _, ok, err := st.DetectorProgress(ctx, tn.a.ID); ok || err != nil {
			t.Fatalf("fresh progress: %v %v", ok, err)
		}
		for _, d := range []earlywarning.Day{100, 101} {
			if err := st.SetDetectorProgress(ctx, tn.a.ID, d); err != nil {
				t.Fatal(err)
			}
		}
		if d, ok, err := st.DetectorProgress(ctx, tn.a.ID); d != 101 || !ok || err != nil {
			t.Fatalf("progress: %v %v %v", d, ok, err)
		}

		if s, err := st.DetectorSensitivity(ctx, tn.a.ID); err != nil || s.Name != earlywarning.SensitivityBalanced {
			t.Fatalf("default sensitivity: %+v %v", s, err)
		}
		for _, name := range []string{"earliest", "quiet"} {
			if err := st.SetDetectorSensitivity(ctx, tn.a.ID, name, "admin", t0); err != nil {
				t.Fatal(err)
			}
		}
		for _, bad := range []string{"", "loud"} {
			if err := st.SetDetectorSensitivity(ctx, tn.a.ID, bad, "admin", t0); !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("sensitivity %q: want invalid, got %v", bad, err)
			}
		}
		quiet, _ := earlywarning.SensitivityByName("quiet")
		if s, err := st.DetectorSensitivity(ctx, tn.a.ID); err != nil || s.Name != "quiet" || s.Threshold != quiet.Threshold {
			t.Fatalf("saved sensitivity: %+v %v", s, err)
		}
		if s, err := st.DetectorSensitivity(ctx, tn.b.ID); err != nil || s.Name != earlywarning.SensitivityBalanced {
			t.Fatalf("the other organisation's sensitivity: %+v %v", s, err)
		}
	})
}

// TestEarlyWarningTenantIsolation checks every organisation-scoped method:
// with organisation B's id nothing of organisation A is read or changed.
func TestEarlyWarningTenantIsolation(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.EarlyWarning()
		svc, _ := ewService(st, t0)
		ep := webhookEndpoint(tn.a.ID)
		if err := st.CreateEndpoint(ctx, ep, t0); err != nil {
			t.Fatal(err)
		}
		a, _, err := svc.Raise(ctx, ewTrigger(tn.a.ID, "p1", earlywarning.SeverityHigh, t0))
		if err != nil {
			t.Fatal(err)
		}
		msgs, _ := st.Messages(ctx, tn.a.ID, sqlstore.MessageFilter{}, kernel.Page{})
		if len(msgs) != 1 {
			t.Fatalf("setup: %d messages", len(msgs))
		}
		s, _ := earlywarning.NewSignal(tn.a.ID, earlywarning.KindGrievanceCount, earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "BD"}, t0, 4, "grievance:aggregate")
		if err := st.AddSignals(ctx, []earlywarning.Signal{s}); err != nil {
			t.Fatal(err)
		}
		cross := a
		cross.OrgID = tn.b.ID
		cross.Resolution, cross.State = "hijacked", earlywarning.StateResolved
		empty := func(name string, n int, err error) error {
			if n != 0 {
				t.Errorf("%s(B) returned %d rows of A", name, n)
			}
			return err
		}
		checks := []struct {
			name string
			run  func() error
			want kernel.Code
		}{
			{"Alert", func() error { _, err := st.Alert(ctx, tn.b.ID, a.ID); return err }, kernel.NotFound},
			{"OpenAlert", func() error { _, err := st.OpenAlert(ctx, tn.b.ID, a.Key); return err }, kernel.NotFound},
			{"SaveAlert", func() error { _, err := st.SaveAlert(ctx, cross, nil); return err }, kernel.NotFound},
			{"Update", func() error {
				_, err := svc.Update(ctx, tn.b.ID, a.ID, func(a earlywarning.Alert, now time.Time) (earlywarning.Alert, error) {
					return a.Acknowledge(tn.userB.ID, now)
				})
				return err
			}, kernel.NotFound},
			{"ListAlerts", func() error {
				l, err := st.ListAlerts(ctx, tn.b.ID, earlywarning.AlertFilter{}, kernel.Page{})
				return empty("ListAlerts", len(l), err)
			}, ""},
			{"AlertsSeenBetween", func() error {
				l, err := st.AlertsSeenBetween(ctx, tn.b.ID, t0.Add(-time.Hour), t0.Add(time.Hour))
				return empty("AlertsSeenBetween", len(l), err)
			}, ""},
			{"Message", func() error { _, err := st.Message(ctx, tn.b.ID, msgs[0].ID); return err }, kernel.NotFound},
			{"Messages", func() error {
				l, err := st.Messages(ctx, tn.b.ID, sqlstore.MessageFilter{}, kernel.Page{})
				return empty("Messages", len(l), err)
			}, ""},
			{"RequeueMessage", func() error { return st.RequeueMessage(ctx, tn.b.ID, msgs[0].ID, t0) }, kernel.NotFound},
			{"Endpoints", func() error {
				l, err := st.Endpoints(ctx, tn.b.ID)
				return empty("Endpoints", len(l), err)
			}, ""},
			{"Endpoint", func() error { _, err := st.Endpoint(ctx, tn.b.ID, ep.ID); return err }, kernel.NotFound},
			{"DeleteEndpoint", func() error { return st.DeleteEndpoint(ctx, tn.b.ID, ep.ID) }, kernel.NotFound},
			{"ThresholdConfig", func() error {
				if err := st.SaveThresholdConfig(ctx, earlywarning.ThresholdConfig{OrgID: tn.a.ID, Rules: []earlywarning.ThresholdRule{}}, t0); err != nil {
					return err
				}
				c, err := st.ThresholdConfig(ctx, tn.b.ID)
				if len(c.Rules) != len(earlywarning.DefaultThresholdRules()) {
					t.Errorf("B sees A's threshold rules")
				}
				return err
			}, ""},
			{"Signals", func() error {
				l, err := st.Signals(ctx, tn.b.ID, earlywarning.KindGrievanceCount, t0.Add(-time.Hour), t0.Add(time.Hour))
				return empty("Signals", len(l), err)
			}, ""},
			{"DetectorProgress", func() error {
				if err := st.SetDetectorProgress(ctx, tn.a.ID, 7); err != nil {
					return err
				}
				_, ok, err := st.DetectorProgress(ctx, tn.b.ID)
				if ok {
					t.Errorf("B sees A's detector progress")
				}
				return err
			}, ""},
		}
		for _, c := range checks {
			err := c.run()
			if c.want == "" && err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			if c.want != "" && !kernel.IsCode(err, c.want) {
				t.Errorf("%s across tenants: want %s, got %v", c.name, c.want, err)
			}
		}
		got, _ := st.Alert(ctx, tn.a.ID, a.ID)
		if got.State != earlywarning.StateOpen || got.Resolution != "" {
			t.Fatalf("cross-tenant write changed A's alert: %+v", got)
		}
		if _, err := st.Endpoint(ctx, tn.a.ID, ep.ID); err != nil {
			t.Fatalf("cross-tenant delete removed A's endpoint: %v", err)
		}
	})
}

// TestConcurrentClaimsAreDisjoint has several workers claim from one outbox
// at once: every message is claimed by exactly one of them.
func TestConcurrentClaimsAreDisjoint(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.EarlyWarning()
		ep := webhookEndpoint(tn.a.ID)
		a, _, _ := earlywarning.Raise(nil, ewTrigger(tn.a.ID, "p", earlywarning.SeverityHigh, t0), t0)
		const total = 60
		msgs := make([]earlywarning.Message, total)
		for i := range msgs {
			msgs[i], _ = earlywarning.NewAlertMessage(ep, a, earlywarning.ChangeCreated, t0)
		}
		if err := st.Enqueue(ctx, msgs); err != nil {
			t.Fatal(err)
		}
		const workers = 4
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range total {
					ls, err := st.Claim(ctx, t0.Add(time.Minute), 5, time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if len(ls) == 0 {
						return
					}
					mu.Lock()
					for _, l := range ls {
						seen[l.Message.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != total {
			t.Fatalf("%d of %d messages claimed", len(seen), total)
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("message %s claimed %d times", id, n)
			}
		}
	})
}
