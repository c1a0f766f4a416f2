package impact

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
)

// Direction says which way an indicator should move.
type Direction string

const (
	HigherIsBetter Direction = "higher"
	LowerIsBetter  Direction = "lower"
)

// Aggregation says how observations combine, across disaggregation cells
// and across periods. Naive sums are right only for Sum.
type Aggregation string

const (
	// Sum adds values: counts of people trained, trees planted.
	Sum Aggregation = "sum"
	// Average is a mean weighted by each observation's denominator (the
	// number of units the value is the mean of): average wage of workers.
	Average Aggregation = "average"
	// Ratio is total numerator over total denominator: the share of
	// survivors in work is the people in work over the people followed up,
	// never the mean of per-group percentages.
	Ratio Aggregation = "ratio"
	// Latest is a stock: cells of one period add up, and across periods the
	// most recent period stands (hectares under restoration).
	Latest Aggregation = "latest"
)

// Measure is a value at a date, for baselines and targets.
type Measure struct {
	Value float64   `json:"value"`
	Date  time.Time `json:"date"`
}

// Indicator is a measurable sign that an output, outcome or impact is
// happening.
type Indicator struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Unit is what one unit of the value is ("people", "hectares", "%").
	// A Ratio indicator whose unit is "%" is reported times 100.
	Unit        string      `json:"unit"`
	Node        string      `json:"node"`
	Direction   Direction   `json:"direction"`
	Baseline    Measure     `json:"baseline"`
	Target      Measure     `json:"target"`
	Aggregation Aggregation `json:"aggregation"`
	// Cumulative is true when each observation already includes all
	// earlier periods (a running total); the latest period then stands.
	// False means each observation covers its own period only.
	Cumulative bool `json:"cumulative"`
	// IRIS is an optional IRIS+ metric id, like PI4060 or OI1234.
	IRIS string `json:"iris,omitempty"`
	// SDG is an optional UN SDG indicator code, like 8.7.1 or 16.2.2.
	SDG string `json:"sdg,omitempty"`
}

var (
	irisPattern = regexp.MustCompile(`^[A-Z]{2}[0-9]{4}$`)
	// Goals 1-17; targets are numbered, or lettered a-g for means of
	// implementation (8.a.1); indicators are numbered.
	sdgPattern = regexp.MustCompile(`^(1[0-7]|[1-9])\.([1-9][0-9]?|[a-g])\.[1-9][0-9]?$`)
)

// ValidIRIS reports whether s has the shape of an IRIS+ metric id: two
// capital letters and four digits.
func ValidIRIS(s string) bool { return irisPattern.MatchString(s) }

// ValidSDG reports whether s has the shape of an SDG indicator code:
// goal.target.indicator with goal 1 to 17.
func ValidSDG(s string) bool { return sdgPattern.MatchString(s) }

// Scale is the factor a rolled-up value is multiplied by for display and
// comparison with baseline and target.
func (ind Indicator) Scale() float64 {
	if ind.Aggregation == Ratio && strings.TrimSpace(ind.Unit) == "%" {
		return 100
	}
	return 1
}

// Validate checks the indicator on its own; LogicModel.Validate also checks
// the node it is attached to.
func (ind Indicator) Validate() error {
	if p := ind.problems(); len(p) > 0 {
		return invalidf("indicator %q: %s", ind.Code, strings.Join(p, "; "))
	}
	return nil
}

func (ind Indicator) problems() []string {
	var out []string
	fail := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(ind.Code) == "" {
		fail("code: missing")
	} else if strings.ContainsAny(ind.Code, " \t\r\n,;") {
		fail("code %q: no spaces, commas or semicolons", ind.Code)
	}
	if strings.TrimSpace(ind.Name) == "" {
		fail("name: missing")
	}
	if strings.TrimSpace(ind.Unit) == "" {
		fail("unit: missing (people, hectares, %%, ...)")
	}
	switch ind.Aggregation {
	case Sum, Average, Ratio, Latest:
	default:
		fail("aggregation %q is not sum, average, ratio or latest", ind.Aggregation)
	}
	if ind.IRIS != "" && !ValidIRIS(ind.IRIS) {
		fail("iris %q is not an IRIS+ metric id (two capital letters and four digits, like PI4060)", ind.IRIS)
	}
	if ind.SDG != "" && !ValidSDG(ind.SDG) {
		fail("sdg %q is not an SDG indicator code (goal.target.indicator, like 8.7.1)", ind.SDG)
	}
	for _, m := range []struct {
		name string
		v    Measure
	}{{"baseline", ind.Baseline}, {"target", ind.Target}} {
		if math.IsNaN(m.v.Value) || math.IsInf(m.v.Value, 0) {
			fail("%s.value is not a number", m.name)
		}
		if m.v.Date.IsZero() {
			fail("%s.date: missing", m.name)
		}
	}
	if !ind.Baseline.Date.IsZero() && !ind.Target.Date.IsZero() && !ind.Target.Date.After(ind.Baseline.Date) {
		fail("target.date %s is not after baseline.date %s", ind.Target.Date.Format(time.DateOnly), ind.Baseline.Date.Format(time.DateOnly))
	}
	switch ind.Direction {
	case HigherIsBetter:
		if ind.Target.Value <= ind.Baseline.Value {
			fail("direction is higher but target %v is not above baseline %v", ind.Target.Value, ind.Baseline.Value)
		}
	case LowerIsBetter:
		if ind.Target.Value >= ind.Baseline.Value {
			fail("direction is lower but target %v is not below baseline %v", ind.Target.Value, ind.Baseline.Value)
		}
	default:
		fail("direction %q is not higher or lower", ind.Direction)
	}
	return out
}
