package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// walkKeyset pages through a list with keyset pages of size, calling
// between every two pages insert (which adds rows the list may show
// anywhere), and returns the ids seen in order.
func walkKeyset(t *testing.T, size int, read func(after []string) (ids []string, lastKey []string, err error), insert func(step int)) []string {
	t.Helper()
	var seen []string
	var after []string
	for step := 0; step < 1000; step++ {
		ids, key, err := read(after)
		if err != nil {
			t.Fatalf("page %d: %v", step, err)
		}
		seen = append(seen, ids...)
		if len(ids) < size {
			return seen
		}
		after = key
		insert(step)
	}
	t.Fatal("the pages never end")
	return nil
}

// checkWalk says whether a walk saw every row of before exactly once, in
// before's order, and no row twice.
func checkWalk(t *testing.T, before, seen []string) {
	t.Helper()
	count := map[string]int{}
	for _, id := range seen {
		count[id]++
		if count[id] > 1 {
			t.Fatalf("%s was listed twice", id)
		}
	}
	var kept []string
	for _, id := range seen {
		if slices.Contains(before, id) {
			kept = append(kept, id)
		}
	}
	if !slices.Equal(kept, before) {
		t.Fatalf("the rows listed before the inserts came back as\n%v\nwant\n%v", kept, before)
	}
}

// TestKeysetPagesAreStableUnderInserts pages through the register in every
// order, the review queue in every order and the alerts, adding rows
// between pages: no row there before is skipped or repeated, and the
// order is the order of one read of the whole list.
func TestKeysetPagesAreStableUnderInserts(t *testing.T) {
	t.Parallel() // each engine has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		// Ties on every sort column, fractional scores, unknown tiers.
		var parties []supplychain.Party
		var risks []supplychain.PartyRisk
		levels := []string{"critical", "high", "medium", "low", "unknown"}
		addParty := func(i int) {
			ref := fmt.Sprintf("R%03d", i)
			p := supplychain.Party{ID: supplychain.RefID(ref), Ref: ref, Name: fmt.Sprintf("Party %d", i%7), Kind: supplychain.KindCompany,
				Country: []string{"CI", "GH", "BR"}[i%3], Commodities: []string{"cocoa"}}
			parties = append(parties, p)
			exposure := []float64{10, 20.5, 100.0 / 3, 50}[i%4]
			risks = append(risks, supplychain.PartyRisk{ID: p.ID, Tier: i % 4, Inherent: float64(i%5) * 7.1, Signals: float64(i % 2), Own: exposure,
				Exposure: exposure, Level: levels[i%5]})
			if err := st.UpsertParties(ctx, tn.a.ID, []supplychain.Party{p}); err != nil {
				t.Fatal(err)
			}
			if err := st.SaveRisk(ctx, tn.a.ID, sqlstore.RiskRows(risks)); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 23 {
			addParty(i)
		}
		next := 1000
		for _, sortBy := range supplychain.RegisterSorts {
			for _, prefix := range []string{"", "party"} {
				t.Run(fmt.Sprintf("register by %s, name %q", sortBy, prefix), func(t *testing.T) {
					f := supplychain.RegisterFilter{NamePrefix: prefix}
					read := func(after []string, limit int) ([]string, []string, error) {
						es, _, err := st.Register(ctx, tn.a.ID, f, sortBy, kernel.Page{Limit: limit, After: after})
						var ids []string
						var key []string
						for _, e := range es {
							ids, key = append(ids, e.Party.ID), supplychain.RegisterKey(e, sortBy, nil)
						}
						return ids, key, err
					}
					before, _, err := read(nil, 500)
					if err != nil {
						t.Fatal(err)
					}
					seen := walkKeyset(t, 4, func(after []string) ([]string, []string, error) { return read(after, 4) },
						func(int) { addParty(next); next++ })
					checkWalk(t, before, seen)
				})
			}
		}

		sc := db.Screening()
		at := t0
		putReview := func(i int) {
			it := reviewItem(tn.a.ID, fmt.Sprintf("p%d", i%3), fmt.Sprintf("e%04d", i), 0.8+float64(i%4)/100)
			it.UpdatedAt = at.Add(time.Duration(i%5) * 1500 * time.Millisecond)
			if err := sc.PutReviewItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 19 {
			putReview(i)
		}
		for _, sortBy := range []screening.ReviewSort{screening.SortRecent, screening.SortScore, screening.SortSupplier} {
			t.Run(fmt.Sprintf("reviews by %q", sortBy), func(t *testing.T) {
				read := func(after []string, limit int) ([]string, []string, error) {
					items, err := sc.ListReviewItems(ctx, screening.ReviewFilter{OrgID: tn.a.ID, Sort: sortBy, Page: kernel.Page{Limit: limit, After: after}})
					var ids, key []string
					for _, it := range items {
						ids, key = append(ids, it.ID), screening.ReviewKey(it, sortBy)
					}
					return ids, key, err
				}
				before, _, err := read(nil, 500)
				if err != nil {
					t.Fatal(err)
				}
				seen := walkKeyset(t, 3, func(after []string) ([]string, []string, error) { return read(after, 3) },
					func(int) { putReview(next); next++ })
				checkWalk(t, before, seen)
			})
		}

		ew := db.EarlyWarning()
		svc, clock := ewService(ew, t0)
		raise := func(i int) {
			clock.T = t0.Add(time.Duration(i%4) * 1250 * time.Millisecond)
			if _, _, err := svc.Raise(ctx, ewTrigger(tn.a.ID, fmt.Sprintf("party-%d", i), earlywarning.SeverityHigh, clock.T)); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 17 {
			raise(i)
		}
		t.Run("alerts", func(t *testing.T) {
			read := func(after []string, limit int) ([]string, []string, error) {
				as, err := ew.ListAlerts(ctx, tn.a.ID, earlywarning.AlertFilter{}, kernel.Page{Limit: limit, After: after})
				var ids, key []string
				for _, a := range as {
					ids, key = append(ids, a.ID), earlywarning.AlertKey(a)
				}
				return ids, key, err
			}
			before, _, err := read(nil, 500)
			if err != nil {
				t.Fatal(err)
			}
			seen := walkKeyset(t, 5, func(after []string) ([]string, []string, error) { return read(after, 5) },
				func(int) { raise(next); next++ })
			checkWalk(t, before, seen)
		})

		// A key of the wrong shape is refused, not misread.
		if _, _, err := st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{}, supplychain.SortName, kernel.Page{After: []string{"x"}}); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("a one-value key on a two-column order: %v", err)
		}
		if _, err := ew.ListAlerts(ctx, tn.a.ID, earlywarning.AlertFilter{}, kernel.Page{After: []string{"yesterday", "x"}}); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("a key that is not a time: %v", err)
		}
	})
}
