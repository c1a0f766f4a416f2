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
		ttl   = 600 * time.Millisecond
		lasts = 50 * time.Millisecond
	)
	log := &runLog{}
	a := &Scheduler{Leases: dbA.Jobs(), Holder: "server-a", TTL: ttl}
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
	died := time.Now()
	a.halt(false)
	waitFor(t, 5*time.Second, "server-b to take over", func() bool {
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
	// a's last renewal was at most TTL/3 before it died.
	if gap := firstB.Sub(died); gap < ttl-ttl/3-50*time.Millisecond {
		t.Fatalf("server-b took over %v after server-a died, before the %v lease could have expired", gap, ttl)
	}
	if n := log.overlap.Load(); n != 0 {
		t.Fatalf("%d runs overlapped", n)
	}
	if h, _, err := dbB.Jobs().Holder(ctx, "probe"); err != nil || h != "server-b" {
		t.Fatalf("holder after takeover %q (%v)", h, err)
	}
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
