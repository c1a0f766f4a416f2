package impact

import (
	"context"
	"fmt"
	"time"
)

// Demo data. Everything below is synthetic: made up to show how a
// survivor-employment programme is modelled, tracked and valued, so that a
// fresh installation started with --demo has something real to look at.
// Every name carries the DemoLabel so that no one mistakes it for evidence.

// DemoLabel prefixes the names of demo programmes and analyses.
const DemoLabel = "Demo data"

// DemoProgrammeName is the demo programme's name.
const DemoProgrammeName = DemoLabel + ": Survivor employment programme (synthetic)"

// Demo indicator codes.
const (
	DemoTrained     = "DEMO-TRAINED"
	DemoPlaced      = "DEMO-PLACED"
	DemoEmployed    = "DEMO-EMPLOYED-6M"
	DemoWage        = "DEMO-WAGE"
	DemoRetraffick  = "DEMO-RETRAFFICKED"
	demoYear        = 2026
	demoQuarters    = 4
	demoBaselineDay = "2026-01-01"
	demoTargetDay   = "2026-12-31"
)

func demoDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// DemoModel is the demo programme's theory of change: survivors of
// trafficking are trained and placed with vetted employers, supported while
// they settle, and the programme follows whether they stay in decent work
// and out of exploitation.
func DemoModel() LogicModel {
	base, target := demoDate(demoBaselineDay), demoDate(demoTargetDay)
	return LogicModel{
		Programme: DemoProgrammeName,
		Nodes: []Node{
			{ID: "grant", Kind: KindInput, Title: "Funder grant", Description: "Two-year grant covering trainers, stipends and case workers"},
			{ID: "employers", Kind: KindInput, Title: "Partner employers", Description: "Vetted employers offering placements and mentors' time"},
			{ID: "training", Kind: KindActivity, Title: "Vocational training", Description: "Twelve-week courses in hospitality, garment finishing and logistics"},
			{ID: "placement", Kind: KindActivity, Title: "Job placement and mentoring"},
			{ID: "support", Kind: KindActivity, Title: "Psychosocial support"},
			{ID: "trained", Kind: KindOutput, Title: "Survivors complete training"},
			{ID: "placed", Kind: KindOutput, Title: "Survivors placed in jobs"},
			{ID: "sessions", Kind: KindOutput, Title: "Counselling sessions held"},
			{ID: "employed", Kind: KindOutcome, Title: "In decent work six months on"},
			{ID: "income", Kind: KindOutcome, Title: "Stable, higher income"},
			{ID: "safe", Kind: KindImpact, Title: "Fewer survivors re-trafficked"},
		},
		Links: []Link{
			{From: "grant", To: "training"},
			{From: "grant", To: "support"},
			{From: "employers", To: "placement"},
			{From: "training", To: "trained"},
			{From: "placement", To: "placed"},
			{From: "support", To: "sessions"},
			{From: "trained", To: "employed",
				Assumptions: []Assumption{{Text: "Courses match the jobs employers have open", Risk: "medium"}},
				Evidence:    []Evidence{{Summary: "Earlier cohorts' follow-up (synthetic)", Source: DemoLabel, Strength: EvidenceModerate}}},
			{From: "placed", To: "employed",
				Assumptions: []Assumption{{Text: "Employers keep to decent-work terms", Risk: "high"}}},
			{From: "sessions", To: "employed",
				Evidence: []Evidence{{Summary: "Trauma-informed support improves job retention (illustrative)", Source: DemoLabel, Strength: EvidenceWeak}}},
			{From: "employed", To: "income"},
			{From: "income", To: "safe",
				Assumptions: []Assumption{{Text: "Debt bondage is not re-imposed through recruiters", Risk: "medium"}}},
		},
		Indicators: []Indicator{
			{Code: DemoTrained, Name: "Survivors completing vocational training", Unit: "people", Node: "trained",
				Direction: HigherIsBetter, Baseline: Measure{0, base}, Target: Measure{120, target}, Aggregation: Sum},
			{Code: DemoPlaced, Name: "Survivors placed in jobs", Unit: "people", Node: "placed",
				Direction: HigherIsBetter, Baseline: Measure{0, base}, Target: Measure{80, target}, Aggregation: Sum},
			{Code: DemoEmployed, Name: "Placed survivors in decent work after six months", Unit: "%", Node: "employed",
				Direction: HigherIsBetter, Baseline: Measure{35, base}, Target: Measure{60, target}, Aggregation: Ratio, SDG: "8.5.2"},
			{Code: DemoWage, Name: "Average monthly wage of employed survivors", Unit: "USD", Node: "income",
				Direction: HigherIsBetter, Baseline: Measure{120, base}, Target: Measure{180, target}, Aggregation: Average, SDG: "8.5.1"},
			{Code: DemoRetraffick, Name: "Survivors re-trafficked within the year", Unit: "%", Node: "safe",
				Direction: LowerIsBetter, Baseline: Measure{18, base}, Target: Measure{8, target}, Aggregation: Ratio, SDG: "16.2.2"},
		},
	}
}

