package country_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/country"
)

// BenchmarkLookup resolves a mix of codes and names, as an importer does
// once per row.
func BenchmarkLookup(b *testing.B) {
	in := []string{"CN", "China", "Bangladesh", "VNM", "Côte d'Ivoire", "Korea, Republic of", "USA", "Turkey"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := country.Lookup(in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
