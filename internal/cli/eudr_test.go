package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

func TestEUDRValidate(t *testing.T) {
	t.Parallel()
	code, out, errOut := runCLI(t, "eudr", "validate", filepath.Join("testdata", "eudr", "cocoa-plots.geojson"))
	if code != 0 || !strings.Contains(out, "6 plot(s), 0 with errors") {
		t.Fatalf("good plots: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, name := range []string{"bad-plots.geojson", "bad-plots.csv"} {
		for _, format := range []string{"text", "json"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				code, out, errOut := runCLI(t, "eudr", "validate", filepath.Join("testdata", "eudr", name), "--format", format)
				if code != 2 {
					t.Fatalf("exit %d, want 2: %s", code, errOut)
				}
				if !strings.Contains(errOut, "fix them before the plots go into a statement") {
					t.Errorf("stderr %q", errOut)
				}
				ext := ".txt"
				if format == "json" {
					ext = ".out.json"
				}
				golden(t, filepath.Join("testdata", "eudr", name+".golden"+ext), out)
			})
		}
	}
}

func TestEUDRValidateUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"eudr"},
		{"eudr", "publish"},
		{"eudr", "validate"},
		{"eudr", "validate", "plots.kml"},
		{"eudr", "validate", "missing.geojson"},
		{"eudr", "validate", "x.geojson", "--format", "xml"},
		{"eudr", "validate", "x.geojson", "--tolerance-km", "0"},
	} {
		if code, _, errOut := runCLI(t, args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// TestEUDRStatementFromCocoaChain walks a cocoa lot from plot file to
// statement through the commands, refusing the statement while anything is
// missing.
func TestEUDRStatementFromCocoaChain(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "eudr.db")
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Accounts().CreateOrg(ctx, account.Org{ID: kernel.NewID(), Slug: "acme", Name: "Acme Chocolate", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	dir := t.TempDir()
	run := func(wantCode int, args ...string) string {
		t.Helper()
		args = append(args, "--db", dsn, "--org", "acme")
		code, out, errOut := runCLI(t, args...)
		if code != wantCode {
			t.Fatalf("%v: exit %d, want %d\n%s\n%s", args, code, wantCode, out, errOut)
		}
		return out + errOut
	}
	run(0, "eudr", "import", filepath.Join("testdata", "eudr", "cocoa-plots.geojson"))
	run(0, "eudr", "operator", "--name", "Chocolaterie Exemple SA", "--country", "Belgium", "--address", "Rue de l'Exemple 1, 1000 Bruxelles", "--eori", "BE0123456789")
	run(0, "eudr", "lot", "--ref", "SHIP-041", "--commodity", "cocoa beans", "--hs", "1801 00", "--description", "Cocoa beans, raw", "--net-kg", "24000", "--all-plots")
	out := run(2, "eudr", "checklist", "--lot", "SHIP-041")
	if !strings.Contains(out, "PLOT-004: No forest-loss analysis (gap)") || !strings.Contains(out, "no risk assessment recorded") {
		t.Fatalf("checklist does not show the gaps:\n%s", out)
	}
	out = run(2, "eudr", "statement", "--lot", "SHIP-041", "--by", "Marie Dupont", "--out", filepath.Join(dir, "early.json"))
	if !strings.Contains(out, "not ready for a statement") {
		t.Fatalf("statement made before evidence: %s", out)
	}
	report := filepath.Join(dir, "analysis.pdf")
	if err := os.WriteFile(report, []byte("%PDF-1.4 forest-loss report"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"PLOT-001", "PLOT-002", "PLOT-003", "PLOT-004", "PLOT-005", "PLOT-006"} {
		run(0, "eudr", "evidence", "--plot", p, "--kind", "forest-loss", "--source", "Forest monitoring service", "--date", "2026-04-10",
			"--period-from", "2020-12-31", "--period-to", "2026-04-01", "--loss-ha", "0", "--method", "Hansen GFC, 10% canopy", "--file", report, "--by", "Marie Dupont")
		run(0, "eudr", "evidence", "--plot", p, "--kind", "land-title", "--source", "AFOR", "--date", "2019-05-02", "--by", "Marie Dupont")
	}
	out = run(0, "eudr", "assess", "--lot", "SHIP-041", "--forests", "yes", "--indigenous", "no", "--claims", "no", "--country-concerns", "unknown", "--mixing", "no")
	if !strings.Contains(out, "(h) Concerns about the country") {
		t.Fatalf("assessment: %s", out)
	}
	out = run(2, "eudr", "decide", "--lot", "SHIP-041", "--conclusion", "negligible", "--by", "Marie Dupont", "--reason", "clean")
	if !strings.Contains(out, "(h)") {
		t.Fatalf("negligible despite an unknown: %s", out)
	}
	run(0, "eudr", "mitigate", "--lot", "SHIP-041", "--criterion", "h", "--measure", "Checked the EU sanctions map and Transparency International's index; supplier audit by a third party", "--by", "Marie Dupont")
	run(0, "eudr", "decide", "--lot", "SHIP-041", "--conclusion", "negligible", "--by", "Marie Dupont", "--reason", "No loss, titles on file, country concerns mitigated")
	run(0, "eudr", "checklist", "--lot", "SHIP-041")
	for _, name := range []string{"dds.json", "plots.geojson", "statement.html"} {
		out = run(0, "eudr", "statement", "--lot", "SHIP-041", "--by", "Marie Dupont", "--out", filepath.Join(dir, name))
		if !strings.Contains(out, "Due diligence statement") || !strings.Contains(out, "6 plot(s)") {
			t.Fatalf("%s: %s", name, out)
		}
	}
	dds, err := os.ReadFile(filepath.Join(dir, "dds.json"))
	if err != nil || !strings.Contains(string(dds), `"internalReferenceNumber": "SHIP-041"`) || !strings.Contains(string(dds), `"hsHeading": "180100"`) {
		t.Fatalf("dds.json: %v\n%s", err, dds)
	}
	html, _ := os.ReadFile(filepath.Join(dir, "statement.html"))
	for _, want := range []string{"Chocolaterie Exemple SA", "Côte d&#39;Ivoire", "24,000 kg net mass", "<svg class=\"plots-map\"", "Kouadio Yao"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("statement page lacks %q", want)
		}
	}
}
