package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/reportdata"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

var supplyAuth = map[string][]string{
	"GET /suppliers":                          {"admin", "analyst", "case_handler", "viewer"},
	"GET /suppliers/export.csv":               {"admin", "analyst", "case_handler", "viewer"},
	"GET /suppliers/import":                   {"admin", "analyst"},
	"POST /suppliers/import":                  {"admin", "analyst"},
	"GET /suppliers/import/templates/{kind}":  {"admin", "analyst"},
	"GET /suppliers/{id}":                     {"admin", "analyst", "case_handler", "viewer"},
	"GET /suppliers/duplicates":               {"admin", "analyst", "case_handler", "viewer"},
	"POST /suppliers/duplicates/merge":        {"admin", "analyst"},
	"POST /suppliers/duplicates/keep-apart":   {"admin", "analyst"},
	"POST /suppliers/merges/{id}/undo":        {"admin", "analyst"},
	"POST /suppliers/duplicates/os-id/accept": {"admin", "analyst"},
	"POST /suppliers/duplicates/os-id/reject": {"admin", "analyst"},
	"GET /suppliers/audits":                   {"admin", "analyst", "case_handler", "viewer"},
	"POST /suppliers/audits/delete":           {"admin", "analyst"},
	"GET /risk-map":                           {"admin", "analyst", "case_handler", "viewer"},
}

func fptr(v float64) *float64 { return &v }

// seedSupply stores a small cocoa and cotton chain with its risk: a
// grinder in the Netherlands (tier 1) buys from a trader in Côte d'Ivoire,
// who buys from a cooperative and a farm; a garment maker in Bangladesh
// (tier 1) buys from a spinner there. It returns the parties by ref.
func seedSupply(tb testing.TB, st *sqlstore.SupplyChain, orgID string) map[string]supplychain.Party {
	tb.Helper()
	ctx := context.Background()
	mk := func(ref, name, ctry string, kind supplychain.Kind, comm ...string) supplychain.Party {
		return supplychain.Party{ID: supplychain.RefID(ref), Ref: ref, Name: name, Kind: kind, Country: ctry, Commodities: comm}
	}
	g := mk("G", "Grinder Europe B.V.", "NL", supplychain.KindCompany, "cocoa")
	g.LEI = "5493001KJTIIGC8Y1R12"
	tr := mk("T", "Abidjan Trading SARL", "CI", supplychain.KindTrader, "cocoa")
	c := mk("C", "Coopérative Soubré", "CI", supplychain.KindCooperative, "cocoa")
	c.Address, c.OSID = "BP 12, Soubré", "CI2026000AAA"
	f := mk("F", "Kouassi Farm", "CI", supplychain.KindFarm, "cocoa")
	f.GLN = "0614141003006"
	m := mk("M", "Dhaka Garments Ltd", "BD", supplychain.KindFacility, "garments")
	m.InferredCommodities, m.InferredFrom = []string{"garments"}, "sector Apparel"
	s := mk("S", "=Spinner Mills", "BD", supplychain.KindFacility, "cotton")
	ps := []supplychain.Party{g, tr, c, f, m, s}
	ls := []supplychain.Link{
		{Buyer: supplychain.Reporting, Supplier: g.ID, Commodity: "cocoa", Share: fptr(0.6)},
		{Buyer: g.ID, Supplier: tr.ID, Commodity: "cocoa"},
		{Buyer: tr.ID, Supplier: c.ID, Commodity: "cocoa", Share: fptr(0.3)},
		{Buyer: tr.ID, Supplier: f.ID, Commodity: "cocoa", Share: fptr(0.1)},
		{Buyer: supplychain.Reporting, Supplier: m.ID, Commodity: "garments"},
		{Buyer: m.ID, Supplier: s.ID, Commodity: "cotton"},
	}
	if err := st.UpsertParties(ctx, orgID, ps); err != nil {
		tb.Fatal(err)
	}
	if err := st.UpsertLinks(ctx, orgID, ls); err != nil {
		tb.Fatal(err)
	}
	ilab := supplychain.Factor{Kind: "inherent", Source: "US DOL ILAB List of Goods", Edition: "2024", Indicator: "child labour in cocoa", Value: "listed", Points: 40, Contribution: 40}
	gsi := supplychain.Factor{Kind: "inherent", Source: "Global Slavery Index", Edition: "2023", Indicator: "prevalence per 1,000", Value: "7.3", Points: 12, Contribution: 12}
	up := supplychain.Factor{Kind: "propagated", Source: "Upstream", Edition: "1", Indicator: "exposure from suppliers", Value: "Abidjan Trading SARL", Points: 30, Contribution: 30}
	rs := []supplychain.PartyRisk{
		{ID: g.ID, Tier: 1, Inherent: 0, Own: 0, Exposure: 45, Level: "medium", Factors: []supplychain.Factor{up}},
		{ID: tr.ID, Tier: 2, Inherent: 52, Own: 52, Exposure: 70, Level: "high", Factors: []supplychain.Factor{ilab, gsi}, Confidence: 0.8,
			Missing: []string{"data on 1 of 2 direct suppliers"}},
		{ID: c.ID, Tier: 3, Inherent: 52, Own: 52, Exposure: 82, Level: "critical", Factors: []supplychain.Factor{ilab, gsi}},
		{ID: f.ID, Tier: 3, Inherent: 52, Own: 52, Exposure: 60, Level: "high", Factors: []supplychain.Factor{ilab, gsi}},
		{ID: m.ID, Tier: 1, Inherent: 20, Own: 20, Exposure: 25, Level: "low"},
		{ID: s.ID, Tier: 2, Inherent: 30, Own: 30, Exposure: 30, Level: "medium"},
	}
	if err := st.SaveRisk(ctx, orgID, sqlstore.RiskRows(rs)); err != nil {
		tb.Fatal(err)
	}
	out := map[string]supplychain.Party{}
	for _, p := range ps {
		out[p.Ref] = p
	}
	return out
}

