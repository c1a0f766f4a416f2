package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"net/http/httptest"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// newReportsPickFixture is the reports fixture with the supplier register
// on and a second supplier whose name starts like the grinder's.
func newReportsPickFixture(t *testing.T) *reportsFixture {
	t.Helper()
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Suppliers = f.db.SupplyChain()
	if err := f.db.SupplyChain().UpsertParties(context.Background(), f.org.ID, []supplychain.Party{
		{ID: supplychain.RefID("ATLAS"), Ref: "ATLAS", Name: "Grinder Atlas", Kind: supplychain.KindCompany, Country: "BE"},
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestReportsPageFindsSupplierByName: the reports page and its download
// take a supplier's name, never its id; a name several suppliers start
// with lists them to choose from, a whole name picks its supplier even
// when a longer one starts the same, and a name no supplier has says so.
func TestReportsPageFindsSupplierByName(t *testing.T) {
	t.Parallel()
	f := newReportsPickFixture(t)
	atlas := supplychain.RefID("ATLAS")
	tests := []struct {
		name, path  string
		status      int
		contentType string
		want        []string
		not         []string
	}{
		{"search lists both", "/reports?kind=supplier-risk&format=csv&supplier=grinder", 200, "text/html",
			[]string{`2 suppliers match “grinder”: choose one`, "Grinder A, Netherlands", "Grinder Atlas, Belgium", `value="` + atlas + `"`, `id="format-csv" name="format" value="csv" checked`}, nil},
		{"whole name picks", "/reports?supplier=Grinder+A", 200, "text/html",
			[]string{"The report will be on <strong>Grinder A</strong> (Netherlands)"}, []string{`name="subject"`}},
		{"no such name", "/reports?supplier=Mill", 200, "text/html", []string{"No supplier matches “Mill”"}, nil},
		{"download by whole name", "/reports/download?kind=supplier-risk&format=csv&supplier=grinder+a", 200, "text/csv", []string{"Grinder A", "Farm A"}, []string{"Grinder Atlas"}},
		{"download by choice", "/reports/download?kind=supplier-risk&format=csv&supplier=grinder&subject=" + atlas, 200, "text/csv", []string{"Grinder Atlas"}, []string{"Farm A"}},
		{"download asks to choose", "/reports/download?kind=supplier-risk&format=csv&supplier=grinder", 422, "text/html", []string{"choose one", "Grinder Atlas, Belgium"}, nil},
		{"a choice the name does not match is not taken", "/reports/download?kind=supplier-risk&format=csv&supplier=farm&subject=" + atlas, 200, "text/csv", []string{"Farm A"}, []string{"Grinder Atlas"}},
		{"download of nothing found", "/reports/download?kind=scorecard&format=html&supplier=zz", 422, "text/html", []string{"No supplier matches “zz”"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := f.call(t, "viewer", "GET", tc.path, "", nil)
			if res.StatusCode != tc.status || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.contentType) {
				t.Fatalf("status %d, type %q:\n%.600s", res.StatusCode, res.Header.Get("Content-Type"), body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q:\n%s", w, body)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(body, n) {
					t.Errorf("body has %q", n)
				}
			}
			if strings.Contains(body, "Grinder B") {
				t.Error("another organisation's supplier appears")
			}
		})
	}
}

// TestBrowserReportOnSupplierChosenByName: with scripts off, a viewer
// types the start of a name on the reports page, chooses one of the
// suppliers it finds and downloads the supplier-risk CSV of that supplier
// and the chain behind it.
func TestBrowserReportOnSupplierChosenByName(t *testing.T) {
	f := newReportsPickFixture(t)
	f.deps.Config.CookieSecure = false // httptest serves plain http on 127.0.0.1
	ts := httptest.NewServer(f.h)
	defer ts.Close()
	b := testkit.Browser(t, false)
	dir := t.TempDir()
	yes := true
	if _, err := chromedp.CallBrowser(b, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes}); err != nil {
		t.Fatal(err)
	}
	signInAs(t, b, ts.URL, "/reports", "viewer@acme.example")
	if err := chromedp.Do(b,
		chromedp.WaitVisible(chromedp.CSS("#supplier")),
		chromedp.Click(chromedp.CSS("#kind-supplier-risk")),
		chromedp.Click(chromedp.CSS("#format-csv")),
		chromedp.SendKeys(chromedp.CSS("#supplier"), "grinder"),
		chromedp.Click(chromedp.CSS("#find-supplier")),
	); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(b, "#supplier-found", "2 suppliers match “grinder”: choose one"); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(b, time.Minute)
	defer cancel()
	done := chromedp.BrowserEvents(wait, browser.DownloadProgress)
	if err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`label[for="subject-0"]`)),
		chromedp.Click(chromedp.CSS("#download")),
	); err != nil {
		t.Fatal(err)
	}
	var guid string
	for ev, err := range done {
		if err != nil {
			page, _ := chromedp.Run(b, chromedp.Text(chromedp.CSS("body"), chromedp.AtLeast(0)))
			t.Fatalf("nothing was downloaded (%v); the browser shows: %.500s", err, page)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
	}
	csv, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(csv), "Farm A") || strings.Contains(string(csv), "Grinder Atlas") {
		t.Errorf("the CSV is not on Grinder A and its chain:\n%.800s", csv)
	}
}
