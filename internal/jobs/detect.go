package jobs

import (
	"context"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// SignalStore is what the detector job needs from storage.
type SignalStore interface {
	// SignalOrgs lists organisations with signals of kind at or after from.
	SignalOrgs(ctx context.Context, kind earlywarning.Kind, from time.Time) ([]string, error)
	// Signals returns an organisation's signals of kind in [from, to).
	Signals(ctx context.Context, orgID string, kind earlywarning.Kind, from, to time.Time) ([]earlywarning.Signal, error)
	// DetectorProgress is the last day whose detections were raised.
	DetectorProgress(ctx context.Context, orgID string) (earlywarning.Day, bool, error)
	SetDetectorProgress(ctx context.Context, orgID string, day earlywarning.Day) error
	// DetectorSensitivity is the organisation's point on the trade-off
	// curve (the default when it has chosen none).
	DetectorSensitivity(ctx context.Context, orgID string) (earlywarning.Sensitivity, error)
	// Closures is the organisation's closure calendar over days [from, to].
	Closures(ctx context.Context, orgID string, from, to earlywarning.Day) ([]earlywarning.ClosurePeriod, error)
}

// Detect runs the count-anomaly detectors over each organisation's stored
// daily grievance counts, read with its closure calendar, and raises an alert for every detection on a day
// not yet processed. It is the body of the "detect" job.
//
// Only complete days (before today, UTC) are examined, since today's count
// is still growing. The first run for an organisation raises only the last
// complete day's detections, so that turning the job on does not flood
// people with alerts about the past. A crash between raising and recording
// progress raises the same detections again on the next run; they fold
// into the same alerts as repeats and notify no one twice.
type Detect struct {
	Signals SignalStore
	Alerts  *earlywarning.Service
	Clock   kernel.Clock
	// Detectors, when set, replace every organisation's own choice of
	// sensitivity (for tests and one-off runs).
	Detectors []earlywarning.CountDetector
	// History is how many days of each series the detectors see (default
	// earlywarning.DetectorHistory).
	History int
	// Severity of the alerts raised (default high).
	Severity earlywarning.Severity
}

// Run examines every organisation with recent grievance counts and returns
// how many detections it raised.
func (d *Detect) Run(ctx context.Context) (raised int, err error) {
	history := d.History
	if history <= 0 {
		history = earlywarning.DetectorHistory
	}
	severity := d.Severity
	if severity == "" {
		severity = earlywarning.SeverityHigh
	}
	through := earlywarning.DayOf(d.Clock.Now().UTC()) - 1
	from := through - earlywarning.Day(history) + 1
	orgs, err := d.Signals.SignalOrgs(ctx, earlywarning.KindGrievanceCount, from.Time())
	if err != nil {
		return 0, err
	}
	for _, org := range orgs {
		done, ok, err := d.Signals.DetectorProgress(ctx, org)
		if err != nil {
			return raised, err
		}
		if !ok {
			done = through - 1
		}
		if done >= through {
			continue
		}
		sigs, err := d.Signals.Signals(ctx, org, earlywarning.KindGrievanceCount, from.Time(), (through + 1).Time())
		if err != nil {
			return raised, err
		}
		detectors := d.Detectors
		if len(detectors) == 0 {
			point, err := d.Signals.DetectorSensitivity(ctx, org)
			if err != nil {
				return raised, err
			}
			detectors = point.Detectors()
		}
		closures, err := d.Signals.Closures(ctx, org, from, through)
		if err != nil {
			return raised, err
		}
		series, subjects := earlywarning.DailySeries(sigs, from, history)
		earlywarning.ApplyClosures(series, closures)
		for _, det := range earlywarning.DetectAll(series, earlywarning.Pool(series, detectors)...) {
			if det.Day <= done {
				continue
			}
			if _, _, err := d.Alerts.Raise(ctx, det.Trigger(org, subjects[det.Key], severity)); err != nil {
				return raised, err
			}
			raised++
		}
		if err := d.Signals.SetDetectorProgress(ctx, org, through); err != nil {
			return raised, err
		}
	}
	return raised, nil
}
