package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/reportdata"
	"github.com/upstream-platform/upstream/internal/scorecard"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

var reportsAuth = map[string][]string{
	"GET /reports":                                {"admin", "analyst", "case_handler", "viewer"},
	"GET /reports/download":                       {"admin", "analyst", "case_handler", "viewer"},
	"GET /scorecards":                             {"admin", "analyst", "case_handler", "viewer"},
	"POST /scorecards/answers":                    {"admin", "analyst"},
	"GET /scorecards/suppliers/{id}":              {"admin", "analyst", "case_handler", "viewer"},
	"POST /scorecards/suppliers/{id}/answers":     {"admin", "analyst"},
	"GET /scorecards/files/{file}":                {"admin", "analyst", "case_handler", "viewer"},
	"GET /scorecards/suppliers/{id}/files/{file}": {"admin", "analyst", "case_handler", "viewer"},
	"GET /api/v1/reports/{kind}":                  {"admin", "analyst", "case_handler", "viewer"},
	"POST /api/v1/reports/{kind}":                 {"admin", "analyst", "case_handler", "viewer"},
	"GET /api/v1/scorecards/organisation":         {"admin", "analyst", "case_handler", "viewer"},
	"GET /api/v1/scorecards/suppliers/{id}":       {"admin", "analyst", "case_handler", "viewer"},
	"POST /api/v1/scorecards/answers":             {"admin", "analyst"},
}

type reportsFixture struct {
	*fixture
	db       *sqlstore.DB
	sessions map[string]string
	grinder  string // a supplier of acme
	foreign  string // a supplier of another organisation
}

// seedParties stores a small chain with risk for the organisation: grinder
// G (tier 1) buys from farm F.
func seedParties(t *testing.T, db *sqlstore.DB, orgID, prefix string) (grinder string) {
	t.Helper()
	ctx := context.Background()
	g := supplychain.Party{ID: supplychain.RefID(prefix + "G"), Ref: prefix + "G", Name: "Grinder " + prefix, Kind: supplychain.KindCompany, Country: "NL", Commodities: []string{"cocoa"}}
	f := supplychain.Party{ID: supplychain.RefID(prefix + "F"), Ref: prefix + "F", Name: "Farm " + prefix, Kind: supplychain.KindFarm, Country: "CI", Commodities: []string{"cocoa"}, GLN: "0614141003006"}
	st := db.SupplyChain()
	if err := st.UpsertParties(ctx, orgID, []supplychain.Party{g, f}); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertLinks(ctx, orgID, []supplychain.Link{{Buyer: supplychain.Reporting, Supplier: g.ID, Commodity: "cocoa"}, {Buyer: g.ID, Supplier: f.ID, Commodity: "cocoa"}}); err != nil {
		t.Fatal(err)
	}
	rs := []supplychain.PartyRisk{
		{ID: g.ID, Tier: 1, Inherent: 1, Exposure: 20, Level: "low"},
		{ID: f.ID, Tier: 2, Inherent: 60, Exposure: 60, Level: "high", Factors: []supplychain.Factor{{Kind: "inherent", Source: "US DOL ILAB", Edition: "2024", Indicator: "child labour in cocoa", Value: "listed", Points: 60, Contribution: 60}}},
	}
	if err := st.SaveRisk(ctx, orgID, sqlstore.RiskRows(rs)); err != nil {
		t.Fatal(err)
	}
	return g.ID
}

func newReportsFixture(t *testing.T, db *sqlstore.DB) *reportsFixture {
	t.Helper()
	f := newFixture(t, db)
	rd := db.Reporting()
	f.deps.Reporting = &reportdata.Service{SupplyChain: rd, Grievances: rd, Impact: db.Impact(),
		Scorecards: &scorecard.Service{Store: db.Scorecards(), Weights: scorecard.DefaultWeights(), Clock: f.clock, Audit: db.AuditLog()},
		RiskMethod: report.Method{Name: "Upstream risk method", Version: "1"}, Clock: f.clock}
	rf := &reportsFixture{fixture: f, db: db, sessions: map[string]string{}}
	rf.grinder = seedParties(t, db, f.org.ID, "A")
	other, _, err := f.accounts.EnsureOrg(context.Background(), "other", "Other Org")
	if err != nil {
		t.Fatal(err)
	}
	rf.foreign = seedParties(t, db, other.ID, "B")
	return rf
}

