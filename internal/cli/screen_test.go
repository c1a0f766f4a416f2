package cli_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/cli"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/testkit"
)

func screenCLI(t *testing.T, now time.Time, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Clock: &kernel.FixedClock{T: now}}
	code = cli.Main(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const screenList = `id,name,aliases,country,list
L1,Xinjiang Production and Construction Corps,XPCC;Bingtuan,CN,test
L2,Hetian Taida Apparel Co. Ltd.,,CN,test
L3,Banco Nacional de Cuba,BNC,CU,test
`

func TestScreenCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := writeFile(t, dir, "list.csv", screenList)
	names := writeFile(t, dir, "names.csv", "id,name,country\n"+
		"s1,XINJIANG PRODUCTION & CONSTRUCTION CORPS,China\n"+
		"s2,Xetian Taida Apparel Company Limited,CN\n"+
		"s3,Acme Widgets Ltd,US\n"+
		"s4,Банко Насионал де Куба,\n")
	now := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

	t.Run("json", func(t *testing.T) {
		code, out, stderr := screenCLI(t, now, "screen", names, "--watchlist", list, "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		got := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			for _, k := range []string{"query_id", "query_name", "entity_id", "entity_name", "matched_name", "list", "score", "reasons"} {
				if _, ok := rec[k]; !ok {
					t.Errorf("line %q lacks %s", line, k)
				}
			}
			got[rec["query_id"].(string)] = rec["entity_id"].(string)
		}
		want := map[string]string{"s1": "L1", "s2": "L2", "s4": "L3"}
		for q, e := range want {
			if got[q] != e {
				t.Errorf("query %s -> %q, want %q (all: %v)", q, got[q], e, got)
			}
		}
		if _, ok := got["s3"]; ok {
			t.Errorf("s3 should not match: %v", got)
		}
	})

	t.Run("csv to file", func(t *testing.T) {
		outFile := filepath.Join(dir, "out.csv")
		code, out, stderr := screenCLI(t, now, "screen", "--threshold", "0.9", names, "--watchlist", list, "--out", outFile)
		if code != 0 || out != "" {
			t.Fatalf("exit %d, stdout %q: %s", code, out, stderr)
		}
		f, _ := os.ReadFile(outFile)
		recs, err := csv.NewReader(bytes.NewReader(f)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(recs[0], ",") != "query_id,query_name,entity_id,entity_name,matched_name,list,score,reasons" {
			t.Errorf("header %v", recs[0])
		}
		if len(recs) < 2 || recs[1][0] != "s1" || recs[1][2] != "L1" || recs[1][5] != "test" {
			t.Errorf("rows %v", recs)
		}
	})

	t.Run("threshold 0 reports every candidate", func(t *testing.T) {
		partial := writeFile(t, dir, "partial.csv", "id,name\np1,Taida Garments\n")
		count := func(args ...string) int {
			t.Helper()
			code, out, stderr := screenCLI(t, now, append([]string{"screen", partial, "--watchlist", list}, args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			return strings.Count(out, "\n") - 1
		}
		// "Taida Garments" shares one word with a list name: a weak hit,
		// below the default threshold.
		def, zero := count(), count("--threshold", "0")
		if def != 0 || zero != 1 || count("--threshold", "0.8") != 0 {
			t.Errorf("hits: default %d, --threshold 0 %d: 0 must report more than the default 0.80", def, zero)
		}
	})

	t.Run("OFAC sdn, alt and add given together", func(t *testing.T) {
		odir := t.TempDir()
		sdn := writeFile(t, odir, "sdn.csv", "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n")
		alt := writeFile(t, odir, "alt.csv", "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \n")
		add := writeFile(t, odir, "add.csv", "36,25,-0- ,\"Havana\",\"Cuba\",-0- \n")
		q := writeFile(t, odir, "q.csv", "id,name\nq1,Aero Caribbean\n")
		code, out, stderr := screenCLI(t, now, "screen", q, "--watchlist", sdn, "--watchlist", alt, "--watchlist", add)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if n := strings.Count(out, "q1,Aero Caribbean,36,"); n != 1 {
			t.Errorf("want one hit on entity 36 (the list loaded once, with its alias), got %d:\n%s", n, out)
		}
	})

	t.Run("built-in lists warn when stale", func(t *testing.T) {
		code, out, stderr := screenCLI(t, now, "screen", names)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(out, "uflpa:xinjiang-production-and-construction-corps") {
			t.Errorf("built-in UFLPA list not used:\n%s", out)
		}
		if !strings.Contains(stderr, "more than 90 days ago") {
			t.Errorf("no staleness warning: %q", stderr)
		}
	})
}

func TestScreenCommandErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := writeFile(t, dir, "list.csv", screenList)
	good := writeFile(t, dir, "names.csv", "id,name\n1,Acme\n")
	now := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no name column", []string{"screen", writeFile(t, dir, "noname.csv", "id,company\n1,Acme\n"), "--watchlist", list}, 2, "no name column"},
		{"empty name", []string{"screen", writeFile(t, dir, "empty.csv", "id,name\n1,Acme\n2,\n"), "--watchlist", list}, 2, "empty.csv:3: column name: name is empty"},
		{"bad utf8", []string{"screen", writeFile(t, dir, "bad.csv", "id,name\n1,A\xff\n"), "--watchlist", list}, 2, "bad.csv:2"},
		{"long name", []string{"screen", writeFile(t, dir, "long.csv", "id,name\n1,"+strings.Repeat("x", 10000)+"\n"), "--watchlist", list}, 2, "longer than"},
		{"no file", []string{"screen", "--watchlist", list}, 2, "exactly one NAMES.csv"},
		{"missing file", []string{"screen", filepath.Join(dir, "nope.csv")}, 2, "cannot open"},
		{"bad threshold", []string{"screen", good, "--threshold", "1.5"}, 2, "between 0 and 1"},
		{"bad format", []string{"screen", good, "--format", "xml"}, 2, "csv or json"},
		{"wrong list format", []string{"screen", good, "--watchlist", writeFile(t, dir, "wrong.txt", "hello\nworld\n")}, 2, "not a recognised watchlist format"},
		{"bad list row", []string{"screen", good, "--watchlist", writeFile(t, dir, "badlist.csv", "id,name\n1,A\n2,\n")}, 2, "badlist.csv:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := screenCLI(t, now, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

func TestScreenHelp(t *testing.T) {
	t.Parallel()
	code, _, stderr := screenCLI(t, time.Now(), "screen", "-h")
	if code != 0 || !strings.Contains(stderr, "--watchlist") || !strings.Contains(stderr, "-threshold") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestScreenCommandStdin(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader("id,name\n1,XPCC\n"), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		Clock: &kernel.FixedClock{T: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}}
	if code := cli.Main(context.Background(), env, []string{"screen", "-", "--format", "json"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"entity_id":"uflpa:xinjiang-production-and-construction-corps"`) || errb.Len() != 0 {
		t.Errorf("stdout %q stderr %q", out.String(), errb.String())
	}
}

func TestScreenSharedSDN(t *testing.T) {
	t.Parallel()
	sdn := testkit.Data(t, "samples", "watchlists", "ofac_sdn_2021", "sdn.csv")
	names := writeFile(t, t.TempDir(), "names.csv", "id,name\n1,Anglo Caribbean Company Limited\n2,Banko Nacional de Kuba\n")
	code, out, stderr := screenCLI(t, time.Now(), "screen", names, "--watchlist", sdn, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{`"entity_id":"173"`, `"entity_id":"306"`, `"list":"ofac-sdn"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

// FuzzScreenQueries feeds arbitrary query files to the screen command: it
// must answer 0 or 2 (bad input), never panic or fail otherwise.
func FuzzScreenQueries(f *testing.F) {
	for _, s := range []string{"id,name,country\n1,XPCC,CN\n", "name\nAcme\n", "id,company\n1,x\n", "id,name\n1,\"a\n", "\xef\xbb\xbfName,ID\nA,1\n", ""} {
		f.Add(s)
	}
	dir := f.TempDir()
	list := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(list, []byte(screenList), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, input string) {
		var out, errb bytes.Buffer
		env := &cli.Env{Stdin: strings.NewReader(input), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Clock: &kernel.FixedClock{}}
		code := cli.Main(context.Background(), env, []string{"screen", "-", "--watchlist", list, "--format", "json"})
		if code != 0 && code != 2 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	})
}

// TestRefdataReplaceWatchlist replaces the built-in CBP list with a newer
// (here: shorter) file, checks a file of the wrong layout is refused with
// nothing stored, and that serve indexes the replacement.
func TestRefdataReplaceWatchlist(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vars := map[string]string{"UPSTREAM_DB": "sqlite:" + filepath.Join(dir, "w.db")}
	builtin, err := os.ReadFile(filepath.Join("..", "screening", "data", "cbp_wro_findings_2026-06.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(builtin), "\n")
	newer := writeFile(t, dir, "cbp-2026-12.csv", strings.Join(lines[:6], ""))
	wrongLayout := writeFile(t, dir, "names.csv", "id,name,aliases,country,list\n1,Acme,,CN,test\n")

	steps := []struct {
		name    string
		args    []string
		code    int
		wantOut string
	}{
		{"wrong layout", []string{"refdata", "replace", "watchlist-cbp-wro", wrongLayout}, 2, "names.csv"},
		{"wrong list", []string{"refdata", "replace", "watchlist-uflpa", newer}, 2, "needs one of"},
		{"list before", []string{"refdata", "list"}, 0, "watchlist-cbp-wro"},
		{"replace", []string{"refdata", "replace", "watchlist-cbp-wro", newer}, 0, "replaced with cbp-2026-12.csv"},
		{"list after", []string{"refdata", "list"}, 0, "replaced"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, out, errOut := run(t, vars, "", st.args...)
			if code != st.code || !strings.Contains(out+errOut, st.wantOut) {
				t.Fatalf("exit %d (want %d), output %q %q, want %q", code, st.code, out, errOut, st.wantOut)
			}
		})
	}
	srv := startServer(t, vars)
	if log := srv.out.String(); !strings.Contains(log, "watchlists indexed") {
		t.Fatalf("serve did not index the lists:\n%s", log)
	}
	if code, out, _ := run(t, vars, "", "refdata", "reset", "watchlist-cbp-wro"); code != 0 || !strings.Contains(out, "built-in") {
		t.Fatalf("reset: %d %q", code, out)
	}
}

// TestCSVOutputsAreSpreadsheetSafe: a supplier or watchlist name that
// starts like a formula comes out of 'screen --format csv' and 'assess
// --format csv' with a leading apostrophe, so a spreadsheet shows it as
// text instead of running it.
func TestCSVOutputsAreSpreadsheetSafe(t *testing.T) {
	dir := t.TempDir()
	const formula = `=HYPERLINK("http://evil.example","Xinjiang Production and Construction Corps")`
	list := writeFile(t, dir, "list.csv", "id,name,aliases,country,list\nL1,\"@Xinjiang Production and Construction Corps\",,CN,test\n")
	names := writeFile(t, dir, "names.csv", "id,name,country\n\"+s1\",\""+strings.ReplaceAll(formula, `"`, `""`)+"\",CN\n")
	code, out, stderr := screenCLI(t, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), "screen", names, "--watchlist", list, "--threshold", "0.3", "--format", "csv")
	if code != 0 {
		t.Fatalf("screen: exit %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("screen csv: %v\n%s", err, out)
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				if _, err := strconv.ParseFloat(cell, 64); err != nil {
					t.Fatalf("screen: unsafe cell %q", cell)
				}
			}
		}
	}

	chain := writeFile(t, dir, "chain.csv", "id,name,country,commodity\n\"-F1\",\""+strings.ReplaceAll(formula, `"`, `""`)+"\",GH,cocoa\n")
	code, out, stderr = run(t, nil, "", "assess", chain, "--format", "csv")
	if code != 0 {
		t.Fatalf("assess: exit %d: %s", code, stderr)
	}
	recs, err = csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("assess csv: %v\n%s", err, out)
	}
	if recs[1][1] != "'"+formula {
		t.Fatalf("assess name cell %q", recs[1][1])
	}
	if !strings.HasPrefix(recs[1][0], "'") {
		t.Fatalf("assess id cell %q", recs[1][0])
	}
}

// TestScreenCommandKeepsOrderAcrossBatches screens more names than one
// batch holds, so that batches are screened while earlier ones are
// written: the hits must come out in the order of the names, and the same
// in every run.
func TestScreenCommandKeepsOrderAcrossBatches(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := writeFile(t, dir, "list.csv", screenList)
	var b strings.Builder
	b.WriteString("id,name,country\n")
	n := 20_123 // more than two batches of the command (8,192 names each)
	for i := 0; i < n; i++ {
		if i%3 == 0 {
			fmt.Fprintf(&b, "%d,XINJIANG PRODUCTION & CONSTRUCTION CORPS,China\n", i)
		} else {
			fmt.Fprintf(&b, "%d,Acme Widgets %d Ltd,US\n", i, i)
		}
	}
	names := writeFile(t, dir, "names.csv", b.String())
	now := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	var first string
	for run := 0; run < 2; run++ {
		code, out, stderr := screenCLI(t, now, "screen", names, "--watchlist", list, "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		last, hits := -1, 0
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var rec struct {
				QueryID string `json:"query_id"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			id, err := strconv.Atoi(rec.QueryID)
			if err != nil || id < last || id%3 != 0 {
				t.Fatalf("hit for query %q after query %d: out of order or unexpected", rec.QueryID, last)
			}
			last = id
			hits++
		}
		if want := (n + 2) / 3; hits != want {
			t.Errorf("%d hits, want %d (one per XINJIANG row)", hits, want)
		}
		if run == 0 {
			first = out
		} else if out != first {
			t.Error("two runs over the same names wrote different output")
		}
	}
}
