package web

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// TestBrowserAcknowledgeAlertWithoutJavaScript signs in as a case handler
// in headless Chromium with scripts off, finds a new alert in the list,
// opens it and acknowledges it through the plain form.
func TestBrowserAcknowledgeAlertWithoutJavaScript(t *testing.T) {
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Config.CookieSecure = false // httptest serves plain http on 127.0.0.1
	a := f.raise(t, f.org.ID, "cocoa-coop-17", earlywarning.SeverityHigh)
	ts := httptest.NewServer(f.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)

	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/alerts"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "case_handler@acme.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#alerts", "party: cocoa-coop-17"); err != nil {
		t.Fatalf("alert not listed: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/alerts/`+a.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#acknowledge")),
		chromedp.Click(chromedp.CSS("#acknowledge")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#alert-state", "acknowledged"); err != nil {
		t.Fatalf("alert not acknowledged: %v", err)
	}
	if err := waitForText(ctx, "#alert", "case_handler@acme.example"); err != nil {
		t.Fatalf("acknowledging user not shown: %v", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil && os.Getenv("UPSTREAM_SCREENSHOTS") != "" {
		os.WriteFile(filepath.Join(os.Getenv("UPSTREAM_SCREENSHOTS"), "alert.png"), shot, 0o644)
	}
}
