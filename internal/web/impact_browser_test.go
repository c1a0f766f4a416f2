package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestBrowserImpactProgramme opens the demo programme in headless Chromium
// with scripts off and checks that the server-drawn diagram and charts
// render, with their tables beside them.
func TestBrowserImpactProgramme(t *testing.T) {
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ts, ctx := f.browse(t, false)

	err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/impact/programmes/"+f.prog.ID, "viewer@acme.example", testPassword),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "h1", impact.DemoProgrammeName); err != nil {
		t.Fatalf("programme page did not open: %v", err)
	}
	// The diagram is laid out: its boxes have a size, so the SVG rendered.
	boxes, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.logic-model rect").length`))
	if err != nil {
		t.Fatal(err)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("svg.logic-model").getBoundingClientRect().width`))
	if err != nil {
		t.Fatal(err)
	}
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart").length`))
	if err != nil {
		t.Fatal(err)
	}
	if boxes != len(impact.DemoModel().Nodes) || width < 100 {
		t.Fatalf("logic model: %d boxes, %.0f px wide", boxes, width)
	}
	if charts != len(impact.DemoModel().Indicators) {
		t.Fatalf("%d indicator charts, want one per indicator", charts)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Causal links, with their assumptions and evidence", "Survivors completing vocational training by period",
		"2026Q4", "Outputs: what the programme delivered", "Outcomes: what changed for people"} {
		if !strings.Contains(text, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
	impactScreenshot(t, ctx, "impact-programme.jpg")

	// The SROI results page: the tornado chart and its table.
	analyses, err := f.svc.Store.Analyses(context.Background(), f.org.ID, f.prog.ID)
	if err != nil || len(analyses) == 0 {
		t.Fatalf("demo analysis: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+"/impact/programmes/"+f.prog.ID+"/sroi/"+analyses[0].ID)); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main", "Sensitivity of the ratio to each assumption"); err != nil {
		t.Fatal(err)
	}
	bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.tornado rect.tornado-up").length`))
	if err != nil {
		t.Fatal(err)
	}
	if bars != len(analyses[0].Result.Sensitivity)+1 { // one per parameter and the legend's
		t.Fatalf("tornado chart has %d bars", bars)
	}
	impactScreenshot(t, ctx, "impact-sroi.jpg")
}

// impactScreenshot keeps a picture of the page when UPSTREAM_SCREENSHOTS names
// a folder.
func impactScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("UPSTREAM_SCREENSHOTS")
	if dir == "" {
		return
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.WriteFile(filepath.Join(dir, name), shot, 0o644)
}
