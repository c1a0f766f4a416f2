package eudr_test

import (
	"math"
	"testing"

	"github.com/upstream-platform/upstream/internal/eudr"
)

func ring(pts ...[2]float64) []eudr.Coord {
	out := make([]eudr.Coord, 0, len(pts)+1)
	for _, p := range pts {
		out = append(out, eudr.Coord{Lon: p[0], Lat: p[1], LonDecimals: 6, LatDecimals: 6})
	}
	return append(out, out[0])
}

// The reference areas were computed with GeographicLib's geodesic polygon
// area on WGS84 (Karney 2013; npm package geographiclib-geodesic 2.2.0,
// Geodesic.WGS84.Polygon), the algorithm the EU Information System and GIS
// tools use. See testdata/SOURCES.md.
func TestAreaAgainstGeographicLib(t *testing.T) {
	tests := []struct {
		name string
		ring []eudr.Coord
		m2   float64
		tol  float64 // relative
	}{
		{"cocoa plot near Yamoussoukro (2.7 ha)", ring([2]float64{-5.278412, 6.823551}, [2]float64{-5.276933, 6.823602}, [2]float64{-5.276871, 6.822117}, [2]float64{-5.278390, 6.822045}), 27435.2577, 1e-5},
		{"one hectare at the equator", ring([2]float64{0, 0}, [2]float64{0.000898315, 0}, [2]float64{0.000898315, 0.000904369}, [2]float64{0, 0.000904369}), 9999.9916, 1e-5},
		{"0.01 degree square at 60N", ring([2]float64{10, 60}, [2]float64{10.01, 60}, [2]float64{10.01, 60.01}, [2]float64{10, 60.01}), 621587.2415, 1e-5},
		{"triangle in Mato Grosso", ring([2]float64{-55.123456, -12.654321}, [2]float64{-55.101234, -12.654321}, [2]float64{-55.112345, -12.631234}), 3082830.0870, 1e-5},
		{"0.1 degree square in Pará", ring([2]float64{-52.5, -3.5}, [2]float64{-52.4, -3.5}, [2]float64{-52.4, -3.4}, [2]float64{-52.5, -3.4}), 122873615.9936, 1e-5},
		// At a degree across, great circles on the authalic sphere and
		// geodesics on the ellipsoid start to part: still within 0.01%.
		{"one degree cell at 45N", ring([2]float64{10, 45}, [2]float64{11, 45}, [2]float64{11, 46}, [2]float64{10, 46}), 8686379301.7395, 1e-4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := eudr.RingAreaM2(tc.ring)
			if rel := math.Abs(got-tc.m2) / tc.m2; rel > tc.tol {
				t.Fatalf("area %.4f m², want %.4f (relative error %.2g > %.0g)", got, tc.m2, rel, tc.tol)
			}
			// Orientation and the closing position do not matter.
			rev := append([]eudr.Coord(nil), tc.ring...)
			for l, r := 0, len(rev)-1; l < r; l, r = l+1, r-1 {
				rev[l], rev[r] = rev[r], rev[l]
			}
			if d := math.Abs(eudr.RingAreaM2(rev) - got); d > 1e-6*got {
				t.Errorf("reversed ring differs by %g m²", d)
			}
			if d := math.Abs(eudr.RingAreaM2(tc.ring[:len(tc.ring)-1]) - got); d > 1e-9*got {
				t.Errorf("open ring differs by %g m²", d)
			}
		})
	}
}

func TestPolygonAreaTakesHolesAway(t *testing.T) {
	outer := ring([2]float64{0, 0}, [2]float64{0.002, 0}, [2]float64{0.002, 0.002}, [2]float64{0, 0.002})
	hole := ring([2]float64{0.0005, 0.0005}, [2]float64{0.0015, 0.0005}, [2]float64{0.0015, 0.0015}, [2]float64{0.0005, 0.0015})
	whole, h := eudr.RingAreaM2(outer), eudr.RingAreaM2(hole)
	got := eudr.PolygonAreaM2([][]eudr.Coord{outer, hole})
	if math.Abs(got-(whole-h)) > 1e-6 || math.Abs(h/whole-0.25) > 1e-3 {
		t.Fatalf("polygon %.3f, outer %.3f, hole %.3f", got, whole, h)
	}
	if eudr.RingAreaM2(outer[:2]) != 0 {
		t.Error("a ring of two positions has no area")
	}
}
