package reportdata

import (
	"context"
	"fmt"
	"github.com/upstream-platform/upstream/internal/eudr"
	"io"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// Service assembles report data and scorecards from the read interfaces.
// Grievances, Screening and Impact may be nil: their report sections then
// say that there is no data, and the scorecard lists that evidence as
// missing.
type Service struct {
	SupplyChain SupplyChain
	Grievances  GrievanceAggregates
	Screening   ScreeningSummary
	Impact      ImpactSource
	// EUDR, when set, adds the deforestation due diligence to
	// due-diligence reports.
	EUDR EUDRSource
	// Channel, when set, says whether Upstream's own grievance channel is
	// open for the organisation; the organisation's scorecard then counts
	// it, with its use, as the organisation's grievance channel.
	Channel    GrievanceChannel
	Scorecards *scorecard.Service
	Renderer   report.Renderer
	// RiskMethod names the risk method the stored scores came from.
	RiskMethod report.Method
	Clock      kernel.Clock
}

// Request says which report to make.
type Request struct {
	Kind       report.Kind
	Format     report.Format
	Regulation report.Regulation
	// Subject is a party id for a report about one supplier and its
	// chain; "" reports on the whole organisation.
	Subject string
}

// ParseRequest reads a request as the command line and the API spell it,
// with errors that say what to use instead.
func ParseRequest(kind, format, regulation, subject string) (Request, error) {
	k, err := report.ParseKind(kind)
	if err != nil {
		return Request{}, err
	}
	f, err := report.ParseFormat(format)
	if err != nil {
		return Request{}, err
	}
	reg, err := report.ParseRegulation(strings.ToLower(strings.TrimSpace(regulation)))
	if err != nil {
		var codes []string
		for _, r := range report.Regulations() {
			codes = append(codes, string(r.Regulation))
		}
		return Request{}, kernel.Errorf(kernel.Invalid, "regulation %q is not known; use one of %s", regulation, strings.Join(codes, ", "))
	}
	return Request{Kind: k, Format: f, Regulation: reg, Subject: strings.TrimSpace(subject)}, nil
}

// FileName is a download name for the report, such as
// "acme-due-diligence-eu-eudr-2026-11-25.pdf".
func (r Request) FileName(org Org, day time.Time) string {
	parts := []string{org.Slug, string(r.Kind)}
	if r.Regulation != "" {
		parts = append(parts, string(r.Regulation))
	}
	parts = append(parts, day.Format("2006-01-02"))
	name := strings.Join(parts, "-") + "." + string(r.Format)
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' {
			return c
		}
		return '_'
	}, name)
}

// period is the year up to now that reports and grievance figures cover.
func (s *Service) period() report.Period {
	now := s.Clock.Now().UTC()
	return report.Period{From: now.AddDate(-1, 0, 0), To: now}
}

// Render writes the requested report for the organisation to w.
func (s *Service) Render(ctx context.Context, w io.Writer, org Org, req Request) error {
	d, err := s.Data(ctx, org, req)
	if err != nil {
		return err
	}
	return s.Renderer.Render(ctx, w, req.Kind, req.Format, d)
}

// Data assembles everything the requested report is made from.
func (s *Service) Data(ctx context.Context, org Org, req Request) (report.Data, error) {
	if strings.TrimSpace(org.ID) == "" {
		return report.Data{}, kernel.Errorf(kernel.Invalid, "no organisation given")
	}
	ev, err := s.gather(ctx, org, req.Subject)
	if err != nil {
		return report.Data{}, err
	}
	d := report.Data{
		Org:         report.Org{Slug: org.Slug, Name: org.Name, Country: org.Country},
		GeneratedAt: s.Clock.Now().UTC(),
		Period:      ev.period,
		Regulation:  req.Regulation,
		RiskMethod:  s.RiskMethod,
		Screening:   ev.screening,
		Grievance:   reportGrievance(ev.grievance, ev.period),
	}
	for _, p := range ev.parties {
		d.Parties = append(d.Parties, p.Party)
	}
	if req.Subject == "" && s.Impact != nil {
		if d.Impact, err = s.impactSummary(ctx, org.ID); err != nil {
			return report.Data{}, err
		}
	}
	if req.Subject == "" && s.EUDR != nil {
		if d.EUDR, err = s.eudrSummary(ctx, org.ID); err != nil {
			return report.Data{}, err
		}
	}
	view, err := s.view(ctx, org, ev)
	if err != nil {
		return report.Data{}, err
	}
	cur := view.Current
	d.Scorecard = &cur
	d.History = view.History[:len(view.History)-1]
	return d, nil
}

// evidence is what one subject's report and scorecard are made from.
type evidence struct {
	subject   scorecard.Subject
	party     *PartyRow // nil for the organisation
	parties   []PartyRow
	period    report.Period
	screening *report.Screening
	grievance *GrievanceCounts
	held      scorecard.Held
}

