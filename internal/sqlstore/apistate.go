package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/upstream-platform/upstream/internal/apijob"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// APIState keeps what the API's conventions need between requests, so that
// servers sharing the database agree on them: idempotency keys with their
// answers, request counts per rate window, and API jobs.
type APIState struct{ db *DB }

// APIState returns the API's shared state.
func (db *DB) APIState() *APIState { return &APIState{db: db} }

// IdempotentAnswer is an answer kept for replay.
type IdempotentAnswer struct {
	Status int
	Header map[string][]string
	Body   []byte
}

// What BeginIdempotent found.
const (
	IdempotentNew      = "new"
	IdempotentReplay   = "replay"
	IdempotentInFlight = "in_flight"
	IdempotentMismatch = "mismatch"
)

// BeginIdempotent takes key in scope for a request with fingerprint fp,
// or says what holds it: the same request done (replay, with its answer),
// still running (in_flight) or another request (mismatch). A key older
// than ttl is forgotten first. Of concurrent callers with one key exactly
// one gets "new": the insert is one statement on the primary key.
func (s *APIState) BeginIdempotent(ctx context.Context, scope, key, fp string, now time.Time, ttl time.Duration) (string, IdempotentAnswer, error) {
	now = now.UTC()
	if _, err := s.db.write.ExecContext(ctx, "DELETE FROM api_idempotency WHERE scope = $1 AND idem_key = $2 AND created_at < $3",
		scope, key, now.Add(-ttl)); err != nil {
		return "", IdempotentAnswer{}, classify(err, "idempotency key")
	}
	res, err := s.db.write.ExecContext(ctx, `INSERT INTO api_idempotency (scope, idem_key, fingerprint, state, status, header, body, created_at)
		VALUES ($1, $2, $3, 'running', 0, '', '', $4) ON CONFLICT (scope, idem_key) DO NOTHING`, scope, key, fp, now)
	if err != nil {
		return "", IdempotentAnswer{}, classify(err, "idempotency key")
	}
	if n, err := res.RowsAffected(); err != nil {
		return "", IdempotentAnswer{}, classify(err, "idempotency key")
	} else if n == 1 {
		return IdempotentNew, IdempotentAnswer{}, nil
	}
	var storedFP, state, header, body string
	var status int
	err = s.db.write.QueryRowContext(ctx, "SELECT fingerprint, state, status, header, body FROM api_idempotency WHERE scope = $1 AND idem_key = $2",
		scope, key).Scan(&storedFP, &state, &status, &header, &body)
	if err == sql.ErrNoRows {
		// Released between the insert and the read: the caller retries.
		return IdempotentInFlight, IdempotentAnswer{}, nil
	}
	if err != nil {
		return "", IdempotentAnswer{}, classify(err, "idempotency key")
	}
	switch {
	case storedFP != fp:
		return IdempotentMismatch, IdempotentAnswer{}, nil
	case state != "done":
		return IdempotentInFlight, IdempotentAnswer{}, nil
	}
	ans := IdempotentAnswer{Status: status}
	if err := json.Unmarshal([]byte(header), &ans.Header); err != nil {
		return "", IdempotentAnswer{}, fmt.Errorf("idempotency key %s: header: %w", key, err)
	}
	if ans.Body, err = base64.StdEncoding.DecodeString(body); err != nil {
		return "", IdempotentAnswer{}, fmt.Errorf("idempotency key %s: body: %w", key, err)
	}
	return IdempotentReplay, ans, nil
}

// CompleteIdempotent keeps the answer given to key.
func (s *APIState) CompleteIdempotent(ctx context.Context, scope, key string, ans IdempotentAnswer) error {
	header, err := json.Marshal(ans.Header)
	if err != nil {
		return err
	}
	_, err = s.db.write.ExecContext(ctx, "UPDATE api_idempotency SET state = 'done', status = $3, header = $4, body = $5 WHERE scope = $1 AND idem_key = $2",
		scope, key, ans.Status, string(header), base64.StdEncoding.EncodeToString(ans.Body))
	return classify(err, "idempotency key")
}

// ReleaseIdempotent forgets key, so that a retry runs.
func (s *APIState) ReleaseIdempotent(ctx context.Context, scope, key string) error {
	_, err := s.db.write.ExecContext(ctx, "DELETE FROM api_idempotency WHERE scope = $1 AND idem_key = $2", scope, key)
	return classify(err, "idempotency key")
}

// ForgetIdempotent removes keys made before before; it returns how many.
func (s *APIState) ForgetIdempotent(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.write.ExecContext(ctx, "DELETE FROM api_idempotency WHERE created_at < $1", before.UTC())
	if err != nil {
		return 0, classify(err, "idempotency keys")
	}
	return res.RowsAffected()
}

