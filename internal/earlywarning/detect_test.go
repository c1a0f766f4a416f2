package earlywarning_test

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
)

func series(counts ...int) ew.Series {
	return ew.Series{Key: "party:p1", Start: ew.SynthStart, Counts: counts}
}

func repeat(n int, pattern ...int) []int {
	out := make([]int, 0, n)
	for len(out) < n {
		out = append(out, pattern[len(out)%len(pattern)])
	}
	return out
}

func detectors() []ew.CountDetector {
	return []ew.CountDetector{ew.DefaultNBCUSUM(), ew.DefaultCUSUM(), ew.DefaultEWMA()}
}

func TestDetectorsOnHandMadeSeries(t *testing.T) {
	flat := repeat(120, 2)
	// Monday to Friday busy, weekend quiet; SynthStart is a Monday.
	weekly := repeat(120, 5, 6, 5, 4, 6, 1, 0)
	spike := repeat(90, 2, 1, 3, 2, 2, 1, 2)
	spike[60] = 25
	slow := repeat(120, 2, 1, 3, 2, 2, 1, 2)
	for i := 60; i < len(slow); i++ {
		slow[i] += (i - 60) / 6 // one more report a day every six days
	}
	silent := make([]int, 90)
	silentThenBurst := make([]int, 90)
	copy(silentThenBurst[60:], []int{3, 4, 5, 4})
	tests := []struct {
		name string
		s    ew.Series
		// alarms must fall inside [from, to); wantAny says at least one must.
		from, to int
		wantAny  bool
	}{
		{"flat series raises nothing", series(flat...), 0, 0, false},
		{"weekly pattern raises nothing", series(weekly...), 0, 0, false},
		{"single spike is caught on its day", series(spike...), 60, 61, true},
		{"slow rise is caught after it starts", series(slow...), 60, 120, true},
		{"silent series raises nothing", series(silent...), 0, 0, false},
		{"burst on a silent series is caught", series(silentThenBurst...), 60, 64, true},
	}
	for _, tt := range tests {
		for _, d := range detectors() {
			t.Run(tt.name+"/"+d.Name(), func(t *testing.T) {
				got := d.Detect(tt.s)
				if tt.wantAny && len(got) == 0 {
					t.Fatalf("no alarm; want one on days %d..%d", tt.from, tt.to-1)
				}
				for _, a := range got {
					i := int(a.Day - tt.s.Start)
					if i < tt.from || i >= tt.to {
						t.Errorf("alarm on day %d (%s, score %v); want none outside %d..%d", i, a.Day, a.Score, tt.from, tt.to-1)
					}
					if a.Key != tt.s.Key || a.Detector != d.Name() || a.Score <= 0 {
						t.Errorf("bad detection %+v", a)
					}
				}
			})
		}
	}
}

func TestColdStartNeverAlarms(t *testing.T) {
	counts := repeat(60, 0)
	for i := range counts {
		counts[i] = i * i // an explosive rise from the first day
	}
	for _, d := range detectors() {
		for _, a := range d.Detect(series(counts...)) {
			if i := int(a.Day - ew.SynthStart); i < d.Warmup() {
				t.Errorf("%s alarmed on day %d, inside its %d-day warm-up", d.Name(), i, d.Warmup())
			}
		}
	}
}

func TestDetectorsAreDeterministic(t *testing.T) {
	sc := ew.Scenario{Days: 200, Rate: 3, Size: 4, Weekend: 0.5, Rise: ew.Rise{Shape: ew.RiseStep, Start: 150, Factor: 2}}
	a := ew.Generate(sc, "k", 42)
	b := ew.Generate(sc, "k", 42)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("Generate is not deterministic:\n%s", diff)
	}
	for _, d := range detectors() {
		if diff := cmp.Diff(d.Detect(a), d.Detect(b)); diff != "" {
			t.Errorf("%s is not deterministic:\n%s", d.Name(), diff)
		}
	}
}

func TestEmptyAndShortSeries(t *testing.T) {
	for _, d := range detectors() {
		for _, n := range []int{0, 1, 5, d.Warmup()} {
			if got := d.Detect(series(repeat(n, 9)...)); len(got) != 0 && n > 0 {
				t.Errorf("%s on %d days: %v", d.Name(), n, got)
			}
		}
	}
}

