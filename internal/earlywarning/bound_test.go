package earlywarning

import (
	"flag"
	"fmt"
	"math"
	"testing"
)

var bound = flag.Bool("bound", false, "print the known-baseline bound on each suite")

// nbLogPMF is log P(X = x) for a negative binomial with mean mu and size k
// (Poisson when k is 0).
func nbLogPMF(x int, mu, k float64) float64 {
	fx := float64(x)
	lx, _ := math.Lgamma(fx + 1)
	if k <= 0 {
		return fx*math.Log(mu) - mu - lx
	}
	a, _ := math.Lgamma(fx + k)
	b, _ := math.Lgamma(k)
	return a - b - lx + k*math.Log(k/(k+mu)) + fx*math.Log(mu/(k+mu))
}

// knownBaseline scores, on a suite, the CUSUM that no detector can beat in
// practice: it knows every day's expected count before any rise (weekly
// pattern, holidays with their catch-up, level shifts), the series'
// dispersion, the outage days, and the size of the rise it waits for. It
// alarms when the log-likelihood ratio of "risen by that factor" against
// "as expected", summed from its last low point, reaches h. Its timely
// detection at 1.0 false alarm per 1,000 series-days bounds what any
// detector can reach on the suite.
func knownBaseline(cases []Case, h float64) (timely, faPer1000 float64) {
	fa, quiet, rises, within := 0, 0, 0, 0
	for _, c := range cases {
		sc := c.Scenario
		null := sc
		null.Rise = Rise{Shape: RiseNone}
		m0 := null.means()
		outage := make([]bool, sc.Days)
		for _, sp := range sc.Missing {
			for i := max(0, sp.Start); i < min(sc.Days, sp.Start+sp.Days); i++ {
				outage[i] = true
			}
		}
		factor, start, end := 1+3*sc.SD()/sc.Rate, -1, sc.Days
		if sc.Rise.Shape != RiseNone {
			factor, start, end = sc.Rise.Factor, sc.Rise.Start, sc.Rise.Start
			rises++
		}
		const warmup = 21
		quiet += end - warmup
		sum, last, caught := 0.0, -100, false
		for i, x := range c.Series.Counts {
			if i < warmup || outage[i] {
				continue
			}
			mu := max(m0[i], 1e-3)
			sum = max(0, sum+nbLogPMF(x, factor*mu, sc.Size)-nbLogPMF(x, mu, sc.Size))
			if sum < h {
				continue
			}
			sum = 0
			switch {
			case i < end:
				if i-last > EpisodeGap {
					fa++
				}
				last = i
			case i <= start+TimelyHorizon:
				caught = true
			}
		}
		if caught {
			within++
		}
	}
	return float64(within) / float64(rises), 1000 * float64(fa) / float64(quiet)
}

