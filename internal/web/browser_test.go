package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// TestBrowserSignInWithoutJavaScript signs in through the real page in
// headless Chromium with scripts off, adds a user as admin, and checks the
// pages keep to the CSP (no inline script or style to be blocked).
func TestBrowserSignInWithoutJavaScript(t *testing.T) {
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ts, ctx := f.browse(t, false)

	err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/admin/users", "admin@acme.example", testPassword),
		chromedp.WaitVisible(chromedp.CSS("caption")),
	)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/admin/users") {
		t.Fatalf("after sign-in the browser is at %s, want the page it asked for", loc)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("main form.stack #email"), "new.handler@acme.example"),
		chromedp.SendKeys(chromedp.CSS("main form.stack #name"), "New Handler"),
		chromedp.SetValue(chromedp.CSS("#role"), "case_handler"),
		chromedp.Submit(chromedp.CSS("main form.stack #name")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main", "new.handler@acme.example"); err != nil {
		t.Fatalf("new invitation not listed: %v", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil && os.Getenv("UPSTREAM_SCREENSHOTS") != "" {
		os.WriteFile(filepath.Join(os.Getenv("UPSTREAM_SCREENSHOTS"), "users.png"), shot, 0o644)
	}
}

// waitForText polls until the element's text contains want: after a form
// submission the old page stays in place until the new one has loaded.
func waitForText(ctx context.Context, css, want string) error {
	deadline := time.Now().Add(15 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css), chromedp.AtLeast(0)))
		if err == nil && strings.Contains(text, want) {
			return nil
		}
		last = text
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s never contained %q; last text %q", css, want, last)
}

// browserSignIn opens url, which sends a signed-out browser to the sign-in
// form, and signs in there as email; the browser then follows the form to
// the page it was sent from.
func browserSignIn(url, email, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#password")),
	)
}

// browse serves the fixture's handler over plain http, as httptest does on
// 127.0.0.1 (so session cookies are not marked secure), and opens headless
// Chromium on it, with scripts on or off; both close when the test ends.
func (f *fixture) browse(t *testing.T, scripts bool) (*httptest.Server, context.Context) {
	t.Helper()
	f.deps.Config.CookieSecure = false
	ts := httptest.NewServer(f.h)
	t.Cleanup(ts.Close)
	return ts, testkit.Browser(t, scripts)
}
