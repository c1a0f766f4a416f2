package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

func TestJobLeases(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: t0}
		jobs := db.Jobs().WithClock(clock.Now)
		const ttl = 30 * time.Second

		steps := []struct {
			name    string
			advance time.Duration
			run     func() (bool, error)
			want    bool
		}{
			{"a takes a free lease", 0, func() (bool, error) { ok, _, err := jobs.TryAcquire(ctx, "deliver", "a", ttl); return ok, err }, true},
			{"b is refused while a holds it", 10 * time.Second, func() (bool, error) { ok, _, err := jobs.TryAcquire(ctx, "deliver", "b", ttl); return ok, err }, false},
			{"a extends its own lease", 0, func() (bool, error) { ok, _, err := jobs.TryAcquire(ctx, "deliver", "a", ttl); return ok, err }, true},
			{"another job is independent", 0, func() (bool, error) { ok, _, err := jobs.TryAcquire(ctx, "digest", "b", ttl); return ok, err }, true},
			{"a renews", 20 * time.Second, func() (bool, error) { _, err := jobs.Renew(ctx, "deliver", "a", ttl); return err == nil, err }, true},
			{"b still refused just before expiry", 29 * time.Second, func() (bool, error) { ok, _, err := jobs.TryAcquire(ctx, "deliver", "b", ttl); return ok, err }, false},
			{"b takes the expired lease", 2 * time.Second, func() (bool, error) { ok, _, err := jobs.TryAcquire(ctx, "deliver", "b", ttl); return ok, err }, true},
			{"a cannot renew a lost lease", 0, func() (bool, error) {
				_, err := jobs.Renew(ctx, "deliver", "a", ttl)
				if err != nil && !kernel.IsCode(err, kernel.Conflict) {
					return false, err
				}
				return err == nil, nil
			}, false},
			{"a's release does not free b's lease", 0, func() (bool, error) {
				if err := jobs.Release(ctx, "deliver", "a"); err != nil {
					return false, err
				}
				ok, _, err := jobs.TryAcquire(ctx, "deliver", "a", ttl)
				return ok, err
			}, false},
			{"after b releases, a takes it at once", 0, func() (bool, error) {
				if err := jobs.Release(ctx, "deliver", "b"); err != nil {
					return false, err
				}
				ok, _, err := jobs.TryAcquire(ctx, "deliver", "a", ttl)
				return ok, err
			}, true},
		}
		for _, s := range steps {
			clock.Advance(s.advance)
			got, err := s.run()
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if got != s.want {
				t.Fatalf("%s: got %v, want %v", s.name, got, s.want)
			}
		}
		if h, _, err := jobs.Holder(ctx, "deliver"); err != nil || h != "a" {
			t.Fatalf("holder %q, %v", h, err)
		}

		if err := jobs.Finished(ctx, "deliver", "a", clock.T); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Finished(ctx, "deliver", "b", clock.T); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("a non-holder recorded a run: %v", err)
		}
		clock.Advance(time.Minute)
		ok, last, err := jobs.TryAcquire(ctx, "deliver", "b", ttl)
		if err != nil || !ok || !last.Equal(clock.T.Add(-time.Minute)) {
			t.Fatalf("new holder sees last run %v (%v, %v)", last, ok, err)
		}
	})
}

// TestJobLeaseRace has many holders race for one expired lease: exactly one
// wins on each engine.
func TestJobLeaseRace(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		jobs := db.Jobs()
		const racers = 8
		var wg sync.WaitGroup
		wins := make(chan string, racers)
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				holder := "server-" + string(rune('a'+i))
				ok, _, err := jobs.TryAcquire(ctx, "detect", holder, time.Minute)
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins <- holder
				}
			}()
		}
		wg.Wait()
		close(wins)
		var winners []string
		for w := range wins {
			winners = append(winners, w)
		}
		if len(winners) != 1 {
			t.Fatalf("want one winner, got %v", winners)
		}
	})
}
