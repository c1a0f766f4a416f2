// Package apijob describes long work started through the API (making a
// report, importing supplier files) as a job a client polls: its state,
// its progress and, once done, its result or the problem that stopped it.
// The record lives in a store every server shares, so any server answers a
// poll; the work runs on the server that accepted it.
package apijob

import (
	"context"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// State is where a job stands.
type State string

const (
	Queued    State = "queued"
	Running   State = "running"
	Succeeded State = "succeeded"
	Failed    State = "failed"
)

// Finished reports whether the job will change no more.
func (s State) Finished() bool { return s == Succeeded || s == Failed }

// Job is one piece of long work.
type Job struct {
	ID     string
	OrgID  string
	UserID string
	// Kind says what the job does: "report" or "import".
	Kind  string
	State State
	// Progress is the share done, 0 to 1; Stage says in words what the
	// job is doing.
	Progress float64
	Stage    string
	// Request is what was asked for, as the API's JSON, to show back.
	Request string
	// ResultType and ResultName are the media type and file name of the
	// result; Result its bytes (a report file, or an import's JSON
	// summary).
	ResultType string
	ResultName string
	Result     []byte
	// Problem is the RFC 9457 problem (JSON) of a failed job.
	Problem    string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time
}

// Store keeps jobs. Every read is scoped by organisation.
type Store interface {
	CreateJob(ctx context.Context, j Job) error
	// UpdateJob writes state, progress, stage, result and problem of j.
	UpdateJob(ctx context.Context, j Job) error
	Job(ctx context.Context, orgID, id string) (Job, error)
	// Jobs lists one user's jobs newest first, without their results;
	// p.After is a key from Key.
	Jobs(ctx context.Context, orgID, userID string, p kernel.Page) ([]Job, error)
	// FailUnfinished marks jobs left queued or running by a server that
	// stopped before now-grace as failed, so no client polls forever.
	FailUnfinished(ctx context.Context, before time.Time, problem string) (int, error)
}

// Key is j's sort key in the order Jobs lists them, as kernel.Page.After
// takes it.
func Key(j Job) []string {
	return []string{j.CreatedAt.UTC().Format(time.RFC3339Nano), j.ID}
}
