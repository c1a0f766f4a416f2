package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// kmOutsideEveryEdge is KmOutside without the bounding boxes: every edge
// of every ring is tested and measured.
func kmOutsideEveryEdge(rings []ring, lat, lng float64) float64 {
	inside := false
	for _, r := range rings {
		for i, j := 0, len(r.pts)-1; i < len(r.pts); j, i = i, i+1 {
			a, b := r.pts[i], r.pts[j]
			if (a[1] > lat) != (b[1] > lat) && lng < (b[0]-a[0])*(lat-a[1])/(b[1]-a[1])+a[0] {
				inside = !inside
			}
		}
	}
	if inside {
		return 0
	}
	cos := math.Cos(lat * math.Pi / 180)
	best := math.Inf(1)
	for _, r := range rings {
		for i := 1; i < len(r.pts); i++ {
			ax, ay := (r.pts[i-1][0]-lng)*cos, r.pts[i-1][1]-lat
			bx, by := (r.pts[i][0]-lng)*cos, r.pts[i][1]-lat
			dx, dy := bx-ax, by-ay
			t := 0.0
			if l := dx*dx + dy*dy; l > 0 {
				t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
			}
			best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
		}
	}
	return best * 111.32
}

// The bounding boxes only spare work: for points in and around every
// country, and anywhere on earth, the answer is the one every edge gives.
func TestKmOutsideBoxesChangeNoAnswer(t *testing.T) {
	w, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for code, rings := range w.rings {
		r := rings[0]
		for range 200 {
			var lat, lng float64
			if rnd.IntN(4) == 0 {
				lat, lng = rnd.Float64()*180-90, rnd.Float64()*360-180
			} else { // near the country's first ring
				lat = r.minLat - 2 + rnd.Float64()*(r.maxLat-r.minLat+4)
				lng = r.minLng - 2 + rnd.Float64()*(r.maxLng-r.minLng+4)
			}
			got, known := w.KmOutside(code, lat, lng)
			want := kmOutsideEveryEdge(rings, lat, lng)
			if !known || math.Abs(got-want) > 1e-6*max(1, want) {
				t.Fatalf("%s at %v, %v: %v km outside (known %v), every edge gives %v", code, lat, lng, got, known, want)
			}
		}
	}
}
