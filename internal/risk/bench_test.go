package risk_test

import (
	"syscall"
	"testing"
	"time"

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
	cpu := cpuTime()
	for b.Loop() {
		if _, err := risk.Propagate(g, own, w.Propagation.Decay, w.Propagation.Tolerance); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// cpuTime is the processor time this process has used. The benchmark
// machine is shared, so wall time alone overstates the cost when others
// are busy; the CPU figure shows what the work itself takes.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64(cpuTime()-since)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkBuildAndPropagate adds building the compact graph from a list of
// links, as a caller starting from scratch pays it.
func BenchmarkBuildAndPropagate(b *testing.B) {
	links := genChain(benchParties, benchLinks, 42)
	own := genOwn(benchParties, 42)
	w := risk.DefaultWeights()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		g, err := risk.NewGraph(benchParties, links)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := risk.Propagate(g, own, w.Propagation.Decay, w.Propagation.Tolerance); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkScore scores parties with a realistic mix of countries and
// commodities, as assess does once per supplier row.
func BenchmarkScore(b *testing.B) {
	e := newEngine(b)
	inputs := []risk.Input{
		{Country: "CI", Commodities: []string{"cocoa"}},
		{Country: "CN", Commodities: []string{"garments", "cotton"}},
		{Country: "BD", Commodities: []string{"garments"}},
		{Country: "FR", Commodities: []string{"textiles"}},
		{Country: "BR", Commodities: []string{"cattle", "soy"}},
		{Country: "MY", Commodities: []string{"palm-oil"}, Signals: []risk.Signal{{Kind: risk.WatchlistPossible, Value: 0.8}}},
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.Score(inputs[i%len(inputs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
