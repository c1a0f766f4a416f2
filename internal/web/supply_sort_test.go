package web

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// TestRegisterReversedKeepsTheUnknownLast: ordered by country, commodity,
// tier or level, a supplier nothing is known of comes last, and still
// last when the heading is followed again to reverse the order; the
// others read from the other end. Both engines.
func TestRegisterReversedKeepsTheUnknownLast(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		st := db.SupplyChain()
		f.deps.Suppliers = st
		ctx := context.Background()
		var parties []supplychain.Party
		var risks []supplychain.PartyRisk
		for _, p := range []struct {
			name, country, commodity, level string
			tier                            int
			exposure                        float64
		}{
			{"Accra Cocoa", "GH", "cocoa", "high", 1, 70},
			{"Bago Rice", "MM", "rice", "low", 2, 20},
			{"Nowhere Known", "", "", "unknown", 0, 40},
			{"Zanzibar Cloves", "TZ", "coffee", "medium", 3, 50},
		} {
			party := supplychain.Party{ID: supplychain.RefID(p.name), Ref: p.name, Name: p.name, Kind: supplychain.KindCompany, Country: p.country}
			if p.commodity != "" {
				party.Commodities = []string{p.commodity}
			}
			parties = append(parties, party)
			risks = append(risks, supplychain.PartyRisk{ID: party.ID, Tier: p.tier, Exposure: p.exposure, Own: p.exposure, Level: p.level})
		}
		if err := st.UpsertParties(ctx, f.org.ID, parties); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveRisk(ctx, f.org.ID, sqlstore.RiskRows(risks)); err != nil {
			t.Fatal(err)
		}
		_, s := f.login(t, f.users[account.RoleViewer].Email, testPassword, "")
		rowName := regexp.MustCompile(`<td><a href="/suppliers/[^"]+">([^<]+)</a></td>`)
		names := func(sort string) []string {
			t.Helper()
			page := pageText(t, f.do(t, "GET", "/suppliers?sort="+sort, "", s, nil))
			var out []string
			for _, m := range rowName.FindAllStringSubmatch(page, -1) {
				out = append(out, m[1])
			}
			return out
		}
		for _, tc := range []struct {
			sort string
			want []string
		}{
			{"country", []string{"Accra Cocoa", "Bago Rice", "Zanzibar Cloves", "Nowhere Known"}}, // Ghana, Myanmar, Tanzania
			{"-country", []string{"Zanzibar Cloves", "Bago Rice", "Accra Cocoa", "Nowhere Known"}},
			{"commodities", []string{"Accra Cocoa", "Zanzibar Cloves", "Bago Rice", "Nowhere Known"}}, // cocoa, coffee, rice
			{"-commodities", []string{"Bago Rice", "Zanzibar Cloves", "Accra Cocoa", "Nowhere Known"}},
			{"tier", []string{"Accra Cocoa", "Bago Rice", "Zanzibar Cloves", "Nowhere Known"}},
			{"-tier", []string{"Zanzibar Cloves", "Bago Rice", "Accra Cocoa", "Nowhere Known"}},
			{"level", []string{"Accra Cocoa", "Zanzibar Cloves", "Bago Rice", "Nowhere Known"}},
			{"-level", []string{"Bago Rice", "Zanzibar Cloves", "Accra Cocoa", "Nowhere Known"}},
			{"-name", []string{"Zanzibar Cloves", "Nowhere Known", "Bago Rice", "Accra Cocoa"}},
		} {
			if got := names(tc.sort); !slices.Equal(got, tc.want) {
				t.Errorf("sort=%s: %q, want %q", tc.sort, got, tc.want)
			}
		}
	})
}