// TestKnownBaselineBound prints the bound for both suites; the docs quote
// it. Run: go test ./internal/earlywarning -run TestKnownBaselineBound -bound -v
func TestKnownBaselineBound(t *testing.T) {
	if !*bound {
		t.Skip("run with -bound to print the bound")
	}
	for _, suite := range []MixConfig{TuningSuite(), TuningWideSuite(), HeldOutSuite()} {
		cases := suite.Cases()
		for _, h := range []float64{4, 4.5, 5, 5.5, 6, 7} {
			d, fa := knownBaseline(cases, h)
			fmt.Printf("%s\tknown baseline\th=%g\twithin %d days %.3f\tfalse alarms per 1,000 series-days %.2f\n", suite.Name, h, TimelyHorizon, d, fa)
		}
		if suite.Name == TuningSuite().Name {
			for _, v := range []struct {
				name       string
				mean, disp bool
			}{{"nbcusum, true expected counts", true, false}, {"nbcusum, true dispersion", false, true}} {
				for _, h := range []float64{5.5, 6, 6.5, 7} {
					d, fa := nbcusumWithTruth(cases, DefaultNBCUSUM(), v.mean, v.disp, h)
					fmt.Printf("%s\t%s\th=%g\twithin %d days %.3f\tfalse alarms per 1,000 series-days %.2f\n", suite.Name, v.name, h, TimelyHorizon, d, fa)
				}
			}
		}
		if suite.Name != HeldOutSuite().Name {
			// Which part of the baseline costs more, on the series
			// without holidays or outages.
			var plain []Case
			for _, c := range cases {
				if len(c.Scenario.Holidays) == 0 && len(c.Scenario.Missing) == 0 {
					plain = append(plain, c)
				}
			}
			for _, v := range []struct {
				name        string
				level, week bool
			}{{"estimated", false, false}, {"true level", true, false}, {"true weekly pattern", false, true}, {"true level and weekly pattern", true, true}} {
				d, fa := nbcusumWithTrueParts(plain, DefaultNBCUSUM(), v.level, v.week, 6)
				fmt.Printf("%s\tnbcusum on %d series without holidays or outages, %s\th=6\twithin %d days %.3f\tfalse alarms per 1,000 series-days %.2f\n",
					suite.Name, len(plain), v.name, TimelyHorizon, d, fa)
			}
		}
		for _, h := range []float64{8, 10, 12, 14, 16, 18, 20, 22} {
			m := Evaluate(Monitor{Detectors: []CountDetector{plainPoissonCUSUM(h)}}, cases, TimelyHorizon)
			fmt.Printf("%s\tplain Poisson CUSUM\th=%g\twithin %d days %.3f\tfalse alarms per 1,000 series-days %.2f\n", suite.Name, h, TimelyHorizon, m.DetectionRate, m.FalseAlarmsPer1000)
		}
	}
}

// TestKnownBaselineSeesRises keeps the bound honest: on a plain Poisson
// series with a large step it must alarm within days, and never on the
// same series without the step.
func TestKnownBaselineSeesRises(t *testing.T) {
	sc := Scenario{Days: 200, Rate: 2, Rise: Rise{Shape: RiseStep, Start: 100, Factor: 4}}
	quiet := sc
	quiet.Rise = Rise{Shape: RiseNone}
	cases := []Case{{Scenario: sc, Series: Generate(sc, "r", 1)}, {Scenario: quiet, Series: Generate(quiet, "q", 2)}}
	if d, fa := knownBaseline(cases, 6); d != 1 || fa != 0 {
		t.Errorf("timely %v, false alarms %v; want 1 and 0", d, fa)
	}
}

// plainPoissonCUSUM is the reference detector of the evaluation the targets
// were set on: a Poisson CUSUM on a 28-day mean, without weekly adjustment
// or over-dispersion correction.
func plainPoissonCUSUM(h float64) CUSUM {
	c := DefaultCUSUM()
	c.Window, c.Threshold, c.Weekly, c.Overdispersed = 28, h, false, false
	return c
}

