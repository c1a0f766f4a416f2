package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Job names of the grievance jobs, as they appear in the lease table.
const (
	JobGrievanceSignals = "grievance.signals"
	JobGrievanceEscal   = "grievance.escalate"
	JobGrievancePurge   = "grievance.purge"
	JobGrievanceFlood   = "grievance.flood"
)

// OrgLister lists the organisations a per-organisation job visits.
type OrgLister interface {
	ListOrgs(ctx context.Context) ([]account.Org, error)
}

// GrievanceCounter counts received reports per day and subject from the
// clear triage fields.
type GrievanceCounter interface {
	GrievanceDayCounts(ctx context.Context, orgID, from, to string) ([]earlywarning.SubjectCount, error)
	// ReceivedPerDay counts all reports by day received, from and to
	// inclusive.
	ReceivedPerDay(ctx context.Context, orgID, from, to string) (map[string]int, error)
}

// SignalPutter stores signals idempotently by id.
type SignalPutter interface {
	PutSignals(ctx context.Context, sigs []earlywarning.Signal) error
}

// GrievanceSignals turns each organisation's daily grievance counts into
// early-warning signals, so the count detectors watch them. It reads only
// counts, never case content. It re-sends the last few days each run (ids
// are derived from the content, so repeats are ignored) to cover days
// finished while no server was running.
type GrievanceSignals struct {
	Orgs     OrgLister
	Counts   GrievanceCounter
	Signals  SignalPutter
	Clock    kernel.Clock
	Lookback int // days re-sent each run (default 3)
}

// Run sends the counts of the last complete days and returns how many
// signals it sent.
func (g *GrievanceSignals) Run(ctx context.Context) (int, error) {
	back := g.Lookback
	if back <= 0 {
		back = 3
	}
	today := g.Clock.Now().UTC().Truncate(24 * time.Hour)
	from, to := today.AddDate(0, 0, -back).Format(time.DateOnly), today.AddDate(0, 0, -1).Format(time.DateOnly)
	orgs, err := g.Orgs.ListOrgs(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, o := range orgs {
		counts, err := g.Counts.GrievanceDayCounts(ctx, o.ID, from, to)
		if err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
			continue
		}
		sigs := make([]earlywarning.Signal, 0, len(counts))
		for _, c := range counts {
			day, err := time.Parse(time.DateOnly, c.Day)
			if err != nil {
				errs = append(errs, fmt.Errorf("organisation %s: day %q: %w", o.Slug, c.Day, err))
				continue
			}
			sigs = append(sigs, earlywarning.Signal{ID: countSignalID(o.ID, c), OrgID: o.ID, Kind: earlywarning.KindGrievanceCount,
				Subject: c.Subject, At: day, Value: float64(c.Count), Source: "grievance triage counts"})
		}
		if len(sigs) == 0 {
			continue
		}
		if err := g.Signals.PutSignals(ctx, sigs); err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
			continue
		}
		sent += len(sigs)
	}
	return sent, errors.Join(errs...)
}

// countSignalID derives a signal's id from what it counts, so sending the
// same day again stores nothing new. A count that grows later (a report
// entered for an earlier day) keeps the first value: detectors look at
// days as they were when first complete.
func countSignalID(orgID string, c earlywarning.SubjectCount) string {
	sum := sha256.Sum256([]byte(orgID + "|" + string(c.Subject.Kind) + "|" + c.Subject.ID + "|" + c.Day))
	return "gc-" + hex.EncodeToString(sum[:16])
}

// CaseEscalation raises an alert for each grievance case that passed an
// escalation level of its response-time target, once per level. Alerts
// name the case id and stage only.
type CaseEscalation struct {
	Orgs   OrgLister
	Cases  *grievance.Service
	Alerts *earlywarning.Service
	Clock  kernel.Clock
}

// escalationSeverity maps escalation levels to alert severity.
var escalationSeverity = map[int]earlywarning.Severity{1: earlywarning.SeverityMedium, 2: earlywarning.SeverityHigh, 3: earlywarning.SeverityCritical}

// Run raises alerts for newly escalated cases and returns how many.
func (c *CaseEscalation) Run(ctx context.Context) (int, error) {
	orgs, err := c.Orgs.ListOrgs(ctx)
	if err != nil {
		return 0, err
	}
	raised := 0
	var errs []error
	for _, o := range orgs {
		due, err := c.Cases.DueForEscalation(ctx, o.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
			continue
		}
		for _, it := range due {
			level := it.Deadline.Escalation
			sev, ok := escalationSeverity[level]
			if !ok {
				sev = earlywarning.SeverityCritical
			}
			_, _, err := c.Alerts.Raise(ctx, earlywarning.Trigger{OrgID: o.ID, Key: "case-overdue/" + it.Report.ID,
				Kind: earlywarning.KindCaseOverdue, Subject: earlywarning.Subject{Kind: earlywarning.SubjectCase, ID: it.Report.ID},
				Detector: "response-time", Severity: sev, Score: float64(level), At: c.Clock.Now(),
				Source: earlywarning.CaseDueSource{Stage: string(it.Deadline.Stage), Due: it.Deadline.Due.String()}.String()})
			if err != nil {
				errs = append(errs, fmt.Errorf("organisation %s: case %s: %w", o.Slug, it.Report.ID, err))
				continue
			}
			if err := c.Cases.MarkEscalated(ctx, o.ID, it.Report.ID, level); err != nil {
				errs = append(errs, fmt.Errorf("organisation %s: case %s: %w", o.Slug, it.Report.ID, err))
				continue
			}
			raised++
		}
	}
	return raised, errors.Join(errs...)
}

