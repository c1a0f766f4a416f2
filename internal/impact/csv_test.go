package impact_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func csvConfig() impact.ImportConfig {
	m := survivorModel()
	return impact.ImportConfig{Dimensions: impact.DefaultDimensions(), Indicators: m.Indicators}
}

func TestReadObservations(t *testing.T) {
	in := "\xef\xbb\xbfIndicator,Period,Value,Denominator,Sex,Place\n" +
		"trained,2026Q1,30,,female,Tamale\n" +
		"trained,2026Q1,20,,male,Tamale\n" +
		"\n" +
		"retained-share, 2026 ,12,24,,\n"
	got, err := impact.ReadObservations(strings.NewReader(in), "obs.csv", csvConfig())
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Ind, Period string
		Value       float64
		Den         float64
		Cell        map[string]string
	}
	var rows []row
	for _, o := range got {
		r := row{Ind: o.Indicator, Period: o.Period.Code, Value: o.Value, Cell: o.Disaggregation}
		if o.Denominator != nil {
			r.Den = *o.Denominator
		}
		rows = append(rows, r)
	}
	want := []row{
		{"trained", "2026Q1", 30, 0, map[string]string{"sex": "female", "place": "Tamale"}},
		{"trained", "2026Q1", 20, 0, map[string]string{"sex": "male", "place": "Tamale"}},
		{"retained-share", "2026", 12, 24, nil},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestReadObservationsErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{"obs.csv:1:1: empty file"}},
		{"missing column", "indicator,period\n", []string{"obs.csv:1:1: value: required column missing"}},
		{"unknown disaggregation", "indicator,period,value,ethnicity\n", []string{"obs.csv:1:24: ethnicity: not a known column or configured disaggregation"}},
		{"duplicate column", "indicator,period,value,Value\n", []string{"obs.csv:1:24: value: column given twice"}},
		{"bad rows", "indicator,period,value,sex\n" +
			"trained,2026Q5,3,female\n" +
			"trained,2026Q1,three,female\n" +
			"ghost,2026Q1,3,female\n" +
			"trained,2026Q1,3,woman\n" +
			"trained,2026Q2,25%,\n" +
			"trained,2026Q2\n", []string{
			"obs.csv: 6 problems",
			`obs.csv:2:9: period: period "2026Q5": quarter must be 1 to 4`,
			`obs.csv:3:16: value: "three" is not a number`,
			`obs.csv:4:1: indicator: "ghost" is not an indicator of this programme`,
			`obs.csv:5:18: sex: disaggregation "sex": category "woman" does not exist; use one of female, male, other, unknown`,
			`obs.csv:6:16: value: "25%" is not a number; give percentages as a numerator value and a denominator`,
			`obs.csv:7:9: 2 fields, but the header has 4`,
		}},
		{"double counting", "indicator,period,value,sex\n" +
			"trained,2026Q1,10,female\n" +
			"trained,2026Q1,10,female\n" +
			"trained,2026Q1,25,\n" +
			"trained,202603,5,female\n", []string{
			`obs.csv:3:1: indicator "trained", period 2026Q1: cell {sex=female} given twice (line 2)`,
			`obs.csv:4:1: indicator "trained", period 2026Q1: observations disaggregated by {sex} (line 2) and by {} would count people twice`,
			`obs.csv:5:1: indicator "trained": periods 2026Q1 (line 2) and 202603 overlap`,
		}},
		{"ratio without denominator", "indicator,period,value\nretained-share,2026,4\n", []string{
			`obs.csv:2:1: denominator: missing; "retained-share" is a ratio`,
		}},
		{"bare quote", "indicator,period,value\ntrained,2026\"Q1,3\n", []string{`obs.csv:2:13: malformed CSV: bare " in non-quoted-field`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := impact.ReadObservations(strings.NewReader(tt.in), "obs.csv", csvConfig())
			if err == nil {
				t.Fatal("accepted")
			}
			var ie *impact.ImportError
			if !errors.As(err, &ie) || !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("error %T %v", err, err)
			}
			if kernel.ErrorMessage(err) != err.Error() {
				t.Errorf("user message differs from error: %q", kernel.ErrorMessage(err))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%s\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestReadObservationsCapsErrors(t *testing.T) {
	in := "indicator,period,value\n" + strings.Repeat("trained,2026Q9,1\n", impact.MaxImportErrors+7)
	_, err := impact.ReadObservations(strings.NewReader(in), "obs.csv", csvConfig())
	var ie *impact.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != impact.MaxImportErrors || ie.More != 7 || !strings.Contains(err.Error(), "and 7 more") {
		t.Fatalf("%v", err)
	}
}

func FuzzReadObservations(f *testing.F) {
	f.Add("indicator,period,value,denominator,sex,place\ntrained,2026Q1,30,,female,Tamale\nretained-share,2026,12,24,,\n")
	f.Add("indicator,period,value\ntrained,2026W53,1e3\ntrained,2026W52,-0\n")
	f.Add("Indicator,PERIOD,value,age_group\n\"trained\",\"2026-03\",\"1\",\"0-14\"\n")
	f.Add("indicator,period,value,sex\ntrained,2026Q1,10,female\ntrained,2026Q1,25,\n")
	cfg := csvConfig()
	f.Fuzz(func(t *testing.T, in string) {
		got, err := impact.ReadObservations(strings.NewReader(in), "fuzz.csv", cfg)
		if err != nil {
			var ie *impact.ImportError
			if !errors.As(err, &ie) || !kernel.IsCode(err, kernel.Invalid) || len(ie.Rows) == 0 {
				t.Fatalf("error %T %v", err, err)
			}
			for _, r := range ie.Rows {
				if r.Line < 1 || r.Column < 1 {
					t.Fatalf("bad position %+v", r)
				}
			}
			return
		}
		// What was accepted must roll up.
		for _, ind := range cfg.Indicators {
			var mine []impact.Observation
			for _, o := range got {
				if o.Indicator == ind.Code {
					mine = append(mine, o)
				}
			}
			if _, err := impact.Rollup(ind, cfg.Dimensions, mine, impact.Filter{}); err != nil {
				t.Fatalf("accepted rows do not roll up: %v", err)
			}
		}
	})
}
