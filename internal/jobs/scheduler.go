package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Leases is what the scheduler needs from storage: one holder per job at a
// time, and a shared record of when each job last ran.
type Leases interface {
	// TryAcquire takes or extends holder's lease on job for ttl; false when
	// another holder's lease is still running. lastRun is when any server
	// last finished the job.
	TryAcquire(ctx context.Context, job, holder string, ttl time.Duration) (acquired bool, lastRun time.Time, err error)
	// Renew extends holder's lease; a Conflict error means it was lost.
	Renew(ctx context.Context, job, holder string, ttl time.Duration) (time.Time, error)
	// Finished records a completed run while holder still holds the lease.
	Finished(ctx context.Context, job, holder string, at time.Time) error
	// Release frees holder's lease at once.
	Release(ctx context.Context, job, holder string) error
}

// Job is one named piece of background work run every Every.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Scheduler runs jobs at their intervals. Before each run it takes the job's
// lease; while a run lasts it renews the lease, and a run whose lease is
// lost is cancelled, so two servers never run one job at the same time.
// The holder keeps the lease between runs, and the shared last-run time
// decides when a job is due, so a job runs once per interval however many
// servers share the database. A server that dies stops renewing; its
// leases expire after TTL and another server takes the jobs over.
type Scheduler struct {
	Leases Leases
	// Holder names this server in the lease table; NewHolder makes one.
	Holder string
	// TTL is how long a lease lasts without renewal (default 30 s).
	TTL time.Duration
	Log *slog.Logger
	// Now reads the time for due checks; it must agree with the clock the
	// lease store uses (default time.Now).
	Now func() time.Time

	jobs   []Job
	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewHolder returns a holder name unique to this process: host, process id
// and a random suffix, so a restarted server does not inherit its old
// leases by name.
func NewHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Add registers a job; call it before Start.
func (s *Scheduler) Add(j Job) { s.jobs = append(s.jobs, j) }

// Jobs lists the registered jobs.
func (s *Scheduler) Jobs() []Job { return append([]Job(nil), s.jobs...) }

func (s *Scheduler) defaults() {
	if s.TTL <= 0 {
		s.TTL = 30 * time.Second
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Holder == "" {
		s.Holder = NewHolder()
	}
}

// Start runs every job in its own goroutine until Stop or ctx ends.
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		return
	}
	s.defaults()
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	var wg sync.WaitGroup
	for _, j := range s.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.loop(ctx, j)
		}()
	}
	go func() { wg.Wait(); close(s.done) }()
}

// Stop ends every job loop, waits for running jobs to return, and releases
// this server's leases so another server takes the jobs over at once.
func (s *Scheduler) Stop() { s.halt(true) }

// halt stops the loops; without release the leases are left to expire, as
// when a server dies.
func (s *Scheduler) halt(release bool) {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.cancel = nil
	s.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
	if !release {
		return
	}
	ctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	for _, j := range s.jobs {
		if err := s.Leases.Release(ctx, j.Name, s.Holder); err != nil {
			s.Log.Warn("releasing job lease", "job", j.Name, "err", err)
		}
	}
}

// poll is how often a job's loop wakes: often enough to keep its lease
// (three chances per TTL) and to start the job on time.
func (s *Scheduler) poll(j Job) time.Duration {
	return max(min(j.Every, s.TTL/3), 10*time.Millisecond)
}

func (s *Scheduler) loop(ctx context.Context, j Job) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.tick(ctx, j)
		t.Reset(s.poll(j))
	}
}

// tick takes or keeps the lease and runs the job when it is due.
func (s *Scheduler) tick(ctx context.Context, j Job) {
	ok, last, err := s.Leases.TryAcquire(ctx, j.Name, s.Holder, s.TTL)
	if err != nil {
		if ctx.Err() == nil {
			s.Log.Warn("job lease", "job", j.Name, "err", err)
		}
		return
	}
	if !ok {
		return // another server holds the job
	}
	if !last.IsZero() && s.Now().Sub(last) < j.Every {
		return // ran recently, here or elsewhere
	}
	runCtx, cancel := context.WithCancel(ctx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		s.renew(runCtx, cancel, j)
	}()
	start := s.Now()
	err = s.safeRun(runCtx, j)
	lost := runCtx.Err() != nil && ctx.Err() == nil
	cancel()
	<-renewed
	switch {
	case lost:
		s.Log.Warn("job lease lost during a run; the run was cancelled", "job", j.Name)
		return
	case ctx.Err() != nil:
		return // stopping: the next holder runs it again
	case err != nil:
		// A failed run still counts as a run, so a job that keeps failing
		// is retried at its interval rather than in a tight loop.
		s.Log.Error("job failed", "job", j.Name, "err", err)
	}
	if err := s.Leases.Finished(ctx, j.Name, s.Holder, s.Now()); err != nil && ctx.Err() == nil {
		s.Log.Warn("recording job run", "job", j.Name, "err", err)
	}
	s.Log.Debug("job ran", "job", j.Name, "ms", s.Now().Sub(start).Milliseconds())
}

func (s *Scheduler) safeRun(ctx context.Context, j Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = kernel.Errorf(kernel.Internal, "job %s panicked: %v", j.Name, v)
		}
	}()
	return j.Run(ctx)
}

// renew keeps the lease while a run lasts and cancels the run if the lease
// is lost.
func (s *Scheduler) renew(ctx context.Context, cancel context.CancelFunc, j Job) {
	t := time.NewTicker(max(s.TTL/3, 5*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.Leases.Renew(ctx, j.Name, s.Holder, s.TTL); err != nil {
			if ctx.Err() != nil {
				return
			}
			if kernel.IsCode(err, kernel.Conflict) {
				cancel()
				return
			}
			s.Log.Warn("renewing job lease", "job", j.Name, "err", err)
		}
	}
}
