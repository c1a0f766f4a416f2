package eudr_test

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/eudr"
)

// The readers take files from outside: whatever the bytes, they return
// plots, problems or an error, never panic, and every plot they return can
// be checked.
func FuzzReadGeoJSON(f *testing.F) {
	f.Add(collection(feature(goodPolygon)))
	f.Add(collection(feature(`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}`)))
	f.Add(`{"type":"Feature","geometry":{"type":"Point","coordinates":[1e400,-0]}}`)
	f.Add(`{"type":"FeatureCollection","features":[null,1,"x",{}]}`)
	c := eudr.Checker{}
	f.Fuzz(func(t *testing.T, in string) {
		plots, _, err := eudr.ReadGeoJSON("fuzz.geojson", strings.NewReader(in))
		if err != nil {
			return
		}
		c.Check(plots)
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add("latitude,longitude,country,area_ha\n5.790123,-6.601234,CI,2\n")
	f.Add("wkt;country\nPOLYGON ((0 0, 1 0, 1 1, 0 0));CI\n")
	f.Add("wkt\n\"POINT (1 2\"\n")
	c := eudr.Checker{}
	f.Fuzz(func(t *testing.T, in string) {
		plots, _, err := eudr.ReadCSV("fuzz.csv", strings.NewReader(in))
		if err != nil {
			return
		}
		c.Check(plots)
	})
}

func FuzzParseWKT(f *testing.F) {
	f.Add("POINT (-6.601234 5.790123)")
	f.Add("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2)))")
	f.Add("POLYGON ((0 0, 1 0, 1 1, 0 0), (0.1 0.1, 0.2 0.1, 0.2 0.2, 0.1 0.1))")
	f.Fuzz(func(t *testing.T, in string) {
		g, err := eudr.ParseWKT(in)
		if err == nil && g.Kind == "" {
			t.Fatalf("%q: no error and no geometry", in)
		}
		if err == nil {
			eudr.GeometryAreaHa(g)
		}
	})
}
