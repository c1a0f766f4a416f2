package web

import (
	"context"
	"net/http"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// CaseCounter counts an organisation's open grievance cases and those
// past their response-time target.
type CaseCounter interface {
	CaseCounts(ctx context.Context, orgID string) (open, overdue int, err error)
}

// AlertCounter counts an organisation's unresolved alerts, and those of
// high severity or above.
type AlertCounter interface {
	OpenAlerts(ctx context.Context, orgID string) (open, high int, err error)
}

// IndicatorReader returns up to limit key impact indicators with their
// progress to target.
type IndicatorReader interface {
	KeyIndicators(ctx context.Context, orgID string, limit int) ([]impact.IndicatorStatus, error)
}

// DashboardSources feed the dashboard's panels. A nil source falls back to
// the matching service in Deps when there is one; when there is none, the
// capability is off and the panel says "not available".
type DashboardSources struct {
	Cases      CaseCounter
	Alerts     AlertCounter
	Indicators IndicatorReader
}

// home is the dashboard every signed-in role lands on.
func (s *dashboardHandlers) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalOf(r)
	org := p.User.OrgID
	data := map[string]any{}
	if s.supplyOn && p.Can(account.PermSuppliersRead) {
		dist, err := cachedAggregate(s.aggregates, org, "levels", func() (distribution, error) { return s.riskDistribution(ctx, org) })
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data["Dist"] = dist
		top, err := cachedAggregate(s.aggregates, org, "top", func() ([]registerRow, error) {
			top, _, err := s.suppliers.Register(ctx, org, supplychain.RegisterFilter{}, supplychain.SortExposure, kernel.Page{Limit: 10})
			rows := make([]registerRow, len(top))
			for i, e := range top {
				rows[i] = rowOf(e.Party, e.Risk, true)
			}
			return rows, err
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data["Top"] = top
	}
	data["Cases"] = s.caseCounts(ctx, p)
	data["Alerts"] = s.alertCounts(ctx, p)
	data["Indicators"] = s.keyIndicators(ctx, p)
	s.render(w, r, http.StatusOK, "dashboard.html", data)
}

// distribution is the count of suppliers per risk level, with bars.
type distribution struct {
	Total, Unscored int
	// NeedData counts the suppliers at level unknown: missing their
	// country or any commodity, so their score can only understate them.
	NeedData int
	Levels   []levelCount
}

type levelCount struct {
	Level  string
	N      int
	Bar, Y int
	Share  float64 // of all scored suppliers, shown as a percentage
}

const distBarMax = 200

// riskDistribution counts suppliers per level: the register's total for
// each level filter, which its level index serves.
func (s *dashboardHandlers) riskDistribution(ctx context.Context, org string) (distribution, error) {
	one := kernel.Page{Limit: 1}
	_, total, err := s.suppliers.Register(ctx, org, supplychain.RegisterFilter{}, supplychain.SortExposure, one)
	if err != nil {
		return distribution{}, err
	}
	d := distribution{Total: total, Unscored: total}
	top := 0
	for i := len(levels) - 1; i >= 0; i-- {
		_, n, err := s.suppliers.Register(ctx, org, supplychain.RegisterFilter{Level: levels[i]}, supplychain.SortExposure, one)
		if err != nil {
			return distribution{}, err
		}
		d.Levels = append(d.Levels, levelCount{Level: levels[i], N: n})
		d.Unscored -= n
		if levels[i] == string(risk.Unknown) {
			d.NeedData = n
		}
		top = max(top, n)
	}
	for i := range d.Levels {
		lc := &d.Levels[i]
		lc.Y = i * 30
		if top > 0 && lc.N > 0 {
			lc.Bar = max(1, lc.N*distBarMax/top)
		}
		if total > 0 {
			lc.Share = float64(lc.N) / float64(total)
		}
	}
	return d, nil
}

// casePanel is the dashboard's case figures for one principal.
type casePanel struct {
	Available     bool
	Handler       bool // may open the case inbox
	Open, Overdue countShown
}

func (s *dashboardHandlers) caseCounts(ctx context.Context, p account.Principal) casePanel {
	if !p.Can(account.PermCasesHandle) && !p.Can(account.PermCasesAggregate) {
		return casePanel{}
	}
	open, overdue, err := s.cases.CaseCounts(ctx, p.User.OrgID)
	if err != nil {
		s.logPanelError("dashboard cases", err)
		return casePanel{}
	}
	// Roles without case access see suppressed aggregates only.
	c := suppressed(p, open, overdue)
	return casePanel{Available: true, Handler: p.Can(account.PermCasesHandle), Open: c[0], Overdue: c[1]}
}

type alertPanel struct {
	Available  bool
	Open, High int
}

func (s *dashboardHandlers) alertCounts(ctx context.Context, p account.Principal) alertPanel {
	if !p.Can(account.PermAlertsRead) {
		return alertPanel{}
	}
	open, high, err := s.alerts.OpenAlerts(ctx, p.User.OrgID)
	if err != nil {
		s.logPanelError("dashboard alerts", err)
		return alertPanel{}
	}
	return alertPanel{true, open, high}
}

type dashIndicatorPanel struct {
	Available bool
	Rows      []dashIndicatorRow
}

type dashIndicatorRow struct {
	Name, Unit                string
	Current, Target, Baseline float64
	Known, Achieved           bool
	Bar                       int     // progress bar 0..100
	Fraction                  float64 // of the way from baseline to target
}

const keyIndicatorLimit = 6

func (s *dashboardHandlers) keyIndicators(ctx context.Context, p account.Principal) dashIndicatorPanel {
	if !p.Can(account.PermImpactRead) {
		return dashIndicatorPanel{}
	}
	list, err := s.indicators.KeyIndicators(ctx, p.User.OrgID, keyIndicatorLimit)
	if err != nil {
		s.logPanelError("dashboard indicators", err)
		return dashIndicatorPanel{}
	}
	out := dashIndicatorPanel{Available: true}
	for _, st := range list {
		row := dashIndicatorRow{Name: st.Indicator.Name, Unit: st.Indicator.Unit, Known: st.Progress.Known, Achieved: st.Progress.Achieved,
			Current: st.Progress.Current, Target: st.Progress.Target, Baseline: st.Progress.Baseline}
		if st.Progress.Known {
			row.Bar = int(min(max(st.Progress.Fraction, 0), 1)*100 + 0.5)
			row.Fraction = st.Progress.Fraction
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// grievanceCases counts open and overdue cases from the grievance queue.
type grievanceCases struct{ svc *grievance.Service }

// maxCounted bounds how many cases or alerts a dashboard count reads.
const maxCounted = 20_000

func (g grievanceCases) CaseCounts(ctx context.Context, orgID string) (open, overdue int, err error) {
	f := grievance.ReportFilter{Stages: []grievance.Stage{grievance.StageReceived, grievance.StageAcknowledged,
		grievance.StageInvestigating, grievance.StageRemediation}}
	page := kernel.Page{Limit: kernel.MaxPageLimit}
	for page.Offset < maxCounted {
		items, err := g.svc.Queue(ctx, orgID, f, page)
		if err != nil {
			return 0, 0, err
		}
		for _, it := range items {
			open++
			if it.Deadline.Overdue {
				overdue++
			}
		}
		if len(items) < page.Limit {
			break
		}
		page.Offset += page.Limit
	}
	return open, overdue, nil
}

// storedAlerts counts unresolved alerts from the alert store.
type storedAlerts struct{ store earlywarning.AlertStore }

func (a storedAlerts) OpenAlerts(ctx context.Context, orgID string) (open, high int, err error) {
	f := earlywarning.AlertFilter{States: []earlywarning.State{earlywarning.StateOpen, earlywarning.StateAcknowledged}}
	page := kernel.Page{Limit: kernel.MaxPageLimit}
	for page.Offset < maxCounted {
		list, err := a.store.ListAlerts(ctx, orgID, f, page)
		if err != nil {
			return 0, 0, err
		}
		for _, al := range list {
			open++
			if al.Severity == earlywarning.SeverityHigh || al.Severity == earlywarning.SeverityCritical {
				high++
			}
		}
		if len(list) < page.Limit {
			break
		}
		page.Offset += page.Limit
	}
	return open, high, nil
}

// programmeIndicators takes the outcome and impact indicators of the
// organisation's programmes, in the programmes' order.
type programmeIndicators struct {
	svc *impact.Service
	cat impact.Catalogue
}

func (pi programmeIndicators) KeyIndicators(ctx context.Context, orgID string, limit int) ([]impact.IndicatorStatus, error) {
	progs, err := pi.cat.Programmes(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []impact.IndicatorStatus
	for _, p := range progs {
		rep, err := pi.svc.Report(ctx, orgID, p.ID, impact.Filter{})
		if err != nil {
			return nil, err
		}
		for _, st := range append(append([]impact.IndicatorStatus(nil), rep.Outcomes...), rep.Impact...) {
			if len(out) == limit {
				return out, nil
			}
			out = append(out, st)
		}
	}
	return out, nil
}
