package eudr_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/kernel"
)

var today = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// cocoaLot is a cooperative's lot from two producers in Côte d'Ivoire, with
// complete evidence, ready for a statement once assessed.
func cocoaLot(t *testing.T) eudr.StatementInput {
	t.Helper()
	doc := collection(
		feature(`{"type":"Point","coordinates":[-6.601234,5.790123]}`, "Area", "2.5", "id", `"PLOT-1"`),
		feature(goodPolygon, "ProducerName", `"Aya Koffi"`, "id", `"PLOT-2"`),
	)
	plots, problems, err := eudr.ReadGeoJSON("plots.geojson", strings.NewReader(doc))
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	in := eudr.StatementInput{
		Operator: eudr.Operator{Name: "Chocolaterie Exemple SA", Country: "BE", Address: "Rue de l'Exemple 1, 1000 Bruxelles", EORI: "BE0123456789", Size: eudr.Large},
		Lot:      eudr.Lot{ID: "lot-1", Ref: "SHIP-2026-041", Commodity: "cocoa", HSCodes: []string{"1801"}, Description: "Cocoa beans, whole, raw", NetMassKg: 24000, Activity: eudr.Import},
		Evidence: map[string][]eudr.Evidence{},
		Findings: map[string][]eudr.Finding{},
		MadeBy:   "Marie Dupont",
		Today:    today,
	}
	c := checker(t)
	for i := range plots {
		plots[i].ID = plots[i].Ref
		in.Lot.PlotIDs = append(in.Lot.PlotIDs, plots[i].ID)
		in.Findings[plots[i].ID] = c.CheckPlot(plots[i])
		in.Evidence[plots[i].ID] = []eudr.Evidence{
			{PlotID: plots[i].ID, Kind: eudr.ForestLoss, Source: "Forest monitoring service", Date: day("2026-04-10"), PeriodFrom: day("2020-12-31"), PeriodTo: day("2026-04-01"), LossHa: 0, Method: "Hansen GFC v1.11, 10% canopy, 30 m"},
			{PlotID: plots[i].ID, Kind: eudr.LandTitle, Source: "AFOR, Agence Foncière Rurale", Date: day("2019-05-02")},
		}
	}
	in.Plots = plots
	return in
}

func benchmark(c string) string {
	return map[string]string{"CI": "standard", "GH": "standard", "BE": "low", "FR": "low", "BR": "standard"}[c]
}

func assessAndDecide(t *testing.T, in *eudr.StatementInput, grievances int) eudr.Assessment {
	t.Helper()
	ai := eudr.AssessInput{Lot: in.Lot, Plots: in.Plots, Evidence: in.Evidence, Findings: in.Findings, Benchmark: benchmark, Grievances: grievances, Today: today,
		Answers: eudr.Answers{Forests: eudr.Yes, IndigenousPeoples: eudr.No, Claims: eudr.No, CountryConcerns: eudr.No, Mixing: eudr.No, Certified: eudr.Yes}}
	return eudr.Assessment{ID: "a-1", LotID: in.Lot.ID, Criteria: eudr.Assess(ai), Answers: ai.Answers}
}

