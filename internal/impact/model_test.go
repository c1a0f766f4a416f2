package impact_test

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// survivorModel is a small survivor-employment programme.
func survivorModel() *impact.LogicModel {
	return &impact.LogicModel{
		Programme: "Survivor employment",
		Nodes: []impact.Node{
			{ID: "grant", Kind: impact.KindInput, Title: "Grant and job coaches"},
			{ID: "training", Kind: impact.KindActivity, Title: "Vocational training"},
			{ID: "trained", Kind: impact.KindOutput, Title: "Survivors complete training"},
			{ID: "placed", Kind: impact.KindOutcome, Title: "Survivors placed in decent work"},
			{ID: "retained", Kind: impact.KindOutcome, Title: "Survivors still in work after 12 months"},
			{ID: "no-retrafficking", Kind: impact.KindImpact, Title: "Fewer survivors re-trafficked"},
		},
		Links: []impact.Link{
			{From: "grant", To: "training"},
			{From: "training", To: "trained"},
			{From: "trained", To: "placed",
				Assumptions: []impact.Assumption{{Text: "employers in the area hire survivors", Risk: "medium"}},
				Evidence:    []impact.Evidence{{Summary: "placement rates of earlier cohorts", Strength: impact.EvidenceModerate}}},
			{From: "placed", To: "retained"},
			{From: "retained", To: "no-retrafficking"},
		},
		Indicators: []impact.Indicator{
			{Code: "trained", Name: "Survivors completing training", Unit: "people", Node: "trained",
				Direction: impact.HigherIsBetter, Aggregation: impact.Sum,
				Baseline: impact.Measure{Value: 0, Date: day("2026-01-01")}, Target: impact.Measure{Value: 100, Date: day("2026-12-31")}},
			{Code: "retained-share", Name: "Share still in work after 12 months", Unit: "%", Node: "retained",
				Direction: impact.HigherIsBetter, Aggregation: impact.Ratio, IRIS: "PI4060", SDG: "8.5.2",
				Baseline: impact.Measure{Value: 40, Date: day("2026-01-01")}, Target: impact.Measure{Value: 60, Date: day("2027-12-31")}},
		},
	}
}

func TestLogicModelValid(t *testing.T) {
	if err := survivorModel().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestLogicModelProblems(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *impact.LogicModel)
		want   string
	}{
		{"duplicate id", func(m *impact.LogicModel) {
			m.Nodes = append(m.Nodes, impact.Node{ID: "placed", Kind: impact.KindOutput, Title: "x"})
		}, `node "placed": id used twice`},
		{"unknown kind", func(m *impact.LogicModel) { m.Nodes[0].Kind = "resource" }, `node "grant": kind "resource" is not one of`},
		{"unknown node", func(m *impact.LogicModel) { m.Links[0].To = "nowhere" }, `links[0]: to "nowhere" is not a node of the model`},
		{"backwards", func(m *impact.LogicModel) {
			m.Links = append(m.Links, impact.Link{From: "placed", To: "training"})
		}, `link outcome "placed" → activity "training": goes backwards`},
		{"skip", func(m *impact.LogicModel) {
			m.Links = append(m.Links, impact.Link{From: "training", To: "retained"})
		}, `link activity "training" → outcome "retained": skips a step; add the output in between`},
		{"self", func(m *impact.LogicModel) {
			m.Links = append(m.Links, impact.Link{From: "placed", To: "placed"})
		}, `a node cannot cause itself`},
		{"cycle", func(m *impact.LogicModel) {
			m.Links = append(m.Links, impact.Link{From: "retained", To: "placed"})
		}, `cycle: "placed" → "retained" → "placed"`},
		{"unreachable", func(m *impact.LogicModel) {
			m.Nodes = append(m.Nodes, impact.Node{ID: "wellbeing", Kind: impact.KindOutcome, Title: "Wellbeing"})
		}, `outcome "wellbeing": not reached from any activity`},
		{"indicator on activity", func(m *impact.LogicModel) { m.Indicators[0].Node = "training" }, `indicator "trained": attached to activity "training"; indicators measure outputs, outcomes or impact`},
		{"bad iris", func(m *impact.LogicModel) { m.Indicators[1].IRIS = "PI406" }, `iris "PI406" is not an IRIS+ metric id`},
		{"bad sdg", func(m *impact.LogicModel) { m.Indicators[1].SDG = "18.1.1" }, `sdg "18.1.1" is not an SDG indicator code`},
		{"direction", func(m *impact.LogicModel) { m.Indicators[1].Direction = impact.LowerIsBetter }, `direction is lower but target 60 is not below baseline 40`},
		{"aggregation", func(m *impact.LogicModel) { m.Indicators[0].Aggregation = "median" }, `aggregation "median" is not sum, average, ratio or latest`},
		{"dates", func(m *impact.LogicModel) { m.Indicators[0].Target.Date = day("2025-01-01") }, `target.date 2025-01-01 is not after baseline.date 2026-01-01`},
		{"duplicate code", func(m *impact.LogicModel) { m.Indicators[1].Code = "trained" }, `indicator "trained": code used twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := survivorModel()
			tt.change(m)
			err := m.Validate()
			if err == nil || !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\n want %q", err, tt.want)
			}
		})
	}
}

func TestIndicatorCodes(t *testing.T) {
	for _, s := range []string{"PI4060", "OI1234", "FP0001"} {
		if !impact.ValidIRIS(s) {
			t.Errorf("IRIS %s refused", s)
		}
	}
	for _, s := range []string{"pi4060", "P4060", "PI40601", "PI-4060", ""} {
		if impact.ValidIRIS(s) {
			t.Errorf("IRIS %q accepted", s)
		}
	}
	for _, s := range []string{"8.7.1", "16.2.2", "8.a.1", "17.19.2", "1.1.1"} {
		if !impact.ValidSDG(s) {
			t.Errorf("SDG %s refused", s)
		}
	}
	for _, s := range []string{"18.1.1", "0.1.1", "8.7", "8.7.1.1", "8.0.1", "8.7.0", "08.7.1", "8.z.1"} {
		if impact.ValidSDG(s) {
			t.Errorf("SDG %q accepted", s)
		}
	}
}
