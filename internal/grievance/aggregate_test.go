package grievance_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestSuppress(t *testing.T) {
	in := []grievance.Count{
		{Key: grievance.CountKey{Country: "BD"}, N: 0},
		{Key: grievance.CountKey{Country: "IN"}, N: 1},
		{Key: grievance.CountKey{Country: "MY"}, N: 4},
		{Key: grievance.CountKey{Country: "TH"}, N: 5},
		{Key: grievance.CountKey{Country: "VN"}, N: 120},
	}
	got, err := grievance.Suppress(in, grievance.MinReportableCount, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		n          int
		suppressed bool
	}{{0, false}, {0, true}, {0, true}, {5, false}, {120, false}}
	for i, w := range want {
		if got[i].N != w.n || got[i].Suppressed != w.suppressed || got[i].Key != in[i].Key {
			t.Errorf("cell %d: %+v", i, got[i])
		}
	}
	full, _ := grievance.Suppress(in, 5, true)
	if full[1].N != 1 || full[1].Suppressed {
		t.Fatal("case handlers see suppressed counts")
	}
	if _, err := grievance.Suppress(in, 2, false); !kernel.IsCode(err, kernel.Invalid) {
		t.Fatal("low threshold accepted")
	}
	d, _ := grievance.ParseDay("2026-11-25")
	if grievance.MonthOf(d) != "2026-11" || grievance.MonthOf(grievance.Day{}) != "" {
		t.Fatal("month")
	}
}
