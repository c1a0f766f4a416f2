package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// controlRunes returns the runes of s a terminal would act on or hide:
// control characters other than newline and tab, and format characters
// such as bidirectional overrides.
func controlRunes(s string) []rune {
	var out []rune
	for _, r := range s {
		if (unicode.IsControl(r) && r != '\n' && r != '\t') || unicode.Is(unicode.Cf, r) {
			out = append(out, r)
		}
	}
	return out
}

// TestOutsideBytesAreQuoted runs commands on files whose names and cells
// hold escape sequences, bell and bidirectional overrides, and checks
// that none of them reaches the terminal raw, that the file is still
// named (quoted), and that a failed file gets no summary line.
func TestOutsideBytesAreQuoted(t *testing.T) {
	t.Parallel()
	dsn, _ := importDB(t, sqlstore.SQLite)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	evilName := write("evil\x1b[31m\u202e.csv", "id,name,country\nA1,Acme\x1b]0;owned\x07,Atlantis\x1b[2J\n")
	good := write("good.csv", "id,name,country\nG1,Good Mills,GH\n")
	badAudit := write("audits\x07.csv", "supplier,scheme,date,result\nG1\x1b[1m,SA8000,2026-01-01,pass\n")
	missing := filepath.Join(dir, "gone\x1b[2J.csv")
	tests := []struct {
		name     string
		args     []string
		wantErr  string // in stderr
		noStdout bool
	}{
		{"import: bad row in a file with an escape in its name", []string{"import", good, evilName, "--db", dsn, "--org", "acme"}, `evil\x1b[31m\u202e.csv`, true},
		{"import: audit naming nobody", []string{"import", badAudit, "--db", dsn, "--org", "acme"}, `"G1\x1b[1m" names no stored supplier`, true},
		{"import: missing file", []string{"import", missing, "--db", dsn, "--org", "acme"}, `cannot read "` + strings.ReplaceAll(missing, "\x1b", `\x1b`) + `"`, true},
		{"assess: bad row", []string{"assess", evilName}, `country: unknown country "Atlantis\x1b[2J"`, true},
		{"assess: missing file", []string{"assess", missing}, `cannot open "`, true},
		{"assess: bad audits", []string{"assess", good, "--audits", badAudit}, `audits\a.csv`, true},
		{"screen: missing file", []string{"screen", missing}, `cannot open "`, true},
		{"graph: missing file", []string{"graph", missing}, `cannot open "`, true},
		{"dedupe: missing file", []string{"dedupe", missing}, `cannot open "`, true},
		{"unknown command", []string{"\x1b[2Jx"}, `unknown command "\x1b[2Jx"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, nil, "", tt.args...)
			if code == 0 {
				t.Fatalf("exit 0; stdout %q", out)
			}
			if c := controlRunes(out + errOut); len(c) > 0 {
				t.Errorf("control characters %q reached the terminal:\nstdout %q\nstderr %q", c, out, errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, errOut)
			}
			if tt.noStdout && out != "" {
				t.Errorf("a failed run printed to stdout: %q", out)
			}
		})
	}
}
