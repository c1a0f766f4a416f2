package earlywarning

import (
	"math"
	"slices"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// NBCUSUM is a likelihood-ratio CUSUM for a rise in a daily count whose
// noise is negative binomial (Poisson when the series shows no
// over-dispersion), on a baseline that holidays, outages and a series'
// weekly rhythm do not bend. It is the detector the sensitivities run.
//
// Baseline. The series is cut into whole weeks counted from its first day.
// Day t is compared with the Weeks weeks that end more than Guard days
// before it (a younger series uses what it has, from MinWeeks on). Of
// those, the TrimLow lowest and TrimHigh highest week totals are left out,
// so that a holiday, an intake outage or a burst already past does not set
// the level; the level is the mean day of the weeks kept. Each weekday's
// multiplier comes from the same weeks, shrunk towards an even week by
// WeeklyShrink pseudo-weeks, so that a weekly rhythm is followed and noise
// is not taken for one. The expected count m of day t is the level times
// its weekday's multiplier, floored at MinRate.
//
// Noise. The over-dispersion 1/size of a negative binomial around those
// expectations is estimated by moments over the weeks kept,
// sum((x-e)^2 - x) / sum(e^2) with e each day's expectation, and is 0
// (Poisson) when that is not positive. The baseline's own sampling error is
// added, as the predictive distribution of a count from an estimated mean
// has it: with n weeks kept, the day's variance is
// (m + m^2/size) * (1 + 1/n) + m^2/(7 n level).
//
// Statistic. The alternative is a rise to m1 = m + max(RiseSD*sd, MinShift),
// the smallest rise worth hearing of within days, where sd is the square
// root of that variance; each day adds the log-likelihood ratio of its
// count under m1 against m, with the exact negative-binomial (or Poisson)
// probabilities, so that one report on a quiet series weighs what it
// should and a day far above the rest on an over-dispersed series does not
// weigh more than its noise allows. The sum is held at or above zero; at
// Threshold the detector alarms, reports the sum as its score and starts
// again from zero.
type NBCUSUM struct {
	Weeks         int     // whole weeks in the baseline (default 12)
	MinWeeks      int     // fewest weeks a day needs to be monitored (default 3)
	Guard         int     // most recent days the baseline never reaches (default 7)
	TrimLow       int     // lowest week totals left out of the baseline (default 2)
	TrimHigh      int     // highest week totals left out of the baseline (default 1)
	WeeklyShrink  float64 // pseudo-weeks pulling weekday multipliers towards 1 (default 10)
	MinRate       float64 // floor on the expected count (default 0.2 a day)
	RiseSD        float64 // rise to detect, in standard deviations of the day's count (default 3)
	MinShift      float64 // smallest rise to detect, in events a day (default 1)
	MaxDispersion float64 // cap on the estimated 1/size (default 2)
	Threshold     float64 // alarm level (default 5.75)
	// CatchUp is how many days after a holiday in the series' closure
	// calendar reports held back by it keep arriving (default 3).
	CatchUp int
	// CatchUpShare is the share of a holiday's shortfall expected to
	// arrive over the CatchUp days after it, spread evenly (default 0.5).
	CatchUpShare float64
	// Inferred closures. Without a calendar entry, a run of days whose
	// counts are, taken together, far likelier at InferFactor of the
	// expected intake than at the expected intake itself (their summed
	// log-likelihood ratio reaches InferLevel) is taken for a closure the
	// calendar does not list: it ends on the first day whose count is not
	// likelier low, and is then treated as a calendar holiday would be
	// (CatchUpShare of its shortfall expected over the CatchUp days after
	// it, its weeks left out of the baseline). A run longer than
	// MaxClosure days is a drop in level, not a closure, and nothing is
	// expected back from it. InferFactor 0 turns inference off.
	InferFactor float64
	InferLevel  float64
	MaxClosure  int
	// Refinements of the inference, each off at zero. InferEndMargin: a
	// closure ends only on a day whose count is likelier at the ordinary
	// intake by at least this log-likelihood ratio, so that one day of a
	// report or two does not end it. InferResume: on a catch-up day after
	// an inferred closure, a count likelier low by at least this takes the
	// closure up again (it had not ended), and its whole shortfall is
	// expected once it does. InferEndLevel: a run of low days whose
	// evidence reached this, below InferLevel, is taken for a closure when
	// it ends (a short holiday), with its catch-up expected.
	// InferRestart: a day likelier at the ordinary intake by at least this
	// moves the run's first day after it, so that an earlier low spell
	// does not make a closure look longer than MaxClosure.
	InferEndMargin float64
	InferResume    float64
	InferEndLevel  float64
	InferRestart   float64
	// PoolPatterns is how many weekly patterns an organisation's series
	// are pooled into (LearnWeeklyPrior; default 6, 0 for none). Pooled
	// sets Weekly from the series it is given.
	PoolPatterns int
	// Weekly, when it holds patterns, replaces the pull of the weekday
	// multipliers towards an even week by the organisation's weekly
	// patterns, weighed by how well the series' own weeks fit each. Nil
	// (one series judged alone) keeps the pull towards an even week.
	Weekly *WeeklyPrior
	// PoolDispersion learns how over-dispersed the organisation's series
	// are (LearnDispersionPrior); Pooled sets Dispersion from the series
	// it is given.
	PoolDispersion bool
	// Dispersion, when it holds a grid, replaces each baseline's moment
	// estimate of 1/size by its posterior mean under the organisation's
	// prior, given the counts of the weeks kept.
	Dispersion *DispersionPrior
}

// Pooled returns the detector for an organisation's series: with the
// weekly patterns learned from all of them when it pools and has none yet.
func (c NBCUSUM) Pooled(series []Series) NBCUSUM {
	if c.PoolPatterns > 0 && c.Weekly == nil {
		p := LearnWeeklyPrior(series, c.PoolPatterns)
		c.Weekly = &p
	}
	if c.PoolDispersion && c.Dispersion == nil {
		p := c.LearnDispersionPrior(series)
		c.Dispersion = &p
	}
	return c
}

// DetectorHistory is how many days of each series the detector job reads
// and an alert's chart redraws: the default baseline's 26 weeks, the guard
// and a week to spare.
const DetectorHistory = 200

// DefaultNBCUSUM returns the detector with the parameters chosen on the
// tuning suite (docs/early-warning.md).
func DefaultNBCUSUM() NBCUSUM {
	return NBCUSUM{Weeks: 26, MinWeeks: 3, Guard: 7, TrimLow: 3, TrimHigh: 1, WeeklyShrink: 10,
		MinRate: 0.2, RiseSD: 3, MinShift: 1, MaxDispersion: 2, Threshold: 5.75, CatchUp: 3, CatchUpShare: 0.5,
		InferFactor: 0.25, InferLevel: 8, MaxClosure: 21, PoolPatterns: 6}
}

func (c NBCUSUM) Name() string { return "nbcusum" }

// Warmup is the number of leading days never monitored: the first
// MinWeeks whole weeks and the guard after them.
func (c NBCUSUM) Warmup() int { return 7*c.MinWeeks + c.Guard }

// Validate names the first parameter out of range.
func (c NBCUSUM) Validate() error {
	switch {
	case c.Weeks < 1 || c.Weeks > 52:
		return kernel.Errorf(kernel.Invalid, "nbcusum weeks: %d is outside 1..52", c.Weeks)
	case c.MinWeeks < 1 || c.MinWeeks > c.Weeks:
		return kernel.Errorf(kernel.Invalid, "nbcusum min_weeks: %d is outside 1..weeks (%d)", c.MinWeeks, c.Weeks)
	case c.Guard < 0 || c.Guard > 60:
		return kernel.Errorf(kernel.Invalid, "nbcusum guard: %d days is outside 0..60", c.Guard)
	case c.TrimLow < 0 || c.TrimHigh < 0 || c.TrimLow+c.TrimHigh >= c.Weeks:
		return kernel.Errorf(kernel.Invalid, "nbcusum trim: leaving out %d low and %d high weeks leaves none of %d", c.TrimLow, c.TrimHigh, c.Weeks)
	case !(c.WeeklyShrink >= 0 && c.WeeklyShrink <= 100):
		return kernel.Errorf(kernel.Invalid, "nbcusum weekly_shrink: must be from 0 to 100")
	case !(c.MinRate > 0) || c.MinRate > 1000:
		return kernel.Errorf(kernel.Invalid, "nbcusum min_rate: must be above 0 and at most 1000")
	case !(c.RiseSD > 0) || c.RiseSD > 100:
		return kernel.Errorf(kernel.Invalid, "nbcusum rise_sd: %v is outside (0, 100]", c.RiseSD)
	case !(c.MinShift >= 0) || c.MinShift > 1000:
		return kernel.Errorf(kernel.Invalid, "nbcusum min_shift: %v is outside [0, 1000]", c.MinShift)
	case !(c.MaxDispersion >= 0) || c.MaxDispersion > 100:
		return kernel.Errorf(kernel.Invalid, "nbcusum max_dispersion: %v is outside [0, 100]", c.MaxDispersion)
	case !(c.Threshold > 0) || c.Threshold > 1000:
		return kernel.Errorf(kernel.Invalid, "nbcusum threshold: %v is outside (0, 1000]", c.Threshold)
	case c.CatchUp < 0 || c.CatchUp > 30:
		return kernel.Errorf(kernel.Invalid, "nbcusum catch_up: %d days is outside 0..30", c.CatchUp)
	case !(c.CatchUpShare >= 0 && c.CatchUpShare <= 1):
		return kernel.Errorf(kernel.Invalid, "nbcusum catch_up_share: %v is outside [0, 1]", c.CatchUpShare)
	case !(c.InferFactor >= 0 && c.InferFactor < 1):
		return kernel.Errorf(kernel.Invalid, "nbcusum infer_factor: %v is outside [0, 1)", c.InferFactor)
	case c.InferFactor > 0 && !(c.InferLevel > 0 && c.InferLevel <= 1000):
		return kernel.Errorf(kernel.Invalid, "nbcusum infer_level: %v is outside (0, 1000]", c.InferLevel)
	case c.InferFactor > 0 && (c.MaxClosure < 1 || c.MaxClosure > 92):
		return kernel.Errorf(kernel.Invalid, "nbcusum max_closure: %d days is outside 1..92", c.MaxClosure)
	case !(c.InferEndMargin >= 0 && c.InferEndMargin <= 100):
		return kernel.Errorf(kernel.Invalid, "nbcusum infer_end_margin: %v is outside [0, 100]", c.InferEndMargin)
	case !(c.InferResume >= 0 && c.InferResume <= 100):
		return kernel.Errorf(kernel.Invalid, "nbcusum infer_resume: %v is outside [0, 100]", c.InferResume)
	case !(c.InferEndLevel >= 0) || c.InferEndLevel > 0 && c.InferEndLevel >= c.InferLevel:
		return kernel.Errorf(kernel.Invalid, "nbcusum infer_end_level: %v is outside [0, infer_level)", c.InferEndLevel)
	case !(c.InferRestart >= 0 && c.InferRestart <= 100):
		return kernel.Errorf(kernel.Invalid, "nbcusum infer_restart: %v is outside [0, 100]", c.InferRestart)
	case c.PoolPatterns < 0 || c.PoolPatterns > 20:
		return kernel.Errorf(kernel.Invalid, "nbcusum pool_patterns: %d is outside 0..20", c.PoolPatterns)
	}
	return nil
}

// weekBaseline is the baseline fitted on one run of whole weeks.
type weekBaseline struct {
	level   float64    // mean count a day over the weeks kept
	weekday [7]float64 // multiplier by position in the series' week (day index mod 7)
	invSize float64    // over-dispersion 1/size; 0 for Poisson
	weeks   float64    // weeks kept
}

// week is one whole week of a series: its first day and its total.
type week struct{ first, total int }

// fitSkipping fits the baseline on weeks [from, to) less those holding a
// day skip marks, when at least MinWeeks are left; otherwise on all.
func (c NBCUSUM) fitSkipping(counts []int, skip []bool, from, to, first int, buf []week) weekBaseline {
	b, _, _ := c.fitKept(counts, skip, from, to, first, buf)
	return b
}

// fitKept is fitSkipping that also returns the weeks the baseline kept,
// as whole weeks of the counts it returns.
func (c NBCUSUM) fitKept(counts []int, skip []bool, from, to, first int, buf []week) (weekBaseline, []int, []week) {
	if skip == nil {
		b, weeks := c.fit(counts, from, to, first, buf)
		return b, counts, weeks
	}
	var keep []int
	for w := from; w < to; w++ {
		ok := true
		for _, sk := range skip[7*w : 7*w+7] {
			ok = ok && !sk
		}
		if ok {
			keep = append(keep, w)
		}
	}
	if len(keep) < c.MinWeeks || len(keep) == to-from {
		b, weeks := c.fit(counts, from, to, first, buf)
		return b, counts, weeks
	}
	// Lay the kept weeks end to end in their own order; weekday positions
	// stay aligned because every week is whole.
	packed := make([]int, 0, 7*len(keep))
	for _, w := range keep {
		packed = append(packed, counts[7*w:7*w+7]...)
	}
	b, weeks := c.fit(packed, 0, len(keep), first, buf)
	return b, packed, weeks
}

// fit builds the baseline from weeks [from, to) of counts; week w is days
// 7w to 7w+6, and day 0 falls on weekday first (time.Sunday = 0). buf is
// scratch space for the weeks.
func (c NBCUSUM) fit(counts []int, from, to, first int, buf []week) (weekBaseline, []week) {
	weeks := buf[:0]
	for w := from; w < to; w++ {
		t := 0
		for _, x := range counts[7*w : 7*w+7] {
			t += x
		}
		weeks = append(weeks, week{first: 7 * w, total: t})
	}
	// Stable, so that ties keep calendar order and the fit is
	// deterministic.
	slices.SortStableFunc(weeks, func(a, b week) int { return a.total - b.total })
	if len(weeks) > c.TrimLow+c.TrimHigh {
		weeks = weeks[c.TrimLow : len(weeks)-c.TrimHigh]
	}
	var b weekBaseline
	var byDay [7]float64
	total := 0
	for _, w := range weeks {
		for d := range 7 {
			byDay[d] += float64(counts[w.first+d])
		}
		total += w.total
	}
	b.weeks = float64(len(weeks))
	b.level = float64(total) / (7 * b.weeks)
	for d := range 7 {
		b.weekday[d] = 1
		if b.level > 0 {
			b.weekday[d] = (byDay[d] + c.WeeklyShrink*b.level) / (b.level * (b.weeks + c.WeeklyShrink))
		}
	}
	b.invSize = c.dispersion(counts, weeks, b)
	if c.Weekly != nil && b.level > 0 {
		// Whether the series fits a pattern is judged against its
		// over-dispersion around its own unshrunk weekdays, which a strong
		// rhythm pulled towards an even week does not inflate.
		raw := b
		for d := range 7 {
			raw.weekday[d] = byDay[d] / (b.level * b.weeks)
		}
		if m, ok := c.Weekly.weekdayMultipliers(byDay, first, 1+c.dispersion(counts, weeks, raw)*b.level); ok {
			b.weekday = m
			b.invSize = c.dispersion(counts, weeks, b)
		}
	}
	if c.Dispersion != nil && len(c.Dispersion.Grid) > 0 && b.level > 0 {
		ll := make([]float64, len(c.Dispersion.Grid))
		c.gridLogLikelihood(counts, weeks, b, c.Dispersion.Grid, ll)
		b.invSize = min(c.Dispersion.posteriorMean(ll), c.MaxDispersion)
	}
	return b, weeks
}

// dispersion estimates 1/size by moments around b's expectations.
func (c NBCUSUM) dispersion(counts []int, weeks []week, b weekBaseline) float64 {
	var excess, scale float64
	for _, w := range weeks {
		for d := range 7 {
			x := float64(counts[w.first+d])
			e := b.level * b.weekday[d]
			excess += (x-e)*(x-e) - x
			scale += e * e
		}
	}
	if scale > 0 && excess > 0 {
		return min(excess/scale, c.MaxDispersion)
	}
	return 0
}

// nbLLR is the log-likelihood ratio of count x under mean m1 against mean
// m0, both negative binomial with over-dispersion invSize (Poisson at 0).
// The log-gamma terms of the two probabilities cancel.
func nbLLR(x int, m0, m1, invSize float64) float64 {
	fx := float64(x)
	if invSize <= 0 {
		return fx*math.Log(m1/m0) - (m1 - m0)
	}
	k := 1 / invSize
	return fx*math.Log(m1*(k+m0)/(m0*(k+m1))) + k*math.Log((k+m0)/(k+m1))
}

// Detect returns the days on which the detector alarmed. c must be valid.
func (c NBCUSUM) Detect(s Series) []Detection {
	var out []Detection
	c.walk(s, func(i int, _, sum float64, alarm bool) {
		if alarm {
			out = append(out, Detection{Key: s.Key, Day: s.Start + Day(i), Detector: c.Name(), Score: round3(sum)})
		}
	})
	return out
}

// TracePoint is one day of a series as the detector saw it.
type TracePoint struct {
	Day   Day
	Count int
	// Monitored is false in the cold start, before the baseline has
	// MinWeeks weeks; Expected and Sum are then zero.
	Monitored bool
	// Expected is the count the baseline expected on the day.
	Expected float64
	// Sum is the CUSUM after the day, before a reset (rounded to three
	// decimals); it reaches Threshold on the days the detector alarmed.
	Sum   float64
	Alarm bool
}

// Trace returns every day of s with the count the detector expected, its
// running sum and whether it alarmed, so that a person can see why an
// alarm was raised. Its alarm days are exactly those of Detect. c must be
// valid.
func (c NBCUSUM) Trace(s Series) []TracePoint {
	out := make([]TracePoint, len(s.Counts))
	for i, x := range s.Counts {
		out[i] = TracePoint{Day: s.Start + Day(i), Count: x}
	}
	c.walk(s, func(i int, expected, sum float64, alarm bool) {
		out[i].Monitored, out[i].Expected, out[i].Sum, out[i].Alarm = true, expected, round3(sum), alarm
	})
	return out
}

// walk runs the detector over s and calls day for every monitored day with
// its expected count, the sum after the day (before a reset) and whether
// the detector alarmed on it.
func (c NBCUSUM) walk(s Series, day func(i int, expected, sum float64, alarm bool)) {
	sum := 0.0
	for i, e := range c.expectations(s) {
		if !e.monitored {
			continue
		}
		x := s.Counts[i]
		sd := math.Sqrt(e.mean + e.mean*e.mean*e.invSize)
		m1 := e.mean + max(c.RiseSD*sd, c.MinShift)
		sum = max(0, sum+nbLLR(x, e.mean, m1, e.invSize))
		alarm := sum >= c.Threshold
		day(i, e.mean, sum, alarm)
		if alarm {
			sum = 0
		}
	}
}

// dayModel is what the baseline expects of one day of a series.
type dayModel struct {
	monitored bool    // false in the cold start and on closed days
	mean      float64 // the expected count
	invSize   float64 // the predictive over-dispersion 1/size around it
	level     float64 // the baseline's mean day
	weeks     float64 // weeks the baseline kept
}

// expectations fits the baseline along s and returns each day's expected
// count and over-dispersion. The alarm statistic never feeds back into
// them: closures are inferred from the counts and the baseline alone.
func (c NBCUSUM) expectations(s Series) []dayModel {
	out := make([]dayModel, len(s.Counts))
	var b weekBaseline
	fitted := -1
	buf := make([]week, 0, c.Weeks)
	// Closed days and a holiday's catch-up days are left out of the
	// baseline: they say nothing about the ordinary level. Closures the
	// detector infers are marked as it finds them; the baseline only ever
	// reads weeks that ended more than Guard days ago.
	var skip []bool
	if len(s.Closed) > 0 || c.InferFactor > 0 {
		skip = make([]bool, len(s.Counts))
		for i := range s.Counts {
			switch s.closure(i) {
			case Holiday:
				for j := i; j < min(len(skip), i+1+c.CatchUp); j++ {
					skip[j] = true
				}
			case Outage:
				skip[i] = true
			}
		}
	}
	shortfall, owed := 0.0, 0 // the last holiday's missing reports, its catch-up days left
	// The inference's state: the sum of evidence for reduced intake, the
	// first day and shortfall of the run it has summed, and whether the run
	// is taken for a closure.
	low, runFrom, runShort, closed := 0.0, 0, 0.0, false
	// After an inferred closure has ended, while its catch-up is owed: its
	// first day and shortfall, and the shortfall of the days since, so
	// that a closure that had not really ended can be taken up again.
	resumable, closedFrom, closedShort, sinceShort := false, 0, 0.0, 0.0
	endRun := func(i int, catchUp bool) {
		resumable = false
		if closed && catchUp {
			shortfall, owed = runShort, c.CatchUp
			for j := i; j < min(len(skip), i+c.CatchUp); j++ {
				skip[j] = true
			}
			resumable, closedFrom, closedShort, sinceShort = c.InferResume > 0, runFrom, runShort, 0
		}
		low, runShort, closed = 0, 0, false
	}
	for i, x := range s.Counts {
		to := 0 // the baseline is weeks [from, to), all ending before day i-Guard
		if i >= c.Guard {
			to = (i - c.Guard) / 7
		}
		from := max(0, to-c.Weeks)
		if to-from < c.MinWeeks {
			continue
		}
		if to != fitted {
			b, fitted = c.fitSkipping(s.Counts, skip, from, to, int(s.Start.Weekday()), buf), to
		}
		m0 := max(b.level*b.weekday[i%7], c.MinRate)
		// The predictive over-dispersion: the series' own, plus the
		// relative sampling variance of the estimated expectation.
		inv := b.invSize*(1+1/b.weeks) + 1/(7*b.weeks*max(b.level, c.MinRate))
		// A closed day is not monitored. After a holiday, the reports it
		// held back are expected on top of the ordinary count.
		switch s.closure(i) {
		case Holiday:
			if closed {
				shortfall += runShort
			}
			endRun(i, false)
			shortfall += max(0, m0-float64(x))
			owed = c.CatchUp
			continue
		case Outage:
			endRun(i, false)
			continue
		}
		if c.InferFactor > 0 {
			step := nbLLR(x, m0, c.InferFactor*m0, inv)
			short := max(0, m0-float64(x))
			// The day ends a closure when its count is not likelier low,
			// by InferEndMargin or more.
			ends := step <= -c.InferEndMargin
			if resumable && owed == 0 {
				resumable = false
			}
			switch {
			case resumable && step >= c.InferResume && i-closedFrom < c.MaxClosure:
				// A day of the catch-up as low as the closure's: it had
				// not ended. Its shortfall so far is owed once it does.
				closed, runFrom, low = true, closedFrom, c.InferLevel
				runShort = closedShort + sinceShort + short
				shortfall, owed, resumable = 0, 0, false
				for j := closedFrom; j <= i; j++ {
					skip[j] = true
				}
			case closed && !ends && i-runFrom < c.MaxClosure:
				runShort += short
				skip[i] = true
			case closed:
				endRun(i, i-runFrom < c.MaxClosure)
			case c.InferEndLevel > 0 && low >= c.InferEndLevel && ends && i-runFrom <= c.MaxClosure:
				// A run too short to be taken for a closure while it
				// lasted, judged as it ends.
				closed = true
				for j := runFrom; j < i; j++ {
					skip[j] = true
				}
				endRun(i, true)
			default:
				if resumable {
					sinceShort += short
				}
				if low == 0 {
					runFrom, runShort = i, 0
				}
				low = max(0, low+step)
				if low > 0 {
					runShort += short
					if c.InferRestart > 0 && step <= -c.InferRestart {
						// A day clearly at the ordinary intake: a closure
						// can only start after it.
						runFrom, runShort = i+1, 0
					}
				}
				if low >= c.InferLevel {
					closed = true
					for j := runFrom; j <= i; j++ {
						skip[j] = true
					}
				}
			}
		}
		if owed > 0 {
			m0 += c.CatchUpShare * shortfall / float64(c.CatchUp)
			owed--
		} else {
			shortfall = 0
		}
		out[i] = dayModel{monitored: true, mean: m0, invSize: inv, level: b.level, weeks: b.weeks}
	}
	return out
}
