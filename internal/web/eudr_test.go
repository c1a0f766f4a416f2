package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/geo"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

var eudrAuth = map[string][]string{
	"GET /eudr":                                   {"admin", "analyst", "case_handler", "viewer"},
	"GET /eudr/lots/{ref}":                        {"admin", "analyst", "case_handler", "viewer"},
	"POST /eudr/lots/{ref}/statement":             {"admin", "analyst"},
	"POST /eudr/plots":                            {"admin", "analyst"},
	"POST /api/v1/eudr/plots":                     {"admin", "analyst"},
	"POST /eudr/operator":                         {"admin", "analyst"},
	"POST /eudr/lots":                             {"admin", "analyst"},
	"POST /eudr/lots/{ref}":                       {"admin", "analyst"},
	"POST /eudr/lots/{ref}/assessment":            {"admin", "analyst"},
	"POST /eudr/lots/{ref}/mitigation":            {"admin", "analyst"},
	"POST /eudr/lots/{ref}/decision":              {"admin", "analyst"},
	"GET /eudr/plots/{id}":                        {"admin", "analyst", "case_handler", "viewer"},
	"POST /eudr/plots/{id}/evidence":              {"admin", "analyst"},
	"GET /eudr/plots/{id}/files/{file}":           {"admin", "analyst", "case_handler", "viewer"},
	"GET /eudr/lots/{ref}/statements/{id}/{file}": {"admin", "analyst", "case_handler", "viewer"},
}

