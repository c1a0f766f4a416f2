package risk_test

import (
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/risk"
)

// genGraph draws a small graph that often has cycles.
func genGraph(t *rapid.T) (int, []risk.Link) {
	n := rapid.IntRange(1, 30).Draw(t, "parties")
	m := rapid.IntRange(0, 4*n).Draw(t, "links")
	var links []risk.Link
	for i := 0; i < m && n > 1; i++ {
		b := rapid.IntRange(0, n-1).Draw(t, "buyer")
		s := rapid.IntRange(0, n-1).Draw(t, "supplier")
		if b == s {
			continue
		}
		share := unknown
		if rapid.Bool().Draw(t, "known") {
			share = float32(rapid.Float64Range(0, 1).Draw(t, "share"))
		}
		links = append(links, risk.Link{Buyer: int32(b), Supplier: int32(s), Share: share})
	}
	return n, links
}

func genScores(t *rapid.T, n int, label string) []float64 {
	return rapid.SliceOfN(rapid.Float64Range(0, 100), n, n).Draw(t, label)
}

// Exposures stay in [own, 100], satisfy the formula, and the same input
// gives the same output, on any graph including cycles.
func TestPropagateBoundsDeterminismFixedPoint(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n, links := genGraph(t)
		g, err := risk.NewGraph(n, links)
		if err != nil {
			t.Fatal(err)
		}
		own := genScores(t, n, "own")
		decay := rapid.Float64Range(0, 0.95).Draw(t, "decay")
		exp, err := risk.Propagate(g, own, decay, 1e-9)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := risk.Propagate(g, own, decay, 1e-9)
		if !slices.Equal(exp, again) {
			t.Fatalf("not deterministic: %v then %v", exp, again)
		}
		for i := range exp {
			if exp[i] < own[i]-1e-12 || exp[i] > 100 || math.IsNaN(exp[i]) {
				t.Fatalf("party %d: exposure %g outside [own %g, 100]", i, exp[i], own[i])
			}
			sup, w := g.Suppliers(int32(i))
			up := 0.0
			for k, s := range sup {
				up += float64(w[k]) * exp[s] / 100
			}
			if want := 100 * (1 - (1-own[i]/100)*(1-decay*up)); math.Abs(exp[i]-want) > 1e-5 {
				t.Fatalf("party %d: exposure %g, fixed point %g", i, exp[i], want)
			}
		}
	})
}

// Raising any own scores never lowers any exposure (exactly, not within a
// tolerance).
func TestPropagateMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n, links := genGraph(t)
		g, err := risk.NewGraph(n, links)
		if err != nil {
			t.Fatal(err)
		}
		own := genScores(t, n, "own")
		more := slices.Clone(own)
		for i := range more {
			if rapid.Bool().Draw(t, "raise") {
				more[i] = rapid.Float64Range(more[i], 100).Draw(t, "raised")
			}
		}
		a, _ := risk.Propagate(g, own, 0.7, 1e-6)
		b, _ := risk.Propagate(g, more, 0.7, 1e-6)
		for i := range a {
			if b[i] < a[i] {
				t.Fatalf("party %d: exposure fell from %.17g to %.17g when own scores rose", i, a[i], b[i])
			}
		}
	})
}

// Adding a signal, a commodity, or raising a signal's value never lowers a
// party's scores; scores stay within 0..100, are deterministic, and their
// factors add up.
func TestScoreMonotone(t *testing.T) {
	e := newEngine(t)
	countries := country.All()
	goods := commodity.All()
	kinds := []risk.SignalKind{risk.WatchlistConfirmed, risk.WatchlistPossible, risk.Grievance, risk.AuditFinding}
	genSignal := rapid.Custom(func(t *rapid.T) risk.Signal {
		return risk.Signal{Kind: rapid.SampledFrom(kinds).Draw(t, "kind"), Value: rapid.Float64Range(0, 5).Draw(t, "value")}
	})
	rapid.Check(t, func(t *rapid.T) {
		c := rapid.SampledFrom(countries).Draw(t, "country")
		in := risk.Input{Country: c.Alpha2}
		for _, g := range rapid.SliceOfN(rapid.SampledFrom(goods), 0, 4).Draw(t, "goods") {
			in.Commodities = append(in.Commodities, g.ID)
		}
		in.Signals = rapid.SliceOfN(genSignal, 0, 3).Draw(t, "signals")
		base, err := e.Score(in)
		if err != nil {
			t.Fatal(err)
		}
		if base.Own < 0 || base.Own > 100 || base.Own < base.Inherent-1e-9 || base.Own < base.Signals-1e-9 {
			t.Fatalf("out of bounds: %+v", base)
		}
		sum := 0.0
		for _, f := range base.Factors {
			sum += f.Contribution
		}
		if math.Abs(sum-base.Own) > 1e-9 {
			t.Fatalf("factors add up to %g, own %g", sum, base.Own)
		}
		if again, _ := e.Score(in); again.Own != base.Own || len(again.Factors) != len(base.Factors) {
			t.Fatalf("not deterministic")
		}
		more := in
		more.Commodities = append(slices.Clone(in.Commodities), rapid.SampledFrom(goods).Draw(t, "extra good").ID)
		more.Signals = slices.Clone(in.Signals)
		if rapid.Bool().Draw(t, "add signal") {
			more.Signals = append(more.Signals, genSignal.Draw(t, "extra signal"))
		}
		if len(more.Signals) > 0 {
			i := rapid.IntRange(0, len(more.Signals)-1).Draw(t, "raise")
			more.Signals[i].Value += rapid.Float64Range(0, 3).Draw(t, "by")
		}
		after, err := e.Score(more)
		if err != nil {
			t.Fatal(err)
		}
		if after.Own < base.Own || after.Inherent < base.Inherent || after.Signals < base.Signals {
			t.Fatalf("more risk lowered the score: %+v -> %+v", base, after)
		}
	})
}
