package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/geo"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// eudrFormsFixture is the web fixture with the EUDR service on db and the
// two test plots imported.
func eudrFormsFixture(t *testing.T, db *sqlstore.DB) (*fixture, []eudr.Plot) {
	t.Helper()
	f := newFixture(t, db)
	borders, err := geo.DefaultBorders()
	if err != nil {
		t.Fatal(err)
	}
	svc := eudr.NewService(db.EUDR(), borders, func(c string) string { return map[string]string{"CI": "standard"}[c] }, f.clock)
	f.deps.EUDR = svc
	ctx := context.Background()
	if _, err := svc.ImportPlots(ctx, f.org.ID, "plots.geojson", eudr.FormatGeoJSON, strings.NewReader(eudrTestPlots)); err != nil {
		t.Fatal(err)
	}
	plots, err := db.EUDR().ListPlots(ctx, f.org.ID)
	if err != nil || len(plots) != 2 {
		t.Fatalf("plots %d %v", len(plots), err)
	}
	return f, plots
}

// TestEUDRFormsRefuseBadInput posts each form with bad input: the page
// comes back with the form as sent and a message naming the field, and
// nothing is stored. Viewers see no forms.
func TestEUDRFormsRefuseBadInput(t *testing.T) {
	t.Parallel()
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, plots := eudrFormsFixture(t, db)
		_, analyst := f.login(t, f.users[account.RoleAnalyst].Email, testPassword, "")
		_, viewer := f.login(t, f.users[account.RoleViewer].Email, testPassword, "")
		ctx := context.Background()
		lot := url.Values{"ref": {"SHIP-9"}, "commodity": {"cocoa"}, "hs_codes": {"1801"}, "description": {"Cocoa beans"}, "net_mass_kg": {"1000"}, "plots": {plots[0].ID}}
		with := func(k, v string) string {
			c := url.Values{}
			for key, vs := range lot {
				c[key] = vs
			}
			c.Set(k, v)
			return c.Encode()
		}
		tests := []struct {
			name, path, body string
			status           int
			want             []string
		}{
			{"no reference", "/eudr/lots", with("ref", " "), 422, []string{"Reference: give the lot a reference", `value="Cocoa beans"`}},
			{"bad HS code", "/eudr/lots", with("hs_codes", "1801, 18X1"), 422, []string{"HS codes: &#34;18X1&#34; is not an HS heading", `value="1801, 18X1"`}},
			{"bad mass", "/eudr/lots", with("net_mass_kg", "lots"), 422, []string{"Net mass: &#34;lots&#34; is not a number"}},
			{"not a commodity", "/eudr/lots", with("commodity", "cotton"), 422, []string{"Commodity: choose one of the seven commodities"}},
			{"unknown plot", "/eudr/lots", with("plots", "no-such-plot"), 422, []string{"no-such-plot"}},
			{"period backwards", "/eudr/lots", with("period_to", "2020-01-01") + "&period_from=2021-01-01", 422, []string{"Period: the period ends before it starts"}},
			{"operator without address", "/eudr/operator", url.Values{"name": {"Acme"}, "country": {"BE"}}.Encode(), 422, []string{"Address: give the operator&#39;s postal address"}},
			{"operator in no country", "/eudr/operator", url.Values{"name": {"Acme"}, "address": {"Rue 1"}, "country": {"Atlantis"}}.Encode(), 422, []string{"Country: "}},
		}
		for _, tt := range tests {
			res := f.do(t, "POST", tt.path, tt.body, analyst, nil)
			page := pageText(t, res)
			if res.StatusCode != tt.status {
				t.Errorf("%s: status %d, want %d", tt.name, res.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("%s: page lacks %q", tt.name, w)
				}
			}
		}
		if lots, _ := db.EUDR().ListLots(ctx, f.org.ID); len(lots) != 0 {
			t.Fatalf("refused forms stored %d lot(s)", len(lots))
		}
		if _, err := db.EUDR().Operator(ctx, f.org.ID); err == nil {
			t.Fatal("a refused operator form stored the operator")
		}

		// A reference another lot holds is refused on creation.
		if res := f.do(t, "POST", "/eudr/lots", lot.Encode(), analyst, nil); res.StatusCode != 200 {
			t.Fatalf("create: %d %s", res.StatusCode, pageText(t, res))
		}
		res := f.do(t, "POST", "/eudr/lots", lot.Encode(), analyst, nil)
		if page := pageText(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(page, "a lot with the reference SHIP-9 exists already") {
			t.Errorf("duplicate reference: %d", res.StatusCode)
		}

		// Evidence: a forest-loss analysis needs its method and period.
		body, ct := multipartForm(t, url.Values{"kind": {"forest-loss"}, "source": {"Monitoring service"}, "date": {"2026-04-10"}, "loss_ha": {"0"}}, nil)
		res = f.do(t, "POST", "/eudr/plots/"+plots[0].ID+"/evidence", body, analyst, map[string]string{"Content-Type": ct})
		if page := pageText(t, res); res.StatusCode != 422 || !strings.Contains(page, "Method: say how the loss was measured") || !strings.Contains(page, `value="Monitoring service"`) {
			t.Errorf("evidence without method: %d %s", res.StatusCode, page)
		}
		body, ct = multipartForm(t, url.Values{"kind": {"land-title"}, "source": {"AFOR"}, "date": {"10/04/2026"}}, nil)
		res = f.do(t, "POST", "/eudr/plots/"+plots[0].ID+"/evidence", body, analyst, map[string]string{"Content-Type": ct})
		if page := pageText(t, res); res.StatusCode != 422 || !strings.Contains(page, "Date: &#34;10/04/2026&#34; is not a date; write it as YYYY-MM-DD") {
			t.Errorf("evidence with a bad date: %d", res.StatusCode)
		}
		if ev, _ := db.EUDR().Evidence(ctx, f.org.ID, []string{plots[0].ID}); len(ev[plots[0].ID]) != 0 {
			t.Fatalf("refused evidence stored: %+v", ev)
		}

		// Deciding before assessing, and negligible with concerns open.
		res = f.do(t, "POST", "/eudr/lots/SHIP-9/decision", url.Values{"conclusion": {"negligible"}, "reason": {"fine"}}.Encode(), analyst, nil)
		if page := pageText(t, res); res.StatusCode != 422 || !strings.Contains(page, "lot SHIP-9 has no assessment yet") {
			t.Errorf("decision before assessment: %d", res.StatusCode)
		}
		if res = f.do(t, "POST", "/eudr/lots/SHIP-9/assessment", url.Values{"forests": {"yes"}}.Encode(), analyst, nil); res.StatusCode != 200 {
			t.Fatalf("assess: %d", res.StatusCode)
		}
		res = f.do(t, "POST", "/eudr/lots/SHIP-9/decision", url.Values{"conclusion": {"negligible"}, "reason": {"looks fine"}}.Encode(), analyst, nil)
		if page := pageText(t, res); res.StatusCode != 422 || !strings.Contains(page, "cannot be concluded negligible") || !strings.Contains(page, "looks fine") {
			t.Errorf("negligible with open concerns: %d", res.StatusCode)
		}
		res = f.do(t, "POST", "/eudr/lots/SHIP-9/mitigation", url.Values{"criterion": {"z"}, "measure": {"Audit"}}.Encode(), analyst, nil)
		if page := pageText(t, res); res.StatusCode != 422 || !strings.Contains(page, "Criterion: &#34;z&#34; is not a criterion") {
			t.Errorf("mitigation of no criterion: %d", res.StatusCode)
		}

		// A lot covered by earlier statements only gets no statement of its
		// own, and the page says why.
		down := url.Values{"ref": {"RESALE-1"}, "commodity": {"cocoa"}, "hs_codes": {"1806"}, "net_mass_kg": {"500"}, "activity": {"trade"},
			"upstream": {"25FRXVV3VOS991:KLEMD7RM"}}
		res = f.do(t, "POST", "/eudr/lots", down.Encode(), analyst, nil)
		if page := pageText(t, res); res.StatusCode != 200 || !strings.Contains(page, `id="downstream"`) || strings.Contains(page, "Make the due diligence statement") ||
			!strings.Contains(page, "a downstream operator or a trader makes no due diligence statement of its own") {
			t.Errorf("downstream lot page: %d", res.StatusCode)
		}
		res = f.do(t, "POST", "/eudr/lots/RESALE-1/statement", "", analyst, nil)
		if page := pageText(t, res); res.StatusCode != 422 || !strings.Contains(page, "covered by earlier statements only") {
			t.Errorf("statement for a downstream lot: %d", res.StatusCode)
		}

		// Viewers read the pages without any of the forms.
		for _, path := range []string{"/eudr", "/eudr/lots/SHIP-9", "/eudr/plots/" + plots[0].ID} {
			res := f.do(t, "GET", path, "", viewer, nil)
			page := pageText(t, res)
			if res.StatusCode != 200 || strings.Contains(page, `action="/eudr/`) {
				t.Errorf("viewer on %s: %d, forms shown: %v", path, res.StatusCode, strings.Contains(page, `action="/eudr/`))
			}
		}
	})
}

