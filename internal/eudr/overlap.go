package eudr

import (
	"fmt"
	"math"
	"sort"
)

// overlapGrid is the side of the sample grid laid over the common bounding
// box of two polygons to measure their overlap: 64 × 64 samples resolve an
// overlap of about 1/4096 of that box.
const overlapGrid = 64

// MinOverlapHa and MinOverlapShare bound the overlaps that are reported: two
// neighbours' boundaries surveyed separately leave slivers along the
// shared edge, which are not a claim to the same land. An overlap counts
// when it is at least MinOverlapHa and at least MinOverlapShare of the
// smaller plot.
const (
	MinOverlapHa    = 0.05
	MinOverlapShare = 0.01
)

// samePointM is how close two points of different producers may be before
// they count as the same plot declared twice.
const samePointM = 1.0

type located struct {
	i   int
	p   Plot
	b   bbox
	key string
}

// Overlaps finds plots of different producers that claim the same land: a
// polygon overlapping another producer's polygon, a point inside another
// producer's polygon, or two producers' points at the same place. The same
// land declared for two producers means at least one geolocation is wrong,
// or the harvest of one plot is counted twice. Plots with no producer named
// are compared with everyone.
func Overlaps(plots []Plot) []Finding {
	var out []Finding
	for _, o := range overlaps(plots) {
		out = append(out, o.Finding)
	}
	return out
}

// plotFinding is a finding with the index of its plot and of the other
// plot it names.
type plotFinding struct {
	plot, other int
	Finding
}

func overlaps(plots []Plot) []plotFinding {
	var ls []located
	for i, p := range plots {
		if math.Abs(p.Geometry.Point.Lat) > 90 && p.Geometry.Kind == KindPoint {
			continue
		}
		b := boundsOf(p.Geometry)
		if math.IsInf(b.minX, 0) {
			continue
		}
		ls = append(ls, located{i: i, p: p, b: b, key: p.producerKey()})
	}
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].b.minX < ls[j].b.minX })
	type pair struct{ a, b int }
	var found []pair
	msgs := map[pair]string{}
	for i := range ls {
		a := ls[i]
		for j := i + 1; j < len(ls) && ls[j].b.minX <= a.b.maxX; j++ {
			b := ls[j]
			if b.b.minY > a.b.maxY || b.b.maxY < a.b.minY {
				continue
			}
			if a.key != "" && a.key == b.key {
				continue
			}
			if msg := overlapMessage(a.p, b.p, a.b, b.b); msg != "" {
				k := pair{min(a.i, b.i), max(a.i, b.i)}
				found = append(found, k)
				msgs[k] = msg
			}
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].a != found[j].a {
			return found[i].a < found[j].a
		}
		return found[i].b < found[j].b
	})
	var out []plotFinding
	for _, k := range found {
		first, second := plots[k.a], plots[k.b]
		out = append(out, plotFinding{k.a, k.b, Finding{Plot: first.Label(), Check: CheckOverlap, Severity: Error,
			Message: fmt.Sprintf(msgs[k], second.Label()+" of "+producerName(second)) + ", another producer: the same land cannot be declared for two producers; check both geolocations"}})
	}
	return out
}

func producerName(p Plot) string {
	switch {
	case p.ProducerName != "":
		return p.ProducerName
	case p.ProducerRef != "":
		return p.ProducerRef
	}
	return "an unnamed producer"
}

func overlapMessage(a, b Plot, ab, bb bbox) string {
	ap, bp := a.Geometry.Kind == KindPoint, b.Geometry.Kind == KindPoint
	switch {
	case ap && bp:
		if distanceM(a.Geometry.Point, b.Geometry.Point) <= samePointM {
			return "is at the same place as %s"
		}
	case ap:
		if inGeometry(b.Geometry, a.Geometry.Point.Lon, a.Geometry.Point.Lat) {
			return "lies inside %s"
		}
	case bp:
		if inGeometry(a.Geometry, b.Geometry.Point.Lon, b.Geometry.Point.Lat) {
			return "contains the point of %s"
		}
	default:
		ha := overlapHa(a.Geometry, b.Geometry, ab, bb)
		smaller := math.Min(GeometryAreaHa(a.Geometry), GeometryAreaHa(b.Geometry))
		if ha >= MinOverlapHa && ha >= MinOverlapShare*smaller {
			return "overlaps %s by about " + fmtHa(ha) + " ha"
		}
	}
	return ""
}

// overlapHa estimates the area two geometries share by sampling a grid
// over their common bounding box.
func overlapHa(a, b Geometry, ab, bb bbox) float64 {
	box := bbox{math.Max(ab.minX, bb.minX), math.Max(ab.minY, bb.minY), math.Min(ab.maxX, bb.maxX), math.Min(ab.maxY, bb.maxY)}
	if box.minX >= box.maxX || box.minY >= box.maxY {
		return 0
	}
	hits := 0
	dx, dy := (box.maxX-box.minX)/overlapGrid, (box.maxY-box.minY)/overlapGrid
	for i := 0; i < overlapGrid; i++ {
		x := box.minX + (float64(i)+0.5)*dx
		for j := 0; j < overlapGrid; j++ {
			y := box.minY + (float64(j)+0.5)*dy
			if inGeometry(a, x, y) && inGeometry(b, x, y) {
				hits++
			}
		}
	}
	if hits == 0 {
		return 0
	}
	boxRing := []Coord{{Lon: box.minX, Lat: box.minY}, {Lon: box.maxX, Lat: box.minY}, {Lon: box.maxX, Lat: box.maxY}, {Lon: box.minX, Lat: box.maxY}}
	return RingAreaM2(boxRing) / 10000 * float64(hits) / (overlapGrid * overlapGrid)
}

// distanceM is the great-circle distance in metres on the authalic sphere:
// plenty for "are these the same place".
func distanceM(a, b Coord) float64 {
	const rad = math.Pi / 180
	la1, la2 := a.Lat*rad, b.Lat*rad
	dla, dlo := la2-la1, (b.Lon-a.Lon)*rad
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * authalicR * math.Asin(math.Min(1, math.Sqrt(h)))
}
