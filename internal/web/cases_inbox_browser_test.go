package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
	"github.com/upstream-platform/upstream/internal/vault"
)

// TestBrowserCaseInboxTools: a case handler on a phone's screen (390 px),
// with scripts off, sees the case where someone is in danger first and
// marked, finds a report by the locator a reporter reads out, assigns it
// to a colleague, and filters by assignee and by overdue; the page never
// gets wider than the screen.
func TestBrowserCaseInboxTools(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	g.deps.Config.CookieSecure = false
	ctx := context.Background()
	bea, err := g.accounts.CreateUser(ctx, account.NewUser{OrgID: g.org.ID, Email: "bea@acme.example", Name: "Bea Costa", Role: account.RoleCaseHandler, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	g.login(t, "case_handler@acme.example", testPassword, "")
	g.login(t, bea.Email, testPassword, "") // makes Bea's key
	late, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"unpaid overtime since March"}}, nil)
	g.clock.Advance(9 * 24 * time.Hour) // the first report is now overdue: acknowledge within 7 days
	plain, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"the canteen is closed"}}, nil)
	danger, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"a worker is locked in the dormitory"}, "danger": {"1"}}, nil)
	if late == "" || plain == "" || danger == "" {
		t.Fatal("a report was not received")
	}
	locator := func(receipt string) string { return strings.ReplaceAll(receipt, "-", "")[:6] }
	// One case has moved on, so the stage filter has something to tell
	// apart.
	_, handler := g.login(t, "case_handler@acme.example", testPassword, "")
	if res := g.post(t, "/cases/"+g.reportIDByReceipt(t, plain)+"/stage", handler, url.Values{"to": {"acknowledged"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("acknowledge: %d", res.StatusCode)
	}

	ts := httptest.NewServer(g.h)
	defer ts.Close()
	b := testkit.Browser(t, false)
	if err := chromedp.Do(b, chromedp.EmulateViewport(390, 800)); err != nil {
		t.Fatal(err)
	}
	signInAs(t, b, ts.URL, "/cases", "case_handler@acme.example")
	rows := func() []string {
		t.Helper()
		if err := chromedp.Do(b, chromedp.WaitVisible(chromedp.CSS("#inbox"))); err != nil {
			t.Fatal(err)
		}
		out, err := chromedp.Run(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#inbox tbody tr")).map(r => r.innerText.replace(/\s+/g, " "))`))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	narrow := func(where string) {
		t.Helper()
		over, err := chromedp.Run(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
		if err != nil || over > 0 {
			t.Errorf("%s is %d px wider than a 390 px screen (%v)", where, over, err)
		}
	}

	all := rows()
	if len(all) != 3 || !strings.HasPrefix(all[0], locator(danger)) || !strings.Contains(all[0], "In danger") {
		t.Fatalf("the case where someone is in danger must come first and be marked: %q", all)
	}
	if !strings.HasPrefix(all[1], locator(late)) || !strings.Contains(all[1], "Overdue by 2 days") {
		t.Fatalf("the overdue case must come next: %q", all)
	}
	if err := waitForText(b, "main", "1 case says someone is in danger"); err != nil {
		t.Error(err)
	}
	narrow("the inbox")

	// The reporter reads out their whole receipt: only its locator is
	// kept, in the search and in the address.
	if err := chromedp.Do(b,
		chromedp.SendKeys(chromedp.CSS("#receipt"), plain),
		chromedp.Submit(chromedp.CSS("#receipt")),
		chromedp.WaitVisible(chromedp.CSS("#clear-filters")),
	); err != nil {
		t.Fatal(err)
	}
	if got := rows(); len(got) != 1 || !strings.HasPrefix(got[0], locator(plain)) {
		t.Fatalf("search by receipt: %q", got)
	}
	if loc, err := chromedp.Run(b, chromedp.Location()); err != nil || strings.Contains(loc, strings.ReplaceAll(plain, "-", "")[6:]) {
		t.Fatalf("the receipt's secret digits are in the address: %s %v", loc, err)
	}

	// Assign it to Bea on the case page.
	if err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS("#inbox tbody a")),
		chromedp.WaitVisible(chromedp.CSS("#assign-to")),
		chromedp.SetValue(chromedp.CSS("#assign-to"), bea.ID),
		chromedp.Submit(chromedp.CSS("#assign-to")),
	); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(b, "main", "The case is assigned to Bea Costa"); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(b, "#case-assignee", "Bea Costa"); err != nil {
		t.Fatal(err)
	}
	narrow("the case page")

	// The stage filter through the form, as a person uses it: scripts are
	// off, so the option is chosen through the DOM.
	if err := chromedp.Do(b,
		chromedp.Navigate(ts.URL+"/cases"),
		chromedp.WaitVisible(chromedp.CSS("#stage")),
		chromedp.SetAttributeValue(chromedp.CSS(`#stage option[value="acknowledged"]`), "selected", "selected"),
		chromedp.Submit(chromedp.CSS("#stage")),
		chromedp.WaitVisible(chromedp.CSS("#clear-filters")),
	); err != nil {
		t.Fatal(err)
	}
	if got := rows(); len(got) != 1 || !strings.HasPrefix(got[0], locator(plain)) || !strings.Contains(got[0], "Acknowledged") {
		t.Errorf("stage Acknowledged chosen in the form: %q", got)
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"assignee=" + bea.ID, []string{locator(plain)}},
		{"assignee=none", []string{locator(danger), locator(late)}},
		{"due=overdue", []string{locator(late)}},
		{"danger=1", []string{locator(danger)}},
		{"severity=unassessed", []string{locator(late), locator(plain)}},
		{"stage=received", []string{locator(danger), locator(late)}},
		{"stage=acknowledged", []string{locator(plain)}},
		{"stage=investigating", []string{"No case matches the search and filters."}},
	} {
		if err := chromedp.Do(b, chromedp.Navigate(ts.URL+"/cases?"+c.query)); err != nil {
			t.Fatal(err)
		}
		got := rows()
		ok := len(got) == len(c.want)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i], c.want[i])
		}
		if !ok {
			t.Errorf("%s: got %q, want rows starting %q", c.query, got, c.want)
		}
		if c.query == "assignee="+bea.ID && !strings.Contains(strings.Join(got, " "), "Bea Costa") {
			t.Errorf("the assignee column does not name Bea: %q", got)
		}
	}
	if err := chromedp.Do(b, chromedp.Navigate(ts.URL+"/cases?receipt=12")); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(b, "#receipt-problem", "type its first 6 digits"); err != nil {
		t.Error(err)
	}
}