// gather reads the stores once for the organisation or for one supplier
// and its chain.
func (s *Service) gather(ctx context.Context, org Org, partyID string) (*evidence, error) {
	ev := &evidence{period: s.period(), subject: scorecard.Subject{Kind: scorecard.Organisation, ID: org.ID, Name: org.Name}}
	all, err := s.SupplyChain.RegisterParties(ctx, org.ID, 0)
	if err != nil {
		return nil, fmt.Errorf("reportdata: parties: %w", err)
	}
	links, err := s.SupplyChain.SupplyLinks(ctx, org.ID)
	if err != nil {
		return nil, fmt.Errorf("reportdata: links: %w", err)
	}
	m := newSupplyMap(all, links)
	ev.parties = all
	if partyID != "" {
		p, ok := m.parties[partyID]
		if !ok {
			return nil, kernel.Errorf(kernel.NotFound, "no supplier %q in this organisation", partyID)
		}
		ev.party = &p
		ev.subject = scorecard.Subject{Kind: scorecard.Supplier, ID: p.ID, Name: p.Name}
		ev.parties = m.chain(partyID, all)
	}
	if s.Screening != nil {
		if ev.screening, err = s.Screening.ScreeningSummary(ctx, org.ID, partyID); err != nil {
			return nil, fmt.Errorf("reportdata: screening: %w", err)
		}
	}
	if s.Grievances != nil {
		g, err := s.Grievances.GrievanceCounts(ctx, org.ID, partyID, ev.period.From, ev.period.To)
		if err != nil {
			return nil, fmt.Errorf("reportdata: grievance counts: %w", err)
		}
		ev.grievance = &g
	}
	ev.held = scorecard.Held{
		Traceability: m.traceability(partyID),
		Screening:    screeningEvidence(ev.screening),
		Grievance:    grievanceEvidence(ev.grievance, s.Clock.Now()),
	}
	if ev.party != nil {
		ev.held.Risk = riskOf(*ev.party)
	} else {
		ev.held.Risk = orgRisk(all)
		if ev.held.Channel, err = s.channel(ctx, org, ev.grievance); err != nil {
			return nil, err
		}
	}
	return ev, nil
}

// channel is Upstream's own grievance channel as scorecard evidence: nil
// when it is not open for the organisation, otherwise with the count of
// reports received in the period (counts only, never content).
func (s *Service) channel(ctx context.Context, org Org, counts *GrievanceCounts) (*scorecard.ChannelEvidence, error) {
	if s.Channel == nil {
		return nil, nil
	}
	open, err := s.Channel.ChannelOpen(ctx, org.ID)
	if err != nil {
		return nil, fmt.Errorf("reportdata: grievance channel: %w", err)
	}
	if !open {
		return nil, nil
	}
	c := &scorecard.ChannelEvidence{}
	if counts != nil {
		c.Reports = counts.Total
	}
	return c, nil
}

// chain returns the party and every party it buys from, directly or
// through others, in the register's order.
func (m *supplyMap) chain(id string, all []PartyRow) []PartyRow {
	seen := map[string]bool{id: true}
	queue := []string{id}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, l := range m.suppliers[cur] {
			if !seen[l.Supplier] {
				seen[l.Supplier] = true
				queue = append(queue, l.Supplier)
			}
		}
	}
	var out []PartyRow
	for _, p := range all {
		if seen[p.ID] {
			out = append(out, p)
		}
	}
	return out
}

func reportGrievance(g *GrievanceCounts, p report.Period) *report.Grievance {
	if g == nil {
		return nil
	}
	out := &report.Grievance{Period: p, Total: g.Total, MedianDaysToAcknowledge: medianDays(g.Handling, p.To),
		RemediesProposed: g.RemediesProposed, RemediesAccepted: min(g.RemediesAccepted, g.RemediesProposed),
		RemediesImplemented: g.RemediesImplemented}
	for _, c := range grievance.Categories() {
		if n := g.ByCategory[c]; n > 0 {
			out.ByCategory = append(out.ByCategory, report.CategoryCount{Category: c, N: n})
		}
	}
	for _, st := range grievance.Stages() {
		if n := g.ByStage[st]; n > 0 {
			out.ByStage = append(out.ByStage, report.StageCount{Stage: st, N: n})
		}
	}
	return out
}

// impactSummary reports the most recently changed programme that has
// results: its indicators with a known value and its newest SROI analysis.
func (s *Service) impactSummary(ctx context.Context, orgID string) (*report.Impact, error) {
	progs, err := s.Impact.Programmes(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("reportdata: impact programmes: %w", err)
	}
	var best *report.Impact
	var bestAt time.Time
	for _, p := range progs {
		im, err := s.programmeSummary(ctx, orgID, p)
		if err != nil {
			return nil, err
		}
		if im != nil && (best == nil || p.UpdatedAt.After(bestAt)) {
			best, bestAt = im, p.UpdatedAt
		}
	}
	return best, nil
}

