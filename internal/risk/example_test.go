package risk_test

import (
	"fmt"

	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/risk"
)

// A cooperative in Côte d'Ivoire supplies cocoa to a grinder in the
// Netherlands, which supplies the reporting brand directly.
func Example() {
	ref, err := refdata.Default()
	if err != nil {
		panic(err)
	}
	e, err := risk.NewEngine(ref, risk.DefaultWeights())
	if err != nil {
		panic(err)
	}
	parties := []risk.Input{
		{Country: "CI", Commodities: []string{"cocoa"}},
		{Country: "NL", Commodities: []string{"cocoa"}},
	}
	own := make([]float64, len(parties))
	for i, p := range parties {
		s, err := e.Score(p)
		if err != nil {
			panic(err)
		}
		own[i] = s.Own
	}
	g, err := risk.NewGraph(len(parties), []risk.Link{{Buyer: 1, Supplier: 0, Share: risk.UnknownShare}})
	if err != nil {
		panic(err)
	}
	tiers, _ := risk.Tiers(g, []int32{1})
	exposure, err := e.Propagate(g, own)
	if err != nil {
		panic(err)
	}
	for i := range parties {
		fmt.Printf("%s tier %d own %.1f exposure %.1f %s\n", parties[i].Country, tiers[i], own[i], exposure[i], e.Level(exposure[i]))
	}
	// Output:
	// CI tier 2 own 70.0 exposure 70.0 high
	// NL tier 1 own 0.7 exposure 49.4 medium
}
