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
	t.Parallel()
	in := filepath.Join(warnData, "backtest.csv")
	code, out, errOut := runWarn(t, "", "backtest", "--series", in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkGolden(t, filepath.Join(warnData, "backtest.nbcusum.golden.jsonl"), out)
	if want := "backtest: 3 series, 207 series-days, 2 alarms (nbcusum only 2)\n"; errOut != want {
		t.Errorf("summary %q, want %q", errOut, want)
	}
	// The previous pair, by name.
	code, pair, errOut := runWarn(t, "", "backtest", "--series", in, "--detector", "cusum,ewma")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkGolden(t, filepath.Join(warnData, "backtest.golden.jsonl"), pair)
	if want := "backtest: 3 series, 207 series-days, 2 alarms (detectors agreed 2, cusum only 0, ewma only 0)\n"; errOut != want {
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
	t.Parallel()
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
		{"unknown detector", "", []string{"backtest", "--series", "-", "--detector", "cusum,farrington"}, 2, `detector "farrington" is not one of nbcusum, cusum, ewma`},
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
	t.Parallel()
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
	if want := `{"key":"k","date":"2026-02-05","last":"2026-02-05","detectors":["ewma"],"scores":{"ewma":`; !strings.HasPrefix(out, want) || strings.Count(out, "\n") != 1 {
		t.Errorf("output %q, want one line starting %q", out, want)
	}
	if !strings.HasSuffix(errOut, "1 alarm (ewma only 1)\n") {
		t.Errorf("summary %q", errOut)
	}
}

func TestWarnEvaluate(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the synthetic suites take a few seconds")
	}
	code, out, errOut := runWarn(t, "", "evaluate", "--suite", "tuning")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"tuning suite: 3000 series of 365 days, seed 11", "nbcusum", "within 3 days", "FA/1000 days", "rate 0.2-0.5/day", "rate 3-10/day"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runWarn(t, "", "evaluate", "--suite", "tuning-wide", "--calendar")
	if code != 0 {
		t.Fatalf("tuning-wide: exit %d: %s", code, errOut)
	}
	if want := "tuning-wide suite: 3000 series of 365 days, seed 404, each with its closure calendar"; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	code, out, errOut = runWarn(t, "", "evaluate", "--suite", "calibrated")
	if code != 0 {
		t.Fatalf("calibrated: exit %d: %s", code, errOut)
	}
	if want := "calibrated suite: 4000 series of 365 days, seed 8128"; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	code, out, errOut = runWarn(t, "", "evaluate", "--curve")
	if code != 0 {
		t.Fatalf("curve: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"held-out suite", "earliest", "balanced", "quietest"} {
		if !strings.Contains(out, want) {
			t.Errorf("curve lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range [][]string{{"--suite", "mine"}, {"--sensitivity", "loud"}, {"--detectors", "cusum", "--window", "3"},
		{"--detectors", "farrington"}, {"--threshold", "-1"}, {"--curve", "--detectors", "cusum,ewma"}} {
		if code, _, errOut := runWarn(t, "", append([]string{"evaluate"}, bad...)...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", bad, code, errOut)
		}
	}
}

func TestWarnBacktestAgreement(t *testing.T) {
	t.Parallel()
	// A quiet series of two reports a day, then a burst: both detectors
	// fire within a day or two of each other, which is one alarm that
	// says they agreed.
	var in strings.Builder
	in.WriteString("date,key,count\n")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := range 60 {
		n := 2 + d%2
		if d >= 50 && d < 53 {
			n = 25
		}
		fmt.Fprintf(&in, "%s,k,%d\n", start.AddDate(0, 0, d).Format(time.DateOnly), n)
	}
	// The default detector alone catches the burst on its first day.
	code, out, errOut := runWarn(t, in.String(), "backtest", "--series", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, `"detectors":["nbcusum"]`) || !strings.Contains(out, `"date":"2026-02-20"`) {
		t.Errorf("output %q, want one alarm from 2026-02-20", out)
	}
	code, out, errOut = runWarn(t, in.String(), "backtest", "--series", "-", "--detector", "cusum,ewma")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, `"detectors":["cusum","ewma"]`) || !strings.Contains(out, `"date":"2026-02-20"`) {
		t.Errorf("output %q, want one alarm from 2026-02-20 on which both detectors agreed", out)
	}
	if !strings.HasSuffix(errOut, "1 alarm (detectors agreed 1, cusum only 0, ewma only 0)\n") {
		t.Errorf("summary %q", errOut)
	}
	code, _, errOut = runWarn(t, in.String(), "backtest", "--series", "-", "--sensitivity", "loud")
	if code != 2 || !strings.Contains(errOut, `sensitivity "loud" is not one of earliest, early, balanced, quiet, quietest`) {
		t.Errorf("bad sensitivity: exit %d, %q", code, errOut)
	}
}

func TestWarnSensitivity(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "s.db")
	vars := map[string]string{"UPSTREAM_DB": dsn}
	if code, _, e := run(t, vars, "", "migrate"); code != 0 {
		t.Fatalf("migrate: %s", e)
	}
	if code, _, e := run(t, vars, "plum orchard lantern\n", "user", "add", "--org", "ngo", "--new-org", "An NGO", "--email", "a@ngo.example", "--role", "admin"); code != 0 {
		t.Fatal(e)
	}
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--org", "ngo"}, 0, "* balanced  Balanced (default)"},
		{[]string{"--org", "ngo", "earliest"}, 0, "ngo: early-warning sensitivity set to earliest (Earliest warning)"},
		{[]string{"--org", "ngo"}, 0, "* earliest  Earliest warning"},
		{[]string{"--org", "ngo", "loud"}, 2, `sensitivity "loud" is not one of earliest, early, balanced, quiet, quietest`},
		{[]string{"--org", "nobody", "quiet"}, 2, `no organisation "nobody"`},
		{[]string{"quiet"}, 2, "--org SLUG is required"},
		{[]string{"--org", "ngo", "quiet", "quietest"}, 2, `unexpected argument "quietest"`},
	}
	for _, st := range steps {
		code, out, errOut := run(t, vars, "", append([]string{"warn", "sensitivity"}, st.args...)...)
		if code != st.code || !strings.Contains(out+errOut, st.want) {
			t.Errorf("%v: exit %d, output %q %q; want %d and %q", st.args, code, out, errOut, st.code, st.want)
		}
	}
}