func (f *reportsFixture) call(t *testing.T, role, method, path, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	s, ok := f.sessions[role]
	if !ok {
		_, s = f.login(t, f.users[account.Role(role)].Email, testPassword, "")
		if s == "" {
			t.Fatalf("login %s", role)
		}
		f.sessions[role] = s
	}
	res := f.do(t, method, path, body, s, hdr)
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestReportDownloads(t *testing.T) {
	t.Parallel() // its own database and server
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	tests := []struct {
		name, path  string
		status      int
		contentType string
		want        string
	}{
		{"page", "/reports", 200, "text/html", "Download"},
		{"scorecard html", "/reports/download?kind=scorecard&format=html", 200, "text/html", "Acme"},
		{"supplier risk csv", "/reports/download?kind=supplier-risk&format=csv", 200, "text/csv", "Farm A"},
		{"due diligence filtered", "/reports/download?kind=due-diligence&format=html&regulation=eu-eudr", 200, "text/html", "EU Deforestation Regulation"},
		{"xlsx", "/reports/download?kind=due-diligence&format=xlsx", 200, "application/vnd.openxmlformats", "PK"},
		{"api csv", "/api/v1/reports/supplier-risk?format=csv", 200, "text/csv", "Grinder A"},
		{"api one supplier", "/api/v1/reports/scorecard?format=html&subject=" + url.QueryEscape(f.grinder), 200, "text/html", "Grinder A"},
		{"api unknown kind", "/api/v1/reports/sustainability?format=html", 400, "application/problem+json", "not a report kind"},
		{"api unknown format", "/api/v1/reports/scorecard?format=docx", 400, "application/problem+json", "use html, pdf, csv or xlsx"},
		{"api unknown regulation", "/api/v1/reports/due-diligence?regulation=fr", 400, "application/problem+json", "uk-msa"},
		{"pdf without a printer", "/api/v1/reports/scorecard?format=pdf", 503, "application/problem+json", "Chromium"},
		{"another organisation's supplier", "/api/v1/reports/scorecard?subject=" + url.QueryEscape(f.foreign), 404, "application/problem+json", "no supplier"},
		{"page form error", "/reports/download?kind=nope&format=html", 400, "text/html", "not a report kind"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := f.call(t, "viewer", "GET", tc.path, "", nil)
			if res.StatusCode != tc.status || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.contentType) || !strings.Contains(body, tc.want) {
				t.Fatalf("status %d, type %q, body lacks %q:\n%.400s", res.StatusCode, res.Header.Get("Content-Type"), tc.want, body)
			}
			if tc.status == 200 && !strings.HasPrefix(tc.path, "/reports?") && tc.path != "/reports" {
				if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=\"acme-") {
					t.Errorf("Content-Disposition %q", cd)
				}
			}
			if strings.Contains(body, "Farm B") || strings.Contains(body, "Grinder B") {
				t.Errorf("another organisation's supplier appears")
			}
		})
	}
}

