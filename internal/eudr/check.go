package eudr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/geo"
)

// Severity says whether a finding stops a plot going into a statement.
type Severity string

const (
	// Error: the geolocation is wrong or not what the Regulation asks; the
	// plot cannot go into a due diligence statement until it is fixed.
	Error Severity = "error"
	// Warning: something to look at that does not by itself break a rule.
	Warning Severity = "warning"
)

// Check names a geolocation check.
type Check string

const (
	CheckRead          Check = "read"              // the plot could not be read at all
	CheckRange         Check = "range"             // latitude or longitude out of range
	CheckOrder         Check = "order"             // latitude and longitude swapped
	CheckDecimals      Check = "decimals"          // fewer than six decimals, Art. 2(28)
	CheckRingShort     Check = "ring-short"        // fewer than four positions
	CheckRingOpen      Check = "ring-open"         // last position is not the first
	CheckSelfCross     Check = "self-intersection" // edges cross or touch
	CheckDuplicate     Check = "duplicate-vertex"  // the same position twice in a row
	CheckPolygonNeeded Check = "polygon-needed"    // a point for a plot above 4 ha, Art. 2(28)
	CheckArea          Check = "area"              // declared area missing or far from the polygon's
	CheckCountry       Check = "country"           // outside the declared country, or none declared
	CheckOverlap       Check = "overlap"           // overlaps a plot of another producer
	CheckTooLarge      Check = "too-large"         // implausibly large for the commodity
	CheckCommodity     Check = "commodity"         // no commodity named
	CheckDates         Check = "production-dates"  // missing or impossible production dates, Art. 9(1)(c)
)

