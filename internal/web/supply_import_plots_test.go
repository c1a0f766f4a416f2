package web

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/geo"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// TestBrowserImportPlotsWithSuppliers uploads a supplier list with plot
// files through the import page, scripts off, on both engines. A plot
// with an error stores nothing, suppliers included, and the page names
// the file, the row or feature and what is wrong; once the plots are
// fixed the same upload stores both.
func TestBrowserImportPlotsWithSuppliers(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, _, _ := apiFixture(t, db)
		borders, err := geo.DefaultBorders()
		if err != nil {
			t.Fatal(err)
		}
		f.deps.EUDR = eudr.NewService(db.EUDR(), borders, func(string) string { return "standard" }, f.clock)
		ts, ctx := f.browse(t, false)

		dir := t.TempDir()
		write := func(name, text string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		suppliers := write("cooperative.csv", "id,name,country\nCOOP-NEW,Coopérative Nouvelle,CI\n")
		header := "plot_id,producer_ref,producer_name,country,commodity,area_ha,production_start,production_end,latitude,longitude\n"
		badCSV := write("farms.csv", header+
			"P-1,F-1,Kouadio Yao,CI,cocoa,2.5,2025-10-01,2026-03-31,5.790123,-6.601234\n"+
			"P-2,F-2,Aya Koffi,CI,cocoa,2.5,2025-10-01,2026-03-31,5.79,-6.61\n")
		geojson := write("polygons.geojson", eudrTestPlots)

		upload := func(files ...string) {
			t.Helper()
			err := chromedp.Do(ctx,
				chromedp.Navigate(ts.URL+"/suppliers/import"),
				chromedp.WaitVisible(chromedp.CSS("#files")),
				chromedp.SetUploadFiles(chromedp.CSS("#files"), files),
				chromedp.Submit(chromedp.CSS("#files")),
				chromedp.WaitVisible(chromedp.CSS("#h-result")),
			)
			if err != nil {
				t.Fatal(err)
			}
		}
		err = chromedp.Do(ctx,
			browserSignIn(ts.URL+"/suppliers/import", "analyst@acme.example", testPassword),
		)
		if err != nil {
			t.Fatal(err)
		}
		if err := waitForText(ctx, "#plot-formats", "GeoJSON"); err != nil {
			t.Fatal(err)
		}

		upload(suppliers, badCSV, geojson)
		for _, want := range []struct{ css, text string }{
			{"#h-result", "Nothing was imported"},
			{".result .error", "1 error(s) in the plot files, so nothing was imported; the first: farms.csv: row 3 (P-2)"},
			{"#plot-result", "No plot was stored."},
			{"#plot-problems", "farms.csv"},
			{"#plot-problems", "row 3 (P-2)"},
			{"#plot-problems", "decimals"},
			{"#plot-problems", "fewer than 6 decimals"},
		} {
			if err := waitForText(ctx, want.css, want.text); err != nil {
				t.Error(err)
			}
		}
		checkAccessibility(t, ctx, "import refused for a bad plot")
		screenshot(t, ctx, "supplier-import-bad-plot.png")
		bg := context.Background()
		if ps, _ := db.EUDR().ListPlots(bg, f.org.ID); len(ps) != 0 {
			t.Errorf("a refused upload stored %d plot(s)", len(ps))
		}
		if _, err := db.SupplyChain().GetParty(bg, f.org.ID, supplychain.RefID("COOP-NEW")); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("a refused upload stored the supplier: %v", err)
		}

		fixed := write("farms.csv", header+
			"P-1,F-1,Kouadio Yao,CI,cocoa,2.5,2025-10-01,2026-03-31,5.790123,-6.601234\n"+
			"P-2,F-2,Aya Koffi,CI,cocoa,2.5,2025-10-01,2026-03-31,5.790000,-6.610000\n")
		upload(suppliers, fixed, geojson)
		for _, want := range []struct{ css, text string }{
			{"#h-result", "Import finished"},
			{"#import-summary", "cooperative.csv"},
			{"#plot-result", "4 plot(s) stored"},
		} {
			if err := waitForText(ctx, want.css, want.text); err != nil {
				t.Error(err)
			}
		}
		checkAccessibility(t, ctx, "import with plots")
		screenshot(t, ctx, "supplier-import-plots.png")
		ps, err := db.EUDR().ListPlots(bg, f.org.ID)
		if err != nil || len(ps) != 4 {
			t.Fatalf("stored %d plot(s), want 4: %v", len(ps), err)
		}
		if _, err := db.SupplyChain().GetParty(bg, f.org.ID, supplychain.RefID("COOP-NEW")); err != nil {
			t.Errorf("the supplier was not stored: %v", err)
		}
		// The plots are on the EUDR page, one click away.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[href="/eudr"]`))); err != nil {
			t.Fatal(err)
		}
		if err := waitForText(ctx, "main", "Aya Koffi"); err != nil {
			t.Error(err)
		}
	})
}
