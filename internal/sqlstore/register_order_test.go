package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// TestRegisterOrdersByNamesEitherWay: the register orders country and
// commodity by the names people read, not the codes stored (Switzerland,
// CH, after Côte d'Ivoire, CI; "Manioc (cassava)" after "Coffee"), puts
// parties with none last, and every order reads the same rows from the
// other end when reversed, except that a party without a country,
// commodity, tier or level stays last; pages resume after a row's key
// either way. Both engines.
func TestRegisterOrdersByNamesEitherWay(t *testing.T) {
	t.Parallel()
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		parties := []supplychain.Party{
			{Ref: "SWISS", Name: "Alpine Roasters", Country: "CH", Commodities: []string{"cassava"}},
			{Ref: "IVORY", Name: "Bandama Beans", Country: "CI", Commodities: []string{"coffee"}},
			{Ref: "NONE", Name: "Coastal Traders"},
			{Ref: "GERMAN", Name: "Donau Kakao", Country: "DE", Commodities: []string{"cocoa", "coffee"}},
			{Ref: "GERMAN2", Name: "Elbe Kaffee", Country: "DE", Commodities: []string{"coffee"}},
		}
		var risks []supplychain.PartyRisk
		for i := range parties {
			p := &parties[i]
			p.ID, p.Kind = supplychain.RefID(p.Ref), supplychain.KindCompany
			r := supplychain.PartyRisk{ID: p.ID, Tier: 1 + i%2, Inherent: float64(10 * i), Own: float64(10 * i), Exposure: float64(10 * i), Level: "low"}
			if p.Ref == "NONE" {
				r.Tier, r.Level = 0, "unknown" // not connected, nothing known
			}
			risks = append(risks, r)
		}
		if err := st.UpsertParties(ctx, tn.a.ID, parties); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveRisk(ctx, tn.a.ID, sqlstore.RiskRows(risks)); err != nil {
			t.Fatal(err)
		}
		refs := func(sortBy supplychain.RegisterSort, page kernel.Page) []string {
			t.Helper()
			es, total, err := st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{}, sortBy, page)
			if err != nil || total != len(parties) {
				t.Fatalf("%s: %v, total %d", sortBy, err, total)
			}
			var out []string
			for _, e := range es {
				out = append(out, e.Party.Ref)
			}
			return out
		}
		for sortBy, want := range map[supplychain.RegisterSort][]string{
			supplychain.SortCountry:               {"IVORY", "GERMAN", "GERMAN2", "SWISS", "NONE"},
			supplychain.SortCountry.Reverse():     {"SWISS", "GERMAN2", "GERMAN", "IVORY", "NONE"},
			supplychain.SortCommodities:           {"GERMAN", "IVORY", "GERMAN2", "SWISS", "NONE"},
			supplychain.SortCommodities.Reverse(): {"SWISS", "GERMAN2", "IVORY", "GERMAN", "NONE"},
			supplychain.SortTier:                  {"GERMAN2", "SWISS", "GERMAN", "IVORY", "NONE"},
			supplychain.SortTier.Reverse():        {"IVORY", "GERMAN", "SWISS", "GERMAN2", "NONE"},
			supplychain.SortLevel.Reverse():       {"SWISS", "IVORY", "GERMAN", "GERMAN2", "NONE"},
			supplychain.SortName:                  {"SWISS", "IVORY", "NONE", "GERMAN", "GERMAN2"},
			supplychain.SortName.Reverse():        {"GERMAN2", "GERMAN", "NONE", "IVORY", "SWISS"},
		} {
			if got := refs(sortBy, kernel.Page{}); !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", sortBy, got, want)
			}
		}
		// The party nothing is known of stays last in the orders by what it
		// lacks; every other order is the same rows from the end.
		emptyLast := []supplychain.RegisterSort{supplychain.SortCountry, supplychain.SortCommodities, supplychain.SortTier, supplychain.SortLevel}
		for _, sortBy := range supplychain.RegisterSorts {
			forward := refs(sortBy, kernel.Page{})
			backward := refs(sortBy.Reverse(), kernel.Page{})
			if slices.Contains(emptyLast, sortBy) {
				if forward[len(forward)-1] != "NONE" || backward[len(backward)-1] != "NONE" {
					t.Errorf("%s: the party without one comes last only one way: %v and %v", sortBy, forward, backward)
				}
				forward, backward = forward[:len(forward)-1], backward[:len(backward)-1]
			}
			slices.Reverse(backward)
			if !slices.Equal(forward, backward) {
				t.Errorf("%s reversed is not the same rows from the end: %v and %v", sortBy, forward, backward)
			}
			for _, by := range []supplychain.RegisterSort{sortBy, sortBy.Reverse()} {
				var walked []string
				var after []string
				for range len(parties) + 1 {
					es, _, err := st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{}, by, kernel.Page{Limit: 2, After: after})
					if err != nil {
						t.Fatalf("%s after %v: %v", by, after, err)
					}
					if len(es) == 0 {
						break
					}
					for _, e := range es {
						walked = append(walked, e.Party.Ref)
					}
					after = supplychain.RegisterKey(es[len(es)-1], by)
				}
				if want := refs(by, kernel.Page{}); !slices.Equal(walked, want) {
					t.Errorf("%s page by page: %v, want %v", by, walked, want)
				}
			}
		}
		if _, _, err := st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{}, "-colour", kernel.Page{}); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("an unknown order: %v", err)
		}
		if got := fmt.Sprint(supplychain.SortName.Reverse().Reverse()); got != "name" {
			t.Errorf("reversing twice gives %q", got)
		}
	})
}
