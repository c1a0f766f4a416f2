package risk_test

import (
	"math"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
)

const unknown = risk.UnknownShare

func TestNewGraphShares(t *testing.T) {
	tests := []struct {
		name  string
		links []risk.Link
		want  []float32 // weights of buyer 0's suppliers, in input order
	}{
		{"all unknown split equally", []risk.Link{{0, 1, unknown}, {0, 2, unknown}, {0, 3, unknown}, {0, 4, unknown}}, []float32{0.25, 0.25, 0.25, 0.25}},
		{"known kept", []risk.Link{{0, 1, 0.5}, {0, 2, 0.2}}, []float32{0.5, 0.2}},
		{"unknown take the rest", []risk.Link{{0, 1, 0.6}, {0, 2, unknown}, {0, 3, unknown}}, []float32{0.6, 0.2, 0.2}},
		{"nothing left: equal share then scaled", []risk.Link{{0, 1, 1}, {0, 2, unknown}}, []float32{1 / 1.5, 0.5 / 1.5}},
		{"over one scaled down", []risk.Link{{0, 1, 0.8}, {0, 2, 0.8}}, []float32{0.5, 0.5}},
		{"repeated link adds", []risk.Link{{0, 1, 0.3}, {0, 1, 0.3}}, []float32{0.3, 0.3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := risk.NewGraph(5, tt.links)
			if err != nil {
				t.Fatal(err)
			}
			_, w := g.Suppliers(0)
			if len(w) != len(tt.want) {
				t.Fatalf("weights %v, want %v", w, tt.want)
			}
			for i := range w {
				if math.Abs(float64(w[i]-tt.want[i])) > 1e-6 {
					t.Fatalf("weights %v, want %v", w, tt.want)
				}
			}
		})
	}
}

func TestNewGraphErrors(t *testing.T) {
	tests := []struct {
		name  string
		links []risk.Link
		want  string
	}{
		{"buyer out of range", []risk.Link{{5, 1, 0.5}}, "link 0: buyer 5 is not a party (0..2)"},
		{"negative supplier", []risk.Link{{0, 1, 0.5}, {0, -1, 0.5}}, "link 1: supplier -1 is not a party"},
		{"self supply", []risk.Link{{2, 2, 0.5}}, "link 0: party 2 supplies itself"},
		{"share above one", []risk.Link{{0, 1, 1.5}}, "link 0: share 1.5 is not between 0 and 1"},
		{"negative share", []risk.Link{{0, 1, -0.5}}, "share -0.5"},
		{"nan share", []risk.Link{{0, 1, float32(math.NaN())}}, "share NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := risk.NewGraph(3, tt.links)
			if err == nil || !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want invalid containing %q", err, tt.want)
			}
		})
	}
}

