package earlywarning_test

import (
	"flag"
	"fmt"
	"os"
	"testing"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
)

var (
	tune    = flag.Bool("tune", false, "print the parameter grid search over the tuning suite")
	tuneAll = flag.Bool("tune-previous", false, "with -tune, add the grid of the previous CUSUM and EWMA")
)

// TestTuningGrid prints timely detection, delay and false alarms for a grid
// of parameters on the tuning suite only; docs/early-warning.md records how
// the defaults were chosen from it. Run:
// go test ./internal/earlywarning -run TestTuningGrid -tune -v
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
	for _, h := range []float64{4.5, 5, 5.5, 5.75, 6, 6.5, 7, 7.5, 8, 8.5, 9} {
		c := ew.DefaultNBCUSUM()
		c.Threshold = h
		add(fmt.Sprintf("nbcusum h=%g", h), c)
	}
	variants := []struct {
		name string
		f    func(*ew.NBCUSUM)
	}{
		{"weeks=8", func(c *ew.NBCUSUM) { c.Weeks = 8 }},
		{"weeks=16 trim=3,1", func(c *ew.NBCUSUM) { c.Weeks, c.TrimLow = 16, 3 }},
		{"trim=0,0", func(c *ew.NBCUSUM) { c.TrimLow, c.TrimHigh = 0, 0 }},
		{"trim=1,1", func(c *ew.NBCUSUM) { c.TrimLow, c.TrimHigh = 1, 1 }},
		{"shrink=4", func(c *ew.NBCUSUM) { c.WeeklyShrink = 4 }},
		{"rise=2.5", func(c *ew.NBCUSUM) { c.RiseSD = 2.5 }},
		{"rise=3.5", func(c *ew.NBCUSUM) { c.RiseSD = 3.5 }},
		{"guard=3", func(c *ew.NBCUSUM) { c.Guard = 3 }},
	}
	for _, v := range variants {
		for _, h := range []float64{6, 6.5, 7} {
			c := ew.DefaultNBCUSUM()
			v.f(&c)
			c.Threshold = h
			add(fmt.Sprintf("nbcusum %s h=%g", v.name, h), c)
		}
	}
	for _, h := range []float64{6.5, 7} {
		for _, l := range []float64{5, 6, 7} {
			c, w := ew.DefaultNBCUSUM(), ew.DefaultEWMA()
			c.Threshold, w.Limit = h, l
			add(fmt.Sprintf("nbcusum h=%g + ewma L=%g", h, l), c, w)
		}
	}
	if !*tuneAll {
		if err := ew.WriteEvaluation(os.Stdout, rows); err != nil {
			t.Fatal(err)
		}
		return
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
