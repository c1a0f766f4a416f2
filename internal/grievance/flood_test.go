package grievance_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/grievance"
)

func TestFloodRule(t *testing.T) {
	r := grievance.DefaultFloodRule()
	steady := make([]int, 28)
	for i := range steady {
		steady[i] = 30
	}
	for _, tc := range []struct {
		name   string
		today  int
		before []int
		usual  float64
		want   bool
	}{
		{"a quiet organisation's first busy day is not a flood", 150, nil, 0, false},
		{"20,000 junk reports on a quiet organisation", 20_000, nil, 0, true},
		{"a busy organisation's ordinary day", 40, steady, 30, false},
		{"three times the usual is a campaign, not a flood", 90, steady, 30, false},
		{"ten times the usual and over the minimum", 300, steady, 30, true},
		{"only the baseline days count", 250, append(make([]int, 40), steady...), 30, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			usual, got := r.Flooded(tc.today, tc.before)
			if got != tc.want || usual != tc.usual {
				t.Fatalf("Flooded(%d) = %v (usual %v), want %v (usual %v)", tc.today, got, usual, tc.want, tc.usual)
			}
		})
	}
	if err := (grievance.FloodRule{}).Validate(); err == nil {
		t.Fatal("a zero rule validated")
	}
}
