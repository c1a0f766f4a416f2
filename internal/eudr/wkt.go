package eudr

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseWKT reads a plot's geometry from Well-Known Text: POINT (lon lat),
// POLYGON ((lon lat, ...), (hole ...)) or MULTIPOLYGON (((...)), ((...))),
// in WGS84 longitude/latitude order. A third (Z) number is accepted and
// dropped; other geometry types are refused with the reason.
func ParseWKT(text string) (Geometry, error) {
	w := &wktReader{s: text}
	kind := strings.ToUpper(w.word())
	if kind == "" {
		return Geometry{}, fmt.Errorf("empty; want POINT, POLYGON or MULTIPOLYGON")
	}
	if z := strings.ToUpper(w.peekWord()); z == "Z" {
		w.word()
	}
	if strings.ToUpper(w.peekWord()) == "EMPTY" {
		return Geometry{}, fmt.Errorf("%s EMPTY has no location", kind)
	}
	var g Geometry
	var err error
	switch kind {
	case "POINT":
		var ring []Coord
		ring, err = w.positions()
		if err == nil && len(ring) != 1 {
			err = fmt.Errorf("POINT has %d positions, want 1", len(ring))
		}
		if err == nil {
			g = Geometry{Kind: KindPoint, Point: ring[0]}
		}
	case "POLYGON":
		var rings [][]Coord
		rings, err = w.rings()
		g = Geometry{Kind: KindPolygon, Polygons: [][][]Coord{rings}}
	case "MULTIPOLYGON":
		g.Kind = KindMultiPolygon
		err = w.open()
		for err == nil {
			var rings [][]Coord
			rings, err = w.rings()
			if err != nil {
				break
			}
			g.Polygons = append(g.Polygons, rings)
			if !w.comma() {
				err = w.close()
				break
			}
		}
	case "MULTIPOINT", "GEOMETRYCOLLECTION":
		return Geometry{}, unsupported(map[string]string{"MULTIPOINT": "MultiPoint", "GEOMETRYCOLLECTION": "GeometryCollection"}[kind])
	case "LINESTRING", "MULTILINESTRING":
		return Geometry{}, unsupported("LineString")
	default:
		return Geometry{}, fmt.Errorf("%q is not POINT, POLYGON or MULTIPOLYGON", kind)
	}
	if err != nil {
		return Geometry{}, fmt.Errorf("%s: %v", kind, err)
	}
	if w.skip(); w.i < len(w.s) {
		return Geometry{}, fmt.Errorf("%s: unexpected %q after the geometry", kind, clip(w.s[w.i:]))
	}
	return g, nil
}

type wktReader struct {
	s     string
	i     int
	count int
}

func (w *wktReader) skip() {
	for w.i < len(w.s) && (w.s[w.i] == ' ' || w.s[w.i] == '\t' || w.s[w.i] == '\n' || w.s[w.i] == '\r') {
		w.i++
	}
}

func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' }

func (w *wktReader) peekWord() string {
	j := w.i
	defer func() { w.i = j }()
	return w.word()
}

func (w *wktReader) word() string {
	w.skip()
	start := w.i
	for w.i < len(w.s) && isLetter(w.s[w.i]) {
		w.i++
	}
	return w.s[start:w.i]
}

func (w *wktReader) expect(b byte, what string) error {
	w.skip()
	if w.i >= len(w.s) {
		return fmt.Errorf("ends where %s was expected", what)
	}
	if w.s[w.i] != b {
		return fmt.Errorf("%q where %s was expected", clip(w.s[w.i:]), what)
	}
	w.i++
	return nil
}

func (w *wktReader) open() error  { return w.expect('(', "'('") }
func (w *wktReader) close() error { return w.expect(')', "')'") }

func (w *wktReader) comma() bool {
	w.skip()
	if w.i < len(w.s) && w.s[w.i] == ',' {
		w.i++
		return true
	}
	return false
}

func (w *wktReader) rings() ([][]Coord, error) {
	if err := w.open(); err != nil {
		return nil, err
	}
	var rings [][]Coord
	for {
		r, err := w.positions()
		if err != nil {
			return nil, fmt.Errorf("ring %d: %v", len(rings)+1, err)
		}
		rings = append(rings, r)
		if !w.comma() {
			return rings, w.close()
		}
	}
}

func (w *wktReader) positions() ([]Coord, error) {
	if err := w.open(); err != nil {
		return nil, err
	}
	var out []Coord
	for {
		w.count++
		if w.count > MaxVertices {
			return nil, fmt.Errorf("more than %d positions in one plot", MaxVertices)
		}
		lon, ld, err := w.number("longitude")
		if err != nil {
			return nil, fmt.Errorf("position %d: %v", len(out)+1, err)
		}
		lat, la, err := w.number("latitude")
		if err != nil {
			return nil, fmt.Errorf("position %d: %v", len(out)+1, err)
		}
		w.skip()
		if w.i < len(w.s) && w.s[w.i] != ',' && w.s[w.i] != ')' {
			if _, _, err := w.number("elevation"); err != nil {
				return nil, fmt.Errorf("position %d: %v", len(out)+1, err)
			}
		}
		out = append(out, Coord{Lon: lon, Lat: lat, LonDecimals: ld, LatDecimals: la})
		if !w.comma() {
			return out, w.close()
		}
	}
}

func (w *wktReader) number(what string) (float64, int, error) {
	w.skip()
	start := w.i
	for w.i < len(w.s) && strings.IndexByte("+-.0123456789eE", w.s[w.i]) >= 0 {
		w.i++
	}
	text := w.s[start:w.i]
	if text == "" {
		if w.i >= len(w.s) {
			return 0, 0, fmt.Errorf("ends where the %s was expected", what)
		}
		return 0, 0, fmt.Errorf("%q where the %s was expected", clip(w.s[w.i:]), what)
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("%s %q is not a number", what, text)
	}
	return f, decimalsOf(text), nil
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
