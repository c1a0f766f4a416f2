package risk_test

import (
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// TestGoldenCocoaChain scores a small chain by hand and compares the whole
// explained register with testdata/cocoa_chain.golden.json.
//
// Parties (all handle cocoa):
//
//	0 cooperative in Côte d'Ivoire   (tier 3)
//	1 trader in Switzerland           (tier 2)
//	2 trader in the Netherlands       (tier 2; trades with 1 both ways)
//	3 grinder in the Netherlands      (tier 1, supplies the reporting brand)
//
// Links (buyer <- supplier, share): 1 <- 0 (0.6), 1 <- 2 (unknown, so it
// takes the 0.4 left over), 2 <- 1 (0.5), 3 <- 1 (unknown, its only link,
// so 1).
//
// Own scores:
//
//	cooperative: child 30, forced 40, forced child labour 15, GSI
//	  7.3/20 x 25 = 9.125, working children 0.256/0.5 x 10 = 5.12,
//	  "Significant Advancement" 0, EUDR standard 10:
//	  100 x (1 - 0.7 x 0.6 x 0.85 x 0.90875 x 0.9488 x 0.9) = 72.296807,
//	  capped at 70: reference data alone counts at most context_cap
//	Swiss trader: GSI 0.5/20 x 25 = 0.625, EUDR low 0: 0.625
//	Dutch trader and grinder: GSI 0.6/20 x 25 = 0.75, EUDR low 0: 0.75
//
// Exposure, decay 0.7, on the 0-1 scale. The two traders form a cycle, so
// their exposures solve two equations together:
//
//	E1 = 0.00625 + 0.99375 x 0.7 x (0.6 x 0.70 + 0.4 x E2)
//	E2 = 0.0075  + 0.9925  x 0.7 x 0.5 x E1
//
// Substituting E2 into E1: E1 = 0.300499 / 0.903343 = 0.332652,
// E2 = 0.123056. The grinder: E3 = 0.0075 + 0.9925 x 0.7 x E1 = 0.238610. The cooperative has no
// suppliers, so its exposure is its own score.
func TestGoldenCocoaChain(t *testing.T) {
	e := newEngine(t)
	parties := []struct {
		name, country string
	}{{"Cooperative (CI)", "CI"}, {"Trader (CH)", "CH"}, {"Trader (NL)", "NL"}, {"Grinder (NL)", "NL"}}
	links := []risk.Link{{1, 0, 0.6}, {1, 2, unknown}, {2, 1, 0.5}, {3, 1, unknown}}
	g, err := risk.NewGraph(len(parties), links)
	if err != nil {
		t.Fatal(err)
	}
	own := make([]float64, len(parties))
	scores := make([]risk.Score, len(parties))
	for i, p := range parties {
		s, err := e.Score(risk.Input{Country: p.country, Commodities: []string{"cocoa"}})
		if err != nil {
			t.Fatal(err)
		}
		scores[i], own[i] = s, s.Own
	}
	exp, err := e.Propagate(g, own)
	if err != nil {
		t.Fatal(err)
	}
	tiers, err := risk.Tiers(g, []int32{3})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{70, 33.265262, 12.305520, 23.861041} {
		if math.Abs(exp[i]-want) > 1e-4 {
			t.Errorf("party %d exposure %.6f, hand-checked %.6f", i, exp[i], want)
		}
	}

	type factor struct {
		Kind, Source, Edition, Indicator, Value string
		Points, Contribution                    float64
	}
	type row struct {
		Party    string
		Tier     int32
		Inherent float64
		Own      float64
		Exposure float64
		Level    risk.Level
		Factors  []factor
	}
	round := func(v float64) float64 { return math.Round(v*1e6) / 1e6 }
	var doc []row
	for i, p := range parties {
		sup, _ := g.Suppliers(int32(i))
		fs := append(scores[i].Factors, risk.ExposureFactor(own[i], exp[i], len(sup)))
		r := row{Party: p.name, Tier: tiers[i], Inherent: round(scores[i].Inherent), Own: round(own[i]),
			Exposure: round(exp[i]), Level: e.Level(exp[i])}
		sum := 0.0
		for _, f := range fs {
			sum += f.Contribution
			r.Factors = append(r.Factors, factor{f.Kind, f.Source, f.Edition, f.Indicator, f.Value, round(f.Points), round(f.Contribution)})
		}
		if math.Abs(sum-exp[i]) > 1e-9 {
			t.Errorf("%s: factors add up to %g, exposure is %g", p.name, sum, exp[i])
		}
		doc = append(doc, r)
	}
	got, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	testkit.Golden(t, filepath.Join("testdata", "cocoa_chain.golden.json"), got)
}
