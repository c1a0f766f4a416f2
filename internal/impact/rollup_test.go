package impact_test

import (
	"math"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
	"pgregory.net/rapid"
)

func obs(t *testing.T, ind, period string, value float64, cell ...string) impact.Observation {
	t.Helper()
	m := map[string]string{}
	for i := 0; i+1 < len(cell); i += 2 {
		m[cell[i]] = cell[i+1]
	}
	if len(m) == 0 {
		m = nil
	}
	o, err := impact.NewObservation(ind, period, value, m)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func indicator(code string, agg impact.Aggregation, cumulative bool, unit string) impact.Indicator {
	return impact.Indicator{Code: code, Name: code, Unit: unit, Node: "n", Direction: impact.HigherIsBetter,
		Aggregation: agg, Cumulative: cumulative,
		Baseline: impact.Measure{Value: 0, Date: day("2026-01-01")}, Target: impact.Measure{Value: 100, Date: day("2026-12-31")}}
}

func TestRollup(t *testing.T) {
	dims := impact.DefaultDimensions()
	sum := indicator("trained", impact.Sum, false, "people")
	avg := indicator("wage", impact.Average, false, "GBP a month")
	pct := indicator("retained", impact.Ratio, false, "%")
	cum := indicator("enrolled-to-date", impact.Sum, true, "people")
	stock := indicator("hectares", impact.Latest, false, "hectares")
	s1 := impact.MustPeriod("2026S1")
	tests := []struct {
		name    string
		ind     impact.Indicator
		obs     []impact.Observation
		filter  impact.Filter
		want    float64
		defined bool
		periods string
	}{
		{"sum over periods and cells", sum, []impact.Observation{
			obs(t, "trained", "2026Q1", 10, "sex", "female"), obs(t, "trained", "2026Q1", 5, "sex", "male"),
			obs(t, "trained", "2026Q2", 7, "sex", "female"), obs(t, "trained", "2026Q2", 3, "sex", "male"),
			obs(t, "trained", "2026Q3", 4),
		}, impact.Filter{}, 10 + 5 + 7 + 3 + 4, true, "2026Q1 2026Q2 2026Q3"},
		{"sum for one cell", sum, []impact.Observation{
			obs(t, "trained", "2026Q1", 10, "sex", "female"), obs(t, "trained", "2026Q1", 5, "sex", "male"),
			obs(t, "trained", "2026Q2", 7, "sex", "female"), obs(t, "trained", "2026Q2", 3, "sex", "male"),
		}, impact.Filter{Cell: map[string]string{"sex": "female"}}, 17, true, "2026Q1 2026Q2"},
		{"sum within a half year", sum, []impact.Observation{
			obs(t, "trained", "2026Q1", 10), obs(t, "trained", "2026Q2", 7), obs(t, "trained", "2026Q3", 4),
		}, impact.Filter{Within: &s1}, 17, true, "2026Q1 2026Q2"},
		// Group A: mean 100 over 10 workers; group B: mean 200 over 30.
		// Weighted: (100 x 10 + 200 x 30) / (10 + 30) = 7000 / 40 = 175.
		// The naive mean of means, (100 + 200) / 2 = 150, is wrong.
		{"average weighted by denominators", avg, []impact.Observation{
			obs(t, "wage", "2026Q1", 100, "place", "A").WithDenominator(10),
			obs(t, "wage", "2026Q1", 200, "place", "B").WithDenominator(30),
		}, impact.Filter{}, 175, true, "2026Q1"},
		// Across periods too: Q1 mean 100 over 10, Q2 mean 130 over 20:
		// (1000 + 2600) / 30 = 120.
		{"average across periods", avg, []impact.Observation{
			obs(t, "wage", "2026Q1", 100).WithDenominator(10),
			obs(t, "wage", "2026Q2", 130).WithDenominator(20),
		}, impact.Filter{}, 120, true, "2026Q1 2026Q2"},
		// Site A: 9 of 10 retained (90%); site B: 10 of 100 (10%).
		// Pooled: (9 + 10) / (10 + 100) = 19 / 110 = 17.2727...%; the mean
		// of the percentages (50%) and their sum (100%) are both wrong.
		{"percentage is pooled numerator over denominator", pct, []impact.Observation{
			obs(t, "retained", "2026", 9, "place", "A").WithDenominator(10),
			obs(t, "retained", "2026", 10, "place", "B").WithDenominator(100),
		}, impact.Filter{}, 19.0 / 110 * 100, true, "2026"},
		{"percentage with no one followed up", pct, []impact.Observation{
			obs(t, "retained", "2026", 0).WithDenominator(0),
		}, impact.Filter{}, 0, false, "2026"},
		// Running totals 10, 25, 40: the figure is 40, not 10 + 25 + 40 = 75.
		{"cumulative takes the latest period", cum, []impact.Observation{
			obs(t, "enrolled-to-date", "2026Q2", 25), obs(t, "enrolled-to-date", "2026Q1", 10), obs(t, "enrolled-to-date", "2026Q3", 40),
		}, impact.Filter{}, 40, true, "2026Q3"},
		// In the latest period the cells still add up: 15 + 12 = 27.
		{"cumulative sums cells of the latest period", cum, []impact.Observation{
			obs(t, "enrolled-to-date", "2026Q1", 10),
			obs(t, "enrolled-to-date", "2026Q2", 15, "sex", "female"), obs(t, "enrolled-to-date", "2026Q2", 12, "sex", "male"),
		}, impact.Filter{}, 27, true, "2026Q2"},
		{"latest stock", stock, []impact.Observation{
			obs(t, "hectares", "202601", 50), obs(t, "hectares", "202602", 45),
		}, impact.Filter{}, 45, true, "202602"},
		{"nothing observed", sum, nil, impact.Filter{}, 0, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			agg, err := impact.Rollup(tt.ind, dims, tt.obs, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "value", agg.Value, tt.want)
			if agg.Defined != tt.defined {
				t.Errorf("defined = %v", agg.Defined)
			}
			if got := strings.Join(agg.Periods, " "); got != tt.periods {
				t.Errorf("periods = %q, want %q", got, tt.periods)
			}
		})
	}
}

