package commodity_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/commodity"
)

// BenchmarkNormalise normalises a mix of names, as an importer does once
// per commodity cell.
func BenchmarkNormalise(b *testing.B) {
	in := []string{"cocoa", "Cacao beans", "palm oil", "Garments", "organic cotton", "Quinoa", "Açaí Berries"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		commodity.Normalise(in[i%len(in)])
		i++
	}
}
