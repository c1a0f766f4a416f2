package eudr_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/geo"
)

func checker(t *testing.T) eudr.Checker {
	t.Helper()
	b, err := geo.DefaultBorders()
	if err != nil {
		t.Fatal(err)
	}
	return eudr.Checker{Borders: b, Today: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
}

// feature wraps a geometry in a cocoa plot feature from Côte d'Ivoire, with
// extra properties overriding the defaults.
func feature(geometry string, props ...string) string {
	base := map[string]string{
		"ProducerName":     `"Kouadio Yao"`,
		"ProducerCountry":  `"CI"`,
		"ProductionPlace":  `"Soubré"`,
		"commodity":        `"cocoa"`,
		"production_start": `"2025-10-01"`,
		"production_end":   `"2026-03-31"`,
	}
	for i := 0; i+1 < len(props); i += 2 {
		base[props[i]] = props[i+1]
	}
	var ps []string
	for k, v := range base {
		if v != "" {
			ps = append(ps, fmt.Sprintf("%q: %s", k, v))
		}
	}
	return `{"type":"Feature","properties":{` + strings.Join(ps, ",") + `},"geometry":` + geometry + `}`
}

func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

// A plot of about 6.9 ha near Soubré, closed, six decimals.
const goodPolygon = `{"type":"Polygon","coordinates":[[[-6.592345,5.781234],[-6.589912,5.781301],[-6.589850,5.778456],[-6.592290,5.778390],[-6.592345,5.781234]]]}`

func run(t *testing.T, doc string) []eudr.Finding {
	t.Helper()
	plots, problems, err := eudr.ReadGeoJSON("plots.geojson", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	fs := checker(t).Check(plots)
	for _, p := range problems {
		fs = append(fs, eudr.Finding{Plot: p.Origin, Check: eudr.CheckRead, Severity: eudr.Error, Message: p.Message})
	}
	return fs
}

func TestGoodPlotsPass(t *testing.T) {
	doc := collection(
		feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "Area", "2.5"),
		feature(goodPolygon, "ProducerName", `"Aya Koffi"`),
		// A polygon with a hole, inside Ghana, declared GH.
		feature(`{"type":"Polygon","coordinates":[[[-1.630000,6.690000],[-1.620000,6.690000],[-1.620000,6.700000],[-1.630000,6.700000],[-1.630000,6.690000]],[[-1.627000,6.693000],[-1.623000,6.693000],[-1.623000,6.697000],[-1.627000,6.697000],[-1.627000,6.693000]]]}`, "ProducerCountry", `"Ghana"`, "ProducerName", `"Ama Mensah"`),
		// Cattle may be a point above 4 ha.
		feature(`{"type":"Point","coordinates":[-55.912345,-12.512345]}`, "ProducerCountry", `"BR"`, "commodity", `"cattle"`, "Area", "250", "ProducerName", `"Fazenda Boa Vista"`),
	)
	for _, f := range run(t, doc) {
		if f.Severity == eudr.Error {
			t.Errorf("unexpected error %s", f)
		}
	}
}

func TestEachCheckFails(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		check    eudr.Check
		severity eudr.Severity
		contains string
	}{
		{"swapped order, latitude out of range", collection(feature(`{"type":"Point","coordinates":[5.781234,-95.592345]}`, "Area", "1")), eudr.CheckOrder, eudr.Error, "swapped"},
		{"swapped order, found through the country", collection(feature(`{"type":"Point","coordinates":[5.781234,-6.592345]}`, "Area", "1")), eudr.CheckOrder, eudr.Error, "longitude first"},
		{"longitude out of range", collection(feature(`{"type":"Point","coordinates":[200.123456,5.781234]}`, "Area", "1")), eudr.CheckRange, eudr.Error, "out of range"},
		{"too few decimals", collection(feature(`{"type":"Point","coordinates":[-6.5923,5.7812]}`, "Area", "1")), eudr.CheckDecimals, eudr.Error, "fewer than 6 decimals"},
		{"trailing zeros dropped by a float export", collection(feature(`{"type":"Point","coordinates":[-6.59,5.781234]}`, "Area", "1")), eudr.CheckDecimals, eudr.Error, "lon -6.59"},
		{"unclosed ring", collection(feature(`{"type":"Polygon","coordinates":[[[-6.592345,5.781234],[-6.589912,5.781301],[-6.589850,5.778456],[-6.592290,5.778390]]]}`)), eudr.CheckRingOpen, eudr.Error, "not closed"},
		{"ring too short", collection(feature(`{"type":"Polygon","coordinates":[[[-6.592345,5.781234],[-6.589912,5.781301],[-6.592345,5.781234]]]}`)), eudr.CheckRingShort, eudr.Error, "at least 4"},
		{"self-intersecting bow tie", collection(feature(`{"type":"Polygon","coordinates":[[[-6.592345,5.781234],[-6.589850,5.778456],[-6.589912,5.781301],[-6.592290,5.778390],[-6.592345,5.781234]]]}`)), eudr.CheckSelfCross, eudr.Error, "edge 1"},
		{"ring touching itself at a vertex", collection(feature(`{"type":"Polygon","coordinates":[[[-6.592000,5.780000],[-6.590000,5.780000],[-6.591000,5.781000],[-6.590000,5.782000],[-6.592000,5.782000],[-6.591000,5.781000],[-6.592000,5.780000]]]}`)), eudr.CheckSelfCross, eudr.Error, "crosses or touches"},
		{"spike doubling back", collection(feature(`{"type":"Polygon","coordinates":[[[-6.592000,5.780000],[-6.590000,5.780000],[-6.590000,5.782000],[-6.590000,5.781000],[-6.592000,5.782000],[-6.592000,5.780000]]]}`)), eudr.CheckSelfCross, eudr.Error, ""},
		{"hole crossing the outer ring", collection(feature(`{"type":"Polygon","coordinates":[[[-6.592000,5.780000],[-6.590000,5.780000],[-6.590000,5.782000],[-6.592000,5.782000],[-6.592000,5.780000]],[[-6.591000,5.781000],[-6.589000,5.781000],[-6.589000,5.781500],[-6.591000,5.781500],[-6.591000,5.781000]]]}`)), eudr.CheckSelfCross, eudr.Error, "hole 1"},
		{"duplicate vertex", collection(feature(`{"type":"Polygon","coordinates":[[[-6.592345,5.781234],[-6.589912,5.781301],[-6.589912,5.781301],[-6.589850,5.778456],[-6.592290,5.778390],[-6.592345,5.781234]]]}`)), eudr.CheckDuplicate, eudr.Error, "repeats position 2"},
		{"point for a plot above 4 ha", collection(feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "Area", "10")), eudr.CheckPolygonNeeded, eudr.Error, "polygon"},
		{"point with no area", collection(feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`)), eudr.CheckArea, eudr.Warning, "state the area"},
		{"declared area far from the polygon", collection(feature(goodPolygon, "Area", "20")), eudr.CheckArea, eudr.Warning, "20 ha is declared"},
		{"point in Ghana declared in Côte d'Ivoire", collection(feature(`{"type":"Point","coordinates":[-1.624400,6.688500]}`, "Area", "1")), eudr.CheckCountry, eudr.Error, "in Ghana (GH)"},
		{"point at sea", collection(feature(`{"type":"Point","coordinates":[-5.000000,3.000000]}`, "Area", "1")), eudr.CheckCountry, eudr.Error, "at sea"},
		{"no country", collection(feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "Area", "1", "ProducerCountry", "")), eudr.CheckCountry, eudr.Error, "no country"},
		{"implausibly large cocoa plot", collection(feature(`{"type":"Polygon","coordinates":[[[-6.250000,6.750000],[-5.750000,6.750000],[-5.750000,7.250000],[-6.250000,7.250000],[-6.250000,6.750000]]]}`)), eudr.CheckTooLarge, eudr.Error, "implausibly large"},
		{"production ends before it starts", collection(feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "Area", "1", "production_end", `"2025-01-01"`)), eudr.CheckDates, eudr.Error, "before it starts"},
		{"production in the future", collection(feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "Area", "1", "production_end", `"2027-06-01"`)), eudr.CheckDates, eudr.Error, "future"},
		{"no production dates", collection(feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "Area", "1", "production_start", "", "production_end", "")), eudr.CheckDates, eudr.Warning, "Art. 9(1)(c)"},
		{"overlapping plots of two producers", collection(
			feature(goodPolygon),
			feature(`{"type":"Polygon","coordinates":[[[-6.591000,5.780000],[-6.588000,5.780000],[-6.588000,5.777000],[-6.591000,5.777000],[-6.591000,5.780000]]]}`, "ProducerName", `"Aya Koffi"`),
		), eudr.CheckOverlap, eudr.Error, "Aya Koffi"},
		{"point inside another producer's polygon", collection(
			feature(goodPolygon),
			feature(`{"type":"Point","coordinates":[-6.591000,5.780000]}`, "Area", "1", "ProducerName", `"Aya Koffi"`),
		), eudr.CheckOverlap, eudr.Error, "contains the point"},
		{"two producers at the same point", collection(
			feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "Area", "1"),
			feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "Area", "1", "ProducerName", `"Aya Koffi"`),
		), eudr.CheckOverlap, eudr.Error, "same place"},
		{"multipoint is not one plot", collection(feature(`{"type":"MultiPoint","coordinates":[[-6.601234,5.790123],[-6.602234,5.791123]]}`)), eudr.CheckRead, eudr.Error, "one plot per feature"},
		{"no geometry", collection(feature(`null`)), eudr.CheckRead, eudr.Error, "no geometry"},
		{"unknown commodity", collection(feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "commodity", `"cotton"`)), eudr.CheckRead, eudr.Error, "not one the Regulation covers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := run(t, tc.doc)
			for _, f := range fs {
				if f.Check == tc.check && f.Severity == tc.severity && strings.Contains(f.Message, tc.contains) {
					if !strings.HasPrefix(f.Plot, "features[") {
						t.Errorf("finding does not name the feature: %s", f)
					}
					return
				}
			}
			t.Fatalf("want a %s %s finding containing %q, got:\n%s", tc.severity, tc.check, tc.contains, list(fs))
		})
	}
}

func TestSameProducerMayHaveNeighbouringPlots(t *testing.T) {
	fs := run(t, collection(
		feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "Area", "1"),
		feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "Area", "1"),
		// A neighbour sharing an edge, surveyed separately: no overlap.
		feature(goodPolygon),
		feature(`{"type":"Polygon","coordinates":[[[-6.589912,5.781301],[-6.587500,5.781350],[-6.587450,5.778500],[-6.589850,5.778456],[-6.589912,5.781301]]]}`, "ProducerName", `"Aya Koffi"`),
	))
	for _, f := range fs {
		if f.Check == eudr.CheckOverlap {
			t.Errorf("unexpected overlap: %s", f)
		}
	}
}

func list(fs []eudr.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s [%s]\n", f, f.Check)
	}
	return b.String()
}
