package earlywarning

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// dispersedSeries draws n series of 182 days at rate, negative binomial of
// the given size (Poisson at 0), without rises or closures.
func dispersedSeries(prefix string, n int, rate, size float64, seed uint64) []Series {
	var out []Series
	for i := range n {
		sc := Scenario{Days: 182, Rate: rate, Size: size, Rise: Rise{Shape: RiseNone}}
		out = append(out, Generate(sc, fmt.Sprintf("%s/%d", prefix, i), seed+uint64(i)))
	}
	return out
}

// The prior finds how dispersed an organisation's series are: here half
// are Poisson and half negative binomial of size 3 (1/size = 0.33).
func TestLearnDispersionPrior(t *testing.T) {
	series := append(dispersedSeries("poisson", 30, 5, 0, 1), dispersedSeries("nb3", 30, 5, 3, 100)...)
	c := DefaultNBCUSUM()
	p := c.LearnDispersionPrior(series)
	if !reflect.DeepEqual(p, c.LearnDispersionPrior(series)) {
		t.Fatal("the same series gave two priors")
	}
	if len(p.Weights) != len(p.Grid) || len(p.Grid) == 0 {
		t.Fatalf("%d weights on %d grid values", len(p.Weights), len(p.Grid))
	}
	near, around, sum := 0.0, 0.0, 0.0
	for g, w := range p.Weights {
		sum += w
		switch inv := p.Grid[g]; {
		case inv <= 0.05:
			near += w
		case inv >= 0.2 && inv <= 0.5:
			around += w
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("weights sum to %v", sum)
	}
	if near < 0.3 || around < 0.3 {
		t.Errorf("weight %.2f near Poisson and %.2f around 1/3, want both at least 0.3: %v", near, around, p.Weights)
	}
	if q := c.LearnDispersionPrior(dispersedSeries("quiet", 5, 0.01, 0, 7)); len(q.Grid) != 0 {
		t.Errorf("series too quiet to tell their dispersion gave a prior %v", q)
	}
}

// A quiet series leans on what the busy ones show: at half a report a day
// its own 26 weeks tell its dispersion only roughly, and the pooled
// estimate is closer to the truth than its own, on average over 20 such
// series. A busy series keeps close to its own.
func TestPooledDispersion(t *testing.T) {
	busy := dispersedSeries("busy", 40, 6, 3, 1)
	quiet := dispersedSeries("quiet", 20, 0.5, 3, 500)
	alone := DefaultNBCUSUM()
	alone.PoolPatterns, alone.PoolDispersion = 0, false
	pooled := alone
	pooled.PoolDispersion = true
	pooled = pooled.Pooled(append(busy, quiet...))
	estimate := func(c NBCUSUM, s Series) float64 {
		b, _ := c.fit(s.Counts, 0, len(s.Counts)/7, int(s.Start.Weekday()), nil)
		return b.invSize
	}
	var errAlone, errPooled float64
	for _, s := range quiet {
		errAlone += math.Abs(estimate(alone, s) - 1.0/3)
		errPooled += math.Abs(estimate(pooled, s) - 1.0/3)
	}
	if !(errPooled < errAlone) {
		t.Errorf("mean error of 1/size on quiet series: pooled %.3f, alone %.3f; want pooled smaller", errPooled/20, errAlone/20)
	}
	for _, s := range busy[:5] {
		if a, p := estimate(alone, s), estimate(pooled, s); math.Abs(a-p) > 0.1 {
			t.Errorf("%s: busy series' 1/size %.3f alone, %.3f pooled; want within 0.1", s.Key, a, p)
		}
	}
	t.Run("the estimate stays within the grid and the cap", rapid.MakeCheck(func(t *rapid.T) {
		n := rapid.IntRange(21, 182).Draw(t, "days")
		counts := rapid.SliceOfN(rapid.IntRange(0, 40), n, n).Draw(t, "counts")
		inv := estimate(pooled, Series{Key: "s", Start: SynthStart, Counts: counts})
		if !(inv >= 0 && inv <= pooled.MaxDispersion) {
			t.Fatalf("1/size %v outside [0, %v]", inv, pooled.MaxDispersion)
		}
	}))
}

// nbLogLikelihood differs from the exact log-probability by log x! only.
func TestNBLogLikelihood(t *testing.T) {
	for _, tc := range []struct{ m, inv float64 }{{0.2, 0}, {3, 0}, {3, 0.25}, {10, 1 / 1.5}, {0.5, 2}, {40, 0.02}} {
		k := 0.0
		if tc.inv > 0 {
			k = 1 / tc.inv
		}
		for _, x := range []int{0, 1, 2, 5, 39, 40, 41, 90} {
			lx, _ := math.Lgamma(float64(x) + 1)
			want := nbLogPMF(x, tc.m, k) + lx
			if got := nbLogLikelihood(x, tc.m, tc.inv); math.Abs(got-want) > 1e-8*max(1, math.Abs(want)) {
				t.Errorf("x=%d %+v: %v, want %v", x, tc, got, want)
			}
		}
	}
}
