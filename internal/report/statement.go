package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/eudr"
)

// StatementPage is the human-readable copy of an EUDR statement: what was
// declared to the EU Information System, in words, with every plot and a
// sketch map of them drawn on the server.
type StatementPage struct {
	Title       string
	Statement   eudr.Statement
	Kind        string
	Operator    string
	Activity    string
	Commodity   string
	HSCodes     string
	Quantity    string
	Countries   string
	Declaration string
	Producers   []StatementProducer
	Map         []eudr.Shape
	MapW, MapH  float64
	Upstream    []eudr.StatementRef
	GeneratedAt time.Time
}

// StatementProducer is one producer's rows.
type StatementProducer struct {
	Name    string
	Country string
	Plots   []StatementPlot
}

// StatementPlot is one plot, formatted.
type StatementPlot struct {
	Ref, Place, Kind, Location, Area, Production string
}

// NewStatementPage formats a statement for reading.
func NewStatementPage(s eudr.Statement, generated time.Time) *StatementPage {
	p := &StatementPage{
		Title: s.Kind.Label(), Statement: s, Kind: s.Kind.Label(), Activity: activityLabel(s.Activity),
		Commodity: commodityLabel(s.Commodity), HSCodes: strings.Join(s.HSCodes, ", "),
		Quantity:    groupDigits(strconv.FormatFloat(s.NetMassKg, 'f', -1, 64)) + " kg net mass",
		Declaration: eudr.Declaration, Upstream: s.Upstream, GeneratedAt: generated.UTC(), MapW: 640, MapH: 400,
	}
	op := s.Operator
	p.Operator = op.Name + ", " + op.Address + ", " + countryLabel(op.Country)
	if op.EORI != "" {
		p.Operator += " (EORI " + op.EORI + ")"
	}
	var cs []string
	for _, c := range s.Countries {
		cs = append(cs, countryLabel(c))
	}
	p.Countries = strings.Join(cs, "; ")
	var all []eudr.Plot
	for _, pr := range s.Producers {
		row := StatementProducer{Name: pr.Name, Country: countryLabel(pr.Country)}
		for _, pl := range pr.Plots {
			all = append(all, pl)
			sp := StatementPlot{Ref: pl.Ref, Place: pl.Place, Kind: "Point", Area: fmtArea(pl.AreaHa())}
			if pl.Ref == "" {
				sp.Ref = pl.Origin
			}
			switch pl.Geometry.Kind {
			case eudr.KindPoint:
				sp.Location = pl.Geometry.Point.String()
			default:
				n := len(pl.Geometry.Coords())
				sp.Kind = "Polygon"
				sp.Location = fmt.Sprintf("%d positions, first %s", n, pl.Geometry.Polygons[0][0][0])
			}
			sp.Production = period(pl.ProductionFrom, pl.ProductionTo)
			row.Plots = append(row.Plots, sp)
		}
		p.Producers = append(p.Producers, row)
	}
	p.Map = eudr.Sketch(all, p.MapW, p.MapH)
	return p
}

// WriteStatementHTML renders the page as one self-contained HTML document.
func WriteStatementHTML(page *StatementPage) ([]byte, error) {
	t, err := templates()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "statement", page); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func activityLabel(a eudr.Activity) string {
	return map[eudr.Activity]string{eudr.Import: "Import (placing on the EU market)", eudr.Export: "Export from the EU",
		eudr.Domestic: "Domestic production placed on the EU market", eudr.Trade: "Trade (making available)"}[a]
}

func commodityLabel(id string) string {
	return map[string]string{"cattle": "Cattle", "cocoa": "Cocoa", "coffee": "Coffee", "oil_palm": "Oil palm",
		"rubber": "Rubber", "soya": "Soya", "wood": "Wood"}[id]
}

func countryLabel(code string) string {
	if c, ok := country.ByAlpha2(code); ok {
		return c.Name
	}
	return code
}

func fmtArea(ha float64) string {
	if ha <= 0 {
		return "not stated"
	}
	return strconv.FormatFloat(float64(int64(ha*100+0.5))/100, 'f', -1, 64) + " ha"
}

func period(from, to time.Time) string {
	switch {
	case from.IsZero() && to.IsZero():
		return "not stated"
	case to.IsZero() || from.Equal(to):
		return from.Format("2 January 2006")
	case from.IsZero():
		return to.Format("2 January 2006")
	}
	return from.Format("2 January 2006") + " to " + to.Format("2 January 2006")
}

func groupDigits(s string) string {
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}
