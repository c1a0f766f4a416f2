package grievance_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func newThrottle(t *testing.T, cfg grievance.ThrottleConfig) (*grievance.Throttle, *kernel.FixedClock) {
	t.Helper()
	clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	th, err := grievance.NewThrottle(cfg, clock)
	if err != nil {
		t.Fatal(err)
	}
	return th, clock
}

func TestThrottlePerLocator(t *testing.T) {
	th, clock := newThrottle(t, grievance.DefaultThrottle())
	for i := range 5 {
		if _, err := th.Take("org", "1234"); err != nil {
			t.Fatalf("attempt %d refused: %v", i+1, err)
		}
	}
	wait, err := th.Take("org", "1234")
	if !errors.Is(err, grievance.ErrTooManyAttempts) || !kernel.IsCode(err, kernel.RateLimited) {
		t.Fatalf("sixth attempt: %v", err)
	}
	if wait != 10*time.Minute {
		t.Fatalf("wait %v", wait)
	}
	// Other locators and organisations are not affected.
	if _, err := th.Take("org", "1235"); err != nil {
		t.Fatal(err)
	}
	if _, err := th.Take("other-org", "1234"); err != nil {
		t.Fatal(err)
	}
	// One attempt comes back every ten minutes.
	clock.Advance(9 * time.Minute)
	if _, err := th.Take("org", "1234"); err == nil {
		t.Fatal("allowed before the interval")
	}
	clock.Advance(time.Minute)
	if _, err := th.Take("org", "1234"); err != nil {
		t.Fatalf("after the interval: %v", err)
	}
	if _, err := th.Take("org", "1234"); err == nil {
		t.Fatal("second attempt after one interval allowed")
	}
	// After a long quiet period the full burst is back, and the state is
	// forgotten.
	clock.Advance(time.Hour)
	th.Prune()
	if n := th.Tracked(); n != 0 {
		t.Fatalf("%d locators tracked after recovery", n)
	}
	for i := range 5 {
		if _, err := th.Take("org", "1234"); err != nil {
			t.Fatalf("attempt %d after recovery: %v", i+1, err)
		}
	}
}

func TestThrottleGlobal(t *testing.T) {
	cfg := grievance.DefaultThrottle()
	th, clock := newThrottle(t, cfg)
	allowed := 0
	for i := range 200 {
		if _, err := th.Take("org", fmt.Sprintf("%04d", i)); err == nil {
			allowed++
		}
	}
	if allowed != cfg.Global.Burst {
		t.Fatalf("%d attempts allowed across locators, want %d", allowed, cfg.Global.Burst)
	}
	clock.Advance(time.Second)
	if _, err := th.Take("org", "9999"); err != nil {
		t.Fatalf("after refill: %v", err)
	}
}

func TestThrottleRefund(t *testing.T) {
	th, _ := newThrottle(t, grievance.DefaultThrottle())
	// A reporter who gets it right every time is never throttled.
	for i := range 100 {
		if _, err := th.Take("org", "1234"); err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
		th.Refund("org", "1234")
	}
	if n := th.Tracked(); n != 0 {
		t.Fatalf("%d locators tracked", n)
	}
}

// TestThrottleSameForAllLocators: the throttle has no idea which locators
// exist, so its answers cannot tell. Two runs over different locator sets
// give identical sequences of answers.
func TestThrottleSameForAllLocators(t *testing.T) {
	run := func(loc string) []string {
		th, clock := newThrottle(t, grievance.DefaultThrottle())
		var out []string
		for range 20 {
			w, err := th.Take("org", loc)
			out = append(out, fmt.Sprint(w, err))
			clock.Advance(3 * time.Minute)
		}
		return out
	}
	a, b := run("0000"), run("9999")
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("answers differ:\n%v\n%v", a, b)
	}
}

func TestThrottleBoundedMemory(t *testing.T) {
	cfg := grievance.ThrottleConfig{
		PerLocator: grievance.Rate{Burst: 2, Every: time.Minute},
		Global:     grievance.Rate{Burst: 1000, Every: time.Millisecond},
		MaxTracked: 10,
	}
	th, clock := newThrottle(t, cfg)
	for i := range 10 {
		if _, err := th.Take("org", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := th.Take("org", "new"); err == nil {
		t.Fatal("table over its bound")
	}
	clock.Advance(2 * time.Minute)
	if _, err := th.Take("org", "new"); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
	if th.Tracked() > 10 {
		t.Fatalf("tracking %d", th.Tracked())
	}
}

func TestThrottleConfigValidation(t *testing.T) {
	bad := []grievance.ThrottleConfig{
		{},
		{PerLocator: grievance.Rate{Burst: 1, Every: time.Second}, Global: grievance.Rate{Burst: 0, Every: time.Second}, MaxTracked: 1},
		{PerLocator: grievance.Rate{Burst: 1, Every: 0}, Global: grievance.Rate{Burst: 1, Every: time.Second}, MaxTracked: 1},
		{PerLocator: grievance.Rate{Burst: 1, Every: time.Second}, Global: grievance.Rate{Burst: 1, Every: time.Second}},
		{PerLocator: grievance.Rate{Burst: 1 << 40, Every: time.Hour}, Global: grievance.Rate{Burst: 1, Every: time.Second}, MaxTracked: 1},
	}
	for i, c := range bad {
		if _, err := grievance.NewThrottle(c, &kernel.FixedClock{}); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("config %d: %v", i, err)
		}
	}
	if _, err := grievance.NewThrottle(grievance.DefaultThrottle(), nil); err == nil {
		t.Error("nil clock accepted")
	}
}
