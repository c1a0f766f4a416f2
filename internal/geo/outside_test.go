package geo_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/geo"
)

func TestKmOutside(t *testing.T) {
	w, err := geo.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		country      string
		lat, lng     float64
		inside       bool
		minKm, maxKm float64
	}{
		{"Dhaka in Bangladesh", "BD", 23.81, 90.41, true, 0, 0},
		{"Shenzhen in China", "CN", 22.54, 114.06, true, 0, 0},
		{"Managua in Nicaragua", "NI", 12.13, -86.25, true, 0, 0},
		{"Dhaka is not in India", "IN", 23.81, 90.41, false, 1, 200},
		{"Paris is far from Bangladesh", "BD", 48.86, 2.35, false, 6000, 9000},
		{"Autun in France (mainland, not an overseas department)", "FR", 46.95, 4.30, true, 0, 0},
	}
	for _, tc := range tests {
		km, known := w.KmOutside(tc.country, tc.lat, tc.lng)
		if !known {
			t.Errorf("%s: country %s unknown", tc.name, tc.country)
			continue
		}
		if (km == 0) != tc.inside || !tc.inside && (km < tc.minKm || km > tc.maxKm) {
			t.Errorf("%s: %.0f km outside, want inside=%v (%v..%v km)", tc.name, km, tc.inside, tc.minKm, tc.maxKm)
		}
	}
	if _, known := w.KmOutside("ZZ", 0, 0); known {
		t.Error("an unknown country is known")
	}
}