func TestRollupRefusesDoubleCounting(t *testing.T) {
	dims := impact.DefaultDimensions()
	sum := indicator("trained", impact.Sum, false, "people")
	avg := indicator("wage", impact.Average, false, "GBP")
	tests := []struct {
		name string
		ind  impact.Indicator
		obs  []impact.Observation
		want string
	}{
		{"overlapping periods", sum, []impact.Observation{obs(t, "trained", "2026Q1", 10), obs(t, "trained", "202603", 4)},
			`periods 2026Q1 and 202603 overlap`},
		{"total beside breakdown", sum, []impact.Observation{obs(t, "trained", "2026Q1", 15), obs(t, "trained", "2026Q1", 10, "sex", "female")},
			`observations disaggregated by {} and by {sex} would count people twice`},
		{"cell twice", sum, []impact.Observation{obs(t, "trained", "2026Q1", 10, "sex", "female"), obs(t, "trained", "2026Q1", 3, "sex", "female")},
			`cell {sex=female} given twice`},
		{"unknown dimension", sum, []impact.Observation{obs(t, "trained", "2026Q1", 10, "ethnicity", "x")},
			`disaggregation "ethnicity" does not exist; configured: sex, age_group, place`},
		{"unknown category", sum, []impact.Observation{obs(t, "trained", "2026Q1", 10, "age_group", "18-30")},
			`disaggregation "age_group": category "18-30" does not exist`},
		{"average without weights", avg, []impact.Observation{obs(t, "wage", "2026Q1", 100)},
			`denominator: missing; "wage" is an average`},
		{"sum with denominator", sum, []impact.Observation{obs(t, "trained", "2026Q1", 10).WithDenominator(3)},
			`denominator: given, but "trained" is a sum indicator`},
		{"wrong indicator", sum, []impact.Observation{obs(t, "wage", "2026Q1", 10)}, `indicator: "wage" is not "trained"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := impact.Rollup(tt.ind, dims, tt.obs, impact.Filter{})
			if err == nil || !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\n want %q", err, tt.want)
			}
		})
	}
}

func TestBreakdownAndByPeriod(t *testing.T) {
	dims := impact.DefaultDimensions()
	pct := indicator("retained", impact.Ratio, false, "%")
	o := []impact.Observation{
		obs(t, "retained", "2026Q1", 3, "sex", "male").WithDenominator(4),
		obs(t, "retained", "2026Q1", 6, "sex", "female").WithDenominator(8),
		obs(t, "retained", "2026Q2", 2, "sex", "female").WithDenominator(2),
		obs(t, "retained", "2026Q3", 5).WithDenominator(10),
	}
	groups, err := impact.Breakdown(pct, dims, o, impact.DimSex, impact.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// female: (6 + 2) / (8 + 2) = 80%; male: 3 / 4 = 75%; Q3 had no
	// breakdown by sex: 5 / 10 = 50%.
	want := []struct {
		key string
		v   float64
	}{{"female", 80}, {"male", 75}, {impact.NotRecorded, 50}}
	if len(groups) != len(want) {
		t.Fatalf("groups = %+v", groups)
	}
	for i, w := range want {
		if groups[i].Key != w.key {
			t.Errorf("group %d = %q, want %q", i, groups[i].Key, w.key)
		}
		near(t, w.key, groups[i].Aggregate.Value, w.v)
	}
	periods, err := impact.ByPeriod(pct, dims, o, impact.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// Q1: (3 + 6) / (4 + 8) = 75%; Q2: 100%; Q3: 50%.
	for i, w := range []float64{75, 100, 50} {
		near(t, periods[i].Key, periods[i].Aggregate.Value, w)
	}
	if _, err := impact.Breakdown(pct, dims, o, "religion", impact.Filter{}); err == nil || !strings.Contains(err.Error(), `"religion" does not exist`) {
		t.Errorf("unknown dimension: %v", err)
	}
}

func TestProgress(t *testing.T) {
	higher := indicator("trained", impact.Sum, false, "people") // baseline 0, target 100
	lower := higher
	lower.Direction = impact.LowerIsBetter
	lower.Baseline.Value, lower.Target.Value = 30, 10 // hours of unpaid overtime a week
	tests := []struct {
		name     string
		ind      impact.Indicator
		current  float64
		fraction float64
		achieved bool
	}{
		{"quarter of the way", higher, 25, 0.25, false},
		{"beyond target", higher, 120, 1.2, true},
		// Lower is better: (20 - 30) / (10 - 30) = -10 / -20 = 0.5.
		{"lower halfway", lower, 20, 0.5, false},
		{"lower reached", lower, 10, 1, true},
		// Moving the wrong way: (35 - 30) / (10 - 30) = -0.25.
		{"lower worse", lower, 35, -0.25, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := impact.ProgressOf(tt.ind, impact.Aggregate{Defined: true, Value: tt.current})
			near(t, "fraction", p.Fraction, tt.fraction)
			if p.Achieved != tt.achieved || !p.Known {
				t.Errorf("achieved %v known %v", p.Achieved, p.Known)
			}
		})
	}
	if p := impact.ProgressOf(higher, impact.Aggregate{}); p.Known {
		t.Error("progress known without data")
	}
}

func TestReportKeepsOutputsAndOutcomesApart(t *testing.T) {
	m := survivorModel()
	o := []impact.Observation{
		obs(t, "trained", "2026Q1", 30, "sex", "female"), obs(t, "trained", "2026Q1", 20, "sex", "male"),
		obs(t, "retained-share", "2026", 12).WithDenominator(24),
	}
	r, err := m.Report(impact.DefaultDimensions(), o, impact.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Outputs) != 1 || r.Outputs[0].Indicator.Code != "trained" || len(r.Outcomes) != 1 || r.Outcomes[0].Indicator.Code != "retained-share" {
		t.Fatalf("report = %+v", r)
	}
	near(t, "outputs", r.Outputs[0].Progress.Current, 50)
	near(t, "outputs fraction", r.Outputs[0].Progress.Fraction, 0.5)
	// 12 / 24 = 50%: (50 - 40) / (60 - 40) = 0.5 of the way.
	near(t, "outcome", r.Outcomes[0].Progress.Current, 50)
	near(t, "outcome fraction", r.Outcomes[0].Progress.Fraction, 0.5)
	if _, err := m.Report(impact.DefaultDimensions(), []impact.Observation{obs(t, "ghost", "2026", 1)}, impact.Filter{}); err == nil || !strings.Contains(err.Error(), `indicator "ghost" is not in the logic model`) {
		t.Errorf("unknown indicator: %v", err)
	}
}

// Breaking a roll-up down by a dimension and putting it back together gives
// the same figure: group values add up for sums, and numerators and
// denominators add up for ratios and averages.
func TestBreakdownRecombines(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		dims := impact.DefaultDimensions()
		agg := rapid.SampledFrom([]impact.Aggregation{impact.Sum, impact.Average, impact.Ratio}).Draw(t, "agg")
		ind := indicator("x", agg, false, "units")
		var obs []impact.Observation
		for _, q := range []string{"2026Q1", "2026Q2", "2026Q3"} {
			for _, sex := range []string{"female", "male", "other"} {
				if !rapid.Bool().Draw(t, "present") {
					continue
				}
				o, err := impact.NewObservation("x", q, float64(rapid.IntRange(0, 50).Draw(t, "v")), map[string]string{"sex": sex})
				if err != nil {
					t.Fatal(err)
				}
				if agg != impact.Sum {
					o = o.WithDenominator(float64(rapid.IntRange(1, 60).Draw(t, "d")))
				}
				obs = append(obs, o)
			}
		}
		total, err := impact.Rollup(ind, dims, obs, impact.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		groups, err := impact.Breakdown(ind, dims, obs, impact.DimSex, impact.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		num, den := 0.0, 0.0
		for _, g := range groups {
			num += g.Aggregate.Numerator
			den += g.Aggregate.Denominator
		}
		if math.Abs(num-total.Numerator) > 1e-9*math.Max(1, total.Numerator) || den != total.Denominator {
			t.Fatalf("groups %v/%v, total %v/%v", num, den, total.Numerator, total.Denominator)
		}
	})
}
