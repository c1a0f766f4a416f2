package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

// The case inbox's tools on both engines: a report found by its receipt
// locator, filters by severity, assignee and overdue, critical reports
// listed first, and assigning a case to a handler who could not open it
// yet gives them access.
func TestCaseInboxFiltersAndAssignment(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newGrievanceFixture(t, db)
		org := f.tn.a.ID
		rcOld, old := f.submit(t, org, "the oldest report")
		f.clock.T = t0.Add(5 * 24 * time.Hour)
		_, danger := f.submit(t, org, "someone is locked in")
		_, newest := f.submit(t, org, "the newest report")
		f.clock.T = t0.Add(9 * 24 * time.Hour) // the oldest is 9 days unacknowledged: overdue after 7

		open := func(id string) *grievance.HandlerSession {
			t.Helper()
			hs, err := f.svc.OpenAsHandler(ctx, org, id, grievance.Handler{UserID: f.tn.userA.ID, Key: f.handler})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(hs.Close)
			return hs
		}
		hs := open(danger.ID)
		tr := hs.Report().Triage
		tr.Severity = grievance.SeverityCritical
		if err := hs.SetTriage(ctx, tr); err != nil {
			t.Fatal(err)
		}
		// A second handler, who holds no key for the report yet.
		other, err := f.v.NewKeyPair()
		if err != nil {
			t.Fatal(err)
		}
		otherID := kernel.NewID()
		if _, err := f.st.WrappedKey(ctx, newest.ID, vault.HandlerRecipient(otherID)); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("the second handler holds a key before assignment: %v", err)
		}
		if err := open(newest.ID).Assign(ctx, otherID, other.Public()); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.OpenAsHandler(ctx, org, newest.ID, grievance.Handler{UserID: otherID, Key: other}); err != nil {
			t.Fatalf("the assignee cannot open the case assigned to them: %v", err)
		}
		if err := open(old.ID).Assign(ctx, f.tn.userA.ID, f.handler.Public()); err != nil {
			t.Fatal(err)
		}

		ids := func(rs []grievance.Report) []string {
			var out []string
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}
		for _, c := range []struct {
			name string
			f    grievance.ReportFilter
			want []string
		}{
			{"locator", grievance.ReportFilter{Locator: rcOld.Locator()}, []string{old.ID}},
			{"unknown locator", grievance.ReportFilter{Locator: "000000"}, nil},
			{"critical", grievance.ReportFilter{Severities: []grievance.Severity{grievance.SeverityCritical}}, []string{danger.ID}},
			{"assigned to the second handler", grievance.ReportFilter{Assignee: otherID}, []string{newest.ID}},
			{"unassigned", grievance.ReportFilter{Assignee: grievance.Unassigned}, []string{danger.ID}},
			{"overdue", grievance.ReportFilter{StartedBefore: f.svc.OverdueSince()}, []string{old.ID}},
			{"newest first", grievance.ReportFilter{}, []string{newest.ID, danger.ID, old.ID}},
			{"danger first", grievance.ReportFilter{DangerFirst: true}, []string{danger.ID, newest.ID, old.ID}},
		} {
			if c.name == "unknown locator" && rcOld.Locator() == "000000" {
				continue
			}
			got, err := f.st.Reports(ctx, org, c.f, kernel.Page{})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if g := ids(got); len(g) != len(c.want) || (len(g) > 0 && !equalStrings(g, c.want)) {
				t.Errorf("%s: got %v, want %v", c.name, g, c.want)
			}
		}
		got, err := f.st.Report(ctx, org, newest.ID)
		if err != nil || got.Case.Assignee != otherID {
			t.Fatalf("assignee not stored: %q %v", got.Case.Assignee, err)
		}
		if _, err := f.st.Reports(ctx, org, grievance.ReportFilter{DangerFirst: true}, kernel.Page{After: []string{old.ID}}); !kernel.IsCode(err, kernel.Invalid) {
			t.Fatalf("danger first with a cursor: %v", err)
		}
		q, err := f.svc.Queue(ctx, org, grievance.ReportFilter{}, kernel.Page{})
		if err != nil || len(q) != 3 || q[0].Report.ID != danger.ID || q[1].Report.ID != old.ID {
			t.Fatalf("queue order: %+v %v", q, err)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
