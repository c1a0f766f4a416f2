package jobs_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestDetectorJobRaisesOncePerDetection stores 60 days of grievance counts
// for two suppliers, one flat and one with a burst on the last complete
// day, and runs the detector job: one alert for the burst, none for the
// flat series, and nothing more when the job runs again.
func TestDetectorJobRaisesOncePerDetection(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		today := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
		clock := &kernel.FixedClock{T: today}
		w := newWorld(t, db, clock)
		rcv, srv := newReceiver(t, clock, 0)
		w.addWebhook(t, srv.URL)
		var sigs []earlywarning.Signal
		for d := 60; d >= 1; d-- {
			at := today.AddDate(0, 0, -d).Add(12 * time.Hour)
			for party, n := range map[string]float64{"flat": float64(1 + d%2), "burst": float64(d % 2)} {
				if party == "burst" && d == 1 {
					n = 9
				}
				s, err := earlywarning.NewSignal(w.org.ID, earlywarning.KindGrievanceCount,
					earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: party}, at, n, "grievance:daily-aggregate")
				if err != nil {
					t.Fatal(err)
				}
				sigs = append(sigs, s)
			}
		}
		if err := w.st.AddSignals(ctx, sigs); err != nil {
			t.Fatal(err)
		}
		det := &jobs.Detect{Signals: w.st, Alerts: w.svc, Clock: clock}
		raised, err := det.Run(ctx)
		if err != nil || raised == 0 {
			t.Fatalf("first run raised %d (%v)", raised, err)
		}
		alerts, _ := w.st.ListAlerts(ctx, w.org.ID, earlywarning.AlertFilter{}, kernel.Page{})
		if len(alerts) != 1 || alerts[0].Key != "anomaly/party:burst" || alerts[0].Severity != earlywarning.SeverityHigh {
			t.Fatalf("alerts: %+v", alerts)
		}
		occ := alerts[0].Occurrences
		clock.Advance(time.Hour)
		if raised, err := det.Run(ctx); raised != 0 || err != nil {
			t.Fatalf("second run the same day raised %d (%v)", raised, err)
		}
		again, _ := w.st.Alert(ctx, w.org.ID, alerts[0].ID)
		if again.Occurrences != occ {
			t.Fatalf("occurrences went from %d to %d on a rerun", occ, again.Occurrences)
		}
		// The alert reaches the webhook once.
		d := w.delivery(nil)
		for range 3 {
			d.Run(ctx)
			clock.Advance(time.Hour)
		}
		if calls, _, _ := rcv.snapshot(); calls != 1 {
			t.Fatalf("webhook called %d times", calls)
		}
	})
}

func TestDigestQueuedOncePerDay(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		yesterday := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
		clock := &kernel.FixedClock{T: yesterday}
		w := newWorld(t, db, clock)
		w.raise(t, "p1")
		w.raise(t, "p2")
		mail := earlywarning.Endpoint{ID: kernel.NewID(), OrgID: w.org.ID, Channel: earlywarning.ChannelEmail, Target: "digest@acme.example",
			MinSeverity: earlywarning.SeverityLow, Digest: true}
		hook := earlywarning.Endpoint{ID: kernel.NewID(), OrgID: w.org.ID, Channel: earlywarning.ChannelWebhook, Target: "https://hooks.example/d",
			Secret: secret, MinSeverity: earlywarning.SeverityLow, Digest: true}
		for _, ep := range []earlywarning.Endpoint{mail, hook} {
			if err := w.st.CreateEndpoint(ctx, ep, t0); err != nil {
				t.Fatal(err)
			}
		}
		clock.Advance(10 * time.Hour) // the next day, 01:00 UTC
		dg := &jobs.Digests{Store: w.st, Clock: clock}
		for run, want := range []int{2, 0, 0} {
			n, err := dg.Run(ctx)
			if err != nil || n != want {
				t.Fatalf("run %d queued %d (%v), want %d", run+1, n, err, want)
			}
			clock.Advance(time.Hour)
		}
		day := earlywarning.DayOf(yesterday)
		m, err := w.st.Message(ctx, w.org.ID, jobs.DigestID(mail.ID, day))
		if err != nil || m.Subject != "[Upstream] Daily alert digest for 2026-11-24: 2 alerts" {
			t.Fatalf("email digest: %q %v", m.Subject, err)
		}
		m, err = w.st.Message(ctx, w.org.ID, jobs.DigestID(hook.ID, day))
		if err != nil {
			t.Fatal(err)
		}
		var body jobs.DigestWebhook
		if err := json.Unmarshal(m.Body, &body); err != nil || body.Total != 2 || len(body.Alerts) != 2 || body.DeliveryID != m.ID {
			t.Fatalf("webhook digest: %+v %v", body, err)
		}
	})
}

