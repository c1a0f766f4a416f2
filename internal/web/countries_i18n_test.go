package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/geo"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestCountriesInTheReadersLanguage: the register (rows, heading and the
// country filter), the risk map (shapes, table, legend, measures), the
// supplier page and the EUDR pages name countries as the reader's
// language does, and the country filter lists them in that language's
// alphabetical order.
func TestCountriesInTheReadersLanguage(t *testing.T) {
	t.Parallel() // its own database and server
	f, ps, sessions := supplyFixture(t)
	get := func(t *testing.T, path, lang string) string {
		t.Helper()
		res := f.do(t, "GET", path, "", sessions[account.RoleAnalyst], map[string]string{"Accept-Language": lang})
		page := pageText(t, res)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s in %s: status %d\n%.500s", path, lang, res.StatusCode, page)
		}
		return page
	}
	for _, tc := range []struct {
		name, path, lang string
		want, not        []string
	}{
		{"register rows in Spanish", "/suppliers", "es",
			[]string{"<td>Países Bajos</td>", "<td>Bangladés</td>", `<option value="" selected>Cualquier país</option>`, ">Cualquier nivel de riesgo<", ">Crítico<", ">Nivel 1<",
				// Commodities too, in the rows and the filter.
				"<td>Cacao</td>", `<option value="garments">Prendas de vestir</option>`},
			// The level of each row is named in words of the page too.
			[]string{"<td>Netherlands</td>", "<td>Bangladesh</td>", "Any country", ">Tier 1<",
				`">low</span>`, `">medium</span>`, `">high</span>`, `">critical</span>`, ">Garments<", "<td>Cocoa</td>"}},
		{"register rows in French", "/suppliers", "fr",
			[]string{"<td>Pays-Bas</td>", `<option value="DE">Allemagne</option>`}, []string{"<td>Netherlands</td>"}},
		{"register filtered to a country", "/suppliers?country=NL", "pt",
			[]string{"Cadastro de fornecedores: Holanda", `<option value="NL" selected>Holanda</option>`}, []string{"Netherlands"}},
		{"map by exposure", "/risk-map", "es",
			[]string{"<title>Países Bajos: 45,0</title>", ">Países Bajos</a>", "Exposición más alta de un proveedor", "menos de 20", "<title>Alemania: sin datos</title>"},
			[]string{"Netherlands", "Highest supplier exposure", "under 20", "no data"}},
		{"map by share at high risk", "/risk-map?by=high", "fr",
			[]string{"Part des fournisseurs à risque élevé ou critique", "Bangladesh: 0\u00a0% (0 sur 2)"}, []string{"Share of suppliers", "(0 of 2)"}},
		{"map by slavery prevalence", "/risk-map?by=gsi", "pt",
			[]string{"pessoas por 1.000"}, []string{"people per 1,000", "per 1,000"}},
		{"supplier page", "/suppliers/" + ps["T"].ID, "es",
			// A reference source's title is a proper name, marked as English.
			[]string{">Côte d’Ivoire</a>", "(Países Bajos)", `<td lang="en">US DOL ILAB List of Goods</td>`}, []string{"Netherlands"}},
		{"tier one supplier", "/suppliers/" + ps["G"].ID, "fr",
			[]string{">Pays-Bas</a>", "Votre organisation"}, []string{"Your organisation"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := get(t, tc.path, tc.lang)
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("%s in %s lacks %q", tc.path, tc.lang, w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(page, w) {
					t.Errorf("%s in %s shows %q", tc.path, tc.lang, w)
				}
			}
		})
	}

	// The filter reads alphabetically in the reader's language: Germany
	// is "Alemania" in Spanish and "Allemagne" in French, so it comes
	// before Bangladesh there, and after it in English.
	t.Run("filter order", func(t *testing.T) {
		for _, tc := range []struct {
			lang          string
			before, after string
		}{
			{"en", `value="BD"`, `value="DE"`},
			{"es", `value="DE"`, `value="BD"`},
			{"fr", `value="DE"`, `value="BD"`},
			{"pt", `value="DE"`, `value="BD"`},
			{"es", `value="BD"`, `value="SE"`}, // Suecia after Bangladés
			{"fr", `value="ZA"`, `value="DE"`}, // Afrique du Sud, then Allemagne
		} {
			page := get(t, "/suppliers", tc.lang)
			sel := page[strings.Index(page, `<select id="country"`):]
			sel = sel[:strings.Index(sel, "</select>")]
			b, a := strings.Index(sel, tc.before), strings.Index(sel, tc.after)
			if b < 0 || a < 0 || b > a {
				t.Errorf("%s: the country filter lists %s at %d, %s at %d: want the first before the second", tc.lang, tc.before, b, tc.after, a)
			}
		}
	})
}

// TestEUDRCountriesInTheReadersLanguage: the EUDR overview names the
// plots' country and the operator's in the reader's language, and its
// operator form lists the countries in that language.
func TestEUDRCountriesInTheReadersLanguage(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	f := newFixture(t, db)
	ctx := context.Background()
	borders, err := geo.DefaultBorders()
	if err != nil {
		t.Fatal(err)
	}
	svc := eudr.NewService(db.EUDR(), borders, func(string) string { return "standard" }, f.clock)
	f.deps.EUDR = svc
	org := f.org.ID
	if _, err := svc.ImportPlots(ctx, org, "plots.geojson", eudr.FormatGeoJSON, strings.NewReader(eudrTestPlots)); err != nil {
		t.Fatal(err)
	}
	if err := db.EUDR().SaveOperator(ctx, org, eudr.Operator{Name: "Acme Chocolate", Country: "BE", Address: "Rue 1, Bruxelles", Size: eudr.Large}); err != nil {
		t.Fatal(err)
	}
	_, analyst := f.login(t, f.users[account.RoleAnalyst].Email, testPassword, "")
	res := f.do(t, "GET", "/eudr", "", analyst, map[string]string{"Accept-Language": "pt"})
	page := pageText(t, res)
	for _, want := range []string{"Acme Chocolate, Rue 1, Bruxelles, Bélgica", "<td>Costa do Marfim</td>", `<option value="BE" selected>Bélgica</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the Portuguese EUDR overview lacks %q", want)
		}
	}
	for _, not := range []string{"Belgium", "Côte d&#39;Ivoire", "Choose a country"} {
		if strings.Contains(page, not) {
			t.Errorf("the Portuguese EUDR overview shows %q", not)
		}
	}
	if i, j := strings.Index(page, `<option value="DE"`), strings.Index(page, `<option value="BD"`); i < 0 || j < 0 || i > j {
		t.Errorf("the operator's country list is not in Portuguese order: Alemanha at %d, Bangladesh at %d", i, j)
	}
	res = f.do(t, "POST", "/eudr/operator", "name=Acme+Chocolate&address=Rue+1&country=DE&size=large", analyst, map[string]string{"Accept-Language": "es"})
	if page := pageText(t, res); !strings.Contains(page, "Acme Chocolate, Alemania.") {
		t.Errorf("saving the operator in Spanish does not name the country in Spanish:\n%.2000s", page)
	}
}
