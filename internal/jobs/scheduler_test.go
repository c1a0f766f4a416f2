package jobs

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// runLog records which holder ran a job when, and how many runs overlapped.
type runLog struct {
	running atomic.Int32
	overlap atomic.Int32
	mu      sync.Mutex
	runs    []run
}

type run struct {
	holder     string
	start, end time.Time
}

func (l *runLog) job(holder string, every, lasts time.Duration) Job {
	return Job{Name: "probe", Every: every, Run: func(ctx context.Context) error {
		if l.running.Add(1) > 1 {
			l.overlap.Add(1)
		}
		defer l.running.Add(-1)
		start := time.Now()
		select {
		case <-time.After(lasts):
		case <-ctx.Done():
		}
		l.mu.Lock()
		l.runs = append(l.runs, run{holder, start, time.Now()})
		l.mu.Unlock()
		return nil
	}}
}

func (l *runLog) snapshot() []run {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]run(nil), l.runs...)
}

// waitFor polls cond for up to limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openTwice opens one fresh database through two connections pools, as two
// Upstream servers would.
func openTwice(t *testing.T, e sqlstore.Engine) (*sqlstore.DB, *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	dsn := sqltest.DSN(t, e)
	var dbs [2]*sqlstore.DB
	for i := range dbs {
		db, err := sqlstore.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

// TestTwoSchedulersOneDatabase runs the same job on two servers sharing one
// PostgreSQL database: runs never overlap, the job runs once per interval
// (not once per server), and when the holder dies without releasing its
// lease the other server takes the job over once the lease has expired.
func TestTwoSchedulersOneDatabase(t *testing.T) {
	dbA, dbB := openTwice(t, sqlstore.Postgres)
	const (
		every = 200 * time.Millisecond
		// A lease of several seconds: on a loaded machine a renewal can
		// be late by a second or more, and a late renewal is a real
		// takeover, not what the first half of this test is about.
		ttl   = 3 * time.Second
		lasts = 50 * time.Millisecond
	)
	log := &runLog{}
	leasesA := &expiryLog{Leases: dbA.Jobs()}
	a := &Scheduler{Leases: leasesA, Holder: "server-a", TTL: ttl}
	b := &Scheduler{Leases: dbB.Jobs(), Holder: "server-b", TTL: ttl}
	a.Add(log.job("server-a", every, lasts))
	b.Add(log.job("server-b", every, lasts))
	ctx := context.Background()
	a.Start(ctx)
	time.Sleep(50 * time.Millisecond) // a starts first, so a holds the job
	b.Start(ctx)
	defer b.Stop()

	window := 2 * time.Second
	time.Sleep(window)
	runs := log.snapshot()
	holders := map[string]int{}
	for _, r := range runs {
		holders[r.holder]++
	}
	if len(holders) != 1 || holders["server-a"] == 0 {
		t.Fatalf("while server-a lives only it should run the job; runs per holder %v", holders)
	}
	// Once per interval: about window/every runs, not twice that.
	if n, most := len(runs), int(window/every)+2; n > most || n < 3 {
		t.Fatalf("%d runs in %v with a %v interval (want 3..%d)", n, window, every, most)
	}

	// server-a dies: it stops renewing and never releases its lease.
	a.halt(false)
	expiry := leasesA.last()
	waitFor(t, 15*time.Second, "server-b to take over", func() bool {
		for _, r := range log.snapshot() {
			if r.holder == "server-b" {
				return true
			}
		}
		return false
	})
	var firstB time.Time
	for _, r := range log.snapshot() {
		if r.holder == "server-b" {
			firstB = r.start
			break
		}
	}
	// Whenever a last renewed (under load that can be well before it died),
	// b may only start once the lease a stored has run out.
	if expiry.IsZero() {
		t.Fatal("server-a never stored a lease")
	}
	// The store keeps microseconds.
	if firstB.Before(expiry.Add(-time.Microsecond)) {
		t.Fatalf("server-b started at %v, %v before server-a's stored lease ran out at %v", firstB, expiry.Sub(firstB), expiry)
	}
	if n := log.overlap.Load(); n != 0 {
		t.Fatalf("%d runs overlapped", n)
	}
	if h, _, err := dbB.Jobs().Holder(ctx, "probe"); err != nil || h != "server-b" {
		t.Fatalf("holder after takeover %q (%v)", h, err)
	}
}

// expiryLog records the latest lease expiry its holder stored. For a renewal
// that is the stored time itself; for an acquisition it is the clock before
// the call plus the TTL, never later than what the store wrote, so a server
// that starts the job before it has provably taken over too early.
type expiryLog struct {
	Leases
	mu     sync.Mutex
	expiry time.Time
}

func (l *expiryLog) TryAcquire(ctx context.Context, job, holder string, ttl time.Duration) (bool, time.Time, error) {
	before := time.Now()
	ok, lastRun, err := l.Leases.TryAcquire(ctx, job, holder, ttl)
	if ok && err == nil {
		l.note(before.Add(ttl))
	}
	return ok, lastRun, err
}

func (l *expiryLog) Renew(ctx context.Context, job, holder string, ttl time.Duration) (time.Time, error) {
	until, err := l.Leases.Renew(ctx, job, holder, ttl)
	if err == nil {
		l.note(until)
	}
	return until, err
}

func (l *expiryLog) note(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.After(l.expiry) {
		l.expiry = t
	}
}

func (l *expiryLog) last() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.expiry
}

// TestStopReleasesLeases: a server that shuts down cleanly hands its jobs
// over at once instead of after the lease expires.
func TestStopReleasesLeases(t *testing.T) {
	dbA, dbB := openTwice(t, sqlstore.SQLite)
	const ttl = time.Minute
	log := &runLog{}
	a := &Scheduler{Leases: dbA.Jobs(), Holder: "server-a", TTL: ttl}
	b := &Scheduler{Leases: dbB.Jobs(), Holder: "server-b", TTL: ttl}
	a.Add(log.job("server-a", 50*time.Millisecond, 0))
	b.Add(log.job("server-b", 50*time.Millisecond, 0))
	ctx := context.Background()
	a.Start(ctx)
	waitFor(t, 5*time.Second, "server-a to run", func() bool { return len(log.snapshot()) > 0 })
	b.Start(ctx)
	defer b.Stop()
	a.Stop()
	waitFor(t, 5*time.Second, "server-b to run after a clean stop", func() bool {
		for _, r := range log.snapshot() {
			if r.holder == "server-b" {
				return true
			}
		}
		return false
	})
}

// TestLostLeaseCancelsRun: a run that outlives its lease (the holder could
// not renew) is cancelled rather than left running beside the new holder.
func TestLostLeaseCancelsRun(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	ctx := context.Background()
	cancelled := make(chan struct{})
	s := &Scheduler{Leases: db.Jobs(), Holder: "server-a", TTL: 300 * time.Millisecond}
	s.Add(Job{Name: "slow", Every: time.Hour, Run: func(ctx context.Context) error {
		// Another server steals the lease, as if this one had stalled.
		if err := db.ExecForTest(context.Background(), "UPDATE jobs SET holder = 'server-b' WHERE name = 'slow'"); err != nil {
			t.Error(err)
		}
		select {
		case <-ctx.Done():
			close(cancelled)
		case <-time.After(5 * time.Second):
		}
		return nil
	}})
	s.Start(ctx)
	defer s.Stop()
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the run went on after its lease was lost")
	}
}
