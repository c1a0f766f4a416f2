package risk_test

import (
	"os"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
)

// FuzzParseWeights: an operator's weights file either loads into a valid
// configuration or fails with an invalid-input error, never a panic.
func FuzzParseWeights(f *testing.F) {
	base, err := os.ReadFile("weights.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(base)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"levels": {"medium": 1e400}}`))
	f.Add([]byte(`{"signals": {"x": {"points": 1, "saturation": 1}}}`))
	f.Add([]byte("\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := risk.ParseWeights("fuzz.json", data)
		if err != nil {
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("error of category %s: %v", kernel.ErrorCode(err), err)
			}
			return
		}
		// A configuration that loads must give scores in bounds.
		for _, v := range []float64{-1, 0, 24.9, 50, 100, 1e9} {
			_ = w.Level(v)
		}
		if w.Propagation.Decay < 0 || w.Propagation.Decay >= 1 {
			t.Fatalf("accepted decay %g", w.Propagation.Decay)
		}
	})
}
