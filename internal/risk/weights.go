package risk

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

//go:embed weights.json
var defaultWeights []byte

// MaxPoints is the most one factor may add on its own. A factor worth 100
// would make every other factor irrelevant and its share of the score
// undefined (see Score), so the configuration stops just short of it.
const MaxPoints = 99

// Scaled is a factor whose points grow linearly with a value until the value
// reaches Saturation, and stay at Points beyond it.
type Scaled struct {
	Points     float64 `json:"points"`
	Saturation float64 `json:"saturation"`
}

// at returns the points for value v (negative values count as zero).
func (s Scaled) at(v float64) float64 {
	if v <= 0 || s.Saturation <= 0 {
		return 0
	}
	return s.Points * math.Min(1, v/s.Saturation)
}

// Weights is the whole configuration of the method. All points are on the
// 0-100 scale; see docs/risk-model.md for what each one means.
type Weights struct {
	Version  string `json:"version"`
	Inherent struct {
		ChildLabour       float64            `json:"ilab_child_labour"`
		ForcedLabour      float64            `json:"ilab_forced_labour"`
		ForcedChildLabour float64            `json:"ilab_forced_child_labour"`
		Derived           float64            `json:"ilab_derived"`
		GSI               Scaled             `json:"gsi_prevalence"`
		WorkingChildren   Scaled             `json:"ilab_working_children"`
		Advancement       map[string]float64 `json:"ilab_advancement"`
		EUDR              map[string]float64 `json:"eudr_benchmark"`
	} `json:"inherent"`
	// InferredWeight scales the points of a listing of a good the party
	// was not declared to handle but is guessed to (from a sector, a
	// product type or a name): a guess weighs less than a fact.
	InferredWeight float64 `json:"inferred_weight"`
	// ContextCap is the most reference data alone may score: country and
	// commodity context can make a party high, and only evidence about
	// the party itself (a watchlist hit, an enforcement action,
	// grievances, a failed audit) critical. Below levels.critical.
	ContextCap  float64           `json:"context_cap"`
	Signals     map[string]Scaled `json:"signals"`
	Propagation struct {
		// Decay is the weight of a supplier's exposure in its buyer's, per
		// tier: 0.7 means a tier-2 supplier counts 0.49 at tier 0.
		Decay float64 `json:"decay"`
		// Tolerance bounds the error left by the fixed-point iteration on
		// cycles, on the 0-1 scale.
		Tolerance float64 `json:"tolerance"`
	} `json:"propagation"`
	Levels struct {
		Medium   float64 `json:"medium"`
		High     float64 `json:"high"`
		Critical float64 `json:"critical"`
	} `json:"levels"`
	// Origin names where the weights were read from, for reports.
	Origin string `json:"-"`
}

// DefaultWeights returns the weights built into the program (weights.json).
func DefaultWeights() Weights {
	w, err := ParseWeights("embedded weights.json", defaultWeights)
	if err != nil {
		// The embedded file is covered by tests; failing here means the
		// build is broken, not that the user did something wrong.
		panic("risk: " + err.Error())
	}
	return w
}

// LoadWeights reads weights from a file in the layout of weights.json.
func LoadWeights(path string) (Weights, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Weights{}, kernel.Wrap(kernel.Invalid, err, "cannot read weights file %s", path)
	}
	return ParseWeights(filepath.Base(path), data)
}

// ParseWeights decodes and validates a weights document. Unknown fields are
// errors, so a misspelt weight cannot silently fall back to zero.
func ParseWeights(name string, data []byte) (Weights, error) {
	var w Weights
	if err := kernel.DecodeJSON(bytes.NewReader(data), &w); errors.Is(err, kernel.ErrTrailingData) {
		return Weights{}, kernel.Errorf(kernel.Invalid, "%s: unexpected data after the JSON object", name)
	} else if err != nil {
		return Weights{}, jsonError(name, data, err)
	}
	// A weight left out would read as 0; say so rather than score with it.
	var present struct {
		InferredWeight *float64 `json:"inferred_weight"`
		ContextCap     *float64 `json:"context_cap"`
	}
	if json.Unmarshal(data, &present) == nil && present.InferredWeight == nil {
		return Weights{}, kernel.Errorf(kernel.Invalid, "%s: field inferred_weight: missing (the weight of a listing of an inferred good, 0 to 1; the built-in weights use 0.75)", name)
	}
	if present.ContextCap == nil {
		return Weights{}, kernel.Errorf(kernel.Invalid, "%s: field context_cap: missing (the most reference data alone may score, below levels.critical; the built-in weights use 70)", name)
	}
	if err := w.validate(name); err != nil {
		return Weights{}, err
	}
	w.Origin = name
	return w, nil
}

