package eudr

import (
	"context"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// ParseHSCodes reads HS or CN codes as people write them, separated by
// commas, semicolons or new lines ("1801 00, 1804"), each normalised to
// digits (see NormaliseHS). A code that is not a heading or subheading is
// a kernel.Invalid field error naming it.
func ParseHSCodes(raw string) ([]string, error) {
	var out []string
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		h := NormaliseHS(strings.TrimSpace(part))
		if h == "" {
			continue
		}
		if !hsCode.MatchString(h) {
			return nil, kernel.InvalidField("hs_codes", "%q is not an HS heading (4 digits) or subheading (6, 8 or 10 digits)", strings.TrimSpace(part))
		}
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out, nil
}

// ParseStatementRefs reads earlier statements as "REFERENCE:VERIFICATION"
// (the verification number is optional), separated by commas or new lines.
func ParseStatementRefs(raw string) ([]StatementRef, error) {
	var out []StatementRef
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		ref, ver, _ := strings.Cut(part, ":")
		ref, ver = strings.TrimSpace(ref), strings.TrimSpace(ver)
		if ref == "" {
			return nil, kernel.InvalidField("upstream", "%q has no reference number before the colon", part)
		}
		out = append(out, StatementRef{Reference: ref, Verification: ver})
	}
	return out, nil
}

// SaveLot creates a lot, or changes the lot stored under ref when ref is
// not empty (its reference may change too). It checks the lot's rules and
// that every plot is stored; a reference another lot holds is
// kernel.Conflict.
func (s *Service) SaveLot(ctx context.Context, orgID, ref string, l Lot) (Lot, error) {
	l.Ref = strings.TrimSpace(l.Ref)
	l.Description = strings.TrimSpace(l.Description)
	if l.Activity == "" {
		l.Activity = Import
	}
	if ref == "" {
		l.ID, l.CreatedAt = kernel.NewID(), s.clock.Now().UTC()
		if _, err := s.store.Lot(ctx, orgID, l.Ref); err == nil {
			return l, kernel.Errorf(kernel.Conflict, "a lot with the reference %s exists already: open it to change it, or give this lot another reference", l.Ref)
		} else if !kernel.IsCode(err, kernel.NotFound) {
			return l, err
		}
	} else {
		prev, err := s.store.Lot(ctx, orgID, ref)
		if err != nil {
			return l, err
		}
		l.ID, l.CreatedAt = prev.ID, prev.CreatedAt
	}
	if err := l.Validate(); err != nil {
		return l, err
	}
	if _, err := s.store.Plots(ctx, orgID, l.PlotIDs); err != nil {
		return l, err
	}
	return l, s.store.SaveLot(ctx, orgID, l)
}

// AddEvidence records evidence on a stored plot, with the file it came in
// when file is not nil, as recorded now.
func (s *Service) AddEvidence(ctx context.Context, orgID string, e Evidence, file *File) (Evidence, error) {
	e.Source, e.Method, e.Note = strings.TrimSpace(e.Source), strings.TrimSpace(e.Method), strings.TrimSpace(e.Note)
	e.RecordedAt = s.clock.Now().UTC()
	if strings.TrimSpace(e.RecordedBy) == "" {
		return e, kernel.InvalidField("recorded_by", "say who records the evidence")
	}
	if err := e.Validate(); err != nil {
		return e, err
	}
	if _, err := s.store.Plots(ctx, orgID, []string{e.PlotID}); err != nil {
		return e, err
	}
	return e, s.store.AddEvidence(ctx, orgID, e, file)
}

// SaveOperator stores the organisation's operator details: its name,
// address and country as the statement names them (Annex II point 1).
func (s *Service) SaveOperator(ctx context.Context, orgID string, op Operator) error {
	op.Name, op.Address, op.EORI = strings.TrimSpace(op.Name), strings.TrimSpace(op.Address), strings.TrimSpace(op.EORI)
	switch {
	case op.Name == "":
		return kernel.InvalidField("name", "give the operator's name as registered")
	case op.Address == "":
		return kernel.InvalidField("address", "give the operator's postal address")
	case op.Country == "":
		return kernel.InvalidField("country", "choose the operator's country")
	}
	if _, err := ParseSize(string(op.Size)); err != nil {
		return err
	}
	return s.store.SaveOperator(ctx, orgID, op)
}

// Operator returns the organisation's operator details, or kernel.NotFound
// when none are recorded.
func (s *Service) Operator(ctx context.Context, orgID string) (Operator, error) {
	return s.store.Operator(ctx, orgID)
}

