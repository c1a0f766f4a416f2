package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// Stored audits are listed with their supplier's name and deleted one at
// a time: the deletion is in the audit log and the register no longer
// counts the audit.
func TestSiteAuditsListAndDelete(t *testing.T) {
	t.Parallel()
	chain := filepath.Join(assessData, "chain.csv")
	audits := writeTemp(t, "audits.csv", chainAudits)
	for _, e := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			dsn, orgs := importDB(t, e)
			if code, _, errOut := run(t, nil, "", "import", chain, audits, "--db", dsn, "--org", "acme"); code != 0 {
				t.Fatalf("import: exit %d: %s", code, errOut)
			}
			code, out, errOut := run(t, nil, "", "site-audits", "--db", dsn, "--org", "acme")
			if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, "2026-06-01  SA8000") ||
				!strings.Contains(out, "(C1)  passed (certified), expires 2029-05-31") || !strings.Contains(out, "forced labour major") {
				t.Fatalf("list: exit %d\n%s%s", code, out, errOut)
			}
			factorsOf := func(ref string) string {
				for _, r := range register(t, dsn, orgs["acme"]) {
					if r.Party.Ref == ref {
						var s []string
						for _, f := range r.Risk.Factors {
							s = append(s, f.Source)
						}
						return strings.Join(s, "; ")
					}
				}
				t.Fatalf("%s not in the register", ref)
				return ""
			}
			if !strings.Contains(factorsOf("C1"), "SA8000 audit") {
				t.Fatalf("C1 factors before: %s", factorsOf("C1"))
			}
			code, out, errOut = run(t, nil, "", "site-audits", "--db", dsn, "--org", "acme", "--delete", "--supplier", "C1", "--scheme", "SA8000", "--date", "2026-06-01")
			if code != 0 || !strings.Contains(out, "deleted: the SA8000 audit of") {
				t.Fatalf("delete: exit %d\n%s%s", code, out, errOut)
			}
			if f := factorsOf("C1"); strings.Contains(f, "SA8000") {
				t.Errorf("C1 still scored with the deleted audit: %s", f)
			}
			if n := storedAudits(t, dsn, orgs["acme"]); n != 2 {
				t.Errorf("%d audits left, want 2", n)
			}
			// Deleting it again finds nothing, and says so.
			code, _, errOut = run(t, nil, "", "site-audits", "--db", dsn, "--org", "acme", "--delete", "--supplier", "C1", "--scheme", "SA8000", "--date", "2026-06-01")
			if code == 0 || !strings.Contains(errOut, "no SA8000 audit") {
				t.Errorf("second delete: exit %d: %s", code, errOut)
			}
			db, err := sqlstore.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			logged := 0
			err = db.AuditLog().Entries(context.Background(), orgs["acme"], 1, func(e audit.Entry) error {
				if e.Action == assessment.ActionAuditDelete && e.Actor == "cli" && e.Detail["scheme"] == "SA8000" {
					logged++
				}
				return nil
			})
			if err != nil || logged != 1 {
				t.Errorf("audit log: %d deletions recorded, err %v", logged, err)
			}
		})
	}
}
