package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/chromium"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// seedLargeRegister stores n suppliers with six factors each, the size of
// supply map whose PDF once failed after a minute.
func seedLargeRegister(t *testing.T, db *sqlstore.DB, orgID string, n int) {
	t.Helper()
	ctx := context.Background()
	parties := make([]supplychain.Party, n)
	links := make([]supplychain.Link, n)
	risks := make([]supplychain.PartyRisk, n)
	for i := range parties {
		ref := fmt.Sprintf("L%05d", i)
		parties[i] = supplychain.Party{ID: supplychain.RefID(ref), Ref: ref, Name: fmt.Sprintf("Large Register Mill %05d", i),
			Kind: supplychain.KindCompany, Country: "BD", Commodities: []string{"cotton", "garments"}}
		links[i] = supplychain.Link{Buyer: supplychain.Reporting, Supplier: parties[i].ID, Commodity: "garments"}
		fs := make([]supplychain.Factor, 6)
		for j := range fs {
			fs[j] = supplychain.Factor{Kind: "inherent", Source: "US DOL ILAB", Edition: "2024",
				Indicator: fmt.Sprintf("forced labour in good %d", j), Value: "listed", Points: 40, Contribution: 5}
		}
		risks[i] = supplychain.PartyRisk{ID: parties[i].ID, Tier: 1, Inherent: 30, Exposure: float64(i%900) / 10, Level: "medium", Factors: fs}
	}
	st := db.SupplyChain()
	if err := st.UpsertParties(ctx, orgID, parties); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertLinks(ctx, orgID, links); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveRisk(ctx, orgID, sqlstore.RiskRows(risks)); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserLargeSupplierRiskPDFPrints chooses the supplier-risk PDF on
// the reports page in headless Chromium for an organisation of 3,361
// suppliers (the size that once ended in "service unavailable" after 64 s)
// and checks the download is a PDF that says which parties it lists and
// where the rest are.
func TestBrowserLargeSupplierRiskPDFPrints(t *testing.T) {
	printer, err := chromium.Find()
	if err != nil {
		testkit.Missing(t, "Chromium")
	}
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Config.CookieSecure = false // httptest serves plain http on 127.0.0.1
	// The test checks what is printed, not how fast: on a loaded machine
	// Chromium may need longer than the production limit.
	printer.Timeout = 4 * time.Minute
	f.deps.Reporting.Renderer.PDF = printer
	seedLargeRegister(t, f.db, f.org.ID, 3361)
	ts := httptest.NewServer(f.h)
	defer ts.Close()

	b := testkit.Browser(t, false)
	dir := t.TempDir()
	yes := true
	if _, err := chromedp.CallBrowser(b, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes}); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(b,
		browserSignIn(ts.URL+"/reports", "viewer@acme.example", testPassword),
		chromedp.WaitVisible(chromedp.CSS("#report-form")),
	)
	if err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(b, 5*time.Minute)
	defer cancel()
	done := chromedp.BrowserEvents(wait, browser.DownloadProgress)
	began := time.Now()
	if err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS("#kind-supplier-risk")),
		chromedp.Click(chromedp.CSS("#format-pdf")),
		chromedp.Click(chromedp.CSS("#download")),
	); err != nil {
		t.Fatal(err)
	}
	var guid string
	for ev, err := range done {
		if err != nil {
			// No download: the server answered with a page instead.
			page, _ := chromedp.Run(b, chromedp.Text(chromedp.CSS("body"), chromedp.AtLeast(0)))
			t.Fatalf("no PDF was downloaded (%v); the browser shows: %.500s", err, page)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the PDF download was cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
	}
	t.Logf("PDF of 3,361 suppliers downloaded in %v", time.Since(began).Round(time.Millisecond))
	pdf, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("the download is not a PDF: %.300s", pdf)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed: PDF text not checked")
		return
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(testkit.Words(string(out)), " ")
	for _, want := range []string{
		"The 500 parties with the highest exposure (of 3,363)",
		"list all 3,363 parties with every figure",
		"Factors of the 100 parties with the highest exposure",
		"Large Register Mill 00899",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}
