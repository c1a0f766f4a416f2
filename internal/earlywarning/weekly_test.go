package earlywarning_test

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
)

// rhythmSeries draws n series of 182 days at the given rates with one
// weekly pattern (Monday first).
func rhythmSeries(prefix string, n int, rate float64, weekly []float64, seed uint64) []ew.Series {
	var out []ew.Series
	for i := range n {
		sc := ew.Scenario{Days: 182, Rate: rate, Weekly: weekly, Rise: ew.Rise{Shape: ew.RiseNone}}
		out = append(out, ew.Generate(sc, fmt.Sprintf("%s/%d", prefix, i), seed+uint64(i)))
	}
	return out
}

var (
	evenWeek    = []float64{1, 1, 1, 1, 1, 1, 1}
	closedWeekE = []float64{1.35, 1.35, 1.35, 1.35, 1.35, 0.125, 0.125} // Saturday and Sunday nearly closed
)

// The prior finds the rhythms an organisation's series share: here half
// its series are open all week and half nearly close at weekends.
func TestLearnWeeklyPrior(t *testing.T) {
	series := append(rhythmSeries("even", 20, 4, evenWeek, 1), rhythmSeries("closed", 20, 4, closedWeekE, 100)...)
	p := ew.LearnWeeklyPrior(series, 4)
	if !reflect.DeepEqual(p, ew.LearnWeeklyPrior(series, 4)) {
		t.Fatal("the same series gave two priors")
	}
	if len(p.Shares) < 2 || len(p.Shares) > 4 || len(p.Weights) != len(p.Shares) {
		t.Fatalf("%d patterns, %d weights", len(p.Shares), len(p.Weights))
	}
	// Each true rhythm is close to one pattern of the prior, in share of
	// the week per weekday.
	for _, truth := range [][]float64{evenWeek, closedWeekE} {
		var want [7]float64
		for i, m := range truth {
			want[(i+1)%7] = m / 7 // Monday first to time.Weekday order
		}
		best := math.Inf(1)
		for _, sh := range p.Shares {
			d := 0.0
			for w := range 7 {
				d = max(d, math.Abs(sh[w]-want[w]))
			}
			best = min(best, d)
		}
		if best > 0.01 {
			t.Errorf("no pattern within 0.01 of %v: %v", want, p.Shares)
		}
	}
	sum := 0.0
	for _, w := range p.Weights {
		sum += w
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("weights sum to %v", sum)
	}
	if q := ew.LearnWeeklyPrior(rhythmSeries("quiet", 5, 0.01, evenWeek, 7), 4); len(q.Shares) != 0 {
		t.Errorf("series too quiet to tell a rhythm gave %d patterns", len(q.Shares))
	}
}

// A quiet series borrows the rhythm of the busy series that share it: at
// half a report a day its own 26 weekends say little, and the even-week
// pull expects as many reports on a Sunday as on a Monday.
func TestPooledQuietSeriesFollowsSharedRhythm(t *testing.T) {
	busy := rhythmSeries("busy", 30, 6, closedWeekE, 1)
	quiet := rhythmSeries("quiet", 1, 0.5, closedWeekE, 500)[0]
	alone := ew.DefaultNBCUSUM()
	pooled := alone.Pooled(append(busy, quiet))
	sunday := func(d ew.NBCUSUM) float64 {
		tr := d.Trace(quiet)
		for i := len(tr) - 1; i >= 0; i-- {
			if tr[i].Day.Weekday() == time.Sunday && tr[i].Monitored {
				return tr[i].Expected
			}
		}
		t.Fatal("no monitored Sunday")
		return 0
	}
	// The true Sunday expectation is 0.5 x 0.125 = 0.0625, floored at
	// MinRate (0.2) by the detector.
	if a, p := sunday(alone), sunday(pooled); !(p < a) || p > 0.2+1e-9 {
		t.Errorf("Sunday expected %v alone, %v pooled; want pooled below alone and at the floor", a, p)
	}
}

// A series whose rhythm is like none of the organisation's keeps its own
// weekday multipliers, and pooling over series too quiet to learn from
// changes nothing.
func TestPoolingFallsBackToTheSeriesOwnWeeks(t *testing.T) {
	others := rhythmSeries("even", 30, 6, evenWeek, 1)
	odd := rhythmSeries("odd", 1, 10, closedWeekE, 900)[0]
	alone := ew.DefaultNBCUSUM()
	pooled := alone.Pooled(others)
	// From eight weeks of its own on, its weeks say clearly enough that
	// it is unlike the others.
	if a, p := alone.Trace(odd)[63:], pooled.Trace(odd)[63:]; !reflect.DeepEqual(a, p) {
		t.Error("a series unlike every pattern was scored with the organisation's patterns")
	}
	t.Run("pooling over silent series changes nothing", rapid.MakeCheck(func(t *rapid.T) {
		n := rapid.IntRange(0, 300).Draw(t, "days")
		counts := rapid.SliceOfN(rapid.IntRange(0, 3), n, n).Draw(t, "counts")
		s := ew.Series{Key: "s", Start: ew.SynthStart, Counts: counts}
		quiet := ew.Series{Key: "q", Start: ew.SynthStart, Counts: make([]int, 300)}
		if a, b := alone.Detect(s), alone.Pooled([]ew.Series{quiet}).Detect(s); !slices.Equal(a, b) {
			t.Fatalf("pooled over a silent series: %v, alone %v", b, a)
		}
	}))
	got := ew.Pool(others, []ew.CountDetector{alone, ew.DefaultCUSUM()})
	if c, ok := got[0].(ew.NBCUSUM); !ok || c.Weekly == nil || len(c.Weekly.Shares) == 0 {
		t.Errorf("Pool left nbcusum without patterns: %#v", got[0])
	}
	if !reflect.DeepEqual(got[1], ew.CountDetector(ew.DefaultCUSUM())) {
		t.Error("Pool changed a detector that does not pool")
	}
}