// TestPoissonStepsGiveThePlainCUSUMItsFigure: steps of 3 to 6 standard
// deviations on plain Poisson series at 0.2 to 10 a day, a quarter of
// 365-day series with one, give the plain Poisson CUSUM the one published
// figure it had on the held-back series (46 of 50 within 3 days at 1.0
// false alarm per 1,000 series-days), and the suites size their rises the
// same way. It is NOT data like the held-back series: the original CUSUM
// and EWMA, whose figures there are published too (44 of 50 at 0.99 and
// 44 of 50 at 0.80), raise about twice their false alarms on it and catch
// more, so the test checks that they do not fit, and the default's figure
// on it is a floor on plain Poisson data, not a figure for data like the
// held-back series (for that, see the calibration in
// calibration_test.go and docs/early-warning.md).
func TestPoissonStepsGiveThePlainCUSUMItsFigure(t *testing.T) {
	if testing.Short() {
		t.Skip("draws 4,000 series")
	}
	target := MixConfig{Name: "target", Series: 4000, Days: 365, Seed: 5,
		RateLo: 0.2, RateHi: 10, RiseShare: 0.25, RiseFrom: 45, RiseRoom: 30,
		RiseSDLo: 3, RiseSDHi: 6, MinExcess: 1}
	cases := target.Cases()
	m := Evaluate(Monitor{Detectors: []CountDetector{plainPoissonCUSUM(6)}}, cases, TimelyHorizon)
	t.Logf("plain Poisson CUSUM: within 3 days %.3f at %.2f false alarms per 1,000 series-days", m.DetectionRate, m.FalseAlarmsPer1000)
	if m.DetectionRate < 0.88 || m.DetectionRate > 0.95 || m.FalseAlarmsPer1000 < 0.7 || m.FalseAlarmsPer1000 > 1.3 {
		t.Errorf("within 3 days %.3f at %.2f false alarms; the held-back series gave 0.92 at 1.0", m.DetectionRate, m.FalseAlarmsPer1000)
	}
	for _, o := range []struct {
		name string
		got  calibFigure
		pub  calibFigure
	}{
		{"original cusum", scoreAsFirstShipped(cases, originalCUSUM()), published.cusum},
		{"original ewma", scoreAsFirstShipped(cases, originalEWMA()), published.ewma},
	} {
		t.Logf("%s: within 3 days %.3f at %.2f false alarms (published %.2f at %.2f)", o.name, o.got.Timely, o.got.FA, o.pub.Timely, o.pub.FA)
		if o.got.misfit(o.pub) <= 1 {
			t.Errorf("%s fits its published figure here: the docs say this data does not reproduce it", o.name)
		}
	}
	def, _ := SensitivityByName(SensitivityBalanced)
	m = Evaluate(def.Monitor(), cases, TimelyHorizon)
	t.Logf("default: within 3 days %.3f at %.2f false alarms per 1,000 series-days", m.DetectionRate, m.FalseAlarmsPer1000)
	if m.DetectionRate < 0.92 || m.FalseAlarmsPer1000 > 0.5 {
		t.Errorf("default: within 3 days %.3f at %.2f false alarms; it had 0.942 at 0.36", m.DetectionRate, m.FalseAlarmsPer1000)
	}
	for _, suite := range []MixConfig{TuningSuite(), TuningWideSuite(), HeldOutSuite()} {
		if suite.RampShare != 0 || (suite.RiseSDLo < 3 && len(suite.RiseSDs) == 0) {
			t.Errorf("%s: rises must be steps of 3 to 6 standard deviations", suite.Name)
		}
	}
}

// The detector's log-likelihood ratio is the difference of the two exact
// log-probabilities, negative binomial and Poisson alike.
func TestNBLLRIsExact(t *testing.T) {
	for _, tc := range []struct{ m0, m1, inv float64 }{{0.2, 1.5, 0}, {3, 7, 0}, {3, 7, 0.25}, {10, 36, 1 / 1.5}, {0.5, 2, 2}} {
		k := 0.0
		if tc.inv > 0 {
			k = 1 / tc.inv
		}
		for x := range 60 {
			want := nbLogPMF(x, tc.m1, k) - nbLogPMF(x, tc.m0, k)
			if got := nbLLR(x, tc.m0, tc.m1, tc.inv); math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
				t.Errorf("x=%d %+v: %v, want %v", x, tc, got, want)
			}
		}
	}
}

