package web

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
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

// withStoredAudits gives the fixture the real import service with the
// stored audits as signals, as the server wires it.
func withStoredAudits(t *testing.T, f *fixture, db *sqlstore.DB) {
	t.Helper()
	ref, err := refdata.Default()
	if err != nil {
		t.Fatal(err)
	}
	engine, err := risk.NewEngine(ref, risk.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	f.deps.Imports = &assessment.Service{Store: db.SupplyChain(), Engine: engine, Normalisers: assessment.StandardNormalisers(),
		Signals: assessment.StoredAudits{Store: db.SupplyChain(), Clock: f.clock}, Pending: db.SupplyChain()}
}

// nullSink counts what an import sends.
type nullSink struct{ parties, links int }

func (s *nullSink) Party(supplychain.Party) error { s.parties++; return nil }
func (s *nullSink) Link(supplychain.Link) error   { s.links++; return nil }

func TestImportTemplates(t *testing.T) {
	t.Parallel() // its own database and server
	f, _, sessions := supplyFixture(t)
	for kind, format := range importTemplates {
		t.Run(kind, func(t *testing.T) {
			res := f.do(t, "GET", "/suppliers/import/templates/"+kind, "", sessions[account.RoleAnalyst], nil)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
				!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("status %d, headers %v", res.StatusCode, res.Header)
			}
			// The template is recognised as its kind and parses cleanly,
			// with no rows.
			got, err := ingest.Detect(bufio.NewReader(bytes.NewReader(body)), "template.csv")
			if err != nil || got != format {
				t.Fatalf("template detected as %q, %v; want %q", got, err, format)
			}
			switch format {
			case ingest.FormatAudits:
				audits, bad, err := ingest.ReadAudits(bytes.NewReader(body), "template.csv")
				if err != nil || len(audits) != 0 || len(bad) != 0 {
					t.Errorf("audit template: %d audits, bad %v, %v", len(audits), bad, err)
				}
			default:
				var sink nullSink
				r, err := ingest.Import(context.Background(), bytes.NewReader(body), ingest.Options{Name: "template.csv"}, &sink)
				if err != nil || r.Rows != 0 || sink.parties != 0 || len(r.Warnings) != 0 {
					t.Errorf("supplier template: %+v, %v", r, err)
				}
			}
		})
	}
	if res := f.do(t, "GET", "/suppliers/import/templates/nosuch", "", sessions[account.RoleAnalyst], nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown template: status %d", res.StatusCode)
	}
	page := pageText(t, f.do(t, "GET", "/suppliers/import", "", sessions[account.RoleAnalyst], nil))
	for kind := range importTemplates {
		if !strings.Contains(page, `href="/suppliers/import/templates/`+kind+`"`) {
			t.Errorf("the import page has no link to the %s template", kind)
		}
	}
}

func TestAuditAPIImport(t *testing.T) {
	t.Parallel() // its own databases and servers
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, ps, sessions := apiFixture(t, db)
		withStoredAudits(t, f, db)
		analyst := sessions[account.RoleAnalyst]
		audits := "supplier,scheme,date,result,expiry,findings_forced_labour\n" +
			"C,SA8000,2026-03-02,certified,2029-03-01,\n" +
			"F,Rainforest Alliance,2026-01-15,suspended,,major\n"
		body, hdr := uploadBody(t, []upload{{"audits.csv", audits}}, nil)
		res := f.do(t, "POST", "/api/v1/suppliers/audits", body, analyst, hdr)
		var got importAnswer
		decodeInto(t, res, &got)
		if res.StatusCode != http.StatusOK || len(got.Files) != 1 || got.Files[0].Format != string(ingest.FormatAudits) ||
			got.Total.Audits != 2 || got.Parties == nil {
			t.Fatalf("status %d, answer %+v", res.StatusCode, got)
		}
		var farm supplierDetailJSON
		getJSON(t, f, "/api/v1/suppliers/"+ps["F"].ID, analyst, &farm)
		var kinds []string
		for _, fc := range farm.Factors {
			if strings.Contains(fc.Source, "Rainforest Alliance audit") && fc.Edition == "2026-01-15" {
				kinds = append(kinds, fc.Indicator)
			}
		}
		if strings.Join(kinds, ",") != string(risk.AuditFailed)+","+string(risk.AuditFinding) {
			t.Errorf("the farm's audit factors are %v; all factors %+v", kinds, farm.Factors)
		}

		// A bad row stores nothing and says where it is and how to skip it.
		bad := "supplier,scheme,date,result\nC,SMETA,2026-05-01,pass\nNOBODY,SMETA,2026-05-01,pass\n"
		body, hdr = uploadBody(t, []upload{{"more.csv", bad}}, nil)
		res = f.do(t, "POST", "/api/v1/suppliers/audits", body, analyst, hdr)
		got = importAnswer{}
		decodeInto(t, res, &got)
		if res.StatusCode != http.StatusUnprocessableEntity || len(got.Errors) != 1 || got.Errors[0].Line != 3 || got.Errors[0].Column != 1 ||
			!strings.Contains(got.Detail, "skip_bad_rows=true") {
			t.Fatalf("bad row: status %d, answer %+v", res.StatusCode, got)
		}
		stored, err := db.SupplyChain().AuditsOf(context.Background(), f.org.ID, ps["C"].ID)
		if err != nil || len(stored) != 1 {
			t.Errorf("the cooperative has %d audits after a refused file, want 1 (%v)", len(stored), err)
		}

		// A supplier list sent as audits is refused by its header.
		body, hdr = uploadBody(t, []upload{{"suppliers.csv", goodCSV}}, nil)
		res = f.do(t, "POST", "/api/v1/suppliers/audits", body, analyst, hdr)
		got = importAnswer{}
		decodeInto(t, res, &got)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got.Detail, "no scheme column") {
			t.Errorf("supplier list as audits: status %d, error %+v", res.StatusCode, got.Detail)
		}
	})
}
