package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// storedPlots reads an organisation's stored plots.
func storedPlots(t *testing.T, dsn, orgID string) []eudr.Plot {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps, err := db.EUDR().ListPlots(ctx, orgID)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestImportPlots imports plot files with supplier files through
// 'upstream import': the plots get the checks of 'upstream eudr validate',
// named by file, row or feature and what is wrong, and one bad plot stores
// nothing at all unless bad rows are skipped.
func TestImportPlots(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	suppliers := write("suppliers.csv", "id,name,country\nCOOP-SOUBRE,Coopérative de Soubré,CI\nF-001,Kouadio Yao,CI\n")
	badPlots := filepath.Join("testdata", "eudr", "bad-plots.csv")
	goodPlots := filepath.Join("testdata", "eudr", "cocoa-plots.geojson")
	// A plot of another producer drawn over PLOT-001's point, in a file
	// of its own: only the check across files can see it.
	overlapping := write("more-plots.csv", "plot_id,producer_name,country,commodity,area_ha,production_start,production_end,latitude,longitude\n"+
		"X-1,Someone Else,CI,cocoa,2.5,2025-10-01,2026-03-31,5.790123,-6.601234\n")
	for _, e := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			dsn, orgs := importDB(t, e)
			org := orgs["acme"]

			code, out, errOut := run(t, nil, "", "import", suppliers, badPlots, "--db", dsn, "--org", "acme")
			if code != 2 {
				t.Fatalf("bad plots: exit %d, want 2\n%s\n%s", code, out, errOut)
			}
			for _, want := range []string{
				"bad-plots.csv: 6 plot(s), 5 with errors",
				"row 3 (C-2)\n  error   decimals: 1 of 1 position(s) have fewer than 6 decimals",
				"row 4 (C-3)\n  error   order:",
				"row 6 (C-5)\n  error   read: commodity: commodity \"coton\"",
				"5 error(s) in the plot files, so nothing was imported; the first: " + badPlots + ": row 3 (C-2)",
			} {
				if !strings.Contains(errOut, want) {
					t.Errorf("error output lacks %q:\n%s", want, errOut)
				}
			}
			if reg := register(t, dsn, org); len(reg) != 0 || len(storedPlots(t, dsn, org)) != 0 {
				t.Fatalf("a bad plot stored %d supplier(s) and %d plot(s)", len(reg), len(storedPlots(t, dsn, org)))
			}

			code, out, errOut = run(t, nil, "", "import", suppliers, badPlots, "--skip-bad-rows", "--db", dsn, "--org", "acme")
			if code != 0 {
				t.Fatalf("skipping bad plots: exit %d\n%s\n%s", code, out, errOut)
			}
			if !strings.Contains(out, "plots: 1 stored from 1 file(s), 5 skipped, 5 error(s)") || !strings.Contains(errOut, "row 7 (C-6)") {
				t.Errorf("skip output:\n%s\n%s", out, errOut)
			}
			if ps := storedPlots(t, dsn, org); len(ps) != 1 || ps[0].Ref != "C-1" {
				t.Fatalf("stored plots %+v, want C-1 only", ps)
			}
			if reg := register(t, dsn, org); len(reg) != 2 {
				t.Fatalf("stored %d suppliers, want 2", len(reg))
			}

			code, out, errOut = run(t, nil, "", "import", goodPlots, overlapping, "--db", dsn, "--org", "acme")
			if code != 2 || !strings.Contains(errOut, "features[0] (PLOT-001)\n  error   overlap: is at the same place as "+overlapping+" row 2 (X-1) of Someone Else") {
				t.Fatalf("overlap across files: exit %d\n%s\n%s", code, out, errOut)
			}
			if ps := storedPlots(t, dsn, org); len(ps) != 1 {
				t.Fatalf("a refused upload stored plots: %d", len(ps))
			}

			code, out, errOut = run(t, nil, "", "import", goodPlots, "--db", dsn, "--org", "acme")
			if code != 0 || !strings.Contains(out, "plots: 6 stored from 1 file(s), 0 skipped, 0 error(s), 0 warning(s)") {
				t.Fatalf("good plots: exit %d\n%s\n%s", code, out, errOut)
			}
			if strings.Contains(out, "risk recomputed") {
				t.Errorf("plot files alone recomputed supplier risk:\n%s", out)
			}
			// A plot already stored that a new file's plot lies on is
			// named by its reference.
			code, _, errOut = run(t, nil, "", "import", overlapping, "--db", dsn, "--org", "acme")
			if code != 2 || !strings.Contains(errOut, "is at the same place as PLOT-001 of Kouadio Yao") {
				t.Fatalf("overlap with a stored plot: exit %d\n%s", code, errOut)
			}
			if ps := storedPlots(t, dsn, org); len(ps) != 7 {
				t.Fatalf("stored %d plots, want 7 (C-1 and the six of the cocoa chain)", len(ps))
			}
		})
	}
}
