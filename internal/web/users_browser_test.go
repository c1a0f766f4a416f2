package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestBrowserInviteUserSaysSo: an administrator invites a colleague on the
// users page, with scripts off; the page they land on says who was
// invited and as what, once, and lists the invitation waiting.
func TestBrowserInviteUserSaysSo(t *testing.T) {
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ts, ctx := f.browse(t, false)
	if err := chromedp.Do(ctx, browserSignIn(ts.URL+"/admin/users", "admin@acme.example", testPassword)); err != nil {
		t.Fatal(err)
	}
	// The sign-in form has an #email field too: wait for the users page.
	if err := waitForText(ctx, "h1", "Users"); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#email"), "ana@acme.example"),
		chromedp.SendKeys(chromedp.CSS("#name"), "Ana Lopes"),
		// Scripts are off, so the option is chosen through the DOM.
		chromedp.SetAttributeValue(chromedp.CSS(`#role option[value="case_handler"]`), "selected", "selected"),
		chromedp.Submit(chromedp.CSS("#name")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#flash", "An invitation to join as case handler is on its way to Ana Lopes (ana@acme.example)."); err != nil {
		t.Fatalf("no confirmation after inviting: %v", err)
	}
	if err := waitForText(ctx, "#users-caption-2", "Invitations waiting for a password"); err != nil {
		t.Fatal(err)
	}
	if text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"))); err != nil || !strings.Contains(text, "Ana Lopes") {
		t.Errorf("the invitation is not listed: %q (%v)", text, err)
	}
	// The message is said once: the same page loaded again is quiet.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/admin/users"), chromedp.WaitVisible(chromedp.CSS("#email"))); err != nil {
		t.Fatal(err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#flash").length`)); err != nil || n != 0 {
		t.Errorf("the message is shown again on reload: %d (%v)", n, err)
	}
}
