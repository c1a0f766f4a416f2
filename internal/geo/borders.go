package geo

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"sync"

	"github.com/upstream-platform/upstream/internal/country"
)

// countries-10m.json.gz is world-atlas's countries-10m.json compressed (see
// data/SOURCES.md): the 1:10m Natural Earth countries, fine enough to tell
// on which side of a border a farm lies, which the 1:110m map is not.
//
//go:embed data/countries-10m.json.gz
var bordersGz []byte

// Borders are country shapes in longitude/latitude (WGS84 degrees), indexed
// for point-in-country and distance-to-border queries. The shapes are
// quantised to about 0.0036° of longitude and 0.0017° of latitude (roughly
// 400 m and 190 m at the equator) and generalised at 1:10m, so answers near
// a border must be read with a tolerance of a kilometre or two.
type Borders struct {
	shapes map[string]*shape // by ISO alpha-2
	codes  []string
}

// unnamed gives the ISO country of Natural Earth units that carry no ISO
// numeric code. Units not listed (disputed glaciers, reefs, sovereign base
// areas) belong to no country here, so a plot on them is "outside".
var unnamed = map[string]string{
	"Somaliland":              "SO",
	"N. Cyprus":               "CY",
	"Cyprus U.N. Buffer Zone": "CY",
	"Kosovo":                  "XK",
	"Baikonur":                "KZ",
	"USNB Guantanamo Bay":     "CU",
	"Indian Ocean Ter.":       "AU",
	"Coral Sea Is.":           "AU",
}

const (
	bandDeg = 0.1  // height of the latitude bands that index edges for containment
	cellDeg = 0.05 // side of the grid cells that index edges for distance
)

// edge is one boundary segment, longitude/latitude.
type edge struct{ x1, y1, x2, y2 float64 }

// shape is one country: its boundary edges (every ring, outer and inner,
// of every polygon, so the even-odd rule decides containment), indexed by
// latitude band and by grid cell.
type shape struct {
	minX, minY, maxX, maxY float64
	edges                  []edge
	// The indexes are built on a country's first query: most runs look at a
	// handful of countries, and indexing all of them costs more than the
	// decoding.
	once  sync.Once
	bands map[int][]int32
	cells map[[2]int][]int32
}

