package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
	"github.com/upstream-platform/upstream/internal/vault"
)

// caseInRemediation files a report and moves its case to remediation as
// the case handler, returning the report id and the reporter's receipt.
func caseInRemediation(t *testing.T, g *gFixture) (id, receipt string) {
	t.Helper()
	_, h := g.login(t, "case_handler@acme.example", testPassword, "")
	rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"wages held back three months"}, "category": {"withholding_of_wages"}}, nil)
	id = g.reportIDByReceipt(t, rc)
	for _, to := range []string{"acknowledged", "investigating", "remediation"} {
		if res := g.post(t, "/cases/"+id+"/stage", h, url.Values{"to": {to}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("stage %s: %d", to, res.StatusCode)
		}
	}
	return id, rc
}

// signInAs signs in through the login page in the browser.
func signInAs(t *testing.T, ctx context.Context, base, path, email string) {
	t.Helper()
	err := chromedp.Do(ctx,
		browserSignIn(base+path, email, testPassword),
	)
	if err != nil {
		t.Fatal(err)
	}
}

// TestBrowserRemedyAmountShownAsEntered: a handler proposes 36000 US
// dollars on the case page, with scripts off; the case page and the
// worker's follow-up page both read "USD 36,000.00", not the amount in
// cents.
func TestBrowserRemedyAmountShownAsEntered(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	g.deps.Config.CookieSecure = false
	id, rc := caseInRemediation(t, g)
	ts := httptest.NewServer(g.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)
	signInAs(t, ctx, ts.URL, "/cases/"+id, "case_handler@acme.example")
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS("#amount")),
		chromedp.SendKeys(chromedp.CSS("#amount"), "36000"),
		chromedp.SendKeys(chromedp.CSS("#currency"), "usd"),
		chromedp.SendKeys(chromedp.CSS("#description"), "three months of wages"),
		chromedp.Submit(chromedp.CSS("#description")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main", "USD 36,000.00"); err != nil {
		t.Fatalf("case page: %v", err)
	}
	if text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"))); strings.Contains(text, "3600000") || strings.Contains(text, "minor units") {
		t.Errorf("case page shows the amount in cents: %q", text)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/report/acme/follow-up?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#receipt-input")),
		chromedp.SendKeys(chromedp.CSS("#receipt-input"), rc),
		chromedp.Submit(chromedp.CSS("#receipt-input")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main", "USD 36,000.00"); err != nil {
		t.Fatalf("worker's page: %v", err)
	}
	if text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"))); strings.Contains(text, "3600000") {
		t.Errorf("worker's page shows the amount in cents: %q", text)
	}
}

