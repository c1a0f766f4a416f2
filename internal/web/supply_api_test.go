package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

var supplyAPIAuth = map[string][]string{
	"GET /api/v1/suppliers":                                {"admin", "analyst", "case_handler", "viewer"},
	"GET /api/v1/suppliers/{id}":                           {"admin", "analyst", "case_handler", "viewer"},
	"POST /api/v1/suppliers/import":                        {"admin", "analyst"},
	"POST /api/v1/suppliers/audits":                        {"admin", "analyst"},
	"GET /api/v1/suppliers/audits":                         {"admin", "analyst", "case_handler", "viewer"},
	"DELETE /api/v1/suppliers/{id}/audits/{scheme}/{date}": {"admin", "analyst"},
	"GET /api/v1/graph":                                    {"admin", "analyst", "case_handler", "viewer"},
}

// apiFixture is the web fixture on db with the seeded chain, one party
// imported but not scored yet, the real import-and-recompute service, and
// a signed-in session per role.
func apiFixture(t *testing.T, db *sqlstore.DB) (*fixture, map[string]supplychain.Party, map[account.Role]string) {
	t.Helper()
	f := newFixture(t, db)
	f.deps.Suppliers = db.SupplyChain()
	ps := seedSupply(t, db.SupplyChain(), f.org.ID)
	// Imported after the last recompute: in the register by name only.
	u := supplychain.Party{ID: supplychain.RefID("U"), Ref: "U", Name: "Kouadio Plantation", Kind: supplychain.KindFarm,
		Country: "CI", Region: "Nawa", Lat: fptr(5.78), Lng: fptr(-6.6), Workers: 12, Commodities: []string{"cocoa"},
		UnknownCommodities: []string{"shea"}, Attributes: map[string]string{"certification": "Rainforest Alliance"}}
	if err := db.SupplyChain().UpsertParties(context.Background(), f.org.ID, []supplychain.Party{u}); err != nil {
		t.Fatal(err)
	}
	ps["U"] = u
	ref, err := refdata.Default()
	if err != nil {
		t.Fatal(err)
	}
	engine, err := risk.NewEngine(ref, risk.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	f.deps.Imports = &assessment.Service{Store: db.SupplyChain(), Engine: engine, Normalisers: assessment.StandardNormalisers()}
	sessions := map[account.Role]string{}
	for role, u := range f.users {
		_, s := f.login(t, u.Email, testPassword, "")
		if s == "" {
			t.Fatalf("login %s", role)
		}
		sessions[role] = s
	}
	return f, ps, sessions
}

// getJSON calls path with session and decodes the answer into v.
func getJSON(t *testing.T, f *fixture, path, session string, v any) *http.Response {
	t.Helper()
	res := f.do(t, "GET", path, "", session, nil)
	decodeInto(t, res, v)
	return res
}

func decodeInto(t *testing.T, res *http.Response, v any) {
	t.Helper()
	want := "application/json"
	if res.StatusCode >= 400 {
		want = "application/problem+json"
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, want) {
		t.Fatalf("status %d, content type %q, want %s", res.StatusCode, ct, want)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("decode: %v", err)
	}
}

type registerAnswer struct {
	Total     int            `json:"total"`
	Page      int            `json:"page"`
	PerPage   int            `json:"per_page"`
	Suppliers []supplierJSON `json:"suppliers"`
}

// errorAnswer is an API error: problem details.
type errorAnswer = problemJSON

func TestSupplierAPIRegister(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, ps, sessions := apiFixture(t, db)
		tests := []struct {
			name, query   string
			total         int
			page, perPage int
			refs          []string // in order
		}{
			{"by exposure", "", 6, 1, 50, []string{"C", "T", "F", "G", "S", "M"}},
			{"country by name", "?country=Ivory+Coast", 3, 1, 50, []string{"C", "T", "F"}},
			{"country by alpha-3, by name", "?country=CIV&sort=name", 3, 1, 50, []string{"T", "C", "F"}},
			{"commodity and level", "?commodity=cocoa&level=high", 2, 1, 50, []string{"T", "F"}},
			{"commodity as written", "?commodity=cacao+beans&level=CRITICAL", 1, 1, 50, []string{"C"}},
			{"tier", "?tier=1&sort=name", 2, 1, 50, []string{"M", "G"}},
			{"explicit exposure sort", "?sort=exposure&tier=2", 2, 1, 50, []string{"T", "S"}},
			{"page two of two per page", "?per_page=2&page=2", 6, 2, 2, []string{"F", "G"}},
			{"last partial page", "?per_page=4&page=2", 6, 2, 4, []string{"S", "M"}},
			{"past the end", "?per_page=2&page=4", 6, 4, 2, []string{}},
			{"largest page", "?per_page=500", 6, 1, 500, []string{"C", "T", "F", "G", "S", "M"}},
			// q is a name prefix on the normalised name; it also finds
			// parties not scored yet, and the other filters still apply.
			{"name prefix", "?q=kou", 2, 1, 50, []string{"F", "U"}},
			{"name prefix without diacritics", "?q=coope", 1, 1, 50, []string{"C"}},
			{"name prefix with diacritics", "?q=Coop%C3%A9", 1, 1, 50, []string{"C"}},
			{"name prefix and country", "?q=ab&country=CI", 1, 1, 50, []string{"T"}},
			{"name prefix and other country", "?q=ab&country=BD", 0, 1, 50, []string{}},
			{"name prefix and level", "?q=kou&level=high", 1, 1, 50, []string{"F"}},
			{"unknown level", "?level=unknown", 0, 1, 50, nil},
			{"name prefix and tier", "?q=dhaka&tier=2", 0, 1, 50, []string{}},
			{"name prefix, paged", "?q=kou&per_page=1&page=2", 2, 2, 1, []string{"U"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var got registerAnswer
				res := getJSON(t, f, "/api/v1/suppliers"+tc.query, sessions[account.RoleViewer], &got)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d", res.StatusCode)
				}
				refs := []string{}
				for _, s := range got.Suppliers {
					refs = append(refs, s.Ref)
				}
				if got.Total != tc.total || got.Page != tc.page || got.PerPage != tc.perPage || !slices.Equal(refs, tc.refs) {
					t.Errorf("total %d page %d per_page %d refs %v; want %d %d %d %v",
						got.Total, got.Page, got.PerPage, refs, tc.total, tc.page, tc.perPage, tc.refs)
				}
			})
		}
		t.Run("fields", func(t *testing.T) {
			var got registerAnswer
			getJSON(t, f, "/api/v1/suppliers?q=kou", sessions[account.RoleAnalyst], &got)
			if len(got.Suppliers) != 2 {
				t.Fatalf("rows %+v", got.Suppliers)
			}
			want := supplierJSON{ID: ps["F"].ID, Ref: "F", Name: "Kouassi Farm", Kind: "farm", Country: "CI",
				Commodities: []string{"cocoa"}, UnknownCommodities: []string{}, Tier: 3, Inherent: 52, Own: 52, Exposure: 60,
				Level: "high", Scored: true}
			if g := got.Suppliers[0]; !sameSupplier(g, want) {
				t.Errorf("scored row\n got %+v\nwant %+v", g, want)
			}
			want = supplierJSON{ID: ps["U"].ID, Ref: "U", Name: "Kouadio Plantation", Kind: "farm", Country: "CI",
				Commodities: []string{"cocoa"}, UnknownCommodities: []string{"shea"}}
			if g := got.Suppliers[1]; !sameSupplier(g, want) {
				t.Errorf("unscored row\n got %+v\nwant %+v", g, want)
			}
		})
	})
}