// supplyFixture is the web fixture with the supply chain wired in.
func supplyFixture(t *testing.T) (*fixture, map[string]supplychain.Party, map[account.Role]string) {
	t.Helper()
	db := sqltest.Open(t, sqlstore.SQLite)
	f := newFixture(t, db)
	f.deps.Suppliers = db.SupplyChain()
	parties := seedSupply(t, db.SupplyChain(), f.org.ID)
	sessions := map[account.Role]string{}
	for role, u := range f.users {
		_, s := f.login(t, u.Email, testPassword, "")
		if s == "" {
			t.Fatalf("login %s", role)
		}
		sessions[role] = s
	}
	return f, parties, sessions
}

func pageText(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSupplyPages(t *testing.T) {
	t.Parallel() // its own database and server
	f, ps, sessions := supplyFixture(t)
	tests := []struct {
		name, path string
		role       account.Role
		status     int
		want, not  []string
	}{
		{"register by exposure", "/suppliers", account.RoleViewer, 200,
			[]string{`<strong id="total">6</strong>`, "Coopérative Soubré", "/suppliers/" + ps["C"].ID, `class="level critical"`, "82.0"}, nil},
		{"register filtered by country", "/suppliers?country=CI", account.RoleAnalyst, 200,
			[]string{`<strong id="total">3</strong>`, "Kouassi Farm", "Côte d&#39;Ivoire"}, []string{"Dhaka Garments"}},
		{"register by country name", "/suppliers?country=Ivory+Coast", account.RoleAnalyst, 200,
			[]string{`<strong id="total">3</strong>`}, nil},
		{"register by commodity and level", "/suppliers?commodity=cocoa&level=high", account.RoleCaseHandler, 200,
			[]string{`<strong id="total">2</strong>`, "Abidjan Trading", "Kouassi Farm"}, []string{"Coopérative"}},
		{"register by tier", "/suppliers?tier=1&sort=name", account.RoleAdmin, 200,
			[]string{`<strong id="total">2</strong>`, "Dhaka Garments", "Grinder Europe"}, nil},
		{"register name search", "/suppliers?q=kou", account.RoleViewer, 200,
			[]string{`<strong id="total">1</strong>`, "Kouassi Farm"}, []string{"Grinder"}},
		{"register name search with level", "/suppliers?q=kou&level=high", account.RoleViewer, 200,
			[]string{`<strong id="total">1</strong>`, "Kouassi Farm"}, nil},
		{"register name search with another level", "/suppliers?q=kou&level=low", account.RoleViewer, 200,
			[]string{`<strong id="total">0</strong>`, "No suppliers match"}, []string{"Kouassi Farm"}},
		{"register name search with tier", "/suppliers?q=d&tier=1", account.RoleViewer, 200,
			[]string{`<strong id="total">1</strong>`, "Dhaka Garments"}, []string{"Grinder"}},
		{"register bad filters say so", "/suppliers?country=Atlantis&level=extreme&tier=x", account.RoleViewer, 200,
			[]string{`role="alert"`, "extreme", `<strong id="total">6</strong>`}, nil},
		{"register page past the end", "/suppliers?page=999", account.RoleViewer, 200,
			[]string{"Page 999 is past the end: the register has one page.", `href="/suppliers">Go to the last page`, `<strong id="total">6</strong> suppliers match.`},
			[]string{"showing", "No suppliers match", "Previous page"}},
		{"register says one supplier matches", "/suppliers?q=kou", account.RoleViewer, 200,
			[]string{`<strong id="total">1</strong> supplier matches; showing 1 to 1.`}, []string{"1</strong> suppliers"}},
		{"viewer sees no import link", "/suppliers", account.RoleViewer, 200, nil, []string{`href="/suppliers/import"`}},
		{"analyst sees import link", "/suppliers", account.RoleAnalyst, 200, []string{`href="/suppliers/import"`}, nil},
		{"supplier page", "/suppliers/" + ps["T"].ID, account.RoleViewer, 200,
			[]string{"Abidjan Trading SARL", "US DOL ILAB List of Goods", "2024", "child labour in cocoa", "40.00",
				`role="img"`, "Grinder Europe B.V.", "Coopérative Soubré", "Kouassi Farm", "/suppliers?country=CI",
				"/suppliers?commodity=cocoa", "not available yet", "30%", `id="confidence">80%`, `id="missing">data on 1 of 2 direct suppliers<`},
			[]string{`id="inferred"`}},
		{"supplier page with inferred goods", "/suppliers/" + ps["M"].ID, account.RoleViewer, 200,
			[]string{`id="inferred"`, "Garments inferred from sector Apparel, not declared", `id="confidence">0%`}, []string{`id="missing"`}},
		{"supplier page identifiers", "/suppliers/" + ps["C"].ID, account.RoleAnalyst, 200,
			[]string{"CI2026000AAA", "BP 12, Soubré", "critical"}, nil},
		{"tier one supplier sells to the organisation", "/suppliers/" + ps["G"].ID, account.RoleAnalyst, 200,
			[]string{"Your organisation", "5493001KJTIIGC8Y1R12", "exposure from suppliers"}, nil},
		{"unknown supplier", "/suppliers/nope", account.RoleViewer, 404, nil, nil},
		{"map by highest exposure", "/risk-map", account.RoleViewer, 200,
			[]string{`id="worldmap"`, `href="/suppliers?country=CI"`, "Côte d&#39;Ivoire: 82.0", `id="map-table"`, "<caption id="}, nil},
		{"map by supplier count", "/risk-map?by=count", account.RoleCaseHandler, 200,
			[]string{"Bangladesh: 2", "Number of suppliers"}, nil},
		{"map by share at high risk", "/risk-map?by=high", account.RoleViewer, 200,
			[]string{"Côte d&#39;Ivoire: 100% (3 of 3)", "Bangladesh: 0% (0 of 2)"}, nil},
		{"map by slavery prevalence", "/risk-map?by=gsi", account.RoleAnalyst, 200,
			[]string{"Global Slavery Index", "per 1,000"}, nil},
		{"map by EUDR benchmark", "/risk-map?by=eudr", account.RoleAnalyst, 200, []string{"standard"}, nil},
		{"map by unknown measure", "/risk-map?by=colour", account.RoleAnalyst, 400, nil, nil},
		{"dashboard", "/", account.RoleViewer, 200,
			[]string{`<strong id="supplier-total">6</strong>`, `id="top-exposures"`, "Coopérative Soubré", "/suppliers?level=critical", "Not available."}, nil},
		{"import form", "/suppliers/import", account.RoleAnalyst, 200, []string{`id="unavailable"`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(t, "GET", tc.path, "", sessions[tc.role], nil)
			b := pageText(t, res)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, tc.status, b)
			}
			for _, w := range tc.want {
				if !strings.Contains(b, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(b, w) {
					t.Errorf("page has %q", w)
				}
			}
			if len(b) > 300<<10 {
				t.Errorf("page is %d KB, over the 300 KB budget", len(b)>>10)
			}
		})
	}
}

