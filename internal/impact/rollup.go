package impact

import (
	"math"
	"sort"
)

// Aggregate is an indicator's observations rolled up into one figure.
type Aggregate struct {
	Indicator string `json:"indicator"`
	// Defined is false when there is nothing to report: no observations,
	// or a ratio or average whose denominators add to 0.
	Defined bool `json:"defined"`
	// Value is the rolled-up figure, already multiplied by the indicator's
	// Scale (so a "%" ratio reads 42, not 0.42).
	Value float64 `json:"value"`
	// Numerator and Denominator are the sums behind an Average (sum of
	// value x weight, sum of weights) or a Ratio; for Sum and Latest the
	// numerator is the value and the denominator 0.
	Numerator   float64 `json:"numerator"`
	Denominator float64 `json:"denominator"`
	// Periods are the codes that contributed, oldest first. For a
	// cumulative or Latest indicator that is the latest period only.
	Periods      []string `json:"periods"`
	Observations int      `json:"observations"`
}

// Filter narrows a roll-up. The zero Filter takes everything.
type Filter struct {
	// Within keeps periods lying wholly inside it, when set.
	Within *Period
	// Cell keeps observations whose disaggregation has these categories
	// (other dimensions are summed over).
	Cell map[string]string
}

func (f Filter) keep(o Observation) bool {
	if f.Within != nil && !f.Within.Contains(o.Period) {
		return false
	}
	for k, v := range f.Cell {
		if o.Disaggregation[k] != v {
			return false
		}
	}
	return true
}

// Rollup combines observations of one indicator according to its
// aggregation, after checking that they can be combined without counting
// anything twice:
//
//   - within a period, cells combine by adding values (Sum, Latest), by
//     weighting each mean by its denominator (Average), or by adding
//     numerators and denominators separately (Ratio);
//   - across periods, a cumulative or Latest indicator takes the most
//     recent period; otherwise periods combine the same way as cells.
func Rollup(ind Indicator, dims []Dimension, obs []Observation, f Filter) (Aggregate, error) {
	if err := checkSeries(ind, dims, obs); err != nil {
		return Aggregate{}, err
	}
	var kept []Observation
	for _, o := range obs {
		if f.keep(o) {
			kept = append(kept, o)
		}
	}
	return rollup(ind, kept), nil
}

func rollup(ind Indicator, obs []Observation) Aggregate {
	agg := Aggregate{Indicator: ind.Code, Periods: []string{}}
	if len(obs) == 0 {
		return agg
	}
	if ind.Cumulative || ind.Aggregation == Latest {
		var latest Period
		for _, o := range obs {
			if latest.Code == "" || o.Period.End.After(latest.End) {
				latest = o.Period
			}
		}
		var inLatest []Observation
		for _, o := range obs {
			if o.Period.Code == latest.Code {
				inLatest = append(inLatest, o)
			}
		}
		obs = inLatest
	}
	seen := map[string]Period{}
	for _, o := range obs {
		agg.Observations++
		seen[o.Period.Code] = o.Period
		switch ind.Aggregation {
		case Average:
			agg.Numerator += float64(o.Value * *o.Denominator)
			agg.Denominator += *o.Denominator
		case Ratio:
			agg.Numerator += o.Value
			agg.Denominator += *o.Denominator
		default:
			agg.Numerator += o.Value
		}
	}
	periods := make([]Period, 0, len(seen))
	for _, p := range seen {
		periods = append(periods, p)
	}
	sort.Slice(periods, func(i, j int) bool { return periods[i].Start.Before(periods[j].Start) })
	for _, p := range periods {
		agg.Periods = append(agg.Periods, p.Code)
	}
	switch ind.Aggregation {
	case Average, Ratio:
		if agg.Denominator > 0 {
			agg.Value = agg.Numerator / agg.Denominator * ind.Scale()
			agg.Defined = true
		}
	default:
		agg.Value = agg.Numerator
		agg.Defined = true
	}
	if math.IsInf(agg.Value, 0) || math.IsNaN(agg.Value) {
		agg.Value, agg.Defined = 0, false
	}
	return agg
}

// Group is one row of a breakdown.
type Group struct {
	// Key is the category or period code; NotRecorded marks observations
	// that were not disaggregated by the dimension.
	Key       string    `json:"key"`
	Aggregate Aggregate `json:"aggregate"`
}

// NotRecorded is the breakdown key for observations without the dimension.
const NotRecorded = "(not recorded)"

