package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

const (
	auditSuppliersCSV = "id,name,country,commodity\nM1,Dhaka Knit Mill,BD,garments\nM2,Chittagong Dye Works,BD,garments\n"
	auditFileCSV      = "supplier,scheme,date,result,expiry,findings_wages\nM1,SA8000,2026-06-01,certified,2029-05-31,minor\nM2,amfori BSCI,2026-03-10,E,,\n"
)

func siteAuditsFixture(t *testing.T) (*fixture, *sqlstore.DB) {
	t.Helper()
	db := sqltest.Open(t, sqlstore.SQLite)
	f := newFixture(t, db)
	siteAuditsOn(t, f, db)
	return f, db
}

// siteAuditsOn imports two suppliers and their audits into the fixture's
// database and wires the import and audit services as the server does.
func siteAuditsOn(t *testing.T, f *fixture, db *sqlstore.DB) {
	t.Helper()
	f.deps.Suppliers = db.SupplyChain()
	sc := db.SupplyChain()
	svc := &assessment.Service{Store: sc, Engine: testEngine(t), Normalisers: assessment.StandardNormalisers(),
		Signals: assessment.StoredAudits{Store: sc, Clock: f.clock}, Pending: sc, Clock: f.clock, AuditLog: db.AuditLog()}
	if _, err := svc.ImportAndRecompute(context.Background(), f.org.ID, []assessment.NamedFile{
		assessment.ReaderFile("suppliers.csv", strings.NewReader(auditSuppliersCSV)),
		assessment.ReaderFile("audits.csv", strings.NewReader(auditFileCSV))}, false); err != nil {
		t.Fatal(err)
	}
	f.deps.Imports = svc
	f.deps.SiteAudits = svc
}

// The audits page names each audit in words (supplier, scheme, result,
// validity, findings, file), offers deletion to those who may change
// suppliers only, and a deletion says what it deleted and takes the audit
// out of the supplier's score.
func TestSiteAuditsPageListsAndDeletes(t *testing.T) {
	t.Parallel()
	f, db := siteAuditsFixture(t)
	_, viewer := f.login(t, "viewer@acme.example", testPassword, "")
	res := f.do(t, "GET", "/suppliers/audits", "", viewer, nil)
	body := pageText(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	text := visibleText(body)
	for _, want := range []string{"Dhaka Knit Mill", "SA8000", "2026-06-01", "passed (certified)", "until 2029-05-31", "wages minor", "audits.csv, line 2",
		"Chittagong Dye Works", "amfori BSCI", "failed (E)", "no expiry given"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(text, supplychain.RefID("M1")) {
		t.Error("the page shows a party id")
	}
	if strings.Contains(body, `action="/suppliers/audits/delete"`) {
		t.Error("a viewer is offered deletion")
	}
	_, analyst := f.login(t, "analyst@acme.example", testPassword, "")
	if body := pageText(t, f.do(t, "GET", "/suppliers/audits", "", analyst, nil)); !strings.Contains(body, `action="/suppliers/audits/delete"`) {
		t.Fatal("an analyst is not offered deletion")
	}
	form := url.Values{"party": {supplychain.RefID("M1")}, "scheme": {"SA8000"}, "date": {"2026-06-01"}}.Encode()
	// A cross-site form post is refused before it reaches the handler.
	res = f.do(t, "POST", "/suppliers/audits/delete", form, analyst, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site delete: %d", res.StatusCode)
	}
	res = f.do(t, "POST", "/suppliers/audits/delete", form, analyst, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/suppliers/audits" {
		t.Fatalf("delete: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if msg := flashOf(t, res); msg != "Deleted the SA8000 audit of Dhaka Knit Mill dated 1 June 2026; risk was recomputed without it." {
		t.Errorf("flash %q", msg)
	}
	p, err := db.Reporting().RegisterParty(context.Background(), f.org.ID, supplychain.RefID("M1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fc := range p.Factors {
		if strings.Contains(fc.Source, "SA8000") {
			t.Errorf("the deleted audit still scores: %+v", fc)
		}
	}
	res = f.do(t, "POST", "/suppliers/audits/delete", form, analyst, nil)
	if msg := flashOf(t, res); res.StatusCode != http.StatusSeeOther || !strings.Contains(msg, "deleted already") {
		t.Errorf("deleting again: %d, %q", res.StatusCode, msg)
	}
}

func TestSiteAuditsAPI(t *testing.T) {
	t.Parallel()
	f, _ := siteAuditsFixture(t)
	_, analyst := f.login(t, "analyst@acme.example", testPassword, "")
	res := f.do(t, "GET", "/api/v1/suppliers/audits", "", analyst, nil)
	var list siteAuditsJSON
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("list: %d, %v", res.StatusCode, err)
	}
	if len(list.Audits) != 2 || list.Audits[0].Scheme != "SA8000" || list.Audits[0].PartyRef != "M1" || list.Audits[0].Findings["wages"] != 1 ||
		list.Audits[1].Outcome != "failed" {
		t.Fatalf("list: %+v", list)
	}
	// One a page, the latest first, then the next page from the cursor.
	var seen []string
	next := "/api/v1/suppliers/audits?limit=1"
	for next != "" && len(seen) < 5 {
		var page siteAuditsJSON
		res := f.do(t, "GET", next, "", analyst, nil)
		if err := json.NewDecoder(res.Body).Decode(&page); err != nil || res.StatusCode != http.StatusOK || len(page.Audits) != 1 {
			t.Fatalf("page %s: %d, %+v, %v", next, res.StatusCode, page, err)
		}
		seen = append(seen, page.Audits[0].Scheme)
		next = page.Next
	}
	if strings.Join(seen, ",") != list.Audits[0].Scheme+","+list.Audits[1].Scheme {
		t.Errorf("paged one at a time: %v, want the order of the whole list", seen)
	}
	path := "/api/v1/suppliers/" + supplychain.RefID("M2") + "/audits/" + url.PathEscape("amfori BSCI") + "/2026-03-10"
	res = f.do(t, "DELETE", path, "", analyst, nil)
	var deleted siteAuditJSON
	if err := json.NewDecoder(res.Body).Decode(&deleted); err != nil || res.StatusCode != http.StatusOK || deleted.PartyName != "Chittagong Dye Works" {
		t.Fatalf("delete: %d, %+v, %v", res.StatusCode, deleted, err)
	}
	if res := f.do(t, "DELETE", path, "", analyst, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("delete again: %d", res.StatusCode)
	}
	if res := f.do(t, "DELETE", "/api/v1/suppliers/x/audits/SA8000/June", "", analyst, nil); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad date: %d", res.StatusCode)
	}
}
