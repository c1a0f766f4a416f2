package earlywarning_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
)

// TestTraceAgreesWithDetect: the days a trace marks as alarms are exactly
// the detections, with the same scores, on any series; the cold start is
// unmonitored and every monitored day expects at least MinRate.
func TestTraceAgreesWithDetect(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := ew.DefaultNBCUSUM()
		c.Threshold = rapid.Float64Range(2, 12).Draw(t, "threshold")
		counts := rapid.SliceOfN(rapid.IntRange(0, 30), 0, 200).Draw(t, "counts")
		s := ew.Series{Key: "country:BD", Start: ew.SynthStart, Counts: counts}
		tr := c.Trace(s)
		if len(tr) != len(counts) {
			t.Fatalf("trace has %d days, series %d", len(tr), len(counts))
		}
		var alarms []ew.Detection
		for i, p := range tr {
			if p.Day != s.Start+ew.Day(i) || p.Count != counts[i] {
				t.Fatalf("day %d: %+v", i, p)
			}
			if i < c.Warmup() && p.Monitored {
				t.Fatalf("day %d monitored in the cold start of %d days", i, c.Warmup())
			}
			if p.Monitored && p.Expected < c.MinRate {
				t.Fatalf("day %d expects %v, below the floor", i, p.Expected)
			}
			if p.Alarm && p.Sum < c.Threshold {
				t.Fatalf("day %d alarmed at sum %v below %v", i, p.Sum, c.Threshold)
			}
			if p.Alarm {
				alarms = append(alarms, ew.Detection{Key: s.Key, Day: p.Day, Detector: c.Name(), Score: p.Sum})
			}
		}
		got := c.Detect(s)
		if len(got) != len(alarms) {
			t.Fatalf("detect %v, trace %v", got, alarms)
		}
		for i := range got {
			if got[i] != alarms[i] {
				t.Fatalf("detect %v, trace %v", got[i], alarms[i])
			}
		}
	})
}

func TestSubjectSeries(t *testing.T) {
	bd := ew.Subject{Kind: ew.SubjectCountry, ID: "BD"}
	start := ew.SynthStart
	at := func(day int, hour int) time.Time {
		return (start + ew.Day(day)).Time().Add(time.Duration(hour) * time.Hour)
	}
	sigs := []ew.Signal{
		{Subject: bd, At: at(3, 9), Value: 2},
		{Subject: bd, At: at(3, 20), Value: 1},
		{Subject: ew.Subject{Kind: ew.SubjectCountry, ID: "KH"}, At: at(1, 0), Value: 7},
		{Subject: bd, At: at(5, 0), Value: 4},
		{Subject: bd, At: at(-1, 0), Value: 9}, // before the window
		{Subject: bd, At: at(10, 0), Value: 9}, // after it
	}
	s, ok := ew.SubjectSeries(sigs, bd, start, 7)
	if !ok || s.Key != "country:BD" || s.Start != start+3 {
		t.Fatalf("got %+v %v", s, ok)
	}
	if want := []int{3, 0, 4, 0}; len(s.Counts) != len(want) || s.Counts[0] != 3 || s.Counts[2] != 4 || s.Counts[3] != 0 {
		t.Errorf("counts %v, want %v", s.Counts, want)
	}
	if _, ok := ew.SubjectSeries(sigs, ew.Subject{Kind: ew.SubjectCountry, ID: "VN"}, start, 7); ok {
		t.Error("a subject without signals has a series")
	}
}
