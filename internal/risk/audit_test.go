package risk_test

import (
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/risk"
)

// A recent passed audit lowers the reference-data score within its band,
// never below the band's floor; a failed or expired one raises the score;
// every factor, the audit's included, adds up to the score.
func TestAuditSignals(t *testing.T) {
	e := newEngine(t)
	passed := risk.Signal{Kind: risk.AuditPassed, Value: 1, Source: "SA8000 audit", Edition: "2026-03-02", Note: "passed"}
	tests := []struct {
		name      string
		in        risk.Input
		want      float64
		wantLevel risk.Level
	}{
		// Garments from China, inferred: 33.5; less 30% is 23.45, below
		// the medium floor of 25, so 25.
		{"passed, held at the band floor", risk.Input{Country: "CN", Inferred: []string{"garments"}, Signals: []risk.Signal{passed}}, 25, risk.Medium},
		// Garments from Bangladesh, inferred: 53.9 less 30% is 37.7,
		// below the high floor of 50, so 50.
		{"passed, high stays high", risk.Input{Country: "BD", Inferred: []string{"garments"}, Signals: []risk.Signal{passed}}, 50, risk.High},
		// Germany: 0.75 less 30%.
		{"passed, low", risk.Input{Country: "DE", Commodities: []string{"garments"}, Signals: []risk.Signal{passed}}, 0.525, risk.Low},
		// A failed audit adds 30 to 33.5: 100 x (1 - 0.665 x 0.7) = 53.45.
		{"failed", risk.Input{Country: "CN", Inferred: []string{"garments"}, Signals: []risk.Signal{{Kind: risk.AuditFailed, Value: 1}}}, 53.45, risk.High},
		// An expired certificate adds 10: 100 x (1 - 0.665 x 0.9) = 40.15.
		{"expired", risk.Input{Country: "CN", Inferred: []string{"garments"}, Signals: []risk.Signal{{Kind: risk.AuditExpired, Value: 1}}}, 40.15, risk.Medium},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := e.Score(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(s.Own-tt.want) > 1e-6 || s.Level != tt.wantLevel {
				t.Errorf("own %.4f %s, want %.4f %s", s.Own, s.Level, tt.want, tt.wantLevel)
			}
			sum := 0.0
			found := false
			for _, f := range s.Factors {
				sum += f.Contribution
				found = found || f.Indicator == string(tt.in.Signals[0].Kind)
			}
			if math.Abs(sum-s.Own) > 1e-9 || !found {
				t.Errorf("factors add up to %.6f of %.6f; audit factor shown: %v (%+v)", sum, s.Own, found, s.Factors)
			}
		})
	}
}

// On any party, a passed audit never raises the score nor moves it to a
// lower level, and a failed one never lowers it.
func TestAuditProperty(t *testing.T) {
	e := newEngine(t)
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, true)
		base, err := e.Score(in)
		if err != nil {
			t.Fatal(err)
		}
		good, bad := in, in
		good.Signals = append(append([]risk.Signal(nil), in.Signals...), risk.Signal{Kind: risk.AuditPassed, Value: 1})
		bad.Signals = append(append([]risk.Signal(nil), in.Signals...), risk.Signal{Kind: risk.AuditFailed, Value: 1})
		g, _ := e.Score(good)
		b, _ := e.Score(bad)
		if g.Own > base.Own+1e-9 || e.Level(g.Inherent) != e.Level(base.Inherent) {
			t.Fatalf("passed audit: %.4f (%s) from %.4f (%s)", g.Own, e.Level(g.Inherent), base.Own, e.Level(base.Inherent))
		}
		if b.Own < base.Own-1e-9 {
			t.Fatalf("failed audit lowered %.4f to %.4f", base.Own, b.Own)
		}
	})
}