// nbcusumWithTruth runs the NBCUSUM statistic with the true expected count
// of each day before any rise (trueMean) or the series' true dispersion
// (trueDisp) in place of its estimates, to show how much of the distance to
// the known-baseline bound each estimate costs.
func nbcusumWithTruth(cases []Case, c NBCUSUM, trueMean, trueDisp bool, h float64) (timely, faPer1000 float64) {
	fa, quiet, rises, within := 0, 0, 0, 0
	for _, cs := range cases {
		sc := cs.Scenario
		null := sc
		null.Rise = Rise{Shape: RiseNone}
		truth := null.means()
		start, end := -1, sc.Days
		if sc.Rise.Shape != RiseNone {
			start, end = sc.Rise.Start, sc.Rise.Start
			rises++
		}
		quiet += end - c.Warmup()
		sum, last, caught := 0.0, -100, false
		var b weekBaseline
		fitted := -1
		for i, x := range cs.Series.Counts {
			to := 0
			if i >= c.Guard {
				to = (i - c.Guard) / 7
			}
			from := max(0, to-c.Weeks)
			if to-from < c.MinWeeks {
				continue
			}
			if to != fitted {
				b, _ = c.fit(cs.Series.Counts, from, to, int(cs.Series.Start.Weekday()), nil)
				fitted = to
			}
			m0 := max(b.level*b.weekday[i%7], c.MinRate)
			inv := b.invSize*(1+1/b.weeks) + 1/(7*b.weeks*max(b.level, c.MinRate))
			if trueMean {
				m0 = max(truth[i], c.MinRate)
				inv = b.invSize
			}
			if trueDisp {
				inv = 0
				if sc.Size > 0 {
					inv = 1 / sc.Size
				}
			}
			sd := math.Sqrt(m0 + m0*m0*inv)
			m1 := m0 + max(c.RiseSD*sd, c.MinShift)
			sum = max(0, sum+nbLLR(x, m0, m1, inv))
			if sum < h {
				continue
			}
			sum = 0
			switch {
			case i < end:
				if i-last > EpisodeGap {
					fa++
				}
				last = i
			case i <= start+TimelyHorizon:
				caught = true
			}
		}
		if caught {
			within++
		}
	}
	return float64(within) / float64(rises), 1000 * float64(fa) / float64(quiet)
}

// nbcusumWithTrueParts runs the NBCUSUM statistic on its own baseline
// (no closures inferred, no pooling) with the series' true level
// (trueLevel: the base rate times any level shift) or its true weekly
// pattern (trueWeek) in place of the estimate, to show which part of the
// baseline's estimate costs more.
func nbcusumWithTrueParts(cases []Case, c NBCUSUM, trueLevel, trueWeek bool, h float64) (timely, faPer1000 float64) {
	fa, quiet, rises, within := 0, 0, 0, 0
	for _, cs := range cases {
		sc := cs.Scenario
		start, end := -1, sc.Days
		if sc.Rise.Shape != RiseNone {
			start, end = sc.Rise.Start, sc.Rise.Start
			rises++
		}
		quiet += end - c.Warmup()
		sum, last, caught := 0.0, -100, false
		var b weekBaseline
		fitted := -1
		for i, x := range cs.Series.Counts {
			to := 0
			if i >= c.Guard {
				to = (i - c.Guard) / 7
			}
			from := max(0, to-c.Weeks)
			if to-from < c.MinWeeks {
				continue
			}
			if to != fitted {
				b, _ = c.fit(cs.Series.Counts, from, to, int(cs.Series.Start.Weekday()), nil)
				fitted = to
			}
			lvl := b.level
			if trueLevel {
				lvl = sc.Rate
				if sc.Shift.Factor > 0 && i >= sc.Shift.Start {
					lvl *= sc.Shift.Factor
				}
			}
			wd := b.weekday[i%7]
			if trueWeek {
				wd = 1
				if len(sc.Weekly) == 7 {
					wd = sc.Weekly[((int((SynthStart + Day(i)).Weekday()))+6)%7]
				}
			}
			m0 := max(lvl*wd, c.MinRate)
			inv := b.invSize*(1+1/b.weeks) + 1/(7*b.weeks*max(b.level, c.MinRate))
			if trueLevel {
				inv = b.invSize
			}
			sd := math.Sqrt(m0 + m0*m0*inv)
			m1 := m0 + max(c.RiseSD*sd, c.MinShift)
			sum = max(0, sum+nbLLR(x, m0, m1, inv))
			if sum < h {
				continue
			}
			sum = 0
			switch {
			case i < end:
				if i-last > EpisodeGap {
					fa++
				}
				last = i
			case i <= start+TimelyHorizon:
				caught = true
			}
		}
		if caught {
			within++
		}
	}
	return float64(within) / float64(rises), 1000 * float64(fa) / float64(quiet)
}
