package jobs

import (
	"context"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// ThresholdStore is what the threshold job needs from storage.
type ThresholdStore interface {
	// PendingSignals returns up to limit signals not yet evaluated, oldest first.
	PendingSignals(ctx context.Context, limit int) ([]earlywarning.Signal, error)
	// MarkEvaluated records that the rules were applied to the signals.
	MarkEvaluated(ctx context.Context, ids []string) error
	// ThresholdConfig returns an organisation's rules (the defaults when
	// it has saved none).
	ThresholdConfig(ctx context.Context, orgID string) (earlywarning.ThresholdConfig, error)
}

// Thresholds applies each organisation's threshold rules to newly stored
// signals (confirmed watchlist hits, risk score changes, reference-data
// updates, and grievance counts where a rule names them) and raises an
// alert for every rule a signal meets. It is the body of the "thresholds"
// job. A crash between raising and marking the signals evaluated raises
// them again on the next run; they fold into the same alerts as repeats.
type Thresholds struct {
	Store  ThresholdStore
	Alerts *earlywarning.Service
	// Batch is how many signals one pass reads (default 500).
	Batch int
	// MaxPasses bounds one Run (default 20).
	MaxPasses int
}

// Run evaluates pending signals in passes until none are left (at most
// MaxPasses) and returns how many triggers it raised.
func (t *Thresholds) Run(ctx context.Context) (raised int, err error) {
	batch, passes := t.Batch, t.MaxPasses
	if batch <= 0 {
		batch = 500
	}
	if passes <= 0 {
		passes = 20
	}
	for range passes {
		sigs, err := t.Store.PendingSignals(ctx, batch)
		if err != nil || len(sigs) == 0 {
			return raised, err
		}
		configs := map[string]earlywarning.ThresholdConfig{}
		ids := make([]string, 0, len(sigs))
		for _, s := range sigs {
			c, ok := configs[s.OrgID]
			if !ok {
				if c, err = t.Store.ThresholdConfig(ctx, s.OrgID); err != nil {
					return raised, err
				}
				configs[s.OrgID] = c
			}
			for _, tr := range c.Evaluate(s) {
				if _, _, err := t.Alerts.Raise(ctx, tr); err != nil {
					if kernel.IsCode(err, kernel.Invalid) {
						continue // a signal no rule can turn into an alert stays a signal
					}
					return raised, err
				}
				raised++
			}
			ids = append(ids, s.ID)
		}
		if err := t.Store.MarkEvaluated(ctx, ids); err != nil {
			return raised, err
		}
		if len(sigs) < batch {
			return raised, nil
		}
	}
	return raised, nil
}
