package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// The risk map draws facilities with coordinates as links: one point per
// facility, a numbered cluster where they are close, coloured by the
// worst level; the commodity and level filters narrow them; all without
// script.
func TestRiskMapFacilityLayer(t *testing.T) {
	t.Parallel()
	f, parties, sessions := supplyFixture(t)
	ctx := context.Background()
	c, fm, m := parties["C"], parties["F"], parties["M"]
	c.Lat, c.Lng = fptr(5.78), fptr(-6.60)
	fm.Lat, fm.Lng = fptr(5.79), fptr(-6.61)
	m.Lat, m.Lng = fptr(23.81), fptr(90.41)
	if err := f.deps.Suppliers.(*sqlstore.SupplyChain).UpsertParties(ctx, f.org.ID, []supplychain.Party{c, fm, m}); err != nil {
		t.Fatal(err)
	}
	get := func(q string) string {
		res := f.do(t, "GET", "/risk-map"+q, "", sessions["viewer"], nil)
		body := pageText(t, res)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", q, res.StatusCode)
		}
		return body
	}
	body := get("")
	layer := between(body, `<g id="facility-layer">`, `</g>`)
	if n := strings.Count(layer, "<circle"); n != 2 {
		t.Fatalf("%d marks, want a cluster in Côte d'Ivoire and a point in Bangladesh:\n%s", n, layer)
	}
	for _, want := range []string{
		`href="/suppliers/` + m.ID + `"`, "Dhaka Garments Ltd, Bangladesh: low risk, exposure 25.0", `class="fill low"`,
		`href="/suppliers?country=CI"`, "2 facilities close together in Côte d&#39;Ivoire; the highest risk among them: critical", `class="fill critical"`, `>2</text>`,
	} {
		if !strings.Contains(layer, want) {
			t.Errorf("layer lacks %q:\n%s", want, layer)
		}
	}
	if !strings.Contains(body, "Points: 3 facilities with coordinates") {
		t.Errorf("no summary of the points")
	}
	critical := between(get("?level=critical"), `<g id="facility-layer">`, `</g>`)
	if strings.Count(critical, "<circle") != 1 || !strings.Contains(critical, `href="/suppliers/`+c.ID+`"`) {
		t.Errorf("level filter: %s", critical)
	}
	if cotton := get("?commodity=cotton"); strings.Contains(cotton, `<g id="facility-layer">`) || !strings.Contains(cotton, "No facility with coordinates matches the filters") {
		t.Errorf("commodity filter: cotton facilities have no coordinates")
	}
	if off := get("?facilities=off"); strings.Contains(off, `id="facility-layer"`) {
		t.Errorf("the layer is drawn when hidden")
	}
	if res := f.do(t, "GET", "/risk-map?level=dreadful", "", sessions["viewer"], nil); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad level: %d", res.StatusCode)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// The map's commodity filter narrows the country colours too: with
// cotton chosen only Bangladesh (the spinner) is coloured and linked to
// the register filtered to Bangladesh and cotton; a country with no data
// is drawn grey and is not a link, so it is no keyboard focus stop.
func TestRiskMapCommodityFilterAndGreyCountries(t *testing.T) {
	t.Parallel()
	f, _, sessions := supplyFixture(t)
	get := func(q string) string {
		res := f.do(t, "GET", "/risk-map"+q, "", sessions["viewer"], nil)
		body := pageText(t, res)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", q, res.StatusCode)
		}
		return body
	}
	shape := func(body, code string) string {
		i := strings.Index(body, `data-code="`+code+`"`)
		if i < 0 {
			t.Fatalf("no shape for %s", code)
		}
		start := strings.LastIndex(body[:i], "<")
		end := strings.Index(body[i:], "</path>")
		if end < 0 {
			end = strings.Index(body[i:], "/>")
		}
		return body[start : i+end]
	}
	all := get("")
	for code, want := range map[string]string{"CI": `<a href="/suppliers?country=CI"`, "BD": `<a href="/suppliers?country=BD"`, "FR": `<g data-code="FR">`} {
		if got := shape(all, code); !strings.HasPrefix(got, want) {
			t.Errorf("any commodity, %s: %s, want it to start %s", code, got, want)
		}
	}
	if n := strings.Count(between(all, `id="worldmap"`, `</svg>`), "<a href="); n != 3 {
		t.Errorf("%d countries are links, want the three with suppliers only (NL, CI, BD)", n)
	}
	cotton := get("?commodity=cotton")
	if got := shape(cotton, "BD"); !strings.HasPrefix(got, `<a href="/suppliers?commodity=cotton&amp;country=BD"`) || !strings.Contains(got, "Bangladesh: 30.0") {
		t.Errorf("cotton, Bangladesh: %s", got)
	}
	if got := shape(cotton, "CI"); !strings.HasPrefix(got, `<g data-code="CI">`) || !strings.Contains(got, "no data") || !strings.Contains(got, `class="q0"`) {
		t.Errorf("cotton, Côte d'Ivoire has no cotton supplier: %s", got)
	}
	table := between(cotton, `<table id="map-table"`, `</table>`)
	if !strings.Contains(table, "Highest supplier exposure (Cotton) by country (1 country)") || strings.Contains(table, "Côte") {
		t.Errorf("cotton table: %s", table)
	}
	if count := get("?by=count&commodity=cocoa"); !strings.Contains(shape(count, "CI"), "Côte d&#39;Ivoire: 3") {
		t.Errorf("cocoa suppliers in Côte d'Ivoire: %s", shape(count, "CI"))
	}
	if res := f.do(t, "GET", "/risk-map?commodity=unobtainium", "", sessions["viewer"], nil); res.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown commodity: %d", res.StatusCode)
	}
}
