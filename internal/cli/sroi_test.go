package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/testkit"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = Main(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	testkit.Golden(t, path, []byte(got))
}

func TestSroiGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"survivor-employment", "forest-restoration"} {
		for _, format := range []string{"text", "json"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				in := filepath.Join("testdata", "sroi", name+".json")
				// The flag after the file name checks interleaved parsing.
				code, out, errOut := runCLI(t, "sroi", in, "--format", format)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				ext := ".txt"
				if format == "json" {
					ext = ".out.json"
				}
				golden(t, filepath.Join("testdata", "sroi", name+".golden"+ext), out)
			})
		}
	}
}

func TestSroiErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"no file", []string{"sroi"}, 2, []string{"want exactly one impact map file"}},
		{"two files", []string{"sroi", "a.json", "b.json"}, 2, []string{"got 2"}},
		{"bad format", []string{"sroi", "--format", "xml", "testdata/sroi/forest-restoration.json"}, 2, []string{`--format: want text or json, got "xml"`}},
		{"unknown flag", []string{"sroi", "--colour"}, 2, []string{"flag provided but not defined"}},
		{"missing file", []string{"sroi", "testdata/sroi/nope.json"}, 2, []string{"opening impact map", "nope.json"}},
		{"bad map", []string{"sroi", "testdata/sroi/percent-typo.json"}, 2, []string{
			"testdata/sroi/percent-typo.json",
			"outcomes[0].colour: unknown field",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
		})
	}
}

func TestSroiPercentHint(t *testing.T) {
	t.Parallel()
	// With the unknown field fixed the percentage typo is reported with
	// its fix.
	doc := `{"currency":"GBP","discount_rate":0.035,"inputs":[{"stakeholder":"F","value":1000}],
	 "outcomes":[{"stakeholder":"S","outcome":"o","quantity":5,"proxy":{"value":900},"deadweight":25,"duration_years":2}]}`
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(doc), Stdout: &out, Stderr: &errb}
	code := Main(context.Background(), env, []string{"sroi", "-"})
	if code != 2 || !strings.Contains(errb.String(), "outcomes[0].deadweight: 25 is outside 0..1; rates are fractions, so write 0.25 for 25%") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}
