package eudr

import "math"

// WGS84 ellipsoid.
const (
	wgs84A = 6378137.0
	wgs84F = 1 / 298.257223563
)

var (
	wgs84E2 = wgs84F * (2 - wgs84F)
	wgs84E  = math.Sqrt(wgs84E2)
	// qPole is q at the pole; authalicR is the radius of the sphere with
	// the ellipsoid's surface area.
	qPole     = authalicQ(1)
	authalicR = wgs84A * math.Sqrt(qPole/2)
)

// authalicQ is q(φ) of the authalic latitude, from sin φ.
func authalicQ(sinPhi float64) float64 {
	es := wgs84E * sinPhi
	return (1 - wgs84E2) * (sinPhi/(1-es*es) - math.Log((1-es)/(1+es))/(2*wgs84E))
}

// authalicLat maps a geodetic latitude (radians) to the authalic latitude:
// the latitude on the equal-area sphere of radius authalicR. Areas on that
// sphere equal areas on the ellipsoid.
func authalicLat(phi float64) float64 {
	r := authalicQ(math.Sin(phi)) / qPole
	return math.Asin(math.Max(-1, math.Min(1, r)))
}

// RingAreaM2 returns the area in square metres enclosed by a ring of
// positions (closed or not) on the WGS84 ellipsoid, always positive.
//
// Positions are mapped to authalic latitude, which preserves area exactly,
// and the ring's area is the spherical excess of its great-circle edges on
// the authalic sphere. Between the vertices of a farm plot (metres to a few
// kilometres apart) the great circle on that sphere and the ellipsoid's
// geodesic differ by millimetres, so the result matches a geodesic area
// (Karney's algorithm, as GeographicLib and the EU Information System
// compute it) to well under 0.01 per cent; see area_test.go.
func RingAreaM2(ring []Coord) float64 {
	n := len(ring)
	if n >= 2 && ring[0].Lon == ring[n-1].Lon && ring[0].Lat == ring[n-1].Lat {
		n--
	}
	if n < 3 {
		return 0
	}
	sum := 0.0
	for i := 0; i < n; i++ {
		a, b := ring[i], ring[(i+1)%n]
		dl := (b.Lon - a.Lon) * math.Pi / 180
		for dl > math.Pi {
			dl -= 2 * math.Pi
		}
		for dl < -math.Pi {
			dl += 2 * math.Pi
		}
		t1 := math.Tan(authalicLat(a.Lat*math.Pi/180) / 2)
		t2 := math.Tan(authalicLat(b.Lat*math.Pi/180) / 2)
		// Signed excess of the triangle formed by the edge and the pole.
		sum += 2 * math.Atan2(math.Tan(dl/2)*(t1+t2), 1+t1*t2)
	}
	area := math.Abs(sum) * authalicR * authalicR
	// A ring going round a pole encloses the other side of the globe.
	total := 4 * math.Pi * authalicR * authalicR
	if area > total/2 {
		area = total - area
	}
	return area
}

// PolygonAreaM2 is the area of an outer ring less its holes, in m².
func PolygonAreaM2(rings [][]Coord) float64 {
	if len(rings) == 0 {
		return 0
	}
	a := RingAreaM2(rings[0])
	for _, h := range rings[1:] {
		a -= RingAreaM2(h)
	}
	return math.Max(0, a)
}

// GeometryAreaHa is the geodesic area of a geometry's polygons, in
// hectares; 0 for a point.
func GeometryAreaHa(g Geometry) float64 {
	total := 0.0
	for _, p := range g.Polygons {
		total += PolygonAreaM2(p)
	}
	return total / 10000
}
