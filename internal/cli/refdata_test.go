package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

func TestRefdataReplaceListReset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vars := map[string]string{"UPSTREAM_DB": "sqlite:" + filepath.Join(dir, "r.db")}
	good := filepath.Join(dir, "gsi.csv")
	os.WriteFile(good, []byte("country,iso2,iso3,gsi_region,population,prevalence_per_1000,estimated_people_in_modern_slavery\nCôte d'Ivoire,CI,CIV,Africa,26378000,7.3,191000\n"), 0o644)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("nothing,useful\n1,2\n"), 0o644)

	code, out, errOut := run(t, vars, "", "refdata", "list")
	if code != 0 || !strings.Contains(out, "ilab-goods") || !strings.Contains(out, "embedded") {
		t.Fatalf("list: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := run(t, vars, "", "refdata", "replace", "gsi-2023", bad); code != 2 || !strings.Contains(errOut, "bad.csv") {
		t.Fatalf("bad file: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, vars, "", "refdata", "replace", "nope", good); code != 2 || !strings.Contains(errOut, "unknown dataset") {
		t.Fatalf("unknown dataset: %d %q", code, errOut)
	}
	code, out, errOut = run(t, vars, "", "refdata", "replace", "gsi-2023", good)
	if code != 0 || !strings.Contains(out, "replaced with gsi.csv") {
		t.Fatalf("replace: %d %q %q", code, out, errOut)
	}
	if code, _, e := run(t, vars, "", "user", "add", "--org", "ngo", "--new-org", "NGO", "--email", "a@ngo.example", "--role", "admin"); code != 2 || !strings.Contains(e, "no password") {
		t.Fatalf("user add without password: %d %q", code, e)
	}
	if code, _, e := run(t, vars, "plum orchard lantern\n", "user", "add", "--org", "ngo", "--new-org", "NGO", "--email", "a@ngo.example", "--role", "admin"); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := run(t, vars, "", "refdata", "replace", "gsi-2023", good); code != 0 {
		t.Fatal(e)
	}
	db, err := sqlstore.Open(context.Background(), vars["UPSTREAM_DB"])
	if err != nil {
		t.Fatal(err)
	}
	org, _ := db.Accounts().OrgBySlug(context.Background(), "ngo")
	sigs, _ := db.EarlyWarning().Signals(context.Background(), org.ID, earlywarning.KindRefdataUpdate, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	db.Close()
	if len(sigs) != 1 || sigs[0].Subject.ID != "gsi-2023" {
		t.Fatalf("refdata update signals: %+v", sigs)
	}
	_, out, _ = run(t, vars, "", "refdata", "list")
	if !strings.Contains(out, "operator file gsi.csv") {
		t.Fatalf("list after replace lacks the operator file:\n%s", out)
	}
	if code, out, _ := run(t, vars, "", "refdata", "reset", "gsi-2023"); code != 0 || !strings.Contains(out, "built-in") {
		t.Fatalf("reset: %d %q", code, out)
	}
	_, out, _ = run(t, vars, "", "refdata", "list")
	if strings.Contains(out, "operator file") {
		t.Fatalf("list after reset still shows the override:\n%s", out)
	}
}
