package web

import (
	"context"
	"math"
	"net/url"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/geo"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// PointReader reads the parties that have coordinates. When the
// SupplierReader also implements it the risk map draws the facility layer.
type PointReader interface {
	Points(ctx context.Context, orgID string, f supplychain.PointFilter) ([]supplychain.Point, int, error)
}

// Facility layer limits: at most maxMapPoints points (the most exposed)
// are read; points closer than clusterCell units of the 1000-wide map
// are drawn as one cluster.
const (
	maxMapPoints = 50_000
	clusterCell  = 12.0
)

// mapMark is one mark of the facility layer: a facility, or a cluster of
// facilities close together, each a link.
type mapMark struct {
	X, Y, R float64
	Class   string // the worst level among its facilities
	Href    string
	Title   string
	Count   int // 1 for a facility
}

// facilityLayer is what the map draws of the facilities and says of them.
type facilityLayer struct {
	Shown       bool
	Marks       []mapMark
	Drawn       int // facilities drawn
	Total       int // facilities with coordinates matching the filter
	Commodities []option
	Levels      []option
	Filtered    bool
}

// levelRank orders levels for "the worst in a cluster"; unscored counts
// as unknown.
func levelRank(l string) int {
	if i := slices.Index(levels, l); i >= 0 {
		return i
	}
	return 0
}

// facilities builds the facility layer from the request's filters.
func (s *supplyHandlers) facilities(ctx context.Context, loc *locale, orgID string, q url.Values) (facilityLayer, error) {
	commodity, level := q.Get("commodity"), q.Get("level")
	layer := facilityLayer{Shown: q.Get("facilities") != "off", Commodities: commodityOptions(loc, commodity), Levels: levelOptions(loc, level),
		Filtered: commodity != "" || level != ""}
	if level != "" && !validLevel(level) {
		return layer, kernel.Errorf(kernel.Invalid, "%q is not a risk level; choose one of the listed levels", level)
	}
	pr, ok := s.suppliers.(PointReader)
	if !ok || !layer.Shown {
		return layer, nil
	}
	pts, total, err := pr.Points(ctx, orgID, supplychain.PointFilter{Commodity: commodity, Level: level, Limit: maxMapPoints})
	if err != nil {
		return layer, err
	}
	layer.Total, layer.Drawn = total, len(pts)
	layer.Marks = clusterPoints(loc, pts, url.Values{"commodity": {commodity}, "level": {level}})
	return layer, nil
}

// clusterPoints draws the points: one mark per grid cell of clusterCell
// units, a facility on its own or a cluster of several, coloured by the
// worst level in it. filter is added to a cluster's link to the register.
func clusterPoints(loc *locale, pts []supplychain.Point, filter url.Values) []mapMark {
	type cell struct {
		pts    []supplychain.Point
		sx, sy float64
	}
	cells := map[[2]int]*cell{}
	var order [][2]int
	for _, p := range pts {
		x, y := geo.Project(p.Lng, p.Lat)
		k := [2]int{int(math.Floor(x / clusterCell)), int(math.Floor(y / clusterCell))}
		c, ok := cells[k]
		if !ok {
			c = &cell{}
			cells[k] = c
			order = append(order, k)
		}
		c.pts = append(c.pts, p)
		c.sx += x
		c.sy += y
	}
	marks := make([]mapMark, 0, len(order))
	for _, k := range order {
		c := cells[k]
		n := float64(len(c.pts))
		worst := ""
		countries := map[string]int{}
		for _, p := range c.pts {
			if worst == "" || levelRank(p.Level) > levelRank(worst) {
				worst = p.Level
			}
			countries[p.Country]++
		}
		if worst == "" {
			worst = "unknown"
		}
		m := mapMark{X: c.sx / n, Y: c.sy / n, Class: worst, Count: len(c.pts)}
		if len(c.pts) == 1 {
			p := c.pts[0]
			m.R, m.Href = 2.5, "/suppliers/"+url.PathEscape(p.ID)
			if p.Level != "" && p.Level != "unknown" {
				m.Title = loc.tr("%v, %v: %v risk, exposure %v", p.Name, loc.country(p.Country), loc.label(p.Level), loc.points(p.Exposure))
			} else {
				m.Title = loc.tr("%v, %v: risk unknown (missing data)", p.Name, loc.country(p.Country))
			}
		} else {
			m.R = 3 + 1.5*math.Log2(n)
			main := mostCommon(countries)
			v := url.Values{"country": {main}}
			for key, vals := range filter {
				if len(vals) > 0 && vals[0] != "" {
					v.Set(key, vals[0])
				}
			}
			m.Href = "/suppliers?" + v.Encode()
			var names []string
			for code := range countries {
				names = append(names, loc.country(code))
			}
			coll := loc.collator()
			slices.SortFunc(names, coll.CompareString)
			m.Title = loc.tr("%v facilities close together in %v; the highest risk among them: %v. Opens the register for %v.",
				loc.count(len(c.pts)), strings.Join(names, ", "), levelWord(loc, worst), loc.country(main))
		}
		marks = append(marks, m)
	}
	// Worse levels are drawn last, on top.
	slices.SortStableFunc(marks, func(a, b mapMark) int { return levelRank(a.Class) - levelRank(b.Class) })
	return marks
}

func mostCommon(counts map[string]int) string {
	best, n := "", -1
	for k, c := range counts {
		if c > n || (c == n && k < best) {
			best, n = k, c
		}
	}
	return best
}

// levelWord names a risk level in loc's words; no level reads as unknown
// for want of data.
func levelWord(loc *locale, l string) string {
	switch l {
	case "", "unknown":
		return loc.tr("unknown (missing data)")
	}
	return loc.label(l)
}
