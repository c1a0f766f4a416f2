package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
)

// JobAuditAgeing is the lease name of the audit-ageing job.
const JobAuditAgeing = "risk.audit-ageing"

// AuditAgeingStore reads an organisation's stored audits and remembers
// when the job last looked at them.
type AuditAgeingStore interface {
	PartyAudits(ctx context.Context, orgID string) (map[string][]ingest.Audit, error)
	AuditsCheckedAt(ctx context.Context, orgID string) (time.Time, error)
	MarkAuditsChecked(ctx context.Context, orgID string, at time.Time) error
}

// RiskRecomputer scores an organisation's stored parties again;
// assessment.Service is one.
type RiskRecomputer interface {
	Recompute(ctx context.Context, orgID string) (map[risk.Level]int, error)
}

// AuditAgeing keeps stored scores true as audits age: a passed audit
// lowers a site's score for 24 months and a certificate counts until it
// expires, so a score can go out of date on a day no file is imported.
// Each run recomputes the risk of every organisation with an audit whose
// signals changed since the last run, and of no other.
type AuditAgeing struct {
	Orgs  OrgLister
	Store AuditAgeingStore
	Risk  RiskRecomputer
	Clock kernel.Clock
}

// AuditAgeingResult says what a run did: organisations recomputed, and
// their parties whose audits aged.
type AuditAgeingResult struct {
	Orgs, Parties int
}

// Run looks at every organisation's audits as of now against the last
// look. An organisation never looked at is recomputed when it has audits,
// since its scores may date from any day.
func (j *AuditAgeing) Run(ctx context.Context) (AuditAgeingResult, error) {
	var res AuditAgeingResult
	orgs, err := j.Orgs.ListOrgs(ctx)
	if err != nil {
		return res, err
	}
	now := j.Clock.Now()
	var errs []error
	for _, o := range orgs {
		n, err := j.runOrg(ctx, o.ID, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
			continue
		}
		if n > 0 {
			res.Orgs++
			res.Parties += n
		}
	}
	return res, errors.Join(errs...)
}

func (j *AuditAgeing) runOrg(ctx context.Context, orgID string, now time.Time) (int, error) {
	audits, err := j.Store.PartyAudits(ctx, orgID)
	if err != nil || len(audits) == 0 {
		return 0, err
	}
	last, err := j.Store.AuditsCheckedAt(ctx, orgID)
	if err != nil {
		return 0, err
	}
	aged := len(audits) // never looked at: every audited party may be out of date
	if !last.IsZero() {
		aged = len(assessment.AuditsAged(audits, last, now))
	}
	if aged > 0 {
		if _, err := j.Risk.Recompute(ctx, orgID); err != nil {
			return 0, err
		}
	}
	// Marked only once the scores are stored, so a failed recompute is
	// tried again at the next run.
	return aged, j.Store.MarkAuditsChecked(ctx, orgID, now)
}

// AddAuditAgeingJob registers the audit-ageing job, daily.
func (s *Scheduler) AddAuditAgeingJob(j *AuditAgeing) {
	s.Add(Job{Name: JobAuditAgeing, Every: 24 * time.Hour, Run: func(ctx context.Context) error {
		res, err := j.Run(ctx)
		if res.Orgs > 0 {
			s.Log.Info("risk recomputed for aged audits", "organisations", res.Orgs, "parties", res.Parties)
		}
		return err
	}})
}
