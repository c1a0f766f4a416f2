package grievance

import (
	"slices"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// FloodRule says when a day's intake is a flood: at least Min reports, and
// at least Factor times the usual day (the median of the Baseline days
// before, at least one report). Intake keeps accepting reports during a
// flood (receipts cannot run out); the alert tells handlers to look, and to
// mark the junk as spam.
type FloodRule struct {
	Min      int
	Factor   float64
	Baseline int // days
}

// DefaultFloodRule: 200 reports in a day and ten times the usual day, the
// usual day being the median of the four weeks before.
func DefaultFloodRule() FloodRule { return FloodRule{Min: 200, Factor: 10, Baseline: 28} }

// Validate reports whether the rule is usable.
func (r FloodRule) Validate() error {
	if r.Min < 1 || r.Factor < 1 || r.Baseline < 1 {
		return kernel.Errorf(kernel.Invalid, "a flood rule needs a minimum of at least 1 report, a factor of at least 1 and at least 1 baseline day")
	}
	return nil
}

// Flooded judges a day with today reports after days with the given counts
// (missing days count as 0). It returns the usual day it compared with.
func (r FloodRule) Flooded(today int, before []int) (usual float64, flooded bool) {
	counts := make([]int, r.Baseline)
	copy(counts, before[max(0, len(before)-r.Baseline):])
	slices.Sort(counts)
	n := len(counts)
	if n%2 == 1 {
		usual = float64(counts[n/2])
	} else {
		usual = float64(counts[n/2-1]+counts[n/2]) / 2
	}
	return usual, today >= r.Min && float64(today) >= r.Factor*max(usual, 1)
}
