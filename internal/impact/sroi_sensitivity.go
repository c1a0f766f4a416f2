package impact

import "math"

// Sensitivity is how the ratio responds to one parameter: the ratio with the
// parameter moved down and up by Step, and the switching value that brings
// the ratio to exactly 1:1.
type Sensitivity struct {
	Parameter string `json:"parameter"`
	// StepKind is "change" (Step is added to or taken from every outcome's
	// rate, or from the discount rate, and the result kept in range) or
	// "factor" (every value is multiplied by 1 - Step and 1 + Step).
	StepKind  string  `json:"step_kind"`
	Step      float64 `json:"step"`
	RatioDown float64 `json:"ratio_down"`
	RatioUp   float64 `json:"ratio_up"`
	// SwitchingValue is nil when no value in range brings the ratio to 1:1;
	// SwitchingReason then says so. Its meaning depends on SwitchingKind:
	// "change" (added to every outcome's rate), "factor" (multiplier of
	// every value) or "value" (the parameter's own value).
	SwitchingValue  *float64 `json:"switching_value"`
	SwitchingKind   string   `json:"switching_kind"`
	SwitchingReason string   `json:"switching_reason,omitempty"`
}

// Sensitivity parameters, in the order they are reported.
const (
	ParamDeadweight   = "deadweight"
	ParamAttribution  = "attribution"
	ParamDisplacement = "displacement"
	ParamDropOff      = "drop_off"
	ParamProxyValues  = "proxy_values"
	ParamQuantities   = "quantities"
	ParamDiscountRate = "discount_rate"
	ParamInputValue   = "input_value"
)

// Documented steps: rates move by ten percentage points, the discount rate
// by one, and values by a fifth.
const (
	RateStep     = 0.10
	DiscountStep = 0.01
	ValueStep    = 0.20
)

// NotReached is the reason given when no switching value exists in range.
const NotReached = "not reached in range"

const (
	kindChange = "change"
	kindFactor = "factor"
	kindValue  = "value"
)

type param struct {
	name  string
	kind  string // step kind
	step  float64
	apply func(m *Map, x float64) *Map
	// lo and hi bound the search for a switching value of a rate or the
	// discount rate; the ratio falls as x rises.
	lo, hi float64
}

func rateParam(name string, get func(*Outcome) *float64) param {
	return param{name: name, kind: kindChange, step: RateStep, lo: -1, hi: 1,
		apply: func(m *Map, x float64) *Map {
			c := copyMap(m)
			for i := range c.Outcomes {
				p := get(&c.Outcomes[i])
				*p = clamp01(*p + x)
			}
			return c
		}}
}

func params() []param {
	return []param{
		rateParam(ParamDeadweight, func(o *Outcome) *float64 { return &o.Deadweight }),
		rateParam(ParamAttribution, func(o *Outcome) *float64 { return &o.Attribution }),
		rateParam(ParamDisplacement, func(o *Outcome) *float64 { return &o.Displacement }),
		rateParam(ParamDropOff, func(o *Outcome) *float64 { return &o.DropOff }),
		{name: ParamProxyValues, kind: kindFactor, step: ValueStep, apply: func(m *Map, f float64) *Map {
			c := copyMap(m)
			for i := range c.Outcomes {
				c.Outcomes[i].Proxy.Value *= f
			}
			return c
		}},
		{name: ParamQuantities, kind: kindFactor, step: ValueStep, apply: func(m *Map, f float64) *Map {
			c := copyMap(m)
			for i := range c.Outcomes {
				c.Outcomes[i].Quantity *= f
			}
			return c
		}},
		{name: ParamDiscountRate, kind: kindChange, step: DiscountStep, lo: 0, hi: 1, apply: func(m *Map, r float64) *Map {
			c := copyMap(m)
			c.DiscountRate = r
			return c
		}},
		{name: ParamInputValue, kind: kindFactor, step: ValueStep, apply: func(m *Map, f float64) *Map {
			c := copyMap(m)
			for i := range c.Inputs {
				c.Inputs[i].Value *= f
			}
			return c
		}},
	}
}

func sensitivity(m *Map, ratio float64) []Sensitivity {
	var out []Sensitivity
	for _, p := range params() {
		s := Sensitivity{Parameter: p.name, StepKind: p.kind, Step: p.step}
		switch {
		case p.kind == kindFactor:
			s.RatioDown = ratioOf(p.apply(m, 1-p.step))
			s.RatioUp = ratioOf(p.apply(m, 1+p.step))
			s.SwitchingKind = kindFactor
			// The ratio is proportional to quantities and proxies and
			// inversely proportional to inputs, so the factor is exact.
			if ratio > 0 {
				f := 1 / ratio
				if p.name == ParamInputValue {
					f = ratio
				}
				s.SwitchingValue = &f
			}
		case p.name == ParamDiscountRate:
			s.RatioDown = ratioOf(p.apply(m, math.Max(0, m.DiscountRate-p.step)))
			s.RatioUp = ratioOf(p.apply(m, math.Min(p.hi, m.DiscountRate+p.step)))
			s.SwitchingKind = kindValue
			s.SwitchingValue = switching(m, p)
		default:
			s.RatioDown = ratioOf(p.apply(m, -p.step))
			s.RatioUp = ratioOf(p.apply(m, p.step))
			s.SwitchingKind = kindChange
			s.SwitchingValue = switching(m, p)
		}
		if s.SwitchingValue == nil {
			s.SwitchingReason = NotReached
		}
		out = append(out, s)
	}
	return out
}

// switching finds x in [p.lo, p.hi] where the ratio is 1, by bisection to
// the precision of float64 around 1. The ratio does not rise as x rises, so a
// root exists only when ratio(lo) >= 1 >= ratio(hi).
func switching(m *Map, p param) *float64 {
	lo, hi := p.lo, p.hi
	rlo, rhi := ratioOf(p.apply(m, lo)), ratioOf(p.apply(m, hi))
	if rlo < 1 || rhi > 1 {
		return nil
	}
	if rlo == 1 {
		return &lo
	}
	if rhi == 1 {
		return &hi
	}
	// Rates live in 0..1, so an absolute width near one unit in the last
	// place of 1 is as precise as the answer can be.
	for hi-lo > 0x1p-52 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if ratioOf(p.apply(m, mid)) >= 1 {
			lo = mid
		} else {
			hi = mid
		}
	}
	// Of the two neighbours that bracket the root, report the one whose
	// ratio is closer to 1.
	x := lo
	if math.Abs(ratioOf(p.apply(m, hi))-1) < math.Abs(ratioOf(p.apply(m, lo))-1) {
		x = hi
	}
	return &x
}

func ratioOf(m *Map) float64 { return evaluate(m, false).Ratio }

func copyMap(m *Map) *Map {
	c := *m
	c.Inputs = append([]Input(nil), m.Inputs...)
	c.Outcomes = append([]Outcome(nil), m.Outcomes...)
	return &c
}

func clamp01(x float64) float64 {
	return math.Min(1, math.Max(0, x))
}
