package cli_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// chainAudits are audits of three parties of chain.csv: a failed amfori
// BSCI audit, a current SA8000 certificate, and a SMETA audit with a major
// forced-labour finding.
const chainAudits = `supplier,scheme,date,result,grade,expiry,findings_forced_labour
T1,amfori BSCI,2026-06-01,,E,,
C1,SA8000,2026-06-01,certified,,2029-05-31,
F2,SMETA,2026-06-01,,,,major
`

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// storedAudits counts the audits stored for an organisation.
func storedAudits(t *testing.T, dsn, orgID string) int {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.SupplyChain().PartyAudits(ctx, orgID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, as := range m {
		n += len(as)
	}
	return n
}

// TestImportAuditsScoreAsAssess imports audits with the suppliers they
// name and checks that the stored scores of the audited parties are those
// `assess --audits` gives for the same files.
func TestImportAuditsScoreAsAssess(t *testing.T) {
	t.Parallel()
	chain := filepath.Join(assessData, "chain.csv")
	audits := writeTemp(t, "audits.csv", chainAudits)
	code, out, errOut := run(t, nil, "", "assess", chain, "--audits", audits, "--format", "json")
	if code != 0 {
		t.Fatalf("assess: exit %d: %s", code, errOut)
	}
	want := map[string]map[string]any{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		want[r["id"].(string)] = r
	}
	for _, e := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			dsn, orgs := importDB(t, e)
			// The audit file comes first and is recognised from its header;
			// it is stored after the suppliers it names.
			code, out, errOut := run(t, nil, "", "import", audits, chain, "--db", dsn, "--org", "acme")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, "audits.csv: audits-csv, 3 rows, 3 audits stored, 0 skipped") {
				t.Errorf("stdout:\n%s", out)
			}
			stored := map[string]bool{}
			for _, r := range register(t, dsn, orgs["acme"]) {
				w, audited := want[r.Party.Ref]
				if !audited || (r.Party.Ref != "T1" && r.Party.Ref != "C1" && r.Party.Ref != "F2") {
					continue
				}
				stored[r.Party.Ref] = true
				// The register JSON rounds to hundredths.
				if r.Risk.Level != w["level"] || round2(r.Risk.Inherent) != w["inherent"] || round2(r.Risk.Signals) != w["signals"] {
					t.Errorf("%s stored %s inherent %v signals %v; assess gives %v inherent %v signals %v",
						r.Party.Ref, r.Risk.Level, r.Risk.Inherent, r.Risk.Signals, w["level"], w["inherent"], w["signals"])
				}
				var sources []string
				for _, f := range r.Risk.Factors {
					sources = append(sources, f.Source+" "+f.Edition)
				}
				if s := strings.Join(sources, "; "); !strings.Contains(s, "audit 2026-06-01") {
					t.Errorf("%s factors lack the audit and its date: %s", r.Party.Ref, s)
				}
			}
			if len(stored) != 3 {
				t.Fatalf("audited parties found in the register: %v", stored)
			}
			// The same audits again change nothing; --audits names an audit
			// file as well.
			if code, _, errOut := run(t, nil, "", "import", "--audits", audits, "--db", dsn, "--org", "acme"); code != 0 {
				t.Fatalf("again: exit %d: %s", code, errOut)
			}
			if n := storedAudits(t, dsn, orgs["acme"]); n != 3 {
				t.Errorf("%d audits stored after importing the file twice, want 3", n)
			}
			// Another organisation has none of these suppliers: every row
			// is an error and nothing is stored.
			code, out, errOut = run(t, nil, "", "import", audits, "--db", dsn, "--org", "other")
			if code != 2 || out != "" || !strings.Contains(errOut, `audits.csv:2:1: supplier: "T1" names no stored supplier`) ||
				!strings.Contains(errOut, "use --skip-bad-rows") {
				t.Errorf("other organisation: exit %d, stdout %q, stderr %s", code, out, errOut)
			}
			if n := storedAudits(t, dsn, orgs["other"]); n != 0 {
				t.Errorf("%d audits stored by a failed import", n)
			}
		})
	}
}

func TestImportAuditsBadRows(t *testing.T) {
	t.Parallel()
	dsn, orgs := importDB(t, sqlstore.SQLite)
	chain := filepath.Join(assessData, "chain.csv")
	bad := writeTemp(t, "audits.csv", `supplier,scheme,date,result
T1,SA8000,2026-02-30,pass
C1,SA8000,2026-01-10,great
F2,SMETA,2026-01-10,pass
NOPE,RSPO,2026-01-10,pass
`)
	code, out, errOut := run(t, nil, "", "import", chain, bad, "--db", dsn, "--org", "acme")
	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	for _, want := range []string{
		`audits.csv:2:11: date: "2026-02-30" is not a date written YYYY-MM-DD`,
		`audits.csv:3:22: result: "great" is not a result Upstream knows`,
		`audits.csv:5:1: supplier: "NOPE" names no stored supplier`,
		"upstream import: 3 bad row(s) in ",
		"audits.csv, nothing imported (use --skip-bad-rows to import the good rows)",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if reg := register(t, dsn, orgs["acme"]); len(reg) != 0 {
		t.Errorf("a bad audit file left %d suppliers stored", len(reg))
	}
	code, out, errOut = run(t, nil, "", "import", chain, bad, "--db", dsn, "--org", "acme", "--skip-bad-rows")
	if code != 0 || !strings.Contains(out, "audits.csv: audits-csv, 4 rows, 1 audits stored, 3 skipped") {
		t.Fatalf("--skip-bad-rows: exit %d, stdout %s, stderr %s", code, out, errOut)
	}
	if n := storedAudits(t, dsn, orgs["acme"]); n != 1 {
		t.Errorf("%d audits stored, want F2's", n)
	}
	// --audits with a supplier list: the header says what is missing.
	code, _, errOut = run(t, nil, "", "import", "--audits", chain, "--db", dsn, "--org", "acme")
	if code != 2 || !strings.Contains(errOut, "chain.csv:1: no scheme column") {
		t.Errorf("supplier list as --audits: exit %d: %s", code, errOut)
	}
}
