package sqlstore_test

import (
	"context"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

func TestScreeningSummary(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		rd := db.Reporting()
		if s, err := rd.ScreeningSummary(ctx, tn.a.ID, ""); err != nil || s != nil {
			t.Fatalf("before any run: %+v %v", s, err)
		}
		if err := db.SupplyChain().UpsertParties(ctx, tn.a.ID, []supplychain.Party{
			{ID: "p1", Ref: "p1", Name: "Mill", Kind: supplychain.KindFacility, Country: "CN"},
			{ID: "p2", Ref: "p2", Name: "Farm", Kind: supplychain.KindFarm, Country: "CI"}}); err != nil {
			t.Fatal(err)
		}
		clock := &kernel.FixedClock{T: t0}
		list := screening.List{Name: "uflpa", Published: t0.AddDate(0, -3, 0)}
		for i, e := range []string{"e1", "e2"} {
			it := screening.NewReviewItem(tn.a.ID, "p1", "Mill", list, screening.Hit{Entity: &screening.Entity{ID: e, Name: e, ListName: "uflpa"}, MatchedName: e, Score: 0.9}, clock)
			if i == 0 {
				it.Decide(screening.StatusConfirmed, "", "u", clock)
			}
			if err := db.Screening().PutReviewItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Screening().RecordRun(ctx, tn.a.ID, t0, 2, []screening.List{list}); err != nil {
			t.Fatal(err)
		}
		s, err := rd.ScreeningSummary(ctx, tn.a.ID, "")
		if err != nil || s == nil {
			t.Fatal(err)
		}
		if s.Parties != 2 || s.Screened != 2 || s.Confirmed != 1 || s.Pending != 1 || len(s.Lists) != 1 || s.Lists[0].Edition == "" || !s.AsOf.Equal(t0) {
			t.Fatalf("summary %+v", s)
		}
		if one, _ := rd.ScreeningSummary(ctx, tn.a.ID, "p2"); one == nil || one.Confirmed+one.Pending != 0 {
			t.Fatalf("party p2: %+v", one)
		}
		if other, err := rd.ScreeningSummary(ctx, tn.b.ID, ""); err != nil || other != nil {
			t.Fatalf("organisation B sees a run: %+v %v", other, err)
		}
	})
}