func sameSupplier(a, b supplierJSON) bool {
	return a.ID == b.ID && a.Ref == b.Ref && a.Name == b.Name && a.Kind == b.Kind && a.Country == b.Country &&
		slices.Equal(a.Commodities, b.Commodities) && slices.Equal(a.UnknownCommodities, b.UnknownCommodities) &&
		a.Tier == b.Tier && a.Inherent == b.Inherent && a.Signals == b.Signals && a.Own == b.Own &&
		a.Exposure == b.Exposure && a.Level == b.Level && a.Scored == b.Scored
}

func TestSupplierAPIRegisterBadParams(t *testing.T) {
	t.Parallel() // its own database and server
	f, _, sessions := apiFixture(t, sqltest.Open(t, sqlstore.SQLite))
	tests := []struct {
		query  string
		params []string
	}{
		{"?country=Atlantis", []string{"country"}},
		{"?commodity=unobtainium", []string{"commodity"}},
		{"?tier=0", []string{"tier"}},
		{"?tier=x", []string{"tier"}},
		{"?level=extreme", []string{"level"}},
		{"?sort=colour", []string{"sort"}},
		{"?page=0", []string{"page"}},
		{"?per_page=0", []string{"per_page"}},
		{"?per_page=501", []string{"per_page"}},
		{"?per_page=ten", []string{"per_page"}},
		{"?country=Atlantis&level=extreme&tier=x&sort=colour&page=-1&per_page=9999",
			[]string{"country", "tier", "level", "sort", "page", "per_page"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			var got errorAnswer
			res := getJSON(t, f, "/api/v1/suppliers"+tc.query, sessions[account.RoleViewer], &got)
			if res.StatusCode != http.StatusBadRequest || got.Code != "invalid" {
				t.Fatalf("status %d, error %+v", res.StatusCode, got)
			}
			var params []string
			for _, p := range got.Errors {
				params = append(params, p.Field)
				if !strings.Contains(got.Detail, p.Reason) || p.Reason == "" {
					t.Errorf("problem %+v is not in the detail %q", p, got.Detail)
				}
			}
			if !slices.Equal(params, tc.params) {
				t.Errorf("bad params %v, want %v", params, tc.params)
			}
		})
	}
}