func TestDetectorValidation(t *testing.T) {
	mut := func(f func(*ew.CUSUM)) ew.CUSUM { c := ew.DefaultCUSUM(); f(&c); return c }
	mutE := func(f func(*ew.EWMA)) ew.EWMA { e := ew.DefaultEWMA(); f(&e); return e }
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"default cusum", ew.DefaultCUSUM().Validate(), ""},
		{"default ewma", ew.DefaultEWMA().Validate(), ""},
		{"window too short", mut(func(c *ew.CUSUM) { c.Window = 3 }).Validate(), "baseline window: 3 days is outside 7..366"},
		{"history beyond window", mut(func(c *ew.CUSUM) { c.MinHistory = 100 }).Validate(), "baseline min_history: 100 days is outside 1..window (84)"},
		{"zero min rate", mut(func(c *ew.CUSUM) { c.MinRate = 0 }).Validate(), "baseline min_rate: must be a finite number above 0"},
		{"ratio 1", mut(func(c *ew.CUSUM) { c.Ratio = 1 }).Validate(), "cusum ratio: 1 is outside (1, 100]"},
		{"threshold 0", mut(func(c *ew.CUSUM) { c.Threshold = 0 }).Validate(), "cusum threshold: 0 is outside (0, 1000]"},
		{"lambda 0", mutE(func(e *ew.EWMA) { e.Lambda = 0 }).Validate(), "ewma lambda: 0 is outside (0, 1]"},
		{"limit negative", mutE(func(e *ew.EWMA) { e.Limit = -1 }).Validate(), "ewma limit: -1 is outside (0, 100]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if tt.err != nil {
				got = tt.err.Error()
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// Floors for the defaults on the held-out suite, which they were not tuned
// on: timely detection (within three days), false alarms per 1,000
// series-days and mean delay, for the default detector and for the
// previous pair, together and each alone.
// Raising a default's sensitivity or losing it shows here; the measured
// figures are in docs/early-warning.md.
func TestDetectionFloors(t *testing.T) {
	if testing.Short() {
		t.Skip("the held-out suite takes a few seconds")
	}
	cases := ew.HeldOutSuite().Cases()
	floors := []struct {
		mon          ew.Monitor
		minTimely    float64
		maxFAPer1000 float64
		maxMeanDelay float64
	}{
		{ew.Monitor{Detectors: []ew.CountDetector{ew.DefaultNBCUSUM()}}, 0.86, 1.0, 1.9},
		// The previous pair, still available to the backtest.
		{ew.Monitor{Detectors: []ew.CountDetector{ew.DefaultCUSUM(), ew.DefaultEWMA()}}, 0.72, 1.0, 2.8},
		{ew.Monitor{Detectors: []ew.CountDetector{ew.DefaultCUSUM()}}, 0.62, 1.0, 3.4},
		{ew.Monitor{Detectors: []ew.CountDetector{ew.DefaultEWMA()}}, 0.69, 1.0, 3.2},
	}
	for _, f := range floors {
		t.Run(f.mon.Names(), func(t *testing.T) {
			m := ew.Evaluate(f.mon, cases, ew.TimelyHorizon)
			t.Logf("within 3 days %.3f, mean delay %.2f, false alarms %.2f per 1000 series-days",
				m.DetectionRate, m.MeanDelay, m.FalseAlarmsPer1000)
			if m.DetectionRate < f.minTimely {
				t.Errorf("detection within 3 days %.3f is below the floor %.2f", m.DetectionRate, f.minTimely)
			}
			if m.FalseAlarmsPer1000 > f.maxFAPer1000 {
				t.Errorf("false alarms %.2f per 1000 series-days exceed the ceiling %.1f", m.FalseAlarmsPer1000, f.maxFAPer1000)
			}
			if m.MeanDelay > f.maxMeanDelay {
				t.Errorf("mean delay %.2f days exceeds %.0f", m.MeanDelay, f.maxMeanDelay)
			}
		})
	}
}

func TestDetectAllOrder(t *testing.T) {
	spike := repeat(60, 2)
	spike[40] = 30
	a := ew.Series{Key: "b", Start: ew.SynthStart, Counts: spike}
	b := ew.Series{Key: "a", Start: ew.SynthStart, Counts: spike}
	got := ew.DetectAll([]ew.Series{b, a}, ew.DefaultEWMA(), ew.DefaultCUSUM())
	want := []string{"a cusum", "a ewma", "b cusum", "b ewma"}
	var keys []string
	for _, d := range got {
		keys = append(keys, d.Key+" "+d.Detector)
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func BenchmarkCUSUM(b *testing.B) {
	s := ew.Generate(ew.Scenario{Days: 3650, Rate: 3, Size: 4, Weekend: 0.5}, "k", 1)
	d := ew.DefaultCUSUM()
	b.ReportAllocs()
	for b.Loop() {
		d.Detect(s)
	}
	b.ReportMetric(float64(b.N*len(s.Counts))/b.Elapsed().Seconds(), "days/s")
}

func BenchmarkEWMA(b *testing.B) {
	s := ew.Generate(ew.Scenario{Days: 3650, Rate: 3, Size: 4, Weekend: 0.5}, "k", 1)
	d := ew.DefaultEWMA()
	b.ReportAllocs()
	for b.Loop() {
		d.Detect(s)
	}
	b.ReportMetric(float64(b.N*len(s.Counts))/b.Elapsed().Seconds(), "days/s")
}

// TestSensitivityFigures: the figures each point shows to the person
// choosing it are what the held-out suite gives today.
func TestSensitivityFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("the held-out suite takes a few seconds")
	}
	cases := ew.HeldOutSuite().Cases()
	for _, p := range ew.Sensitivities() {
		m := ew.Evaluate(p.Monitor(), cases, ew.TimelyHorizon)
		got := ew.PointFigures{Timely: m.DetectionRate, FalseAlarmsPer1000: m.FalseAlarmsPer1000, MeanDelay: m.MeanDelay}
		if math.Abs(got.Timely-p.HeldOut.Timely) > 0.0005 || math.Abs(got.FalseAlarmsPer1000-p.HeldOut.FalseAlarmsPer1000) > 0.005 ||
			math.Abs(got.MeanDelay-p.HeldOut.MeanDelay) > 0.005 {
			t.Errorf("%s: measured %+v, shown %+v", p.Name, got, p.HeldOut)
		}
	}
}
