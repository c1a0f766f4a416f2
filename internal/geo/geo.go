package geo

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/upstream-platform/upstream/internal/country"
)

//go:embed data/countries-110m.json
var worldTopo []byte

// Width and Height are the SVG view box of the projected world.
const (
	Width  = 1000.0
	Height = 486.0
)

// Country is one drawable country.
type Country struct {
	Alpha2 string
	Name   string
	// Path is SVG path data in the Width x Height view box.
	Path string
	// CX, CY is the centre of its bounding box, for labels and markers.
	CX, CY float64
}

// World is the projected world map.
type World struct {
	Countries []Country // sorted by Alpha2
	byCode    map[string]int
	rings     map[string][]ring // alpha-2 -> rings in longitude/latitude
}

// ring is one closed outline of a country with its bounding box, which
// lets KmOutside pass over the rings (islands, exclaves) far from a point.
type ring struct {
	pts                            [][2]float64
	minLng, maxLng, minLat, maxLat float64
}

func newRing(pts [][2]float64) ring {
	r := ring{pts: pts, minLng: math.Inf(1), maxLng: math.Inf(-1), minLat: math.Inf(1), maxLat: math.Inf(-1)}
	for _, p := range pts {
		r.minLng, r.maxLng = math.Min(r.minLng, p[0]), math.Max(r.maxLng, p[0])
		r.minLat, r.maxLat = math.Min(r.minLat, p[1]), math.Max(r.maxLat, p[1])
	}
	return r
}

var loadWorld = sync.OnceValues(func() (*World, error) { return Decode(worldTopo) })

// Default returns the world built into the program. It is decoded once and
// never changed, so it is shared safely.
func Default() (*World, error) { return loadWorld() }

// Country returns the shape of a country by alpha-2 code.
func (w *World) Country(alpha2 string) (Country, bool) {
	i, ok := w.byCode[strings.ToUpper(alpha2)]
	if !ok {
		return Country{}, false
	}
	return w.Countries[i], true
}

type topology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects map[string]struct {
		Geometries []struct {
			Type       string          `json:"type"`
			Arcs       json.RawMessage `json:"arcs"`
			ID         string          `json:"id"`
			Properties struct {
				Name   string `json:"name"`
				IsoA2  string `json:"isoA2"`
				Adm0A3 string `json:"adm0A3"`
			} `json:"properties"`
		} `json:"geometries"`
	} `json:"objects"`
}

// Decode reads a TopoJSON topology with a "countries" object and projects
// it.
func Decode(data []byte) (*World, error) {
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("world map: %w", err)
	}
	if t.Type != "Topology" {
		return nil, fmt.Errorf("world map: not a TopoJSON topology")
	}
	obj, ok := t.Objects["countries"]
	if !ok {
		return nil, fmt.Errorf("world map: no 'countries' object")
	}
	arcs := decodeArcs(t)
	w := &World{byCode: map[string]int{}, rings: map[string][]ring{}}
	for _, g := range obj.Geometries {
		polys, ok, err := polygonArcs(g.Type, g.Arcs)
		if err != nil {
			return nil, fmt.Errorf("world map: %s: %w", g.Properties.Name, err)
		}
		if !ok {
			continue
		}
		code := g.Properties.IsoA2
		if len(code) != 2 {
			c, err := country.Lookup(g.Properties.Adm0A3)
			if err != nil {
				continue // no ISO country (disputed areas): nothing links to it
			}
			code = c.Alpha2
		}
		var b strings.Builder
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, rings := range polys {
			for _, ring := range rings {
				pts, err := stitch(arcs, ring)
				if err != nil {
					return nil, fmt.Errorf("world map: %s: %w", g.Properties.Name, err)
				}
				w.rings[code] = append(w.rings[code], newRing(pts))
				pts = unwrap(pts)
				for i, p := range pts {
					x, y := project(p[0], p[1])
					minX, minY, maxX, maxY = math.Min(minX, x), math.Min(minY, y), math.Max(maxX, x), math.Max(maxY, y)
					if i == 0 {
						b.WriteByte('M')
					} else {
						b.WriteByte('L')
					}
					b.WriteString(num(x))
					b.WriteByte(',')
					b.WriteString(num(y))
				}
				b.WriteByte('Z')
			}
		}
		w.Countries = append(w.Countries, Country{Alpha2: code, Name: g.Properties.Name, Path: b.String(),
			CX: (minX + maxX) / 2, CY: (minY + maxY) / 2})
	}
	sort.Slice(w.Countries, func(i, j int) bool { return w.Countries[i].Alpha2 < w.Countries[j].Alpha2 })
	for i, c := range w.Countries {
		w.byCode[c.Alpha2] = i
	}
	return w, nil
}

