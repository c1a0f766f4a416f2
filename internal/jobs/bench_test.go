package jobs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// BenchmarkDelivery measures signed webhook deliveries per second through
// the outbox (claim, sign, POST to a receiver on 127.0.0.1, record) on each
// engine, in batches of 20.
func BenchmarkDelivery(b *testing.B) {
	for _, e := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(string(e), func(b *testing.B) {
			ctx := context.Background()
			db := sqltest.Open(b, e)
			clock := &kernel.FixedClock{T: t0}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
			defer srv.Close()
			org := newOrg(b, db)
			w := attach(db, org, clock)
			ep := earlywarning.Endpoint{ID: kernel.NewID(), OrgID: org.ID, Channel: earlywarning.ChannelWebhook, Target: srv.URL,
				Secret: secret, MinSeverity: earlywarning.SeverityLow}
			if err := w.st.CreateEndpoint(ctx, ep, t0); err != nil {
				b.Fatal(err)
			}
			a, _, _ := earlywarning.Raise(nil, earlywarning.Trigger{OrgID: org.ID, Key: "k", Kind: earlywarning.KindWatchlistHit,
				Subject: earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: "p"}, Detector: "d", Severity: earlywarning.SeverityHigh,
				At: t0, Source: "s"}, t0)
			msgs := make([]earlywarning.Message, b.N)
			for i := range msgs {
				msgs[i], _ = earlywarning.NewAlertMessage(ep, a, earlywarning.ChangeCreated, t0)
			}
			if err := w.st.Enqueue(ctx, msgs); err != nil {
				b.Fatal(err)
			}
			d := w.delivery(nil)
			d.MaxPasses = 1 << 30
			b.ResetTimer()
			start := time.Now()
			if err := d.Run(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}
