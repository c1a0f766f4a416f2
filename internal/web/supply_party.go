package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/geo"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// riskSearchRows bounds how many register rows the supplier page reads to
// find a party's risk when the store cannot read it directly.
const riskSearchRows = 1000

// partyRisk returns the stored risk of p, and false when it is not found.
// A store that reads one party's risk answers directly (see directRisk);
// otherwise the party's row is looked for in the first rows of the
// register narrowed to its country and first commodity.
func (s *supplyHandlers) partyRisk(ctx context.Context, orgID string, p supplychain.Party) (supplychain.PartyRisk, bool, error) {
	if r, ok, err := s.directRisk(ctx, orgID, p.ID); ok || err != nil {
		return r, ok, err
	}
	f := supplychain.RegisterFilter{Country: p.Country}
	if len(p.Commodities) > 0 {
		f.Commodity = p.Commodities[0]
	}
	page := kernel.Page{Limit: kernel.MaxPageLimit}
	for page.Offset < riskSearchRows {
		entries, total, err := s.suppliers.Register(ctx, orgID, f, supplychain.SortName, page)
		if err != nil {
			return supplychain.PartyRisk{}, false, err
		}
		for _, e := range entries {
			if e.Party.ID == p.ID {
				return e.Risk, true, nil
			}
		}
		page.Offset += page.Limit
		if page.Offset >= total {
			break
		}
	}
	return supplychain.PartyRisk{}, false, nil
}

// directRisk reads a party's stored risk through the set's risk reader,
// when it has one; ok is false when it has none or the party has no
// stored row.
func (s *supplyHandlers) directRisk(ctx context.Context, orgID, id string) (supplychain.PartyRisk, bool, error) {
	if s.riskReader == nil {
		return supplychain.PartyRisk{}, false, nil
	}
	r, err := s.riskReader.PartyRisk(ctx, orgID, id)
	if kernel.IsCode(err, kernel.NotFound) {
		return supplychain.PartyRisk{}, false, nil
	}
	return r, err == nil, err
}

// registerPartyRisk reads one party's risk through a RegisterPartyReader,
// the reporting reader's view of the register.
type registerPartyRisk struct{ rows RegisterPartyReader }

func (rp registerPartyRisk) PartyRisk(ctx context.Context, orgID, id string) (supplychain.PartyRisk, error) {
	row, err := rp.rows.RegisterParty(ctx, orgID, id)
	if err != nil {
		return supplychain.PartyRisk{}, err
	}
	r := supplychain.PartyRisk{ID: id, Tier: row.Tier, Inherent: row.Inherent, Signals: row.Signals,
		Exposure: row.Exposure, Level: string(row.Level)}
	for _, f := range row.Factors {
		r.Factors = append(r.Factors, supplychain.Factor{Kind: f.Kind, Source: f.Source, Edition: f.Edition,
			Indicator: f.Indicator, Value: f.Value, Points: f.Points, Contribution: f.Contribution})
	}
	return r, nil
}

// factorRow is one factor of a score as shown, with its bar.
type factorRow struct {
	supplychain.Factor
	ContributionText string
	Bar              int // bar width in the chart's units, 0..barMax
	Y                int
}

const (
	barMax    = 300 // width of the longest bar in the factor chart
	barHeight = 22
)

func factorRows(l *locale, fs []supplychain.Factor) ([]factorRow, int) {
	top := 0.0
	for _, f := range fs {
		top = max(top, f.Contribution)
	}
	rows := make([]factorRow, len(fs))
	for i, f := range fs {
		rows[i] = factorRow{Factor: f, ContributionText: l.fixed2(f.Contribution), Y: i * (barHeight + 8)}
		if top > 0 && f.Contribution > 0 {
			rows[i].Bar = max(1, int(f.Contribution/top*barMax+0.5))
		}
	}
	return rows, len(fs)*(barHeight+8) + 4
}

// neighbour is a supplier or buyer of the party, for the tier graph.
type neighbour struct {
	ID, Name, Label, Country, Commodity, Share string
	Href                                       string // empty for the reporting organisation
	X, Y, TX                                   int
}

const (
	graphWidth   = 720
	graphRows    = 3
	graphNodeW   = 110
	graphNodeH   = 34
	graphMaxSide = 6 // nodes drawn per row; the rest are listed below
	maxNeighbour = 100
)

// neighbours turns links into display rows, naming each party. The
// reporting organisation appears as a buyer of tier 1 suppliers.
func (s *supplyHandlers) neighbours(ctx context.Context, loc *locale, orgID string, links []supplychain.Link, supplierSide bool) ([]neighbour, error) {
	others, err := s.linkedParties(ctx, orgID, links, supplierSide, maxNeighbour, map[string]supplychain.Party{})
	if err != nil {
		return nil, err
	}
	out := make([]neighbour, len(others))
	for i, o := range others {
		n := neighbour{ID: o.ID, Commodity: loc.commodity(o.Link.Commodity)}
		if o.Link.Share != nil {
			n.Share = fmtFixed(*o.Link.Share*100, 0, false) + "%"
		}
		if o.Reporting {
			n.Name = loc.tr("Your organisation")
		} else {
			n.Name, n.Country, n.Href = o.Party.Name, loc.country(o.Party.Country), "/suppliers/"+o.ID
		}
		n.Label = shorten(n.Name, 15)
		out[i] = n
	}
	return out, nil
}