func TestWarnClosures(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "s.db")
	vars := map[string]string{"UPSTREAM_DB": dsn}
	if code, _, e := run(t, vars, "", "migrate"); code != 0 {
		t.Fatalf("migrate: %s", e)
	}
	if code, _, e := run(t, vars, "plum orchard lantern\n", "user", "add", "--org", "ngo", "--new-org", "An NGO", "--email", "a@ngo.example", "--role", "admin"); code != 0 {
		t.Fatal(e)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.csv", "from,to,kind,label,key\n2026-03-30,2026-04-02,holiday,Eid al-Fitr,\n2026-05-10,2026-05-10,outage,Hotline down,country:BD\n")
	bad := write("bad.csv", "from,to,kind,label\n2026-01-01,2026-01-01,holiday,New year\n2026-02-01,2026-01-01,holiday,Backwards\n")
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--org", "ngo"}, 0, "ngo has no closures"},
		{[]string{"--org", "ngo", "--add", bad}, 2, "bad.csv:3:12: to: 2026-01-01 is before from (2026-02-01)"},
		{[]string{"--org", "ngo"}, 0, "ngo has no closures"}, // nothing of the bad file was stored
		{[]string{"--org", "ngo", "--add", good}, 0, "ngo: 2 closures added to the closure calendar"},
		{[]string{"--org", "ngo"}, 0, "2026-05-10  2026-05-10  outage   country:BD  Hotline down"},
		{[]string{"--org", "ngo", "--delete", "nope"}, 2, `ngo has no closure "nope"`},
		{[]string{"--org", "ngo", "--add", good, "--delete", "x"}, 2, "give --add or --delete, not both"},
		{[]string{"--add", good}, 2, "--org SLUG is required"},
		{[]string{"--org", "ngo", "--add", filepath.Join(dir, "missing.csv")}, 2, "missing.csv does not exist"},
	}
	for _, st := range steps {
		code, out, errOut := run(t, vars, "", append([]string{"warn", "closures"}, st.args...)...)
		if code != st.code || !strings.Contains(out+errOut, st.want) {
			t.Errorf("%v: exit %d, output %q %q; want %d and %q", st.args, code, out, errOut, st.code, st.want)
		}
	}
	_, out, _ := run(t, vars, "", "warn", "closures", "--org", "ngo")
	var id string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "Eid al-Fitr") {
			id = strings.Fields(line)[0]
		}
	}
	if code, out, e := run(t, vars, "", "warn", "closures", "--org", "ngo", "--delete", id); code != 0 || !strings.Contains(out, "closure "+id+" deleted") {
		t.Fatalf("delete %q: exit %d %q %q", id, code, out, e)
	}
	if _, out, _ := run(t, vars, "", "warn", "closures", "--org", "ngo"); strings.Contains(out, "Eid") || !strings.Contains(out, "Hotline down") {
		t.Errorf("after delete:\n%s", out)
	}
}

// TestWarnBacktestClosures: a ten-day holiday at half the usual intake, too
// mild for the detector to tell from the counts alone, then the held-back
// reports over three days, alarms without the calendar and not with it.
func TestWarnBacktestClosures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("date,key,count\n")
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for d := range 90 {
		n := 3 + 2*(d%2)
		switch {
		case d >= 77 && d < 87:
			n = 2
		case d >= 87:
			n = 11
		}
		fmt.Fprintf(&sb, "%s,country:BD,%d\n", start.AddDate(0, 0, d).Format(time.DateOnly), n)
	}
	series := filepath.Join(dir, "s.csv")
	cal := filepath.Join(dir, "c.csv")
	holiday := fmt.Sprintf("from,to,kind,label\n%s,%s,holiday,Festival\n", start.AddDate(0, 0, 77).Format(time.DateOnly), start.AddDate(0, 0, 86).Format(time.DateOnly))
	if err := os.WriteFile(series, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cal, []byte(holiday), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runWarn(t, "", "backtest", "--series", series); code != 0 || !strings.Contains(errOut, "1 alarm") || out == "" {
		t.Errorf("without the calendar: exit %d, %q %q", code, out, errOut)
	}
	if code, out, errOut := runWarn(t, "", "backtest", "--series", series, "--closures", cal); code != 0 || !strings.Contains(errOut, "0 alarms") || out != "" {
		t.Errorf("with the calendar: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := runWarn(t, "", "backtest", "--series", series, "--closures", series); code != 2 || !strings.Contains(errOut, `s.csv:1:1: unknown column "date"`) {
		t.Errorf("a series file as the calendar: exit %d, %q", code, errOut)
	}
}
