package eudr_test

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestReadCSVLatLonAndWKT(t *testing.T) {
	in := "plot_id;producer_ref;producer_name;country;commodity;area_ha;production_start;production_end;latitude;longitude;wkt\n" +
		"P1;F-001;Kouadio Yao;CI;cocoa beans;2,5;2025-10-01;2026-03-31;5.790123;-6.601234;\n" +
		"P2;F-002;Aya Koffi;Côte d'Ivoire;cocoa;;2025-10;2026-03;;;POLYGON ((-6.592345 5.781234, -6.589912 5.781301, -6.589850 5.778456, -6.592290 5.778390, -6.592345 5.781234))\n" +
		"\n" +
		"P3;F-003;;CI;cocoa;1;2025-10-01;;abc;-6.6;\n" +
		"P4;F-004;;Atlantis;cotton;1;;;5.7;-6.6;\n" +
		"P5;F-005;;CI;cocoa;1;;;;;\n" +
		"P6;F-006;;CI;cocoa;1;;;;;LINESTRING (1 2, 3 4)\n"
	plots, problems, err := eudr.ReadCSV("plots.csv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(plots) != 2 {
		t.Fatalf("read %d plots, want 2: %+v", len(plots), plots)
	}
	p1, p2 := plots[0], plots[1]
	if p1.Ref != "P1" || p1.Origin != "row 2" || p1.Geometry.Kind != eudr.KindPoint || p1.Geometry.Point.Lat != 5.790123 || p1.Geometry.Point.LatDecimals != 6 || p1.DeclaredAreaHa != 2.5 || p1.Commodity != "cocoa" {
		t.Errorf("P1 = %+v", p1)
	}
	if p2.Country != "CI" || p2.Geometry.Kind != eudr.KindPolygon || len(p2.Geometry.Polygons[0][0]) != 5 || p2.ProductionFrom.Month() != 10 || p2.Origin != "row 3" {
		t.Errorf("P2 = %+v", p2)
	}
	want := map[string]string{
		"row 5": "latitude \"abc\" is not a number",
		"row 6": "country",
		"row 7": "no location",
		"row 8": "is a line, not a plot",
	}
	if len(problems) != len(want) {
		t.Fatalf("problems %v", problems)
	}
	for _, p := range problems {
		if !strings.Contains(p.Message, want[p.Origin]) || want[p.Origin] == "" {
			t.Errorf("%s: %q, want it to contain %q", p.Origin, p.Message, want[p.Origin])
		}
	}
	if !strings.Contains(problems[1].Message, "commodity \"cotton\"") {
		t.Errorf("row 6 should also name the commodity: %q", problems[1].Message)
	}
}

func TestReadCSVNeedsALocationColumn(t *testing.T) {
	for _, in := range []string{"", "plot_id,country\nP1,CI\n", "lat,latitude,lon\n1,2,3\n"} {
		_, _, err := eudr.ReadCSV("plots.csv", strings.NewReader(in))
		if !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), "plots.csv") {
			t.Errorf("%q: err %v, want an invalid error naming the file", in, err)
		}
	}
}

func TestParseWKT(t *testing.T) {
	tests := []struct {
		in    string
		kind  eudr.Kind
		parts int
		bad   string
	}{
		{"POINT (-6.601234 5.790123)", eudr.KindPoint, 0, ""},
		{"point z (-6.601234 5.790123 210.5)", eudr.KindPoint, 0, ""},
		{"POLYGON ((0 0, 1 0, 1 1, 0 0), (0.1 0.1, 0.2 0.1, 0.2 0.2, 0.1 0.1))", eudr.KindPolygon, 1, ""},
		{"MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2)))", eudr.KindMultiPolygon, 2, ""},
		{"POINT EMPTY", "", 0, "EMPTY"},
		{"POINT (1)", "", 0, "latitude"},
		{"POLYGON ((0 0, 1 0, 1 1, 0 0)", "", 0, "')'"},
		{"POLYGON ((0 0, 1 0, 1 1, 0 0)) trailing", "", 0, "after the geometry"},
		{"CIRCLE (0 0, 1)", "", 0, "not POINT"},
		{"", "", 0, "empty"},
	}
	for _, tc := range tests {
		g, err := eudr.ParseWKT(tc.in)
		if tc.bad != "" {
			if err == nil || !strings.Contains(err.Error(), tc.bad) {
				t.Errorf("%q: err %v, want one containing %q", tc.in, err, tc.bad)
			}
			continue
		}
		if err != nil || g.Kind != tc.kind || len(g.Polygons) != tc.parts {
			t.Errorf("%q: %+v, %v", tc.in, g, err)
		}
	}
	g, _ := eudr.ParseWKT("POINT (-6.60 5.790123)")
	if g.Point.LonDecimals != 2 || g.Point.LatDecimals != 6 {
		t.Errorf("decimals %+v", g.Point)
	}
}

func TestReadGeoJSONRejectsNonGeoJSON(t *testing.T) {
	for _, in := range []string{`not json`, `{"type":"Polygon","coordinates":[]}`, `{}`, "{\n\"type\": \"FeatureCollection\",\n\"features\": [,]}"} {
		_, _, err := eudr.ReadGeoJSON("plots.geojson", strings.NewReader(in))
		if !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), "plots.geojson") {
			t.Errorf("%q: err %v", in, err)
		}
	}
	_, _, err := eudr.ReadGeoJSON("plots.geojson", strings.NewReader("{\n\"type\": \"FeatureCollection\",\n\"features\": [,]}"))
	if !strings.Contains(err.Error(), "line 3") {
		t.Errorf("syntax error should name the line: %v", err)
	}
}

func TestReadGeoJSONNamesEveryBadFeature(t *testing.T) {
	doc := collection(
		feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`),
		feature(`{"type":"Point","coordinates":["a",5.790123]}`),
		feature(`{"type":"Polygon","coordinates":[[[-6.592345,5.781234],[1]]]}`),
		`{"type":"Feature","properties":{"ProducerCountry":"Narnia"},"geometry":{"type":"Point","coordinates":[1,2]}}`,
		`{"type":"Fixture"}`,
		feature(`{"type":"Point","coordinates":[-6.601234,5.790123,12,4]}`),
	)
	plots, problems, err := eudr.ReadGeoJSON("plots.geojson", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(plots) != 1 || plots[0].Origin != "features[0]" {
		t.Fatalf("plots %+v", plots)
	}
	want := []string{"features[1]: point: longitude is not a number", "features[2]: polygon: ring 1, position 2", "features[3]: property \"ProducerCountry\"", "features[4]: type is \"Fixture\"", "features[5]: point: a position has at most 3"}
	if len(problems) != len(want) {
		t.Fatalf("problems %v", problems)
	}
	for i, w := range want {
		if !strings.HasPrefix(problems[i].String(), w) {
			t.Errorf("problem %d = %q, want prefix %q", i, problems[i], w)
		}
	}
}