func (s *Service) programmeSummary(ctx context.Context, orgID string, p impact.Programme) (*report.Impact, error) {
	obs, err := s.Impact.Observations(ctx, orgID, p.ID, "")
	if err != nil {
		return nil, fmt.Errorf("reportdata: impact observations: %w", err)
	}
	im := &report.Impact{Programme: p.Model.Programme}
	if len(obs) > 0 {
		rep, err := p.Model.Report(p.Dimensions, obs, impact.Filter{})
		if err != nil {
			// A programme whose stored model no longer validates is left out
			// rather than stopping every report.
			return nil, nil
		}
		latest := map[string]impact.Period{}
		for _, o := range obs {
			if o.Period.End.After(latest[o.Indicator].End) {
				latest[o.Indicator] = o.Period
			}
		}
		for _, group := range [][]impact.IndicatorStatus{rep.Outputs, rep.Outcomes, rep.Impact} {
			for _, st := range group {
				if !st.Progress.Known {
					continue
				}
				ind := st.Indicator
				per := latest[ind.Code]
				im.Indicators = append(im.Indicators, report.Indicator{Code: ind.Code, Name: ind.Name, Unit: ind.Unit,
					Baseline: ind.Baseline.Value, Target: ind.Target.Value, Latest: st.Aggregate.Value, LatestDate: per.End,
					Progress: st.Progress.Fraction, IRIS: ind.IRIS, SDG: ind.SDG,
					Source: fmt.Sprintf("%s observations (%d, latest period %s)", p.Model.Programme, st.Aggregate.Observations, per.Code)})
			}
		}
	}
	as, err := s.Impact.Analyses(ctx, orgID, p.ID)
	if err != nil {
		return nil, fmt.Errorf("reportdata: impact analyses: %w", err)
	}
	if len(as) > 0 {
		a := as[0]
		im.SROI = &report.SROI{Currency: a.Result.Currency, Inputs: a.Result.Inputs, PresentValue: a.Result.PresentValue,
			Ratio: a.Result.Ratio, Source: fmt.Sprintf("SROI analysis of %s for %s", a.CreatedAt.UTC().Format("2006-01-02"), p.Model.Programme)}
	}
	if len(im.Indicators) == 0 && im.SROI == nil {
		return nil, nil
	}
	return im, nil
}

// EUDRSource reads the organisation's EUDR records; eudr.Service is one.
type EUDRSource interface {
	Overview(ctx context.Context, orgID string) (eudr.Overview, error)
	Statements(ctx context.Context, orgID, lotID string) ([]eudr.Statement, error)
}

// eudrSummary sums up plots by status and lots by readiness; nil when the
// organisation keeps no EUDR records.
func (s *Service) eudrSummary(ctx context.Context, orgID string) (*report.Deforestation, error) {
	ov, err := s.EUDR.Overview(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if len(ov.Plots) == 0 && len(ov.Lots) == 0 {
		return nil, nil
	}
	e := &report.Deforestation{Plots: len(ov.Plots), ByStatus: map[string]int{}}
	for _, p := range ov.Plots {
		e.ByStatus[p.Status()]++
		if missing := plotGaps(p); len(missing) > 0 {
			if len(e.Gaps) == maxEUDRGaps {
				e.GapsMore++
				continue
			}
			producer := p.Plot.ProducerName
			if producer == "" {
				producer = p.Plot.ProducerRef
			}
			e.Gaps = append(e.Gaps, report.EUDRPlotGap{Plot: p.Plot.Label(), Producer: producer, Country: p.Plot.Country, Missing: missing})
		}
	}
	for _, l := range ov.Lots {
		sts, err := s.EUDR.Statements(ctx, orgID, l.Lot.ID)
		if err != nil {
			return nil, err
		}
		e.Lots = append(e.Lots, report.EUDRLot{Ref: l.Lot.Ref, Commodity: l.Lot.Commodity, Plots: len(l.Lot.PlotIDs), Open: len(l.Open), Statements: len(sts)})
	}
	return e, nil
}

// maxEUDRGaps bounds the plots the report lists one by one; the rest are
// counted.
const maxEUDRGaps = 200

// plotGaps says what a plot still lacks before it can go into a
// statement, in the order the checklist asks.
func plotGaps(p eudr.PlotStatus) []string {
	var out []string
	if len(p.Errors) > 0 {
		out = append(out, "geolocation fails a check: "+p.Errors[0].Message)
	}
	if p.Plot.ProductionFrom.IsZero() && p.Plot.ProductionTo.IsZero() {
		out = append(out, "no production date")
	}
	if d := p.Evidence.Deforestation; d != eudr.NoLossFound {
		out = append(out, d.Label())
	}
	out = append(out, p.Evidence.MissingLegality...)
	out = append(out, p.Evidence.Expired...)
	return out
}
