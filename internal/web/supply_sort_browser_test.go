package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRegisterSortsByEveryColumn: with scripts off, each sortable
// column heading of the register is a link; following the level heading
// puts the most severe suppliers first and marks the column as sorted.
func TestBrowserRegisterSortsByEveryColumn(t *testing.T) {
	f, _, _ := supplyFixture(t)
	ts, ctx := f.browse(t, false)
	signInAs(t, ctx, ts.URL, "/suppliers", "analyst@acme.example")
	if err := waitForText(ctx, "#register caption", "by exposure, highest first"); err != nil {
		t.Fatal(err)
	}
	for _, col := range []struct{ key, caption string }{
		{"name", "by name"}, {"country", "by country, then name"}, {"commodities", "by first commodity, then name"}, {"tier", "by tier, nearest first"},
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
	sorted, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#register th[aria-sort]")).map(e => e.textContent + " " + e.getAttribute("aria-sort")).join(",")`))
	if err != nil || sorted != "Level descending" {
		t.Errorf("sorted column marked: %q (%v)", sorted, err)
	}

	// The sorted column's heading, followed again, reverses the order.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#sort-level"))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#register caption", "by level, least severe first"); err != nil {
		t.Fatal(err)
	}
	reversed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#register tbody .level")).map(e => e.textContent).join(",")`))
	if err != nil {
		t.Fatal(err)
	}
	back := strings.Split(reversed, ",")
	slices.Reverse(back)
	if strings.Join(back, ",") != levels {
		t.Errorf("the level heading followed twice does not reverse the order: %s, then %s", levels, reversed)
	}
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#register th[aria-sort]").getAttribute("aria-sort")`)); err != nil || got != "ascending" {
		t.Errorf("the reversed column reads %q (%v)", got, err)
	}

	// The form orders the other way too, without script.
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#sort"), "-name"), chromedp.Submit(chromedp.CSS("#sort"))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#register caption", "by name, Z to A"); err != nil {
		t.Fatal(err)
	}
	names, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#register tbody td:first-child")).map(e => e.textContent).join("\n")`))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(names, "\n")
	want := slices.Clone(got)
	slices.SortFunc(want, func(a, b string) int { return strings.Compare(b, a) })
	if len(got) < 2 || !slices.Equal(got, want) {
		t.Errorf("names not from Z to A: %q", got)
	}
}
