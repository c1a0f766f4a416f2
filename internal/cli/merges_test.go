package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// An import merges a facility another file listed under its legal form,
// says so with the command that undoes it, and that command restores both.
func TestImportMergesAndMergesUndoes(t *testing.T) {
	t.Parallel()
	for _, e := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			dsn, orgs := importDB(t, e)
			dir := t.TempDir()
			first, second := filepath.Join(dir, "brand-a.csv"), filepath.Join(dir, "brand-b.csv")
			os.WriteFile(first, []byte("id,name,kind,country,address\nH1,Hanes Ink,facility,HN,\"Parque Industrial Inhdelva Norte, Edificio 11 y 12, Cortes\"\n"), 0o644)
			os.WriteFile(second, []byte("id,name,kind,country,address\nH2,Hanes Ink S.A. de C.V.,facility,HN,\"PARQUE INDUSTRIAL Inhdelva Norte,Edificio 11 y 12,Cortes Honduras\"\n"), 0o644)
			if code, _, errOut := run(t, nil, "", "import", first, "--db", dsn, "--org", "acme"); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			code, out, errOut := run(t, nil, "", "import", second, "--db", dsn, "--org", "acme")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, `merged "Hanes Ink S.A. de C.V." (`+second+`, line 2) into "Hanes Ink": score`) {
				t.Fatalf("the import does not say what it merged:\n%s", out)
			}
			id := regexp.MustCompile(`--undo ([0-9a-f-]{36})`).FindStringSubmatch(out)
			if id == nil {
				t.Fatalf("no undo command in:\n%s", out)
			}
			if n := len(register(t, dsn, orgs["acme"])); n != 1 {
				t.Errorf("%d parties after the merge, want 1", n)
			}
			code, out, errOut = run(t, nil, "", "merges", "--db", dsn, "--org", "acme")
			if code != 0 || !strings.Contains(out, `"Hanes Ink S.A. de C.V." into "Hanes Ink", read from `+second+`, line 2; automatic, score`) {
				t.Errorf("merges: exit %d: %s%s", code, out, errOut)
			}
			code, out, errOut = run(t, nil, "", "merges", "--db", dsn, "--org", "acme", "--undo", id[1])
			if code != 0 || !strings.Contains(out, "undone:") {
				t.Fatalf("undo: exit %d: %s%s", code, out, errOut)
			}
			if n := len(register(t, dsn, orgs["acme"])); n != 2 {
				t.Errorf("%d parties after the undo, want 2", n)
			}
			code, _, errOut = run(t, nil, "", "merges", "--db", dsn, "--org", "acme", "--undo", id[1])
			if code == 0 || !strings.Contains(errOut, "undone already") {
				t.Errorf("second undo: exit %d: %s", code, errOut)
			}
		})
	}
}
