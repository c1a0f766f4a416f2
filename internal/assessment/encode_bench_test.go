package assessment

import "testing"

// BenchmarkAppendCSV measures encoding a register row shaped like those of
// a generated chain: ten factors of reference-data text and no hits.
func BenchmarkAppendCSV(b *testing.B) {
	tier := 2
	f := Factor{Source: "US Department of Labor, Bureau of International Labor Affairs (ILAB), List of Goods Produced by Child Labor or Forced Labor",
		Edition: "2022", Indicator: "forced labour", Value: "Cocoa from Côte d'Ivoire listed", Contribution: 19.9}
	r := Row{ID: "P49124", Name: "Golden Mining Tbk 49124", Country: "CI", Commodities: []string{"coffee", "cocoa"}, Tier: &tier,
		Inherent: 90.11, Exposure: 96.52, Level: "critical", WatchlistHits: []Hit{}}
	for range 10 {
		r.Factors = append(r.Factors, f)
	}
	var buf []byte
	for b.Loop() {
		var err error
		if buf, err = AppendCSV(buf[:0], &r); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}
