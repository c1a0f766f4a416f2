package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
	"github.com/upstream-platform/upstream/internal/vault"
)

// TestBrowserAuditLogShowsWhoDidWhatNeverContent: after a case handler
// reads and moves a case, the administrator, with scripts off, finds the
// audit log from the settings page and reads who did what to which case
// and when, filters it by person and kind, and never sees what the case
// says or an id.
func TestBrowserAuditLogShowsWhoDidWhatNeverContent(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	g.deps.Config.CookieSecure = false
	_, h := g.login(t, "case_handler@acme.example", testPassword, "")
	const secret = "the supervisor Tomasz keeps our passports"
	rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {secret}}, nil)
	id := g.reportIDByReceipt(t, rc)
	if res := g.do(t, "GET", "/cases/"+id, "", h, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("case page: %d", res.StatusCode)
	}
	if res := g.post(t, "/cases/"+id+"/stage", h, url.Values{"to": {"acknowledged"}, "note": {secret}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("stage: %d", res.StatusCode)
	}
	locator := strings.ReplaceAll(rc, "-", "")[:6]

	ts := httptest.NewServer(g.h)
	defer ts.Close()
	b, cancel := context.WithTimeout(testkit.Browser(t, false), 2*time.Minute)
	defer cancel()
	signInAs(t, b, ts.URL, "/admin/settings", "admin@acme.example")
	if err := chromedp.Do(b,
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/audit-log"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/admin/audit-log"]`)),
		chromedp.WaitVisible(chromedp.CSS("#audit-log")),
	); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(b, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"read a case", "moved a case to another stage", "case " + locator + "-…", "to: Acknowledged", "added a user"} {
		if !strings.Contains(text, want) {
			t.Errorf("the audit log does not say %q", want)
		}
	}
	if strings.Contains(text, "Tomasz") || strings.Contains(text, "passports") {
		t.Error("the audit log shows what the case says")
	}
	if m := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`).FindString(text); m != "" {
		t.Errorf("the audit log shows an id: %s", m)
	}
	// Only case actions by the case handler.
	if err := chromedp.Do(b,
		chromedp.SetValue(chromedp.CSS("#person"), g.users["case_handler"].ID),
		chromedp.SetValue(chromedp.CSS("#kind"), "grievance."),
		chromedp.Submit(chromedp.CSS("#kind")),
		chromedp.WaitReady(chromedp.CSS(`#person option[selected]`)),
	); err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#audit-log tbody tr")).map(r => r.innerText)`))
	if err != nil || len(rows) == 0 {
		t.Fatalf("filtered rows: %v %v", rows, err)
	}
	for _, r := range rows {
		if !strings.Contains(r, "case") || strings.Contains(r, "added a user") {
			t.Errorf("a row outside the filter: %q", r)
		}
	}
}