func TestSupplierExportCSV(t *testing.T) {
	t.Parallel() // its own database and server
	f, _, sessions := supplyFixture(t)
	tests := []struct {
		query string
		rows  int
		first string
	}{
		{"", 6, "Coopérative Soubré"},
		{"?country=BD&sort=name", 2, "'=Spinner Mills"},
		{"?q=abid", 1, "Abidjan Trading SARL"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			res := f.do(t, "GET", "/suppliers/export.csv"+tc.query, "", sessions[account.RoleViewer], nil)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("status %d, type %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			recs, err := csv.NewReader(res.Body).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != tc.rows+1 || strings.Join(recs[0], ",") != strings.Join(exportColumns, ",") {
				t.Fatalf("got %d records, header %v", len(recs), recs[0])
			}
			if recs[1][2] != tc.first {
				t.Errorf("first row name %q, want %q", recs[1][2], tc.first)
			}
		})
	}
	if res := f.do(t, "GET", "/suppliers/export.csv?level=extreme", "", sessions[account.RoleViewer], nil); res.StatusCode != 400 {
		t.Errorf("bad filter: status %d", res.StatusCode)
	}
}

// fakeImporter records what it was given and answers as told.
type fakeImporter struct {
	got     []string
	skip    bool
	results []ingest.Result
	err     error
}