func TestChecklistBlocksUntilEverythingIsThere(t *testing.T) {
	in := cocoaLot(t)
	if _, err := eudr.BuildStatement(in); !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), "no risk assessment recorded") {
		t.Fatalf("without an assessment: %v", err)
	}
	tests := []struct {
		name  string
		spoil func(*eudr.StatementInput)
		item  string
		want  string
	}{
		{"no operator address", func(in *eudr.StatementInput) { in.Operator.Address = "" }, "operator", "operator address"},
		{"no HS code", func(in *eudr.StatementInput) { in.Lot.HSCodes = nil }, "product", "HS code"},
		{"no quantity", func(in *eudr.StatementInput) { in.Lot.NetMassKg = 0 }, "product", "net mass"},
		{"no plots", func(in *eudr.StatementInput) { in.Plots = nil }, "plots", "no plots linked"},
		{"a plot failing the checks", func(in *eudr.StatementInput) {
			in.Findings["PLOT-1"] = append(in.Findings["PLOT-1"], eudr.Finding{Plot: "features[0] (PLOT-1)", Severity: eudr.Error, Message: "too few decimals"})
		}, "geolocation", "too few decimals"},
		{"no production date", func(in *eudr.StatementInput) {
			in.Plots[1].ProductionFrom, in.Plots[1].ProductionTo = time.Time{}, time.Time{}
		}, "dates", "PLOT-2"},
		{"missing forest-loss analysis is a gap", func(in *eudr.StatementInput) { in.Evidence["PLOT-2"] = in.Evidence["PLOT-2"][1:] }, "deforestation", "No forest-loss analysis (gap)"},
		{"analysis ending before production", func(in *eudr.StatementInput) { in.Evidence["PLOT-2"][0].PeriodTo = day("2025-06-30") }, "deforestation", "does not cover"},
		{"analysis starting after the cut-off", func(in *eudr.StatementInput) { in.Evidence["PLOT-2"][0].PeriodFrom = day("2022-01-01") }, "deforestation", "does not cover"},
		{"loss found", func(in *eudr.StatementInput) { in.Evidence["PLOT-1"][0].LossHa = 0.4 }, "deforestation", "Forest loss found"},
		{"no land title", func(in *eudr.StatementInput) { in.Evidence["PLOT-1"] = in.Evidence["PLOT-1"][:1] }, "legality", "land title"},
		{"expired permit instead of a title", func(in *eudr.StatementInput) {
			in.Evidence["PLOT-1"][1].Kind, in.Evidence["PLOT-1"][1].ValidUntil = eudr.Permit, day("2026-01-01")
		}, "legality", "expired"},
		{"risk not negligible", func(in *eudr.StatementInput) {
			in.Assessment.Conclusion, in.Assessment.DecidedBy = eudr.NotNegligible, "Marie Dupont"
		}, "risk", "not negligible"},
		{"assessment without a decision", func(in *eudr.StatementInput) { in.Assessment.Conclusion = "" }, "risk", "no decision"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := cocoaLot(t)
			a := assessAndDecide(t, &in, 0)
			a.Conclusion, a.DecidedBy = eudr.Negligible, "Marie Dupont"
			in.Assessment = &a
			if open := eudr.Blocking(eudr.Checklist(in)); len(open) != 0 {
				t.Fatalf("complete lot has open items: %v", open)
			}
			tc.spoil(&in)
			var item *eudr.Item
			for _, it := range eudr.Checklist(in) {
				if it.Key == tc.item {
					item = &it
				}
			}
			if item == nil || item.Done || !item.Blocking || !strings.Contains(fmt.Sprint(item.Missing), tc.want) {
				t.Fatalf("item %s = %+v, want open and blocking, naming %q", tc.item, item, tc.want)
			}
			if _, err := eudr.BuildStatement(in); !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("statement made despite %s: %v", tc.name, err)
			}
		})
	}
}

func TestNegligibleNeedsMitigationOfEveryConcern(t *testing.T) {
	in := cocoaLot(t)
	a := assessAndDecide(t, &in, 2) // two land-rights grievances
	if _, err := eudr.Decide(a, eudr.Negligible, "Marie Dupont", "checked", today); err == nil || !strings.Contains(err.Error(), "(l)") {
		t.Fatalf("negligible despite grievances: %v", err)
	}
	if _, err := eudr.Decide(a, eudr.NotNegligible, "", "x", today); err == nil {
		t.Fatal("a decision needs who took it")
	}
	if _, err := eudr.Decide(a, eudr.NotNegligible, "Marie Dupont", " ", today); err == nil {
		t.Fatal("a decision needs a reason")
	}
	a, err := eudr.AddMitigation(a, eudr.Mitigation{Criterion: "l", Measure: "Field visit with the cooperative; boundary dispute settled before the village chief, minutes on file", By: "Marie Dupont", At: today})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eudr.AddMitigation(a, eudr.Mitigation{Criterion: "z", Measure: "x", By: "y"}); err == nil {
		t.Fatal("a measure must name a criterion")
	}
	d, err := eudr.Decide(a, eudr.Negligible, "Marie Dupont", "Grievances resolved; analyses clean", today)
	if err != nil {
		t.Fatal(err)
	}
	if d.DecidedBy != "Marie Dupont" || !d.DecidedAt.Equal(today) || d.Reason == "" {
		t.Errorf("decision not recorded: %+v", d)
	}
	// Unknown answers are concerns too.
	ai := eudr.AssessInput{Plots: in.Plots, Evidence: in.Evidence, Benchmark: benchmark, Today: today}
	open := eudr.Unmitigated(eudr.Assessment{Criteria: eudr.Assess(ai)})
	for _, key := range []string{"(b)", "(c)", "(d)", "(e)", "(h)", "(j)"} {
		if !strings.Contains(strings.Join(open, "\n"), key) {
			t.Errorf("unanswered %s is not a concern: %v", key, open)
		}
	}
}