var loadBorders = sync.OnceValues(func() (*Borders, error) {
	zr, err := gzip.NewReader(bytes.NewReader(bordersGz))
	if err != nil {
		return nil, fmt.Errorf("country borders: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("country borders: %w", err)
	}
	return DecodeBorders(data)
})

// DefaultBorders returns the 1:10m country borders built into the program,
// decoded once on first use and never changed, so they are shared safely.
func DefaultBorders() (*Borders, error) { return loadBorders() }

// DecodeBorders reads a world-atlas TopoJSON topology whose "countries"
// geometries carry ISO 3166 numeric ids.
func DecodeBorders(data []byte) (*Borders, error) {
	// The world map's topology type reads these files too: their
	// geometries carry an ISO numeric id and no isoA2 property.
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("country borders: %w", err)
	}
	if t.Type != "Topology" {
		return nil, fmt.Errorf("country borders: not a TopoJSON topology")
	}
	obj, ok := t.Objects["countries"]
	if !ok {
		return nil, fmt.Errorf("country borders: no 'countries' object")
	}
	arcs := decodeArcs(t)
	b := &Borders{shapes: map[string]*shape{}}
	for _, g := range obj.Geometries {
		polys, ok, err := polygonArcs(g.Type, g.Arcs)
		if err != nil {
			return nil, fmt.Errorf("country borders: %s: %w", g.Properties.Name, err)
		}
		if !ok {
			continue
		}
		code := unnamed[g.Properties.Name]
		if g.ID != "" {
			c, err := country.Lookup(g.ID)
			if err != nil {
				continue
			}
			code = c.Alpha2
		}
		if code == "" {
			continue
		}
		s := b.shapes[code]
		if s == nil {
			s = &shape{minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
			b.shapes[code] = s
			b.codes = append(b.codes, code)
		}
		for _, rings := range polys {
			for _, ring := range rings {
				pts, err := stitch(arcs, ring)
				if err != nil {
					return nil, fmt.Errorf("country borders: %s: %w", g.Properties.Name, err)
				}
				for i := 1; i < len(pts); i++ {
					e := edge{pts[i-1][0], pts[i-1][1], pts[i][0], pts[i][1]}
					s.edges = append(s.edges, e)
					s.minX, s.maxX = math.Min(s.minX, math.Min(e.x1, e.x2)), math.Max(s.maxX, math.Max(e.x1, e.x2))
					s.minY, s.maxY = math.Min(s.minY, math.Min(e.y1, e.y2)), math.Max(s.maxY, math.Max(e.y1, e.y2))
				}
			}
		}
	}
	if len(b.shapes) == 0 {
		return nil, fmt.Errorf("country borders: no country carries an ISO code")
	}
	sort.Strings(b.codes)
	return b, nil
}

func (s *shape) index() {
	s.bands = map[int][]int32{}
	s.cells = map[[2]int][]int32{}
	for i, e := range s.edges {
		lo, hi := math.Min(e.y1, e.y2), math.Max(e.y1, e.y2)
		left, right := math.Min(e.x1, e.x2), math.Max(e.x1, e.x2)
		for k := band(lo); k <= band(hi); k++ {
			s.bands[k] = append(s.bands[k], int32(i))
		}
		for cx := cell(left); cx <= cell(right); cx++ {
			for cy := cell(lo); cy <= cell(hi); cy++ {
				s.cells[[2]int{cx, cy}] = append(s.cells[[2]int{cx, cy}], int32(i))
			}
		}
	}
}

func band(lat float64) int { return int(math.Floor(lat / bandDeg)) }
func cell(deg float64) int { return int(math.Floor(deg / cellDeg)) }

// Codes lists the alpha-2 codes that have a shape, sorted.
func (b *Borders) Codes() []string { return append([]string(nil), b.codes...) }

// Has reports whether the country has a shape.
func (b *Borders) Has(alpha2 string) bool { _, ok := b.shapes[alpha2]; return ok }

// Contains reports whether the point (longitude, latitude) lies inside the
// country's shape. A country without a shape contains nothing.
func (b *Borders) Contains(alpha2 string, lon, lat float64) bool {
	s, ok := b.shapes[alpha2]
	if !ok {
		return false
	}
	return s.contains(lon, lat)
}

func (s *shape) contains(x, y float64) bool {
	if x < s.minX || x > s.maxX || y < s.minY || y > s.maxY {
		return false
	}
	s.once.Do(s.index)
	in := false
	for _, i := range s.bands[band(y)] {
		e := s.edges[i]
		if (e.y1 > y) != (e.y2 > y) {
			xi := e.x1 + (y-e.y1)*(e.x2-e.x1)/(e.y2-e.y1)
			if x < xi {
				in = !in
			}
		}
	}
	return in
}

// DistanceKm returns how far the point lies from the country: 0 inside it,
// otherwise the distance in kilometres to its nearest boundary when that is
// at most limitKm, and +Inf when it is further (or the country has no
// shape). The distance uses a local equirectangular approximation, good to
// a fraction of a per cent over a few kilometres.
func (b *Borders) DistanceKm(alpha2 string, lon, lat, limitKm float64) float64 {
	s, ok := b.shapes[alpha2]
	if !ok {
		return math.Inf(1)
	}
	if s.contains(lon, lat) {
		return 0
	}
	s.once.Do(s.index)
	const kmPerDegLat = 110.574
	kmPerDegLon := 111.320 * math.Cos(lat*math.Pi/180)
	if kmPerDegLon < 1e-6 {
		kmPerDegLon = 1e-6
	}
	dLat, dLon := limitKm/kmPerDegLat, limitKm/kmPerDegLon
	best := math.Inf(1)
	seen := map[int32]bool{}
	for cx := cell(lon - dLon); cx <= cell(lon+dLon); cx++ {
		for cy := cell(lat - dLat); cy <= cell(lat+dLat); cy++ {
			for _, i := range s.cells[[2]int{cx, cy}] {
				if seen[i] {
					continue
				}
				seen[i] = true
				e := s.edges[i]
				d := segmentDistance((e.x1-lon)*kmPerDegLon, (e.y1-lat)*kmPerDegLat, (e.x2-lon)*kmPerDegLon, (e.y2-lat)*kmPerDegLat)
				best = math.Min(best, d)
			}
		}
	}
	if best > limitKm {
		return math.Inf(1)
	}
	return best
}

// segmentDistance is the distance from the origin to the segment (x1,y1)-(x2,y2).
func segmentDistance(x1, y1, x2, y2 float64) float64 {
	dx, dy := x2-x1, y2-y1
	l := dx*dx + dy*dy
	t := 0.0
	if l > 0 {
		t = math.Max(0, math.Min(1, -(x1*dx+y1*dy)/l))
	}
	return math.Hypot(x1+t*dx, y1+t*dy)
}

// CountriesAt returns the alpha-2 codes of the countries whose shapes
// contain the point, usually one, none at sea, sorted.
func (b *Borders) CountriesAt(lon, lat float64) []string {
	var out []string
	for _, code := range b.codes {
		if b.shapes[code].contains(lon, lat) {
			out = append(out, code)
		}
	}
	return out
}
