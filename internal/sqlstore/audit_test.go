package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

func TestAuditLogChainOnBothEngines(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := db.AuditLog()
		clock := &kernel.FixedClock{T: t0}
		for i := 0; i < 5; i++ {
			if _, err := audit.Append(ctx, st, clock, audit.Record{Org: "org-a", Actor: "user-1", Action: "grievance.report.view", Object: "reports:r1",
				Detail: map[string]string{"reason": "triage"}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := audit.Append(ctx, st, clock, audit.Record{Org: "org-b", Actor: "user-2", Action: "user.create", Object: "users:u2"}); err != nil {
			t.Fatal(err)
		}
		head, err := audit.Verify(ctx, st, "org-a")
		if err != nil || head.Seq != 5 {
			t.Fatalf("verify: %v %+v", err, head)
		}
		// Entries of one organisation never show up in another's chain.
		n := 0
		st.Entries(ctx, "org-b", 1, func(e audit.Entry) error { n++; return nil })
		if n != 1 {
			t.Fatalf("org-b chain has %d entries", n)
		}
		// A duplicate sequence number is a conflict, never a replacement.
		h, _ := st.Head(ctx, "org-a")
		if err := st.Insert(ctx, h); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("duplicate insert: %v", err)
		}
		// Updates and deletes do not change the log.
		db.ExecForTest(ctx, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
		db.ExecForTest(ctx, "DELETE FROM audit_log WHERE seq = 3")
		if _, err := audit.Verify(ctx, st, "org-a"); err != nil {
			t.Fatalf("the log changed under UPDATE/DELETE: %v", err)
		}
	})
}

func TestAuditLogConcurrentAppends(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := db.AuditLog()
		clock := &kernel.FixedClock{T: t0}
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := audit.Append(ctx, st, clock, audit.Record{Org: "org-a", Actor: "system", Action: "job.run", Object: "jobs:x"})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		head, err := audit.Verify(ctx, st, "org-a")
		var be *audit.BrokenError
		if errors.As(err, &be) || err != nil || head.Seq != 40 {
			t.Fatalf("after concurrent appends: %v, head %+v", err, head)
		}
	})
}