func TestSimplifiedDueDiligence(t *testing.T) {
	in := cocoaLot(t)
	lowEverywhere := func(string) string { return "low" }
	ai := eudr.AssessInput{Plots: in.Plots, Evidence: in.Evidence, Benchmark: lowEverywhere, Today: today}
	if ok, why := eudr.SimplifiedApplies(ai); !ok {
		t.Fatalf("all low risk: %s", why)
	}
	ai.Grievances = 1
	if ok, why := eudr.SimplifiedApplies(ai); ok || !strings.Contains(why, "Art. 13(2)") {
		t.Errorf("grievances should end simplified due diligence: %v %s", ok, why)
	}
	ai.Grievances, ai.Benchmark = 0, benchmark
	if ok, why := eudr.SimplifiedApplies(ai); ok || !strings.Contains(why, "Côte d'Ivoire") {
		t.Errorf("standard-risk origin: %v %s", ok, why)
	}
	in.Simplified = true
	s, err := eudr.BuildStatement(in)
	if err != nil || !s.Simplified {
		t.Fatalf("simplified statement: %v", err)
	}
}

func compile(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertContent()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(name, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	return s.Validate(v)
}

func TestStatementExportMatchesTheSchemas(t *testing.T) {
	in := cocoaLot(t)
	a := assessAndDecide(t, &in, 0)
	a, err := eudr.Decide(a, eudr.Negligible, "Marie Dupont", "Clean analyses, titles on file, no concerns", today)
	if err != nil {
		t.Fatal(err)
	}
	in.Assessment = &a
	in.Lot.Upstream = []eudr.StatementRef{{Reference: "25FRXVV3VOS991", Verification: "KLEMD7RM"}}
	s, err := eudr.BuildStatement(in)
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != eudr.DueDiligence || len(s.Producers) != 2 || len(s.Countries) != 1 || s.Countries[0] != "CI" {
		t.Fatalf("statement %+v", s)
	}
	geoSchema, ddsSchema := compile(t, "eudr-geojson.schema.json"), compile(t, "eudr-dds.schema.json")
	gj := eudr.GeoJSON(s.Plots())
	if err := validate(t, geoSchema, gj); err != nil {
		t.Fatalf("GeoJSON does not match the schema: %v\n%s", err, gj)
	}
	// Six decimals survive the export, and it reads back as the same plots.
	if !strings.Contains(string(gj), "[-6.601234,5.790123]") {
		t.Errorf("coordinates lost precision: %s", gj)
	}
	back, problems, err := eudr.ReadGeoJSON("export.geojson", bytes.NewReader(gj))
	if err != nil || len(problems) > 0 || len(back) != 2 {
		t.Fatalf("export does not read back: %v %v", err, problems)
	}
	for _, f := range checker(t).Check(back) {
		if f.Severity == eudr.Error {
			t.Errorf("exported plot fails a check: %s", f)
		}
	}
	doc, err := s.InformationSystemJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, ddsSchema, doc); err != nil {
		t.Fatalf("statement does not match the schema: %v\n%s", err, doc)
	}
	var sub struct {
		Statement struct {
			Commodities []struct {
				Producers []struct{ GeometryGeojson string }
			}
			AssociatedStatements []struct{ ReferenceNumber string }
		}
	}
	if err := json.Unmarshal(doc, &sub); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(sub.Statement.Commodities[0].Producers[0].GeometryGeojson)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, geoSchema, raw); err != nil {
		t.Errorf("a producer's geometry does not match the GeoJSON schema: %v", err)
	}
	if sub.Statement.AssociatedStatements[0].ReferenceNumber != "25FRXVV3VOS991" {
		t.Errorf("earlier statement not referenced: %s", doc)
	}

	// The schemas are not empty promises: broken documents fail them.
	for _, bad := range []string{
		`{"type":"FeatureCollection","features":[]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ProducerCountry":"CI"},"geometry":{"type":"Point","coordinates":[5.79,-200]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ProducerCountry":"CI","Area":2},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ProducerCountry":"Ivory Coast","Area":2},"geometry":{"type":"Point","coordinates":[1,2]}}]}`,
	} {
		if validate(t, geoSchema, []byte(bad)) == nil {
			t.Errorf("schema accepts %s", bad)
		}
	}
	broken := strings.Replace(string(doc), `"hsHeading": "1801"`, `"hsHeading": "18"`, 1)
	if validate(t, ddsSchema, []byte(broken)) == nil {
		t.Error("schema accepts a two-digit HS heading")
	}
}