// KmOutside says how far a point lies outside a country's shape: 0 when
// inside, otherwise the distance in kilometres to its nearest border
// (approximately: the shapes are Natural Earth's 1:110m, so a coast can be
// a few kilometres off). known is false for a country the map does not
// draw (small islands and city states).
func (w *World) KmOutside(alpha2 string, lat, lng float64) (km float64, known bool) {
	rings, ok := w.rings[strings.ToUpper(alpha2)]
	if !ok {
		return 0, false
	}
	inside := false
	for k := range rings {
		r := &rings[k]
		// A ring whose box lies beside the point, or wholly to its left,
		// is crossed an even number of times (or never) by the ray to the
		// east: it cannot change the answer. The margin keeps rounding in
		// the crossing test from mattering.
		if lat < r.minLat || lat > r.maxLat || lng > r.maxLng+1e-9 {
			continue
		}
		ring := r.pts
		for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
			a, b := ring[i], ring[j]
			if (a[1] > lat) != (b[1] > lat) && lng < (b[0]-a[0])*(lat-a[1])/(b[1]-a[1])+a[0] {
				inside = !inside
			}
		}
	}
	if inside {
		return 0, true
	}
	// Distance to the nearest edge on a local flat projection around the
	// point: good enough to tell a coast from another continent. Squared
	// distances are compared; a ring whose box is farther than the best
	// edge so far holds no nearer edge.
	const kmPerDegree = 111.32
	cos := math.Cos(lat * math.Pi / 180)
	best := math.Inf(1)
	for k := range rings {
		r := &rings[k]
		bx := max(r.minLng-lng, 0, lng-r.maxLng) * cos
		by := max(r.minLat-lat, 0, lat-r.maxLat)
		if bx*bx+by*by > best*(1+1e-9) {
			continue
		}
		ring := r.pts
		for i := 1; i < len(ring); i++ {
			ax, ay := (ring[i-1][0]-lng)*cos, ring[i-1][1]-lat
			bx, by := (ring[i][0]-lng)*cos, ring[i][1]-lat
			dx, dy := bx-ax, by-ay
			t := 0.0
			if l := dx*dx + dy*dy; l > 0 {
				t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
			}
			px, py := ax+t*dx, ay+t*dy
			best = math.Min(best, px*px+py*py)
		}
	}
	return math.Sqrt(best) * kmPerDegree, true
}

// polygonArcs reads a geometry's arc indexes as polygons of rings; ok is
// false for geometries that are not areas (points, lines).
func polygonArcs(typ string, raw json.RawMessage) (polys [][][]int, ok bool, err error) {
	switch typ {
	case "Polygon":
		var rings [][]int
		if err := json.Unmarshal(raw, &rings); err != nil {
			return nil, false, err
		}
		return [][][]int{rings}, true, nil
	case "MultiPolygon":
		if err := json.Unmarshal(raw, &polys); err != nil {
			return nil, false, err
		}
		return polys, true, nil
	}
	return nil, false, nil
}

// decodeArcs turns quantised, delta-encoded arcs into longitude/latitude.
func decodeArcs(t topology) [][][2]float64 {
	out := make([][][2]float64, len(t.Arcs))
	for i, arc := range t.Arcs {
		pts := make([][2]float64, len(arc))
		var x, y float64
		for j, p := range arc {
			if t.Transform != nil {
				x += p[0]
				y += p[1]
				pts[j] = [2]float64{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			} else {
				pts[j] = p
			}
		}
		out[i] = pts
	}
	return out
}

// stitch joins a ring's arcs; a negative index ~i means arc i reversed.
func stitch(arcs [][][2]float64, ring []int) ([][2]float64, error) {
	var pts [][2]float64
	for _, idx := range ring {
		rev := idx < 0
		if rev {
			idx = ^idx
		}
		if idx >= len(arcs) {
			return nil, fmt.Errorf("arc %d out of range", idx)
		}
		a := arcs[idx]
		seg := make([][2]float64, len(a))
		copy(seg, a)
		if rev {
			for l, r := 0, len(seg)-1; l < r; l, r = l+1, r-1 {
				seg[l], seg[r] = seg[r], seg[l]
			}
		}
		if len(pts) > 0 && len(seg) > 0 {
			seg = seg[1:] // arcs share their end points
		}
		pts = append(pts, seg...)
	}
	return pts, nil
}

// unwrap keeps a ring that crosses the antimeridian (Fiji, Chukotka)
// continuous, so it runs off the map edge and is clipped there instead of
// drawing a line across the whole world. Rings that circle a pole
// (Antarctica) are left as they are.
func unwrap(pts [][2]float64) [][2]float64 {
	out := make([][2]float64, len(pts))
	copy(out, pts)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range out {
		if i > 0 {
			for out[i][0]-out[i-1][0] > 180 {
				out[i][0] -= 360
			}
			for out[i][0]-out[i-1][0] < -180 {
				out[i][0] += 360
			}
		}
		lo, hi = math.Min(lo, out[i][0]), math.Max(hi, out[i][0])
	}
	if hi-lo >= 359 {
		return pts
	}
	return out
}

// Equal Earth projection (Šavrič, Patterson and Jenny, 2018): equal-area,
// so a country's coloured area is not exaggerated near the poles.
const (
	eeA1 = 1.340264
	eeA2 = -0.081106
	eeA3 = 0.000893
	eeA4 = 0.003796
)

var eeM = math.Sqrt(3) / 2

// eeMaxX and eeMaxY are the projection's extent for the whole sphere.
var eeMaxX, eeMaxY = projectRaw(180, 0).x, projectRaw(0, 90).y

type xy struct{ x, y float64 }

func projectRaw(lon, lat float64) xy {
	l := lon * math.Pi / 180
	p := lat * math.Pi / 180
	th := math.Asin(eeM * math.Sin(p))
	th2 := th * th
	th6 := th2 * th2 * th2
	x := l * math.Cos(th) / (eeM * (eeA1 + 3*eeA2*th2 + th6*(7*eeA3+9*eeA4*th2)))
	y := th * (eeA1 + eeA2*th2 + th6*(eeA3+eeA4*th2))
	return xy{x, y}
}

// project maps longitude/latitude into the view box, north up.
// Project places a longitude and latitude in the Width x Height view box
// of the world map, as the country paths are drawn.
func Project(lon, lat float64) (x, y float64) { return project(lon, lat) }

func project(lon, lat float64) (float64, float64) {
	p := projectRaw(lon, lat)
	x := (p.x/eeMaxX + 1) / 2 * Width
	y := (1 - p.y/eeMaxY) / 2 * Height
	return x, y
}

func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }
