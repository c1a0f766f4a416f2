package risk_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/risk"
)

func newEngine(t testing.TB) *risk.Engine {
	t.Helper()
	ref, err := refdata.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, err := risk.NewEngine(ref, risk.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestScore(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		name       string
		in         risk.Input
		wantOwn    float64
		wantLevel  risk.Level
		indicators []string // indicators that must appear among the factors
	}{
		{
			// 30 child, 40 forced, 15 forced child labour (ILAB lists all
			// three for Ivorian cocoa), 7.3/20 x 25 = 9.125 GSI,
			// 0.256/0.5 x 10 = 5.12 working children, 0 for "Significant
			// Advancement", 10 for the EUDR standard benchmark:
			// 100 x (1 - 0.7 x 0.6 x 0.85 x 0.90875 x 0.9488 x 1 x 0.9)
			// = 72.30, capped at 70: reference data alone is never
			// critical, and counts at most context_cap.
			name: "cocoa from Côte d'Ivoire", in: risk.Input{Country: "CI", Commodities: []string{"cocoa"}},
			wantOwn: 70, wantLevel: risk.High,
			indicators: []string{"child labour", "forced labour", "forced child labour", "prevalence of modern slavery", "working children", "government effort against child labour", "EUDR country benchmark for cocoa", "context cap"},
		},
		{
			// GSI only: 2.1/20 x 25 = 2.625.
			name: "garments from France", in: risk.Input{Country: "FR", Commodities: []string{"garments"}},
			wantOwn: 2.625, wantLevel: risk.Low, indicators: []string{"prevalence of modern slavery"},
		},
		{
			// Forced labour 40 and GSI 4.0/20 x 25 = 5:
			// 100 x (1 - 0.6 x 0.95) = 43.
			name: "polysilicon from China", in: risk.Input{Country: "CN", Commodities: []string{"polysilicon"}},
			wantOwn: 43, wantLevel: risk.Medium, indicators: []string{"forced labour"},
		},
		{
			// Derived good 25 and GSI 5: 100 x (1 - 0.75 x 0.95) = 28.75.
			name: "solar cells from China", in: risk.Input{Country: "CN", Commodities: []string{"solar-cells"}},
			wantOwn: 28.75, wantLevel: risk.Medium, indicators: []string{"made with inputs produced with exploited labour"},
		},
		{
			// French garments plus a confirmed watchlist hit (90):
			// 100 x (1 - 0.97375 x 0.1) = 90.2625: evidence about the
			// party makes it critical.
			name: "confirmed watchlist hit", in: risk.Input{Country: "FR", Commodities: []string{"garments"},
				Signals: []risk.Signal{{Kind: risk.WatchlistConfirmed, Value: 1, Source: "OFAC SDN", Note: "ACME LTD"}}},
			wantOwn: 90.2625, wantLevel: risk.Critical, indicators: []string{"watchlist_confirmed"},
		},
		{
			// Two grievances of three to saturate: 40 x 2/3.
			name: "grievances", in: risk.Input{Country: "IS", Signals: []risk.Signal{{Kind: risk.Grievance, Value: 2}}},
			wantOwn: 80.0 / 3, wantLevel: risk.Medium, indicators: []string{"grievance"},
		},
		{
			// ILAB lists Russian timber for forced labour (40), Russia is
			// high risk under the EUDR benchmark (40), GSI 13.0/20 x 25 =
			// 16.25: 100 x (1 - 0.6 x 0.6 x 0.8375) = 69.85, just under the
			// context cap.
			name: "wood from Russia", in: risk.Input{Country: "RU", Commodities: []string{"wood"}},
			wantOwn: 69.85, wantLevel: risk.High, indicators: []string{"forced labour", "EUDR country benchmark for wood"},
		},
		{
			name: "unknown commodity is harmless", in: risk.Input{Country: "IS", Commodities: []string{"quinoa", ""}},
			wantOwn: 0, wantLevel: risk.Low,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := e.Score(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(s.Own-tt.wantOwn) > 1e-4 || s.Level != tt.wantLevel {
				t.Errorf("own %.6f %s, want %.6f %s; factors %+v", s.Own, s.Level, tt.wantOwn, tt.wantLevel, s.Factors)
			}
			sum := 0.0
			have := map[string]bool{}
			for _, f := range s.Factors {
				sum += f.Contribution
				have[f.Indicator] = true
				if f.Source == "" || f.Indicator == "" || f.Value == "" {
					t.Errorf("factor without source, indicator or value: %+v", f)
				}
				if f.Kind == "inherent" && f.Edition == "" {
					t.Errorf("reference factor without edition: %+v", f)
				}
			}
			if math.Abs(sum-s.Own) > 1e-9 {
				t.Errorf("contributions add up to %g, own is %g", sum, s.Own)
			}
			for _, ind := range tt.indicators {
				if !have[ind] {
					t.Errorf("no %q factor in %+v", ind, s.Factors)
				}
			}
		})
	}
}

func TestScoreKeepsCaveatsVisible(t *testing.T) {
	e := newEngine(t)
	s, err := e.Score(risk.Input{Country: "GF", Commodities: []string{"wood"}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range s.Factors {
		if strings.HasPrefix(f.Indicator, "EUDR") {
			found = true
			if !strings.Contains(f.Value, "AMBIGUOUS") || !strings.Contains(f.Edition, "to be verified") {
				t.Errorf("EUDR factor hides its caveats: %+v", f)
			}
		}
		if strings.HasPrefix(f.Indicator, "prevalence") && !strings.Contains(f.Source, "Walk Free, Global Slavery Index 2023") {
			t.Errorf("GSI factor without its citation: %+v", f)
		}
	}
	if !found {
		t.Error("no EUDR factor for wood from French Guiana")
	}
}

func TestScoreErrors(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		name string
		in   risk.Input
		want string
	}{
		{"unknown country", risk.Input{Country: "ZZ"}, `country "ZZ" is not an ISO 3166 alpha-2 code`},
		{"name not code", risk.Input{Country: "France"}, `country "France"`},
		{"unknown signal", risk.Input{Country: "FR", Signals: []risk.Signal{{Kind: "rumour", Value: 1}}}, `signal 1: unknown kind "rumour"`},
		{"negative signal", risk.Input{Country: "FR", Signals: []risk.Signal{{Kind: risk.Grievance, Value: -1}}}, `signal 1 (grievance): value -1`},
		{"nan signal", risk.Input{Country: "FR", Signals: []risk.Signal{{Kind: risk.Grievance, Value: math.NaN()}}}, `value NaN`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Score(tt.in)
			if err == nil || !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want invalid containing %q", err, tt.want)
			}
		})
	}
}

