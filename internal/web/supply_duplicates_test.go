package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// storedDuplicates is DuplicateReview over the SQL store and the
// assessment service, as the command line wires it.
type storedDuplicates struct {
	st  *sqlstore.SupplyChain
	svc *assessment.Service
}

func (d storedDuplicates) OpenPairs(ctx context.Context, org string, p kernel.Page) ([]supplychain.DuplicatePair, int, error) {
	return d.st.OpenPairs(ctx, org, p)
}
func (d storedDuplicates) Merges(ctx context.Context, org string, p kernel.Page) ([]supplychain.Merge, int, error) {
	return d.st.Merges(ctx, org, p)
}
func (d storedDuplicates) MergePair(ctx context.Context, org, a, b, actor string) (supplychain.Merge, error) {
	return d.svc.MergePair(ctx, d.st, org, a, b, actor)
}
func (d storedDuplicates) KeepApart(ctx context.Context, org, a, b, actor string) (supplychain.DuplicatePair, error) {
	return d.svc.KeepApart(ctx, d.st, org, a, b, actor)
}
func (d storedDuplicates) OSHReviews(ctx context.Context, org string, limit int) ([]supplychain.OSHLookup, error) {
	return d.st.OSHReviews(ctx, org, limit)
}
func (d storedDuplicates) DecideOSHSuggestion(ctx context.Context, org, party string, accept bool, actor string) (supplychain.OSHLookup, error) {
	return d.st.DecideOSHSuggestion(ctx, org, party, accept, actor, d.svc.Clock.Now())
}
func (d storedDuplicates) UndoMerge(ctx context.Context, org, id, actor string) (supplychain.Merge, error) {
	return d.svc.UndoMerge(ctx, d.st, org, id, actor)
}

// Two brands' lists of the same places: Hanes Ink under its legal form
// (merged by the import) and a Dhaka knitter spelt another way with a
// vaguer address (queued), plus a Cambodian pair for keeping apart.
const (
	dupFirstCSV = `id,name,kind,country,address,buyer_id,commodity
BR,Northwind Apparel Ltd,company,GB,,,cotton
H1,Hanes Ink,facility,HN,"Parque Industrial Inhdelva Norte, Edificio 11 y 12, Cortes",BR,cotton
D1,Dhaka Knit Wear Ltd,facility,BD,"Plot 12, Road 4, Tongi",BR,cotton
`
	dupSecondCSV = `id,name,kind,country,address,buyer_id,commodity
H2,Hanes Ink S.A. de C.V.,facility,HN,"PARQUE INDUSTRIAL Inhdelva Norte,Edificio 11 y 12,Cortes Honduras",BR,cotton
D2,Dhaka Knitwear Limited,facility,BD,Tongi Industrial Area,BR,cotton
`
)

func duplicatesFixture(t *testing.T) (*fixture, *sqlstore.DB) {
	t.Helper()
	db := sqltest.Open(t, sqlstore.SQLite)
	f := newFixture(t, db)
	f.deps.Suppliers = db.SupplyChain()
	m, err := facilitymatch.New(facilitymatch.DefaultThresholds())
	if err != nil {
		t.Fatal(err)
	}
	svc := &assessment.Service{Store: db.SupplyChain(), Engine: testEngine(t), Normalisers: assessment.StandardNormalisers(),
		Pending: db.SupplyChain(), Matcher: m, Clock: f.clock}
	for _, file := range []struct{ name, body string }{{"brand-a.csv", dupFirstCSV}, {"brand-b.csv", dupSecondCSV}} {
		if _, err := svc.ImportAndRecompute(context.Background(), f.org.ID,
			[]assessment.NamedFile{assessment.ReaderFile(file.name, strings.NewReader(file.body))}, false); err != nil {
			t.Fatal(err)
		}
	}
	f.deps.Imports = svc
	f.deps.Duplicates = storedDuplicates{db.SupplyChain(), svc}
	return f, db
}