func jsonError(name string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := kernel.Position(data, se.Offset)
		return kernel.Wrap(kernel.Invalid, err, "%s: line %d, column %d: malformed JSON", name, line, col)
	case errors.As(err, &te):
		line, col := kernel.Position(data, te.Offset)
		return kernel.Errorf(kernel.Invalid, "%s: line %d, column %d: field %q: want a %s, got %s", name, line, col, te.Field, te.Type, te.Value)
	case errors.Is(err, io.EOF):
		return kernel.Errorf(kernel.Invalid, "%s: empty file", name)
	}
	return kernel.Wrap(kernel.Invalid, err, "%s: %s", name, strings.TrimPrefix(err.Error(), "json: "))
}

func (w *Weights) validate(name string) error {
	bad := func(field string, format string, args ...any) error {
		return kernel.Errorf(kernel.Invalid, "%s: field %s: %s", name, field, fmt.Sprintf(format, args...))
	}
	points := func(field string, v float64) error {
		if math.IsNaN(v) || v < 0 || v > MaxPoints {
			return bad(field, "want points from 0 to %d, got %g", MaxPoints, v)
		}
		return nil
	}
	scaled := func(field string, s Scaled) error {
		if err := points(field+".points", s.Points); err != nil {
			return err
		}
		if math.IsNaN(s.Saturation) || s.Saturation <= 0 || math.IsInf(s.Saturation, 0) {
			return bad(field+".saturation", "want a positive number, got %g", s.Saturation)
		}
		return nil
	}
	in := &w.Inherent
	for _, p := range []struct {
		f string
		v float64
	}{{"inherent.ilab_child_labour", in.ChildLabour}, {"inherent.ilab_forced_labour", in.ForcedLabour},
		{"inherent.ilab_forced_child_labour", in.ForcedChildLabour}, {"inherent.ilab_derived", in.Derived}} {
		if err := points(p.f, p.v); err != nil {
			return err
		}
	}
	if err := scaled("inherent.gsi_prevalence", in.GSI); err != nil {
		return err
	}
	if err := scaled("inherent.ilab_working_children", in.WorkingChildren); err != nil {
		return err
	}
	folded := map[string]string{}
	for _, k := range sortedKeys(in.Advancement) {
		f := strings.ToLower(strings.TrimSpace(k))
		if other, dup := folded[f]; dup {
			return bad("inherent.ilab_advancement", "%q and %q name the same assessment", other, k)
		}
		folded[f] = k
		if err := points("inherent.ilab_advancement."+k, in.Advancement[k]); err != nil {
			return err
		}
	}
	for _, k := range []string{"low", "standard", "high"} {
		v, ok := in.EUDR[k]
		if !ok {
			return bad("inherent.eudr_benchmark."+k, "missing")
		}
		if err := points("inherent.eudr_benchmark."+k, v); err != nil {
			return err
		}
	}
	if in.EUDR["low"] > in.EUDR["standard"] || in.EUDR["standard"] > in.EUDR["high"] {
		return bad("inherent.eudr_benchmark", "points must not fall as the benchmark rises (low <= standard <= high)")
	}
	if len(in.EUDR) != 3 {
		return bad("inherent.eudr_benchmark", "only low, standard and high are categories of the benchmark")
	}
	if math.IsNaN(w.InferredWeight) || w.InferredWeight < 0 || w.InferredWeight > 1 {
		return bad("inferred_weight", "want a number from 0 to 1, got %g", w.InferredWeight)
	}
	for _, k := range []SignalKind{WatchlistConfirmed, WatchlistPossible, Grievance, AuditFinding} {
		if _, ok := w.Signals[string(k)]; !ok {
			return bad("signals."+string(k), "missing")
		}
	}
	for _, k := range sortedKeys(w.Signals) {
		if err := scaled("signals."+k, w.Signals[k]); err != nil {
			return err
		}
	}
	p := w.Propagation
	if math.IsNaN(p.Decay) || p.Decay < 0 || p.Decay >= 1 {
		return bad("propagation.decay", "want a number from 0 up to (not including) 1, got %g", p.Decay)
	}
	if math.IsNaN(p.Tolerance) || p.Tolerance < 1e-12 || p.Tolerance > 0.01 {
		return bad("propagation.tolerance", "want a number from 1e-12 to 0.01, got %g", p.Tolerance)
	}
	l := w.Levels
	if !(0 < l.Medium && l.Medium < l.High && l.High < l.Critical && l.Critical <= 100) {
		return bad("levels", "want 0 < medium < high < critical <= 100, got %g, %g, %g", l.Medium, l.High, l.Critical)
	}
	if math.IsNaN(w.ContextCap) || w.ContextCap <= 0 || w.ContextCap >= l.Critical {
		return bad("context_cap", "want a number above 0 and below levels.critical (%g), got %g", l.Critical, w.ContextCap)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
