package eudr

import (
	"fmt"
	"math"
	"sort"
)

// Planar geometry on longitude/latitude. Over a farm plot (metres to a few
// kilometres) the distortion of treating degrees as a plane changes no
// answer these checks give: whether edges cross, whether a point is inside.

type seg struct {
	ring, idx              int // ring within the polygon, edge index within the ring
	n                      int // edges in the ring
	x1, y1, x2, y2         float64
	minX, maxX, minY, maxY float64
}

func orient(ax, ay, bx, by, cx, cy float64) float64 {
	return (bx-ax)*(cy-ay) - (by-ay)*(cx-ax)
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func onSegment(ax, ay, bx, by, px, py float64) bool {
	return math.Min(ax, bx) <= px && px <= math.Max(ax, bx) && math.Min(ay, by) <= py && py <= math.Max(ay, by)
}

// intersects reports whether the closed segments ab and cd share a point.
func intersects(a, b seg) bool {
	d1 := sign(orient(b.x1, b.y1, b.x2, b.y2, a.x1, a.y1))
	d2 := sign(orient(b.x1, b.y1, b.x2, b.y2, a.x2, a.y2))
	d3 := sign(orient(a.x1, a.y1, a.x2, a.y2, b.x1, b.y1))
	d4 := sign(orient(a.x1, a.y1, a.x2, a.y2, b.x2, b.y2))
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return d1 == 0 && onSegment(b.x1, b.y1, b.x2, b.y2, a.x1, a.y1) ||
		d2 == 0 && onSegment(b.x1, b.y1, b.x2, b.y2, a.x2, a.y2) ||
		d3 == 0 && onSegment(a.x1, a.y1, a.x2, a.y2, b.x1, b.y1) ||
		d4 == 0 && onSegment(a.x1, a.y1, a.x2, a.y2, b.x2, b.y2)
}

// adjacentOverlap reports whether two edges that meet at a shared vertex
// also run back along each other (a spike).
func adjacentOverlap(a, b seg) bool {
	if sign(orient(a.x1, a.y1, a.x2, a.y2, b.x1, b.y1)) != 0 || sign(orient(a.x1, a.y1, a.x2, a.y2, b.x2, b.y2)) != 0 {
		return false
	}
	// Collinear and sharing an end: they overlap when they point the same
	// way from the shared vertex.
	var sx, sy, ax, ay, bx, by float64
	switch {
	case a.x2 == b.x1 && a.y2 == b.y1:
		sx, sy, ax, ay, bx, by = a.x2, a.y2, a.x1, a.y1, b.x2, b.y2
	case b.x2 == a.x1 && b.y2 == a.y1:
		sx, sy, ax, ay, bx, by = a.x1, a.y1, a.x2, a.y2, b.x1, b.y1
	default:
		return false
	}
	return (ax-sx)*(bx-sx)+(ay-sy)*(by-sy) > 0
}

func segments(poly [][]Coord) []seg {
	var out []seg
	for ri, raw := range poly {
		// Repeated positions are reported as such; dropping them here keeps
		// the edges either side of them neighbours.
		ring := make([]Coord, 0, len(raw))
		for _, c := range raw {
			if len(ring) > 0 && ring[len(ring)-1].Lon == c.Lon && ring[len(ring)-1].Lat == c.Lat {
				continue
			}
			ring = append(ring, c)
		}
		n := len(ring) - 1
		for i := 0; i < n; i++ {
			a, b := ring[i], ring[i+1]
			out = append(out, seg{ring: ri, idx: i, n: n, x1: a.Lon, y1: a.Lat, x2: b.Lon, y2: b.Lat,
				minX: math.Min(a.Lon, b.Lon), maxX: math.Max(a.Lon, b.Lon), minY: math.Min(a.Lat, b.Lat), maxY: math.Max(a.Lat, b.Lat)})
		}
	}
	return out
}

// selfIntersection returns a message naming the first pair of edges of a
// polygon's rings that cross or touch where they should not, or "". Rings
// must be closed. Edges are swept in order of their west end, so a ring of
// thousands of positions costs little more than sorting them.
func selfIntersection(poly [][]Coord) string {
	ss := segments(poly)
	sort.Slice(ss, func(i, j int) bool { return ss[i].minX < ss[j].minX })
	for i := range ss {
		a := ss[i]
		for j := i + 1; j < len(ss) && ss[j].minX <= a.maxX; j++ {
			b := ss[j]
			if b.minY > a.maxY || b.maxY < a.minY {
				continue
			}
			if a.ring == b.ring && neighbours(a, b) {
				if adjacentOverlap(a, b) {
					return fmt.Sprintf("%s doubles back on itself at edges %d and %d (a spike)", ringName(a.ring), min(a.idx, b.idx)+1, max(a.idx, b.idx)+1)
				}
				continue
			}
			if intersects(a, b) {
				if a.ring == b.ring {
					lo, hi := min(a.idx, b.idx), max(a.idx, b.idx)
					return fmt.Sprintf("%s crosses or touches itself: edge %d (positions %d-%d) meets edge %d (positions %d-%d)", ringName(a.ring), lo+1, lo+1, lo+2, hi+1, hi+1, hi+2)
				}
				return fmt.Sprintf("%s and %s cross or touch", ringName(min(a.ring, b.ring)), ringName(max(a.ring, b.ring)))
			}
		}
	}
	return ""
}

func ringName(r int) string {
	if r == 0 {
		return "the outer ring"
	}
	return fmt.Sprintf("hole %d", r)
}

// neighbours reports whether two edges of one ring follow each other, and
// so share a vertex by construction.
func neighbours(a, b seg) bool {
	d := a.idx - b.idx
	return d == 1 || d == -1 || d == a.n-1 || d == -(a.n-1)
}

// inRing reports whether (x, y) lies inside a closed ring (even-odd rule).
func inRing(ring []Coord, x, y float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a.Lat > y) != (b.Lat > y) && x < (b.Lon-a.Lon)*(y-a.Lat)/(b.Lat-a.Lat)+a.Lon {
			in = !in
		}
	}
	return in
}

// inPolygon reports whether (x, y) lies inside a polygon: in its outer ring
// and in none of its holes.
func inPolygon(poly [][]Coord, x, y float64) bool {
	if len(poly) == 0 || !inRing(poly[0], x, y) {
		return false
	}
	for _, h := range poly[1:] {
		if inRing(h, x, y) {
			return false
		}
	}
	return true
}

// inGeometry reports whether (x, y) lies inside any polygon of g.
func inGeometry(g Geometry, x, y float64) bool {
	for _, p := range g.Polygons {
		if inPolygon(p, x, y) {
			return true
		}
	}
	return false
}

type bbox struct{ minX, minY, maxX, maxY float64 }

func boundsOf(g Geometry) bbox {
	b := bbox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	each(g, func(c Coord, _, _, _ int) {
		b.minX, b.maxX = math.Min(b.minX, c.Lon), math.Max(b.maxX, c.Lon)
		b.minY, b.maxY = math.Min(b.minY, c.Lat), math.Max(b.maxY, c.Lat)
	})
	return b
}