// linkedParty is the other party of a link: its supplier or its buyer.
type linkedParty struct {
	Link      supplychain.Link
	ID        string
	Party     supplychain.Party // zero for the reporting organisation
	Reporting bool              // the buyer is the reporting organisation
}

// linkedParties reads the other party of each of the first limit links.
// names keeps the parties read, as one party often stands on both sides or
// under several commodities. A link naming a party that is not stored is
// still listed, under the party's id.
func (s *supplyHandlers) linkedParties(ctx context.Context, orgID string, links []supplychain.Link, supplierSide bool,
	limit int, names map[string]supplychain.Party) ([]linkedParty, error) {
	out := make([]linkedParty, 0, min(len(links), limit))
	for _, l := range links[:min(len(links), limit)] {
		o := linkedParty{Link: l, ID: l.Buyer}
		if supplierSide {
			o.ID = l.Supplier
		}
		if o.ID == supplychain.Reporting {
			o.Reporting = true
			out = append(out, o)
			continue
		}
		p, ok := names[o.ID]
		if !ok {
			var err error
			p, err = s.suppliers.GetParty(ctx, orgID, o.ID)
			switch {
			case kernel.IsCode(err, kernel.NotFound):
				p = supplychain.Party{ID: o.ID, Name: o.ID}
			case err != nil:
				return nil, fmt.Errorf("name linked party %s: %w", o.ID, err)
			}
			names[o.ID] = p
		}
		o.Party = p
		out = append(out, o)
	}
	return out, nil
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// layoutRow spreads up to graphMaxSide nodes across a row at height y.
func layoutRow(ns []neighbour, y int) []neighbour {
	shown := ns[:min(len(ns), graphMaxSide)]
	step := graphWidth / (len(shown) + 1)
	for i := range shown {
		shown[i].X = step*(i+1) - graphNodeW/2
		shown[i].Y = y
		shown[i].TX = step * (i + 1)
	}
	return shown
}

// tierGraph is the server-drawn graph: buyers above, the party, suppliers below.
type tierGraph struct {
	Buyers, Suppliers []neighbour
	MoreBuyers        int
	MoreSuppliers     int
	CX, CY, H         int
	PartyLabel        string
	PartyX            int
}

func newTierGraph(name string, buyers, suppliers []neighbour, nBuyers, nSuppliers int) tierGraph {
	g := tierGraph{CX: graphWidth / 2, CY: 95, H: 190, PartyLabel: shorten(name, 22), PartyX: graphWidth/2 - 90}
	g.Buyers = layoutRow(buyers, 10)
	g.Suppliers = layoutRow(suppliers, 146)
	g.MoreBuyers = nBuyers - len(g.Buyers)
	g.MoreSuppliers = nSuppliers - len(g.Suppliers)
	return g
}

// countShown is a count as a page shows it: a number, a suppression note,
// or not available.
type countShown struct {
	Available  bool
	Suppressed bool
	N          int
}

func (c countShown) String() string {
	switch {
	case !c.Available:
		return "not available yet"
	case c.Suppressed:
		return "fewer than " + strconv.Itoa(grievance.MinReportableCount)
	}
	return fmtCount(c.N)
}

// suppressed applies the grievance aggregate rule to counts shown to a
// principal: without case access, counts from 1 to 4 are hidden.
func suppressed(p account.Principal, ns ...int) []countShown {
	cells := make([]grievance.Count, len(ns))
	for i, n := range ns {
		cells[i] = grievance.Count{N: n}
	}
	out := make([]countShown, len(ns))
	// The threshold is the package's own minimum, which Suppress accepts.
	shown, _ := grievance.Suppress(cells, grievance.MinReportableCount, p.Can(account.PermCasesHandle))
	for i, c := range shown {
		out[i] = countShown{Available: true, Suppressed: c.Suppressed, N: c.N}
	}
	return out
}

// partyView is one party of an organisation with its stored risk and its
// links, as the supplier page and the API show it.
type partyView struct {
	Party             supplychain.Party
	Risk              supplychain.PartyRisk
	HasRisk           bool
	Suppliers, Buyers []supplychain.Link
}

// readParty reads the party id of the organisation: kernel.NotFound for
// an unknown party or another organisation's, as the store answers.
func (s *supplyHandlers) readParty(ctx context.Context, org, id string) (partyView, error) {
	var v partyView
	var err error
	if v.Party, err = s.suppliers.GetParty(ctx, org, id); err != nil {
		return v, err
	}
	if v.Risk, v.HasRisk, err = s.partyRisk(ctx, org, v.Party); err != nil {
		return v, err
	}
	v.Suppliers, v.Buyers, err = s.suppliers.PartyLinks(ctx, org, v.Party.ID)
	return v, err
}

func (s *supplyHandlers) supplierPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := principalOf(r)
	org := pr.User.OrgID
	v, err := s.readParty(ctx, org, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	party, risk, hasRisk, supLinks, buyLinks := v.Party, v.Risk, v.HasRisk, v.Suppliers, v.Buyers
	loc := s.localeOf(r)
	suppliers, err := s.neighbours(ctx, loc, org, supLinks, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	buyers, err := s.neighbours(ctx, loc, org, buyLinks, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	factors, chartH := factorRows(loc, risk.Factors)
	data := map[string]any{
		"Party": party, "Risk": risk, "HasRisk": hasRisk, "Row": rowOf(party, risk, hasRisk),
		"Factors": factors, "ChartH": chartH, "ChartW": barMax + 70,
		"Suppliers": suppliers, "Buyers": buyers, "NSuppliers": len(supLinks), "NBuyers": len(buyLinks),
		"Graph":       newTierGraph(party.Name, append([]neighbour(nil), buyers...), append([]neighbour(nil), suppliers...), len(buyLinks), len(supLinks)),
		"CountryName": loc.country(party.Country), "CountryLink": registerLink("country", party.Country),
	}
	var comm []option
	var inferred []string
	for _, c := range party.Commodities {
		comm = append(comm, option{Value: registerLink("commodity", c), Label: loc.commodity(c)})
		if slices.Contains(party.InferredCommodities, c) {
			inferred = append(inferred, loc.commodity(c))
		}
	}
	data["CommodityLinks"] = comm
	if len(inferred) > 0 {
		// Worded for people: "Garments inferred from sector Apparel".
		from := party.InferredFrom
		if from == "name" {
			from = "the name"
		}
		data["Inferred"] = strings.Join(inferred, ", ") + " inferred from " + cmp.Or(from, "the list") + ", not declared"
	}
	data["Confidence"] = fmt.Sprintf("%.0f%%", 100*risk.Confidence)
	if party.Country != "" && len(party.Commodities) > 0 {
		data["BothLink"] = "/suppliers?country=" + party.Country + "&commodity=" + party.Commodities[0]
	}
	data["Place"] = placeOf(loc, party)
	data["Hits"] = s.partyHits(ctx, org, party.ID)
	data["Grievances"] = s.partyGrievances(ctx, pr, party.ID)
	if cr, ok := s.suppliers.(ContainmentReader); ok {
		packs, total, err := cr.Containment(ctx, org, party.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data["Packing"], data["PackingTotal"] = packingViews(packs), total
	}
	s.render(w, r, http.StatusOK, "supply_party.html", data)
}

type hitCounts struct {
	Available          bool
	Pending, Confirmed int
}

func (s *supplyHandlers) partyHits(ctx context.Context, org, id string) hitCounts {
	p, c, err := s.watchlist.PartyHits(ctx, org, id)
	if err != nil {
		s.logPanelError("watchlist hits", err)
		return hitCounts{}
	}
	return hitCounts{true, p, c}
}

// grievanceWindow is how far back the supplier page counts grievances.
const grievanceWindow = 10 * 365 * 24 * time.Hour

func (s *supplyHandlers) partyGrievances(ctx context.Context, pr account.Principal, id string) []countShown {
	na := []countShown{{}, {}}
	if !(pr.Can(account.PermCasesAggregate) || pr.Can(account.PermCasesHandle)) {
		return na
	}
	now := s.clock.Now()
	c, err := s.grievanceCounts.GrievanceCounts(ctx, pr.User.OrgID, id, now.Add(-grievanceWindow), now)
	if err != nil {
		s.logPanelError("grievance counts", err)
		return na
	}
	return suppressed(pr, c.Total-c.ByStage[grievance.StageClosed], c.Total)
}

// place is a party's point on a small map: the country's outline around
// it, drawn on the server (no script, no tiles fetched from elsewhere).
type place struct {
	Lat, Lng      string
	X, Y          float64
	ViewBox       string
	CountryPath   string
	OutsideKm     int // more than 30 km outside its country's shape, else 0
	CountryName   string
	OpenStreetMap string
}

// placeOf returns the map of a party with coordinates, or nil.
func placeOf(loc *locale, p supplychain.Party) *place {
	if p.Lat == nil || p.Lng == nil {
		return nil
	}
	lat, lng := *p.Lat, *p.Lng
	x, y := geo.Project(lng, lat)
	pl := &place{
		Lat: strconv.FormatFloat(lat, 'f', -1, 64), Lng: strconv.FormatFloat(lng, 'f', -1, 64), X: x, Y: y,
		ViewBox:       fmt.Sprintf("%.1f %.1f 80 50", x-40, y-25),
		CountryName:   loc.country(p.Country),
		OpenStreetMap: fmt.Sprintf("https://www.openstreetmap.org/?mlat=%f&mlon=%f#map=14/%f/%f", lat, lng, lat, lng),
	}
	if w, err := geo.Default(); err == nil && p.Country != "" {
		if c, ok := w.Country(p.Country); ok {
			pl.CountryPath = c.Path
		}
		if km, known := w.KmOutside(p.Country, lat, lng); known && km > 30 {
			pl.OutsideKm = int(km + 0.5)
		}
	}
	return pl
}