const eudrTestPlots = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"PLOT-1","properties":{"ProducerName":"Kouadio Yao","ProducerCountry":"CI","producer_ref":"F-1","commodity":"cocoa","Area":2.5,"production_start":"2025-10-01","production_end":"2026-03-31"},"geometry":{"type":"Point","coordinates":[-6.601234,5.790123]}},
{"type":"Feature","id":"PLOT-2","properties":{"ProducerName":"Aya Koffi","ProducerCountry":"CI","producer_ref":"F-2","commodity":"cocoa","production_start":"2025-10-01","production_end":"2026-03-31"},"geometry":{"type":"Polygon","coordinates":[[[-6.592345,5.781234],[-6.589912,5.781301],[-6.589850,5.778456],[-6.592290,5.778390],[-6.592345,5.781234]]]}}]}`

func TestEUDRPages(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	f := newFixture(t, db)
	ctx := context.Background()
	borders, err := geo.DefaultBorders()
	if err != nil {
		t.Fatal(err)
	}
	bench := func(c string) string { return map[string]string{"CI": "standard"}[c] }
	svc := eudr.NewService(db.EUDR(), borders, bench, f.clock)
	f.deps.EUDR = svc
	org := f.org.ID
	if _, err := svc.ImportPlots(ctx, org, "plots.geojson", eudr.FormatGeoJSON, strings.NewReader(eudrTestPlots)); err != nil {
		t.Fatal(err)
	}
	plots, _ := db.EUDR().ListPlots(ctx, org)
	st := db.EUDR()
	if err := st.SaveOperator(ctx, org, eudr.Operator{Name: "Acme Chocolate", Country: "BE", Address: "Rue 1, Bruxelles", Size: eudr.Large}); err != nil {
		t.Fatal(err)
	}
	lot := eudr.Lot{ID: kernel.NewID(), Ref: "SHIP-1", Commodity: "cocoa", HSCodes: []string{"1801"}, Description: "Cocoa beans", NetMassKg: 24000, Activity: eudr.Import,
		PlotIDs: []string{plots[0].ID, plots[1].ID}, CreatedAt: f.clock.Now()}
	if err := st.SaveLot(ctx, org, lot); err != nil {
		t.Fatal(err)
	}
	// Only the first plot has evidence: the second is a gap.
	cut := f.clock.Now().AddDate(0, -6, 0)
	for _, e := range []eudr.Evidence{
		{PlotID: plots[0].ID, Kind: eudr.ForestLoss, Source: "Monitoring service", Date: cut, PeriodFrom: eudr.Cutoff, PeriodTo: cut, Method: "GFC"},
		{PlotID: plots[0].ID, Kind: eudr.LandTitle, Source: "AFOR", Date: cut},
	} {
		if err := st.AddEvidence(ctx, org, e, nil); err != nil {
			t.Fatal(err)
		}
	}
	_, analyst := f.login(t, f.users[account.RoleAnalyst].Email, testPassword, "")
	_, viewer := f.login(t, f.users[account.RoleViewer].Email, testPassword, "")
	body := func(res *http.Response) string {
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}

	res := f.do(t, "GET", "/eudr", "", viewer, nil)
	page := body(res)
	if res.StatusCode != 200 {
		t.Fatalf("overview: %d %s", res.StatusCode, page)
	}
	for _, want := range []string{`<circle class="plot no-loss-found"`, `<path class="plot no-analysis"`, "No forest-loss analysis yet (gap)", "SHIP-1", "24,000 kg", "item(s) open", "Kouadio Yao"} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	res = f.do(t, "GET", "/eudr/lots/SHIP-1", "", viewer, nil)
	page = body(res)
	for _, want := range []string{"PLOT-2: No forest-loss analysis (gap)", "no risk assessment recorded", "<strong>Missing</strong>"} {
		if !strings.Contains(page, want) {
			t.Errorf("lot page lacks %q", want)
		}
	}
	if strings.Contains(page, "Make the due diligence statement") {
		t.Error("lot page offers a statement while items are open")
	}
	res = f.do(t, "POST", "/eudr/lots/SHIP-1/statement", "", analyst, nil)
	if page = body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "No statement was made") {
		t.Fatalf("statement on an incomplete lot: %d", res.StatusCode)
	}

	// Complete the lot: evidence on the second plot and an assessment.
	for _, e := range []eudr.Evidence{
		{PlotID: plots[1].ID, Kind: eudr.ForestLoss, Source: "Monitoring service", Date: cut, PeriodFrom: eudr.Cutoff, PeriodTo: cut, Method: "GFC"},
		{PlotID: plots[1].ID, Kind: eudr.Permit, Source: "Ministry", Date: cut},
	} {
		if err := st.AddEvidence(ctx, org, e, nil); err != nil {
			t.Fatal(err)
		}
	}
	ans := eudr.Answers{Forests: eudr.No, IndigenousPeoples: eudr.No, Claims: eudr.No, CountryConcerns: eudr.No, Mixing: eudr.No}
	if _, err := svc.Assess(ctx, org, "SHIP-1", ans); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Decide(ctx, org, "SHIP-1", eudr.Negligible, "Analyst", "clean"); err != nil {
		t.Fatal(err)
	}
	page = body(f.do(t, "GET", "/eudr/lots/SHIP-1", "", analyst, nil))
	if !strings.Contains(page, "Make the due diligence statement") || !strings.Contains(page, "(f) Prevalence of deforestation") {
		t.Fatalf("complete lot page:\n%s", page)
	}
	res = f.do(t, "POST", "/eudr/lots/SHIP-1/statement", "", analyst, nil)
	page = body(res)
	if res.StatusCode != 200 || !strings.Contains(page, "Due diligence statement made for lot SHIP-1") || !strings.Contains(page, "covering 2 plot(s)") {
		t.Fatalf("statement: %d %s", res.StatusCode, page)
	}
	sts, err := st.Statements(ctx, org, lot.ID)
	if err != nil || len(sts) != 1 || sts[0].MadeBy != "analyst" {
		t.Fatalf("stored statements %+v %v", sts, err)
	}

	// The statement as made is one click away on the lot page: the
	// printable copy, the Information System document and the GeoJSON.
	page = body(f.do(t, "GET", "/eudr/lots/SHIP-1", "", viewer, nil))
	base := "/eudr/lots/SHIP-1/statements/" + sts[0].ID + "/"
	for _, file := range []struct{ name, ctype, want string }{
		{"statement.html", "text/html", "Kouadio Yao"},
		{"submission.json", "application/json", `"internalReferenceNumber": "SHIP-1"`},
		{"plots.geojson", "application/geo+json", "[-6.601234,5.790123]"},
	} {
		if !strings.Contains(page, `href="`+base+file.name+`"`) {
			t.Errorf("lot page has no link to %s", file.name)
		}
		res := f.do(t, "GET", base+file.name, "", viewer, nil)
		got := body(res)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), file.ctype) || !strings.Contains(got, file.want) ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: %d %s %q, lacks %q", file.name, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"), file.want)
		}
	}
	if html := body(f.do(t, "GET", base+"statement.html", "", viewer, nil)); !strings.Contains(html, "PLOT-2") {
		t.Error("the printable copy lost the plots' references")
	}
	for _, bad := range []string{base + "other.txt", "/eudr/lots/SHIP-1/statements/" + kernel.NewID() + "/statement.html"} {
		if res := f.do(t, "GET", bad, "", viewer, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", bad, res.StatusCode)
		}
	}
}

func TestEUDRPlotUpload(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	f := newFixture(t, db)
	borders, err := geo.DefaultBorders()
	if err != nil {
		t.Fatal(err)
	}
	f.deps.EUDR = eudr.NewService(db.EUDR(), borders, func(string) string { return "standard" }, f.clock)
	_, analyst := f.login(t, f.users[account.RoleAnalyst].Email, testPassword, "")
	csv := "plot_id,producer_name,country,commodity,area_ha,latitude,longitude\n" +
		"P1,Kouadio Yao,CI,cocoa,2,5.790123,-6.601234\n" +
		"P2,Aya Koffi,CI,cocoa,2,5.79,-6.61\n" +
		"P3,Konan Kouassi,CI,cotton,2,5.790123,-6.601234\n"
	ct, body := multipartBody(t, "files", "plots.csv", csv, nil)
	req := httptest.NewRequest("POST", "http://upstream.test/eudr/plots", body)
	req.Header.Set("Content-Type", ct)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: analyst})
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	page := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("upload: %d %s", rec.Code, page)
	}
	for _, want := range []string{"Imported 2 plot(s)", "row 3 (P2)", "fewer than 6 decimals", "row 4 (P3)", "cotton"} {
		if !strings.Contains(page, want) {
			t.Errorf("upload page lacks %q", want)
		}
	}
	plots, _ := db.EUDR().ListPlots(context.Background(), f.org.ID)
	if len(plots) != 2 {
		t.Fatalf("stored %d plots, want 2 (the unreadable one is not stored)", len(plots))
	}

	ct, body = multipartBody(t, "files", "plots.kml", "<kml/>", nil)
	req = httptest.NewRequest("POST", "http://upstream.test/api/v1/eudr/plots", body)
	req.Header.Set("Content-Type", ct)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: analyst})
	rec = httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "plots.kml") {
		t.Errorf("API upload of a KML file: %d %s", rec.Code, rec.Body.String())
	}
}
