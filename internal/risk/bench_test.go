package risk_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/risk"
)

const (
	benchParties = 1_000_000
	benchLinks   = 3_000_000
)

// BenchmarkPropagate is the full recompute of exposure over 1,000,000
// parties and 3,000,000 links (target: under 1 s on two cores).
func BenchmarkPropagate(b *testing.B) {
	links := genChain(benchParties, benchLinks, 42)
	own := genOwn(benchParties, 42)
	g, err := risk.NewGraph(benchParties, links)
	if err != nil {
		b.Fatal(err)
	}
	w := risk.DefaultWeights()
	b.ResetTimer()
	for b.Loop() {
		if _, err := risk.Propagate(g, own, w.Propagation.Decay, w.Propagation.Tolerance); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildAndPropagate adds building the compact graph from a list of
// links, as a caller starting from scratch pays it.
func BenchmarkBuildAndPropagate(b *testing.B) {
	links := genChain(benchParties, benchLinks, 42)
	own := genOwn(benchParties, 42)
	w := risk.DefaultWeights()
	b.ResetTimer()
	for b.Loop() {
		g, err := risk.NewGraph(benchParties, links)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := risk.Propagate(g, own, w.Propagation.Decay, w.Propagation.Tolerance); err != nil {
			b.Fatal(err)
		}
	}
}