// PlotRecord returns a stored plot with its evidence, oldest first, and
// what the evidence says.
func (s *Service) PlotRecord(ctx context.Context, orgID, idOrRef string) (PlotStatus, []Evidence, error) {
	p, err := s.PlotByRef(ctx, orgID, idOrRef)
	if err != nil {
		return PlotStatus{}, nil, err
	}
	ev, err := s.store.Evidence(ctx, orgID, []string{p.ID})
	if err != nil {
		return PlotStatus{}, nil, err
	}
	_, findings, err := s.PlotFindings(ctx, orgID)
	if err != nil {
		return PlotStatus{}, nil, err
	}
	ps := PlotStatus{Plot: p, Evidence: Summarise(p, ev[p.ID], s.clock.Now())}
	for _, f := range findings[p.ID] {
		if f.Severity == Error {
			ps.Errors = append(ps.Errors, f)
		}
	}
	return ps, ev[p.ID], nil
}

// EvidenceFile returns a file attached to evidence on a plot, or
// kernel.NotFound when the plot has no evidence with that file.
func (s *Service) EvidenceFile(ctx context.Context, orgID, plotID, fileID string) (File, error) {
	ev, err := s.store.Evidence(ctx, orgID, []string{plotID})
	if err != nil {
		return File{}, err
	}
	for _, e := range ev[plotID] {
		if e.FileID == fileID && fileID != "" {
			return s.store.File(ctx, orgID, fileID)
		}
	}
	return File{}, kernel.Errorf(kernel.NotFound, "no such file on this plot")
}

// Question is one criterion of Art. 10(2) that rests on the analyst's
// answer rather than on Upstream's records: its letter, the form field
// that carries the answer, and what it asks.
type Question struct {
	Key, Field, Title string
}

// Questions lists the analyst's questions in the order of Art. 10(2).
func Questions() []Question {
	return []Question{
		{"b", "forests", "Are there forests in the country or area of production?"},
		{"c", "indigenous", "Are indigenous peoples present in the country or area of production?"},
		{"d", "consulted", "Were the indigenous peoples consulted and cooperated with in good faith? (asked when they are or may be present)"},
		{"e", "claims", "Are there duly reasoned claims by indigenous peoples on the use or ownership of the land?"},
		{"h", "country_concerns", "Are there concerns about the country: corruption, document falsification, lack of law enforcement, human rights violations, armed conflict or sanctions?"},
		{"j", "mixing", "Is there a risk of circumvention or of mixing with products of unknown origin?"},
		{"m", "certified", "Is the product certified or verified by a third-party scheme? (complementary information)"},
	}
}

// Answer returns the answer to the question with the given letter.
func (a Answers) Answer(key string) Answer {
	switch key {
	case "b":
		return a.Forests
	case "c":
		return a.IndigenousPeoples
	case "d":
		return a.Consulted
	case "e":
		return a.Claims
	case "h":
		return a.CountryConcerns
	case "j":
		return a.Mixing
	case "m":
		return a.Certified
	}
	return NotKnown
}

// SetAnswer records the answer to the question with the given letter.
func (a *Answers) SetAnswer(key string, v Answer) error {
	switch key {
	case "b":
		a.Forests = v
	case "c":
		a.IndigenousPeoples = v
	case "d":
		a.Consulted = v
	case "e":
		a.Claims = v
	case "h":
		a.CountryConcerns = v
	case "j":
		a.Mixing = v
	case "m":
		a.Certified = v
	default:
		return kernel.InvalidField("criterion", "%q is not a criterion the analyst answers", key)
	}
	return nil
}

// commodityLabels names the relevant commodities of Art. 1 in words.
var commodityLabels = []struct{ ID, Label string }{
	{"cattle", "Cattle"}, {"cocoa", "Cocoa"}, {"coffee", "Coffee"}, {"oil_palm", "Oil palm"},
	{"rubber", "Rubber"}, {"soya", "Soya"}, {"wood", "Wood"},
}

// Commodities lists the relevant commodities as id and label, in the
// Regulation's order.
func Commodities() []struct{ ID, Label string } {
	return append([]struct{ ID, Label string }(nil), commodityLabels...)
}

// CommodityLabel names a commodity id in words ("oil_palm" is "Oil palm").
func CommodityLabel(id string) string {
	for _, c := range commodityLabels {
		if c.ID == id {
			return c.Label
		}
	}
	return id
}

// Label is the activity in words.
func (a Activity) Label() string {
	switch a {
	case Import, "":
		return "Import (placing on the EU market)"
	case Export:
		return "Export from the EU"
	case Domestic:
		return "Placing on the market of products produced in the EU"
	case Trade:
		return "Trade (making available what others placed)"
	}
	return string(a)
}
