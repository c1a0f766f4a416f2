package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/cli"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// The early-warning fixtures live beside the package they exercise.
var warnData = filepath.Join("..", "earlywarning", "testdata")

func runWarn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := cli.Main(context.Background(), env, append([]string{"warn"}, args...))
	return code, out.String(), errb.String()
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	testkit.Golden(t, path, []byte(got))
}

func TestWarnBacktestGolden(t *testing.T) {
	in := filepath.Join(warnData, "backtest.csv")
	code, out, errOut := runWarn(t, "", "backtest", "--series", in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkGolden(t, filepath.Join(warnData, "backtest.golden.jsonl"), out)
	if want := "backtest: 3 series, 207 series-days, 9 alerts (cusum 4, ewma 5)\n"; errOut != want {
		t.Errorf("summary %q, want %q", errOut, want)
	}
	// Reading the same file from standard input gives the same alerts.
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	code, out2, _ := runWarn(t, string(data), "backtest", "--series", "-")
	if code != 0 || out2 != out {
		t.Errorf("stdin: exit %d, output differs: %s", code, out2)
	}
}

func TestWarnBacktestErrors(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"no subcommand", "", nil, 2, "warn needs a subcommand"},
		{"unknown subcommand", "", []string{"replay"}, 2, `unknown subcommand "replay"`},
		{"no series", "", []string{"backtest"}, 2, "--series FILE.csv is required"},
		{"missing file", "", []string{"backtest", "--series", "no-such.csv"}, 2, "no-such.csv does not exist"},
		{"unknown detector", "", []string{"backtest", "--series", "-", "--detector", "cusum,farrington"}, 2, `detector "farrington" is not one of cusum, ewma`},
		{"bad row", "date,key,count\n2026-03-01,a,1\n2026-03-02,a,many\n", []string{"backtest", "--series", "-"}, 2, `<stdin>:3:14: count "many" is not a whole number`},
		{"no header", "2026-03-01,a,1\n", []string{"backtest", "--series", "-"}, 2, `<stdin>:1:1: unknown column "2026-03-01"`},
		{"unknown flag", "", []string{"backtest", "--window", "3"}, 2, "flag provided but not defined"},
		{"stray argument", "", []string{"backtest", "--series", "-", "extra.csv"}, 2, `unexpected argument "extra.csv"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runWarn(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

func TestWarnBacktestOneDetector(t *testing.T) {
	var in strings.Builder
	in.WriteString("date,key,count\n")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := range 40 {
		n := 2
		if d == 35 {
			n = 30
		}
		fmt.Fprintf(&in, "%s,k,%d\n", start.AddDate(0, 0, d).Format(time.DateOnly), n)
	}
	code, out, errOut := runWarn(t, in.String(), "backtest", "--series", "-", "--detector", "ewma")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := `{"key":"k","date":"2026-02-05","detector":"ewma","score":`; !strings.HasPrefix(out, want) || strings.Count(out, "\n") != 1 {
		t.Errorf("output %q, want one line starting %q", out, want)
	}
	if !strings.HasSuffix(errOut, "1 alert (ewma 1)\n") {
		t.Errorf("summary %q", errOut)
	}
}

func TestWarnEvaluate(t *testing.T) {
	code, out, errOut := runWarn(t, "", "evaluate", "--replicas", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"synthetic suite: 160 series of 182 days", "cusum", "ewma", "FA/1000 days", "ramp x3"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
