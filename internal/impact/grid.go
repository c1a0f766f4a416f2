package impact

import (
	"fmt"
	"slices"
	"time"
)

// The data-entry grid lays out one indicator's figures the way DHIS2's data
// entry does: a row per place, a column per period of one length within a
// year. A person types figures into the cells and saves only those they
// changed (Service.EditObservations). The first row, with no place, holds
// figures for the whole programme; a period is given either for the whole
// programme or by place, never both, since that would count people twice.

// GridKey names one cell of the grid: a place ("" for the whole
// programme) and a period code.
type GridKey struct{ Place, Period string }

// PlaceGrid is one indicator's figures by place and period for one year.
type PlaceGrid struct {
	Indicator Indicator
	Periods   []Period
	// Places are the grid's rows, "" (the whole programme) first, then the
	// place dimension's categories or, when it has none, every place any
	// of the programme's figures name, in order. A programme without a
	// place dimension has the first row only.
	Places []string
	// FixedPlaces is true when the place dimension lists its places, so
	// that no other place may be added.
	FixedPlaces bool
	HasPlaces   bool
	Cells       map[GridKey]Observation
	// Locked says, by period code, why a column cannot be entered here.
	Locked map[string]GridLock
}

// GridLock is why a period cannot be entered in the grid: its figures are
// given by another breakdown (Breakdown names its dimensions), or figures
// are stored for a period of another length that overlaps it.
type GridLock struct {
	Breakdown   []string
	Overlapping Period
}

// GridPeriodTypes are the lengths of period the grid offers.
var GridPeriodTypes = []PeriodType{Yearly, SixMonthly, Quarterly, Monthly}

// PeriodsOfYear returns the periods of type t in year, in order.
func PeriodsOfYear(t PeriodType, year int) ([]Period, error) {
	var codes []string
	switch t {
	case Yearly:
		codes = []string{fmt.Sprint(year)}
	case SixMonthly:
		codes = []string{fmt.Sprintf("%dS1", year), fmt.Sprintf("%dS2", year)}
	case Quarterly:
		for q := 1; q <= 4; q++ {
			codes = append(codes, fmt.Sprintf("%dQ%d", year, q))
		}
	case Monthly:
		for m := 1; m <= 12; m++ {
			codes = append(codes, fmt.Sprintf("%d%02d", year, m))
		}
	default:
		return nil, invalidf("period type %q: use yearly, six_monthly, quarterly or monthly", t)
	}
	out := make([]Period, len(codes))
	for i, c := range codes {
		p, err := ParsePeriod(c)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// NewPlaceGrid lays out ind's figures among all (the programme's
// observations of every indicator, which name its places) for the periods
// of type t in year.
func NewPlaceGrid(ind Indicator, dims []Dimension, all []Observation, t PeriodType, year int) (PlaceGrid, error) {
	periods, err := PeriodsOfYear(t, year)
	if err != nil {
		return PlaceGrid{}, err
	}
	g := PlaceGrid{Indicator: ind, Periods: periods, Places: []string{""}, Cells: map[GridKey]Observation{}, Locked: map[string]GridLock{}}
	if d, ok := findDim(dims, DimPlace); ok {
		g.HasPlaces = true
		if len(d.Categories) > 0 {
			g.FixedPlaces = true
			g.Places = append(g.Places, d.Categories...)
		} else {
			var seen []string
			for _, o := range all {
				if p := o.Disaggregation[DimPlace]; p != "" && !slices.Contains(seen, p) {
					seen = append(seen, p)
				}
			}
			slices.Sort(seen)
			g.Places = append(g.Places, seen...)
		}
	}
	for _, o := range all {
		if o.Indicator != ind.Code {
			continue
		}
		for _, p := range periods {
			switch {
			case o.Period.Code == p.Code && gridCell(o.Disaggregation):
				g.Cells[GridKey{o.Disaggregation[DimPlace], p.Code}] = o
			case o.Period.Code == p.Code:
				g.Locked[p.Code] = GridLock{Breakdown: sortedKeys(o.Disaggregation)}
			case o.Period.Overlaps(p):
				g.Locked[p.Code] = GridLock{Overlapping: o.Period}
			}
		}
	}
	return g, nil
}

// gridCell reports whether a cell is one the grid shows: the whole
// programme, or one place with no other breakdown.
func gridCell(cell map[string]string) bool {
	switch len(cell) {
	case 0:
		return true
	case 1:
		return cell[DimPlace] != ""
	}
	return false
}

// GridObservation is the observation of ind for a grid cell.
func GridObservation(ind Indicator, place string, p Period, value float64, denominator *float64) Observation {
	o := Observation{Indicator: ind.Code, Period: p, Value: value, Denominator: denominator}
	if place != "" {
		o.Disaggregation = map[string]string{DimPlace: place}
	}
	return o
}

// LatestPeriod returns the type and year of ind's most recent figure among
// all, for the grid to open on; ok is false when it has none.
func LatestPeriod(ind Indicator, all []Observation) (t PeriodType, year int, ok bool) {
	var latest time.Time
	for _, o := range all {
		if o.Indicator == ind.Code && slices.Contains(GridPeriodTypes, o.Period.Type) && !o.Period.Start.Before(latest) {
			latest, t, year, ok = o.Period.Start, o.Period.Type, o.Period.Start.Year(), true
		}
	}
	return t, year, ok
}
