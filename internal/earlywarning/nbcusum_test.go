package earlywarning_test

import (
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
)

func TestNBCUSUMValidation(t *testing.T) {
	mut := func(f func(*ew.NBCUSUM)) ew.NBCUSUM { c := ew.DefaultNBCUSUM(); f(&c); return c }
	tests := []struct {
		name string
		c    ew.NBCUSUM
		want string
	}{
		{"default", ew.DefaultNBCUSUM(), ""},
		{"no weeks", mut(func(c *ew.NBCUSUM) { c.Weeks = 0 }), "nbcusum weeks: 0 is outside 1..52"},
		{"min weeks above weeks", mut(func(c *ew.NBCUSUM) { c.MinWeeks = 27 }), "nbcusum min_weeks: 27 is outside 1..weeks (26)"},
		{"negative guard", mut(func(c *ew.NBCUSUM) { c.Guard = -1 }), "nbcusum guard: -1 days is outside 0..60"},
		{"trim everything", mut(func(c *ew.NBCUSUM) { c.TrimLow, c.TrimHigh = 13, 13 }), "nbcusum trim: leaving out 13 low and 13 high weeks leaves none of 26"},
		{"negative shrink", mut(func(c *ew.NBCUSUM) { c.WeeklyShrink = -1 }), "nbcusum weekly_shrink: must be from 0 to 100"},
		{"zero min rate", mut(func(c *ew.NBCUSUM) { c.MinRate = 0 }), "nbcusum min_rate: must be above 0 and at most 1000"},
		{"zero rise", mut(func(c *ew.NBCUSUM) { c.RiseSD = 0 }), "nbcusum rise_sd: 0 is outside (0, 100]"},
		{"negative min shift", mut(func(c *ew.NBCUSUM) { c.MinShift = -1 }), "nbcusum min_shift: -1 is outside [0, 1000]"},
		{"negative dispersion cap", mut(func(c *ew.NBCUSUM) { c.MaxDispersion = -1 }), "nbcusum max_dispersion: -1 is outside [0, 100]"},
		{"zero threshold", mut(func(c *ew.NBCUSUM) { c.Threshold = 0 }), "nbcusum threshold: 0 is outside (0, 1000]"},
		{"negative catch-up", mut(func(c *ew.NBCUSUM) { c.CatchUp = -1 }), "nbcusum catch_up: -1 days is outside 0..30"},
		{"catch-up share above one", mut(func(c *ew.NBCUSUM) { c.CatchUpShare = 1.5 }), "nbcusum catch_up_share: 1.5 is outside [0, 1]"},
		{"closures at full intake", mut(func(c *ew.NBCUSUM) { c.InferFactor = 1 }), "nbcusum infer_factor: 1 is outside [0, 1)"},
		{"no evidence asked for a closure", mut(func(c *ew.NBCUSUM) { c.InferLevel = 0 }), "nbcusum infer_level: 0 is outside (0, 1000]"},
		{"closures of no days", mut(func(c *ew.NBCUSUM) { c.MaxClosure = 0 }), "nbcusum max_closure: 0 days is outside 1..92"},
		{"inference off needs no level", mut(func(c *ew.NBCUSUM) { c.InferFactor, c.InferLevel, c.MaxClosure = 0, 0, 0 }), ""},
		{"negative pool", mut(func(c *ew.NBCUSUM) { c.PoolPatterns = -1 }), "nbcusum pool_patterns: -1 is outside 0..20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if err := tt.c.Validate(); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// NBCUSUM cases that the shared hand-made series do not cover: what the
// baseline must shrug off, and what it must still see.
func TestNBCUSUMBaseline(t *testing.T) {
	d := ew.DefaultNBCUSUM()
	weeklyThenHoliday := repeat(140, 5, 6, 5, 4, 6, 1, 0)
	for i := 70; i < 80; i++ { // ten days at a sixth of the intake
		weeklyThenHoliday[i] /= 6
	}
	outage := repeat(140, 3, 2, 4, 3, 3, 2, 4)
	for i := 60; i < 65; i++ {
		outage[i] = 0
	}
	dispersed := repeat(140, 2, 14, 0, 7, 1, 11, 3, 0, 9, 4, 1, 12, 5, 0)
	riseOnDispersed := append([]int(nil), dispersed...)
	for i := 100; i < 140; i++ {
		riseOnDispersed[i] += 25
	}
	mondayPeak := repeat(140, 15, 12, 11, 10, 9, 2, 1)
	mondayPeakRise := append([]int(nil), mondayPeak...)
	for i := 100; i < 140; i++ {
		mondayPeakRise[i] += 8
	}
	tests := []struct {
		name     string
		counts   []int
		from, to int
		wantAny  bool
	}{
		{"a holiday in the baseline is left out", weeklyThenHoliday, 0, 0, false},
		{"an outage in the baseline is left out", outage, 0, 0, false},
		{"an over-dispersed series raises nothing", dispersed, 0, 0, false},
		{"a rise of about three standard deviations on it is caught", riseOnDispersed, 100, 104, true},
		{"a Monday peak raises nothing", mondayPeak, 0, 0, false},
		{"a rise over a Monday peak is caught within days", mondayPeakRise, 100, 104, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := series(tt.counts...)
			got := d.Detect(s)
			if tt.wantAny && len(got) == 0 {
				t.Fatalf("no alarm; want one on days %d..%d", tt.from, tt.to-1)
			}
			for i, a := range got {
				day := int(a.Day - s.Start)
				// Once a rise is caught, the alarms that follow while it
				// lasts are expected.
				if (i == 0 || !tt.wantAny) && (day < tt.from || day >= tt.to) {
					t.Errorf("alarm on day %d (score %v); want none outside %d..%d", day, a.Score, tt.from, tt.to-1)
				}
			}
		})
	}
}

// withClosures returns s with days [from, from+days) marked k.
func withClosures(s ew.Series, k ew.Closure, from, days int) ew.Series {
	if s.Closed == nil {
		s.Closed = make([]ew.Closure, len(s.Counts))
	} else {
		s.Closed = append([]ew.Closure(nil), s.Closed...)
	}
	for i := from; i < from+days; i++ {
		s.Closed[i] = k
	}
	return s
}

// A closure calendar tells the detector what the counts alone cannot: a
// holiday's reports arrive late, an outage's never do. Each case is run
// without the calendar too, to show what it changes: without one the
// detector infers the closure from the counts and takes it for a holiday
// (TestNBCUSUMInfersClosures), so an outage's missing reports are expected
// back, and a rise right after it must stand out above them.
func TestNBCUSUMCalendar(t *testing.T) {
	d := ew.DefaultNBCUSUM()
	// Six reports a day; a ten-day holiday at one a day on days 140..149,
	// then 25 of the 50 missed reports over the next three days.
	holiday := repeat(210, 6)
	for i := 140; i < 150; i++ {
		holiday[i] = 1
	}
	holiday[150], holiday[151], holiday[152] = 14, 14, 14
	// A rise of 12 a day from day 151, on top of the catch-up.
	holidayRise := append([]int(nil), holiday...)
	for i := 151; i < 210; i++ {
		holidayRise[i] += 12
	}
	// An outage: nothing recorded on days 120..124, then a rise of 10 a
	// day from day 125.
	outageRise := repeat(200, 6)
	for i := 120; i < 125; i++ {
		outageRise[i] = 0
	}
	for i := 125; i < 200; i++ {
		outageRise[i] += 10
	}
	tests := []struct {
		name             string
		s                ew.Series
		without, with    bool // an alarm in [from, to) without and with the calendar
		from, to         int
		closure          ew.Closure
		closedFrom, days int
	}{
		{"a holiday's catch-up is expected", series(holiday...), false, false, 140, 160, ew.Holiday, 140, 10},
		{"a rise on top of the catch-up is caught", series(holidayRise...), true, true, 151, 155, ew.Holiday, 140, 10},
		{"a rise after an outage is caught", series(outageRise...), true, true, 125, 129, ew.Outage, 120, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := func(ds []ew.Detection) bool {
				for _, a := range ds {
					if day := int(a.Day - tt.s.Start); day >= tt.from && day < tt.to {
						return true
					}
				}
				return false
			}
			cal := withClosures(tt.s, tt.closure, tt.closedFrom, tt.days)
			got := d.Detect(cal)
			if w := in(d.Detect(tt.s)); w != tt.without {
				t.Errorf("without the calendar: alarm on days %d..%d is %v, want %v", tt.from, tt.to-1, w, tt.without)
			}
			if w := in(got); w != tt.with {
				t.Errorf("with the calendar: alarm on days %d..%d is %v, want %v (%v)", tt.from, tt.to-1, w, tt.with, got)
			}
			for _, a := range got {
				if day := int(a.Day - tt.s.Start); cal.Closed[day] != ew.Open {
					t.Errorf("alarm on closed day %d", day)
				}
			}
		})
	}
}

// Without a calendar, a run of days far below the baseline is taken for a
// closure: the reports it held back are expected over the next days, and
// the run's weeks are left out of the baseline. A drop that lasts longer
// than MaxClosure is a change of level, from which nothing is expected
// back.
func TestNBCUSUMInfersClosures(t *testing.T) {
	d := ew.DefaultNBCUSUM()
	// Six reports a day, one a day over days 140..149, then 25 of the 50
	// missed reports over the next three days.
	holiday := repeat(210, 6)
	for i := 140; i < 150; i++ {
		holiday[i] = 1
	}
	holiday[150], holiday[151], holiday[152] = 14, 14, 14
	tr := d.Trace(series(holiday...))
	// The baseline is exactly 6 a day; the run is summed from day 140, so
	// its shortfall is 10 x (6 - 1) = 50 and half of it, 25, is expected
	// over days 150..152.
	for i, want := range map[int]float64{139: 6, 149: 6, 150: 6 + 25.0/3, 151: 6 + 25.0/3, 152: 6 + 25.0/3, 153: 6} {
		if got := tr[i].Expected; math.Abs(got-want) > 1e-9 {
			t.Errorf("day %d: expected %v, want %v", i, got, want)
		}
	}
	for _, p := range tr {
		if p.Alarm {
			t.Errorf("alarm on day %d of an inferred holiday and its catch-up", int(p.Day-ew.SynthStart))
		}
	}
	off := d
	off.InferFactor = 0
	if len(off.Detect(series(holiday...))) == 0 {
		t.Error("with inference off, the catch-up raises no alarm; the case no longer shows what inference does")
	}
	// A drop to one a day from day 140 on, for good: the first MaxClosure
	// days are taken for a closure, then the run ends without a catch-up,
	// and the days after it never expect more than the old level.
	drop := repeat(260, 6)
	for i := 140; i < len(drop); i++ {
		drop[i] = 1
	}
	for _, p := range d.Trace(series(drop...))[140:] {
		if p.Expected > 6+1e-9 {
			t.Fatalf("day %d after a lasting drop expects %v, more than the old level", int(p.Day-ew.SynthStart), p.Expected)
		}
	}
	// Days a calendar lists are its own: the counts are not read for
	// closures on them.
	cal := withClosures(series(holiday...), ew.Holiday, 140, 10)
	if got, want := d.Trace(cal)[150].Expected, 6+25.0/3; math.Abs(got-want) > 1e-9 {
		t.Errorf("with the calendar: day 150 expects %v, want %v", got, want)
	}
}

// Properties of NBCUSUM that must hold for any series.
func TestNBCUSUMProperties(t *testing.T) {
	d := ew.DefaultNBCUSUM()
	t.Run("a constant series never alarms", rapid.MakeCheck(func(t *rapid.T) {
		c := rapid.IntRange(0, 500).Draw(t, "count")
		n := rapid.IntRange(0, 400).Draw(t, "days")
		if got := d.Detect(series(repeat(n, c)...)); len(got) != 0 {
			t.Fatalf("constant %d over %d days alarmed: %v", c, n, got)
		}
	}))
	t.Run("a larger rise is never caught later than a smaller one", func(t *testing.T) {
		compared, drawn := 0, 0
		rapid.Check(t, func(t *rapid.T) {
			drawn++
			n := rapid.IntRange(d.Warmup()+8, 250).Draw(t, "days")
			level := rapid.IntRange(0, 10).Draw(t, "level")
			noise := rapid.SliceOfN(rapid.IntRange(-2, 2), n, n).Draw(t, "noise")
			base := make([]int, n)
			for i := range base {
				base[i] = max(0, level+noise[i])
			}
			start := rapid.IntRange(d.Warmup(), n-8).Draw(t, "start")
			small := rapid.IntRange(0, 25).Draw(t, "small")
			large := small + rapid.IntRange(0, 25).Draw(t, "more")
			first := func(step int) int {
				counts := append([]int(nil), base...)
				for i := start; i < n; i++ {
					counts[i] += step
				}
				for _, a := range d.Detect(series(counts...)) {
					if day := int(a.Day - ew.SynthStart); day >= start {
						return day
					}
				}
				return n
			}
			// Within the guard the rise has not reached the baseline, so
			// the two series share it and only the counts differ.
			if s := first(small); s <= start+d.Guard {
				compared++
				if l := first(large); l > s {
					t.Fatalf("rise of %d caught on day %d, rise of %d on day %d", small, s, large, l)
				}
			}
		})
		if compared*5 < drawn {
			t.Errorf("only %d of the %d drawn cases caught the smaller rise within the guard; the property was hardly tested", compared, drawn)
		}
	})
	t.Run("a calendar without closures changes nothing", rapid.MakeCheck(func(t *rapid.T) {
		n := rapid.IntRange(0, 300).Draw(t, "days")
		s := series(rapid.SliceOfN(rapid.IntRange(0, 15), n, n).Draw(t, "counts")...)
		open := s
		open.Closed = make([]ew.Closure, rapid.IntRange(0, n).Draw(t, "calendar days"))
		if a, b := d.Detect(s), d.Detect(open); !slices.Equal(a, b) {
			t.Fatalf("without a calendar %v, with an open one %v", a, b)
		}
	}))
	t.Run("no alarm on a closed day", rapid.MakeCheck(func(t *rapid.T) {
		n := rapid.IntRange(1, 300).Draw(t, "days")
		s := series(rapid.SliceOfN(rapid.IntRange(0, 30), n, n).Draw(t, "counts")...)
		s.Closed = rapid.SliceOfN(rapid.SampledFrom([]ew.Closure{ew.Open, ew.Open, ew.Open, ew.Holiday, ew.Outage}), n, n).Draw(t, "calendar")
		for _, a := range d.Detect(s) {
			if day := int(a.Day - s.Start); s.Closed[day] != ew.Open {
				t.Fatalf("alarm on closed day %d", day)
			}
		}
	}))
	t.Run("more reports on one day never lower the score", rapid.MakeCheck(func(t *rapid.T) {
		n := rapid.IntRange(d.Warmup()+1, 200).Draw(t, "days")
		counts := rapid.SliceOfN(rapid.IntRange(0, 12), n, n).Draw(t, "counts")
		last := n - 1
		extra := rapid.IntRange(1, 50).Draw(t, "extra")
		before := d.Detect(series(counts...))
		counts[last] += extra
		after := d.Detect(series(counts...))
		if len(after) < len(before) {
			t.Fatalf("%d more reports on the last day removed an alarm: %v then %v", extra, before, after)
		}
	}))
}

func BenchmarkNBCUSUM(b *testing.B) {
	s := ew.Generate(ew.Scenario{Days: 3650, Rate: 3, Size: 4, Weekend: 0.5}, "k", 1)
	d := ew.DefaultNBCUSUM()
	b.ReportAllocs()
	for b.Loop() {
		d.Detect(s)
	}
	b.ReportMetric(float64(b.N*len(s.Counts))/b.Elapsed().Seconds(), "days/s")
}

// TestNBCUSUMInferenceRefinements shows what each refinement of closure
// inference changes, on a series of exactly two reports a day.
func TestNBCUSUMInferenceRefinements(t *testing.T) {
	// A twelve-day closure (days 140..151) with two reports on its
	// seventh day, then 12 of the 24 missed reports over days 152..154.
	broken := repeat(210, 2)
	for i := 140; i < 152; i++ {
		broken[i] = 0
	}
	broken[146] = 2
	broken[152], broken[153], broken[154] = 6, 6, 6
	// Three days without reports (days 140..142), then 3 of the 6 missed
	// over days 143..145.
	short := repeat(210, 2)
	short[140], short[141], short[142] = 0, 0, 0
	short[143], short[144], short[145] = 3, 3, 3
	// Four days without reports (110..113), one busy day, then twelve
	// more without (115..126) and half of those missed over 127..129.
	spells := repeat(210, 2)
	for i := 110; i < 127; i++ {
		spells[i] = 0
	}
	spells[114] = 4
	spells[127], spells[128], spells[129] = 6, 6, 6
	tests := []struct {
		name       string
		counts     []int
		set        func(*ew.NBCUSUM)
		early, end int // a day the default expects the catch-up on, and the day after the closure
		maxClosure int // the longest closure on both sides, when not the default's
	}{
		{"a closure is not ended by one ordinary day (InferEndMargin)", broken, func(c *ew.NBCUSUM) { c.InferEndMargin = 2 }, 147, 152, 0},
		{"a closure ended too early is taken up again (InferResume)", broken, func(c *ew.NBCUSUM) { c.InferResume = 1 }, 147, 152, 0},
		{"a short closure is judged as it ends (InferEndLevel)", short, func(c *ew.NBCUSUM) { c.InferEndLevel = 4 }, -1, 143, 0},
		{"a busy day starts the closure after it (InferRestart)", spells, func(c *ew.NBCUSUM) { c.InferRestart = 2 }, -1, 127, 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := ew.DefaultNBCUSUM()
			if tt.maxClosure > 0 {
				base.MaxClosure = tt.maxClosure
			}
			refined := base
			tt.set(&refined)
			if err := refined.Validate(); err != nil {
				t.Fatal(err)
			}
			before, after := base.Trace(series(tt.counts...)), refined.Trace(series(tt.counts...))
			if tt.early >= 0 && !(before[tt.early].Expected > 2.5) {
				t.Errorf("the default expects %v on day %d; the case no longer shows a closure ended early", before[tt.early].Expected, tt.early)
			}
			if before[tt.end].Expected > 2.01 {
				t.Errorf("the default already expects %v after the closure; the case shows nothing", before[tt.end].Expected)
			}
			if got := after[tt.end].Expected; !(got > 2.5) {
				t.Errorf("refined: expected %v on day %d, the first after the closure; want the catch-up on top of 2", got, tt.end)
			}
			if tt.early >= 0 && after[tt.early].Expected > 2.01 {
				t.Errorf("refined: expected %v on day %d, inside the closure; want no catch-up there", after[tt.early].Expected, tt.early)
			}
		})
	}
	off := ew.DefaultNBCUSUM()
	for _, bad := range []func(*ew.NBCUSUM){
		func(c *ew.NBCUSUM) { c.InferEndMargin = -1 },
		func(c *ew.NBCUSUM) { c.InferResume = math.NaN() },
		func(c *ew.NBCUSUM) { c.InferEndLevel = 9 },
		func(c *ew.NBCUSUM) { c.InferRestart = 1001 },
	} {
		c := off
		bad(&c)
		if c.Validate() == nil {
			t.Errorf("%+v validated", c)
		}
	}
}
