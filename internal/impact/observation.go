package impact

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Dimension is a way observations may be disaggregated. Categories lists
// the allowed values; when it is empty any non-empty value is allowed (as
// for place names).
type Dimension struct {
	Name       string   `json:"name"`
	Categories []string `json:"categories,omitempty"`
}

// Dimension names used by DefaultDimensions.
const (
	DimSex      = "sex"
	DimAgeGroup = "age_group"
	DimPlace    = "place"
)

// DefaultDimensions are sex, age group and place. Organisations may replace
// them; the age groups separate children, whose protection is at stake in
// child-labour work, from young and older adults.
func DefaultDimensions() []Dimension {
	return []Dimension{
		{Name: DimSex, Categories: []string{"female", "male", "other", "unknown"}},
		{Name: DimAgeGroup, Categories: []string{"0-14", "15-17", "18-24", "25-49", "50+", "unknown"}},
		{Name: DimPlace},
	}
}

// Observation is the value of one indicator in one period for one
// disaggregation cell. An empty Disaggregation is the whole population.
type Observation struct {
	Indicator      string            `json:"indicator"`
	Period         Period            `json:"period"`
	Disaggregation map[string]string `json:"disaggregation,omitempty"`
	Value          float64           `json:"value"`
	// Denominator is the number of units an Average value is the mean of,
	// or the base of a Ratio (the value being the numerator). Sum and
	// Latest indicators have none.
	Denominator *float64 `json:"denominator,omitempty"`
}

// NewObservation builds an observation from a period code.
func NewObservation(indicator, period string, value float64, cell map[string]string) (Observation, error) {
	p, err := ParsePeriod(period)
	if err != nil {
		return Observation{}, err
	}
	return Observation{Indicator: indicator, Period: p, Value: value, Disaggregation: cell}, nil
}

// WithDenominator returns o with its denominator set.
func (o Observation) WithDenominator(d float64) Observation {
	o.Denominator = &d
	return o
}

// cellKey names the disaggregation cell in a stable form, "sex=female,place=x".
func cellKey(cell map[string]string) string {
	keys := make([]string, 0, len(cell))
	for k := range cell {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + "=" + cell[k])
	}
	return b.String()
}

// dimsKey names the set of dimensions a cell uses, "place,sex".
func dimsKey(cell map[string]string) string {
	keys := make([]string, 0, len(cell))
	for k := range cell {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// CheckObservation checks one observation against its indicator and the
// configured dimensions; the message names the field at fault.
func CheckObservation(ind Indicator, dims []Dimension, o Observation) error {
	if o.Indicator != ind.Code {
		return invalidf("indicator: %q is not %q", o.Indicator, ind.Code)
	}
	if o.Period.Code == "" {
		return invalidf("period: missing")
	}
	if math.IsNaN(o.Value) || math.IsInf(o.Value, 0) {
		return invalidf("value: not a number")
	}
	if err := checkCell(dims, o.Disaggregation); err != nil {
		return err
	}
	switch ind.Aggregation {
	case Average:
		if o.Denominator == nil {
			return invalidf("denominator: missing; %q is an average, so give the number of units each value is the mean of", ind.Code)
		}
		if !(*o.Denominator > 0) || math.IsInf(*o.Denominator, 0) {
			return invalidf("denominator: %v; the number of units averaged must be above 0", *o.Denominator)
		}
	case Ratio:
		if o.Denominator == nil {
			return invalidf("denominator: missing; %q is a ratio, so give the numerator as the value and the base as the denominator", ind.Code)
		}
		if !(*o.Denominator >= 0) || math.IsInf(*o.Denominator, 0) {
			return invalidf("denominator: %v; a ratio's base must be 0 or more", *o.Denominator)
		}
		if o.Value < 0 {
			return invalidf("value: %v; a ratio's numerator must be 0 or more", o.Value)
		}
	default:
		if o.Denominator != nil {
			return invalidf("denominator: given, but %q is a %s indicator, which takes none", ind.Code, ind.Aggregation)
		}
	}
	return nil
}

func checkCell(dims []Dimension, cell map[string]string) error {
	for _, k := range sortedKeys(cell) {
		v := cell[k]
		d, ok := findDim(dims, k)
		if !ok {
			return invalidf("disaggregation %q does not exist; configured: %s", k, dimNames(dims))
		}
		if v == "" {
			return invalidf("disaggregation %q: empty category", k)
		}
		if len(d.Categories) > 0 && !contains(d.Categories, v) {
			return invalidf("disaggregation %q: category %q does not exist; use one of %s", k, v, strings.Join(d.Categories, ", "))
		}
	}
	return nil
}

func findDim(dims []Dimension, name string) (Dimension, bool) {
	for _, d := range dims {
		if d.Name == name {
			return d, true
		}
	}
	return Dimension{}, false
}

func dimNames(dims []Dimension) string {
	if len(dims) == 0 {
		return "none"
	}
	names := make([]string, len(dims))
	for i, d := range dims {
		names[i] = d.Name
	}
	return strings.Join(names, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkSeries checks that a set of observations of one indicator can be
// combined without counting anything twice.
func checkSeries(ind Indicator, dims []Dimension, obs []Observation) error {
	sc := newSeriesCheck(ind)
	for i, o := range obs {
		if err := sc.add(o, 0, dims); err != nil {
			return fmt.Errorf("observation %d: %w", i+1, err)
		}
	}
	return nil
}

// seriesCheck accepts observations of one indicator one at a time and
// refuses any that would be counted twice: a cell given twice for a
// period, periods of different codes that overlap, and within a period
// observations using different dimensions (a total beside its own
// breakdown would be added to itself). Line numbers, when known, point at
// the earlier clashing row.
type seriesCheck struct {
	ind     Indicator
	periods map[string]*seriesPeriod
	order   []string // period codes as first seen, for stable messages
	cells   map[string]int
}

type seriesPeriod struct {
	p    Period
	dims string
	line int
}

func newSeriesCheck(ind Indicator) *seriesCheck {
	return &seriesCheck{ind: ind, periods: map[string]*seriesPeriod{}, cells: map[string]int{}}
}

func (sc *seriesCheck) add(o Observation, line int, dims []Dimension) error {
	ind := sc.ind
	if err := CheckObservation(ind, dims, o); err != nil {
		return err
	}
	where := func(l int) string {
		if l > 0 {
			return fmt.Sprintf(" (line %d)", l)
		}
		return ""
	}
	key := o.Period.Code + "|" + cellKey(o.Disaggregation)
	if l, ok := sc.cells[key]; ok {
		return invalidf("indicator %q, period %s: cell {%s} given twice%s", ind.Code, o.Period.Code, cellKey(o.Disaggregation), where(l))
	}
	dk := dimsKey(o.Disaggregation)
	if sp, ok := sc.periods[o.Period.Code]; ok {
		if sp.dims != dk {
			return invalidf("indicator %q, period %s: observations disaggregated by {%s}%s and by {%s} would count people twice; give one breakdown per period", ind.Code, o.Period.Code, sp.dims, where(sp.line), dk)
		}
	} else {
		for _, code := range sc.order {
			if sp := sc.periods[code]; sp.p.Overlaps(o.Period) {
				return invalidf("indicator %q: periods %s%s and %s overlap; use periods of one length that do not overlap", ind.Code, code, where(sp.line), o.Period.Code)
			}
		}
		sc.periods[o.Period.Code] = &seriesPeriod{p: o.Period, dims: dk, line: line}
		sc.order = append(sc.order, o.Period.Code)
	}
	sc.cells[key] = line
	return nil
}
