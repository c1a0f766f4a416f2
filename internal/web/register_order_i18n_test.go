package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// TestRegisterRowsInTheReadersOrder: the register sorted by country or by
// commodity lists its rows in the order of the names the page shows, in
// the page's language: Alemania, España, Estados Unidos, Países Bajos,
// Suiza on a Spanish page, where an English page reads Germany,
// Netherlands, Spain, Switzerland, United States; reversed too, and the
// CSV export of the page in the same order.
func TestRegisterRowsInTheReadersOrder(t *testing.T) {
	t.Parallel() // its own database and server
	db := sqltest.Open(t, sqlstore.SQLite)
	f := newFixture(t, db)
	st := db.SupplyChain()
	f.deps.Suppliers = st
	ctx := context.Background()
	parties := []supplychain.Party{
		{Ref: "A", Name: "Aldebaran", Country: "DE", Commodities: []string{"cattle"}},
		{Ref: "B", Name: "Betelgeuse", Country: "NL", Commodities: []string{"wood"}},
		{Ref: "C", Name: "Capella", Country: "ES", Commodities: []string{"cotton"}},
		{Ref: "D", Name: "Deneb", Country: "CH", Commodities: []string{"rubber"}},
		{Ref: "E", Name: "Electra", Country: "US", Commodities: []string{"coffee"}},
		{Ref: "F", Name: "Fomalhaut"},
	}
	var risks []supplychain.PartyRisk
	for i := range parties {
		p := &parties[i]
		p.ID, p.Kind = supplychain.RefID(p.Ref), supplychain.KindCompany
		risks = append(risks, supplychain.PartyRisk{ID: p.ID, Tier: 1, Exposure: float64(10 * i), Level: "low"})
	}
	if err := st.UpsertParties(ctx, f.org.ID, parties); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveRisk(ctx, f.org.ID, sqlstore.RiskRows(risks)); err != nil {
		t.Fatal(err)
	}
	_, session := f.login(t, f.users[account.RoleAnalyst].Email, testPassword, "")
	// order is the parties' refs in the order their names appear in text.
	order := func(text string) string {
		type at struct {
			ref string
			i   int
		}
		var found []at
		for _, p := range parties {
			if i := strings.Index(text, p.Name); i >= 0 {
				found = append(found, at{p.Ref, i})
			}
		}
		out := ""
		for len(found) > 0 {
			first := 0
			for j := range found {
				if found[j].i < found[first].i {
					first = j
				}
			}
			out += found[first].ref
			found = append(found[:first], found[first+1:]...)
		}
		return out
	}
	for _, tc := range []struct {
		lang, sort, want string
	}{
		{"en", "country", "ABCDEF"},
		{"es", "country", "ACEBDF"},
		{"es", "-country", "DBECAF"},
		{"fr", "country", "ACEBDF"},
		{"pt", "country", "ACEBDF"}, // Holanda after Estados Unidos
		{"en", "commodities", "AECDBF"},
		{"es", "commodities", "CEDABF"},
		{"es", "-commodities", "BADECF"},
		{"fr", "commodities", "BAEDCF"},
		{"pt", "commodities", "CDEABF"},
	} {
		for _, path := range []string{"/suppliers?sort=", "/suppliers/export.csv?sort="} {
			res := f.do(t, "GET", path+tc.sort, "", session, map[string]string{"Accept-Language": tc.lang})
			page := pageText(t, res)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s%s in %s: status %d\n%.500s", path, tc.sort, tc.lang, res.StatusCode, page)
			}
			if path == "/suppliers?sort=" {
				page = page[strings.Index(page, "<tbody"):]
			}
			if got := order(page); got != tc.want {
				t.Errorf("%s%s in %s: rows %s, want %s", path, tc.sort, tc.lang, got, tc.want)
			}
		}
	}
}