func TestLevels(t *testing.T) {
	w := risk.DefaultWeights()
	tests := []struct {
		score float64
		want  risk.Level
	}{{0, risk.Low}, {24.999, risk.Low}, {25, risk.Medium}, {49.9, risk.Medium}, {50, risk.High}, {74.99, risk.High}, {75, risk.Critical}, {100, risk.Critical}}
	for _, tt := range tests {
		if got := w.Level(tt.score); got != tt.want {
			t.Errorf("Level(%g) = %s, want %s", tt.score, got, tt.want)
		}
	}
}

func TestScoreFollowsReplacedData(t *testing.T) {
	ref, err := refdata.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, err := risk.NewEngine(ref, risk.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	in := risk.Input{Country: "FR", Commodities: []string{"wood", "cocoa", "wood"}}
	before, _ := e.Score(in)
	reordered, _ := e.Score(risk.Input{Country: "FR", Commodities: []string{"cocoa", "wood"}})
	if reordered.Own != before.Own || len(reordered.Factors) != len(before.Factors) {
		t.Errorf("commodity order or repetition changed the score: %+v vs %+v", before, reordered)
	}
	path := filepath.Join(t.TempDir(), "bench.csv")
	if err := os.WriteFile(path, []byte("iso2,eudr_risk,basis\nFR,high,operator check\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ref.LoadFromFile(refdata.EUDRBenchmark, path); err != nil {
		t.Fatal(err)
	}
	after, _ := e.Score(in)
	if after.Own <= before.Own {
		t.Errorf("score %g did not rise after France became high risk (was %g)", after.Own, before.Own)
	}
	// Appending to a shared factor list must not change other scores.
	again, _ := e.Score(in)
	_ = append(after.Factors, risk.Factor{Indicator: "x"})
	if third, _ := e.Score(in); len(third.Factors) != len(again.Factors) {
		t.Error("appending to one score's factors changed another's")
	}
}

func TestScoreConcurrent(t *testing.T) {
	e := newEngine(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				c := []string{"CI", "CN", "FR", "BR"}[(i+j)%4]
				if _, err := e.Score(risk.Input{Country: c, Commodities: []string{"cocoa", "garments"}}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