func TestScorecardPagesAndAnswers(t *testing.T) {
	t.Parallel() // its own database and server
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	supplier := "/scorecards/suppliers/" + url.PathEscape(f.grinder)

	res, body := f.call(t, "viewer", "GET", "/scorecards", "", nil)
	for _, want := range []string{`id="grade"`, "Theme scores", "What lowered it", "Missing evidence", "What would move the grade", "Over time", "Grinder A"} {
		if res.StatusCode != 200 || !strings.Contains(body, want) {
			t.Fatalf("organisation page: status %d, lacks %q", res.StatusCode, want)
		}
	}
	if strings.Contains(body, "Save answer") {
		t.Error("a viewer is offered the questionnaire form")
	}

	res, body = f.call(t, "analyst", "GET", supplier, "", nil)
	if res.StatusCode != 200 || !strings.Contains(body, "Save answer") || !strings.Contains(body, "Grinder A") || strings.Contains(body, "Supplier code of conduct") {
		t.Fatalf("supplier page: status %d", res.StatusCode)
	}

	tests := []struct {
		name   string
		role   string
		path   string
		form   url.Values
		status int
		want   string
	}{
		{"documented yes", "analyst", supplier + "/answers", url.Values{"question_id": {"policy.forced_labour"}, "response": {"yes"},
			"answered_on": {"2026-11-20"}, "doc_name": {"Forced labour policy"}, "doc_reference": {"HR-7"}, "doc_date": {"2026-11-01"}}, 303, ""},
		{"organisation question", "admin", "/scorecards/answers", url.Values{"question_id": {"purchasing.pricing"}, "response": {"partial"}}, 303, ""},
		{"no response", "analyst", supplier + "/answers", url.Values{"question_id": {"policy.forced_labour"}}, 400, "choose yes, partly or no"},
		{"bad date", "analyst", supplier + "/answers", url.Values{"question_id": {"policy.forced_labour"}, "response": {"yes"}, "answered_on": {"20/11/2026"}}, 400, "YYYY-MM-DD"},
		{"future date", "analyst", supplier + "/answers", url.Values{"question_id": {"policy.forced_labour"}, "response": {"yes"}, "answered_on": {"2027-01-01"}}, 400, "in the future"},
		{"question not for suppliers", "analyst", supplier + "/answers", url.Values{"question_id": {"purchasing.pricing"}, "response": {"yes"}}, 400, "not asked of a supplier"},
		{"document without a name", "analyst", supplier + "/answers", url.Values{"question_id": {"policy.forced_labour"}, "response": {"yes"}, "doc_reference": {"x"}}, 400, "give the document a name"},
		{"viewer may not answer", "viewer", supplier + "/answers", url.Values{"question_id": {"policy.forced_labour"}, "response": {"yes"}}, 403, ""},
		{"another organisation's supplier", "analyst", "/scorecards/suppliers/" + url.PathEscape(f.foreign) + "/answers", url.Values{"question_id": {"policy.forced_labour"}, "response": {"yes"}}, 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := f.call(t, tc.role, "POST", tc.path, tc.form.Encode(), nil)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("status %d (want %d), body lacks %q:\n%.300s", res.StatusCode, tc.status, tc.want, body)
			}
			if tc.status == 303 && !strings.Contains(res.Header.Get("Location"), "?answered=") {
				t.Errorf("redirect to %q", res.Header.Get("Location"))
			}
		})
	}

	res, body = f.call(t, "viewer", "GET", supplier+"?answered=policy.forced_labour", "", nil)
	for _, want := range []string{"Answer saved", "Current answer: yes, given on 20 November 2026", "Forced labour policy", "HR-7"} {
		if !strings.Contains(body, want) {
			t.Errorf("supplier page after answering lacks %q", want)
		}
	}
	if _, body := f.call(t, "viewer", "GET", "/scorecards/suppliers/"+url.PathEscape(f.foreign), "", nil); !strings.Contains(body, "no supplier") {
		t.Error("another organisation's supplier scorecard is shown")
	}
}

func TestScorecardAPI(t *testing.T) {
	t.Parallel() // its own database and server
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	get := func(path string) map[string]any {
		t.Helper()
		res, body := f.call(t, "viewer", "GET", path, "", nil)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := get("/api/v1/scorecards/suppliers/" + url.PathEscape(f.grinder))
	if before["grade"] == "" || before["missing"] == nil || before["next_steps"] == nil {
		t.Fatalf("scorecard: %v", before)
	}
	tests := []struct {
		name   string
		role   string
		body   string
		status int
		want   string
	}{
		{"supplier answer", "analyst", `{"supplier_id":"` + f.grinder + `","question_id":"voice.mechanism","response":"yes","answered_on":"2026-11-24","documents":[{"name":"Poster","reference":"GRV-1","date":"2026-11-01"}]}`, 201, `"grade"`},
		{"organisation answer", "admin", `{"question_id":"policy.supplier_code","response":"yes"}`, 201, `"organisation"`},
		{"unknown field", "analyst", `{"question":"x"}`, 400, "unknown field"},
		{"unknown question", "analyst", `{"question_id":"x","response":"yes"}`, 400, "question_id"},
		{"viewer", "viewer", `{"question_id":"policy.supplier_code","response":"yes"}`, 403, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := f.call(t, tc.role, "POST", "/api/v1/scorecards/answers", tc.body, map[string]string{"Content-Type": "application/json"})
			if res.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("status %d (want %d), body lacks %q: %s", res.StatusCode, tc.status, tc.want, body)
			}
		})
	}
	after := get("/api/v1/scorecards/suppliers/" + url.PathEscape(f.grinder))
	if after["score"].(float64) <= before["score"].(float64) {
		t.Errorf("score %v after a documented answer, was %v", after["score"], before["score"])
	}
	org := get("/api/v1/scorecards/organisation")
	if hist, _ := org["history"].([]any); len(hist) != 1 {
		t.Errorf("organisation history %v, want today's only", org["history"])
	}
}

type reportingView = reportdata.View

func reportingOrgOf(f *reportsFixture) reportdata.Org {
	return reportdata.Org{ID: f.org.ID, Slug: f.org.Slug, Name: f.org.Name}
}
