package eudr

import (
	"context"
	"io"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/geo"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Service runs the EUDR workflow over a Store: importing plots, gathering
// what a lot's assessment and statement read, recording assessments and
// making statements. Every dependency is required.
type Service struct {
	store     Store
	borders   *geo.Borders
	benchmark func(country string) string
	clock     kernel.Clock
}

// NewService builds the service. benchmark returns a country's Art. 29 risk
// ("low", "standard", "high" or "" when not benchmarked).
func NewService(store Store, borders *geo.Borders, benchmark func(string) string, clock kernel.Clock) *Service {
	if store == nil || borders == nil || benchmark == nil || clock == nil {
		panic("eudr.NewService: every dependency is required")
	}
	return &Service{store: store, borders: borders, benchmark: benchmark, clock: clock}
}

// Checker returns the geolocation checker the service uses.
func (s *Service) Checker() Checker {
	return Checker{Borders: s.borders, Today: s.clock.Now()}
}

// ImportPlots reads a plot file, checks it together with the plots already
// stored (for overlaps), and stores every plot that could be read. Plots
// that fail a check are stored too, so the analyst sees them with what is
// wrong; they block any statement until fixed. Unreadable plots are in the
// report and stored nowhere.
func (s *Service) ImportPlots(ctx context.Context, orgID, name string, f Format, r io.Reader) (Report, error) {
	rep, plots, err := s.Checker().Validate(name, f, r)
	if err != nil {
		return Report{}, err
	}
	for i := range plots {
		plots[i].ID = PlotID(plots[i])
		if plots[i].Ref != "" {
			// Where the plot stood in one upload means nothing once stored;
			// its reference names it from now on.
			plots[i].Origin = ""
		}
	}
	if len(plots) > 0 {
		if err := s.store.SavePlots(ctx, orgID, plots); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// PlotFindings checks all of the organisation's plots together and returns
// the findings by plot id.
func (s *Service) PlotFindings(ctx context.Context, orgID string) ([]Plot, map[string][]Finding, error) {
	all, err := s.store.ListPlots(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	c := s.Checker()
	out := map[string][]Finding{}
	for _, p := range all {
		out[p.ID] = c.CheckPlot(p)
	}
	for _, o := range overlaps(all) {
		id := all[o.plot].ID
		out[id] = append(out[id], o.Finding)
	}
	return all, out, nil
}

// LotFile is everything known about a lot: the input of its assessment and
// of its statement, and its checklist.
type LotFile struct {
	Statement  StatementInput
	Assess     AssessInput
	Simplified bool
	// SimplifiedWhy says why simplified due diligence applies or not.
	SimplifiedWhy string
	Checklist     []Item
}

// Lot gathers a lot's file. A missing operator or assessment is not an
// error: the checklist shows it.
func (s *Service) Lot(ctx context.Context, orgID, lotRef string) (LotFile, error) {
	lot, err := s.store.Lot(ctx, orgID, lotRef)
	if err != nil {
		return LotFile{}, err
	}
	op, err := s.store.Operator(ctx, orgID)
	if err != nil && !kernel.IsCode(err, kernel.NotFound) {
		return LotFile{}, err
	}
	plots, err := s.store.Plots(ctx, orgID, lot.PlotIDs)
	if err != nil {
		return LotFile{}, err
	}
	_, findings, err := s.PlotFindings(ctx, orgID)
	if err != nil {
		return LotFile{}, err
	}
	evidence, err := s.store.Evidence(ctx, orgID, lot.PlotIDs)
	if err != nil {
		return LotFile{}, err
	}
	var parties []string
	for _, p := range plots {
		for _, id := range p.PartyIDs() {
			if !slices.Contains(parties, id) {
				parties = append(parties, id)
			}
		}
	}
	griev, err := s.store.LandEnvironmentGrievances(ctx, orgID, parties)
	if err != nil {
		return LotFile{}, err
	}
	now := s.clock.Now()
	var assessment *Assessment
	a, err := s.store.Assessment(ctx, orgID, lot.ID)
	switch {
	case err == nil:
		assessment = &a
	case !kernel.IsCode(err, kernel.NotFound):
		return LotFile{}, err
	}
	ai := AssessInput{Lot: lot, Plots: plots, Evidence: evidence, Findings: findings, Benchmark: s.benchmark, Grievances: griev, Today: now}
	if assessment != nil {
		ai.Answers = assessment.Answers
	}
	simplified, why := SimplifiedApplies(ai)
	si := StatementInput{Operator: op, Lot: lot, Plots: plots, Evidence: evidence, Findings: findings, Assessment: assessment, Simplified: simplified,
		OperatorCountryRisk: s.benchmark(op.Country), Today: now}
	return LotFile{Statement: si, Assess: ai, Simplified: simplified, SimplifiedWhy: why, Checklist: Checklist(si)}, nil
}

// Assess records a new assessment of a lot from the analyst's answers,
// with the criteria evaluated as things stand. Mitigation measures of the
// previous assessment are carried over; the decision is not.
func (s *Service) Assess(ctx context.Context, orgID, lotRef string, answers Answers) (Assessment, error) {
	f, err := s.Lot(ctx, orgID, lotRef)
	if err != nil {
		return Assessment{}, err
	}
	f.Assess.Answers = answers
	a := Assessment{ID: kernel.NewID(), LotID: f.Statement.Lot.ID, Simplified: f.Simplified, Criteria: Assess(f.Assess), Answers: answers}
	if prev := f.Statement.Assessment; prev != nil {
		a.Mitigation = prev.Mitigation
	}
	return a, s.store.SaveAssessment(ctx, orgID, a)
}

// Mitigate records a mitigation measure on the lot's current assessment.
func (s *Service) Mitigate(ctx context.Context, orgID, lotRef string, m Mitigation) (Assessment, error) {
	a, err := s.current(ctx, orgID, lotRef)
	if err != nil {
		return a, err
	}
	m.At = s.clock.Now()
	if a, err = AddMitigation(a, m); err != nil {
		return a, err
	}
	return a, s.store.SaveAssessment(ctx, orgID, a)
}

// Decide records the conclusion of the lot's current assessment.
func (s *Service) Decide(ctx context.Context, orgID, lotRef string, c Conclusion, by, reason string) (Assessment, error) {
	a, err := s.current(ctx, orgID, lotRef)
	if err != nil {
		return a, err
	}
	if a, err = Decide(a, c, by, reason, s.clock.Now()); err != nil {
		return a, err
	}
	return a, s.store.SaveAssessment(ctx, orgID, a)
}

func (s *Service) current(ctx context.Context, orgID, lotRef string) (Assessment, error) {
	lot, err := s.store.Lot(ctx, orgID, lotRef)
	if err != nil {
		return Assessment{}, err
	}
	a, err := s.store.Assessment(ctx, orgID, lot.ID)
	if kernel.IsCode(err, kernel.NotFound) {
		return a, kernel.Errorf(kernel.Invalid, "lot %s has no assessment yet: assess it first", lot.Ref)
	}
	return a, err
}

// MakeStatement makes and records the statement for a lot, refusing with
// every open item when the checklist is not complete.
func (s *Service) MakeStatement(ctx context.Context, orgID, lotRef, by string) (Statement, error) {
	f, err := s.Lot(ctx, orgID, lotRef)
	if err != nil {
		return Statement{}, err
	}
	f.Statement.MadeBy = by
	st, err := BuildStatement(f.Statement)
	if err != nil {
		return Statement{}, err
	}
	doc, err := st.InformationSystemJSON()
	if err != nil {
		return Statement{}, err
	}
	if err := s.store.SaveStatement(ctx, orgID, st, doc, GeoJSON(st.Plots())); err != nil {
		return Statement{}, err
	}
	return st, nil
}

// PlotByRef finds a stored plot by its reference or id.
func (s *Service) PlotByRef(ctx context.Context, orgID, ref string) (Plot, error) {
	all, err := s.store.ListPlots(ctx, orgID)
	if err != nil {
		return Plot{}, err
	}
	for _, p := range all {
		if p.ID == ref || strings.EqualFold(p.Ref, ref) {
			return p, nil
		}
	}
	return Plot{}, kernel.Errorf(kernel.NotFound, "no plot %q in this organisation", ref)
}

// PlotStatus is one plot with what is known of it, for the map and the
// plot list: its evidence summed up and its failed checks.
type PlotStatus struct {
	Plot     Plot
	Evidence PlotEvidence
	Errors   []Finding
}

// Status is the plot's colour class on the map: a failed check first,
// then what the forest-loss evidence says.
func (p PlotStatus) Status() string {
	if len(p.Errors) > 0 {
		return "geolocation-error"
	}
	return string(p.Evidence.Deforestation)
}

// LotStatus is one lot with its checklist.
type LotStatus struct {
	Lot       Lot
	Checklist []Item
	Open      []string
}

// Overview is the organisation's EUDR records at a glance.
type Overview struct {
	Plots []PlotStatus
	Lots  []LotStatus
}

// Overview reads every plot with its status and every lot with its open
// checklist items.
func (s *Service) Overview(ctx context.Context, orgID string) (Overview, error) {
	plots, findings, err := s.PlotFindings(ctx, orgID)
	if err != nil {
		return Overview{}, err
	}
	ids := make([]string, len(plots))
	for i, p := range plots {
		ids[i] = p.ID
	}
	ev, err := s.store.Evidence(ctx, orgID, ids)
	if err != nil {
		return Overview{}, err
	}
	now := s.clock.Now()
	var out Overview
	for _, p := range plots {
		ps := PlotStatus{Plot: p, Evidence: Summarise(p, ev[p.ID], now)}
		for _, f := range findings[p.ID] {
			if f.Severity == Error {
				ps.Errors = append(ps.Errors, f)
			}
		}
		out.Plots = append(out.Plots, ps)
	}
	lots, err := s.store.ListLots(ctx, orgID)
	if err != nil {
		return Overview{}, err
	}
	for _, l := range lots {
		f, err := s.Lot(ctx, orgID, l.ID)
		if err != nil {
			return Overview{}, err
		}
		out.Lots = append(out.Lots, LotStatus{Lot: l, Checklist: f.Checklist, Open: Blocking(f.Checklist)})
	}
	return out, nil
}

// Statements lists a lot's statements, newest first.
func (s *Service) Statements(ctx context.Context, orgID, lotID string) ([]Statement, error) {
	return s.store.Statements(ctx, orgID, lotID)
}
