package cli_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Every command prints its usage and exits 0 on -h, --help, whether or not
// it takes a subcommand.
func TestEveryCommandHelpExitsZero(t *testing.T) {
	t.Parallel()
	code, _, list := run(t, nil, "", "help")
	if code != 0 {
		t.Fatalf("help exit %d", code)
	}
	var names []string
	inList := false
	for _, line := range strings.Split(list, "\n") {
		if strings.HasPrefix(line, "Commands:") {
			inList = true
			continue
		}
		if inList && strings.HasPrefix(line, "  ") {
			names = append(names, strings.Fields(line)[0])
		}
	}
	if len(names) < 10 {
		t.Fatalf("only %d commands listed:\n%s", len(names), list)
	}
	for _, name := range names {
		for _, h := range []string{"-h", "--help"} {
			code, _, errOut := run(t, nil, "", name, h)
			if code != 0 || !strings.Contains(errOut, "Usage: upstream "+name) {
				t.Errorf("upstream %s %s: exit %d, stderr %.200q", name, h, code, errOut)
			}
		}
	}
}

// Flags may come after the positional arguments, and "--" ends them.
func TestFlagsAfterPositionalArguments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "u.db")
	file := writeFile(t, dir, "bench.csv", "iso2,eudr_risk,basis\nFR,low,x\n")
	if code, out, errOut := run(t, nil, "", "refdata", "replace", "eudr-benchmark", file, "--db", dsn); code != 0 {
		t.Fatalf("refdata replace with --db last: exit %d: %s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, nil, "", "refdata", "list", "--db", dsn); code != 0 || !strings.Contains(out, "bench.csv") {
		t.Fatalf("refdata list: exit %d: %s%s", code, out, errOut)
	}
	// After "--" a name starting with a dash is a file, not a flag.
	code, _, errOut := run(t, nil, "", "assess", "--", "--db")
	if code != 2 || !strings.Contains(errOut, "--db") || strings.Contains(errOut, "flag needs an argument") {
		t.Errorf("assess -- --db: exit %d: %s", code, errOut)
	}
}

// Read-only commands on a missing SQLite file fail without creating it;
// commands that write set a new database up themselves.
func TestNewAndMissingDatabases(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	for _, args := range [][]string{
		{"user", "list", "--org", "acme", "--db", "sqlite:" + missing},
		{"report", "scorecard", "--org", "acme", "--db", "sqlite:" + missing},
		{"audit", "verify", "--db", "sqlite:" + missing},
	} {
		code, _, errOut := run(t, nil, "", args...)
		if code != 2 || !strings.Contains(errOut, "no database at "+missing) {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatalf("%v left %s behind", args, missing)
		}
	}
	fresh := "sqlite:" + filepath.Join(dir, "fresh.db")
	code, out, errOut := run(t, map[string]string{"UPSTREAM_PASSWORD": "a very long password"}, "", "user", "add", "--db", fresh, "--org", "acme", "--new-org", "Acme", "--email", "a@example.org", "--role", "admin")
	if code != 0 {
		t.Fatalf("user add on a new file: exit %d: %s%s", code, out, errOut)
	}
	suppliers := writeFile(t, dir, "s.csv", "id,name,country\nA,Alpha Cocoa,GH\n")
	other := "sqlite:" + filepath.Join(dir, "other.db")
	if code, out, errOut := run(t, nil, "", "import", suppliers, "--db", other, "--org", "coop", "--new-org", "Cocoa Coop"); code != 0 || !strings.Contains(out, "risk recomputed for 1 parties in coop") {
		t.Fatalf("import --new-org on a new file: exit %d: %s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, nil, "", "report", "scorecard", "--org", "coop", "--db", other, "--regulation", "uk-msa"); code != 2 || !strings.Contains(errOut, "--regulation applies to due-diligence reports only") {
		t.Errorf("--regulation on a scorecard: exit %d: %s", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, nil, "", "version")
	if code != 0 || !strings.HasPrefix(out, "upstream ") || !strings.Contains(out, runtime.Version()) {
		t.Errorf("version: exit %d: %q", code, out)
	}
	if code, _, _ := run(t, nil, "", "version", "extra"); code != 2 {
		t.Errorf("version with an argument: exit %d, want 2", code)
	}
}
