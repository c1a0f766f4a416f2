package risk_test

import (
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/risk"
)

// genInput draws a party: a country (or none), declared and inferred goods
// and, when withSignals, signals.
func genInput(t *rapid.T, withSignals bool) risk.Input {
	kinds := []risk.SignalKind{risk.WatchlistConfirmed, risk.WatchlistPossible, risk.Grievance, risk.AuditFinding}
	var in risk.Input
	if rapid.IntRange(0, 9).Draw(t, "has country") > 0 {
		in.Country = rapid.SampledFrom(country.All()).Draw(t, "country").Alpha2
	}
	goods := commodity.All()
	for _, g := range rapid.SliceOfN(rapid.SampledFrom(goods), 0, 4).Draw(t, "declared") {
		in.Commodities = append(in.Commodities, g.ID)
	}
	for _, g := range rapid.SliceOfN(rapid.SampledFrom(goods), 0, 4).Draw(t, "inferred") {
		in.Inferred = append(in.Inferred, g.ID)
	}
	if withSignals {
		for i := rapid.IntRange(0, 3).Draw(t, "signals"); i > 0; i-- {
			in.Signals = append(in.Signals, risk.Signal{Kind: rapid.SampledFrom(kinds).Draw(t, "kind"), Value: rapid.Float64Range(0, 4).Draw(t, "value")})
		}
	}
	return in
}

// The evidence ladder: reference data alone (no signals, or signals that
// add nothing) never passes context_cap and so is never critical; a score
// is critical only with evidence about the party.
func TestContextCapsAtHighProperty(t *testing.T) {
	e := newEngine(t)
	w := e.Weights()
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, true)
		s, err := e.Score(in)
		if err != nil {
			t.Fatal(err)
		}
		if s.Inherent > w.ContextCap+1e-9 {
			t.Fatalf("inherent %.4f above the context cap %g", s.Inherent, w.ContextCap)
		}
		if !s.Evidence && (s.Own > w.ContextCap+1e-9 || s.Level == risk.Critical) {
			t.Fatalf("no evidence, yet own %.4f %s", s.Own, s.Level)
		}
		if s.Evidence != (s.Signals > 0) {
			t.Fatalf("evidence %v with signals %.4f", s.Evidence, s.Signals)
		}
		sum := 0.0
		for _, f := range s.Factors {
			sum += f.Contribution
		}
		if math.Abs(sum-s.Own) > 1e-9 {
			t.Fatalf("contributions add up to %.6f, own %.6f", sum, s.Own)
		}
		if s.Confidence < 0 || s.Confidence > 1 || math.IsNaN(s.Confidence) {
			t.Fatalf("confidence %g outside 0..1", s.Confidence)
		}
	})
}

// Inferred goods weigh less: declaring a good the party was only inferred
// to handle never lowers its inherent score, and inferring a good never
// scores more than declaring it.
func TestInferredWeighsLessProperty(t *testing.T) {
	e := newEngine(t)
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, false)
		g := rapid.SampledFrom(commodity.All()).Draw(t, "good").ID
		asInferred, asDeclared := in, in
		asInferred.Inferred = append(slices.Clone(in.Inferred), g)
		asDeclared.Commodities = append(slices.Clone(in.Commodities), g)
		a, err := e.Score(asInferred)
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.Score(asDeclared)
		if err != nil {
			t.Fatal(err)
		}
		if a.Inherent > b.Inherent+1e-9 {
			t.Fatalf("%s inferred scores %.4f, declared %.4f", g, a.Inherent, b.Inherent)
		}
	})
}

// Missing data is reported, never read as safe: a party without a country
// or without a recognised good says so.
func TestMissingDataProperty(t *testing.T) {
	e := newEngine(t)
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, true)
		s, err := e.Score(in)
		if err != nil {
			t.Fatal(err)
		}
		if (in.Country == "") != slices.Contains(s.Missing, risk.MissingCountry) {
			t.Fatalf("country %q, missing %v", in.Country, s.Missing)
		}
		if (len(in.Commodities)+len(in.Inferred) == 0) != slices.Contains(s.Missing, risk.MissingCommodity) {
			t.Fatalf("goods %v %v, missing %v", in.Commodities, in.Inferred, s.Missing)
		}
		if in.Country == "" && s.Inherent != 0 {
			t.Fatalf("no country, yet inherent %.4f", s.Inherent)
		}
	})
}

func TestConfidence(t *testing.T) {
	e := newEngine(t)
	declared, _ := e.Score(risk.Input{Country: "CN", Commodities: []string{"garments"}})
	inferred, _ := e.Score(risk.Input{Country: "CN", Inferred: []string{"garments"}})
	context, _ := e.Score(risk.Input{Country: "DE", Commodities: []string{"garments"}})
	none, _ := e.Score(risk.Input{Country: "CN"})
	hit, _ := e.Score(risk.Input{Country: "CN", Inferred: []string{"garments"}, Signals: []risk.Signal{{Kind: risk.WatchlistConfirmed, Value: 1}}})
	// Garments from China: forced labour 40 and prevalence 5; the
	// listing's share is ln(0.6)/(ln(0.6)+ln(0.95)) = 0.909.
	if math.Abs(declared.Confidence-0.9087) > 1e-3 {
		t.Errorf("declared garments: confidence %.4f, want 0.909", declared.Confidence)
	}
	if inferred.Confidence != 0 {
		t.Errorf("inferred garments: confidence %.4f, want 0", inferred.Confidence)
	}
	if context.Confidence != 1 {
		t.Errorf("German declared garments, no listing: confidence %.4f, want 1", context.Confidence)
	}
	if none.Confidence != 0 {
		t.Errorf("no goods: confidence %.4f, want 0", none.Confidence)
	}
	if hit.Confidence < 0.8 || !hit.Evidence || hit.Level != risk.Critical {
		t.Errorf("confirmed hit: confidence %.4f evidence %v level %s", hit.Confidence, hit.Evidence, hit.Level)
	}
}
