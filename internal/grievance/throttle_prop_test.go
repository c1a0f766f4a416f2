package grievance_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// TestThrottleNeverExceedsItsRates: whatever the order and timing of
// attempts, no locator gets more than its burst plus one attempt per
// interval elapsed, and the same holds globally.
func TestThrottleNeverExceedsItsRates(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := grievance.ThrottleConfig{
			PerLocator: grievance.Rate{Burst: rapid.IntRange(1, 6).Draw(t, "burst"), Every: time.Duration(rapid.IntRange(1, 600).Draw(t, "every")) * time.Second},
			Global:     grievance.Rate{Burst: rapid.IntRange(1, 20).Draw(t, "gburst"), Every: time.Duration(rapid.IntRange(1, 60).Draw(t, "gevery")) * time.Second},
			MaxTracked: 1000,
		}
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		clock := &kernel.FixedClock{T: start}
		th, err := grievance.NewThrottle(cfg, clock)
		if err != nil {
			t.Fatal(err)
		}
		allowed := map[string]int{}
		total := 0
		steps := rapid.IntRange(1, 300).Draw(t, "steps")
		for range steps {
			clock.Advance(time.Duration(rapid.IntRange(0, 120).Draw(t, "gap")) * time.Second)
			loc := rapid.SampledFrom([]string{"0001", "0002", "0003"}).Draw(t, "locator")
			if _, err := th.Take("org", loc); err == nil {
				allowed[loc]++
				total++
			}
		}
		elapsed := clock.Now().Sub(start)
		for loc, n := range allowed {
			if max := cfg.PerLocator.Burst + int(elapsed/cfg.PerLocator.Every); n > max {
				t.Fatalf("locator %s got %d attempts, at most %d allowed", loc, n, max)
			}
		}
		if max := cfg.Global.Burst + int(elapsed/cfg.Global.Every); total > max {
			t.Fatalf("%d attempts in all, at most %d allowed", total, max)
		}
	})
}