// demoCell is one disaggregation cell of the demo data with its share of
// each quarter's people. The male 18-24 group is small on purpose: its
// figures are suppressed for people without case access.
type demoCell struct {
	sex, age string
	people   [demoQuarters]float64
}

var demoCells = []demoCell{
	{"female", "18-24", [demoQuarters]float64{9, 11, 12, 14}},
	{"female", "25-49", [demoQuarters]float64{8, 9, 10, 10}},
	{"male", "18-24", [demoQuarters]float64{2, 3, 2, 4}},
	{"male", "25-49", [demoQuarters]float64{5, 6, 6, 7}},
}

// DemoObservations are a year of quarterly observations of every demo
// indicator, disaggregated by sex and age group.
func DemoObservations() []Observation {
	var out []Observation
	for q := 0; q < demoQuarters; q++ {
		period := MustPeriod(fmt.Sprintf("%dQ%d", demoYear, q+1))
		for i, c := range demoCells {
			cell := map[string]string{DimSex: c.sex, DimAgeGroup: c.age}
			n := c.people[q]
			placed := float64(int(n*0.7 + 0.5))
			// Retention and wages improve over the year as mentoring beds
			// in; older and female survivors fare slightly better here.
			stayed := float64(int(placed*(0.42+0.05*float64(q)+0.03*float64(i%2)) + 0.5))
			wage := 128 + 11*float64(q) + 6*float64(i%2)
			again := 0.0
			if q < 3 && i != 1 {
				again = 1
			}
			add := func(o Observation) { out = append(out, o) }
			add(Observation{Indicator: DemoTrained, Period: period, Disaggregation: cell, Value: n})
			add(Observation{Indicator: DemoPlaced, Period: period, Disaggregation: cell, Value: placed})
			add(Observation{Indicator: DemoEmployed, Period: period, Disaggregation: cell, Value: stayed}.WithDenominator(placed))
			if stayed > 0 {
				add(Observation{Indicator: DemoWage, Period: period, Disaggregation: cell, Value: wage}.WithDenominator(stayed))
			}
			add(Observation{Indicator: DemoRetraffick, Period: period, Disaggregation: cell, Value: again}.WithDenominator(n))
		}
	}
	return out
}

// DemoMap is the demo programme's impact map for an SROI analysis. The
// proxies are illustrative, not sourced valuations.
func DemoMap() *Map {
	return &Map{
		Currency:     "USD",
		DiscountRate: 0.035,
		Inputs: []Input{
			{Stakeholder: "Funder", Description: "Programme grant for one year (" + DemoLabel + ")", Value: 180000},
			{Stakeholder: "Partner employers", Description: "Mentors' time, valued at wage cost", Value: 25000},
		},
		Outcomes: []Outcome{
			{Stakeholder: "Survivors", Outcome: "Stable decent work", Indicator: DemoEmployed, Quantity: 52,
				Proxy:      Proxy{Value: 2400, Description: "Annual wage gain over informal work", Source: DemoLabel + " (illustrative)"},
				Deadweight: 0.20, Displacement: 0.05, Attribution: 0.25, DropOff: 0.30, DurationYears: 3, Start: StartDuring},
			{Stakeholder: "Survivors", Outcome: "Not re-trafficked", Indicator: DemoRetraffick, Quantity: 9,
				Proxy:      Proxy{Value: 15000, Description: "Cost of exploitation and of renewed support services avoided", Source: DemoLabel + " (illustrative)"},
				Deadweight: 0.30, Displacement: 0, Attribution: 0.40, DropOff: 0.20, DurationYears: 2, Start: StartAfter},
			{Stakeholder: "Survivors", Outcome: "Improved wellbeing", Quantity: 60,
				Proxy:      Proxy{Value: 1500, Description: "Value of improved mental health (wellbeing valuation)", Source: DemoLabel + " (illustrative)"},
				Deadweight: 0.25, Displacement: 0, Attribution: 0.35, DropOff: 0.50, DurationYears: 2, Start: StartDuring},
			{Stakeholder: "Local authority", Outcome: "Fewer emergency shelter nights", Quantity: 40,
				Proxy:      Proxy{Value: 900, Description: "Shelter cost per person per year", Source: DemoLabel + " (illustrative)"},
				Deadweight: 0.30, Displacement: 0.10, Attribution: 0.30, DropOff: 0.40, DurationYears: 2, Start: StartDuring},
		},
	}
}

// SeedDemo creates the demo programme in the organisation with its
// observations and one SROI analysis, and returns the programme. Call it
// once for a fresh organisation: a second call creates a second programme.
func SeedDemo(ctx context.Context, svc *Service, org string) (*Programme, error) {
	p, err := svc.CreateProgramme(ctx, org, DemoModel(), DefaultDimensions())
	if err != nil {
		return nil, fmt.Errorf("demo programme: %w", err)
	}
	if err := svc.RecordObservations(ctx, org, p.ID, DemoObservations()); err != nil {
		return nil, fmt.Errorf("demo observations: %w", err)
	}
	if _, err := svc.AnalyseSROI(ctx, org, p.ID, DemoMap()); err != nil {
		return nil, fmt.Errorf("demo SROI analysis: %w", err)
	}
	return p, nil
}
