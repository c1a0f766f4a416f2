package grievance

import (
	"context"
	"slices"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// QueueItem is a report in a handler's list with its deadline today. It
// holds clear fields only; listing needs no keys.
type QueueItem struct {
	Report   Report
	Deadline Deadline
}

// Queue lists the organisation's reports matching f with their deadlines,
// most urgent first: critical reports (someone in danger) first, then
// overdue and soonest due before the rest, closed last.
// The page applies to the store's order, newest first; the sort is within
// the page.
func (s *Service) Queue(ctx context.Context, orgID string, f ReportFilter, p kernel.Page) ([]QueueItem, error) {
	rs, err := s.cfg.Store.Reports(ctx, orgID, f, p.Normalise())
	if err != nil {
		return nil, err
	}
	today := Today(s.cfg.Clock)
	items := make([]QueueItem, len(rs))
	for i, r := range rs {
		items[i] = QueueItem{Report: r, Deadline: s.cfg.Targets.Deadline(r.Case, today)}
	}
	slices.SortStableFunc(items, func(a, b QueueItem) int {
		switch da, db := a.Report.Triage.Severity == SeverityCritical, b.Report.Triage.Severity == SeverityCritical; {
		case da != db:
			if da {
				return -1
			}
			return 1
		case a.Deadline.HasDue != b.Deadline.HasDue:
			if a.Deadline.HasDue {
				return -1
			}
			return 1
		case a.Deadline.DaysLeft != b.Deadline.DaysLeft:
			return a.Deadline.DaysLeft - b.Deadline.DaysLeft
		}
		return 0
	})
	return items, nil
}

// OverdueSince is the ReportFilter.StartedBefore that keeps the reports
// overdue today under the service's targets.
func (s *Service) OverdueSince() map[Stage]Day {
	return s.cfg.Targets.OverdueSince(Today(s.cfg.Clock))
}

// openStages are the stages that have response-time targets.
func openStages() []Stage {
	return []Stage{StageReceived, StageAcknowledged, StageInvestigating, StageRemediation}
}

// DueForEscalation returns the organisation's open reports whose escalation
// level is above the one already acted on. The escalation job notifies for
// each, then calls MarkEscalated.
func (s *Service) DueForEscalation(ctx context.Context, orgID string) ([]QueueItem, error) {
	today := Today(s.cfg.Clock)
	var out []QueueItem
	p := kernel.Page{Limit: kernel.MaxPageLimit}
	for {
		rs, err := s.cfg.Store.Reports(ctx, orgID, ReportFilter{Stages: openStages()}, p)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if d := s.cfg.Targets.Deadline(r.Case, today); d.NeedsNotice {
				out = append(out, QueueItem{Report: r, Deadline: d})
			}
		}
		if len(rs) < p.Limit {
			return out, nil
		}
		p.Offset += p.Limit
	}
}

// maxUpdateRetries bounds retries on concurrent updates of one report.
const maxUpdateRetries = 5

// MarkEscalated records that an escalation level was acted on, so each
// level is notified once. It needs no keys: escalation runs without
// decrypting anything. A lower or equal level is a no-op.
func (s *Service) MarkEscalated(ctx context.Context, orgID, reportID string, level int) error {
	for range maxUpdateRetries {
		r, err := s.cfg.Store.Report(ctx, orgID, reportID)
		if err != nil {
			return err
		}
		if level <= r.Case.Escalated {
			return nil
		}
		r.Case.Escalated = level
		_, err = s.cfg.Store.UpdateReport(ctx, r, nil)
		if !kernel.IsCode(err, kernel.Conflict) {
			return err
		}
	}
	return kernel.Errorf(kernel.Conflict, "the report kept changing; try again")
}

// RetentionDue reports whether a closed report has been closed for longer
// than the organisation's retention period (in days) and should be purged.
// Open reports are never due; a non-positive period means keep forever.
func RetentionDue(r Report, retentionDays int, today Day) bool {
	if r.Case.Stage != StageClosed || retentionDays <= 0 || r.Case.Since.IsZero() {
		return false
	}
	return today.After(r.Case.Since.AddDays(retentionDays))
}

// PurgeExpired purges the organisation's closed reports past retention and
// returns how many it purged. actorID names the job in the audit log.
func (s *Service) PurgeExpired(ctx context.Context, orgID string, retentionDays int, actorID string) (int, error) {
	if retentionDays <= 0 {
		return 0, nil
	}
	today := Today(s.cfg.Clock)
	var due []string
	p := kernel.Page{Limit: kernel.MaxPageLimit}
	for {
		rs, err := s.cfg.Store.Reports(ctx, orgID, ReportFilter{Stages: []Stage{StageClosed}}, p)
		if err != nil {
			return 0, err
		}
		for _, r := range rs {
			if !r.Purged && RetentionDue(r, retentionDays, today) {
				due = append(due, r.ID)
			}
		}
		if len(rs) < p.Limit {
			break
		}
		p.Offset += p.Limit
	}
	n := 0
	for _, id := range due {
		if err := s.Purge(ctx, orgID, id, actorID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Cases lists the organisation's reports matching f newest first, each
// with its deadline, for the API: nothing sealed is opened. p.After, when
// set, is the id of the last report of the previous page (CaseKey).
func (s *Service) Cases(ctx context.Context, orgID string, f ReportFilter, p kernel.Page) ([]QueueItem, error) {
	rs, err := s.cfg.Store.Reports(ctx, orgID, f, p.Normalise())
	if err != nil {
		return nil, err
	}
	items := make([]QueueItem, len(rs))
	for i, r := range rs {
		items[i] = QueueItem{Report: r, Deadline: s.Deadline(r)}
	}
	return items, nil
}

// Case returns one report's case state and deadline, opening nothing
// sealed.
func (s *Service) Case(ctx context.Context, orgID, reportID string) (QueueItem, error) {
	r, err := s.cfg.Store.Report(ctx, orgID, reportID)
	if err != nil {
		return QueueItem{}, err
	}
	return QueueItem{Report: r, Deadline: s.Deadline(r)}, nil
}

// CaseKey is r's key in the order Cases lists, as kernel.Page.After takes
// it.
func CaseKey(r Report) []string { return []string{r.ID} }