// TestThresholdJobRaisesFromStoredSignals: a confirmed watchlist hit
// stored as a signal raises the default watchlist-hit alert once; an
// organisation's own rules replace the defaults.
func TestThresholdJobRaisesFromStoredSignals(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: t0}
		w := newWorld(t, db, clock)
		other := attach(db, newOrgSlug(t, db, "other"), clock)
		if err := w.st.SaveThresholdConfig(ctx, earlywarning.ThresholdConfig{OrgID: other.org.ID, Rules: []earlywarning.ThresholdRule{}}, t0); err != nil {
			t.Fatal(err)
		}
		var sigs []earlywarning.Signal
		for _, org := range []string{w.org.ID, other.org.ID} {
			for _, v := range []struct {
				kind  earlywarning.Kind
				value float64
			}{{earlywarning.KindWatchlistHit, 0.91}, {earlywarning.KindRiskScoreChange, 4}} {
				s, err := earlywarning.NewSignal(org, v.kind, earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: "p9"}, t0, v.value, "screening:hit/9")
				if err != nil {
					t.Fatal(err)
				}
				sigs = append(sigs, s)
			}
		}
		if err := w.st.AddSignals(ctx, sigs); err != nil {
			t.Fatal(err)
		}
		th := &jobs.Thresholds{Store: w.st, Alerts: w.svc, Batch: 3}
		for run, want := range []int{1, 0} {
			if n, err := th.Run(ctx); n != want || err != nil {
				t.Fatalf("run %d raised %d (%v), want %d", run+1, n, err, want)
			}
		}
		alerts, _ := w.st.ListAlerts(ctx, w.org.ID, earlywarning.AlertFilter{}, kernel.Page{})
		if len(alerts) != 1 || alerts[0].Key != "rule/watchlist-hit/party:p9" || alerts[0].Occurrences != 1 {
			t.Fatalf("alerts: %+v", alerts)
		}
		if theirs, _ := w.st.ListAlerts(ctx, other.org.ID, earlywarning.AlertFilter{}, kernel.Page{}); len(theirs) != 0 {
			t.Fatalf("an organisation without rules got %d alerts", len(theirs))
		}
	})
}

// TestDetectorJobUsesEachOrganisationsSensitivity: the same moderate burst
// (five reports on a series of zero or one a day) raises an alert for an
// organisation that chose the earliest warning and none for one on the
// default, balanced point.
func TestDetectorJobUsesEachOrganisationsSensitivity(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		today := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
		clock := &kernel.FixedClock{T: today}
		eager := newWorld(t, db, clock)
		calm := attach(db, newOrgSlug(t, db, "calm"), clock)
		if err := eager.st.SetDetectorSensitivity(ctx, eager.org.ID, "earliest", "admin", today); err != nil {
			t.Fatal(err)
		}
		var sigs []earlywarning.Signal
		for _, org := range []string{eager.org.ID, calm.org.ID} {
			for d := 60; d >= 1; d-- {
				n := float64(d % 2)
				if d == 1 {
					n = 5
				}
				s, err := earlywarning.NewSignal(org, earlywarning.KindGrievanceCount,
					earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: "p"}, today.AddDate(0, 0, -d).Add(12*time.Hour), n, "grievance:daily-aggregate")
				if err != nil {
					t.Fatal(err)
				}
				sigs = append(sigs, s)
			}
		}
		if err := eager.st.AddSignals(ctx, sigs); err != nil {
			t.Fatal(err)
		}
		det := &jobs.Detect{Signals: eager.st, Alerts: eager.svc, Clock: clock}
		if _, err := det.Run(ctx); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			org  string
			want int
		}{{eager.org.ID, 1}, {calm.org.ID, 0}} {
			alerts, err := eager.st.ListAlerts(ctx, c.org, earlywarning.AlertFilter{}, kernel.Page{})
			if err != nil || len(alerts) != c.want {
				t.Errorf("organisation %s: %d alerts (%v), want %d", c.org, len(alerts), err, c.want)
			}
		}
	})
}

// TestDetectorJobReadsTheClosureCalendar: two organisations store the same
// counts, about four reports a day, a ten-day holiday at two a day (too
// mild for the detector to tell from the counts alone) and eleven a day on
// the three days after it, as held-back reports arrive.
// The one whose calendar records the holiday gets no alert; the other is
// told of a rise.
func TestDetectorJobReadsTheClosureCalendar(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		today := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
		clock := &kernel.FixedClock{T: today}
		kept := newWorld(t, db, clock)
		none := attach(db, newOrgSlug(t, db, "nocalendar"), clock)
		yesterday := earlywarning.DayOf(today) - 1
		if _, err := kept.st.AddClosure(ctx, earlywarning.ClosurePeriod{OrgID: kept.org.ID, From: yesterday - 12, To: yesterday - 3,
			Kind: earlywarning.Holiday, Label: "Harvest festival", CreatedBy: "admin", CreatedAt: today}); err != nil {
			t.Fatal(err)
		}
		var sigs []earlywarning.Signal
		for _, org := range []string{kept.org.ID, none.org.ID} {
			for d := 70; d >= 1; d-- {
				n := float64(3 + 2*(d%2))
				switch {
				case d >= 4 && d <= 13:
					n = 2
				case d <= 3:
					n = 11
				}
				s, err := earlywarning.NewSignal(org, earlywarning.KindGrievanceCount,
					earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "BD"}, today.AddDate(0, 0, -d).Add(12*time.Hour), n, "grievance:daily-aggregate")
				if err != nil {
					t.Fatal(err)
				}
				sigs = append(sigs, s)
			}
			// Examine the last week, not only yesterday.
			if err := kept.st.SetDetectorProgress(ctx, org, yesterday-7); err != nil {
				t.Fatal(err)
			}
		}
		if err := kept.st.AddSignals(ctx, sigs); err != nil {
			t.Fatal(err)
		}
		det := &jobs.Detect{Signals: kept.st, Alerts: kept.svc, Clock: clock}
		if _, err := det.Run(ctx); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			org  string
			want int
		}{{kept.org.ID, 0}, {none.org.ID, 1}} {
			alerts, err := kept.st.ListAlerts(ctx, c.org, earlywarning.AlertFilter{}, kernel.Page{})
			if err != nil || len(alerts) != c.want {
				t.Errorf("organisation %s: %d alerts (%v), want %d", c.org, len(alerts), err, c.want)
			}
		}
	})
}
