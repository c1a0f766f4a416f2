package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRegisterSearchAndOrder: with scripts off, each role that
// reads the register finds suppliers by a later word of the name, by an
// identifier (LEI, GLN, OS ID) and by a word shared by several; the form's
// "Order by" list holds every order and keeps the search, and so do the
// column headings.
func TestBrowserRegisterSearchAndOrder(t *testing.T) {
	for _, email := range []string{"viewer@acme.example", "case_handler@acme.example"} {
		t.Run(email, func(t *testing.T) {
			f, _, _ := supplyFixture(t)
			ts, ctx := f.browse(t, false)
			signInAs(t, ctx, ts.URL, "/suppliers", email)
			// submit runs steps that leave the page and waits for the next
			// one, which the old page's text could be taken for.
			submit := func(steps ...chromedp.Action[chromedp.Void]) {
				t.Helper()
				if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.leaving = true`)); err != nil {
					t.Fatal(err)
				}
				deadline := time.Now().Add(15 * time.Second)
				// Just after a page has loaded, the browser may still hold
				// the old page's node ids and answer that a node does not
				// exist; nothing has been typed or sent then, so the steps
				// are tried again.
				for {
					err := chromedp.Do(ctx, steps...)
					if err == nil {
						break
					}
					if !strings.Contains(err.Error(), "No node with given id") || time.Now().After(deadline) {
						t.Fatal(err)
					}
					time.Sleep(100 * time.Millisecond)
				}
				for {
					if left, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.leaving !== true && document.readyState === "complete"`)); err == nil && left {
						return
					}
					if time.Now().After(deadline) {
						t.Fatal("the page never changed")
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
			show := chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`))
			search := func(typed string) {
				t.Helper()
				submit(chromedp.SetValue(chromedp.CSS("#q"), typed), show)
			}
			names := func() string {
				t.Helper()
				got, err := chromedp.Run(ctx, chromedp.Evaluate[string](
					`Array.from(document.querySelectorAll("#register tbody tr td:first-child")).map(e => e.textContent).join(" | ")`))
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			for _, tc := range []struct{ typed, want string }{
				{"garments", "Dhaka Garments Ltd"},          // a later word of the name
				{"5493001K", "Grinder Europe B.V."},         // the start of an LEI, any case
				{"0614141003006", "Kouassi Farm"},           // a GLN
				{"ci2026000", "Coopérative Soubré"},         // an OS ID
				{"soubre bp", "Coopérative Soubré"},         // address words, accents aside
				{"trading abidjan", "Abidjan Trading SARL"}, // words in any order
			} {
				search(tc.typed)
				if err := waitForText(ctx, ".summary", "1 supplier matches"); err != nil {
					t.Fatalf("%q: %v", tc.typed, err)
				}
				if got := names(); got != tc.want {
					t.Errorf("%q found %q, want %q", tc.typed, got, tc.want)
				}
			}
			checkAccessibility(t, ctx, "register search")
			screenshot(t, ctx, "register-search.png")

			// Three suppliers have a word starting with "s": by exposure
			// first, then in the order chosen in the form, then by a
			// column heading, the search kept throughout.
			search("s")
			if err := waitForText(ctx, ".summary", "3 suppliers match"); err != nil {
				t.Fatal(err)
			}
			if got, want := names(), "Coopérative Soubré | Abidjan Trading SARL | =Spinner Mills"; got != want {
				t.Errorf("by exposure: %q, want %q", got, want)
			}
			submit(chromedp.SetValue(chromedp.CSS("#sort"), "country"), show)
			if err := waitForText(ctx, "#register caption", "by country, then name"); err != nil {
				t.Fatal(err)
			}
			if got, want := names(), "=Spinner Mills | Abidjan Trading SARL | Coopérative Soubré"; got != want {
				t.Errorf("by country: %q, want %q", got, want)
			}
			if chosen, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#sort"))); chosen != "country" {
				t.Errorf("the form's order reads %q after sorting by country", chosen)
			}
			submit(chromedp.Click(chromedp.CSS("#sort-level")))
			if err := waitForText(ctx, "#register caption", "by level, most severe first"); err != nil {
				t.Fatal(err)
			}
			if got, want := names(), "Coopérative Soubré | Abidjan Trading SARL | =Spinner Mills"; got != want {
				t.Errorf("by level: %q, want %q", got, want)
			}
			if typed, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#q"))); typed != "s" {
				t.Errorf("the search box reads %q after sorting by a heading, want the search kept", typed)
			}
			if chosen, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#sort"))); chosen != "level" {
				t.Errorf("the form's order reads %q after sorting by the level heading", chosen)
			}
		})
	}
}
