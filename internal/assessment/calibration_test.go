package assessment_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/risk"
)

// levelOrder is the order the calibration tables list levels in.
var levelOrder = []risk.Level{risk.Critical, risk.High, risk.Medium, risk.Low, risk.Unknown}

// TestCalibrationOpenSupplyHub scores the 14 Open Supply Hub lists in
// testdata/osh (real brand lists, no evidence about any facility) as one
// register and checks the calibration docs/risk-model.md states: no
// critical row, and levels that follow the reference data (apparel from
// China, Bangladesh and Viet Nam above apparel from Germany and Japan).
// With -v it prints the level distribution the docs quote:
//
//	go test ./internal/assessment -run TestCalibrationOpenSupplyHub -v
func TestCalibrationOpenSupplyHub(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "osh", "*.csv"))
	if err != nil || len(files) != 14 {
		t.Fatalf("want the 14 Open Supply Hub lists, found %d (%v)", len(files), err)
	}
	c := assessment.NewChain()
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Read(context.Background(), r, filepath.Base(f), assessment.StandardNormalisers(), false); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		r.Close()
	}
	a, err := c.Assess(engine(t))
	if err != nil {
		t.Fatal(err)
	}
	counts := a.Levels()
	t.Logf("%d facilities from %d lists", a.Len(), len(files))
	t.Logf("| level | facilities | share |")
	t.Logf("|---|---|---|")
	for _, l := range levelOrder {
		t.Logf("| %s | %d | %.1f%% |", l, counts[l], 100*float64(counts[l])/float64(a.Len()))
	}
	if counts[risk.Critical] != 0 {
		t.Errorf("%d critical facilities on lists with no evidence about any of them; context alone may reach high at most", counts[risk.Critical])
	}
	// Exposure by country, apparel facilities only (the lists are all
	// apparel); every facility of one country and inferred good scores
	// the same, since no evidence tells them apart.
	byCountry := map[string][]float64{}
	for i := range a.Len() {
		r, err := a.Row(i)
		if err != nil {
			t.Fatal(err)
		}
		if r.Level == string(risk.Critical) {
			t.Errorf("%s (%s) critical: %+v", r.Name, r.Country, r.Factors)
		}
		if len(r.InferredCommodities) == 0 && len(r.Commodities) > 0 {
			t.Errorf("%s: commodities %v not marked inferred; the lists declare none", r.Name, r.Commodities)
		}
		if slices.Contains(r.Commodities, "cotton") {
			t.Errorf("%s: inferred cotton, a raw material no sector implies", r.Name)
		}
		if slices.Equal(r.Commodities, []string{"garments"}) {
			byCountry[r.Country] = append(byCountry[r.Country], r.Exposure)
		}
	}
	var countries []string
	for c := range byCountry {
		countries = append(countries, c)
	}
	sort.Strings(countries)
	var b strings.Builder
	for _, c := range countries {
		fmt.Fprintf(&b, " %s %.1f (%d);", c, slices.Max(byCountry[c]), len(byCountry[c]))
	}
	t.Logf("garments (inferred) by country, exposure (facilities):%s", b.String())
	for _, high := range []string{"CN", "BD", "VN"} {
		for _, low := range []string{"DE", "JP"} {
			if len(byCountry[high]) == 0 || len(byCountry[low]) == 0 {
				t.Fatalf("no garment facilities from %s or %s in the lists", high, low)
			}
			if slices.Min(byCountry[high]) <= slices.Max(byCountry[low]) {
				t.Errorf("garments from %s (%.1f) not above garments from %s (%.1f)", high, slices.Min(byCountry[high]), low, slices.Max(byCountry[low]))
			}
		}
	}
}
