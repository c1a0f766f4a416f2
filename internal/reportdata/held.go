package reportdata

import (
	"math"
	"slices"
	"time"

	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/scorecard"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// supplyMap is the organisation's map in memory, for traceability.
type supplyMap struct {
	parties map[string]PartyRow
	// suppliers maps a buyer id ("" for the organisation) to its links.
	suppliers map[string][]supplychain.Link
	traced    map[string]float64
	visiting  map[string]bool
}

func newSupplyMap(parties []PartyRow, links []supplychain.Link) *supplyMap {
	m := &supplyMap{parties: map[string]PartyRow{}, suppliers: map[string][]supplychain.Link{},
		traced: map[string]float64{}, visiting: map[string]bool{}}
	for _, p := range parties {
		m.parties[p.ID] = p
	}
	for _, l := range links {
		m.suppliers[l.Buyer] = append(m.suppliers[l.Buyer], l)
	}
	return m
}

// origin reports whether a party is where a chain starts: a farm or a
// cooperative of producers.
func origin(p PartyRow) bool {
	return p.Kind == supplychain.KindFarm || p.Kind == supplychain.KindCooperative
}

// mapped reports whether the chain behind a party is on the map.
func (m *supplyMap) mapped(id string) bool {
	return origin(m.parties[id]) || len(m.suppliers[id]) > 0
}

// directSuppliers lists the distinct suppliers of buyer, in link order.
func (m *supplyMap) directSuppliers(buyer string) []string {
	var out []string
	for _, l := range m.suppliers[buyer] {
		if !slices.Contains(out, l.Supplier) {
			out = append(out, l.Supplier)
		}
	}
	return out
}

// shareMapped is the share of ids whose chain is mapped; 0 for none.
func (m *supplyMap) shareMapped(ids []string) float64 {
	if len(ids) == 0 {
		return 0
	}
	n := 0
	for _, id := range ids {
		if m.mapped(id) {
			n++
		}
	}
	return float64(n) / float64(len(ids))
}

// volume is the share of buyer's purchases traced to an origin. Each
// commodity counts equally; within one, links carry their volume share.
func (m *supplyMap) volume(buyer string) float64 {
	if buyer != "" && origin(m.parties[buyer]) {
		return 1
	}
	if v, ok := m.traced[buyer]; ok {
		return v
	}
	if m.visiting[buyer] {
		return 0 // a cycle through traders traces nothing new
	}
	m.visiting[buyer] = true
	defer delete(m.visiting, buyer)
	byCommodity := map[string][]supplychain.Link{}
	var commodities []string
	for _, l := range m.suppliers[buyer] {
		if _, ok := byCommodity[l.Commodity]; !ok {
			commodities = append(commodities, l.Commodity)
		}
		byCommodity[l.Commodity] = append(byCommodity[l.Commodity], l)
	}
	if len(commodities) == 0 {
		m.traced[buyer] = 0
		return 0
	}
	var sum float64
	for _, c := range commodities {
		ls := byCommodity[c]
		anyShare := slices.ContainsFunc(ls, func(l supplychain.Link) bool { return l.Share != nil })
		var v float64
		for _, l := range ls {
			w := 1 / float64(len(ls))
			if anyShare {
				w = 0
				if l.Share != nil {
					w = *l.Share
				}
			}
			v += w * m.volume(l.Supplier)
		}
		sum += math.Min(v, 1)
	}
	v := sum / float64(len(commodities))
	m.traced[buyer] = v
	return v
}

// traceability measures coverage from the organisation ("") or from one
// supplier. It is nil when the organisation has no supply map at all.
func (m *supplyMap) traceability(subject string) *scorecard.TraceabilityEvidence {
	if len(m.parties) == 0 {
		return nil
	}
	t := &scorecard.TraceabilityEvidence{}
	first := m.directSuppliers(subject)
	if subject == "" {
		identified := 0
		for _, id := range first {
			p := m.parties[id]
			if p.Country != "" && p.Identified {
				identified++
			}
		}
		if len(first) > 0 {
			t.Tier1 = float64(identified) / float64(len(first))
		}
	} else if origin(m.parties[subject]) {
		// A farm or cooperative is the start of its chain.
		return &scorecard.TraceabilityEvidence{Tier1: 1, Tier2: 1, Tier3Plus: 1, Volume: 1}
	}
	var second []string
	for _, id := range first {
		for _, s := range m.directSuppliers(id) {
			if !slices.Contains(second, s) {
				second = append(second, s)
			}
		}
	}
	t.Tier2 = m.shareMapped(first)
	t.Tier3Plus = m.shareMapped(second)
	if len(second) == 0 && len(first) > 0 && t.Tier2 == 1 {
		// Every next-tier supplier is an origin: nothing deeper to map.
		t.Tier3Plus = 1
	}
	t.Volume = m.volume(subject)
	return t
}

// riskOf is the risk evidence of a party: its exposure and level, or nil
// when risk has not been computed.
func riskOf(p PartyRow) *scorecard.RiskEvidence {
	switch p.Level {
	case risk.Low, risk.Medium, risk.High, risk.Critical:
		return &scorecard.RiskEvidence{Inherent: clamp100(p.Exposure), Level: p.Level}
	}
	return nil
}

// orgRisk is the highest-exposure tier-1 supplier's risk; parties are
// ordered by exposure, so the first tier-1 one is it.
func orgRisk(parties []PartyRow) *scorecard.RiskEvidence {
	for _, p := range parties {
		if p.Tier == 1 {
			return riskOf(p)
		}
	}
	return nil
}

func clamp100(v float64) float64 { return math.Max(0, math.Min(100, v)) }

// median days from receipt to acknowledgement; a case not yet acknowledged
// counts the days it has waited until now.
func medianDays(cases []CaseTimes, now time.Time) float64 {
	if len(cases) == 0 {
		return 0
	}
	days := make([]float64, 0, len(cases))
	for _, c := range cases {
		end := c.Acknowledged
		if end.IsZero() {
			end = now
		}
		d := end.Sub(c.Received).Hours() / 24
		days = append(days, math.Max(0, math.Floor(d)))
	}
	slices.Sort(days)
	n := len(days)
	if n%2 == 1 {
		return days[n/2]
	}
	return (days[n/2-1] + days[n/2]) / 2
}

func grievanceEvidence(g *GrievanceCounts, now time.Time) *scorecard.GrievanceEvidence {
	if g == nil {
		return nil
	}
	accepted := min(g.RemediesAccepted, g.RemediesProposed)
	return &scorecard.GrievanceEvidence{Cases: g.Total, MedianDaysToAcknowledge: medianDays(g.Handling, now),
		RemediesProposed: g.RemediesProposed, RemediesAccepted: accepted}
}

func screeningEvidence(s *report.Screening) *scorecard.ScreeningEvidence {
	if s == nil {
		return nil
	}
	return &scorecard.ScreeningEvidence{Parties: s.Parties, Screened: min(s.Screened, s.Parties), Pending: s.Pending, Confirmed: s.Confirmed}
}
