package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

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

// The audit-log page's query on both engines: newest first, by person,
// kind of action, object, time and page.
func TestAuditLogRecent(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := db.AuditLog()
		clock := &kernel.FixedClock{T: t0}
		for i, r := range []audit.Record{
			{Org: "org-a", Actor: "ana", Action: "grievance.report.view", Object: "grievance_report:r1"},
			{Org: "org-a", Actor: "ben", Action: "account.user.create", Object: "user:u9"},
			{Org: "org-a", Actor: "ana", Action: "grievance.case.stage", Object: "grievance_report:r2"},
			{Org: "org-b", Actor: "ana", Action: "grievance.report.view", Object: "grievance_report:r3"},
			{Org: "org-a", Actor: "ana", Action: "grievancex.other", Object: "x:1"},
		} {
			clock.T = t0.Add(time.Duration(i) * time.Hour)
			if _, err := audit.Append(ctx, st, clock, r); err != nil {
				t.Fatal(err)
			}
		}
		seqs := func(q audit.Query) []uint64 {
			t.Helper()
			es, err := st.Recent(ctx, "org-a", q)
			if err != nil {
				t.Fatal(err)
			}
			var out []uint64
			for _, e := range es {
				out = append(out, e.Seq)
			}
			return out
		}
		for _, c := range []struct {
			name string
			q    audit.Query
			want []uint64
		}{
			{"all, newest first", audit.Query{}, []uint64{4, 3, 2, 1}},
			{"one person", audit.Query{Actor: "ana"}, []uint64{4, 3, 1}},
			{"case actions", audit.Query{ActionPrefix: "grievance."}, []uint64{3, 1}},
			{"one case", audit.Query{Object: "grievance_report:r2"}, []uint64{3}},
			{"since", audit.Query{Since: t0.Add(90 * time.Minute)}, []uint64{4, 3}},
			{"until", audit.Query{Until: t0.Add(90 * time.Minute)}, []uint64{2, 1}},
			{"next page", audit.Query{Before: 3, Limit: 1}, []uint64{2}},
		} {
			if got := seqs(c.q); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
	})
}
