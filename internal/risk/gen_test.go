package risk_test

import (
	"math/rand/v2"

	"github.com/upstream-platform/upstream/internal/risk"
)

// genChain builds a deterministic synthetic supply graph of n parties and m
// links shaped like a real one: six tiers growing towards the raw-material
// end, buyers with skewed numbers of suppliers, most shares unknown, and
// about 2% of links between traders in the same or the next tier down,
// which closes cycles.
func genChain(n, m int, seed uint64) []risk.Link {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	fractions := []float64{0.01, 0.05, 0.12, 0.22, 0.28, 0.32}
	starts := make([]int, len(fractions)+1)
	for i, f := range fractions {
		starts[i+1] = starts[i] + int(f*float64(n))
	}
	starts[len(fractions)] = n
	tierOf := func(v int) int {
		for t := len(fractions) - 1; t >= 0; t-- {
			if v >= starts[t] {
				return t
			}
		}
		return 0
	}
	pick := func(t int, skew bool) int {
		size := starts[t+1] - starts[t]
		u := rng.Float64()
		if skew {
			u = u * u * u
		}
		return starts[t] + int(u*float64(size))
	}
	links := make([]risk.Link, 0, m)
	for len(links) < m {
		var b, s int
		if rng.IntN(100) < 2 {
			// Traders: large parties of one tier buying from each other
			// or from the next tier up, which closes cycles.
			t := 1 + rng.IntN(len(fractions)-2)
			s = pick(t, true)
			if rng.IntN(2) == 0 {
				b = pick(t, true)
			} else {
				b = pick(t+1, true)
			}
		} else {
			s = starts[1] + rng.IntN(n-starts[1])
			b = pick(tierOf(s)-1, true)
		}
		if b == s {
			continue
		}
		share := risk.UnknownShare
		if rng.IntN(10) < 3 {
			share = float32(rng.Float64() * 0.5)
		}
		links = append(links, risk.Link{Buyer: int32(b), Supplier: int32(s), Share: share})
	}
	return links
}

// genOwn draws own scores skewed towards low risk, as in real registers.
func genOwn(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	own := make([]float64, n)
	for i := range own {
		u := rng.Float64()
		own[i] = 100 * u * u * u
	}
	return own
}