func TestDuplicatesPageShowsPairsInWordsWithoutIds(t *testing.T) {
	t.Parallel()
	f, _ := duplicatesFixture(t)
	if err := f.deps.Suppliers.(*sqlstore.SupplyChain).RecordOSHLookup(context.Background(), f.org.ID, supplychain.OSHLookup{
		PartyID: supplychain.RefID("D1"), OSID: "BD2020999XYZ123", Name: "Dhaka Knitting Co.", Address: "Tongi", Score: 0.7,
		Decision: "review", Reasons: []string{"name 0.70", "address 0.60"}}); err != nil {
		t.Fatal(err)
	}
	_, viewer := f.login(t, "viewer@acme.example", testPassword, "")
	res := f.do(t, "GET", "/suppliers/duplicates", "", viewer, nil)
	body := pageText(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	for _, want := range []string{
		"“Dhaka Knitwear Limited” may be “Dhaka Knit Wear Ltd”: ",
		"Plot 12, Road 4, Tongi", "Tongi Industrial Area", "Bangladesh", "read from brand-b.csv, line 3",
		"names 95% alike", "addresses 67% alike",
		"“Hanes Ink S.A. de C.V.” into", "merged automatically by an import", "read from brand-b.csv, line 2",
		"may be “Dhaka Knitting Co., Tongi” (OS ID BD2020999XYZ123), 70% alike: names 70% alike; addresses 60% alike.",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// A viewer sees the queue but no buttons; no party id is shown.
	if strings.Contains(body, `action="/suppliers/duplicates/merge"`) {
		t.Error("a viewer is offered the merge button")
	}
	text := visibleText(body)
	for _, ref := range []string{"D1", "D2", "H1", "H2"} {
		if id := supplychain.RefID(ref); strings.Contains(text, id) {
			t.Errorf("the page shows the id %s", id)
		}
	}
}

// visibleText drops tags and attributes, so what is left is what a reader
// sees.
func visibleText(html string) string {
	var b strings.Builder
	in := false
	for _, r := range html {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestDuplicatesDecisionsConfirmAndRefuseTwice(t *testing.T) {
	t.Parallel()
	f, db := duplicatesFixture(t)
	_, analyst := f.login(t, "analyst@acme.example", testPassword, "")
	pair := url.Values{"a": {supplychain.RefID("D1")}, "b": {supplychain.RefID("D2")}}.Encode()
	res := f.do(t, "POST", "/suppliers/duplicates/keep-apart", pair, analyst, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("keep apart: %d", res.StatusCode)
	}
	res = f.do(t, "GET", res.Header.Get("Location"), "", analyst, nil)
	if body := pageText(t, res); !strings.Contains(body, "Kept “Dhaka Knit Wear Ltd” and “Dhaka Knitwear Limited” apart") {
		t.Errorf("no confirmation:\n%s", body)
	}
	res = f.do(t, "POST", "/suppliers/duplicates/merge", pair, analyst, nil)
	if body := pageText(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(body, "decided already") {
		t.Errorf("merging a pair kept apart: %d\n%s", res.StatusCode, body)
	}
	// A cross-site form post is refused before it reaches the handler.
	ms, _, err := db.SupplyChain().Merges(context.Background(), f.org.ID, kernel.Page{})
	if err != nil || len(ms) != 1 {
		t.Fatalf("merges %v, %v", ms, err)
	}
	res = f.do(t, "POST", "/suppliers/merges/"+ms[0].ID+"/undo", "", analyst, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site undo: %d", res.StatusCode)
	}
}

// An analyst accepts one Open Supply Hub suggestion and rejects another;
// each is confirmed on the page and leaves the list, the accepted one's
// OS ID is stored, a second decision is refused, and a cross-site post
// never reaches the handler.
func TestOSHSuggestionsAcceptAndReject(t *testing.T) {
	t.Parallel()
	f, db := duplicatesFixture(t)
	st := db.SupplyChain()
	ctx := context.Background()
	for _, l := range []supplychain.OSHLookup{
		{PartyID: supplychain.RefID("D1"), OSID: "BD2020999XYZ123", Name: "Dhaka Knitting Co.", Address: "Tongi", Score: 0.7, Decision: "review", Reasons: []string{"name 0.70"}},
		{PartyID: supplychain.RefID("H1"), OSID: "HN2021100ABCDEF", Name: "Hanes Brands Inc", Address: "Villanueva", Score: 0.6, Decision: "review", Reasons: []string{"name 0.60"}},
	} {
		l.At = f.clock.Now()
		if err := st.RecordOSHLookup(ctx, f.org.ID, l); err != nil {
			t.Fatal(err)
		}
	}
	_, analyst := f.login(t, "analyst@acme.example", testPassword, "")
	accept := url.Values{"party": {supplychain.RefID("D1")}}.Encode()
	if res := f.do(t, "POST", "/suppliers/duplicates/os-id/accept", accept, analyst, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site accept: %d", res.StatusCode)
	}
	res := f.do(t, "POST", "/suppliers/duplicates/os-id/accept", accept, analyst, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", res.StatusCode, pageText(t, res))
	}
	res = f.do(t, "GET", res.Header.Get("Location"), "", analyst, nil)
	body := pageText(t, res)
	if !strings.Contains(body, "“Dhaka Knit Wear Ltd” now has the Open Supply Hub ID BD2020999XYZ123.") {
		t.Errorf("no confirmation of the accepted OS ID:\n%s", body)
	}
	if strings.Contains(body, "Dhaka Knitting Co.") {
		t.Error("the accepted suggestion is still listed")
	}
	if p, err := st.GetParty(ctx, f.org.ID, supplychain.RefID("D1")); err != nil || p.OSID != "BD2020999XYZ123" {
		t.Errorf("OS ID after accepting: %q, %v", p.OSID, err)
	}
	res = f.do(t, "POST", "/suppliers/duplicates/os-id/reject", accept, analyst, nil)
	if body := pageText(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(body, "decided already") {
		t.Errorf("deciding an accepted suggestion again: %d\n%s", res.StatusCode, body)
	}
	res = f.do(t, "POST", "/suppliers/duplicates/os-id/reject", url.Values{"party": {supplychain.RefID("H1")}}.Encode(), analyst, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d %s", res.StatusCode, pageText(t, res))
	}
	res = f.do(t, "GET", res.Header.Get("Location"), "", analyst, nil)
	if body := pageText(t, res); !strings.Contains(body, "Rejected the Open Supply Hub suggestion HN2021100ABCDEF for “Hanes Ink”") || strings.Contains(body, `id="osh"`) {
		t.Errorf("after rejecting the last suggestion:\n%s", body)
	}
	if p, err := st.GetParty(ctx, f.org.ID, supplychain.RefID("H1")); err != nil || p.OSID != "" {
		t.Errorf("OS ID after rejecting: %q, %v", p.OSID, err)
	}
	left, err := st.FacilitiesToLookUp(ctx, f.org.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range left {
		if p.ID == supplychain.RefID("H1") {
			t.Error("a facility whose suggestion was rejected is looked up again")
		}
	}
	res = f.do(t, "POST", "/suppliers/duplicates/os-id/accept", "", analyst, nil)
	if body := pageText(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "choose a suggestion") {
		t.Errorf("accept without a suggestion: %d\n%s", res.StatusCode, body)
	}
}

// TestBrowserDuplicatesMergeAndUndo: with scripts off, an analyst merges
// the queued pair, sees it confirmed, then undoes the import's merge and
// sees that confirmed, in headless Chromium.
func TestBrowserDuplicatesMergeAndUndo(t *testing.T) {
	f, db := duplicatesFixture(t)
	ts, ctx := f.browse(t, false)
	err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/suppliers/duplicates", "analyst@acme.example", testPassword),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "h1", "Possible duplicate facilities"); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "duplicates")
	screenshot(t, ctx, "duplicates.png")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#merge-0"))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#done", "Merged “Dhaka Knitwear Limited” into “Dhaka Knit Wear Ltd”"); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#no-pairs", "No pair waits"); err != nil {
		t.Fatal(err)
	}
	// The latest merge is listed first: undo the import's (the second).
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#undo-1"))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#done", "Undone: “Hanes Ink S.A. de C.V.” and “Hanes Ink” are two facilities again"); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#merges", "kept apart since"); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "duplicates after undo")
	// An Open Supply Hub suggestion, accepted with the page's own form.
	if err := db.SupplyChain().RecordOSHLookup(context.Background(), f.org.ID, supplychain.OSHLookup{
		PartyID: supplychain.RefID("H1"), OSID: "HN2021100ABCDEF", Name: "Hanes Ink SA de CV", Address: "Inhdelva Norte, Cortes",
		Score: 0.74, Decision: "review", Reasons: []string{"name 0.90", "address 0.55"}, At: f.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/suppliers/duplicates"), chromedp.Click(chromedp.CSS("#osh-accept-0"))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#done", "“Hanes Ink” now has the Open Supply Hub ID HN2021100ABCDEF."); err != nil {
		t.Fatal(err)
	}
	if p, err := db.SupplyChain().GetParty(context.Background(), f.org.ID, supplychain.RefID("H1")); err != nil || p.OSID != "HN2021100ABCDEF" {
		t.Errorf("Hanes Ink after accepting its OS ID: %+v, %v", p.OSID, err)
	}
	if _, err := db.SupplyChain().GetParty(context.Background(), f.org.ID, supplychain.RefID("H2")); err != nil {
		t.Errorf("Hanes Ink S.A. de C.V. is not stored again: %v", err)
	}
	if _, err := db.SupplyChain().GetParty(context.Background(), f.org.ID, supplychain.RefID("D2")); !kernel.IsCode(err, kernel.NotFound) {
		t.Errorf("the merged Dhaka knitter is still stored: %v", err)
	}
}

func testEngine(t *testing.T) *risk.Engine {
	t.Helper()
	ref, err := refdata.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, err := risk.NewEngine(ref, risk.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The supplier page of a packhouse lists the packing seen there, in
// words, from an EPCIS aggregation event.
func TestSupplierPageListsPackingSeenThere(t *testing.T) {
	t.Parallel()
	f, db := duplicatesFixture(t)
	const packhouse = "urn:epc:id:sgln:4012345.00003.0"
	doc := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-03-02T00:00:00Z",
"epcisBody":{"eventList":[
{"type":"AggregationEvent","eventID":"urn:uuid:pack-1","eventTime":"2024-03-01T08:00:00Z","eventTimeZoneOffset":"+00:00","action":"ADD","parentID":"urn:epc:id:sscc:4012345.0000000001","childEPCs":["urn:epc:id:sgtin:4012345.011111.1","urn:epc:id:sgtin:4012345.011111.2"],"bizLocation":{"id":"` + packhouse + `"}}
]}}`
	if _, err := f.deps.Imports.ImportAndRecompute(context.Background(), f.org.ID,
		[]assessment.NamedFile{assessment.ReaderFile("packing.json", strings.NewReader(doc))}, false); err != nil {
		t.Fatal(err)
	}
	ps, _, err := db.SupplyChain().ListParties(context.Background(), f.org.ID, supplychain.PartyFilter{}, kernel.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	id := ""
	for _, p := range ps {
		if p.Ref == packhouse {
			id = p.ID
		}
	}
	_, viewer := f.login(t, "viewer@acme.example", testPassword, "")
	body := pageText(t, f.do(t, "GET", "/suppliers/"+id, "", viewer, nil))
	want := "2024-03-01 08:00 UTC: trade item (SGTIN) 4012345.011111.1, trade item (SGTIN) 4012345.011111.2 packed into logistic unit (SSCC) 4012345.0000000001 (read from packing.json, event urn:uuid:pack-1)"
	if !strings.Contains(body, "Packing seen here") || !strings.Contains(body, want) {
		t.Errorf("the page lacks the packing %q", want)
	}
}