// Finding is one failed check on one plot.
type Finding struct {
	Plot     string   `json:"plot"` // the plot's label: where it was read and its reference
	Check    Check    `json:"check"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s", f.Plot, f.Severity, f.Message)
}

// PointMaxHa is the largest plot a single point may describe (Article
// 2(28)): above it, the plot's perimeter is needed as a polygon, except for
// cattle establishments.
const PointMaxHa = 4.0

// MinDecimals is the decimals the Regulation asks of every coordinate.
const MinDecimals = 6

// DefaultToleranceKm is how far outside its declared country's 1:10m shape
// a position may lie before it counts as outside: the shapes' quantisation
// and generalisation put borders and coasts up to about a kilometre off.
const DefaultToleranceKm = 2.0

// plausibleMaxHa is the largest single plot that is plausible for each
// commodity; a larger one is more likely a district or a concession drawn
// by mistake than one plot. The limits sit well above the largest
// operations on record for each crop (cocoa and coffee estates of a few
// thousand hectares, oil palm and soya holdings of tens of thousands,
// cattle ranches and forest concessions of hundreds of thousands).
var plausibleMaxHa = map[string]float64{
	"cocoa":    10_000,
	"coffee":   10_000,
	"rubber":   50_000,
	"oil_palm": 100_000,
	"soya":     200_000,
	"cattle":   500_000,
	"wood":     2_000_000,
}

// PlausibleMaxHa returns the plausibility limit for a commodity, 0 when the
// commodity is unknown.
func PlausibleMaxHa(commodityID string) float64 { return plausibleMaxHa[commodityID] }

// Checker runs the geolocation checks. Borders is required; ToleranceKm
// 0 means DefaultToleranceKm; Today bounds production dates (a date after
// it is an error).
type Checker struct {
	Borders     *geo.Borders
	ToleranceKm float64
	Today       time.Time
}

// Check runs every check on every plot and returns the findings ordered by
// plot then check. Plots are compared with each other for overlaps, so give
// all plots that go into one statement (or one file) together.
func (c Checker) Check(plots []Plot) []Finding {
	per := make([][]Finding, len(plots))
	for i, p := range plots {
		per[i] = c.CheckPlot(p)
	}
	for _, o := range overlaps(plots) {
		per[o.plot] = append(per[o.plot], o.Finding)
	}
	var out []Finding
	for _, fs := range per {
		out = append(out, fs...)
	}
	return out
}

// CheckPlot runs the checks that look at one plot alone.
func (c Checker) CheckPlot(p Plot) []Finding {
	r := &reporter{plot: p.Label()}
	g := p.Geometry
	rangeOK := checkRange(r, g)
	checkDecimals(r, g)
	if g.Kind != KindPoint {
		checkRings(r, g)
	}
	area := checkArea(r, p)
	if rangeOK {
		c.checkCountry(r, p)
	}
	if p.Commodity == "" {
		r.add(CheckCommodity, Warning, "no commodity named; the statement needs the commodity each plot produced")
	} else if max := plausibleMaxHa[p.Commodity]; max > 0 && area > max {
		r.add(CheckTooLarge, Error, "%s ha is implausibly large for one plot of %s (more than %s ha): check that it is one plot and not a district or a whole concession", fmtHa(area), p.Commodity, fmtHa(max))
	}
	checkDates(r, p, c.Today)
	return r.out
}

type reporter struct {
	plot string
	out  []Finding
}

func (r *reporter) add(check Check, sev Severity, format string, args ...any) {
	r.out = append(r.out, Finding{Plot: r.plot, Check: check, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// where names a position within a geometry for messages.
func where(g Geometry, part, ring, pos int) string {
	if g.Kind == KindPoint {
		return "the point"
	}
	var b strings.Builder
	if g.Kind == KindMultiPolygon {
		fmt.Fprintf(&b, "part %d, ", part+1)
	}
	if ring == 0 {
		b.WriteString("outer ring")
	} else {
		fmt.Fprintf(&b, "hole %d", ring)
	}
	if pos >= 0 {
		fmt.Fprintf(&b, ", position %d", pos+1)
	}
	return b.String()
}

// each calls fn for every position with its place in the geometry.
func each(g Geometry, fn func(c Coord, part, ring, pos int)) {
	if g.Kind == KindPoint {
		fn(g.Point, 0, 0, 0)
		return
	}
	for pi, poly := range g.Polygons {
		for ri, ring := range poly {
			for i, c := range ring {
				fn(c, pi, ri, i)
			}
		}
	}
}

func checkRange(r *reporter, g Geometry) bool {
	bad, swapped := 0, 0
	var first string
	each(g, func(c Coord, part, ring, pos int) {
		if math.Abs(c.Lat) <= 90 && math.Abs(c.Lon) <= 180 {
			return
		}
		bad++
		if math.Abs(c.Lat) > 90 && math.Abs(c.Lat) <= 180 && math.Abs(c.Lon) <= 90 {
			swapped++
		}
		if first == "" {
			first = fmt.Sprintf("%s (%s)", where(g, part, ring, pos), c)
		}
	})
	switch {
	case bad == 0:
		return true
	case swapped == bad:
		r.add(CheckOrder, Error, "latitude outside -90..90 at %s: the numbers look swapped; GeoJSON and WKT write longitude first, then latitude", first)
	default:
		r.add(CheckRange, Error, "%d position(s) out of range (latitude -90..90, longitude -180..180), first at %s", bad, first)
	}
	return false
}

func checkDecimals(r *reporter, g Geometry) {
	n, total := 0, 0
	var first string
	each(g, func(c Coord, part, ring, pos int) {
		total++
		if c.LatDecimals >= MinDecimals && c.LonDecimals >= MinDecimals {
			return
		}
		n++
		if first == "" {
			first = fmt.Sprintf("%s (%s)", where(g, part, ring, pos), c)
		}
	})
	if n > 0 {
		r.add(CheckDecimals, Error, "%d of %d position(s) have fewer than %d decimals, first at %s; the Regulation asks for at least six (Art. 2(28)): re-export from the GPS or GIS with full precision, do not pad with zeros", n, total, MinDecimals, first)
	}
}

func checkRings(r *reporter, g Geometry) {
	for pi, poly := range g.Polygons {
		if len(poly) == 0 {
			r.add(CheckRingShort, Error, "%s has no rings", where(g, pi, 0, -1))
			continue
		}
		usable := true
		for ri, ring := range poly {
			at := where(g, pi, ri, -1)
			if len(ring) < 4 {
				r.add(CheckRingShort, Error, "%s has %d position(s); a ring needs at least 4 (three corners and the first again)", at, len(ring))
				usable = false
				continue
			}
			if ring[0].Lon != ring[len(ring)-1].Lon || ring[0].Lat != ring[len(ring)-1].Lat {
				r.add(CheckRingOpen, Error, "%s is not closed: its last position (%s) is not its first (%s)", at, ring[len(ring)-1], ring[0])
				usable = false
			}
			for i := 1; i < len(ring); i++ {
				if ring[i].Lon == ring[i-1].Lon && ring[i].Lat == ring[i-1].Lat {
					r.add(CheckDuplicate, Error, "%s repeats position %d (%s) as position %d", at, i, ring[i], i+1)
					break
				}
			}
			if distinct(ring) < 3 {
				r.add(CheckRingShort, Error, "%s has fewer than 3 distinct corners and encloses nothing", at)
				usable = false
			}
		}
		if usable {
			if msg := selfIntersection(poly); msg != "" {
				prefix := ""
				if g.Kind == KindMultiPolygon {
					prefix = fmt.Sprintf("part %d: ", pi+1)
				}
				r.add(CheckSelfCross, Error, "%s%s", prefix, msg)
			}
		}
	}
}

func distinct(ring []Coord) int {
	seen := map[[2]float64]bool{}
	for _, c := range ring {
		seen[[2]float64{c.Lon, c.Lat}] = true
	}
	return len(seen)
}

func checkArea(r *reporter, p Plot) float64 {
	g := p.Geometry
	if g.Kind == KindPoint {
		switch {
		case p.DeclaredAreaHa > PointMaxHa && p.Commodity != "cattle":
			r.add(CheckPolygonNeeded, Error, "a point stands for a plot of %s ha; above %s ha the Regulation asks for the plot's perimeter as a polygon (Art. 2(28))", fmtHa(p.DeclaredAreaHa), fmtHa(PointMaxHa))
		case p.DeclaredAreaHa == 0:
			r.add(CheckArea, Warning, "a point with no area: a point is allowed only for plots of %s ha or less, so state the area", fmtHa(PointMaxHa))
		}
		return p.DeclaredAreaHa
	}
	a := GeometryAreaHa(g)
	if p.DeclaredAreaHa > 0 && a > 0 {
		if d := math.Abs(a-p.DeclaredAreaHa) / math.Max(a, p.DeclaredAreaHa); d > 0.2 {
			r.add(CheckArea, Warning, "the polygon measures %s ha but %s ha is declared: one of them is wrong", fmtHa(a), fmtHa(p.DeclaredAreaHa))
		}
	}
	return a
}

func (c Checker) checkCountry(r *reporter, p Plot) {
	if p.Country == "" {
		r.add(CheckCountry, Error, "no country of production declared")
		return
	}
	if c.Borders == nil || !c.Borders.Has(p.Country) {
		r.add(CheckCountry, Warning, "no border shape for %s: the position was not checked against the country", countryName(p.Country))
		return
	}
	tol := c.ToleranceKm
	if tol <= 0 {
		tol = DefaultToleranceKm
	}
	g := p.Geometry
	outside, total, swappedIn := 0, 0, 0
	var first Coord
	var firstAt string
	each(g, func(co Coord, part, ring, pos int) {
		total++
		if !math.IsInf(c.Borders.DistanceKm(p.Country, co.Lon, co.Lat, tol), 1) {
			return
		}
		if outside == 0 {
			first, firstAt = co, where(g, part, ring, pos)
		}
		outside++
		if math.Abs(co.Lat) <= 180 && math.Abs(co.Lon) <= 90 && c.Borders.Contains(p.Country, co.Lat, co.Lon) {
			swappedIn++
		}
	})
	if outside == 0 {
		return
	}
	if swappedIn == outside {
		r.add(CheckOrder, Error, "%s (%s) lies outside %s, but with latitude and longitude swapped it lies inside: write longitude first, then latitude", firstAt, first, countryName(p.Country))
		return
	}
	in := "at sea or in no country"
	if cs := c.Borders.CountriesAt(first.Lon, first.Lat); len(cs) > 0 {
		names := make([]string, len(cs))
		for i, code := range cs {
			names[i] = countryName(code)
		}
		in = "in " + strings.Join(names, ", ")
	}
	count := ""
	if total > 1 {
		count = fmt.Sprintf("%d of %d positions lie outside; ", outside, total)
	}
	r.add(CheckCountry, Error, "%s%s (%s) lies more than %s km outside %s, the declared country of production: it is %s", count, firstAt, first, fmtKm(tol), countryName(p.Country), in)
}

func checkDates(r *reporter, p Plot, today time.Time) {
	switch {
	case p.ProductionFrom.IsZero() && p.ProductionTo.IsZero():
		r.add(CheckDates, Warning, "no production date: the statement needs the date or period of production (Art. 9(1)(c))")
		return
	case !p.ProductionFrom.IsZero() && !p.ProductionTo.IsZero() && p.ProductionTo.Before(p.ProductionFrom):
		r.add(CheckDates, Error, "production ends (%s) before it starts (%s)", p.ProductionTo.Format(time.DateOnly), p.ProductionFrom.Format(time.DateOnly))
	}
	if !today.IsZero() {
		for _, d := range []time.Time{p.ProductionFrom, p.ProductionTo} {
			if d.After(today) {
				r.add(CheckDates, Error, "production date %s is in the future", d.Format(time.DateOnly))
				return
			}
		}
	}
}

func countryName(code string) string {
	if c, ok := country.ByAlpha2(code); ok {
		return c.Name + " (" + code + ")"
	}
	return code
}

func fmtHa(v float64) string {
	if v >= 100 {
		return groupThousands(fmt.Sprintf("%.0f", v))
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func fmtKm(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

func groupThousands(s string) string {
	n := len(s)
	if n <= 3 {
		return s
	}
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (n-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return b.String()
}
