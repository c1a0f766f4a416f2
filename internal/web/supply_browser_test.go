package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/ingest"
)

// a11yCheck is a small accessibility smoke check run in the page: every
// form control has a label, every SVG that is not hidden from assistive
// technology has a title, there is exactly one h1, and the landmarks
// (banner, navigation, main, contentinfo) are there. It returns the
// problems found, one per line.
const a11yCheck = `(() => {
  const problems = [];
  document.querySelectorAll("input, select, textarea").forEach(el => {
    if (el.type === "hidden" || el.type === "submit") return;
    const labelled = (el.id && document.querySelector('label[for="' + el.id + '"]')) || el.closest("label") ||
      el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!labelled) problems.push("control without a label: " + (el.name || el.id || el.outerHTML.slice(0, 60)));
  });
  document.querySelectorAll("svg").forEach(svg => {
    if (svg.getAttribute("aria-hidden") === "true") return;
    const title = svg.querySelector(":scope > title");
    if (!title || !title.textContent.trim()) problems.push("svg without a title: " + (svg.id || svg.getAttribute("class")));
  });
  document.querySelectorAll("img").forEach(img => { if (!img.hasAttribute("alt")) problems.push("img without alt"); });
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push("h1 count " + h1);
  for (const sel of ["header", "nav", "main", "footer"]) {
    if (!document.querySelector(sel)) problems.push("no " + sel + " landmark");
  }
  document.querySelectorAll("table").forEach(t => { if (!t.caption) problems.push("table without caption: " + t.id); });
  document.querySelectorAll("button, a[href]").forEach(el => {
    if (!el.textContent.trim() && !el.getAttribute("aria-label") && !el.querySelector("title")) problems.push("control without a name: " + el.outerHTML.slice(0, 60));
  });
  return problems.join("\n");
})()`

func checkAccessibility(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[string](a11yCheck))
	if err != nil {
		t.Fatalf("%s: accessibility check: %v", page, err)
	}
	if problems != "" {
		t.Errorf("%s: accessibility problems:\n%s", page, problems)
	}
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("UPSTREAM_SCREENSHOTS")
	if dir == "" {
		return
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
		t.Error(err)
	}
}

// TestBrowserRiskMapToSupplier signs in with scripts off, opens the risk
// map, clicks Côte d'Ivoire, lands on the register filtered to it, opens a
// supplier and sees the factors of its score. Each page passes the
// accessibility smoke check and is written as a screenshot.
func TestBrowserRiskMapToSupplier(t *testing.T) {
	f, _, _ := supplyFixture(t)
	f.deps.Imports = &fakeImporter{results: []ingest.Result{{Format: "upstream-csv", Rows: 2, Parties: 1, Skipped: 1,
		Errors: []ingest.RowError{{File: "suppliers.csv", Line: 3, Column: 9, Field: "country", Reason: `"Atlantis" is not a country`}}, ErrorCount: 1}}}
	ts, ctx := f.browse(t, false)

	err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/risk-map", "analyst@acme.example", testPassword),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "h1", "Risk map"); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "risk map")
	screenshot(t, ctx, "risk-map.png")

	// Click the country on the map itself.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#worldmap a[data-code="CI"] path`))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "h1", "Supplier register: Côte d'Ivoire"); err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/suppliers?country=CI") {
		t.Errorf("the map led to %s", loc)
	}
	if err := waitForText(ctx, "#total", "3"); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "register")
	screenshot(t, ctx, "supplier-register.png")

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#register a[href^="/suppliers/"]`))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#factors", "child labour in cocoa"); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#factors", "US DOL ILAB List of Goods"); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "supplier page")
	screenshot(t, ctx, "supplier.png")

	for _, pg := range []struct{ path, h1, shot string }{
		{"/", "Acme", "dashboard.png"},
		{"/risk-map?by=gsi", "Risk map", "risk-map-gsi.png"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+pg.path)); err != nil {
			t.Fatal(err)
		}
		if err := waitForText(ctx, "h1", pg.h1); err != nil {
			t.Fatal(err)
		}
		checkAccessibility(t, ctx, pg.path)
		screenshot(t, ctx, pg.shot)
	}

	// The import page, before and after an upload with a bad row.
	tmp := filepath.Join(t.TempDir(), "suppliers.csv")
	if err := os.WriteFile(tmp, []byte("id,name,country\n1,A,CI\n2,B,Atlantis\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/suppliers/import"),
		chromedp.WaitVisible(chromedp.CSS("#files")),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "import form")
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{tmp}),
		chromedp.Click(chromedp.CSS("#skip_bad_rows")),
		chromedp.Submit(chromedp.CSS("#files")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#row-errors", "suppliers.csv:3:9"); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "import result")
	screenshot(t, ctx, "supplier-import.png")

	// On a phone the pages still fit: nothing forces a horizontal scroll
	// of the whole page.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 740), chromedp.Navigate(ts.URL+"/risk-map")); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "h1", "Risk map"); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if err != nil {
		t.Fatal(err)
	}
	if wide {
		culprit, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + "." + e.className + "#" + e.id + " " + Math.round(e.getBoundingClientRect().right)).join("; ")`))
		t.Errorf("the risk map is wider than a phone screen: %s", culprit)
	}
	screenshot(t, ctx, "risk-map-phone.png")
}

// TestBrowserMapTableSortsWithJavaScript checks Upstream's own script: with
// JavaScript on, the map's table gets header buttons that sort it in place.
func TestBrowserMapTableSortsWithJavaScript(t *testing.T) {
	f, _, _ := supplyFixture(t)
	ts, ctx := f.browse(t, true)
	err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/risk-map", "viewer@acme.example", testPassword),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#map-table tbody tr:first-child", "Côte d'Ivoire"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#map-table thead th:nth-child(2) button"))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#map-table tbody tr:first-child", "Bangladesh"); err != nil {
		t.Fatalf("ascending sort: %v", err)
	}
	sort, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#map-table thead th:nth-child(2)").getAttribute("aria-sort")`))
	if err != nil || sort != "ascending" {
		t.Fatalf("aria-sort %q, %v", sort, err)
	}
	checkAccessibility(t, ctx, "risk map with JavaScript")
}