func (f *fakeImporter) ImportAndRecompute(ctx context.Context, orgID string, files []assessment.NamedFile, skip bool) (assessment.Summary, error) {
	f.skip = skip
	var sum assessment.Summary
	for i, fl := range files {
		rc, err := fl.Open()
		if err != nil {
			return sum, err
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		f.got = append(f.got, fl.Name+":"+string(b))
		if i < len(f.results) {
			sum.Files = append(sum.Files, assessment.FileResult{Name: fl.Name, Result: f.results[i]})
			sum.Total.Rows += f.results[i].Rows
		}
	}
	if f.err == nil {
		sum.Levels = map[risk.Level]int{risk.High: 1, "": 1}
	}
	return sum, f.err
}

var _ SupplierImporter = (*fakeImporter)(nil)

func supplyUpload(t *testing.T, files map[string]string, skip bool) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for name, content := range files {
		w, err := mw.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if skip {
		mw.WriteField("skip_bad_rows", "on")
	}
	mw.Close()
	return buf.String(), mw.FormDataContentType()
}

func TestSupplierImport(t *testing.T) {
	t.Parallel() // its own database and server
	bad := ingest.RowError{File: "suppliers.csv", Line: 3, Column: 12, Field: "country", Reason: `"Atlantis" is not a country`}
	tests := []struct {
		name   string
		files  map[string]string
		skip   bool
		imp    *fakeImporter
		status int
		want   []string
	}{
		{"success", map[string]string{"suppliers.csv": "id,name,country\n1,A,CI\n"}, false,
			&fakeImporter{results: []ingest.Result{{Format: "upstream-csv", Rows: 1, Parties: 1}}}, 200,
			[]string{"Import finished", "suppliers.csv", "Supplier list (CSV)", "1 high"}},
		{"bad row stops the import", map[string]string{"suppliers.csv": "x"}, false,
			&fakeImporter{results: []ingest.Result{{Rows: 3, Errors: []ingest.RowError{bad}, ErrorCount: 1}}, err: bad}, 400,
			[]string{"Nothing was imported", "suppliers.csv:3:12", "Atlantis", `id="row-errors"`}},
		{"skip bad rows", map[string]string{"suppliers.csv": "x"}, true,
			&fakeImporter{results: []ingest.Result{{Rows: 3, Parties: 2, Skipped: 1, Errors: []ingest.RowError{bad}, ErrorCount: 1}}}, 200,
			[]string{"Import finished", "suppliers.csv:3:12", "checked"}},
		{"no file", nil, false, &fakeImporter{}, 400, []string{"choose at least one file"}},
		{"internal failure", map[string]string{"a.csv": "x"}, false, &fakeImporter{err: errors.New("disk on fire")}, 500, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _, sessions := supplyFixture(t)
			f.deps.Imports = tc.imp
			b, ctype := supplyUpload(t, tc.files, tc.skip)
			res := f.do(t, "POST", "/suppliers/import", b, sessions[account.RoleAnalyst], map[string]string{"Content-Type": ctype})
			page := pageText(t, res)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, tc.status, page)
			}
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if len(tc.files) > 0 && len(tc.imp.got) != len(tc.files) || tc.imp.skip != tc.skip {
				t.Errorf("importer got %v skip=%v", tc.imp.got, tc.imp.skip)
			}
			if strings.Contains(page, "disk on fire") {
				t.Error("an internal error reached the page")
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		f, _, sessions := supplyFixture(t)
		f.deps.Imports = &fakeImporter{}
		b, ctype := supplyUpload(t, map[string]string{"big.csv": strings.Repeat("x", maxImportBytes+1)}, false)
		res := f.do(t, "POST", "/suppliers/import", b, sessions[account.RoleAdmin], map[string]string{"Content-Type": ctype})
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
}

// fakeCounts feeds the optional panels.
type fakeCounts struct{ open, total int }

func (c fakeCounts) GrievanceCounts(context.Context, string, string, time.Time, time.Time) (reportdata.GrievanceCounts, error) {
	return reportdata.GrievanceCounts{Total: c.total, ByStage: map[grievance.Stage]int{grievance.StageClosed: c.total - c.open}}, nil
}
func (c fakeCounts) PartyHits(context.Context, string, string) (int, int, error) { return 2, 1, nil }
func (c fakeCounts) CaseCounts(context.Context, string) (int, int, error) {
	return c.open, c.total, nil
}
func (c fakeCounts) OpenAlerts(context.Context, string) (int, int, error) { return 7, 2, nil }

func TestSuppressedCountsPerRole(t *testing.T) {
	t.Parallel() // its own database and server
	f, ps, sessions := supplyFixture(t)
	counts := fakeCounts{open: 3, total: 12}
	f.deps.GrievanceCounts, f.deps.Watchlist = counts, counts
	f.deps.Dashboard = DashboardSources{Cases: counts, Alerts: counts}
	tests := []struct {
		role      account.Role
		path      string
		want, not []string
	}{
		{account.RoleViewer, "/suppliers/" + ps["C"].ID, []string{`id="grievances-open">fewer than 5<`, "<dd>12</dd>", "1 confirmed, 2 awaiting review"}, []string{`id="grievances-open">3<`}},
		{account.RoleCaseHandler, "/suppliers/" + ps["C"].ID, []string{`id="grievances-open">3<`}, nil},
		{account.RoleAnalyst, "/", []string{`id="cases-open">fewer than 5<`, `id="cases-overdue">12<`, `id="alerts-open">7<`}, []string{`href="/cases"`}},
		{account.RoleCaseHandler, "/", []string{`id="cases-open">3<`, `href="/cases"`}, nil},
	}
	for _, tc := range tests {
		t.Run(string(tc.role)+tc.path, func(t *testing.T) {
			b := pageText(t, f.do(t, "GET", tc.path, "", sessions[tc.role], nil))
			for _, w := range tc.want {
				if !strings.Contains(b, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(b, w) {
					t.Errorf("page has %q", w)
				}
			}
		})
	}
}

// directRisk wraps the store with a PartyRiskReader that remembers calls.
type directRisk struct {
	SupplierReader
	calls int
}

func (d *directRisk) PartyRisk(ctx context.Context, orgID, id string) (supplychain.PartyRisk, error) {
	d.calls++
	entries, _, err := d.Register(ctx, orgID, supplychain.RegisterFilter{}, supplychain.SortName, kernel.Page{Limit: 500})
	if err != nil {
		return supplychain.PartyRisk{}, err
	}
	for _, e := range entries {
		if e.Party.ID == id {
			return e.Risk, nil
		}
	}
	return supplychain.PartyRisk{}, kernel.Errorf(kernel.NotFound, "no risk")
}

func TestPartyRiskReaderIsUsedWhenPresent(t *testing.T) {
	t.Parallel() // its own database and server
	f, ps, sessions := supplyFixture(t)
	d := &directRisk{SupplierReader: f.deps.Suppliers}
	f.deps.Suppliers = d
	b := pageText(t, f.do(t, "GET", "/suppliers/"+ps["F"].ID, "", sessions[account.RoleViewer], nil))
	if d.calls != 1 || !strings.Contains(b, "child labour in cocoa") {
		t.Fatalf("calls %d", d.calls)
	}
}

// TestSupplierRiskFromReportingReader reads a party's risk and grievance
// counts through the SQL store's reporting reader, as serve wires it.
func TestSupplierRiskFromReportingReader(t *testing.T) {
	t.Parallel() // its own database and server
	db := sqltest.Open(t, sqlstore.SQLite)
	f := newFixture(t, db)
	f.deps.Suppliers = db.SupplyChain()
	f.deps.SupplierRisk = db.Reporting()
	f.deps.GrievanceCounts = db.Reporting()
	ps := seedSupply(t, db.SupplyChain(), f.org.ID)
	_, s := f.login(t, "viewer@acme.example", testPassword, "")
	b := pageText(t, f.do(t, "GET", "/suppliers/"+ps["F"].ID, "", s, nil))
	for _, w := range []string{"child labour in cocoa", "Global Slavery Index", `id="exposure">60.0<`, `id="grievances-open">0<`} {
		if !strings.Contains(b, w) {
			t.Errorf("supplier page lacks %q", w)
		}
	}
	b = pageText(t, f.do(t, "GET", "/suppliers?q=dhaka", "", s, nil))
	if !strings.Contains(b, "25.0") || !strings.Contains(b, `class="level low"`) {
		t.Error("name search lacks the party's stored risk")
	}
}

func TestSupplyPagesWithoutStore(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, s := f.login(t, "viewer@acme.example", testPassword, "")
	for _, p := range []string{"/suppliers", "/risk-map", "/suppliers/x"} {
		if res := f.do(t, "GET", p, "", s, nil); res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	res := f.do(t, "GET", "/", "", s, nil)
	if b := pageText(t, res); res.StatusCode != 200 || !strings.Contains(b, "not available") {
		t.Errorf("dashboard without a store: %d", res.StatusCode)
	}
}

func TestCSVSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=SUM(A1)", "'=SUM(A1)"}, {"+1+2", "'+1+2"}, {"-12.5", "-12.5"}, {"@x", "'@x"}, {"plain", "plain"}, {"", ""},
	}
	for _, tc := range tests {
		if got := csvSafe([]string{tc.in})[0]; got != tc.want {
			t.Errorf("csvSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
