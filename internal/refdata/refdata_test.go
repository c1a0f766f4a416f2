package refdata_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/testkit"
)

func mustDefault(t testing.TB) *refdata.Set {
	t.Helper()
	s, err := refdata.Default()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDefaultDatasets(t *testing.T) {
	s := mustDefault(t)
	want := map[string]int{
		refdata.ILABGoods: 467, refdata.ILABFindings: 143, refdata.GSI: 180,
		refdata.EUDRBenchmark: 249, refdata.EUDRList: 7, refdata.ISO3166: 250,
	}
	ds := s.Datasets()
	if len(ds) != len(want) {
		t.Fatalf("%d datasets, want %d", len(ds), len(want))
	}
	for _, d := range ds {
		t.Run(d.ID, func(t *testing.T) {
			if d.Rows != want[d.ID] {
				t.Errorf("rows = %d, want %d", d.Rows, want[d.ID])
			}
			if d.Title == "" || d.Source == "" || d.Edition == "" || d.Licence == "" || len(d.SHA256) != 64 || d.Origin != "embedded" {
				t.Errorf("incomplete description: %+v", d)
			}
		})
	}
	if d, _ := s.Dataset(refdata.GSI); !strings.Contains(d.Source, "Walk Free, Global Slavery Index 2023") {
		t.Errorf("GSI source %q lacks the required citation", d.Source)
	}
	if d, _ := s.Dataset(refdata.EUDRBenchmark); !strings.Contains(d.Note, "TO BE VERIFIED") {
		t.Errorf("EUDR benchmark note %q does not say it is to be verified", d.Note)
	}
}

// The embedded copies must stay byte for byte the published files whose
// SHA-256 data/SHA256SUMS records.
func TestEmbeddedMatchesPublished(t *testing.T) {
	testkit.VerifySums(t, "data")
}

func TestLookups(t *testing.T) {
	s := mustDefault(t)
	cocoa := s.Goods("CI", "cocoa")
	if len(cocoa) != 1 || !cocoa[0].ChildLabour || !cocoa[0].ForcedLabour {
		t.Errorf("CI cocoa = %+v, want child and forced labour", cocoa)
	}
	if g := s.Goods("CN", "polysilicon"); len(g) != 1 || !g[0].ForcedLabour {
		t.Errorf("CN polysilicon = %+v", g)
	}
	if g := s.Goods("CN", "solar-cells"); len(g) != 1 || !g[0].Derived || g[0].DerivedFrom != "CN" {
		t.Errorf("CN solar cells = %+v, want derived from CN", g)
	}
	if g := s.Goods("CN", "lithium-ion-batteries"); len(g) != 1 || g[0].DerivedFrom != "CD" {
		t.Errorf("CN batteries = %+v, want derived from CD", g)
	}
	if g := s.Goods("FR", "cocoa"); g != nil {
		t.Errorf("FR cocoa = %+v, want none", g)
	}
	if len(s.GoodsOf("IN")) < 20 {
		t.Errorf("India has only %d goods", len(s.GoodsOf("IN")))
	}
	if p, ok := s.Prevalence("KP"); !ok || p.PerThousand != 104.6 {
		t.Errorf("KP prevalence = %+v, %v", p, ok)
	}
	if _, ok := s.Prevalence("IS"); ok {
		t.Error("Iceland has no GSI estimate but Prevalence says ok")
	}
	if p, ok := s.Prevalence("NA"); !ok || p.PerThousand != 2.4 {
		t.Errorf("Namibia prevalence = %+v, %v", p, ok)
	}
	if b, ok := s.Benchmark("NA"); !ok || b.Risk != "standard" {
		t.Errorf("Namibia benchmark = %+v", b)
	}
	if b, _ := s.Benchmark("RU"); b.Risk != "high" {
		t.Errorf("RU benchmark = %+v", b)
	}
	if b, _ := s.Benchmark("GF"); b.Risk != "standard" || !b.Ambiguous {
		t.Errorf("French Guiana benchmark = %+v, want standard and ambiguous", b)
	}
	if b, _ := s.Benchmark("FR"); b.Risk != "low" || b.Ambiguous {
		t.Errorf("FR benchmark = %+v", b)
	}
	if f, ok := s.Finding("CI"); !ok || !f.HasWorkingChildren || f.WorkingChildrenPct <= 0 {
		t.Errorf("CI finding = %+v", f)
	}
	if f, ok := s.Finding("NA"); !ok || f.HasWorkingChildren {
		t.Errorf("Namibia finding = %+v (pct unavailable)", f)
	}
	if n := len(s.EUDRCommodities()); n != 7 {
		t.Errorf("%d EUDR commodities", n)
	}
}

func TestLoadFromFile(t *testing.T) {
	const benchHeader = "iso2,iso3,name,eudr_risk,basis\n"
	tests := []struct {
		name    string
		dataset string
		content string
		wantErr string
	}{
		{"ok", refdata.EUDRBenchmark, benchHeader + "FR,FRA,France,high,test\nNA,NAM,Namibia,low,test\n", ""},
		{"bad risk", refdata.EUDRBenchmark, benchHeader + "FR,FRA,France,low,x\nDE,DEU,Germany,medium,x\n", `line 3, column "eudr_risk": want low, standard or high, got "medium"`},
		{"bad country", refdata.EUDRBenchmark, benchHeader + "ZZ,ZZZ,Nowhere,low,x\n", `line 2, column "iso2": "ZZ" is not an ISO 3166 alpha-2`},
		{"duplicate", refdata.EUDRBenchmark, benchHeader + "FR,FRA,France,low,x\nFR,FRA,France,low,x\n", `FR is listed twice (first on line 2)`},
		{"missing column", refdata.EUDRBenchmark, "iso2,name\nFR,France\n", `line 1: missing column "eudr_risk"`},
		{"empty", refdata.EUDRBenchmark, "", `the file is empty`},
		{"header only", refdata.EUDRBenchmark, benchHeader, `no rows after the header`},
		{"broken last line", refdata.EUDRBenchmark, benchHeader + "FR,FRA,France,low,x\nDE,DEU,\"Germ", `line 3, column`},
		{"short row", refdata.EUDRBenchmark, benchHeader + "FR,FRA\n", `line 2: 2 fields, but the header has 5`},
		{"invalid utf8", refdata.EUDRBenchmark, benchHeader + "FR,FRA,Fr\xffnce,low,x\n", `line 2: the file is not valid UTF-8`},
		{"unknown dataset", "nope", benchHeader, `unknown dataset "nope"`},
		{"country table", refdata.ISO3166, benchHeader, `dataset iso3166 is built in and cannot be replaced`},
		{"goods bad flag", refdata.ILABGoods, "country,iso2,iso3,region,good,sector,child_labor,forced_labor,forced_child_labor,derived_labor_exploitation,derived_country\nX,CI,CIV,R,Cocoa,Agriculture,Maybe,No,No,No,No\n", `line 2, column "child_labor": want Yes or No, got "Maybe"`},
		{"goods no flag", refdata.ILABGoods, "iso2,good,sector,child_labor,forced_labor,forced_child_labor,derived_labor_exploitation,derived_country\nCI,Cocoa,Agriculture,No,No,No,No,No\n", `has no flag set`},
		{"goods derived nowhere", refdata.ILABGoods, "iso2,good,sector,child_labor,forced_labor,forced_child_labor,derived_labor_exploitation,derived_country\nCN,Solar Cells,M,No,No,No,Yes,Atlantis\n", `column "derived_country": unknown country "Atlantis"`},
		{"gsi negative", refdata.GSI, "iso2,prevalence_per_1000,estimated_people_in_modern_slavery,population\nFR,-1,5,6\n", `column "prevalence_per_1000": want a number from 0 to 1000, got "-1"`},
		{"findings pct over one", refdata.ILABFindings, "iso2,advancement_level,children_work_age_range,pct_working_children,working_children_count,c138_ratified,c182_ratified,palermo_ratified\nCI,Moderate,5-14,12.5,,Yes,Yes,Yes\n", `want a number from 0 to 1, got "12.5"`},
		{"eudr list unknown", refdata.EUDRList, "commodity\ncocoa\nbananas\n", `line 3, column "commodity": "bananas" is not one of the seven`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustDefault(t)
			before := s.Datasets()
			path := filepath.Join(t.TempDir(), "replacement.csv")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			err := s.LoadFromFile(tt.dataset, path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("LoadFromFile: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadFromFile succeeded, want error containing %q", tt.wantErr)
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("error category %s, want invalid", kernel.ErrorCode(err))
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if tt.dataset != "nope" && tt.dataset != refdata.ISO3166 && !strings.Contains(err.Error(), "replacement.csv") {
				t.Errorf("error %q does not name the file", err)
			}
			after := s.Datasets()
			for i := range before {
				if before[i] != after[i] {
					t.Errorf("a failed load changed %s", before[i].ID)
				}
			}
		})
	}
}

func TestLoadFromFileReplaces(t *testing.T) {
	s := mustDefault(t)
	path := filepath.Join(t.TempDir(), "bench.csv")
	if err := os.WriteFile(path, []byte("ISO2,eudr_risk,basis,extra\nFR,high,operator test,1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.LoadFromFile(refdata.EUDRBenchmark, path); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.Benchmark("FR"); b.Risk != "high" {
		t.Errorf("FR after replacement = %+v", b)
	}
	if _, ok := s.Benchmark("DE"); ok {
		t.Error("DE still present after replacement with a file without it")
	}
	d, _ := s.Dataset(refdata.EUDRBenchmark)
	if d.Origin != path || d.Rows != 1 || !strings.Contains(d.Edition, "bench.csv") {
		t.Errorf("description after replacement = %+v", d)
	}
	if err := s.LoadFromFile(refdata.GSI, filepath.Join(t.TempDir(), "absent.csv")); err == nil || !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("missing file: %v", err)
	}
}

// Replacing a dataset with its published original gives the same data.
func TestReplaceWithPublishedOriginal(t *testing.T) {
	s := mustDefault(t)
	before, _ := s.Dataset(refdata.ILABGoods)
	if err := s.LoadFromFile(refdata.ILABGoods, filepath.Join("data", "ilab_goods_list.csv")); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Dataset(refdata.ILABGoods)
	if before.SHA256 != after.SHA256 || before.Rows != after.Rows {
		t.Errorf("before %+v, after %+v", before, after)
	}
}

func TestVersionChangesOnReplace(t *testing.T) {
	s := mustDefault(t)
	v := s.Version()
	path := filepath.Join(t.TempDir(), "bench.csv")
	if err := os.WriteFile(path, []byte("iso2,eudr_risk,basis\nFR,low,x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.LoadFromFile(refdata.EUDRBenchmark, path); err != nil {
		t.Fatal(err)
	}
	if s.Version() == v {
		t.Error("version unchanged after a replacement")
	}
}
