package earlywarning_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
)

func TestEpisodes(t *testing.T) {
	d0 := ew.SynthStart
	det := func(key string, day int, name string, score float64) ew.Detection {
		return ew.Detection{Key: key, Day: d0 + ew.Day(day), Detector: name, Score: score}
	}
	type ep struct {
		Key       string
		From, To  int
		Detectors []string
		Scores    map[string]float64
	}
	tests := []struct {
		name string
		in   []ew.Detection
		gap  int
		want []ep
	}{
		{"none", nil, 0, nil},
		{"both detectors on one day are one alarm that agreed",
			[]ew.Detection{det("a", 10, "cusum", 7.5), det("a", 10, "ewma", 5.2)}, 0,
			[]ep{{"a", 10, 10, []string{"cusum", "ewma"}, map[string]float64{"cusum": 7.5, "ewma": 5.2}}}},
		{"detectors three days apart are one alarm; four days apart are two",
			[]ew.Detection{det("a", 10, "ewma", 5), det("a", 13, "cusum", 8), det("a", 17, "cusum", 9)}, 0,
			[]ep{{"a", 10, 13, []string{"cusum", "ewma"}, map[string]float64{"cusum": 8, "ewma": 5}},
				{"a", 17, 17, []string{"cusum"}, map[string]float64{"cusum": 9}}}},
		{"a lasting rise re-firing every two days is one alarm with its highest score",
			[]ew.Detection{det("a", 10, "cusum", 7), det("a", 12, "cusum", 12), det("a", 14, "cusum", 8)}, 0,
			[]ep{{"a", 10, 14, []string{"cusum"}, map[string]float64{"cusum": 12}}}},
		{"series never share an alarm",
			[]ew.Detection{det("a", 10, "cusum", 7), det("b", 10, "ewma", 6)}, 0,
			[]ep{{"a", 10, 10, []string{"cusum"}, map[string]float64{"cusum": 7}}, {"b", 10, 10, []string{"ewma"}, map[string]float64{"ewma": 6}}}},
		{"a wider gap joins more",
			[]ew.Detection{det("a", 10, "ewma", 5), det("a", 17, "cusum", 8)}, 7,
			[]ep{{"a", 10, 17, []string{"cusum", "ewma"}, map[string]float64{"cusum": 8, "ewma": 5}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []ep
			for _, a := range ew.Episodes(tt.in, tt.gap) {
				got = append(got, ep{a.Key, int(a.Day - d0), int(a.Last - d0), a.Detectors, a.Scores})
				if a.Agreed() != (len(a.Detectors) > 1) {
					t.Errorf("Agreed() = %v for %v", a.Agreed(), a.Detectors)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("episodes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMixedSuiteDisturbances(t *testing.T) {
	// The generator's disturbances do what they say: outages are zero,
	// holidays dip and are followed by catch-up, a shift changes the level
	// and is not a rise, and the two suites differ.
	sc := ew.Scenario{Days: 200, Rate: 10, Missing: []ew.Span{{Start: 50, Days: 4}},
		Holidays: []ew.Span{{Start: 100, Days: 7}}, Shift: ew.Shift{Start: 150, Factor: 0.5}}
	s := ew.Generate(sc, "k", 3)
	sum := func(from, to int) (n int) {
		for _, c := range s.Counts[from:to] {
			n += c
		}
		return n
	}
	if got := sum(50, 54); got != 0 {
		t.Errorf("outage days count %d, want 0", got)
	}
	if hol, before := sum(100, 107), sum(90, 97); hol*3 > before {
		t.Errorf("holiday week %d is not well below the week before (%d)", hol, before)
	}
	if after, before := sum(107, 110), sum(90, 93); after <= before {
		t.Errorf("no catch-up after the holiday: %d against %d", after, before)
	}
	if after, before := sum(160, 200), sum(110, 150); after*10 > before*7 {
		t.Errorf("shift to half: %d after against %d before", after, before)
	}
	tune, held := ew.TuningSuite().Cases(), ew.HeldOutSuite().Cases()
	if len(tune) != 3000 || len(held) != 3000 {
		t.Fatalf("suite sizes %d, %d", len(tune), len(held))
	}
	rises := 0
	for _, c := range held {
		if c.Scenario.Rise.Shape != ew.RiseNone {
			rises++
			if c.Scenario.Shift.Factor != 0 {
				t.Errorf("%s has a rise and a shift", c.Series.Key)
			}
		}
		if c.Scenario.Rate < 0.2 || c.Scenario.Rate > 10 {
			t.Errorf("%s rate %v outside 0.2..10", c.Series.Key, c.Scenario.Rate)
		}
	}
	if rises < 600 || rises > 900 {
		t.Errorf("held-out suite has %d rises, want about a quarter of 3000", rises)
	}
	if cmp.Equal(tune[0].Series.Counts, held[0].Series.Counts) {
		t.Error("tuning and held-out suites share series")
	}
}
