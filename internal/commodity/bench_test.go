package commodity_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/commodity"
)

// BenchmarkNormalize normalises a mix of names, as an importer does once
// per commodity cell.
func BenchmarkNormalize(b *testing.B) {
	in := []string{"cocoa", "Cacao beans", "palm oil", "Garments", "organic cotton", "Quinoa", "Açaí Berries"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		commodity.Normalize(in[i%len(in)])
		i++
	}
}
