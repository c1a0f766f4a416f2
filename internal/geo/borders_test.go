package geo_test

import (
	"math"
	"testing"

	"github.com/upstream-platform/upstream/internal/geo"
)

func TestBordersContain(t *testing.T) {
	b, err := geo.DefaultBorders()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		lon, lat float64
		want     []string
	}{
		{"Abidjan", -4.0083, 5.3600, []string{"CI"}},
		{"Kumasi", -1.6244, 6.6885, []string{"GH"}},
		{"Yamoussoukro", -5.2767, 6.8276, []string{"CI"}},
		{"Manaus", -60.0217, -3.1190, []string{"BR"}},
		{"Gulf of Guinea", -2.0, 2.0, nil},
		{"Hargeisa (Somaliland)", 44.065, 9.56, []string{"SO"}},
		{"Pristina", 21.166, 42.667, []string{"XK"}},
		{"Suva, Fiji", 178.44, -18.14, []string{"FJ"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := b.CountriesAt(tc.lon, tc.lat)
			if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
				t.Fatalf("CountriesAt = %v, want %v", got, tc.want)
			}
			for _, c := range tc.want {
				if !b.Contains(c, tc.lon, tc.lat) || b.DistanceKm(c, tc.lon, tc.lat, 5) != 0 {
					t.Errorf("%s should contain the point", c)
				}
			}
		})
	}
}

func TestBordersDistance(t *testing.T) {
	b, err := geo.DefaultBorders()
	if err != nil {
		t.Fatal(err)
	}
	// Kumasi lies about 150 km east of the Ivorian border: far beyond 5 km.
	if d := b.DistanceKm("CI", -1.6244, 6.6885, 5); !math.IsInf(d, 1) {
		t.Errorf("Kumasi is %.1f km from CI, want beyond the limit", d)
	}
	// Elubo (Ghana) sits on the Tano river border with Côte d'Ivoire.
	d := b.DistanceKm("CI", -2.7700, 5.2900, 10)
	if d <= 0 || d > 5 {
		t.Errorf("Elubo is %.2f km from CI, want a few kilometres at most", d)
	}
	if d := b.DistanceKm("ZZ", 0, 0, 10); !math.IsInf(d, 1) {
		t.Errorf("unknown country distance %v", d)
	}
	if b.Has("ZZ") || !b.Has("GH") || len(b.Codes()) < 200 {
		t.Errorf("codes: %d", len(b.Codes()))
	}
}
