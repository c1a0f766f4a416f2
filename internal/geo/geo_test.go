package geo_test

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/geo"
)

func TestDefaultWorld(t *testing.T) {
	w, err := geo.Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Countries) < 170 {
		t.Fatalf("only %d countries", len(w.Countries))
	}
	tests := []struct {
		code       string
		name       string
		minX, maxX float64 // rough horizontal position in the view box
		north      bool
	}{
		{"FR", "France", 420, 560, true}, // carries no isoA2 in the source: mapped from FRA
		{"NO", "Norway", 440, 600, true},
		{"TW", "Taiwan", 780, 900, true},
		{"CI", "Côte d'Ivoire", 400, 520, true},
		{"BR", "Brazil", 250, 420, false},
		{"AU", "Australia", 780, 990, false},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			c, ok := w.Country(tc.code)
			if !ok {
				t.Fatalf("%s missing", tc.code)
			}
			if !strings.HasPrefix(c.Path, "M") || !strings.HasSuffix(c.Path, "Z") {
				t.Fatalf("bad path %q...", c.Path[:20])
			}
			if c.CX < tc.minX || c.CX > tc.maxX {
				t.Errorf("%s centre x %.0f outside %.0f..%.0f", tc.code, c.CX, tc.minX, tc.maxX)
			}
			if (c.CY < geo.Height/2) != tc.north {
				t.Errorf("%s centre y %.0f on the wrong hemisphere", tc.code, c.CY)
			}
		})
	}
	seen := map[string]bool{}
	for _, c := range w.Countries {
		if seen[c.Alpha2] {
			t.Errorf("duplicate code %s", c.Alpha2)
		}
		seen[c.Alpha2] = true
	}
}

func TestDecodeRejectsBadInput(t *testing.T) {
	for _, in := range []string{`{}`, `{"type":"Topology","objects":{}}`, `not json`,
		`{"type":"Topology","arcs":[],"objects":{"countries":{"geometries":[{"type":"Polygon","arcs":[[5]],"properties":{"isoA2":"FR"}}]}}}`} {
		if _, err := geo.Decode([]byte(in)); err == nil {
			t.Errorf("Decode(%q) succeeded", in)
		}
	}
}

func BenchmarkDecodeWorld(b *testing.B) {
	for b.Loop() {
		if _, err := geo.Decode(geo.GeoDataForTest(b)); err != nil {
			b.Fatal(err)
		}
	}
}
