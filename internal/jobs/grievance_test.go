package jobs_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

// TestGrievanceJobs: daily counts become signals once, overdue cases raise
// one alert per escalation level, and nothing of a report's content is
// needed for either.
func TestGrievanceJobs(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: t0}
		org := newOrg(t, db)
		svc, rec := newGrievanceService(t, db, clock)
		st := db.Grievances()
		for _, n := range []string{"CANARY-one", "CANARY-two"} {
			if _, _, err := svc.Submit(ctx, grievance.OrgKeys{OrgID: org.ID, Recovery: rec.Public()}, grievance.Submission{
				Triage:    grievance.Triage{Categories: []grievance.Category{grievance.DebtBondage}, Country: "BD", Channel: grievance.ChannelWeb},
				Narrative: n}); err != nil {
				t.Fatal(err)
			}
		}
		ew := db.EarlyWarning()
		alerts := &earlywarning.Service{Alerts: ew, Endpoints: ew, Clock: clock}
		clock.Advance(24 * time.Hour)
		sigJob := &jobs.GrievanceSignals{Orgs: db.Accounts(), Counts: st, Signals: ew, Clock: clock}
		for range 2 {
			if _, err := sigJob.Run(ctx); err != nil {
				t.Fatal(err)
			}
		}
		sigs, err := ew.Signals(ctx, org.ID, earlywarning.KindGrievanceCount, t0.Add(-48*time.Hour), t0.Add(48*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		byCountry := 0
		for _, s := range sigs {
			if s.Subject == (earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "BD"}) {
				byCountry++
				if s.Value != 2 {
					t.Errorf("BD count %v, want 2", s.Value)
				}
			}
		}
		if byCountry != 1 {
			t.Fatalf("want one BD signal after two runs, got %d (%d signals)", byCountry, len(sigs))
		}

		esc := &jobs.CaseEscalation{Orgs: db.Accounts(), Cases: svc, Alerts: alerts, Clock: clock}
		if n, err := esc.Run(ctx); err != nil || n != 0 {
			t.Fatalf("escalated %d cases on day 1: %v", n, err)
		}
		clock.Advance(9 * 24 * time.Hour) // acknowledgement due after 7 days: now overdue
		if n, err := esc.Run(ctx); err != nil || n != 2 {
			t.Fatalf("escalation run: %d, %v", n, err)
		}
		if n, err := esc.Run(ctx); err != nil || n != 0 {
			t.Fatalf("the same level escalated twice: %d, %v", n, err)
		}
		open, err := ew.ListAlerts(ctx, org.ID, earlywarning.AlertFilter{}, kernel.Page{})
		if err != nil || len(open) != 2 {
			t.Fatalf("alerts: %d %v", len(open), err)
		}
		for _, a := range open {
			if a.Kind != earlywarning.KindCaseOverdue || a.Subject.Kind != earlywarning.SubjectCase {
				t.Errorf("alert %+v", a)
			}
		}
		purge := &jobs.RetentionPurge{Orgs: db.Accounts(), Cases: svc}
		if n, err := purge.Run(ctx); err != nil || n != 0 {
			t.Fatalf("purged open reports: %d %v", n, err)
		}
	})
}

// TestIntakeFloodRaisesOneAlert: a day with far more reports than usual
// raises one high alert naming the organisation, however often the job
// runs; an ordinary day raises none.
func TestIntakeFloodRaisesOneAlert(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: t0}
		org := newOrg(t, db)
		svc, rec := newGrievanceService(t, db, clock)
		st := db.Grievances()
		submit := func(n int) {
			for range n {
				if _, _, err := svc.Submit(ctx, grievance.OrgKeys{OrgID: org.ID, Recovery: rec.Public()}, grievance.Submission{
					Triage: grievance.Triage{Categories: []grievance.Category{grievance.Other}, Channel: grievance.ChannelWeb}, Narrative: "junk"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		ew := db.EarlyWarning()
		job := &jobs.IntakeFlood{Orgs: db.Accounts(), Counts: st, Alerts: &earlywarning.Service{Alerts: ew, Endpoints: ew, Clock: clock}, Clock: clock,
			Rule: grievance.FloodRule{Min: 20, Factor: 10, Baseline: 7}}
		submit(2)
		if n, err := job.Run(ctx); err != nil || n != 0 {
			t.Fatalf("an ordinary day: %d floods, %v", n, err)
		}
		clock.Advance(24 * time.Hour)
		submit(25)
		for i, want := range []int{1, 0} {
			if n, err := job.Run(ctx); err != nil || n != want {
				t.Fatalf("run %d on the flooded day: %d floods, %v", i+1, n, err)
			}
		}
		open, err := ew.ListAlerts(ctx, org.ID, earlywarning.AlertFilter{}, kernel.Page{})
		if err != nil || len(open) != 1 {
			t.Fatalf("alerts: %d %v", len(open), err)
		}
		if a := open[0]; a.Kind != earlywarning.KindIntakeFlood || a.Severity != earlywarning.SeverityHigh || a.Subject.Kind != earlywarning.SubjectOrg {
			t.Fatalf("alert %+v", a)
		}
	})
}

// newGrievanceService is the grievance service the jobs tests submit
// through, on db with cheap key stretching, and the recovery key new
// reports are wrapped to.
func newGrievanceService(t *testing.T, db *sqlstore.DB, clock kernel.Clock) (*grievance.Service, *vault.PrivateKey) {
	t.Helper()
	v, err := vault.New(vault.TestParams(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	th, _ := grievance.NewThrottle(grievance.DefaultThrottle(), clock)
	al := db.AuditLog()
	svc, err := grievance.NewService(grievance.Config{Vault: v, Store: db.Grievances(), Throttle: th, Clock: clock, Rand: rand.Reader,
		Audit: func(ctx context.Context, r audit.Record) error { _, err := audit.Append(ctx, al, clock, r); return err }})
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := v.NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	return svc, rec
}
