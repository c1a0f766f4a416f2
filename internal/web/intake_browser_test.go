package web

import (
	"context"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
	"github.com/upstream-platform/upstream/internal/vault"
)

// TestBrowserReportWithoutJavaScript submits a report and follows it up in
// headless Chromium with scripts off, in English and in Arabic (right to
// left), and checks the page breaks no CSP rule.
func TestBrowserReportWithoutJavaScript(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	ts := httptest.NewServer(g.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)
	digits := regexp.MustCompile(`^\d{4}(-\d{4}){4}$`)
	for _, tc := range []struct{ lang, dir, narrative string }{
		{"en", "ltr", "The recruiter kept our passports"},
		{"ar", "rtl", "صاحب العمل يحتجز جوازات سفرنا"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			err := chromedp.Do(ctx,
				chromedp.Navigate(ts.URL+"/report/acme?lang="+tc.lang),
				chromedp.WaitVisible(chromedp.CSS("#narrative")),
			)
			if err != nil {
				t.Fatal(err)
			}
			dir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.dir + "/" + getComputedStyle(document.body).direction`))
			if err != nil || dir != tc.dir+"/"+tc.dir {
				t.Fatalf("direction %q (%v)", dir, err)
			}
			err = chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(`input[value="retention_of_documents"]`)),
				chromedp.SendKeys(chromedp.CSS("#narrative"), tc.narrative),
				chromedp.Click(chromedp.CSS("#send")),
			)
			if err != nil {
				t.Fatal(err)
			}
			if err := waitForText(ctx, "main", reporterText[tc.lang]["sent"]); err != nil {
				t.Fatal(err)
			}
			rc, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#receipt")))
			if err != nil || !digits.MatchString(strings.TrimSpace(rc)) {
				t.Fatalf("receipt %q (%v)", rc, err)
			}
			err = chromedp.Do(ctx,
				chromedp.Navigate(ts.URL+"/report/acme/follow-up?lang="+tc.lang),
				chromedp.WaitVisible(chromedp.CSS("#receipt-input")),
				chromedp.SendKeys(chromedp.CSS("#receipt-input"), strings.TrimSpace(rc)),
				chromedp.Submit(chromedp.CSS("#receipt-input")),
			)
			if err != nil {
				t.Fatal(err)
			}
			if err := waitForText(ctx, "main", tc.narrative); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestBrowserReportKeepsTheSupplierFound: a worker searches for the
// company, with scripts off, sees it among the matches, writes the report
// and sends it without touching the choice: the case names that supplier.
func TestBrowserReportKeepsTheSupplierFound(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	if err := g.db.Accounts().SetSupplierSearch(context.Background(), g.org.ID, true); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(g.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)
	searchOnPublicForm(t, ctx, ts.URL, "golden thread", "Golden Thread Spinning Mills (IN)")
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#narrative"), "The supervisor keeps our passports"),
		chromedp.Click(chromedp.CSS("#send")),
	)
	if err != nil {
		t.Fatal(err)
	}
	r := sentReport(t, ctx, g)
	if r.Triage.SupplierID != testSupplierID {
		t.Errorf("the case names supplier %q, want the one the worker found (%s)", r.Triage.SupplierID, testSupplierID)
	}
}

// TestBrowserReportKeepsTheSupplierChosenAmongSeveral: the worker's search
// finds several companies; with scripts off they choose the second one
// and send the report: the case names the one they chose, not the first
// match and not none.
func TestBrowserReportKeepsTheSupplierChosenAmongSeveral(t *testing.T) {
	g, dyeing, ctx := searchTwoGoldenThreads(t)
	choices, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#supplier-matches input[name="supplier_id"]')).map(i => i.value)`))
	if err != nil || len(choices) != 3 || choices[2] != "none" {
		t.Fatalf("choices %q (%v): want both matches and none of these", choices, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#supplier-matches input[value="`+dyeing+`"]`)),
		chromedp.SendKeys(chromedp.CSS("#narrative"), "The dye house locks the gate at night"),
		chromedp.Click(chromedp.CSS("#send")),
	)
	if err != nil {
		t.Fatal(err)
	}
	r := sentReport(t, ctx, g)
	if r.Triage.SupplierID != dyeing {
		t.Errorf("the case names supplier %q, want the one the worker chose (%s)", r.Triage.SupplierID, dyeing)
	}
}

// TestBrowserReportSentBackKeepsTheMatchesAndTheChoice: a report sent back
// for a missing description, after the worker searched for a company and
// chose one of several, shows the form again with the same matches, their
// choice, the words they searched and everything else they ticked or
// typed, without script; sent again, the case names the company chosen.
// Nothing the worker typed reaches the log.
func TestBrowserReportSentBackKeepsTheMatchesAndTheChoice(t *testing.T) {
	g, dyeing, ctx := searchTwoGoldenThreads(t)
	contact, narrative := canary("Contact"), canary("Narrative")
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#supplier-matches input[value="`+dyeing+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name="category"][value="deception"]`)),
		chromedp.Click(chromedp.CSS(`input[name="consent"][value="`+string(grievance.PurposeReferral)+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name="danger"]`)),
		chromedp.SendKeys(chromedp.CSS("#contact"), contact),
		chromedp.Click(chromedp.CSS("#send")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main", reporterText["en"]["err_describe"]); err != nil {
		t.Fatal(err)
	}
	type shown struct {
		Matches  []string `json:"matches"`
		Chosen   []string `json:"chosen"`
		Checked  []string `json:"checked"`
		Contact  string   `json:"contact"`
		Searched string   `json:"searched"`
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[shown](`({
		matches: Array.from(document.querySelectorAll('#supplier-matches input[name="supplier_id"]')).map(i => i.value),
		chosen: Array.from(document.querySelectorAll('input[name="supplier_id"]:checked')).map(i => i.value),
		checked: Array.from(document.querySelectorAll('input[type="checkbox"]:checked')).map(i => i.name + "=" + i.value),
		contact: document.querySelector('#contact').value,
		searched: document.querySelector('#q').value,
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{testSupplierID, dyeing, "none"}; !slices.Equal(got.Matches, want) {
		t.Errorf("the form sent back offers %q, want both matches and none of these %q", got.Matches, want)
	}
	if !slices.Equal(got.Chosen, []string{dyeing}) {
		t.Errorf("the form sent back has %q chosen, want the worker's choice %s", got.Chosen, dyeing)
	}
	if want := []string{"category=deception", "consent=" + string(grievance.PurposeReferral), "danger=1"}; !slices.Equal(got.Checked, want) {
		t.Errorf("the form sent back has %q ticked, want %q", got.Checked, want)
	}
	if got.Contact != contact || got.Searched != "golden thread" {
		t.Errorf("the form sent back lost what was typed: contact %q, search %q", got.Contact, got.Searched)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#narrative"), narrative),
		chromedp.Click(chromedp.CSS("#send")),
	)
	if err != nil {
		t.Fatal(err)
	}
	r := sentReport(t, ctx, g)
	if r.Triage.SupplierID != dyeing || r.Triage.Severity != grievance.SeverityCritical {
		t.Errorf("the case names supplier %q with severity %q, want the worker's choice %s, in danger", r.Triage.SupplierID, r.Triage.Severity, dyeing)
	}
	for _, typed := range []string{contact, narrative, "golden thread", "Golden Thread"} {
		if strings.Contains(g.logs.String(), typed) {
			t.Errorf("the log holds %q, which the worker typed or their search found", typed)
		}
	}
}

// sentReport waits for the page that confirms a report was sent and
// returns the report its receipt names.
func sentReport(t *testing.T, ctx context.Context, g *gFixture) grievance.Report {
	t.Helper()
	if err := waitForText(ctx, "main", reporterText["en"]["sent"]); err != nil {
		t.Fatal(err)
	}
	rc, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#receipt")))
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.st.Report(context.Background(), g.org.ID, g.reportIDByReceipt(t, strings.TrimSpace(rc)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// searchOnPublicForm opens the public report form, searches for a company
// by name and waits until the matches list want.
func searchOnPublicForm(t *testing.T, ctx context.Context, base, query, want string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/report/acme?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), query),
		chromedp.Submit(chromedp.CSS("#q")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#supplier-matches", want); err != nil {
		t.Fatal(err)
	}
}

// searchTwoGoldenThreads serves a grievance fixture whose public form
// searches suppliers, two of which match "golden thread": the spinning
// mill (the test supplier) and a dye house, whose id it returns. A browser
// without script has searched for "golden thread" on the form and sees both.
func searchTwoGoldenThreads(t *testing.T) (*gFixture, string, context.Context) {
	t.Helper()
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	if err := g.db.Accounts().SetSupplierSearch(context.Background(), g.org.ID, true); err != nil {
		t.Fatal(err)
	}
	dyeing := kernel.NewID()
	g.deps.Intake.Suppliers = fakeSuppliers{
		{ID: testSupplierID, Name: "Golden Thread Spinning Mills", Country: "IN"},
		{ID: dyeing, Name: "Golden Thread Dyeing Works", Country: "BD"},
	}
	ts := httptest.NewServer(g.h)
	t.Cleanup(ts.Close) // after the browser, which closes first
	ctx := testkit.Browser(t, false)
	searchOnPublicForm(t, ctx, ts.URL, "golden thread", "Golden Thread Dyeing Works (BD)")
	return g, dyeing, ctx
}
