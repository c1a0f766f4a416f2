package web

import (
	"context"
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
		browserSignIn(ts.URL+"/alerts", "case_handler@acme.example", testPassword),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#alerts", "Mill cocoa-coop-17"); err != nil {
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
	if err := waitForText(ctx, "#flash", "Alert acknowledged"); err != nil {
		t.Fatalf("no confirmation: %v", err)
	}
	if err := waitForText(ctx, "#alert-state", "acknowledged"); err != nil {
		t.Fatalf("alert not acknowledged: %v", err)
	}
	if err := waitForText(ctx, "#alert", "by case_handler, "); err != nil {
		t.Fatalf("acknowledging user not named: %v", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil && os.Getenv("UPSTREAM_SCREENSHOTS") != "" {
		os.WriteFile(filepath.Join(os.Getenv("UPSTREAM_SCREENSHOTS"), "alert.png"), shot, 0o644)
	}
}

// TestBrowserChooseSensitivityWithoutJavaScript: an admin with scripts off
// opens the detector sensitivity from the alerts page, picks "Fewer false
// alarms" and sees it saved and selected.
func TestBrowserChooseSensitivityWithoutJavaScript(t *testing.T) {
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ts, ctx := f.browse(t, false)
	err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/alerts", "admin@acme.example", testPassword),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/alerts/sensitivity"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/alerts/sensitivity"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[value="quiet"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "/alerts/sensitivity")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[value="quiet"]`)),
		chromedp.Click(chromedp.CSS(`form[action="/alerts/sensitivity"] button[type="submit"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main", "Sensitivity saved: Fewer false alarms."); err != nil {
		t.Fatal(err)
	}
	checked, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`input[value="quiet"]`), "checked"))
	if err != nil || !checked.Exists {
		t.Errorf("quiet not selected after saving: %+v %v", checked, err)
	}
	if s, err := f.st.DetectorSensitivity(context.Background(), f.org.ID); err != nil || s.Name != "quiet" {
		t.Errorf("stored sensitivity %q (%v)", s.Name, err)
	}
}

// TestBrowserClosureCalendarWithoutJavaScript: an admin with scripts off
// opens the closure calendar from the alerts page, adds a holiday, sees it
// confirmed and listed, and deletes it.
func TestBrowserClosureCalendarWithoutJavaScript(t *testing.T) {
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ts, ctx := f.browse(t, false)
	err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/alerts", "admin@acme.example", testPassword),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/alerts/closures"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/alerts/closures"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#closure-label`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "/alerts/closures")
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#closure-from"), "2026-04-13"),
		chromedp.SetValue(chromedp.CSS("#closure-to"), "2026-04-15"),
		chromedp.SendKeys(chromedp.CSS("#closure-label"), "Songkran"),
		chromedp.Click(chromedp.CSS(`form[action="/alerts/closures"] button[type="submit"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main", "Closure added: Songkran, 13 April 2026 to 15 April 2026."); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "table", "Holiday: reports arrive late"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action^="/alerts/closures/"] button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main", "Closure deleted"); err != nil {
		t.Fatal(err)
	}
	if left, err := f.st.Closures(context.Background(), f.org.ID, 0, 1<<30); err != nil || len(left) != 0 {
		t.Errorf("after deleting: %+v %v", left, err)
	}
}