// TestSimplifiedDeclarationOnlyForMicroAndSmallPrimaryOperators follows
// Regulation (EU) 2025/2650: the one-off simplified declaration is for
// micro and small operators established in a low-risk country who place
// on the market what they produced themselves; every other operator,
// small ones included, makes the due diligence statement.
func TestSimplifiedDeclarationOnlyForMicroAndSmallPrimaryOperators(t *testing.T) {
	tests := []struct {
		name    string
		size    eudr.Size
		primary bool
		risk    string
		want    eudr.StatementKind
	}{
		{"small primary, low-risk country", eudr.Small, true, "low", eudr.SimplifiedDeclaration},
		{"micro primary, low-risk country", eudr.Micro, true, "low", eudr.SimplifiedDeclaration},
		{"small importer, not primary", eudr.Small, false, "low", eudr.DueDiligence},
		{"small primary, standard-risk country", eudr.Small, true, "standard", eudr.DueDiligence},
		{"small primary, country not benchmarked", eudr.Small, true, "", eudr.DueDiligence},
		{"medium primary, low-risk country", eudr.MediumSize, true, "low", eudr.DueDiligence},
		{"large", eudr.Large, true, "low", eudr.DueDiligence},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := cocoaLot(t)
			in.Operator.Size, in.Operator.Primary, in.OperatorCountryRisk = tt.size, tt.primary, tt.risk
			in.Simplified = true
			s, err := eudr.BuildStatement(in)
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := s.InformationSystemJSON()
			if s.Kind != tt.want {
				t.Errorf("kind %s, want %s", s.Kind, tt.want)
			}
			if declared := strings.Contains(string(doc), "SIMPLIFIED_DECLARATION"); declared != (tt.want == eudr.SimplifiedDeclaration) {
				t.Errorf("document says simplified declaration: %v\n%s", declared, doc)
			}
		})
	}
}

// TestDownstreamLotsMakeNoStatement follows Regulation (EU) 2025/2650,
// which replaced the statements that downstream operators and traders
// made with reference to earlier ones (Art. 4(8) and (9) as first adopted):
// a lot whose products are all covered by earlier statements, or a trade,
// gets no statement, and its checklist asks for the reference numbers.
// An operator whose product is made partly from covered products still
// names them in its own statement.
func TestDownstreamLotsMakeNoStatement(t *testing.T) {
	ref := []eudr.StatementRef{{Reference: "25FRXVV3VOS991", Verification: "KLEMD7RM"}}
	for _, tt := range []struct {
		name     string
		activity eudr.Activity
		plots    bool
		upstream []eudr.StatementRef
		open     []string
	}{
		{"products all covered by earlier statements", eudr.Import, false, ref, nil},
		{"a trade of products with plots on file", eudr.Trade, true, ref, nil},
		{"a trade with no reference kept", eudr.Trade, false, nil, []string{"Reference numbers of the statements that cover the products"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := cocoaLot(t)
			in.Lot.Activity, in.Lot.Upstream = tt.activity, tt.upstream
			if !tt.plots {
				in.Lot.PlotIDs, in.Plots = nil, nil
			}
			if !in.Lot.Downstream() {
				t.Fatal("not downstream")
			}
			items := eudr.Checklist(in)
			if items[0].Key != "downstream" || !strings.Contains(items[0].Label.String(), "Regulation (EU) 2025/2650") {
				t.Errorf("first item %+v", items[0])
			}
			open := eudr.Blocking(items)
			if len(open) != len(tt.open) || (len(open) > 0 && !strings.HasPrefix(open[0], tt.open[0])) {
				t.Errorf("open items %q, want %q", open, tt.open)
			}
			for _, it := range items {
				if it.Key == "risk" || it.Key == "deforestation" {
					t.Errorf("a downstream lot asks for %s", it.Label)
				}
			}
			_, err := eudr.BuildStatement(in)
			if err == nil || !strings.Contains(err.Error(), "makes no due diligence statement of its own") {
				t.Errorf("statement for a downstream lot: %v", err)
			}
		})
	}
	// Partly covered: the operator's own statement names the earlier ones.
	in := cocoaLot(t)
	in.Lot.Upstream = ref
	if in.Lot.Downstream() {
		t.Fatal("a lot with its own plots is not downstream")
	}
	if items := eudr.Checklist(in); items[0].Key != "operator" {
		t.Errorf("an operator's lot gets the downstream checklist: %+v", items[0])
	}
}
