package impact

import (
	"fmt"
	"math"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Result is an SROI analysis of one impact map. Every figure is kept at full
// float64 precision; rounding happens only where a figure is displayed
// (RatioDisplay, RatioRounded and the text report).
type Result struct {
	Currency     string  `json:"currency"`
	DiscountRate float64 `json:"discount_rate"`
	// Inputs is the total value of the inputs (year 0, not discounted).
	Inputs   float64         `json:"inputs"`
	Years    []YearValue     `json:"years"`
	Outcomes []OutcomeResult `json:"outcomes"`
	// PresentValue is the sum of Years[i].PresentValue, added in year order.
	PresentValue    float64 `json:"present_value"`
	NetPresentValue float64 `json:"net_present_value"`
	Ratio           float64 `json:"ratio"`
	RatioDisplay    string  `json:"ratio_display"`
	RatioRounded    string  `json:"ratio_rounded"`
	NetRatio        float64 `json:"net_ratio"`
	// FirstYearImpact is the impact in year 1 of the timeline, undiscounted:
	// the sum of the impacts of the outcomes that start during the activity.
	// An outcome starting after it adds nothing here, however large, because
	// payback asks how soon the first year's value repays the inputs.
	FirstYearImpact float64 `json:"first_year_impact"`
	// PaybackMonths is nil when there is no first-year impact to pay back.
	PaybackMonths *float64      `json:"payback_months"`
	Sensitivity   []Sensitivity `json:"sensitivity"`
}

// YearValue is the value created in one year, undiscounted and discounted.
type YearValue struct {
	Year         int     `json:"year"`
	Value        float64 `json:"value"`
	PresentValue float64 `json:"present_value"`
}

// OutcomeResult is one outcome's share of the result.
type OutcomeResult struct {
	Stakeholder string `json:"stakeholder"`
	Outcome     string `json:"outcome"`
	// Impact is quantity x proxy x (1 - deadweight) x (1 - displacement) x
	// (1 - attribution): the value in the outcome's first year.
	Impact       float64 `json:"impact"`
	FirstYear    int     `json:"first_year"`
	PresentValue float64 `json:"present_value"`
}

// Impact is the outcome's value in its first year: quantity x proxy, less
// what would have happened anyway (deadweight), what was only moved from
// elsewhere (displacement) and what others caused (attribution).
func (o Outcome) Impact() float64 {
	// The conversion stops the compiler fusing the last multiply into a
	// caller's addition, so every platform computes the same figures.
	return float64(o.Quantity * o.Proxy.Value * (1 - o.Deadweight) * (1 - o.Displacement) * (1 - o.Attribution))
}

// FirstYear is 2 for outcomes that start after the activity, 1 otherwise.
func (o Outcome) FirstYear() int {
	if o.Start == StartAfter {
		return 2
	}
	return 1
}

// Analyse computes the SROI of a map, refusing (as Invalid) one that breaks
// the rules DecodeMap enforces.
func Analyse(m *Map) (*Result, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	res := evaluate(m, true)
	if res.Inputs < minInputsTotal {
		return nil, kernel.Errorf(kernel.Invalid, "inputs: total value is %v: the ratio needs inputs worth at least %v", res.Inputs, minInputsTotal)
	}
	for _, v := range []float64{res.PresentValue, res.Inputs, res.FirstYearImpact, res.NetPresentValue} {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, kernel.Errorf(kernel.Invalid, "the map's values are too large to compute; check quantities, proxies and input values")
		}
	}
	res.Sensitivity = sensitivity(m, res.Ratio)
	return res, nil
}

// evaluate applies the conventions; full is false inside sensitivity loops,
// which need only the totals.
func evaluate(m *Map, full bool) *Result {
	res := &Result{Currency: m.Currency, DiscountRate: m.DiscountRate}
	for _, in := range m.Inputs {
		res.Inputs += in.Value
	}
	last := 0
	for _, o := range m.Outcomes {
		if end := o.FirstYear() + o.DurationYears - 1; end > last {
			last = end
		}
	}
	values := make([]float64, last+1)
	discount := make([]float64, last+1)
	discount[0] = 1
	for t := 1; t <= last; t++ {
		// (1 + r)^t built up year by year; math.Pow would give the same
		// figure to within rounding, but this keeps each year's factor
		// tied to the previous one.
		discount[t] = discount[t-1] * (1 + m.DiscountRate)
	}
	for _, o := range m.Outcomes {
		impact := o.Impact()
		first := o.FirstYear()
		pv := 0.0
		v := impact
		for k := 0; k < o.DurationYears; k++ {
			if k > 0 {
				v *= 1 - o.DropOff
			}
			values[first+k] += v
			pv += v / discount[first+k]
		}
		if full {
			res.Outcomes = append(res.Outcomes, OutcomeResult{
				Stakeholder: o.Stakeholder, Outcome: o.Outcome,
				Impact: impact, FirstYear: first, PresentValue: pv,
			})
		}
	}
	for t := 1; t <= last; t++ {
		pv := values[t] / discount[t]
		res.PresentValue += pv
		if full {
			res.Years = append(res.Years, YearValue{Year: t, Value: values[t], PresentValue: pv})
		}
	}
	if last >= 1 {
		res.FirstYearImpact = values[1]
	}
	res.NetPresentValue = res.PresentValue - res.Inputs
	if res.Inputs > 0 {
		res.Ratio = res.PresentValue / res.Inputs
		res.NetRatio = res.NetPresentValue / res.Inputs
	}
	res.RatioDisplay = FormatRatio(res.Ratio)
	res.RatioRounded = FormatRatioRounded(res.Ratio)
	if res.FirstYearImpact > 0 {
		months := res.Inputs / (res.FirstYearImpact / 12)
		res.PaybackMonths = &months
	}
	return res
}

// FormatRatio shows a ratio to two decimals, like "3.08:1".
func FormatRatio(r float64) string { return fmt.Sprintf("%.2f:1", r) }

// FormatRatioRounded shows a ratio rounded to a whole number, like "3:1".
func FormatRatioRounded(r float64) string { return fmt.Sprintf("%.0f:1", math.Round(r)) }
