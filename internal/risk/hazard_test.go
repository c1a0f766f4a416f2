package risk_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/risk"
)

// ilabHazards are the indicators that count once per party.
var ilabHazards = []string{"child labour", "forced labour", "forced child labour", "made with inputs produced with exploited labour"}

// counted returns, per ILAB hazard, the points of the factors that count
// (points above 0).
func counted(fs []risk.Factor) map[string][]float64 {
	out := map[string][]float64{}
	for _, f := range fs {
		if slices.Contains(ilabHazards, f.Indicator) && f.Points > 0 {
			out[f.Indicator] = append(out[f.Indicator], f.Points)
		}
	}
	return out
}

// Four goods ILAB lists for China under forced labour count once: the
// score is that of one of them, and the other three are shown with 0
// points as supporting evidence.
func TestOneFactorPerHazard(t *testing.T) {
	e := newEngine(t)
	one, err := e.Score(risk.Input{Country: "CN", Commodities: []string{"garments"}})
	if err != nil {
		t.Fatal(err)
	}
	four, err := e.Score(risk.Input{Country: "CN", Commodities: []string{"garments", "textiles", "thread-yarn", "footwear"}})
	if err != nil {
		t.Fatal(err)
	}
	// Textiles add child labour (30), which garments do not carry; the
	// forced-labour listings of all four count once.
	want := 100 * (1 - 0.6*0.7*0.95)
	if math.Abs(four.Own-want) > 1e-9 {
		t.Errorf("four goods: own %.4f, want %.4f (forced labour once, child labour once, prevalence)", four.Own, want)
	}
	if math.Abs(one.Own-43) > 1e-9 {
		t.Errorf("garments: own %.4f, want 43", one.Own)
	}
	if got := counted(four.Factors)["forced labour"]; len(got) != 1 {
		t.Errorf("forced labour counted %d times, want once: %v", len(got), got)
	}
	supporting := 0
	for _, f := range four.Factors {
		if f.Indicator == "forced labour" && f.Points == 0 {
			supporting++
			if !strings.Contains(f.Value, "supporting evidence: forced labour counts once") {
				t.Errorf("supporting factor %q does not say why it counts 0", f.Value)
			}
		}
	}
	if supporting != 3 {
		t.Errorf("%d supporting forced-labour factors, want 3", supporting)
	}
}

// A declared good outweighs the same listing of an inferred one, and an
// inferred good weighs InferredWeight of a declared one.
func TestInferredWeighsLess(t *testing.T) {
	e := newEngine(t)
	w := e.Weights().InferredWeight
	declared, _ := e.Score(risk.Input{Country: "CN", Commodities: []string{"garments"}})
	inferred, _ := e.Score(risk.Input{Country: "CN", Inferred: []string{"garments"}})
	both, _ := e.Score(risk.Input{Country: "CN", Commodities: []string{"garments"}, Inferred: []string{"garments"}})
	if want := 100 * (1 - (1-40*w/100)*0.95); math.Abs(inferred.Own-want) > 1e-9 {
		t.Errorf("inferred garments: own %.4f, want %.4f", inferred.Own, want)
	}
	if inferred.Own >= declared.Own {
		t.Errorf("inferred %.2f not below declared %.2f", inferred.Own, declared.Own)
	}
	if both.Own != declared.Own {
		t.Errorf("a good both declared and inferred scores %.2f, declared alone %.2f", both.Own, declared.Own)
	}
	for _, f := range inferred.Factors {
		if f.Indicator == "forced labour" && (f.Basis != risk.BasisInferred || !strings.Contains(f.Value, "inferred")) {
			t.Errorf("inferred listing %+v does not say it is inferred", f)
		}
	}
}

// Rules, on random parties: each ILAB hazard counts at most once; adding a
// commodity listed only under hazards the party already carries (as a
// declared good) leaves the inherent score as it was, unless it brings a
// new EUDR commodity; and adding any commodity never raises the inherent
// score by more than the caps of the hazards it adds and the EUDR factor.
func TestHazardCountsOnceProperty(t *testing.T) {
	e := newEngine(t)
	w := e.Weights()
	caps := map[string]float64{"child labour": w.Inherent.ChildLabour, "forced labour": w.Inherent.ForcedLabour,
		"forced child labour": w.Inherent.ForcedChildLabour, "made with inputs produced with exploited labour": w.Inherent.Derived}
	ref, err := refdata.Default()
	if err != nil {
		t.Fatal(err)
	}
	eudrMax := slices.Max([]float64{w.Inherent.EUDR["low"], w.Inherent.EUDR["standard"], w.Inherent.EUDR["high"]})
	// Countries with listings, so that draws often hit the rule.
	var listed []country.Country
	for _, c := range country.All() {
		if len(ref.GoodsOf(c.Alpha2)) > 1 {
			listed = append(listed, c)
		}
	}
	goods := commodity.All()
	rapid.Check(t, func(t *rapid.T) {
		c := rapid.SampledFrom(listed).Draw(t, "country")
		// Draw goods among the country's listed ones most of the time.
		own := ref.GoodsOf(c.Alpha2)
		pick := func(label string) string {
			if rapid.IntRange(0, 3).Draw(t, label+" from list") > 0 {
				return rapid.SampledFrom(own).Draw(t, label).Commodity
			}
			return rapid.SampledFrom(goods).Draw(t, label).ID
		}
		var in risk.Input
		in.Country = c.Alpha2
		for i := rapid.IntRange(0, 4).Draw(t, "n"); i > 0; i-- {
			in.Commodities = append(in.Commodities, pick("good"))
		}
		base, err := e.Score(in)
		if err != nil {
			t.Fatal(err)
		}
		for h, pts := range counted(base.Factors) {
			if len(pts) > 1 {
				t.Fatalf("%s counted %d times: %v", h, len(pts), base.Factors)
			}
		}
		extra := pick("extra")
		more := in
		more.Commodities = append(slices.Clone(in.Commodities), extra)
		after, err := e.Score(more)
		if err != nil {
			t.Fatal(err)
		}
		carried := counted(base.Factors)
		var added []string
		for h := range counted(after.Factors) {
			if _, ok := carried[h]; !ok {
				added = append(added, h)
			}
		}
		keep := 1 - base.Inherent/100
		for _, h := range added {
			keep *= 1 - caps[h]/100
		}
		newEUDR := hasEUDR(after.Factors) && !hasEUDR(base.Factors)
		if newEUDR {
			keep *= 1 - eudrMax/100
		}
		if bound := 100 * (1 - keep); after.Inherent > bound+1e-9 {
			t.Fatalf("adding %s raised the inherent score from %.4f to %.4f, above %.4f (new hazards %v)", extra, base.Inherent, after.Inherent, bound, added)
		}
		if len(added) == 0 && !newEUDR && math.Abs(after.Inherent-base.Inherent) > 1e-9 {
			t.Fatalf("adding %s, listed only under hazards already carried, moved the inherent score from %.4f to %.4f", extra, base.Inherent, after.Inherent)
		}
	})
}

func hasEUDR(fs []risk.Factor) bool {
	return slices.ContainsFunc(fs, func(f risk.Factor) bool { return strings.HasPrefix(f.Indicator, "EUDR") })
}
