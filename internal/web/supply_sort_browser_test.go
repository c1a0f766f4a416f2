package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/testkit"
)

// TestBrowserRegisterSortsByEveryColumn: with scripts off, each sortable
// column heading of the register is a link; following the level heading
// puts the most severe suppliers first and marks the column as sorted.
func TestBrowserRegisterSortsByEveryColumn(t *testing.T) {
	f, _, _ := supplyFixture(t)
	f.deps.Config.CookieSecure = false
	ts := httptest.NewServer(f.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)
	signInAs(t, ctx, ts.URL, "/suppliers", "analyst@acme.example")
	if err := waitForText(ctx, "#register caption", "by exposure, highest first"); err != nil {
		t.Fatal(err)
	}
	for _, col := range []struct{ key, caption string }{
		{"name", "by name"}, {"country", "by country, then name"}, {"tier", "by tier, nearest first"},
		{"inherent", "by inherent risk, highest first"}, {"signals", "by signals, highest first"}, {"level", "by level, most severe first"},
	} {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#sort-"+col.key))); err != nil {
			t.Fatalf("%s: %v", col.key, err)
		}
		if err := waitForText(ctx, "#register caption", col.caption); err != nil {
			t.Fatal(err)
		}
	}
	levels, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#register tbody .level")).map(e => e.textContent).join(",")`))
	if err != nil {
		t.Fatal(err)
	}
	rank := map[string]int{"critical": 0, "high": 1, "medium": 2, "low": 3}
	prev := -1
	for _, l := range strings.Split(levels, ",") {
		r, ok := rank[l]
		if !ok {
			r = 4
		}
		if r < prev {
			t.Errorf("levels not most severe first: %s", levels)
			break
		}
		prev = r
	}
	sorted, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#register th[aria-sort]")).map(e => e.textContent).join(",")`))
	if err != nil || sorted != "Level" {
		t.Errorf("sorted column marked: %q (%v)", sorted, err)
	}
}
