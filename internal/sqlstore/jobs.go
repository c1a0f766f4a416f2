package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Jobs keeps job leases: at most one holder (a server) runs a named job at a
// time, until its lease runs out. A holder that dies stops renewing, so its
// lease expires and another server takes the job over.
//
// Lease times come from the caller's clock, so servers sharing a database
// need clocks kept in step (NTP); leases should be long compared with the
// skew between them.
type Jobs struct {
	db  *DB
	now func() time.Time
}

// Jobs returns the job lease repository, using the system clock.
func (db *DB) Jobs() *Jobs { return &Jobs{db: db, now: time.Now} }

// WithClock returns a copy of j that reads the time from now, for tests.
func (j *Jobs) WithClock(now func() time.Time) *Jobs { return &Jobs{db: j.db, now: now} }

// TryAcquire takes the lease on job for holder for ttl when it is free,
// expired, or already holder's (then it is extended). It returns false when
// another holder's lease is still running. lastRun is when the job last
// finished a run on any server (zero when it never has), so that a new
// holder knows when the job is next due.
func (j *Jobs) TryAcquire(ctx context.Context, job, holder string, ttl time.Duration) (acquired bool, lastRun time.Time, err error) {
	now := j.now().UTC()
	until := now.Add(ttl)
	// The conditional upsert is one statement, so two servers racing for
	// an expired lease cannot both win: PostgreSQL locks the conflicting
	// row, and SQLite has one writer.
	res, err := j.db.write.ExecContext(ctx, `INSERT INTO jobs (name, holder, lease_until) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
		WHERE jobs.holder = excluded.holder OR jobs.lease_until IS NULL OR jobs.lease_until < $4`,
		job, holder, until, now)
	if err != nil {
		return false, time.Time{}, classify(err, "job lease "+job)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, time.Time{}, classify(err, "job lease "+job)
	}
	if n == 0 {
		return false, time.Time{}, nil
	}
	var last sql.NullTime
	err = j.db.write.QueryRowContext(ctx, "SELECT last_run_at FROM jobs WHERE name = $1 AND holder = $2", job, holder).Scan(&last)
	if err != nil {
		return false, time.Time{}, classify(err, "job lease "+job)
	}
	return true, timeOf(last), nil
}

// Renew extends holder's lease on job by ttl from now. It returns Conflict
// when the lease is no longer holder's (it expired and another server took
// it): the caller must stop running the job.
func (j *Jobs) Renew(ctx context.Context, job, holder string, ttl time.Duration) (time.Time, error) {
	now := j.now().UTC()
	until := now.Add(ttl)
	res, err := j.db.write.ExecContext(ctx, "UPDATE jobs SET lease_until = $3 WHERE name = $1 AND holder = $2 AND lease_until >= $4",
		job, holder, until, now)
	if err != nil {
		return time.Time{}, classify(err, "job lease "+job)
	}
	if n, err := res.RowsAffected(); err != nil {
		return time.Time{}, classify(err, "job lease "+job)
	} else if n == 0 {
		return time.Time{}, kernel.Errorf(kernel.Conflict, "job %s: the lease of %s has expired or passed to another server", job, holder)
	}
	return until, nil
}

// Finished records that holder completed a run of job at, while still
// holding its lease.
func (j *Jobs) Finished(ctx context.Context, job, holder string, at time.Time) error {
	res, err := j.db.write.ExecContext(ctx, "UPDATE jobs SET last_run_at = $3 WHERE name = $1 AND holder = $2", job, holder, at.UTC())
	if err != nil {
		return classify(err, "job lease "+job)
	}
	if n, err := res.RowsAffected(); err != nil {
		return classify(err, "job lease "+job)
	} else if n == 0 {
		return kernel.Errorf(kernel.Conflict, "job %s: %s no longer holds the lease", job, holder)
	}
	return nil
}

// Release gives up holder's lease on job so another server may take it at
// once. Releasing a lease one does not hold does nothing.
func (j *Jobs) Release(ctx context.Context, job, holder string) error {
	_, err := j.db.write.ExecContext(ctx, "UPDATE jobs SET lease_until = NULL WHERE name = $1 AND holder = $2", job, holder)
	return classify(err, "job lease "+job)
}

// Holder returns the current holder of job's lease and when it ends; an
// empty holder when nobody holds an unexpired lease.
func (j *Jobs) Holder(ctx context.Context, job string) (string, time.Time, error) {
	var holder string
	var until sql.NullTime
	err := j.db.read.QueryRowContext(ctx, "SELECT holder, lease_until FROM jobs WHERE name = $1", job).Scan(&holder, &until)
	if err == sql.ErrNoRows {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, classify(err, "job lease "+job)
	}
	if !until.Valid || until.Time.Before(j.now()) {
		return "", time.Time{}, nil
	}
	return holder, until.Time.UTC(), nil
}
