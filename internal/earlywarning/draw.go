package earlywarning

import (
	"math"
	"math/rand/v2"
)

// The synthetic series need two random draws: a gamma-distributed day
// rate (for over-dispersion, which makes the counts negative binomial) and
// a Poisson count at that rate. Both are standard algorithms, written here
// so that the early-warning suites need no numerical library.

// gammaDraw draws from the gamma distribution with the given shape and
// rate (mean shape/rate), by Marsaglia and Tsang's squeeze method ("A
// simple method for generating gamma variables", ACM TOMS 26(3), 2000);
// a shape below 1 is boosted by one and scaled back with U^(1/shape).
func gammaDraw(rng *rand.Rand, shape, rate float64) float64 {
	if shape < 1 {
		u := rng.Float64()
		return gammaDraw(rng, shape+1, rate) * math.Pow(u, 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v / rate
		}
	}
}

// poissonInversionLimit is the mean up to which poissonDraw inverts the
// distribution function; above it the inversion's O(mean) walk gives way
// to transformed rejection.
const poissonInversionLimit = 30

// poissonDraw draws a Poisson count with mean lambda: by inversion for a
// small mean, and above poissonInversionLimit by Hörmann's transformed
// rejection with squeeze, PTRS ("The transformed rejection method for
// generating Poisson random variables", Insurance: Mathematics and
// Economics 12, 1993).
func poissonDraw(rng *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda < poissonInversionLimit {
		k, p := 0, math.Exp(-lambda)
		cdf, u := p, rng.Float64()
		for u > cdf {
			k++
			p *= lambda / float64(k)
			cdf += p
			if p == 0 { // u fell in the rounding at the far tail
				break
			}
		}
		return k
	}
	slam, loglam := math.Sqrt(lambda), math.Log(lambda)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invAlpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := rng.Float64() - 0.5
		v := rng.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lambda + 0.43)
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if k < 0 || us < 0.013 && v > us {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invAlpha)-math.Log(a/(us*us)+b) <= -lambda+k*loglam-lg {
			return int(k)
		}
	}
}