// CountRequest counts one request of subject in the rate window that
// starts at window and returns the count so far, itself included. The
// count is one statement, so servers counting at once never lose one.
// Windows that ended before forgetBefore are dropped on the way.
func (s *APIState) CountRequest(ctx context.Context, subject string, window, forgetBefore time.Time) (int, error) {
	var n int
	err := s.db.write.QueryRowContext(ctx, `INSERT INTO api_rate_counts (subject, window_start, n) VALUES ($1, $2, 1)
		ON CONFLICT (subject, window_start) DO UPDATE SET n = api_rate_counts.n + 1 RETURNING n`, subject, window.UTC()).Scan(&n)
	if err != nil {
		return 0, classify(err, "request count")
	}
	if !forgetBefore.IsZero() {
		if _, err := s.db.write.ExecContext(ctx, "DELETE FROM api_rate_counts WHERE window_start < $1", forgetBefore.UTC()); err != nil {
			return 0, classify(err, "request counts")
		}
	}
	return n, nil
}

const jobColumns = "id, org_id, user_id, kind, state, progress, stage, request, result_type, result_name, problem, created_at, updated_at, finished_at"

func scanJob(row interface{ Scan(...any) error }, extra ...any) (apijob.Job, error) {
	var j apijob.Job
	var state string
	var finished sql.NullTime
	dest := append([]any{&j.ID, &j.OrgID, &j.UserID, &j.Kind, &state, &j.Progress, &j.Stage, &j.Request, &j.ResultType, &j.ResultName,
		&j.Problem, &j.CreatedAt, &j.UpdatedAt, &finished}, extra...)
	if err := row.Scan(dest...); err != nil {
		return j, err
	}
	j.State = apijob.State(state)
	j.CreatedAt, j.UpdatedAt, j.FinishedAt = j.CreatedAt.UTC(), j.UpdatedAt.UTC(), timeOf(finished)
	return j, nil
}

// CreateJob stores a new job.
func (s *APIState) CreateJob(ctx context.Context, j apijob.Job) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO api_jobs (`+jobColumns+`, result)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		j.ID, j.OrgID, j.UserID, j.Kind, string(j.State), j.Progress, j.Stage, j.Request, j.ResultType, j.ResultName, j.Problem,
		j.CreatedAt.UTC(), j.UpdatedAt.UTC(), nullTime(j.FinishedAt), base64.StdEncoding.EncodeToString(j.Result))
	return classify(err, "job")
}

// UpdateJob writes a job's state, progress, stage, result and problem.
func (s *APIState) UpdateJob(ctx context.Context, j apijob.Job) error {
	res, err := s.db.write.ExecContext(ctx, `UPDATE api_jobs SET state = $3, progress = $4, stage = $5, result_type = $6, result_name = $7,
		result = $8, problem = $9, updated_at = $10, finished_at = $11 WHERE org_id = $1 AND id = $2`,
		j.OrgID, j.ID, string(j.State), j.Progress, j.Stage, j.ResultType, j.ResultName, base64.StdEncoding.EncodeToString(j.Result), j.Problem,
		j.UpdatedAt.UTC(), nullTime(j.FinishedAt))
	if err != nil {
		return classify(err, "job")
	}
	if n, err := res.RowsAffected(); err != nil {
		return classify(err, "job")
	} else if n == 0 {
		return kernel.Errorf(kernel.NotFound, "job not found")
	}
	return nil
}

// Job returns one job of the organisation with its result.
func (s *APIState) Job(ctx context.Context, orgID, id string) (apijob.Job, error) {
	var result string
	j, err := scanJob(s.db.read.QueryRowContext(ctx, "SELECT "+jobColumns+", result FROM api_jobs WHERE org_id = $1 AND id = $2", orgID, id), &result)
	if err != nil {
		return j, classify(err, "job")
	}
	if j.Result, err = base64.StdEncoding.DecodeString(result); err != nil {
		return j, fmt.Errorf("job %s: result: %w", id, err)
	}
	return j, nil
}

// jobOrder is the order Jobs lists: newest first.
var jobOrder = []keyCol{{"created_at", true, keyTime}, {"id", true, keyText}}

// Jobs lists one user's jobs newest first, without results.
func (s *APIState) Jobs(ctx context.Context, orgID, userID string, p kernel.Page) ([]apijob.Job, error) {
	p = p.Normalise()
	where, args := "org_id = $1 AND user_id = $2", []any{orgID, userID}
	if len(p.After) > 0 {
		cond, kargs, err := keysetAfter(jobOrder, p.After, len(args))
		if err != nil {
			return nil, err
		}
		where, args = where+" AND "+cond, append(args, kargs...)
	}
	rows, err := s.db.read.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM api_jobs WHERE %s ORDER BY %s LIMIT %d OFFSET %d",
		jobColumns, where, orderBy(jobOrder), p.Limit, p.Offset), args...)
	if err != nil {
		return nil, classify(err, "jobs")
	}
	defer rows.Close()
	var out []apijob.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, classify(err, "jobs")
		}
		out = append(out, j)
	}
	return out, classify(rows.Err(), "jobs")
}

// FailUnfinished marks jobs queued or running and not updated since
// before as failed with problem.
func (s *APIState) FailUnfinished(ctx context.Context, before time.Time, problem string) (int, error) {
	res, err := s.db.write.ExecContext(ctx, `UPDATE api_jobs SET state = 'failed', problem = $2, finished_at = $1, updated_at = $1
		WHERE state IN ('queued', 'running') AND updated_at < $1`, before.UTC(), problem)
	if err != nil {
		return 0, classify(err, "jobs")
	}
	n, err := res.RowsAffected()
	return int(n), err
}
