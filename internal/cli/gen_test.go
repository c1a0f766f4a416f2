package cli_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/cli"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = cli.Main(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestGenSupplyChain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "c.csv")
	for _, p := range []string{a, b} {
		if code, _, stderr := runCLI(t, "gen", "supplychain", "--parties", "500", "--links", "1400", "--seed", "7", "--out", p); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "gen", "supplychain", "--parties", "500", "--links", "1400", "--seed", "8", "--out", c); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	dc, _ := os.ReadFile(c)
	if !bytes.Equal(da, db) {
		t.Fatal("the same seed gave different files")
	}
	if bytes.Equal(da, dc) {
		t.Fatal("different seeds gave the same file")
	}
	rows, err := csv.NewReader(bytes.NewReader(da)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0][:6], ","); got != "id,name,country,commodity,buyer_id,share" {
		t.Fatalf("header = %v", rows[0])
	}
	if len(rows) != 501 {
		t.Fatalf("rows = %d, want 500 + header", len(rows)-1)
	}
	ids := map[string]int{}
	for i, r := range rows[1:] {
		ids[r[0]] = i
	}
	links, direct, forward := 0, 0, 0
	for i, r := range rows[1:] {
		if r[4] == "" {
			direct++
			links++
			continue
		}
		for _, b := range strings.Split(r[4], ";") {
			j, ok := ids[b]
			if !ok {
				t.Fatalf("row %s: buyer %q does not exist", r[0], b)
			}
			if b == r[0] {
				t.Fatalf("row %s buys from itself", r[0])
			}
			if j > i {
				forward++ // a trader buying from a later trader: part of a cycle
			}
			links++
		}
	}
	if links != 1400 {
		t.Errorf("links = %d, want 1400", links)
	}
	if direct == 0 || direct == 500 {
		t.Errorf("direct suppliers = %d; want some tiers", direct)
	}
	if forward == 0 {
		t.Error("no trader links between traders (no cycles)")
	}
}

func TestGenToStdout(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "gen", "supplychain", "--parties", "3", "--links", "3", "--out", "-")
	if code != 0 || strings.Count(stdout, "\n") != 4 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestGenBadUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no kind", []string{"gen", "--out", "x"}, "only 'supplychain'"},
		{"other kind", []string{"gen", "grievances", "--out", "x"}, "only 'supplychain'"},
		{"no out", []string{"gen", "supplychain"}, "--out FILE is required"},
		{"links below parties", []string{"gen", "supplychain", "--parties", "10", "--links", "5", "--out", "x"}, "at least --parties"},
		{"zero parties", []string{"gen", "supplychain", "--parties", "0", "--out", "x"}, "at least 1"},
		{"bad flag", []string{"gen", "supplychain", "--colour", "red"}, "flag provided but not defined"},
		{"impossible", []string{"gen", "supplychain", "--parties", "2", "--links", "60", "--out", "-"}, "cannot place"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

func TestGenUnwritableOut(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "missing", "dir", "x.csv")
	if code, _, stderr := runCLI(t, "gen", "supplychain", "--parties", "3", "--links", "3", "--out", out); code != 1 {
		t.Fatalf("exit %d (%s), want 1", code, stderr)
	}
}
