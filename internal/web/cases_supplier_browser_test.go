package web

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/testkit"
	"github.com/upstream-platform/upstream/internal/vault"
)

// TestBrowserCaseLinksSupplierByName: with scripts off, a case handler
// links a case to a supplier by typing the start of its name, never its
// id; a start two suppliers share asks for more, naming both, and the
// case page then names and links the supplier chosen.
func TestBrowserCaseLinksSupplierByName(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	g.deps.Config.CookieSecure = false
	g.deps.Suppliers = g.db.SupplyChain()
	if err := g.db.SupplyChain().UpsertParties(context.Background(), g.org.ID, []supplychain.Party{
		{ID: supplychain.RefID("GT"), Ref: "GT", Name: "Golden Thread Spinning Mills", Kind: supplychain.KindCompany, Country: "IN"},
		{ID: supplychain.RefID("GH"), Ref: "GH", Name: "Golden Harvest Cocoa", Kind: supplychain.KindCompany, Country: "GH"},
	}); err != nil {
		t.Fatal(err)
	}
	id, _ := caseInRemediation(t, g)
	ts := httptest.NewServer(g.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)
	signInAs(t, ctx, ts.URL, "/cases/"+id, "case_handler@acme.example")
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS("#supplier")),
		chromedp.SendKeys(chromedp.CSS("#supplier"), "golden"),
		chromedp.Submit(chromedp.CSS("#supplier")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main", `2 suppliers match "golden" (Golden Harvest Cocoa; Golden Thread Spinning Mills): type more of the name`); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#supplier"), "Golden Th"),
		chromedp.Submit(chromedp.CSS("#supplier")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#flash", "Triage saved"); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#case-supplier", "Golden Thread Spinning Mills"); err != nil {
		t.Fatal(err)
	}
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#case-supplier a"), "href"))
	if err != nil || href.Value != "/suppliers/"+supplychain.RefID("GT") {
		t.Errorf("supplier link %+v (%v)", href, err)
	}
	// Saving the triage again with the name unchanged keeps the link.
	if err := chromedp.Do(ctx, chromedp.Submit(chromedp.CSS("#supplier"))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#flash", "Triage saved"); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#case-supplier", "Golden Thread Spinning Mills"); err != nil {
		t.Fatal(err)
	}
}
