package grievance_test

import (
	"context"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestQueueEscalationAndRetention(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, old, _ := e.svc.Submit(ctx, e.org, submission("old"))
	e.clock.Advance(5 * 24 * time.Hour)
	_, newer, _ := e.svc.Submit(ctx, e.org, submission("new"))
	e.clock.Advance(5 * 24 * time.Hour) // old is 10 days in received: overdue

	q, err := e.svc.Queue(ctx, "org-1", grievance.ReportFilter{}, kernel.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 2 || q[0].Report.ID != old.ID || !q[0].Deadline.Overdue || q[1].Deadline.Overdue {
		t.Fatalf("queue %+v", q)
	}

	due, err := e.svc.DueForEscalation(ctx, "org-1")
	if err != nil || len(due) != 1 || due[0].Report.ID != old.ID || due[0].Deadline.Escalation != 1 {
		t.Fatalf("escalation %+v %v", due, err)
	}
	if err := e.svc.MarkEscalated(ctx, "org-1", old.ID, 1); err != nil {
		t.Fatal(err)
	}
	if due, _ := e.svc.DueForEscalation(ctx, "org-1"); len(due) != 0 {
		t.Fatalf("notified twice: %+v", due)
	}
	e.clock.Advance(7 * 24 * time.Hour) // a week more: level 2
	due, _ = e.svc.DueForEscalation(ctx, "org-1")
	levels := map[string]int{}
	for _, d := range due {
		levels[d.Report.ID] = d.Deadline.Escalation
	}
	if levels[old.ID] != 2 || levels[newer.ID] != 1 {
		t.Fatalf("levels %v", levels)
	}

	// Close the newer report as a duplicate, then let retention pass.
	hs, _ := e.svc.OpenAsHandler(ctx, "org-1", newer.ID, e.alice)
	if err := hs.Move(ctx, grievance.StageClosed, grievance.ReasonDuplicate, ""); err != nil {
		t.Fatal(err)
	}
	hs.Close()
	if n, err := e.svc.PurgeExpired(ctx, "org-1", 30, "retention"); err != nil || n != 0 {
		t.Fatalf("purged early: %d %v", n, err)
	}
	e.clock.Advance(31 * 24 * time.Hour)
	if n, err := e.svc.PurgeExpired(ctx, "org-1", 30, "retention"); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
	if _, err := e.svc.OpenAsHandler(ctx, "org-1", newer.ID, e.alice); !kernel.IsCode(err, kernel.Forbidden) {
		t.Fatalf("purged report opens: %v", err)
	}
	if _, err := e.svc.OpenAsHandler(ctx, "org-1", old.ID, e.alice); err != nil {
		t.Fatalf("open report purged: %v", err)
	}
	if n, _ := e.svc.PurgeExpired(ctx, "org-1", 30, "retention"); n != 0 {
		t.Fatal("purged twice")
	}
}

func TestRetentionDue(t *testing.T) {
	closedOn, _ := grievance.ParseDay("2026-01-01")
	closed := grievance.Report{Case: grievance.Case{Stage: grievance.StageClosed, Since: closedOn}}
	open := grievance.Report{Case: grievance.Case{Stage: grievance.StageInvestigating, Since: closedOn}}
	cases := []struct {
		name string
		r    grievance.Report
		days int
		on   int // days after closing
		want bool
	}{
		{"inside period", closed, 365, 365, false},
		{"past period", closed, 365, 366, true},
		{"open report", open, 1, 1000, false},
		{"keep forever", closed, 0, 10000, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := grievance.RetentionDue(c.r, c.days, closedOn.AddDays(c.on)); got != c.want {
				t.Fatalf("got %v", got)
			}
		})
	}
}
