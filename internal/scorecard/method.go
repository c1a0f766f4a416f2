package scorecard

import (
	"bytes"
	_ "embed"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
)

//go:embed weights.json
var defaultWeights []byte

// Grade is a letter from A (best) to F. There is no E, as in school grades
// and in the Free2Work scorecards this method follows.
type Grade string

const (
	GradeA Grade = "A"
	GradeB Grade = "B"
	GradeC Grade = "C"
	GradeD Grade = "D"
	GradeF Grade = "F"
)

// Grades lists the grades from best to worst.
func Grades() []Grade { return []Grade{GradeA, GradeB, GradeC, GradeD, GradeF} }

// Scale gives the lowest overall score (0-100) that earns each grade from A
// to D; anything below D is F.
type Scale struct {
	A float64 `json:"A"`
	B float64 `json:"B"`
	C float64 `json:"C"`
	D float64 `json:"D"`
}

// Grade returns the grade a score earns; a score exactly on a boundary
// earns the higher grade.
func (s Scale) Grade(score float64) Grade {
	switch {
	case score >= s.A:
		return GradeA
	case score >= s.B:
		return GradeB
	case score >= s.C:
		return GradeC
	case score >= s.D:
		return GradeD
	}
	return GradeF
}

// Min returns the lowest score that earns g (0 for F).
func (s Scale) Min(g Grade) float64 {
	switch g {
	case GradeA:
		return s.A
	case GradeB:
		return s.B
	case GradeC:
		return s.C
	case GradeD:
		return s.D
	}
	return 0
}

// ItemWeight is an item's maximum points within its theme, the effort of
// earning them (1 low, 2 medium, 3 high: used to order "what would move
// the grade up") and, for measured items, the thresholds of the measure.
type ItemWeight struct {
	Points float64 `json:"points"`
	Effort int     `json:"effort"`
	// Good and Bad bound a measure where lower is better: at or below Good
	// earns full credit, at or above Bad none, linear between. For counts
	// with only Bad set, Good is zero.
	Good float64 `json:"good,omitempty"`
	Bad  float64 `json:"bad,omitempty"`
}

// Weights is the whole configuration of the method; docs/scorecard-method.md
// explains each part.
type Weights struct {
	Version  string                `json:"version"`
	Themes   map[Theme]float64     `json:"themes"`
	Evidence EvidenceRules         `json:"evidence"`
	Items    map[string]ItemWeight `json:"items"`
	Scales   struct {
		Normal   Scale `json:"normal"`
		HighRisk Scale `json:"high_risk"`
	} `json:"scales"`
	// HighRiskLevels are the inherent risk levels that put a subject on the
	// stricter scale.
	HighRiskLevels []risk.Level `json:"high_risk_levels"`
	// Origin names where the weights were read from, for reports.
	Origin string `json:"-"`
}

// EvidenceRules say how an answer's age and documentation scale its credit.
type EvidenceRules struct {
	// FreshMonths: evidence up to this age counts in full.
	FreshMonths int `json:"fresh_months"`
	// ExpireMonths: evidence this old or older counts nothing; between the
	// two its weight falls linearly.
	ExpireMonths int `json:"expire_months"`
	// Undocumented is the weight of an answer with no document, 0..1.
	Undocumented float64 `json:"undocumented"`
	// Answers gives the credit of each response, 0..1.
	Answers map[Response]float64 `json:"answers"`
}

// DefaultWeights returns the weights built into the program (weights.json).
func DefaultWeights() Weights {
	w, err := ParseWeights("embedded weights.json", defaultWeights)
	if err != nil {
		// The embedded file is covered by tests; failing here means the
		// build is broken, not that the user did something wrong.
		panic("scorecard: " + err.Error())
	}
	return w
}

// LoadWeights reads weights from a file in the layout of weights.json.
func LoadWeights(path string) (Weights, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Weights{}, kernel.Wrap(kernel.Invalid, err, "cannot read scorecard weights file %s", path)
	}
	return ParseWeights(filepath.Base(path), data)
}

// ParseWeights decodes and validates a weights document. Unknown fields are
// errors, so a misspelt weight cannot silently fall back to zero.
func ParseWeights(name string, data []byte) (Weights, error) {
	var w Weights
	switch err := kernel.DecodeJSON(bytes.NewReader(data), &w); {
	case errors.Is(err, io.EOF):
		return Weights{}, kernel.Errorf(kernel.Invalid, "%s: empty file", name)
	case errors.Is(err, kernel.ErrTrailingData):
		return Weights{}, kernel.Errorf(kernel.Invalid, "%s: unexpected data after the JSON object", name)
	case err != nil:
		return Weights{}, kernel.Wrap(kernel.Invalid, err, "%s: not a valid weights document", name)
	}
	if err := w.validate(); err != nil {
		return Weights{}, kernel.Wrap(kernel.Invalid, err, "%s", name)
	}
	w.Origin = name
	return w, nil
}

