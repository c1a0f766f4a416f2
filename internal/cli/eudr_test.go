package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestEUDRValidate(t *testing.T) {
	code, out, errOut := runCLI(t, "eudr", "validate", filepath.Join("testdata", "eudr", "cocoa-plots.geojson"))
	if code != 0 || !strings.Contains(out, "6 plot(s), 0 with errors") {
		t.Fatalf("good plots: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, name := range []string{"bad-plots.geojson", "bad-plots.csv"} {
		for _, format := range []string{"text", "json"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				code, out, errOut := runCLI(t, "eudr", "validate", filepath.Join("testdata", "eudr", name), "--format", format)
				if code != 2 {
					t.Fatalf("exit %d, want 2: %s", code, errOut)
				}
				if !strings.Contains(errOut, "fix them before the plots go into a statement") {
					t.Errorf("stderr %q", errOut)
				}
				ext := ".txt"
				if format == "json" {
					ext = ".out.json"
				}
				golden(t, filepath.Join("testdata", "eudr", name+".golden"+ext), out)
			})
		}
	}
}

func TestEUDRValidateUsage(t *testing.T) {
	for _, args := range [][]string{
		{"eudr"},
		{"eudr", "publish"},
		{"eudr", "validate"},
		{"eudr", "validate", "plots.kml"},
		{"eudr", "validate", "missing.geojson"},
		{"eudr", "validate", "x.geojson", "--format", "xml"},
		{"eudr", "validate", "x.geojson", "--tolerance-km", "0"},
	} {
		if code, _, errOut := runCLI(t, args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
