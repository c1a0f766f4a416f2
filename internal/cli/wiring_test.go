package cli

import (
	"context"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

func TestWatchlistHitsCountsByStatus(t *testing.T) {
	t.Parallel()
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
		org := account.Org{ID: kernel.NewID(), Slug: "ngo", Name: "NGO", CreatedAt: clock.T}
		if err := db.Accounts().CreateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		list := screening.List{Name: "uflpa", Published: clock.T}
		for i, name := range []string{"Xinjiang A", "Xinjiang B", "Xinjiang C"} {
			it := screening.NewReviewItem(org.ID, "party-1", "Mill", list, screening.Hit{Entity: &screening.Entity{ID: name, Name: name, ListName: "uflpa"}, MatchedName: name, Score: 0.9}, clock)
			if i == 0 {
				if err := it.Decide(screening.StatusConfirmed, "", "user-1", clock); err != nil {
					t.Fatal(err)
				}
			}
			if i == 2 {
				it.Missing = true
			}
			if err := db.Screening().PutReviewItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		pending, confirmed, err := watchlistHits{db.Screening()}.PartyHits(ctx, org.ID, "party-1")
		if err != nil || pending != 1 || confirmed != 1 {
			t.Fatalf("pending %d confirmed %d err %v", pending, confirmed, err)
		}
		if p, c, _ := (watchlistHits{db.Screening()}).PartyHits(ctx, "other-org", "party-1"); p+c != 0 {
			t.Fatal("another organisation sees the hits")
		}
	})
}

func TestConfirmedHitBecomesSignal(t *testing.T) {
	t.Parallel()
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
		org := account.Org{ID: kernel.NewID(), Slug: "ngo", Name: "NGO", CreatedAt: clock.T}
		if err := db.Accounts().CreateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		it := screening.NewReviewItem(org.ID, "party-1", "Mill", screening.List{Name: "uflpa"},
			screening.Hit{Entity: &screening.Entity{ID: "e1", Name: "E", ListName: "uflpa"}, MatchedName: "E", Score: 0.93}, clock)
		if err := db.Screening().PutReviewItem(ctx, it); err != nil {
			t.Fatal(err)
		}
		rs := &screening.ReviewService{Store: db.Screening(), Audit: db.AuditLog(), Clock: clock, Signals: db.EarlyWarning()}
		for range 2 { // deciding twice stores one signal
			if _, err := rs.Decide(ctx, org.ID, it.ID, screening.StatusConfirmed, "", "user-1"); err != nil {
				t.Fatal(err)
			}
		}
		sigs, err := db.EarlyWarning().Signals(ctx, org.ID, earlywarning.KindWatchlistHit, clock.T.Add(-time.Hour), clock.T.Add(time.Hour))
		if err != nil || len(sigs) != 1 || sigs[0].Subject.ID != "party-1" || sigs[0].Value != 0.93 {
			t.Fatalf("signals: %+v %v", sigs, err)
		}
	})
}
