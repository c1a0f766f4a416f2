package web

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
	"github.com/upstream-platform/upstream/internal/vault"
)

// TestBrowserReportWithoutJavaScript submits a report and follows it up in
// headless Chromium with scripts off, in English and in Arabic (right to
// left), and checks the page breaks no CSP rule.
func TestBrowserReportWithoutJavaScript(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	ts := httptest.NewServer(g.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)
	digits := regexp.MustCompile(`^\d{4}(-\d{4}){4}$`)
	for _, tc := range []struct{ lang, dir, narrative string }{
		{"en", "ltr", "The recruiter kept our passports"},
		{"ar", "rtl", "صاحب العمل يحتجز جوازات سفرنا"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			err := chromedp.Do(ctx,
				chromedp.Navigate(ts.URL+"/report/acme?lang="+tc.lang),
				chromedp.WaitVisible(chromedp.CSS("#narrative")),
			)
			if err != nil {
				t.Fatal(err)
			}
			dir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.dir + "/" + getComputedStyle(document.body).direction`))
			if err != nil || dir != tc.dir+"/"+tc.dir {
				t.Fatalf("direction %q (%v)", dir, err)
			}
			err = chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(`input[value="retention_of_documents"]`)),
				chromedp.SendKeys(chromedp.CSS("#narrative"), tc.narrative),
				chromedp.Click(chromedp.CSS("#send")),
			)
			if err != nil {
				t.Fatal(err)
			}
			if err := waitForText(ctx, "main", reporterText[tc.lang]["sent"]); err != nil {
				t.Fatal(err)
			}
			rc, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#receipt")))
			if err != nil || !digits.MatchString(strings.TrimSpace(rc)) {
				t.Fatalf("receipt %q (%v)", rc, err)
			}
			err = chromedp.Do(ctx,
				chromedp.Navigate(ts.URL+"/report/acme/follow-up?lang="+tc.lang),
				chromedp.WaitVisible(chromedp.CSS("#receipt-input")),
				chromedp.SendKeys(chromedp.CSS("#receipt-input"), strings.TrimSpace(rc)),
				chromedp.Submit(chromedp.CSS("#receipt-input")),
			)
			if err != nil {
				t.Fatal(err)
			}
			if err := waitForText(ctx, "main", tc.narrative); err != nil {
				t.Fatal(err)
			}
		})
	}
}
