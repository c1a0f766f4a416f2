package risk_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
)

func TestDefaultWeights(t *testing.T) {
	w := risk.DefaultWeights()
	if w.Origin != "embedded weights.json" || w.Propagation.Decay != 0.7 || w.Levels.High != 50 {
		t.Errorf("default weights = %+v", w)
	}
}

func TestParseWeightsErrors(t *testing.T) {
	base, err := os.ReadFile("weights.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown field", `"ilab_derived": 25`, `"ilab_derived": 25, "ilab_forcedlabour": 3`, `unknown field "ilab_forcedlabour"`},
		{"points too high", `"ilab_forced_labour": 40`, `"ilab_forced_labour": 120`, `field inherent.ilab_forced_labour: want points from 0 to 99, got 120`},
		{"negative points", `"grievance": {"points": 40`, `"grievance": {"points": -1`, `field signals.grievance.points`},
		{"zero saturation", `"saturation": 20}`, `"saturation": 0}`, `field inherent.gsi_prevalence.saturation: want a positive number`},
		{"decay one", `"decay": 0.7`, `"decay": 1`, `field propagation.decay`},
		{"levels out of order", `"medium": 25`, `"medium": 60`, `field levels: want 0 < medium < high < critical`},
		{"eudr not rising", `"high": 40, "standard": 10`, `"high": 5, "standard": 10`, `field inherent.eudr_benchmark: points must not fall`},
		{"missing signal", `"audit_finding": {"points": 30, "saturation": 3}`, `"audit": {"points": 30, "saturation": 3}`, `field signals.audit_finding: missing`},
		{"wrong type", `"decay": 0.7`, `"decay": "high"`, `line 30, column`},
		{"inferred weight missing", `"inferred_weight": 0.75,`, ``, `field inferred_weight: missing`},
		{"context cap missing", `"context_cap": 70,`, ``, `field context_cap: missing`},
		{"context cap at critical", `"context_cap": 70`, `"context_cap": 75`, `field context_cap: want a number above 0 and below levels.critical (75)`},
		{"inferred weight above one", `"inferred_weight": 0.75`, `"inferred_weight": 1.5`, `field inferred_weight: want a number from 0 to 1`},
		{"syntax", `"version": "1",`, `"version": "1",,`, `line 2, column 19: malformed JSON`},
		{"trailing", `"critical": 75}`, `"critical": 75}}{`, `unexpected data after the JSON object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(string(base), tt.old, tt.new, 1)
			if doc == string(base) {
				t.Fatalf("test edit %q not applied", tt.old)
			}
			_, err := risk.ParseWeights("w.json", []byte(doc))
			if err == nil {
				t.Fatalf("ParseWeights accepted the edit, want error %q", tt.want)
			}
			if !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "w.json: ") {
				t.Errorf("error %q (%s), want it to name w.json and contain %q", err, kernel.ErrorCode(err), tt.want)
			}
		})
	}
	if _, err := risk.ParseWeights("e.json", nil); err == nil || !strings.Contains(err.Error(), "empty file") {
		t.Errorf("empty: %v", err)
	}
}

func TestLoadWeights(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my-weights.json")
	doc := strings.Replace(string(mustRead(t, "weights.json")), `"decay": 0.7`, `"decay": 0.5`, 1)
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := risk.LoadWeights(path)
	if err != nil {
		t.Fatal(err)
	}
	if w.Propagation.Decay != 0.5 || w.Origin != "my-weights.json" {
		t.Errorf("loaded %+v", w.Propagation)
	}
	if _, err := risk.LoadWeights(filepath.Join(t.TempDir(), "absent.json")); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("absent file: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
