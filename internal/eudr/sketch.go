package eudr

import (
	"math"
	"strconv"
	"strings"
)

// Shape is one plot drawn into a view box: a path for a polygon, a circle
// centre for a point.
type Shape struct {
	PlotID string
	Label  string
	Point  bool
	Path   string  // SVG path data for polygons
	X, Y   float64 // centre for points, in view-box units
}

// Sketch projects plots into a width × height view box for a map drawn on
// the server: an equirectangular projection centred on the plots, with
// longitude scaled by the cosine of the mean latitude so shapes keep their
// proportions, and a margin of 5% all round. Points are drawn as markers
// of fixed size, since at the scale of a district a 4 ha plot is a speck.
func Sketch(plots []Plot, width, height float64) []Shape {
	b := bbox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range plots {
		pb := boundsOf(p.Geometry)
		if math.Abs(pb.minY) > 90 || math.Abs(pb.maxY) > 90 || math.Abs(pb.minX) > 180 || math.Abs(pb.maxX) > 180 {
			continue // out of range: listed elsewhere, not drawn
		}
		b.minX, b.minY = math.Min(b.minX, pb.minX), math.Min(b.minY, pb.minY)
		b.maxX, b.maxY = math.Max(b.maxX, pb.maxX), math.Max(b.maxY, pb.maxY)
	}
	if math.IsInf(b.minX, 0) {
		return nil
	}
	k := math.Cos((b.minY + b.maxY) / 2 * math.Pi / 180)
	spanX := math.Max((b.maxX-b.minX)*k, 1e-4)
	spanY := math.Max(b.maxY-b.minY, 1e-4)
	scale := math.Min(width*0.9/spanX, height*0.9/spanY)
	cx, cy := (b.minX+b.maxX)/2, (b.minY+b.maxY)/2
	proj := func(c Coord) (float64, float64) {
		return width/2 + (c.Lon-cx)*k*scale, height/2 - (c.Lat-cy)*scale
	}
	num := func(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
	var out []Shape
	for _, p := range plots {
		s := Shape{PlotID: p.ID, Label: p.Label()}
		switch p.Geometry.Kind {
		case KindPoint:
			c := p.Geometry.Point
			if math.Abs(c.Lat) > 90 || math.Abs(c.Lon) > 180 {
				continue
			}
			s.Point = true
			s.X, s.Y = proj(c)
			s.X, s.Y = math.Round(s.X*10)/10, math.Round(s.Y*10)/10
		default:
			var d strings.Builder
			for _, poly := range p.Geometry.Polygons {
				for _, ring := range poly {
					for i, c := range ring {
						x, y := proj(c)
						if i == 0 {
							d.WriteByte('M')
						} else {
							d.WriteByte('L')
						}
						d.WriteString(num(x))
						d.WriteByte(',')
						d.WriteString(num(y))
					}
					d.WriteByte('Z')
				}
			}
			s.Path = d.String()
			if s.Path == "" {
				continue
			}
		}
		out = append(out, s)
	}
	return out
}