// IntakeFlood raises an alert, once a day per organisation, when the day's
// intake is a flood by the rule: handlers then look at the inbox and mark
// the junk as spam. Intake itself never stops.
type IntakeFlood struct {
	Orgs   OrgLister
	Counts GrievanceCounter
	Alerts *earlywarning.Service
	Clock  kernel.Clock
	Rule   grievance.FloodRule // zero: grievance.DefaultFloodRule
}

// Run checks today's intake of every organisation and returns how many
// floods it raised.
func (f *IntakeFlood) Run(ctx context.Context) (int, error) {
	rule := f.Rule
	if rule == (grievance.FloodRule{}) {
		rule = grievance.DefaultFloodRule()
	}
	if err := rule.Validate(); err != nil {
		return 0, err
	}
	now := f.Clock.Now()
	today := now.UTC().Truncate(24 * time.Hour)
	from := today.AddDate(0, 0, -rule.Baseline)
	orgs, err := f.Orgs.ListOrgs(ctx)
	if err != nil {
		return 0, err
	}
	raised := 0
	var errs []error
	for _, o := range orgs {
		counts, err := f.Counts.ReceivedPerDay(ctx, o.ID, from.Format(time.DateOnly), today.Format(time.DateOnly))
		if err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
			continue
		}
		before := make([]int, rule.Baseline)
		for i := range before {
			before[i] = counts[from.AddDate(0, 0, i).Format(time.DateOnly)]
		}
		day := today.Format(time.DateOnly)
		usual, flooded := rule.Flooded(counts[day], before)
		if !flooded {
			continue
		}
		_, change, err := f.Alerts.Raise(ctx, earlywarning.Trigger{OrgID: o.ID, Key: "intake-flood/" + day,
			Kind: earlywarning.KindIntakeFlood, Subject: earlywarning.Subject{Kind: earlywarning.SubjectOrg, ID: o.Slug},
			Detector: "intake-flood", Severity: earlywarning.SeverityHigh, Score: float64(counts[day]), At: now,
			Source: earlywarning.FloodSource{Count: counts[day], Day: day, Usual: usual}.String()})
		if err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
			continue
		}
		if change == earlywarning.ChangeCreated {
			raised++
		}
	}
	return raised, errors.Join(errs...)
}

// RetentionPurge destroys closed grievance reports past each
// organisation's retention period.
type RetentionPurge struct {
	Orgs  OrgLister
	Cases *grievance.Service
}

// Run purges what is due and returns how many reports it purged.
func (p *RetentionPurge) Run(ctx context.Context) (int, error) {
	orgs, err := p.Orgs.ListOrgs(ctx)
	if err != nil {
		return 0, err
	}
	purged := 0
	var errs []error
	for _, o := range orgs {
		n, err := p.Cases.PurgeExpired(ctx, o.ID, o.RetentionDays, "system:retention")
		if err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
		}
		purged += n
	}
	return purged, errors.Join(errs...)
}

// GrievanceJobs holds what the grievance jobs need.
type GrievanceJobs struct {
	Orgs    OrgLister
	Counts  GrievanceCounter
	Signals SignalPutter
	Cases   *grievance.Service
	Alerts  *earlywarning.Service
	Clock   kernel.Clock
}

// AddGrievanceJobs registers the grievance jobs: daily counts as signals
// (hourly), escalation of overdue cases (every 15 minutes) and retention
// purges (every 6 hours).
func (s *Scheduler) AddGrievanceJobs(g GrievanceJobs) {
	signals := &GrievanceSignals{Orgs: g.Orgs, Counts: g.Counts, Signals: g.Signals, Clock: g.Clock}
	escalate := &CaseEscalation{Orgs: g.Orgs, Cases: g.Cases, Alerts: g.Alerts, Clock: g.Clock}
	purge := &RetentionPurge{Orgs: g.Orgs, Cases: g.Cases}
	flood := &IntakeFlood{Orgs: g.Orgs, Counts: g.Counts, Alerts: g.Alerts, Clock: g.Clock}
	s.Add(Job{Name: JobGrievanceFlood, Every: 5 * time.Minute, Run: func(ctx context.Context) error {
		n, err := flood.Run(ctx)
		if n > 0 {
			s.Log.Warn("grievance intake flood detected", "organisations", n)
		}
		return err
	}})
	s.Add(Job{Name: JobGrievanceSignals, Every: time.Hour, Run: func(ctx context.Context) error {
		_, err := signals.Run(ctx)
		return err
	}})
	s.Add(Job{Name: JobGrievanceEscal, Every: 15 * time.Minute, Run: func(ctx context.Context) error {
		n, err := escalate.Run(ctx)
		if n > 0 {
			s.Log.Info("overdue grievance cases escalated", "cases", n)
		}
		return err
	}})
	s.Add(Job{Name: JobGrievancePurge, Every: 6 * time.Hour, Run: func(ctx context.Context) error {
		n, err := purge.Run(ctx)
		if n > 0 {
			s.Log.Info("grievance reports purged after retention", "reports", n)
		}
		return err
	}})
}