func TestPropagateErrors(t *testing.T) {
	g, err := risk.NewGraph(2, []risk.Link{{0, 1, unknown}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		own        []float64
		decay, tol float64
		want       string
	}{
		{"length", []float64{1}, 0.7, 1e-6, "1 own scores for 2 parties"},
		{"above 100", []float64{1, 101}, 0.7, 1e-6, "own score of party 1 is 101"},
		{"nan", []float64{math.NaN(), 1}, 0.7, 1e-6, "own score of party 0 is NaN"},
		{"decay", []float64{1, 1}, 1, 1e-6, "decay 1"},
		{"tolerance", []float64{1, 1}, 0.7, 0, "tolerance 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := risk.Propagate(g, tt.own, tt.decay, tt.tol)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// checkFixedPoint verifies that every exposure satisfies the propagation
// formula within tol (0-100 scale).
func checkFixedPoint(t *testing.T, g *risk.Graph, own, exp []float64, decay, tol float64) {
	t.Helper()
	for b := range own {
		sup, w := g.Suppliers(int32(b))
		up := 0.0
		for k, s := range sup {
			up += float64(w[k]) * exp[s] / 100
		}
		want := 100 * (1 - (1-own[b]/100)*(1-decay*up))
		if math.Abs(exp[b]-want) > tol {
			t.Fatalf("party %d: exposure %.9f, formula gives %.9f", b, exp[b], want)
		}
	}
}

func TestPropagateChainAndCycle(t *testing.T) {
	// 0 <- 1 <- 2 (a chain), and 3 <-> 4 (two traders) selling to 0.
	links := []risk.Link{{0, 1, 0.5}, {1, 2, unknown}, {0, 3, 0.5}, {3, 4, 0.5}, {4, 3, 1}}
	g, err := risk.NewGraph(5, links)
	if err != nil {
		t.Fatal(err)
	}
	own := []float64{0, 10, 80, 5, 40}
	exp, err := risk.Propagate(g, own, 0.7, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	checkFixedPoint(t, g, own, exp, 0.7, 1e-6)
	// Party 2 has no suppliers: exposure equals its own score.
	if exp[2] != 80 {
		t.Errorf("exposure of 2 = %g, want 80", exp[2])
	}
	// Party 1: 1 - 0.9 x (1 - 0.7 x 0.8) = 0.604.
	if math.Abs(exp[1]-60.4) > 1e-9 {
		t.Errorf("exposure of 1 = %.12g, want 60.4", exp[1])
	}
	for i := range own {
		if exp[i] < own[i] || exp[i] > 100 {
			t.Errorf("party %d: exposure %g outside [own %g, 100]", i, exp[i], own[i])
		}
	}
}

func TestPropagateLongCycleTerminates(t *testing.T) {
	// A ring of 10,000 traders, each buying all from the next, plus a
	// deep chain into it: the walk must neither loop nor overflow.
	const n = 20000
	var links []risk.Link
	for i := 0; i < 10000; i++ {
		links = append(links, risk.Link{Buyer: int32(i), Supplier: int32((i + 1) % 10000), Share: unknown})
	}
	for i := 10000; i < n-1; i++ {
		links = append(links, risk.Link{Buyer: int32(i), Supplier: int32(i + 1), Share: unknown})
	}
	links = append(links, risk.Link{Buyer: 5000, Supplier: 10000, Share: 0.5})
	g, err := risk.NewGraph(n, links)
	if err != nil {
		t.Fatal(err)
	}
	own := make([]float64, n)
	own[n-1] = 90
	own[10000] = 50 // the head of the chain, so risk visibly enters the ring
	exp, err := risk.Propagate(g, own, 0.7, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	checkFixedPoint(t, g, own, exp, 0.7, 1e-5)
	if exp[5000] <= 0 {
		t.Errorf("risk at the end of the chain did not reach the ring: %g", exp[5000])
	}
}

func TestTiers(t *testing.T) {
	// 0 and 1 supply the organisation; 2 supplies 0 and 1; 3 supplies 2
	// and 0 (lowest tier wins); 4 and 5 trade with each other under 3; 6 is
	// unconnected.
	links := []risk.Link{{0, 2, unknown}, {1, 2, unknown}, {2, 3, unknown}, {0, 3, unknown}, {3, 4, unknown}, {4, 5, unknown}, {5, 4, unknown}}
	g, err := risk.NewGraph(7, links)
	if err != nil {
		t.Fatal(err)
	}
	tiers, err := risk.Tiers(g, []int32{0, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []int32{1, 1, 2, 2, 3, 4, 0}
	for i := range want {
		if tiers[i] != want[i] {
			t.Fatalf("tiers %v, want %v", tiers, want)
		}
	}
	if _, err := risk.Tiers(g, []int32{9}); err == nil {
		t.Error("out-of-range direct supplier accepted")
	}
}

func TestContributors(t *testing.T) {
	g, err := risk.NewGraph(4, []risk.Link{{0, 1, 0.2}, {0, 2, 0.5}, {0, 3, 0.3}})
	if err != nil {
		t.Fatal(err)
	}
	exp := []float64{0, 90, 10, 30}
	got := risk.Contributors(g, exp, 0.5, 0, 2)
	// 1: 0.5 x 0.2 x 90 = 9; 3: 0.5 x 0.3 x 30 = 4.5; 2: 2.5.
	if len(got) != 2 || got[0].Supplier != 1 || got[1].Supplier != 3 || math.Abs(got[0].Points-9) > 1e-6 {
		t.Errorf("contributors %+v", got)
	}
}

// The synthetic chain used by the benchmark, at a small size: large trader
// cycles must converge to the fixed point.
func TestPropagateSyntheticChain(t *testing.T) {
	const n = 5000
	g, err := risk.NewGraph(n, genChain(n, 3*n, 7))
	if err != nil {
		t.Fatal(err)
	}
	own := genOwn(n, 7)
	exp, err := risk.Propagate(g, own, 0.7, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	checkFixedPoint(t, g, own, exp, 0.7, 1e-6)
}
