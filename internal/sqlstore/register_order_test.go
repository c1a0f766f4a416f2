package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/upstream-platform/upstream/internal/commodity"
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
		storeScored(t, st, tn.a.ID, parties, func(i int, p supplychain.Party) supplychain.PartyRisk {
			r := supplychain.PartyRisk{ID: p.ID, Tier: 1 + i%2, Inherent: float64(10 * i), Own: float64(10 * i), Exposure: float64(10 * i), Level: "low"}
			if p.Ref == "NONE" {
				r.Tier, r.Level = 0, "unknown" // not connected, nothing known
			}
			return r
		})
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
					after = supplychain.RegisterKey(es[len(es)-1], by, nil)
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

// TestRegisterOrdersByNamesInTheReadersLanguage: on a page in another
// language the orders by country and by commodity follow that language's
// names in its alphabet, not the English names (Alemania, España, Estados
// Unidos, Países Bajos, Suiza in Spanish; Germany, Netherlands, Spain,
// Switzerland, United States in English), forward and reversed, a party
// without one last either way, and pages of two resume after a row's key
// in the same language without skipping or repeating a row. Both engines.
func TestRegisterOrdersByNamesInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	// The commodity names of the staff pages' catalogs (internal/web/locales).
	commodityNames := map[language.Tag]map[string]string{
		language.Spanish: {"cattle": "Ganado bovino", "cocoa": "Cacao", "coffee": "Café", "cotton": "Algodón", "rubber": "Caucho", "wood": "Madera"},
		language.French:  {"cattle": "Bovins", "cocoa": "Cacao", "coffee": "Café", "cotton": "Coton", "rubber": "Caoutchouc", "wood": "Bois"},
	}
	orderIn := func(tag language.Tag) *supplychain.NameOrder {
		regions := display.Regions(tag)
		return supplychain.NewNameOrder(tag,
			func(code string) string { return regions.Name(language.MustParseRegion(code)) },
			func(id string) string {
				if n, ok := commodityNames[tag][id]; ok {
					return n
				}
				c, _ := commodity.ByID(id)
				return c.Name
			})
	}
	spanish, french := orderIn(language.Spanish), orderIn(language.French)
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		parties := []supplychain.Party{
			{Ref: "A", Name: "Alpha", Country: "DE", Commodities: []string{"cattle"}},
			{Ref: "B", Name: "Bravo", Country: "NL", Commodities: []string{"wood"}},
			{Ref: "C", Name: "Charlie", Country: "ES", Commodities: []string{"cotton", "wood"}},
			{Ref: "D", Name: "Delta", Country: "CH", Commodities: []string{"rubber"}},
			{Ref: "E", Name: "Echo", Country: "US", Commodities: []string{"coffee"}},
			{Ref: "F", Name: "Foxtrot"},
			{Ref: "G", Name: "Golf", Country: "ES", Commodities: []string{"cocoa"}},
		}
		storeScored(t, st, tn.a.ID, parties, func(i int, p supplychain.Party) supplychain.PartyRisk {
			return supplychain.PartyRisk{ID: p.ID, Tier: 1, Exposure: float64(10 * i), Level: "low"}
		})
		for _, tc := range []struct {
			lang  string
			names *supplychain.NameOrder
			by    supplychain.RegisterSort
			want  string
		}{
			{"en", nil, supplychain.SortCountry, "ABCGDEF"},
			{"es", spanish, supplychain.SortCountry, "ACGEBDF"},
			{"es", spanish, supplychain.SortCountry.Reverse(), "DBEGCAF"},
			{"fr", french, supplychain.SortCountry, "ACGEBDF"},
			{"fr", french, supplychain.SortCountry.Reverse(), "DBEGCAF"},
			{"en", nil, supplychain.SortCommodities, "AGECDBF"},
			{"es", spanish, supplychain.SortCommodities, "CGEDABF"},
			{"es", spanish, supplychain.SortCommodities.Reverse(), "BADEGCF"},
			{"fr", french, supplychain.SortCommodities, "BAGEDCF"},
			{"fr", french, supplychain.SortCommodities.Reverse(), "CDEGABF"},
		} {
			f := supplychain.RegisterFilter{Names: tc.names}
			es, total, err := st.Register(ctx, tn.a.ID, f, tc.by, kernel.Page{})
			if err != nil || total != len(parties) {
				t.Fatalf("%s %s: %v, total %d", tc.lang, tc.by, err, total)
			}
			if got := joinRefs(es); got != tc.want {
				t.Errorf("%s %s: %s, want %s", tc.lang, tc.by, got, tc.want)
			}
			walked := ""
			var after []string
			for range len(parties) + 1 {
				es, _, err := st.Register(ctx, tn.a.ID, f, tc.by, kernel.Page{Limit: 2, After: after})
				if err != nil {
					t.Fatalf("%s %s after %v: %v", tc.lang, tc.by, after, err)
				}
				if len(es) == 0 {
					break
				}
				walked += joinRefs(es)
				after = supplychain.RegisterKey(es[len(es)-1], tc.by, tc.names)
			}
			if walked != tc.want {
				t.Errorf("%s %s page by page: %s, want %s", tc.lang, tc.by, walked, tc.want)
			}
		}
	})
}

// storeScored stores parties as companies with ids from their refs, and
// the risk score gives each (the i-th of parties).
func storeScored(t *testing.T, st *sqlstore.SupplyChain, orgID string, parties []supplychain.Party, score func(i int, p supplychain.Party) supplychain.PartyRisk) {
	t.Helper()
	ctx := context.Background()
	var risks []supplychain.PartyRisk
	for i := range parties {
		p := &parties[i]
		p.ID, p.Kind = supplychain.RefID(p.Ref), supplychain.KindCompany
		risks = append(risks, score(i, *p))
	}
	if err := st.UpsertParties(ctx, orgID, parties); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveRisk(ctx, orgID, sqlstore.RiskRows(risks)); err != nil {
		t.Fatal(err)
	}
}

// joinRefs is the refs of es, in order, as one string.
func joinRefs(es []supplychain.RegisterEntry) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.Party.Ref)
	}
	return b.String()
}