// TestBrowserCloseWithOpenRemedyAsksWhy: one remedy implemented and a
// second still proposed, unanswered by the worker. Closing as resolved
// (scripts off) is held with a warning; the case closes only once the
// handler confirms and says why.
func TestBrowserCloseWithOpenRemedyAsksWhy(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	g.deps.Config.CookieSecure = false
	id, _ := caseInRemediation(t, g)
	_, h := g.login(t, "case_handler@acme.example", testPassword, "")
	for _, d := range []string{"back pay for March", "back pay for April"} {
		if res := g.post(t, "/cases/"+id+"/remedies", h, url.Values{"type": {"back_pay"}, "amount": {"120"}, "currency": {"USD"}, "description": {d}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("propose: %d", res.StatusCode)
		}
	}
	rems, err := g.st.Remedies(context.Background(), g.org.ID, id)
	if err != nil || len(rems) != 2 {
		t.Fatalf("remedies: %v %v", rems, err)
	}
	evidence := url.Values{"note": {"paid by bank transfer, receipt seen"}, "day": {g.clock.Now().Format("2006-01-02")}}
	if res := g.post(t, "/cases/"+id+"/remedies/"+rems[0].ID+"/implement", h, evidence); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("implement: %d", res.StatusCode)
	}
	ts := httptest.NewServer(g.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)
	signInAs(t, ctx, ts.URL, "/cases/"+id, "case_handler@acme.example")
	closeAs := func(confirm bool, note string) {
		t.Helper()
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.WaitVisible(chromedp.CSS("#to")),
			// Scripts are off, so options are chosen through the DOM.
			chromedp.SetAttributeValue(chromedp.CSS(`#to option[value="closed"]`), "selected", "selected"),
			chromedp.SetAttributeValue(chromedp.CSS(`#reason option[value="resolved"]`), "selected", "selected"),
		}
		if note != "" {
			steps = append(steps, chromedp.SendKeys(chromedp.CSS("#note"), note))
		}
		if confirm {
			steps = append(steps, chromedp.Click(chromedp.CSS(`input[name="confirm_open_remedies"]`)))
		}
		steps = append(steps, chromedp.Submit(chromedp.CSS("#note")))
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	if err := waitForText(ctx, "#open-remedies", "One remedy is still open"); err != nil {
		t.Fatalf("no warning before closing: %v", err)
	}
	closeAs(false, "")
	if err := waitForText(ctx, "main", "to close the case anyway, confirm it and say why in the note"); err != nil {
		t.Fatal(err)
	}
	if r, _ := g.st.Report(context.Background(), g.org.ID, id); r.Case.Stage == "closed" {
		t.Fatal("the case closed without confirmation")
	}
	closeAs(true, "")
	if err := waitForText(ctx, "main", "say in the note why the case closes before it is settled"); err != nil {
		t.Fatal(err)
	}
	closeAs(true, "worker moved away; the April back pay goes through the union")
	if err := waitForText(ctx, "#case-stage", "Closed (resolved)"); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserRemedyEvidence: with scripts off, a case handler records that
// a remedy was carried out, with a note, the day and a photo of the
// payment slip as evidence; a day in the future is refused in words; the
// case page then shows the note and links the file, cleared of its GPS
// position.
func TestBrowserRemedyEvidence(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	g.deps.Config.CookieSecure = false
	id, _ := caseInRemediation(t, g)
	// The handler has a person's name, which "verified by" must show
	// instead of the address or the id.
	handler, err := g.db.Accounts().UserByEmail(context.Background(), "case_handler@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	handler.Name = "Dana Silva"
	if err := g.db.Accounts().UpdateUser(context.Background(), handler); err != nil {
		t.Fatal(err)
	}
	_, h := g.login(t, "case_handler@acme.example", testPassword, "")
	if res := g.post(t, "/cases/"+id+"/remedies", h, url.Values{"type": {"back_pay"}, "amount": {"250"}, "currency": {"USD"}, "description": {"two weeks of wages"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("propose: %d", res.StatusCode)
	}
	photo, err := filepath.Abs(filepath.Join("..", "filemeta", "testdata", "gps.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(g.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)
	signInAs(t, ctx, ts.URL, "/cases/"+id, "case_handler@acme.example")
	tomorrow := g.clock.Now().AddDate(0, 0, 1).Format("2006-01-02")
	fill := func(day string) error {
		return chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS("details.evidence summary")),
			chromedp.Click(chromedp.CSS("details.evidence summary")),
			chromedp.WaitVisible(chromedp.CSS("#ev-note-0")),
			chromedp.SendKeys(chromedp.CSS("#ev-note-0"), "paid in cash in front of the union representative"),
			// The date picker's limits are the browser's help; the server
			// checks the day itself.
			chromedp.Evaluate[chromedp.Void](`document.getElementById("ev-day-0").removeAttribute("max")`),
			chromedp.SetValue(chromedp.CSS("#ev-day-0"), day),
			chromedp.SetUploadFiles(chromedp.CSS("#ev-file-0"), []string{photo}),
			chromedp.Submit(chromedp.CSS("#ev-note-0")),
		)
	}
	if err := fill(tomorrow); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main .error", "cannot be in the future"); err != nil {
		t.Fatalf("a day in the future: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/cases/"+id)); err != nil {
		t.Fatal(err)
	}
	if err := fill(g.clock.Now().Format("2006-01-02")); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "main", "and the file gps.jpg as evidence"); err != nil {
		t.Fatalf("confirmation: %v", err)
	}
	if err := waitForText(ctx, ".evidence-note", "paid in cash in front of the union representative"); err != nil {
		t.Fatal(err)
	}
	rems, _ := g.st.Remedies(context.Background(), g.org.ID, id)
	if len(rems) != 1 || rems[0].Status != "implemented" {
		t.Fatalf("remedy: %+v", rems)
	}
	if err := waitForText(ctx, "main", "(verified by Dana Silva)"); err != nil {
		t.Errorf("who verified the remedy: %v", err)
	}
	if text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"))); strings.Contains(text, handler.Email) || strings.Contains(text, handler.ID) {
		t.Errorf("the case page shows the handler's address or id: %q", text)
	}
	res := g.do(t, "GET", "/cases/"+id+"/remedies/"+rems[0].ID+"/evidence", "", h, nil)
	got := []byte(body(t, res))
	if res.StatusCode != http.StatusOK || len(got) < 100 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("evidence file: %d %q, %d bytes", res.StatusCode, res.Header.Get("Content-Disposition"), len(got))
	}
	if bytes.Contains(got, []byte("Canary")) {
		t.Error("the evidence photo keeps its hidden details")
	}
}
