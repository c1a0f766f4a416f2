package earlywarning

import (
	"math"
	"math/rand/v2"
	"testing"
)

// moments returns the sample mean and variance of n draws.
func moments(n int, draw func() float64) (mean, variance float64) {
	var sum, sq float64
	for range n {
		x := draw()
		sum += x
		sq += x * x
	}
	mean = sum / float64(n)
	return mean, sq/float64(n) - mean*mean
}

// TestPoissonDraw checks mean and variance (both lambda) on both sides of
// the switch from inversion to rejection, and the probability of each small
// count against the Poisson law.
func TestPoissonDraw(t *testing.T) {
	const n = 200_000
	rng := rand.New(rand.NewPCG(1, 2))
	for _, lambda := range []float64{0.05, 0.7, 3, 12, 29.9, 30, 31, 75, 400, 5000} {
		mean, variance := moments(n, func() float64 { return float64(poissonDraw(rng, lambda)) })
		// Five standard errors of the mean, and a tenth on the variance
		// (whose standard error is about lambda*sqrt(2/n)).
		if se := math.Sqrt(lambda / n); math.Abs(mean-lambda) > 5*se {
			t.Errorf("lambda %g: mean %g is %.1f standard errors away", lambda, mean, math.Abs(mean-lambda)/se)
		}
		if math.Abs(variance-lambda) > 0.1*lambda+0.01 {
			t.Errorf("lambda %g: variance %g", lambda, variance)
		}
	}
	for _, lambda := range []float64{2.5, 45} {
		counts := map[int]int{}
		for range n {
			counts[poissonDraw(rng, lambda)]++
		}
		lo, hi := int(lambda-2*math.Sqrt(lambda)), int(lambda+2*math.Sqrt(lambda))
		for k := max(0, lo); k <= hi; k++ {
			lg, _ := math.Lgamma(float64(k) + 1)
			p := math.Exp(-lambda + float64(k)*math.Log(lambda) - lg)
			got := float64(counts[k]) / n
			if se := math.Sqrt(p * (1 - p) / n); math.Abs(got-p) > 5*se {
				t.Errorf("lambda %g: P(%d) = %.5f, want %.5f", lambda, k, got, p)
			}
		}
	}
	if poissonDraw(rng, 0) != 0 || poissonDraw(rng, -1) != 0 {
		t.Error("a mean of zero or less must draw 0")
	}
}

// TestGammaDraw checks mean shape/rate and variance shape/rate² for shapes
// below, at and above 1.
func TestGammaDraw(t *testing.T) {
	const n = 200_000
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ shape, rate float64 }{{0.3, 1}, {0.9, 2}, {1, 0.5}, {4, 4.0 / 3}, {20, 5}, {150, 0.2}} {
		wantMean, wantVar := c.shape/c.rate, c.shape/(c.rate*c.rate)
		mean, variance := moments(n, func() float64 { return gammaDraw(rng, c.shape, c.rate) })
		if se := math.Sqrt(wantVar / n); math.Abs(mean-wantMean) > 5*se {
			t.Errorf("shape %g rate %g: mean %g, want %g", c.shape, c.rate, mean, wantMean)
		}
		if math.Abs(variance-wantVar) > 0.1*wantVar {
			t.Errorf("shape %g rate %g: variance %g, want %g", c.shape, c.rate, variance, wantVar)
		}
	}
}
