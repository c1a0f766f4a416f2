package cli_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestImpactExport lists the demo programme and exports its report: the
// rows are the service's ReportCSV, which the web page downloads too.
func TestImpactExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := sqltest.DSN(t, sqlstore.SQLite)
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Accounts().CreateOrg(ctx, account.Org{ID: reportOrgID, Slug: "acme", Name: "Acme Foods", CreatedAt: reportNow}); err != nil {
		t.Fatal(err)
	}
	svc := &impact.Service{Store: db.Impact(), Clock: &kernel.FixedClock{T: reportNow}}
	prog, err := impact.SeedDemo(ctx, svc, reportOrgID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := svc.ReportCSV(ctx, reportOrgID, prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, errOut := reportCLI(t, "impact", "list", "--db", dsn, "--org", "acme")
	if code != 0 || !strings.Contains(out, prog.ID) || !strings.Contains(out, impact.DemoProgrammeName) {
		t.Fatalf("list: exit %d\n%s%s", code, out, errOut)
	}
	file := filepath.Join(t.TempDir(), "impact.csv")
	if code, _, errOut := reportCLI(t, "impact", "export", "--db", dsn, "--org", "acme", "--programme", prog.ID, "--out", file); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want)+1 || strings.Join(got[0], ",") != "section,item,field,value" {
		t.Fatalf("export has %d rows (want %d and a header), header %v", len(got), len(want)+1, got[0])
	}
	for i, row := range want {
		if strings.Join(got[i+1], "\x00") != strings.Join(row, "\x00") {
			t.Fatalf("row %d: %v, want %v", i+1, got[i+1], row)
		}
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no programme", []string{"impact", "export", "--db", dsn, "--org", "acme"}, "needs --programme"},
		{"unknown programme", []string{"impact", "export", "--db", dsn, "--org", "acme", "--programme", kernel.NewID()}, "has no impact programme"},
		{"unknown organisation", []string{"impact", "list", "--db", dsn, "--org", "nobody"}, `no organisation "nobody"`},
		{"no action", []string{"impact", "--db", dsn, "--org", "acme"}, "list or export"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := reportCLI(t, tc.args...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tc.want)
			}
		})
	}
}