// Breakdown rolls the indicator up separately for each category of one
// dimension, in the dimension's category order (then other values sorted,
// then NotRecorded). Groups shown to people without case access must go
// through ProtectCounts.
func Breakdown(ind Indicator, dims []Dimension, obs []Observation, dim string, f Filter) ([]Group, error) {
	if err := checkSeries(ind, dims, obs); err != nil {
		return nil, err
	}
	d, ok := findDim(dims, dim)
	if !ok {
		return nil, invalidf("disaggregation %q does not exist; configured: %s", dim, dimNames(dims))
	}
	byKey := map[string][]Observation{}
	for _, o := range obs {
		if !f.keep(o) {
			continue
		}
		k, ok := o.Disaggregation[dim]
		if !ok {
			k = NotRecorded
		}
		byKey[k] = append(byKey[k], o)
	}
	var keys []string
	for _, c := range d.Categories {
		if _, ok := byKey[c]; ok {
			keys = append(keys, c)
		}
	}
	var rest []string
	for k := range byKey {
		if !contains(d.Categories, k) && k != NotRecorded {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	keys = append(keys, rest...)
	if _, ok := byKey[NotRecorded]; ok {
		keys = append(keys, NotRecorded)
	}
	groups := make([]Group, 0, len(keys))
	for _, k := range keys {
		groups = append(groups, Group{Key: k, Aggregate: rollup(ind, byKey[k])})
	}
	return groups, nil
}

// ByPeriod rolls the indicator up for each period separately, oldest first.
func ByPeriod(ind Indicator, dims []Dimension, obs []Observation, f Filter) ([]Group, error) {
	if err := checkSeries(ind, dims, obs); err != nil {
		return nil, err
	}
	byCode := map[string][]Observation{}
	var periods []Period
	for _, o := range obs {
		if !f.keep(o) {
			continue
		}
		if _, ok := byCode[o.Period.Code]; !ok {
			periods = append(periods, o.Period)
		}
		byCode[o.Period.Code] = append(byCode[o.Period.Code], o)
	}
	sort.Slice(periods, func(i, j int) bool { return periods[i].Start.Before(periods[j].Start) })
	groups := make([]Group, 0, len(periods))
	for _, p := range periods {
		groups = append(groups, Group{Key: p.Code, Aggregate: rollup(ind, byCode[p.Code])})
	}
	return groups, nil
}

// Progress is how far an indicator has moved from its baseline towards its
// target.
type Progress struct {
	Indicator string  `json:"indicator"`
	Baseline  float64 `json:"baseline"`
	Target    float64 `json:"target"`
	// Current is the rolled-up value; Known is false when there is none.
	Current float64 `json:"current"`
	Known   bool    `json:"known"`
	// Fraction is (current - baseline) / (target - baseline): 0 at the
	// baseline, 1 at the target, above 1 beyond it, below 0 when the
	// indicator moved the wrong way. It works for both directions because
	// the target lies on the better side of the baseline.
	Fraction float64 `json:"fraction"`
	Achieved bool    `json:"achieved"`
}

// ProgressOf measures an aggregate against the indicator's baseline and
// target.
func ProgressOf(ind Indicator, agg Aggregate) Progress {
	p := Progress{Indicator: ind.Code, Baseline: ind.Baseline.Value, Target: ind.Target.Value}
	if !agg.Defined {
		return p
	}
	p.Current, p.Known = agg.Value, true
	if span := ind.Target.Value - ind.Baseline.Value; span != 0 {
		p.Fraction = (agg.Value - ind.Baseline.Value) / span
	}
	switch ind.Direction {
	case HigherIsBetter:
		p.Achieved = agg.Value >= ind.Target.Value
	case LowerIsBetter:
		p.Achieved = agg.Value <= ind.Target.Value
	}
	return p
}

// IndicatorStatus is one line of a progress report.
type IndicatorStatus struct {
	Indicator Indicator `json:"indicator"`
	Node      Node      `json:"node"`
	Aggregate Aggregate `json:"aggregate"`
	Progress  Progress  `json:"progress"`
}

// ProgressReport keeps outputs (what was delivered) apart from outcomes
// and impact (what changed), so activity counts are never read as change.
type ProgressReport struct {
	Programme string            `json:"programme"`
	Outputs   []IndicatorStatus `json:"outputs"`
	Outcomes  []IndicatorStatus `json:"outcomes"`
	Impact    []IndicatorStatus `json:"impact"`
}

// Report validates the model and rolls every indicator up over the
// filtered observations, in the model's indicator order.
func (m *LogicModel) Report(dims []Dimension, obs []Observation, f Filter) (*ProgressReport, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	byInd := map[string][]Observation{}
	codes := map[string]bool{}
	for _, ind := range m.Indicators {
		codes[ind.Code] = true
	}
	for i, o := range obs {
		if !codes[o.Indicator] {
			return nil, invalidf("observation %d: indicator %q is not in the logic model", i+1, o.Indicator)
		}
		byInd[o.Indicator] = append(byInd[o.Indicator], o)
	}
	r := &ProgressReport{Programme: m.Programme, Outputs: []IndicatorStatus{}, Outcomes: []IndicatorStatus{}, Impact: []IndicatorStatus{}}
	for _, ind := range m.Indicators {
		agg, err := Rollup(ind, dims, byInd[ind.Code], f)
		if err != nil {
			return nil, err
		}
		node, _ := m.Node(ind.Node)
		st := IndicatorStatus{Indicator: ind, Node: node, Aggregate: agg, Progress: ProgressOf(ind, agg)}
		switch node.Kind {
		case KindOutput:
			r.Outputs = append(r.Outputs, st)
		case KindOutcome:
			r.Outcomes = append(r.Outcomes, st)
		default:
			r.Impact = append(r.Impact, st)
		}
	}
	return r, nil
}
