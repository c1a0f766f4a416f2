package earlywarning_test

import (
	"flag"
	"fmt"
	"math"
	"os"
	"testing"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
)

var (
	tune    = flag.Bool("tune", false, "print the parameter grid search over the tuning suite")
	tuneAll = flag.Bool("tune-previous", false, "with -tune, add the grid of the previous CUSUM and EWMA")
)

// atOneFalseAlarm returns timely detection at 1.0 false alarm per 1,000
// series-days, interpolated between the two alarm levels around it.
func atOneFalseAlarm(cases []ew.Case, at func(h float64) ew.CountDetector) float64 {
	var prev ew.Metrics
	for i, h := range []float64{5, 5.5, 6, 6.5, 7, 7.5, 8, 9} {
		m := ew.Evaluate(ew.Monitor{Detectors: []ew.CountDetector{at(h)}}, cases, ew.TimelyHorizon)
		if m.FalseAlarmsPer1000 <= 1 {
			if i == 0 {
				return m.DetectionRate
			}
			f := (prev.FalseAlarmsPer1000 - 1) / (prev.FalseAlarmsPer1000 - m.FalseAlarmsPer1000)
			return prev.DetectionRate + f*(m.DetectionRate-prev.DetectionRate)
		}
		prev = m
	}
	return math.NaN()
}

// TestTuningGrid prints timely detection, delay and false alarms for a grid
// of parameters on the tuning suite only; docs/early-warning.md records how
// the defaults were chosen from it. Run:
// go test ./internal/earlywarning -run TestTuningGrid -tune -v
func TestTuningGrid(t *testing.T) {
	if !*tune {
		t.Skip("run with -tune to print the grid")
	}
	// The two tuning suites are pooled: 6,000 series.
	cases := append(ew.TuningSuite().Cases(), ew.TuningWideSuite().Cases()...)
	calendars := ew.WithCalendars(cases)
	var rows []ew.EvaluationRow
	add := func(name string, ds ...ew.CountDetector) {
		m := ew.Evaluate(ew.Monitor{Detectors: ds}, cases, ew.TimelyHorizon)
		rows = append(rows, ew.EvaluationRow{Group: name, Metrics: m})
	}
	for _, h := range []float64{4.5, 5, 5.5, 5.75, 6, 6.5, 7, 7.5, 8, 8.5, 9} {
		c := ew.DefaultNBCUSUM()
		c.Threshold = h
		add(fmt.Sprintf("nbcusum h=%g", h), c)
		m := ew.Evaluate(ew.Monitor{Detectors: []ew.CountDetector{c}}, calendars, ew.TimelyHorizon)
		rows = append(rows, ew.EvaluationRow{Group: fmt.Sprintf("nbcusum h=%g, calendars", h), Metrics: m})
	}
	// Each variant at 1.0 false alarm per 1,000 series-days, interpolated
	// between alarm levels, without and with the closure calendars. The
	// variants are grouped as they were chosen, each group around the
	// detector as it stood then: the baseline before closures were
	// inferred, closures before weekly rhythms were pooled, then pooling.
	variants := []struct {
		name string
		f    func(*ew.NBCUSUM)
	}{
		{"26 weeks, the 3 lowest and the highest left out (shipped before closures were inferred)", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0 }},
		{"the previous baseline: 12 weeks, 2 low and 1 high left out", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.Weeks, c.TrimLow = 12, 2 }},
		{"16 weeks", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.Weeks = 16 }},
		{"20 weeks", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.Weeks = 20 }},
		{"26 weeks, 4 low and 2 high left out", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.TrimLow, c.TrimHigh = 4, 2 }},
		{"39 weeks, 4 low and 2 high left out", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.Weeks, c.TrimLow, c.TrimHigh = 39, 4, 2 }},
		{"52 weeks, 5 low and 2 high left out", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.Weeks, c.TrimLow, c.TrimHigh = 52, 5, 2 }},
		{"no weeks left out", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.TrimLow, c.TrimHigh = 0, 0 }},
		{"weekday multipliers shrunk by 3 pseudo-weeks", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.WeeklyShrink = 3 }},
		{"weekday multipliers shrunk by 20 pseudo-weeks", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.WeeklyShrink = 20 }},
		{"no catch-up expected after a holiday", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.CatchUpShare = 0 }},
		{"rise of 2.5 standard deviations", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.RiseSD = 2.5 }},
		{"rise of 3.5 standard deviations", func(c *ew.NBCUSUM) { c.InferFactor, c.PoolPatterns = 0, 0; c.RiseSD = 3.5 }},
		{"no closures inferred (26 weeks as above)", func(c *ew.NBCUSUM) { c.PoolPatterns, c.InferFactor = 0, 0 }},
		{"closures inferred as shipped, not pooled", func(c *ew.NBCUSUM) { c.PoolPatterns = 0 }},
		{"closures inferred on evidence 3", func(c *ew.NBCUSUM) { c.PoolPatterns = 0; c.InferLevel = 3 }},
		{"closures inferred on evidence 5", func(c *ew.NBCUSUM) { c.PoolPatterns = 0; c.InferLevel = 5 }},
		{"closures inferred on evidence 11, at most 28 days", func(c *ew.NBCUSUM) { c.PoolPatterns = 0; c.InferLevel, c.MaxClosure = 11, 28 }},
		{"closures inferred on evidence 15, at most 28 days", func(c *ew.NBCUSUM) { c.PoolPatterns = 0; c.InferLevel, c.MaxClosure = 15, 28 }},
		{"closures at 15% of the intake, evidence 5", func(c *ew.NBCUSUM) { c.PoolPatterns = 0; c.InferFactor, c.InferLevel = 0.15, 5 }},
		{"closures at 15% of the intake", func(c *ew.NBCUSUM) { c.PoolPatterns = 0; c.InferFactor = 0.15 }},
		{"closures at 40% of the intake, evidence 5", func(c *ew.NBCUSUM) { c.PoolPatterns = 0; c.InferFactor, c.InferLevel = 0.4, 5 }},
		{"closures at 40% of the intake", func(c *ew.NBCUSUM) { c.PoolPatterns = 0; c.InferFactor = 0.4 }},
		{"closures of at most 14 days", func(c *ew.NBCUSUM) { c.PoolPatterns = 0; c.MaxClosure = 14 }},
		{"closures of at most 28 days", func(c *ew.NBCUSUM) { c.PoolPatterns = 0; c.MaxClosure = 28 }},
		{"weekly rhythms pooled into 6 patterns (as shipped)", func(c *ew.NBCUSUM) {}},
		{"weekly rhythms pooled into 1 pattern", func(c *ew.NBCUSUM) { c.PoolPatterns = 1 }},
		{"weekly rhythms pooled into 3 patterns", func(c *ew.NBCUSUM) { c.PoolPatterns = 3 }},
		{"weekly rhythms pooled into 8 patterns", func(c *ew.NBCUSUM) { c.PoolPatterns = 8 }},
	}
	// Columns: pooled, pooled with calendars, then each suite alone.
	tuning, wide := cases[:len(cases)/2], cases[len(cases)/2:]
	for _, v := range variants {
		line := v.name
		for _, cs := range [][]ew.Case{cases, calendars, tuning, wide} {
			line += fmt.Sprintf("\t%.3f", atOneFalseAlarm(cs, func(h float64) ew.CountDetector {
				c := ew.DefaultNBCUSUM()
				v.f(&c)
				c.Threshold = h
				return c
			}))
		}
		fmt.Println(line)
	}
	for _, h := range []float64{6, 6.5} {
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
