package web

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestBrowserImportAudits uploads a supplier file and an audit file
// together on the import page, with scripts off, sees the audits counted,
// and finds the audit among the factors on the supplier page.
func TestBrowserImportAudits(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	f := newFixture(t, db)
	f.deps.Suppliers = db.SupplyChain()
	ps := seedSupply(t, db.SupplyChain(), f.org.ID)
	withStoredAudits(t, f, db)
	ts, ctx := f.browse(t, false)

	dir := t.TempDir()
	suppliers := filepath.Join(dir, "suppliers.csv")
	audits := filepath.Join(dir, "audits.csv")
	if err := os.WriteFile(suppliers, []byte("id,name,country,commodity,buyer_id\nN1,Nkawkaw Cocoa Union,Ghana,cocoa beans,T\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The audit file names a stored supplier and one of the other file.
	if err := os.WriteFile(audits, []byte("supplier,scheme,date,result,expiry\nC,SA8000,2026-03-02,certified,2029-03-01\nN1,Fair Trade,2025-12-01,withdrawn,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/suppliers/import", "analyst@acme.example", testPassword),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#templates", "audits and certifications CSV"); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{audits, suppliers}),
		chromedp.Submit(chromedp.CSS("#files")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "h2#h-result", "Import finished"); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#import-summary tbody", "Audits and certifications (CSV)"); err != nil {
		t.Fatal(err)
	}
	total, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#import-summary tfoot td:nth-of-type(4)").textContent`))
	if err != nil || total != "2" {
		t.Errorf("audits in the total: %q, %v", total, err)
	}
	checkAccessibility(t, ctx, "import result with audits")
	screenshot(t, ctx, "supplier-import-audits.png")

	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/suppliers/"+ps["C"].ID)); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#factors", "SA8000 audit"); err != nil {
		t.Fatal(err)
	}
}