type partyAnswer struct {
	supplierJSON
	Region         string               `json:"region"`
	Address        string               `json:"address"`
	Lat            *float64             `json:"lat"`
	Lng            *float64             `json:"lng"`
	OSID           string               `json:"os_id"`
	LEI            string               `json:"lei"`
	GLN            string               `json:"gln"`
	Workers        int                  `json:"workers"`
	Attributes     map[string]string    `json:"attributes"`
	Factors        []supplychain.Factor `json:"factors"`
	Suppliers      []partyLinkJSON      `json:"suppliers"`
	Buyers         []partyLinkJSON      `json:"buyers"`
	SuppliersTotal int                  `json:"suppliers_total"`
	BuyersTotal    int                  `json:"buyers_total"`
}

// linkText writes links compactly for comparison, sorted as the store
// promises no order: name/country/commodity/share in percent, with the
// reporting organisation marked.
func linkText(ls []partyLinkJSON) string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Name + "/" + l.Country + "/" + l.Commodity
		if l.Reporting {
			out[i] = "reporting:" + out[i]
		}
		if l.Share != nil {
			out[i] += "/" + score(*l.Share*100)
		}
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

func TestSupplierAPIParty(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, ps, sessions := apiFixture(t, db)
		ilab := supplychain.Factor{Kind: "inherent", Source: "US DOL ILAB List of Goods", Edition: "2024",
			Indicator: "child labour in cocoa", Value: "listed", Points: 40, Contribution: 40}
		tests := []struct {
			name, ref           string
			check               func(t *testing.T, p partyAnswer)
			suppliers, buyers   string
			nSuppliers, nBuyers int
			nFactors            int
			level               string
		}{
			{"trader between tiers", "T", func(t *testing.T, p partyAnswer) {
				if p.Factors[0] != ilab || p.Factors[1].Source != "Global Slavery Index" || p.Factors[1].Value != "7.3" {
					t.Errorf("factors %+v", p.Factors)
				}
				if p.Exposure != 70 || p.Inherent != 52 || p.Tier != 2 || !p.Scored {
					t.Errorf("risk %+v", p.supplierJSON)
				}
			}, "Coopérative Soubré/CI/cocoa/30.0, Kouassi Farm/CI/cocoa/10.0", "Grinder Europe B.V./NL/cocoa", 2, 1, 2, "high"},
			{"tier one sells to the organisation", "G", func(t *testing.T, p partyAnswer) {
				if p.LEI != "5493001KJTIIGC8Y1R12" || p.Buyers[0].ID != "" {
					t.Errorf("lei %q, buyer %+v", p.LEI, p.Buyers[0])
				}
			}, "Abidjan Trading SARL/CI/cocoa", "reporting:Acme//cocoa/60.0", 1, 1, 1, "medium"},
			{"cooperative identifiers", "C", func(t *testing.T, p partyAnswer) {
				if p.OSID != "CI2026000AAA" || p.Address != "BP 12, Soubré" || p.Lat != nil || len(p.Attributes) != 0 || p.Attributes == nil {
					t.Errorf("fields %+v", p)
				}
			}, "", "Abidjan Trading SARL/CI/cocoa/30.0", 0, 1, 2, "critical"},
			{"every stored field, not scored yet", "U", func(t *testing.T, p partyAnswer) {
				if p.Region != "Nawa" || p.Lat == nil || *p.Lat != 5.78 || p.Lng == nil || *p.Lng != -6.6 || p.Workers != 12 ||
					p.Attributes["certification"] != "Rainforest Alliance" || p.Scored || p.Exposure != 0 ||
					!slices.Equal(p.UnknownCommodities, []string{"shea"}) {
					t.Errorf("fields %+v", p)
				}
			}, "", "", 0, 0, 0, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var p partyAnswer
				res := getJSON(t, f, "/api/v1/suppliers/"+ps[tc.ref].ID, sessions[account.RoleCaseHandler], &p)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d", res.StatusCode)
				}
				if p.ID != ps[tc.ref].ID || p.Name != ps[tc.ref].Name || p.Level != tc.level || len(p.Factors) != tc.nFactors {
					t.Fatalf("party %s %q level %q, %d factors", p.ID, p.Name, p.Level, len(p.Factors))
				}
				if got := linkText(p.Suppliers); got != tc.suppliers || p.SuppliersTotal != tc.nSuppliers {
					t.Errorf("suppliers (%d) %q, want %q", p.SuppliersTotal, got, tc.suppliers)
				}
				if got := linkText(p.Buyers); got != tc.buyers || p.BuyersTotal != tc.nBuyers {
					t.Errorf("buyers (%d) %q, want %q", p.BuyersTotal, got, tc.buyers)
				}
				if p.Suppliers == nil || p.Buyers == nil || p.Factors == nil {
					t.Error("an empty list is null")
				}
				tc.check(t, p)
			})
		}

		// Ids derive from the organisation's own references, so another
		// organisation holds a party under the same id: each sees its own.
		ctx := context.Background()
		beta, _, err := f.accounts.EnsureOrg(ctx, "beta", "Beta")
		if err != nil {
			t.Fatal(err)
		}
		bu, err := f.accounts.CreateUser(ctx, account.NewUser{OrgID: beta.ID, Email: "viewer@beta.example", Name: "b", Role: account.RoleViewer, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		_, betaSession := f.login(t, bu.Email, testPassword, "")
		own := supplychain.Party{ID: supplychain.RefID("T"), Ref: "T", Name: "Beta Trading", Country: "GH", Kind: supplychain.KindTrader}
		only := supplychain.Party{ID: supplychain.RefID("B-ONLY"), Ref: "B-ONLY", Name: "Beta Only Ltd", Country: "GH", Kind: supplychain.KindCompany}
		if err := db.SupplyChain().UpsertParties(ctx, beta.ID, []supplychain.Party{own, only}); err != nil {
			t.Fatal(err)
		}
		isolation := []struct {
			name, session, id string
			status            int
			wantName          string
		}{
			{"other organisation's party", sessions[account.RoleViewer], only.ID, http.StatusNotFound, ""},
			{"our party is not theirs", betaSession, ps["C"].ID, http.StatusNotFound, ""},
			{"same id, their own party", betaSession, own.ID, http.StatusOK, "Beta Trading"},
			{"same id, our own party", sessions[account.RoleViewer], own.ID, http.StatusOK, "Abidjan Trading SARL"},
			{"unknown id", sessions[account.RoleViewer], "nope", http.StatusNotFound, ""},
		}
		for _, tc := range isolation {
			t.Run(tc.name, func(t *testing.T) {
				var p struct {
					partyAnswer
					Code string `json:"code"`
				}
				res := getJSON(t, f, "/api/v1/suppliers/"+tc.id, tc.session, &p)
				if res.StatusCode != tc.status || p.Name != tc.wantName {
					t.Fatalf("status %d name %q, want %d %q", res.StatusCode, p.Name, tc.status, tc.wantName)
				}
				if tc.status == http.StatusNotFound && p.Code != "not_found" {
					t.Errorf("error %+v", p.Code)
				}
				if tc.wantName == "Beta Trading" && (len(p.Suppliers) != 0 || len(p.Buyers) != 0) {
					t.Errorf("links crossed organisations: %+v %+v", p.Suppliers, p.Buyers)
				}
			})
		}
		var reg registerAnswer
		getJSON(t, f, "/api/v1/suppliers?q=beta", sessions[account.RoleViewer], &reg)
		if reg.Total != 0 {
			t.Errorf("another organisation's parties are in the register: %+v", reg.Suppliers)
		}
	})
}

