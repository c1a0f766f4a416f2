package eudr

import (
	"math"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Cutoff is the Regulation's cut-off date (Art. 2(13)): a product is
// deforestation-free when the land was not deforested after it.
var Cutoff = time.Date(2020, 12, 31, 0, 0, 0, 0, time.UTC)

// EvidenceKind says what a piece of evidence shows.
type EvidenceKind string

const (
	// ForestLoss is the result of an outside analysis of forest loss on the
	// plot after the cut-off date (Art. 3(a), 9(1)(g)), for example a
	// satellite monitoring service's check.
	ForestLoss EvidenceKind = "forest-loss"
	// LandTitle, Permit and FPIC are legality documents (Art. 2(40),
	// 9(1)(h)): the right to use the land, permits for the production, and
	// records of free, prior and informed consent.
	LandTitle EvidenceKind = "land-title"
	Permit    EvidenceKind = "permit"
	FPIC      EvidenceKind = "fpic"
	// OtherLegality is any other document on the relevant legislation of
	// the country of production (labour, tax, environmental protection).
	OtherLegality EvidenceKind = "other-legality"
)

var evidenceKinds = []EvidenceKind{ForestLoss, LandTitle, Permit, FPIC, OtherLegality}

// EvidenceKinds lists every kind in a stable order.
func EvidenceKinds() []EvidenceKind { return append([]EvidenceKind(nil), evidenceKinds...) }

// Label is the kind in words, for pages and reports.
func (k EvidenceKind) Label() string {
	switch k {
	case ForestLoss:
		return "Forest-loss analysis"
	case LandTitle:
		return "Land title or right of use"
	case Permit:
		return "Permit"
	case FPIC:
		return "Free, prior and informed consent"
	case OtherLegality:
		return "Other legality document"
	}
	return string(k)
}

// ParseEvidenceKind reads a kind.
func ParseEvidenceKind(raw string) (EvidenceKind, error) {
	k := EvidenceKind(strings.ToLower(strings.TrimSpace(raw)))
	for _, v := range evidenceKinds {
		if k == v {
			return k, nil
		}
	}
	return "", kernel.InvalidField("kind", "%q is not an evidence kind; use forest-loss, land-title, permit, fpic or other-legality", raw)
}

// Evidence is one piece of evidence on one plot: structured fields and,
// usually, the file it came in.
type Evidence struct {
	ID     string       `json:"id"`
	PlotID string       `json:"plot_id"`
	Kind   EvidenceKind `json:"kind"`
	// Source names who produced it: the monitoring service, the land
	// registry, the authority that issued the permit.
	Source string `json:"source"`
	// Date is when the analysis was run or the document issued.
	Date time.Time `json:"date"`
	// For a forest-loss analysis: the period it covers and the forest loss
	// it found on the plot in that period, in hectares, and how (data set,
	// canopy threshold, resolution).
	PeriodFrom time.Time `json:"period_from,omitzero"`
	PeriodTo   time.Time `json:"period_to,omitzero"`
	LossHa     float64   `json:"loss_ha"`
	Method     string    `json:"method,omitempty"`
	// ValidUntil is when a document expires; zero when it does not.
	ValidUntil time.Time `json:"valid_until,omitzero"`
	Note       string    `json:"note,omitempty"`
	// FileID names the stored file, FileName its name as uploaded.
	FileID     string    `json:"file_id,omitempty"`
	FileName   string    `json:"file_name,omitempty"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Validate checks the evidence's own rules.
func (e Evidence) Validate() error {
	if _, err := ParseEvidenceKind(string(e.Kind)); err != nil {
		return err
	}
	if strings.TrimSpace(e.Source) == "" {
		return kernel.InvalidField("source", "say who produced the evidence (the monitoring service, registry or authority)")
	}
	if e.Date.IsZero() {
		return kernel.InvalidField("date", "the date of the analysis or document is required")
	}
	if e.Kind == ForestLoss {
		if math.IsNaN(e.LossHa) || math.IsInf(e.LossHa, 0) || e.LossHa < 0 {
			return kernel.InvalidField("loss_ha", "forest loss must be a number of hectares, 0 or more")
		}
		if strings.TrimSpace(e.Method) == "" {
			return kernel.InvalidField("method", "say how the loss was measured (data set, canopy threshold, resolution)")
		}
		if e.PeriodFrom.IsZero() || e.PeriodTo.IsZero() {
			return kernel.InvalidField("period", "a forest-loss analysis needs the period it covers")
		}
		if e.PeriodTo.Before(e.PeriodFrom) {
			return kernel.InvalidField("period", "the period ends before it starts")
		}
	}
	return nil
}

// DeforestationStatus is what the evidence says about one plot and the
// cut-off date. There is no status "no deforestation" without an analysis:
// missing evidence is a gap.
type DeforestationStatus string

const (
	// NoAnalysis: no forest-loss analysis is recorded. A gap, never a pass.
	NoAnalysis DeforestationStatus = "no-analysis"
	// AnalysisIncomplete: the analyses do not cover the time from the
	// cut-off date to the end of production.
	AnalysisIncomplete DeforestationStatus = "incomplete"
	// LossFound: an analysis found forest loss after the cut-off date.
	LossFound DeforestationStatus = "loss-found"
	// NoLossFound: analyses covering the cut-off date to the end of
	// production found no forest loss.
	NoLossFound DeforestationStatus = "no-loss-found"
)

// Label is the status in words.
func (s DeforestationStatus) Label() string {
	switch s {
	case NoAnalysis:
		return "No forest-loss analysis (gap)"
	case AnalysisIncomplete:
		return "Analysis does not cover the period"
	case LossFound:
		return "Forest loss found after 31 December 2020"
	case NoLossFound:
		return "No forest loss found after 31 December 2020"
	}
	return string(s)
}

// PlotEvidence sums up the evidence on one plot.
type PlotEvidence struct {
	Deforestation DeforestationStatus
	// LossHa is the largest loss any analysis found after the cut-off.
	LossHa float64
	// Legality lists the legality kinds on file; MissingLegality what the
	// checklist still asks for (a land title or permit at least).
	Legality        []EvidenceKind
	MissingLegality []string
	Expired         []string
}

// Summarise reads a plot's evidence against the cut-off date and the end of
// production (zero when unknown: then the analysis must reach today).
func Summarise(p Plot, ev []Evidence, today time.Time) PlotEvidence {
	out := PlotEvidence{Deforestation: NoAnalysis}
	end := p.ProductionTo
	if end.IsZero() {
		end = p.ProductionFrom
	}
	if end.IsZero() {
		end = today
	}
	// Covered periods, merged, must span Cutoff..end.
	type span struct{ from, to time.Time }
	var spans []span
	has := map[EvidenceKind]bool{}
	for _, e := range ev {
		if e.PlotID != "" && p.ID != "" && e.PlotID != p.ID {
			continue
		}
		if e.Kind != ForestLoss {
			if !e.ValidUntil.IsZero() && e.ValidUntil.Before(today) {
				out.Expired = append(out.Expired, kernel.Say("%v from %v expired on %v", e.Kind.Label(), e.Source, e.ValidUntil).String())
				continue
			}
			if !has[e.Kind] {
				out.Legality = append(out.Legality, e.Kind)
			}
			has[e.Kind] = true
			continue
		}
		if out.Deforestation == NoAnalysis {
			out.Deforestation = AnalysisIncomplete
		}
		if e.LossHa > 0 && e.PeriodTo.After(Cutoff) {
			out.LossHa = math.Max(out.LossHa, e.LossHa)
		}
		spans = append(spans, span{e.PeriodFrom, e.PeriodTo})
	}
	if out.LossHa > 0 {
		out.Deforestation = LossFound
	} else if len(spans) > 0 {
		// Sort and merge; a day's gap between analyses still counts as
		// continuous.
		for i := 1; i < len(spans); i++ {
			for j := i; j > 0 && spans[j].from.Before(spans[j-1].from); j-- {
				spans[j], spans[j-1] = spans[j-1], spans[j]
			}
		}
		reach := time.Time{}
		covered := false
		for _, s := range spans {
			if reach.IsZero() {
				if s.from.After(Cutoff.AddDate(0, 0, 1)) {
					break
				}
				reach = s.to
			} else if !s.from.After(reach.AddDate(0, 0, 1)) && s.to.After(reach) {
				reach = s.to
			}
			if !reach.Before(end) {
				covered = true
				break
			}
		}
		if covered {
			out.Deforestation = NoLossFound
		}
	}
	if !has[LandTitle] && !has[Permit] {
		out.MissingLegality = append(out.MissingLegality, kernel.Say("a land title, right of use or permit (Art. 9(1)(h))").String())
	}
	return out
}
