package jobs_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestAuditCheckpointsCatchARewrittenChain: the daily job seals each
// chain in a file outside the database. Someone with write access to the
// database who rewrites a chain and recomputes every hash after the change
// passes the chain's own check, but not the checkpoint; the job then
// refuses to seal the rewritten chain. Entries cut from the end after a
// checkpoint are caught the same way.
func TestAuditCheckpointsCatchARewrittenChain(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: t0}
		chains := db.AuditLog()
		add := func(org, actor string) {
			t.Helper()
			clock.Advance(time.Minute)
			if _, err := audit.Append(ctx, chains, clock, audit.Record{Org: org, Actor: actor, Action: "report.view", Object: "reports:r1"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, a := range []string{"user:1", "user:2", "user:3"} {
			add("org-a", a)
		}
		add("org-b", "user:9")
		add("org-b", "user:9")

		file := filepath.Join(t.TempDir(), "audit-checkpoints")
		job := &jobs.AuditCheckpoints{Chains: chains, Log: jobs.CheckpointFile{Path: file}, Clock: clock}
		if n, err := job.Run(ctx); n != 2 || err != nil {
			t.Fatalf("first seal: %d %v", n, err)
		}
		if n, err := job.Run(ctx); n != 0 || err != nil {
			t.Fatalf("a second run with nothing new wrote %d (%v)", n, err)
		}
		add("org-a", "user:1")
		if n, err := job.Run(ctx); n != 1 || err != nil {
			t.Fatalf("seal after one new entry: %d %v", n, err)
		}
		lines, _ := os.ReadFile(file)
		if got := strings.Count(string(lines), "\n"); got != 3 || !strings.Contains(string(lines), " org-a 4:") {
			t.Fatalf("checkpoint file:\n%s", lines)
		}

		// Behind the application's back: lift the append-only guard,
		// remove org-a's chain and write a consistent forgery in which
		// entry 2 was done by someone else.
		if db.Engine == sqlstore.Postgres {
			db.ExecForTest(ctx, "DROP RULE audit_log_no_update ON audit_log")
			db.ExecForTest(ctx, "DROP RULE audit_log_no_delete ON audit_log")
		} else {
			db.ExecForTest(ctx, "DROP TRIGGER audit_log_no_update")
			db.ExecForTest(ctx, "DROP TRIGGER audit_log_no_delete")
		}
		if err := db.ExecForTest(ctx, "DELETE FROM audit_log WHERE org_id = 'org-a'"); err != nil {
			t.Fatal(err)
		}
		for _, a := range []string{"user:1", "user:mallory", "user:3", "user:1"} {
			add("org-a", a)
		}
		if _, err := audit.Verify(ctx, chains, "org-a"); err != nil {
			t.Fatalf("the forgery should pass the chain's own check (that is the point): %v", err)
		}
		sealed, err := jobs.ReadCheckpointFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var be *audit.BrokenError
		if _, err := audit.Verify(ctx, chains, "org-a", sealed["org-a"]); !errors.As(err, &be) {
			t.Fatalf("the checkpoint did not catch the rewritten chain: %v", err)
		}
		n, err := job.Run(ctx)
		if !errors.As(err, &be) || be.Org != "org-a" || n != 0 {
			t.Fatalf("the job sealed a rewritten chain: %d %v", n, err)
		}
		if after, _ := jobs.ReadCheckpointFile(file); after["org-a"] != sealed["org-a"] {
			t.Error("the checkpoint of the broken chain moved")
		}

		// Cutting the newest entry of org-b.
		if err := db.ExecForTest(ctx, "DELETE FROM audit_log WHERE org_id = 'org-b' AND seq = 2"); err != nil {
			t.Fatal(err)
		}
		if _, err := audit.Verify(ctx, chains, "org-b"); err != nil {
			t.Fatalf("a truncated chain passes its own check: %v", err)
		}
		if _, err := audit.Verify(ctx, chains, "org-b", sealed["org-b"]); !errors.As(err, &be) || !strings.Contains(be.Reason, "gone") {
			t.Fatalf("the checkpoint did not catch the truncation: %v", err)
		}
	})
}

// TestCheckpointFileNamesBadLines: a damaged checkpoint file is an error
// naming the line, never silently fewer checkpoints.
func TestCheckpointFileNamesBadLines(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cps")
	os.WriteFile(file, []byte("2026-12-01T00:00:00Z org-a 3:"+strings.Repeat("ab", 32)+"\n2026-12-02T00:00:00Z org-a nonsense\n"), 0o600)
	if _, err := jobs.ReadCheckpointFile(file); err == nil || !strings.Contains(err.Error(), ":2:") {
		t.Fatalf("err = %v, want one naming line 2", err)
	}
	if cps, err := jobs.ReadCheckpointFile(filepath.Join(t.TempDir(), "missing")); err != nil || len(cps) != 0 {
		t.Fatalf("a missing file: %v %v", cps, err)
	}
}
