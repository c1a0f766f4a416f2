package web

import (
	"context"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestBrowserRegisterPagingWords: with scripts off, a register page past
// the end says so and leads to the last page instead of "showing 3003 to
// 49900", and one match reads "1 supplier matches".
func TestBrowserRegisterPagingWords(t *testing.T) {
	f, _, _ := supplyFixture(t)
	ts, ctx := f.browse(t, false)
	signInAs(t, ctx, ts.URL, "/suppliers?page=999", "analyst@acme.example")
	if err := waitForText(ctx, "main", "Page 999 is past the end: the register has one page."); err != nil {
		t.Fatal(err)
	}
	if text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".summary"))); regexp.MustCompile(`showing`).MatchString(text) {
		t.Errorf("a page past the end counts rows: %q", text)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#register a`))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, ".summary", "6 suppliers match; showing 1 to 6."); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/suppliers?q=kou")); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, ".summary", "1 supplier matches; showing 1 to 1."); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserDashboardFiguresForPeople: the dashboard's impact figures
// (averages and ratios of the demo programme) are rounded for reading, not
// shown as 53.65853658536586.
func TestBrowserDashboardFiguresForPeople(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	f := newAlertsFixture(t, db).fixture
	f.deps.Impact = &impact.Service{Store: db.Impact(), Clock: f.clock}
	f.deps.ImpactRecords = db.Impact()
	if _, err := impact.SeedDemo(context.Background(), f.deps.Impact, f.org.ID); err != nil {
		t.Fatal(err)
	}
	ts, ctx := f.browse(t, false)
	signInAs(t, ctx, ts.URL, "/", "viewer@acme.example")
	if err := waitForText(ctx, "#indicators", "Progress from baseline to target"); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#indicators")))
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`\d\.\d{3,}`).FindString(text); m != "" {
		t.Errorf("the dashboard shows %q; figures are rounded for people:\n%s", m, text)
	}
}
