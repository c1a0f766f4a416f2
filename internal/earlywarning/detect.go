package earlywarning

import (
	"cmp"
	"math"
	"slices"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Detection is one day on which a count detector raised an alarm for a
// series. Score is the detector's statistic on that day (the CUSUM sum, or
// the EWMA in standard deviations), rounded to three decimals so that output
// is identical on every platform.
type Detection struct {
	Key      string  `json:"key"`
	Day      Day     `json:"date"`
	Detector string  `json:"detector"`
	Score    float64 `json:"score"`
}

// Trigger turns d into a trigger for the organisation's alert on the series.
// key is the series' subject, for example "party:0192...".
func (d Detection) Trigger(orgID string, subject Subject, severity Severity) Trigger {
	return Trigger{
		OrgID: orgID, Key: "anomaly/" + subject.String(), Kind: KindGrievanceCount, Subject: subject,
		Detector: d.Detector, Severity: severity, Score: d.Score, At: d.Day.Time(),
		Source: DetectorSource{Detector: d.Detector}.String(),
	}
}

// CountDetector finds unusual rises in a daily count series. Detect is
// deterministic: the same series always gives the same detections.
type CountDetector interface {
	Name() string
	// Warmup is the number of leading days of a series on which the
	// detector never alarms (its cold start).
	Warmup() int
	Detect(s Series) []Detection
}

// Baseline says how a detector estimates a series' expected count for a day
// from the series' own past: the mean of a trailing window that ends Guard
// days before the day, so that the start of a rise does not hide itself by
// raising its own baseline.
type Baseline struct {
	// Window is the number of days averaged (default 84; a series younger
	// than Guard+Window days uses what it has).
	Window int
	// Guard is the number of most recent days left out (default 7).
	Guard int
	// MinHistory is the cold start: a day is monitored only when at least
	// this many days of window are available (default 14). No alarm is ever
	// raised in the first Guard+MinHistory days of a series.
	MinHistory int
	// MinRate floors the expected count, so that a silent or very quiet
	// series never has an expectation of zero and a single report on it is
	// not an anomaly (default 0.2 a day).
	MinRate float64
	// Weekly scales the expectation by a day-of-week factor estimated from
	// the same window, shrunk towards 1 by WeeklyShrink pseudo-weeks
	// (default 4), for series with a weekly rhythm such as weekend dips.
	Weekly       bool
	WeeklyShrink float64
}

// DefaultBaseline returns the baseline the shipped detectors use.
func DefaultBaseline() Baseline {
	return Baseline{Window: 84, Guard: 7, MinHistory: 14, MinRate: 0.2, Weekly: true, WeeklyShrink: 4}
}

// Validate names the first parameter out of range.
func (b Baseline) Validate() error {
	switch {
	case b.Window < 7 || b.Window > 366:
		return kernel.Errorf(kernel.Invalid, "baseline window: %d days is outside 7..366", b.Window)
	case b.Guard < 0 || b.Guard > 60:
		return kernel.Errorf(kernel.Invalid, "baseline guard: %d days is outside 0..60", b.Guard)
	case b.MinHistory < 1 || b.MinHistory > b.Window:
		return kernel.Errorf(kernel.Invalid, "baseline min_history: %d days is outside 1..window (%d)", b.MinHistory, b.Window)
	case !(b.MinRate > 0) || math.IsInf(b.MinRate, 0):
		return kernel.Errorf(kernel.Invalid, "baseline min_rate: must be a finite number above 0")
	case b.Weekly && !(b.WeeklyShrink >= 0 && b.WeeklyShrink <= 100):
		return kernel.Errorf(kernel.Invalid, "baseline weekly_shrink: must be from 0 to 100")
	}
	return nil
}

// Warmup is the number of leading days never monitored.
func (b Baseline) Warmup() int { return b.Guard + b.MinHistory }

// expectation holds running sums over a series for O(1) baselines.
type expectation struct {
	b   Baseline
	sum []int64   // sum[i] = counts[0] + ... + counts[i-1]
	sq  []float64 // same, of squares
	// same[j] = counts[j] + counts[j-7] + counts[j-14] + ...: running sums
	// over days of one weekday, since day j and j-7 share a weekday.
	same []int64
}

func newExpectation(b Baseline, s Series) *expectation {
	n := len(s.Counts)
	e := &expectation{b: b, sum: make([]int64, n+1), sq: make([]float64, n+1)}
	for i, c := range s.Counts {
		e.sum[i+1] = e.sum[i] + int64(c)
		e.sq[i+1] = e.sq[i] + float64(c)*float64(c)
	}
	if b.Weekly {
		e.same = make([]int64, n)
		for i, c := range s.Counts {
			e.same[i] = int64(c)
			if i >= 7 {
				e.same[i] += e.same[i-7]
			}
		}
	}
	return e
}

// sameBefore returns the sum and number of days j < x with j%7 == r.
func (e *expectation) sameBefore(x, r int) (sum int64, days int) {
	if x <= r {
		return 0, 0
	}
	days = (x - r + 6) / 7
	return e.same[r+7*(days-1)], days
}

// at returns the expected count for day i and the dispersion ratio
// (variance over mean, at least 1) of the window, or ok=false when day i is
// still in the cold start.
func (e *expectation) at(i int) (mean, dispersion float64, ok bool) {
	b := e.b
	hi := i - b.Guard
	lo := max(0, hi-b.Window)
	n := hi - lo
	if n < b.MinHistory {
		return 0, 0, false
	}
	total := float64(e.sum[hi] - e.sum[lo])
	raw := total / float64(n)
	mean = raw
	if b.Weekly && raw > 0 {
		sh, nh := e.sameBefore(hi, i%7)
		sl, nl := e.sameBefore(lo, i%7)
		ws, wn := float64(sh-sl), float64(nh-nl)
		if k := b.WeeklyShrink; wn+k > 0 {
			mean *= (ws + k*raw) / (raw * (wn + k))
		}
	}
	mean = max(mean, b.MinRate)
	dispersion = 1
	if n > 1 && raw > 0 {
		v := (e.sq[hi] - e.sq[lo] - total*raw) / float64(n-1)
		dispersion = max(1, v/raw)
	}
	return mean, dispersion, true
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// CUSUM is a Poisson CUSUM: it accumulates the log-likelihood ratio of "the
// rate is Ratio times the baseline" against "the rate is the baseline" and
// alarms when the sum reaches Threshold, then starts again from zero.
//
// With expected count m for the day, the alternative is
// m1 = max(Ratio*m, m+MinShift), and the day adds
// x*ln(m1/m) - (m1-m), divided by the window's dispersion ratio when
// Overdispersed is set (a quasi-Poisson correction for negative-binomial
// series). The sum never goes below zero.
type CUSUM struct {
	Baseline
	Ratio         float64 // rise to detect, as a multiple of the baseline (default 2)
	MinShift      float64 // smallest rise to detect, in events a day (default 0.5)
	Threshold     float64 // alarm level h (default 7)
	Overdispersed bool    // scale by the window's variance-to-mean ratio (default true)
}

// DefaultCUSUM returns the CUSUM with the parameters chosen by the synthetic
// evaluation in docs/early-warning.md.
func DefaultCUSUM() CUSUM {
	return CUSUM{Baseline: DefaultBaseline(), Ratio: 2, MinShift: 0.5, Threshold: 7, Overdispersed: true}
}

func (c CUSUM) Name() string { return "cusum" }

// Validate names the first parameter out of range.
func (c CUSUM) Validate() error {
	if err := c.Baseline.Validate(); err != nil {
		return err
	}
	switch {
	case !(c.Ratio > 1) || c.Ratio > 100:
		return kernel.Errorf(kernel.Invalid, "cusum ratio: %v is outside (1, 100]", c.Ratio)
	case !(c.MinShift >= 0) || c.MinShift > 1000:
		return kernel.Errorf(kernel.Invalid, "cusum min_shift: %v is outside [0, 1000]", c.MinShift)
	case !(c.Threshold > 0) || c.Threshold > 1000:
		return kernel.Errorf(kernel.Invalid, "cusum threshold: %v is outside (0, 1000]", c.Threshold)
	}
	return nil
}

// Detect returns the days on which the CUSUM alarmed. c must be valid.
func (c CUSUM) Detect(s Series) []Detection {
	e := newExpectation(c.Baseline, s)
	var out []Detection
	sum := 0.0
	for i, x := range s.Counts {
		m, disp, ok := e.at(i)
		if !ok {
			continue
		}
		m1 := max(c.Ratio*m, m+c.MinShift)
		step := float64(x)*math.Log(m1/m) - (m1 - m)
		if c.Overdispersed {
			step /= disp
		}
		sum = max(0, sum+step)
		if sum >= c.Threshold {
			out = append(out, Detection{Key: s.Key, Day: s.Start + Day(i), Detector: c.Name(), Score: round3(sum)})
			sum = 0
		}
	}
	return out
}

// EWMA smooths each day's standardised excess (x-m)/sqrt(v) with weight
// Lambda and alarms when the smoothed value reaches Limit times its
// asymptotic standard deviation sqrt(Lambda/(2-Lambda)). The variance v is m
// for Poisson counts, or m times the window's variance-to-mean ratio when
// Overdispersed is set (negative-binomial aware). The statistic is held at or
// above zero, since only rises matter, and restarts at zero after an alarm.
type EWMA struct {
	Baseline
	Lambda        float64 // smoothing weight in (0, 1] (default 0.2)
	Limit         float64 // alarm level in standard deviations (default 5)
	Overdispersed bool    // variance from the window (default true)
}

// DefaultEWMA returns the EWMA with the parameters chosen by the synthetic
// evaluation in docs/early-warning.md.
func DefaultEWMA() EWMA {
	return EWMA{Baseline: DefaultBaseline(), Lambda: 0.2, Limit: 5, Overdispersed: true}
}

func (w EWMA) Name() string { return "ewma" }

// Validate names the first parameter out of range.
func (w EWMA) Validate() error {
	if err := w.Baseline.Validate(); err != nil {
		return err
	}
	switch {
	case !(w.Lambda > 0 && w.Lambda <= 1):
		return kernel.Errorf(kernel.Invalid, "ewma lambda: %v is outside (0, 1]", w.Lambda)
	case !(w.Limit > 0) || w.Limit > 100:
		return kernel.Errorf(kernel.Invalid, "ewma limit: %v is outside (0, 100]", w.Limit)
	}
	return nil
}

// Detect returns the days on which the EWMA alarmed. w must be valid.
func (w EWMA) Detect(s Series) []Detection {
	e := newExpectation(w.Baseline, s)
	sd := math.Sqrt(w.Lambda / (2 - w.Lambda))
	var out []Detection
	z := 0.0
	for i, x := range s.Counts {
		m, disp, ok := e.at(i)
		if !ok {
			continue
		}
		v := m
		if w.Overdispersed {
			v *= disp
		}
		r := (float64(x) - m) / math.Sqrt(v)
		z = max(0, w.Lambda*r+(1-w.Lambda)*z)
		if score := z / sd; score >= w.Limit {
			out = append(out, Detection{Key: s.Key, Day: s.Start + Day(i), Detector: w.Name(), Score: round3(score)})
			z = 0
		}
	}
	return out
}

// DetectorNames lists the detectors DetectorByName knows, the default
// first.
const DetectorNames = "nbcusum, cusum, ewma"

// DetectorByName returns the default detector with the given name.
func DetectorByName(name string) (CountDetector, error) {
	switch name {
	case "nbcusum":
		return DefaultNBCUSUM(), nil
	case "cusum":
		return DefaultCUSUM(), nil
	case "ewma":
		return DefaultEWMA(), nil
	}
	return nil, kernel.Errorf(kernel.Invalid, "detector %q is not one of %s", name, DetectorNames)
}

// DetectAll runs every detector over every series and returns the
// detections ordered by key, day and detector name.
func DetectAll(series []Series, detectors ...CountDetector) []Detection {
	var out []Detection
	for _, s := range series {
		var per []Detection
		for _, d := range detectors {
			per = append(per, d.Detect(s)...)
		}
		sortDetections(per)
		out = append(out, per...)
	}
	return out
}

func sortDetections(ds []Detection) {
	slices.SortStableFunc(ds, func(a, b Detection) int {
		if c := cmp.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Day, b.Day); c != 0 {
			return c
		}
		return cmp.Compare(a.Detector, b.Detector)
	})
}