// upload is one file of a multipart upload.
type upload struct{ name, content string }

func uploadBody(t *testing.T, files []upload, fields map[string]string) (string, map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range files {
		w, err := mw.CreateFormFile("files", f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.content))
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	return buf.String(), map[string]string{"Content-Type": mw.FormDataContentType()}
}

// importAnswer is an import's result, or the problem details of a
// refused import with its counts and row errors.
type importAnswer struct {
	importJSON
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

const (
	// goodCSV adds a cooperative in Ghana supplying the stored trader T
	// and a farm supplying the cooperative.
	goodCSV = "id,name,country,commodity,buyer_id,share\n" +
		"N1,Nkawkaw Cocoa Union,Ghana,cocoa beans,T,20%\n" +
		"N2,Nsuta Farm,GHA,cocoa,N1,\n"
	badCSV = "id,name,country,commodity,buyer_id\n" +
		"N3,Nyinahin Growers,GH,cocoa,T\n" +
		"N4,Nowhere Traders,Atlantis,cocoa,T\n"
)

func TestSupplierAPIImport(t *testing.T) {
	t.Parallel() // its own database and server
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		tests := []struct {
			name   string
			files  []upload
			fields map[string]string
			status int
			check  func(t *testing.T, f *fixture, session string, got importAnswer)
		}{
			{"stored and scored", []upload{{"ghana.csv", goodCSV}}, nil, http.StatusOK,
				func(t *testing.T, f *fixture, session string, got importAnswer) {
					if len(got.Files) != 1 || got.Files[0].Name != "ghana.csv" || got.Files[0].Format != string(ingest.FormatUpstreamCSV) ||
						got.Files[0].Rows != 2 || got.Files[0].Parties != 2 || got.Files[0].Links != 2 || got.Total.Rows != 2 {
						t.Errorf("files %+v total %+v", got.Files, got.Total)
					}
					if got.Parties == nil || *got.Parties != 9 || len(got.Levels) != 5 {
						t.Errorf("after recompute: %v parties, levels %v", got.Parties, got.Levels)
					}
					// The register lists scored parties only: the new ones are
					// there without a name search, so risk was recomputed.
					var reg registerAnswer
					getJSON(t, f, "/api/v1/suppliers?country=GH&sort=name", session, &reg)
					if reg.Total != 2 || len(reg.Suppliers) != 2 {
						t.Fatalf("register in Ghana: %+v", reg)
					}
					for i, want := range []struct {
						name string
						tier int
					}{{"Nkawkaw Cocoa Union", 3}, {"Nsuta Farm", 4}} {
						s := reg.Suppliers[i]
						if s.Name != want.name || s.Tier != want.tier || !s.Scored || s.Level == "" || s.Inherent <= 0 {
							t.Errorf("new party %+v, want %s at tier %d, scored", s, want.name, want.tier)
						}
					}
					var p partyAnswer
					getJSON(t, f, "/api/v1/suppliers/"+reg.Suppliers[0].ID, session, &p)
					if len(p.Factors) == 0 || linkText(p.Buyers) != "Abidjan Trading SARL/CI/cocoa/20.0" ||
						linkText(p.Suppliers) != "Nsuta Farm/GH/cocoa" {
						t.Errorf("new party detail: factors %+v, buyers %q, suppliers %q", p.Factors, linkText(p.Buyers), linkText(p.Suppliers))
					}
				}},
			{"a bad row stores nothing", []upload{{"ghana.csv", goodCSV}, {"more.csv", badCSV}}, nil, http.StatusUnprocessableEntity,
				func(t *testing.T, f *fixture, session string, got importAnswer) {
					if got.Code != "invalid" || len(got.Errors) != 1 || got.Total.ErrorCount != 1 {
						t.Fatalf("error %+v, row errors %+v", got.Detail, got.Errors)
					}
					e := got.Errors[0]
					if e.File != "more.csv" || e.Line != 3 || e.Column < 1 || e.Field != "country" || !strings.Contains(e.Reason, "Atlantis") {
						t.Errorf("row error %+v", e)
					}
					if got.Levels != nil || got.Parties != nil {
						t.Errorf("levels after a failed import: %v %v", got.Levels, got.Parties)
					}
					var reg registerAnswer
					getJSON(t, f, "/api/v1/suppliers?q=n", session, &reg)
					if reg.Total != 0 {
						t.Errorf("a failed import stored %+v", reg.Suppliers)
					}
				}},
			{"skip bad rows", []upload{{"more.csv", badCSV}}, map[string]string{"skip_bad_rows": "true"}, http.StatusOK,
				func(t *testing.T, f *fixture, session string, got importAnswer) {
					if got.Files[0].Skipped != 1 || got.Files[0].Parties != 1 || got.Total.Skipped != 1 ||
						len(got.Errors) != 1 || got.Errors[0].Line != 3 || got.Code != "" {
						t.Fatalf("files %+v errors %+v", got.Files, got.Errors)
					}
					var reg registerAnswer
					getJSON(t, f, "/api/v1/suppliers?q=n", session, &reg)
					if reg.Total != 1 || reg.Suppliers[0].Name != "Nyinahin Growers" || !reg.Suppliers[0].Scored {
						t.Errorf("register after skipping: %+v", reg)
					}
				}},
			{"skip flag not a boolean", []upload{{"more.csv", badCSV}}, map[string]string{"skip_bad_rows": "maybe"}, http.StatusBadRequest,
				func(t *testing.T, f *fixture, session string, got importAnswer) {
					if len(got.Errors) != 1 || got.Errors[0].Field != "skip_bad_rows" {
						t.Errorf("problems %+v", got.Errors)
					}
				}},
			{"no file", nil, map[string]string{"skip_bad_rows": "true"}, http.StatusBadRequest,
				func(t *testing.T, f *fixture, session string, got importAnswer) {
					if got.Code != "invalid" || !strings.Contains(got.Detail, "at least one file") {
						t.Errorf("error %+v", got.Detail)
					}
				}},
			{"too many files", slices.Repeat([]upload{{"a.csv", goodCSV}}, maxImportFiles+1), nil, http.StatusBadRequest,
				func(t *testing.T, f *fixture, session string, got importAnswer) {
					if !strings.Contains(got.Detail, "at most 10 files") {
						t.Errorf("error %+v", got.Detail)
					}
				}},
		}
		for _, tc := range tests {
			// Each case imports into a database of its own.
			t.Run(string(engine)+"/"+tc.name, func(t *testing.T) {
				f, _, sessions := apiFixture(t, sqltest.Open(t, engine))
				body, hdr := uploadBody(t, tc.files, tc.fields)
				res := f.do(t, "POST", "/api/v1/suppliers/import", body, sessions[account.RoleAnalyst], hdr)
				var got importAnswer
				decodeInto(t, res, &got)
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %+v", res.StatusCode, tc.status, got)
				}
				tc.check(t, f, sessions[account.RoleViewer], got)
			})
		}
	}
}

