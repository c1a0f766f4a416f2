package eudr

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Coord is one position in WGS84 degrees. LonDecimals and LatDecimals are
// the digits after the decimal point as the source wrote them: the
// Regulation asks for at least six (Article 2(28)), and a float alone cannot
// tell 5.1 from 5.100000.
type Coord struct {
	Lon, Lat                 float64
	LonDecimals, LatDecimals int
}

// String writes the position as "latitude, longitude" the way people read
// maps, with the decimals it was given.
func (c Coord) String() string {
	return fmt.Sprintf("lat %s, lon %s", formatDeg(c.Lat, c.LatDecimals), formatDeg(c.Lon, c.LonDecimals))
}

func formatDeg(v float64, decimals int) string {
	if decimals < 0 || decimals > 12 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

// Kind is the form of a plot's geolocation.
type Kind string

const (
	// KindPoint is one position: allowed for plots of 4 hectares or less,
	// and for cattle establishments of any size (Article 2(28)).
	KindPoint Kind = "Point"
	// KindPolygon is the perimeter of the plot: one outer ring and any holes.
	KindPolygon Kind = "Polygon"
	// KindMultiPolygon is a plot in several non-contiguous parts.
	KindMultiPolygon Kind = "MultiPolygon"
)

// Geometry is a plot's geolocation. Rings are kept as written, closing
// position included, so the checks can say what is wrong with them.
type Geometry struct {
	Kind  Kind
	Point Coord
	// Polygons holds one polygon for KindPolygon and one or more for
	// KindMultiPolygon; each polygon is its outer ring then its holes.
	Polygons [][][]Coord
}

// Coords returns every position of the geometry in order.
func (g Geometry) Coords() []Coord {
	if g.Kind == KindPoint {
		return []Coord{g.Point}
	}
	var out []Coord
	for _, p := range g.Polygons {
		for _, r := range p {
			out = append(out, r...)
		}
	}
	return out
}

// Plot is one plot of land (Article 2(27)): the land within a single real
// estate property on which a relevant commodity was produced, with its
// geolocation, the producer who farms it and the dates of production.
type Plot struct {
	ID string // Upstream's identifier, set when stored
	// Ref is the source's own identifier for the plot, when it has one.
	Ref string
	// ProducerRef and SupplierRef name parties of the supply map (their
	// reference or id): the producer who farms the plot and the supplier
	// through whom its harvest comes (a cooperative, an exporter).
	ProducerRef  string
	ProducerName string
	SupplierRef  string
	Country      string // ISO 3166 alpha-2 of the country of production
	Commodity    string // EUDR commodity id: cattle, cocoa, coffee, oil_palm, rubber, soya, wood
	Place        string // name of the production place
	// DeclaredAreaHa is the area the source states, in hectares; 0 when it
	// gives none. A polygon's own area is computed (see Area).
	DeclaredAreaHa float64
	// ProductionFrom and ProductionTo bound the production (harvest) dates,
	// Article 9(1)(c); zero when the source gives none.
	ProductionFrom, ProductionTo time.Time
	Geometry                     Geometry
	// Origin says where in its file the plot was read ("features[3]",
	// "row 5"), so every finding can name it; Seq is its place among the
	// file's plots, counting from 0.
	Origin string
	Seq    int
}

// Label names the plot in messages: where it was read, and its reference.
func (p Plot) Label() string {
	switch {
	case p.Origin != "" && p.Ref != "":
		return p.Origin + " (" + p.Ref + ")"
	case p.Origin != "":
		return p.Origin
	case p.Ref != "":
		return p.Ref
	}
	return p.ID
}

// producerKey identifies the plot's producer for the overlap check; plots
// with no producer named each stand alone.
func (p Plot) producerKey() string {
	if p.ProducerRef != "" {
		return "ref:" + strings.ToLower(strings.TrimSpace(p.ProducerRef))
	}
	if p.ProducerName != "" {
		return "name:" + strings.ToLower(strings.Join(strings.Fields(p.ProducerName), " "))
	}
	return ""
}

// AreaHa is the plot's area in hectares: the geodesic area of its polygons
// (holes taken away), or for a point the declared area (0 when none).
func (p Plot) AreaHa() float64 {
	if p.Geometry.Kind == KindPoint {
		return p.DeclaredAreaHa
	}
	return GeometryAreaHa(p.Geometry)
}

// Problem is a plot the reader could not take: where it is in the file and
// what is wrong. Readers go on past a bad plot, so one run names them all.
type Problem struct {
	Seq     int // place among the file's plots, counting from 0
	Origin  string
	Ref     string
	Message string
}

func (p Problem) String() string {
	if p.Ref != "" {
		return p.Origin + " (" + p.Ref + "): " + p.Message
	}
	return p.Origin + ": " + p.Message
}

// decimalsOf counts the digits after the decimal point of a number as
// written ("5.120" has 3; "5" has 0; "5.12e-1" has 3).
func decimalsOf(text string) int {
	mant, exp := text, 0
	if i := strings.IndexAny(text, "eE"); i >= 0 {
		mant = text[:i]
		e, err := strconv.Atoi(text[i+1:])
		if err == nil {
			exp = e
		}
	}
	d := 0
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		d = len(mant) - i - 1
	}
	d -= exp
	if d < 0 {
		d = 0
	}
	return d
}
