package jobs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// JobAuditCheckpoint is the daily job that seals every audit chain.
const JobAuditCheckpoint = "audit.checkpoint"

// AuditChains is what the checkpoint job reads: the chains and their
// entries.
type AuditChains interface {
	audit.Store
	AuditOrgs(ctx context.Context) ([]string, error)
}

// CheckpointLog keeps checkpoints where the database cannot change them:
// a file the operator puts on other storage (or ships elsewhere as it is
// written).
type CheckpointLog interface {
	// Latest returns the newest checkpoint written for each organisation.
	Latest(ctx context.Context) (map[string]audit.Checkpoint, error)
	// Write adds checkpoints taken at one moment.
	Write(ctx context.Context, at time.Time, cps map[string]audit.Checkpoint) error
}

// AuditCheckpoints is the daily sealing of the audit log. For each chain
// it verifies every entry against its links and against the last
// checkpoint written, then writes the new head as a checkpoint. A chain
// that fails is reported (log at error level, and the run's error) and
// gets no new checkpoint, so the last good one stays the reference for
// `upstream audit verify --checkpoints FILE`. Each checkpoint is also
// logged, so a server whose logs are shipped off the machine keeps a copy
// even without a file. Repeating a run writes nothing new for a chain that
// has not grown.
type AuditCheckpoints struct {
	Chains AuditChains
	// Log may be nil: checkpoints then go to the server log only.
	Log   CheckpointLog
	Clock kernel.Clock
	Out   *slog.Logger
}

// Run seals every chain once; it returns how many checkpoints it wrote.
func (j *AuditCheckpoints) Run(ctx context.Context) (int, error) {
	orgs, err := j.Chains.AuditOrgs(ctx)
	if err != nil {
		return 0, err
	}
	last := map[string]audit.Checkpoint{}
	if j.Log != nil {
		if last, err = j.Log.Latest(ctx); err != nil {
			return 0, fmt.Errorf("audit checkpoints: read the earlier ones: %w", err)
		}
	}
	out := j.Out
	if out == nil {
		out = slog.New(slog.DiscardHandler)
	}
	fresh := map[string]audit.Checkpoint{}
	var broken []error
	for _, org := range orgs {
		var earlier []audit.Checkpoint
		if cp, ok := last[org]; ok {
			earlier = append(earlier, cp)
		}
		head, err := audit.Verify(ctx, j.Chains, org, earlier...)
		var be *audit.BrokenError
		if errors.As(err, &be) {
			out.Error("audit chain broken; no checkpoint written for it", "org", org, "entry", be.Seq, "reason", be.Reason)
			broken = append(broken, err)
			continue
		}
		if err != nil {
			return 0, err
		}
		if head.Seq == 0 || head == last[org] {
			continue
		}
		fresh[org] = head
	}
	if len(fresh) > 0 {
		now := j.Clock.Now().UTC()
		if j.Log != nil {
			if err := j.Log.Write(ctx, now, fresh); err != nil {
				return 0, fmt.Errorf("audit checkpoints: %w", err)
			}
		}
		for org, cp := range fresh {
			out.Info("audit checkpoint", "org", org, "checkpoint", cp.String())
		}
	}
	return len(fresh), errors.Join(broken...)
}

// CheckpointFile is a CheckpointLog in an append-only text file, one line
// per checkpoint: "TIME ORG SEQ:HASH". Lines are appended and synced;
// nothing is ever rewritten.
type CheckpointFile struct{ Path string }

// Latest reads the file; a missing file has no checkpoints.
func (f CheckpointFile) Latest(ctx context.Context) (map[string]audit.Checkpoint, error) {
	return ReadCheckpointFile(f.Path)
}

// ReadCheckpointFile returns the newest checkpoint per organisation in a
// checkpoint file, naming the line of any it cannot read.
func ReadCheckpointFile(path string) (map[string]audit.Checkpoint, error) {
	out := map[string]audit.Checkpoint{}
	fh, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("%s:%d: want TIME ORG SEQ:HASH", path, n)
		}
		cp, err := audit.ParseCheckpoint(f[2])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if cp.Seq >= out[f[1]].Seq {
			out[f[1]] = cp
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// Write appends the checkpoints and syncs the file.
func (f CheckpointFile) Write(ctx context.Context, at time.Time, cps map[string]audit.Checkpoint) error {
	fh, err := os.OpenFile(f.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, org := range slices.Sorted(maps.Keys(cps)) {
		fmt.Fprintf(&b, "%s %s %s\n", at.Format(time.RFC3339), org, cps[org])
	}
	if _, err := fh.WriteString(b.String()); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Sync(); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// AddAuditCheckpointJob registers the daily sealing.
func (s *Scheduler) AddAuditCheckpointJob(j *AuditCheckpoints) {
	s.Add(Job{Name: JobAuditCheckpoint, Every: 24 * time.Hour, Run: func(ctx context.Context) error {
		_, err := j.Run(ctx)
		return err
	}})
}
