package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRiskMapCommodityAndFocusStops: with scripts off, an analyst
// tabs through the risk map and stops only on the countries that link to
// suppliers, never on a grey one; choosing cotton in the map's form then
// leaves Bangladesh the only linked country, the only stop on the map.
func TestBrowserRiskMapCommodityAndFocusStops(t *testing.T) {
	f, _, _ := supplyFixture(t)
	ts, ctx := f.browse(t, false)
	if err := chromedp.Do(ctx, browserSignIn(ts.URL+"/risk-map", "analyst@acme.example", testPassword)); err != nil {
		t.Fatal(err)
	}
	// mapStops tabs through the whole page from its start and returns the
	// country codes of the map's focus stops, in order; a stop on a
	// country that is not a link is returned as "grey:CODE".
	mapStops := func() []string {
		t.Helper()
		if err := waitForText(ctx, "h1", "Risk map"); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`)); err != nil {
			t.Fatal(err)
		}
		var stops []string
		seen := map[string]bool{}
		for range 400 {
			if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
				t.Fatal(err)
			}
			at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
				const e = document.activeElement;
				if (!e || e === document.body) return "";
				const path = [];
				for (let n = e; n; n = n.parentNode) { const i = n.parentNode ? Array.prototype.indexOf.call(n.parentNode.childNodes, n) : 0; path.push(i); }
				const where = path.join("/");
				if (!e.closest("#worldmap")) return "page " + where;
				const code = (e.closest("[data-code]") || e).getAttribute("data-code") || "";
				return (e.closest("a[href]") ? "" : "grey:") + code + " " + where;
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if at == "" || seen[at] {
				break // back at the start: every stop has been visited
			}
			seen[at] = true
			if !strings.HasPrefix(at, "page ") {
				code, _, _ := strings.Cut(at, " ")
				stops = append(stops, code)
			}
		}
		return stops
	}
	linked := func() []string {
		t.Helper()
		codes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#worldmap a[data-code]")).map(a => a.getAttribute("data-code"))`))
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(codes)
		return codes
	}

	all := mapStops()
	slices.Sort(all)
	if want := []string{"BD", "CI", "NL"}; !slices.Equal(all, want) || !slices.Equal(linked(), want) {
		t.Errorf("focus stops on the map %q, linked countries %q: want the three countries with suppliers, %q", all, linked(), want)
	}

	err := chromedp.Do(ctx,
		// Scripts are off, so the option is chosen through the DOM and the
		// form sent with its button.
		chromedp.SetAttributeValue(chromedp.CSS(`#commodity option[value="cotton"]`), "selected", "selected"),
		chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#map-table", "(Cotton)"); err != nil {
		t.Fatal(err)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "commodity=cotton") {
		t.Errorf("the form led to %s", loc)
	}
	cotton := mapStops()
	if want := []string{"BD"}; !slices.Equal(cotton, want) || !slices.Equal(linked(), want) {
		t.Errorf("cotton: focus stops on the map %q, linked countries %q, want only Bangladesh", cotton, linked())
	}
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#worldmap a[data-code="BD"]').getAttribute("href")`))
	if err != nil || href != "/suppliers?commodity=cotton&country=BD" {
		t.Errorf("Bangladesh links to %q (%v), want the register narrowed to cotton", href, err)
	}
}