// maxWeight bounds theme weights and item points, so sums stay finite.
const maxWeight = 1000

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func (w *Weights) validate() error {
	if w.Version == "" {
		return kernel.InvalidField("version", "is missing")
	}
	var total float64
	for _, t := range themes {
		v, ok := w.Themes[t]
		if !ok {
			return kernel.InvalidField("themes."+string(t), "is missing")
		}
		if !finite(v) || v < 0 || v > maxWeight {
			return kernel.InvalidField("themes."+string(t), "%v is outside 0..%d", v, maxWeight)
		}
		total += v
	}
	for t := range w.Themes {
		if !t.Valid() {
			return kernel.InvalidField("themes."+string(t), "is not a theme")
		}
	}
	if total <= 0 {
		return kernel.InvalidField("themes", "all weights are zero")
	}
	e := w.Evidence
	if e.FreshMonths < 0 {
		return kernel.InvalidField("evidence.fresh_months", "%d is negative", e.FreshMonths)
	}
	if e.ExpireMonths <= e.FreshMonths {
		return kernel.InvalidField("evidence.expire_months", "%d must be more than fresh_months (%d)", e.ExpireMonths, e.FreshMonths)
	}
	if !finite(e.Undocumented) || e.Undocumented < 0 || e.Undocumented > 1 {
		return kernel.InvalidField("evidence.undocumented", "%v is outside 0..1", e.Undocumented)
	}
	for _, r := range []Response{Yes, Partial, No} {
		v, ok := e.Answers[r]
		if !ok {
			return kernel.InvalidField("evidence.answers."+string(r), "is missing")
		}
		if !finite(v) || v < 0 || v > 1 {
			return kernel.InvalidField("evidence.answers."+string(r), "%v is outside 0..1", v)
		}
	}
	if len(e.Answers) != 3 {
		return kernel.InvalidField("evidence.answers", "has responses other than yes, partial and no")
	}
	if !(e.Answers[Yes] >= e.Answers[Partial] && e.Answers[Partial] >= e.Answers[No]) {
		return kernel.InvalidField("evidence.answers", "must not give a worse response more credit than a better one")
	}
	for _, it := range catalogue {
		iw, ok := w.Items[it.ID]
		f := "items." + it.ID
		if !ok {
			return kernel.InvalidField(f, "is missing")
		}
		if !finite(iw.Points) || iw.Points < 0 || iw.Points > maxWeight {
			return kernel.InvalidField(f+".points", "%v is outside 0..%d", iw.Points, maxWeight)
		}
		if iw.Effort < 1 || iw.Effort > 3 {
			return kernel.InvalidField(f+".effort", "%d is outside 1..3", iw.Effort)
		}
		if needsBad(it.ID) {
			if !finite(iw.Bad) || iw.Bad <= iw.Good || iw.Good < 0 {
				return kernel.InvalidField(f+".bad", "%v must be more than good (%v), which must not be negative", iw.Bad, iw.Good)
			}
		}
	}
	ids := make([]string, 0, len(w.Items))
	for id := range w.Items {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, ok := Lookup(id); !ok {
			return kernel.InvalidField("items."+id, "is not a questionnaire question or held measure")
		}
	}
	for _, k := range []SubjectKind{Supplier, Organisation} {
		for _, t := range themes {
			if w.Themes[t] > 0 && w.themePoints(t, k) <= 0 {
				return kernel.InvalidField("themes."+string(t), "has weight but no points for a %s", k)
			}
		}
	}
	for _, s := range []struct {
		f string
		s Scale
	}{{"scales.normal", w.Scales.Normal}, {"scales.high_risk", w.Scales.HighRisk}} {
		if !(s.s.A <= 100 && s.s.A > s.s.B && s.s.B > s.s.C && s.s.C > s.s.D && s.s.D > 0) {
			return kernel.InvalidField(s.f, "boundaries must fall strictly from A to D within 0..100")
		}
	}
	n, h := w.Scales.Normal, w.Scales.HighRisk
	if h.A < n.A || h.B < n.B || h.C < n.C || h.D < n.D {
		return kernel.InvalidField("scales.high_risk", "must be at least as strict as the normal scale at every grade")
	}
	for i, l := range w.HighRiskLevels {
		if !slices.Contains([]risk.Level{risk.Low, risk.Medium, risk.High, risk.Critical}, l) {
			return kernel.InvalidField("high_risk_levels", "[%d] %q is not a risk level", i, l)
		}
	}
	return nil
}

// needsBad lists the measures whose thresholds the method reads.
func needsBad(id string) bool {
	switch id {
	case "screening.pending", "screening.confirmed", "grievance.acknowledge":
		return true
	}
	return false
}

func (w *Weights) themePoints(t Theme, k SubjectKind) float64 {
	var sum float64
	for _, it := range catalogue {
		if it.Theme == t && it.AppliesTo(k) {
			sum += w.Items[it.ID].Points
		}
	}
	return sum
}
