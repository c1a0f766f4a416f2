package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// JobRiskChanges is the lease name of the risk change job.
const JobRiskChanges = "risk.changes"

// RiskChangeStore finds parties whose stored exposure moved since the
// last look, and records the new look.
type RiskChangeStore interface {
	RiskChanges(ctx context.Context, orgID string, step float64) ([]earlywarning.ScoreChange, error)
	MarkRiskWatermarks(ctx context.Context, orgID string, changes []earlywarning.ScoreChange) error
}

// RiskChanges turns jumps of stored risk (after an import, a reference-data
// update or a confirmed hit) into early-warning signals. The threshold
// rules then decide which become alerts.
type RiskChanges struct {
	Orgs    OrgLister
	Store   RiskChangeStore
	Signals SignalPutter
	Clock   kernel.Clock
	Step    float64 // default earlywarning.DefaultRiskStep
}

// Run signals the changes of every organisation and returns how many.
func (r *RiskChanges) Run(ctx context.Context) (int, error) {
	step := r.Step
	if step <= 0 {
		step = earlywarning.DefaultRiskStep
	}
	orgs, err := r.Orgs.ListOrgs(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	now := r.Clock.Now()
	for _, o := range orgs {
		changes, err := r.Store.RiskChanges(ctx, o.ID, step)
		if err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
			continue
		}
		var sigs []earlywarning.Signal
		for _, c := range changes {
			if c.Old == nil {
				continue // first look: nothing to compare with
			}
			sigs = append(sigs, earlywarning.Signal{
				ID:    fmt.Sprintf("rc-%s-%s-%d", o.ID, c.PartyID, now.Unix()),
				OrgID: o.ID, Kind: earlywarning.KindRiskScoreChange,
				Subject: earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: c.PartyID},
				At:      now, Value: c.New - *c.Old,
				Source: earlywarning.ExposureSource{From: *c.Old, To: c.New}.String()})
		}
		if len(sigs) > 0 {
			if err := r.Signals.PutSignals(ctx, sigs); err != nil {
				errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
				continue
			}
		}
		if err := r.Store.MarkRiskWatermarks(ctx, o.ID, changes); err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Slug, err))
			continue
		}
		sent += len(sigs)
	}
	return sent, errors.Join(errs...)
}

// AddRiskChangeJob registers the risk change job, every 30 minutes.
func (s *Scheduler) AddRiskChangeJob(r *RiskChanges) {
	s.Add(Job{Name: JobRiskChanges, Every: 30 * time.Minute, Run: func(ctx context.Context) error {
		n, err := r.Run(ctx)
		if n > 0 {
			s.Log.Info("risk score changes signalled", "parties", n)
		}
		return err
	}})
}