// TestBrowserEUDRRecords keeps a cocoa lot's records through the forms, in
// headless Chromium with scripts off, on both engines: the operator, a new
// lot, evidence with its file, the assessment, a mitigation measure, the
// decision, a change to the lot, and the statement. Each form confirms
// what it did, and the pages name plots and people, never ids.
func TestBrowserEUDRRecords(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, plots := eudrFormsFixture(t, db)
		ts, ctx := f.browse(t, false)
		report := filepath.Join(t.TempDir(), "forest-loss-report.pdf")
		if err := os.WriteFile(report, []byte("%PDF-1.4 forest-loss analysis, no loss found"), 0o644); err != nil {
			t.Fatal(err)
		}
		run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			if err := chromedp.Do(ctx, actions...); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		expect := func(css, text string) {
			t.Helper()
			if err := waitForText(ctx, css, text); err != nil {
				body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 1500)`))
				t.Fatalf("%v\npage:\n%s", err, body)
			}
		}
		noIDs := func(page string) {
			t.Helper()
			text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range plots {
				if strings.Contains(text, p.ID) {
					t.Errorf("%s shows the plot id %s", page, p.ID)
				}
			}
		}

		run("sign in",
			browserSignIn(ts.URL+"/eudr", "analyst@acme.example", testPassword),
		)
		expect("h1", "Deforestation due diligence")
		checkAccessibility(t, ctx, "EUDR overview")

		run("operator",
			chromedp.SendKeys(chromedp.CSS("#op-name"), "Chocolaterie Exemple SA"),
			chromedp.SendKeys(chromedp.CSS("#op-address"), "Rue de l'Exemple 1, 1000 Bruxelles"),
			chromedp.SetValue(chromedp.CSS("#op-country"), "BE"),
			chromedp.Submit(chromedp.CSS("#op-name")),
		)
		expect(".notice", "Operator details saved: Chocolaterie Exemple SA, Belgium.")
		expect("#operator-now", "Chocolaterie Exemple SA, Rue de l'Exemple 1, 1000 Bruxelles, Belgium")

		run("new lot with a bad HS code",
			chromedp.SendKeys(chromedp.CSS("#new-ref"), "SHIP-041"),
			chromedp.SetValue(chromedp.CSS("#new-commodity"), "cocoa"),
			chromedp.SendKeys(chromedp.CSS("#new-hs"), "1801 00, cocoa"),
			chromedp.SendKeys(chromedp.CSS("#new-description"), "Cocoa beans, raw"),
			chromedp.SendKeys(chromedp.CSS("#new-mass"), "24000"),
			chromedp.Click(chromedp.CSS(`#new-plot-`+plots[0].ID)),
			chromedp.Click(chromedp.CSS(`#new-plot-`+plots[1].ID)),
			chromedp.Submit(chromedp.CSS("#new-ref")),
		)
		expect("#new-lot-error", `HS codes: "cocoa" is not an HS heading`)
		checkAccessibility(t, ctx, "refused lot form")
		run("fix the HS code",
			chromedp.SetValue(chromedp.CSS("#new-hs"), "1801 00"),
			chromedp.Submit(chromedp.CSS("#new-ref")),
		)
		expect(".notice", "Lot SHIP-041 created: Cocoa, 24,000 kg, 2 plot(s), 0 earlier statement(s).")
		expect("h1", "Lot SHIP-041")
		expect(".checklist", "PLOT-1: No forest-loss analysis (gap)")
		noIDs("lot page")
		checkAccessibility(t, ctx, "lot page")
		screenshot(t, ctx, "eudr-lot-forms.png")

		// Evidence on the first plot, from its page.
		run("open the plot", chromedp.Click(chromedp.CSS(`#plots-caption ~ tbody a[href="/eudr/plots/`+plots[0].ID+`"]`)))
		expect("h1", "Plot PLOT-1")
		expect("#plot-deforestation", "No forest-loss analysis (gap)")
		run("forest-loss analysis",
			chromedp.SendKeys(chromedp.CSS("#e-source"), "Forest monitoring service"),
			chromedp.SetValue(chromedp.CSS("#e-date"), "2026-04-10"),
			chromedp.SetValue(chromedp.CSS("#e-to"), "2026-04-01"),
			chromedp.SendKeys(chromedp.CSS("#e-loss"), "0"),
			chromedp.SendKeys(chromedp.CSS("#e-method"), "Hansen GFC, 10% canopy, 30 m"),
			chromedp.SetUploadFiles(chromedp.CSS("#e-file"), []string{report}),
			chromedp.Submit(chromedp.CSS("#e-source")),
		)
		expect(".notice", "Forest-loss analysis from Forest monitoring service dated 10 April 2026 recorded on plot PLOT-1 by analyst, with the file forest-loss-report.pdf.")
		expect("#plot-deforestation", "No forest loss found after 31 December 2020")
		expect("#evidence", "forest-loss-report.pdf")
		run("land title",
			chromedp.SetValue(chromedp.CSS("#e-kind"), "land-title"),
			chromedp.SendKeys(chromedp.CSS("#e-source"), "AFOR land registry"),
			chromedp.SetValue(chromedp.CSS("#e-date"), "2019-05-02"),
			chromedp.Submit(chromedp.CSS("#e-source")),
		)
		expect(".notice", "Land title or right of use from AFOR land registry dated 2 May 2019 recorded on plot PLOT-1 by analyst.")
		expect("#plot-legality", "On file")
		noIDs("plot page")
		checkAccessibility(t, ctx, "plot page")
		screenshot(t, ctx, "eudr-plot-evidence.png")
		link, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#evidence a`), "href"))
		if err != nil {
			t.Fatal(err)
		}
		href := link.Value
		res := f.do(t, "GET", href, "", sessionOf(t, f, account.RoleViewer), nil)
		if got := pageText(t, res); res.StatusCode != 200 || got != "%PDF-1.4 forest-loss analysis, no loss found" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("evidence file: %d %q %q", res.StatusCode, res.Header.Get("Content-Disposition"), got)
		}

		// The second plot's evidence comes in through the service, as from
		// the command line.
		svc := f.deps.EUDR
		for _, e := range []eudr.Evidence{
			{PlotID: plots[1].ID, Kind: eudr.ForestLoss, Source: "Forest monitoring service", Date: f.clock.Now().AddDate(0, -1, 0), PeriodFrom: eudr.Cutoff, PeriodTo: f.clock.Now().AddDate(0, -1, 0), Method: "GFC", RecordedBy: "Marie"},
			{PlotID: plots[1].ID, Kind: eudr.Permit, Source: "Ministry", Date: f.clock.Now().AddDate(-1, 0, 0), RecordedBy: "Marie"},
		} {
			if _, err := svc.AddEvidence(context.Background(), f.org.ID, e, nil); err != nil {
				t.Fatal(err)
			}
		}

		// The assessment, leaving (h) unknown.
		run("back to the lot", chromedp.Navigate(ts.URL+"/eudr/lots/SHIP-041"))
		expect("h1", "Lot SHIP-041")
		run("assess",
			chromedp.Click(chromedp.CSS("#q-b-yes")),
			chromedp.SendKeys(chromedp.CSS("#q-b-note"), "Sentinel-2 land cover"),
			chromedp.Click(chromedp.CSS("#q-c-no")),
			chromedp.Click(chromedp.CSS("#q-e-no")),
			chromedp.Click(chromedp.CSS("#q-j-no")),
			chromedp.Submit(chromedp.CSS("#q-b-yes")),
		)
		expect(".notice", "Risk assessment recorded by analyst.")
		expect("#assessment", "Sentinel-2 land cover")
		run("decide too early",
			chromedp.Click(chromedp.CSS("#d-negligible")),
			chromedp.SendKeys(chromedp.CSS("#d-reason"), "No loss and titles on file"),
			chromedp.Submit(chromedp.CSS("#d-reason")),
		)
		expect("#decide-error", "cannot be concluded negligible")
		run("mitigate",
			chromedp.SetValue(chromedp.CSS("#m-criterion"), "h"),
			chromedp.SendKeys(chromedp.CSS("#m-measure"), "Checked the EU sanctions map and a corruption index; third-party audit of the cooperative"),
			chromedp.Submit(chromedp.CSS("#m-measure")),
		)
		expect(".notice", "Mitigation against (h) Concerns about the country")
		expect(".mitigation", "third-party audit of the cooperative, by analyst")
		run("decide",
			chromedp.Click(chromedp.CSS("#d-negligible")),
			chromedp.SendKeys(chromedp.CSS("#d-reason"), "No loss, titles on file, country concerns mitigated"),
			chromedp.Submit(chromedp.CSS("#d-reason")),
		)
		expect(".notice", "Risk concluded negligible by analyst on 25 November 2026.")
		expect("#decision", "No loss, titles on file, country concerns mitigated")

		// A change to the lot keeps the rest.
		run("change the lot",
			chromedp.SetValue(chromedp.CSS("#edit-mass"), "23500"),
			chromedp.Submit(chromedp.CSS("#edit-ref")),
		)
		expect(".notice", "Lot SHIP-041 saved: Cocoa, 23,500 kg, 2 plot(s)")
		checkAccessibility(t, ctx, "lot page, decided")
		run("statement", chromedp.Submit(chromedp.CSS(`form[action="/eudr/lots/SHIP-041/statement"] button`)))
		expect(".notice", "Due diligence statement made for lot SHIP-041 by analyst, covering 2 plot(s).")
		expect("#statements", "printable copy, Information System document (JSON), plots (GeoJSON)")
		noIDs("lot page after the statement")
	})
}

// sessionOf signs a user of the role in and returns the session.
func sessionOf(t *testing.T, f *fixture, role account.Role) string {
	t.Helper()
	_, s := f.login(t, f.users[role].Email, testPassword, "")
	return s
}
