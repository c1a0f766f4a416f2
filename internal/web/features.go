package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/reportdata"
)

// feature is a capability the operator may leave out of a deployment. When
// it is off, its routes stay in the table (so authorisation is still
// checked and a client learns why) but answer "not available".
type feature struct {
	name string
	on   bool
	// unavailable is the message its routes answer with when it is off.
	unavailable string
}

// features are the capabilities of this server, each on or off.
type features struct {
	supply, imports, screening, cases, impact, alerts, reports, surveys, eudr feature
}

// featuresOf decides once, at start, which capabilities are on: those
// whose service Deps holds.
func featuresOf(d Deps) features {
	supplyOn := d.Suppliers != nil
	return features{
		supply: feature{"supply chain", supplyOn, "the supplier register is not available on this server"},
		imports: feature{"supplier import", supplyOn && d.Imports != nil,
			"supplier imports are not available on this server"},
		screening: feature{"watchlist screening", d.Screening != nil && d.Screening.Lists != nil,
			"watchlist screening is not available on this server"},
		cases: feature{"grievance mechanism", d.Grievance != nil,
			"the grievance mechanism is not configured on this server"},
		impact: feature{"impact measurement", d.Impact != nil && d.Impact.Store != nil,
			"impact measurement is not set up on this server"},
		alerts: feature{"early warning", d.Alerts != nil, "alerts are not available on this server"},
		reports: feature{"reports and scorecards", d.Reporting != nil,
			"reports and scorecards are not available on this server"},
		surveys: feature{"worker-voice surveys", d.Surveys.Service != nil,
			"worker-voice surveys are not available on this server"},
		eudr: feature{"deforestation due diligence", d.EUDR != nil,
			"deforestation due diligence is not available on this server"},
	}
}

// off lists the names of the capabilities that are off.
func (f features) off() []string {
	var names []string
	for _, ft := range []feature{f.supply, f.imports, f.screening, f.cases, f.impact, f.alerts, f.reports, f.surveys, f.eudr} {
		if !ft.on {
			names = append(names, ft.name)
		}
	}
	return names
}

// when returns rs unchanged when ft is on; otherwise every route answers
// with ft's "not available" error.
func (s *Server) when(ft feature, rs []route) []route {
	if ft.on {
		return rs
	}
	return s.instead(rs, func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, kernel.Errorf(kernel.Unavailable, "%s", ft.unavailable))
	})
}

// instead returns rs with every handler replaced by h.
func (s *Server) instead(rs []route, h http.HandlerFunc) []route {
	out := make([]route, len(rs))
	for i, rt := range rs {
		rt.handler = h
		out[i] = rt
	}
	return out
}

// errPanelOff is what the source of a panel answers when the capability
// behind the panel is off on this server: the panel says "not available"
// and nothing is logged.
var errPanelOff = errors.New("the capability behind this panel is off on this server")

// panelOff stands in, from the start, for the source of every panel whose
// capability is off, so handlers never test for a missing source.
type panelOff struct{}

func (panelOff) CaseCounts(context.Context, string) (int, int, error) { return 0, 0, errPanelOff }
func (panelOff) OpenAlerts(context.Context, string) (int, int, error) { return 0, 0, errPanelOff }
func (panelOff) KeyIndicators(context.Context, string, int) ([]impact.IndicatorStatus, error) {
	return nil, errPanelOff
}
func (panelOff) PartyHits(context.Context, string, string) (int, int, error) {
	return 0, 0, errPanelOff
}
func (panelOff) GrievanceCounts(context.Context, string, string, time.Time, time.Time) (reportdata.GrievanceCounts, error) {
	return reportdata.GrievanceCounts{}, errPanelOff
}

// logPanelError logs why a panel could not be filled, unless its
// capability is simply off.
func (b *base) logPanelError(panel string, err error) {
	if !errors.Is(err, errPanelOff) {
		b.log.Error(panel, "err", err)
	}
}
