package earlywarning_test

import (
	"flag"
	"fmt"
	"os"
	"testing"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
)

var tune = flag.Bool("tune", false, "print the parameter grid search over the tuning suite")

// TestTuningGrid prints timely detection, delay and false alarms for a grid
// of parameters on the tuning suite only; docs/early-warning.md records how
// the defaults were chosen from it. Run:
// go test ./internal/earlywarning -run TestTuningGrid -tune
func TestTuningGrid(t *testing.T) {
	if !*tune {
		t.Skip("run with -tune to print the grid")
	}
	cases := ew.TuningSuite().Cases()
	var rows []ew.EvaluationRow
	add := func(name string, ds ...ew.CountDetector) {
		m := ew.Evaluate(ew.Monitor{Detectors: ds}, cases, ew.TimelyHorizon)
		rows = append(rows, ew.EvaluationRow{Group: name, Metrics: m})
	}
	for _, weekly := range []bool{false, true} {
		for _, od := range []bool{false, true} {
			for _, h := range []float64{3, 4, 5, 6, 7} {
				for _, ratio := range []float64{2, 3} {
					c := ew.DefaultCUSUM()
					c.Weekly, c.Overdispersed, c.Threshold, c.Ratio = weekly, od, h, ratio
					add(fmt.Sprintf("weekly=%v od=%v h=%g r=%g", weekly, od, h, ratio), c)
				}
			}
			for _, l := range []float64{3, 4, 5, 6} {
				for _, lam := range []float64{0.2, 0.3, 0.5} {
					w := ew.DefaultEWMA()
					w.Weekly, w.Overdispersed, w.Limit, w.Lambda = weekly, od, l, lam
					add(fmt.Sprintf("weekly=%v od=%v L=%g lambda=%g", weekly, od, l, lam), w)
				}
			}
		}
	}
	if err := ew.WriteEvaluation(os.Stdout, rows); err != nil {
		t.Fatal(err)
	}
}
