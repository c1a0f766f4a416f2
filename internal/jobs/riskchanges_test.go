package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

func TestRiskChangesSignalJumpsOnce(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: t0}
		org := newOrg(t, db)
		sc := db.SupplyChain()
		if err := sc.UpsertParties(ctx, org.ID, []supplychain.Party{{ID: "p1", Ref: "p1", Name: "Mill", Kind: supplychain.KindFacility, Country: "BD"}}); err != nil {
			t.Fatal(err)
		}
		setExposure := func(v float64) {
			t.Helper()
			if err := sc.SaveRisk(ctx, org.ID, sqlstore.RiskRows([]supplychain.PartyRisk{{ID: "p1", Tier: 1, Exposure: v, Own: v, Inherent: v, Level: "medium"}})); err != nil {
				t.Fatal(err)
			}
		}
		ew := db.EarlyWarning()
		job := &jobs.RiskChanges{Orgs: db.Accounts(), Store: sc, Signals: ew, Clock: clock}
		run := func() int {
			t.Helper()
			n, err := job.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Minute)
			return n
		}
		setExposure(20)
		if n := run(); n != 0 {
			t.Fatalf("first look signalled %d", n)
		}
		setExposure(30) // below the 15-point step
		if n := run(); n != 0 {
			t.Fatalf("a 10-point move signalled %d", n)
		}
		setExposure(41)
		if n := run(); n != 1 {
			t.Fatalf("a 21-point move signalled %d", n)
		}
		if n := run(); n != 0 {
			t.Fatalf("the same move signalled again: %d", n)
		}
		sigs, _ := ew.Signals(ctx, org.ID, earlywarning.KindRiskScoreChange, t0.Add(-time.Hour), t0.Add(time.Hour))
		if len(sigs) != 1 || sigs[0].Value != 21 {
			t.Fatalf("signals %+v", sigs)
		}
	})
}