func TestSupplierAPIImportRefusals(t *testing.T) {
	t.Parallel() // its own database and server
	f, _, sessions := apiFixture(t, sqltest.Open(t, sqlstore.SQLite))
	imp := &fakeImporter{results: []ingest.Result{{Format: ingest.FormatUpstreamCSV, Rows: 1, Parties: 1}}}
	f.deps.Imports = imp
	admin := sessions[account.RoleAdmin]
	body, hdr := uploadBody(t, []upload{{"a.csv", "id,name,country\n1,A,CI\n"}}, nil)
	withHeaders := func(extra map[string]string) map[string]string {
		h := map[string]string{}
		for k, v := range hdr {
			h[k] = v
		}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	big, bigHdr := uploadBody(t, []upload{{"big.csv", strings.Repeat("x", maxImportBytes+1)}}, nil)
	tests := []struct {
		name    string
		body    string
		session string
		hdr     map[string]string
		status  int
		imports bool // whether the importer runs
	}{
		{"cross-site with the session cookie", body, admin,
			withHeaders(map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}), http.StatusForbidden, false},
		{"foreign origin with the session cookie", body, admin,
			withHeaders(map[string]string{"Origin": "https://evil.example"}), http.StatusForbidden, false},
		{"same-origin with the session cookie", body, admin,
			withHeaders(map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://upstream.test"}), http.StatusOK, true},
		{"too large", big, admin, bigHdr, http.StatusRequestEntityTooLarge, false},
		{"not multipart", `{"files": []}`, admin, map[string]string{"Content-Type": "application/json"}, http.StatusBadRequest, false},
		{"viewer may not import", body, sessions[account.RoleViewer], hdr, http.StatusForbidden, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			imp.got = nil
			res := f.do(t, "POST", "/api/v1/suppliers/import", tc.body, tc.session, tc.hdr)
			var got importAnswer
			decodeInto(t, res, &got)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %+v", res.StatusCode, tc.status, got.Detail)
			}
			if ran := len(imp.got) > 0; ran != tc.imports {
				t.Errorf("importer ran: %v, want %v", ran, tc.imports)
			}
			if tc.status != http.StatusOK && got.Code == "" {
				t.Error("a refusal without an error code")
			}
		})
	}

	t.Run("API token without browser headers", func(t *testing.T) {
		imp.got = nil
		_, token, err := f.accounts.CreateAPIToken(context.Background(), f.users[account.RoleAnalyst], account.TokenRequest{Name: "ci", Scopes: account.Scopes{"suppliers:write"}})
		if err != nil {
			t.Fatal(err)
		}
		res := f.do(t, "POST", "/api/v1/suppliers/import", body, "", withHeaders(map[string]string{"Authorization": "Bearer " + token}))
		var got importAnswer
		decodeInto(t, res, &got)
		if res.StatusCode != http.StatusOK || len(imp.got) != 1 || got.Files[0].Format != string(ingest.FormatUpstreamCSV) ||
			got.Levels["high"] != 1 || *got.Parties != 1 {
			t.Fatalf("status %d, importer got %v, answer %+v", res.StatusCode, imp.got, got)
		}
	})

	t.Run("imports unavailable", func(t *testing.T) {
		f.deps.Imports = nil
		res := f.do(t, "POST", "/api/v1/suppliers/import", body, admin, hdr)
		var got importAnswer
		decodeInto(t, res, &got)
		if res.StatusCode != http.StatusServiceUnavailable || got.Code != "unavailable" {
			t.Fatalf("status %d, error %+v", res.StatusCode, got.Detail)
		}
	})

	t.Run("register unavailable", func(t *testing.T) {
		f.deps.Suppliers = nil
		for _, p := range []string{"/api/v1/suppliers", "/api/v1/suppliers/x"} {
			var got errorAnswer
			if res := getJSON(t, f, p, admin, &got); res.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("%s: status %d", p, res.StatusCode)
			}
		}
	})
}
