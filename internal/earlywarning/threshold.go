package earlywarning

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Op compares a signal's value with a rule's limit.
type Op string

const (
	OpGT    Op = "gt"     // value > limit
	OpGE    Op = "ge"     // value >= limit
	OpLT    Op = "lt"     // value < limit
	OpLE    Op = "le"     // value <= limit
	OpAbsGE Op = "abs_ge" // |value| >= limit: a step in either direction, for risk score changes
)

func (o Op) holds(v, limit float64) bool {
	switch o {
	case OpGT:
		return v > limit
	case OpGE:
		return v >= limit
	case OpLT:
		return v < limit
	case OpLE:
		return v <= limit
	case OpAbsGE:
		return math.Abs(v) >= limit
	}
	return false
}

// ThresholdRule raises an alert when a signal of Kind (and, when set, of the
// given subject) has a value that satisfies Op against Limit.
type ThresholdRule struct {
	// Name is unique within the organisation's rules; it becomes part of the
	// alert's deduplication key so each rule keeps its own open alert.
	Name        string      `json:"name"`
	Kind        Kind        `json:"kind"`
	SubjectKind SubjectKind `json:"subject_kind,omitempty"` // empty: any subject kind
	SubjectID   string      `json:"subject_id,omitempty"`   // empty: any subject of that kind
	Op          Op          `json:"op"`
	Limit       float64     `json:"limit"`
	Severity    Severity    `json:"severity"`
}

// ThresholdConfig is one organisation's set of threshold rules.
type ThresholdConfig struct {
	OrgID string          `json:"org_id"`
	Rules []ThresholdRule `json:"rules"`
}

// DefaultThresholdRules are the rules a new organisation starts with: every
// confirmed watchlist hit, and risk score steps of 15 points or more.
func DefaultThresholdRules() []ThresholdRule {
	return []ThresholdRule{
		{Name: "watchlist-hit", Kind: KindWatchlistHit, Op: OpGE, Limit: 0, Severity: SeverityHigh},
		{Name: "risk-step", Kind: KindRiskScoreChange, Op: OpAbsGE, Limit: 15, Severity: SeverityMedium},
		{Name: "refdata-update", Kind: KindRefdataUpdate, Op: OpGT, Limit: 0, Severity: SeverityLow},
	}
}

// Validate names the first rule and field that is wrong.
func (c ThresholdConfig) Validate() error {
	if strings.TrimSpace(c.OrgID) == "" {
		return kernel.Errorf(kernel.Invalid, "threshold config org_id: missing")
	}
	seen := make(map[string]int, len(c.Rules))
	for i, r := range c.Rules {
		at := fmt.Sprintf("rules[%d]", i)
		switch {
		case strings.TrimSpace(r.Name) == "":
			return kernel.Errorf(kernel.Invalid, "%s.name: missing", at)
		case len(r.Name) > 64:
			return kernel.Errorf(kernel.Invalid, "%s.name: longer than 64 characters", at)
		case !r.Kind.valid():
			return kernel.Errorf(kernel.Invalid, "%s.kind: %q is not one of %s", at, r.Kind, joinKinds())
		case r.SubjectKind != "" && !r.SubjectKind.valid():
			return kernel.Errorf(kernel.Invalid, "%s.subject_kind: %q is not one of party, country, region, category, dataset, case", at, r.SubjectKind)
		case r.SubjectID != "" && r.SubjectKind == "":
			return kernel.Errorf(kernel.Invalid, "%s.subject_id: set without subject_kind", at)
		case !r.Op.valid():
			return kernel.Errorf(kernel.Invalid, "%s.op: %q is not one of gt, ge, lt, le, abs_ge", at, r.Op)
		case math.IsNaN(r.Limit) || math.IsInf(r.Limit, 0):
			return kernel.Errorf(kernel.Invalid, "%s.limit: not a finite number", at)
		case r.Op == OpAbsGE && r.Limit <= 0:
			return kernel.Errorf(kernel.Invalid, "%s.limit: abs_ge needs a limit above 0, got %v", at, r.Limit)
		case !r.Severity.valid():
			return kernel.Errorf(kernel.Invalid, "%s.severity: %q is not one of low, medium, high, critical", at, r.Severity)
		}
		if j, dup := seen[r.Name]; dup {
			return kernel.Errorf(kernel.Invalid, "%s.name: %q is already used by rules[%d]", at, r.Name, j)
		}
		seen[r.Name] = i
	}
	return nil
}

func (o Op) valid() bool {
	switch o {
	case OpGT, OpGE, OpLT, OpLE, OpAbsGE:
		return true
	}
	return false
}

// DecodeThresholdConfig reads a JSON threshold configuration, rejecting
// unknown fields, and validates it.
func DecodeThresholdConfig(r io.Reader) (ThresholdConfig, error) {
	var c ThresholdConfig
	if err := kernel.DecodeJSON(r, &c); errors.Is(err, kernel.ErrTrailingData) {
		return ThresholdConfig{}, kernel.Errorf(kernel.Invalid, "threshold config: unexpected data after the JSON object")
	} else if err != nil {
		return ThresholdConfig{}, kernel.Wrap(kernel.Invalid, err, "threshold config")
	}
	if err := c.Validate(); err != nil {
		return ThresholdConfig{}, err
	}
	return c, nil
}

// Evaluate returns one trigger for every rule that s satisfies, in rule
// order. Signals of another organisation trigger nothing. c must be valid.
func (c ThresholdConfig) Evaluate(s Signal) []Trigger {
	if s.OrgID != c.OrgID {
		return nil
	}
	var out []Trigger
	for _, r := range c.Rules {
		if r.Kind != s.Kind {
			continue
		}
		if r.SubjectKind != "" && r.SubjectKind != s.Subject.Kind {
			continue
		}
		if r.SubjectID != "" && r.SubjectID != s.Subject.ID {
			continue
		}
		if !r.Op.holds(s.Value, r.Limit) {
			continue
		}
		out = append(out, Trigger{
			OrgID:    s.OrgID,
			Key:      "rule/" + r.Name + "/" + s.Subject.String(),
			Kind:     s.Kind,
			Subject:  s.Subject,
			Detector: "threshold:" + r.Name,
			Severity: r.Severity,
			Score:    s.Value,
			At:       s.At,
			Source:   s.Source,
		})
	}
	return out
}
