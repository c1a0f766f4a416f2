package earlywarning_test

import (
	"flag"
	"fmt"
	"os"
	"testing"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
)

var tune = flag.Bool("tune", false, "print the parameter grid search over the standard synthetic suite")

// TestTuningGrid prints detection rate, delay and false alarms for a grid of
// parameters; docs/early-warning.md records how the defaults were chosen
// from it. Run: go test ./internal/earlywarning -run TestTuningGrid -tune
func TestTuningGrid(t *testing.T) {
	if !*tune {
		t.Skip("run with -tune to print the grid")
	}
	cases := ew.StandardSuite(20, 1).Cases()
	var rows []ew.EvaluationRow
	for _, weekly := range []bool{false, true} {
		for _, od := range []bool{false, true} {
			for _, h := range []float64{3, 4, 5, 6} {
				for _, ratio := range []float64{1.5, 2} {
					c := ew.DefaultCUSUM()
					c.Weekly, c.Overdispersed, c.Threshold, c.Ratio = weekly, od, h, ratio
					m := ew.Evaluate(c, cases)
					rows = append(rows, ew.EvaluationRow{Group: fmt.Sprintf("weekly=%v od=%v h=%g r=%g", weekly, od, h, ratio), Metrics: m})
				}
			}
			for _, l := range []float64{2.5, 3, 3.5, 4} {
				for _, lam := range []float64{0.2, 0.3, 0.5} {
					w := ew.DefaultEWMA()
					w.Weekly, w.Overdispersed, w.Limit, w.Lambda = weekly, od, l, lam
					m := ew.Evaluate(w, cases)
					rows = append(rows, ew.EvaluationRow{Group: fmt.Sprintf("weekly=%v od=%v L=%g lambda=%g", weekly, od, l, lam), Metrics: m})
				}
			}
		}
	}
	if err := ew.WriteEvaluation(os.Stdout, rows); err != nil {
		t.Fatal(err)
	}
}
