package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestBrowserCompactMenuOnAPhone: on a 390 px screen, with scripts off,
// the main menu is one "Menu" button that opens to the full list and the
// page is no wider than the screen; on a desktop screen the menu is shown
// as it is.
func TestBrowserCompactMenuOnAPhone(t *testing.T) {
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ts, ctx := f.browse(t, false)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	signInAs(t, ctx, ts.URL, "/account", "admin@acme.example")
	visible := func(sel string) bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector(`+"`"+sel+"`"+`); return !!e && e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}); })()`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".menu-compact summary"))); err != nil {
		t.Fatal(err)
	}
	if visible(`.menu-wide a[href="/admin/users"]`) || visible(`.menu-compact a[href="/admin/users"]`) {
		t.Error("on a phone the menu's links show before the menu is opened")
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || wide {
		t.Errorf("the page is wider than a 390 px screen (%v)", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".menu-compact summary"))); err != nil {
		t.Fatal(err)
	}
	if !visible(`.menu-compact a[href="/admin/users"]`) {
		t.Fatal("the opened menu does not show the users page")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.menu-compact a[href="/admin/users"]`))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "h1", "Users"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	if !visible(`.menu-wide a[href="/admin/users"]`) || visible(".menu-compact summary") {
		t.Error("on a desktop screen the menu is not shown in full")
	}
}
