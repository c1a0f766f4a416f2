package cli_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/cli"
	"github.com/upstream-platform/upstream/internal/testkit"
)

var assessData = filepath.Join("testdata", "assess")

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	testkit.Golden(t, path, []byte(got))
}

// The fixture is a cocoa chain from Côte d'Ivoire and Ghana through two
// traders (one also buying from the other) to a Dutch grinder, beside a
// polysilicon facility; the example watchlist names one of the traders.
func TestAssessGolden(t *testing.T) {
	t.Parallel()
	in := filepath.Join(assessData, "chain.csv")
	list := filepath.Join(assessData, "watchlist.csv")
	for _, format := range []string{"csv", "json", "html"} {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := run(t, nil, "", "assess", in, "--watchlist", list, "--format", format)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			compareGolden(t, filepath.Join(assessData, "chain.golden."+format), out)
		})
	}
}

// TestAssessRegisterIsExplained checks what the golden files show: the
// register is sorted by exposure, every score is the sum of its factors'
// contributions, the watchlist hit becomes a signal, and tiers follow the
// buyer links.
func TestAssessRegisterIsExplained(t *testing.T) {
	t.Parallel()
	code, out, errOut := run(t, nil, "", "assess", filepath.Join(assessData, "chain.csv"),
		"--watchlist", filepath.Join(assessData, "watchlist.csv"), "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	type row struct {
		ID       string
		Tier     *int
		Inherent float64
		Signals  float64
		Exposure float64
		Level    string
		Factors  []struct {
			Source, Edition, Indicator, Value string
			Contribution                      float64
		}
		Watchlist []struct{ List string } `json:"watchlist_hits"`
	}
	var rows []row
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r row
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d is not a JSON object: %v", len(rows)+1, err)
		}
		rows = append(rows, r)
	}
	if len(rows) != 7 {
		t.Fatalf("%d rows, want 7", len(rows))
	}
	tiers := map[string]int{"G1": 1, "G2": 1, "T1": 2, "T2": 2, "C1": 3, "F2": 3, "F1": 4}
	for i, r := range rows {
		if i > 0 && r.Exposure > rows[i-1].Exposure {
			t.Errorf("%s (%.2f) after %s (%.2f): not sorted by exposure", r.ID, r.Exposure, rows[i-1].ID, rows[i-1].Exposure)
		}
		sum := 0.0
		for _, f := range r.Factors {
			if f.Source == "" || f.Indicator == "" {
				t.Errorf("%s: factor without source or indicator: %+v", r.ID, f)
			}
			sum += f.Contribution
		}
		if math.Abs(sum-r.Exposure) > 0.01*float64(len(r.Factors))+0.01 {
			t.Errorf("%s: contributions add up to %.2f, exposure is %.2f", r.ID, sum, r.Exposure)
		}
		if r.Tier == nil || *r.Tier != tiers[r.ID] {
			t.Errorf("%s: tier %v, want %d", r.ID, r.Tier, tiers[r.ID])
		}
		if hit := r.ID == "T2"; hit != (len(r.Watchlist) > 0) || hit != (r.Signals > 0) {
			t.Errorf("%s: %d watchlist hits, signals %.2f", r.ID, len(r.Watchlist), r.Signals)
		}
	}
}

func TestAssessBuiltinLists(t *testing.T) {
	t.Parallel()
	code, out, errOut := run(t, nil, "", "assess", filepath.Join(assessData, "chain.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "id,name,country,commodities,tier,inherent,signals,exposure,level,factors,watchlist_hits,inferred_commodities,confidence,missing" {
		t.Fatalf("header = %v", recs[0])
	}
	for _, r := range recs[1:] {
		if r[0] == "G2" && !strings.Contains(r[10], `"list":"uflpa"`) {
			t.Errorf("the listed polysilicon maker has no UFLPA hit: %s", r[10])
		}
	}
}

func TestAssessOutFileAndSeveralFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	more := filepath.Join(dir, "more.csv")
	// A second file may name a buyer from the first.
	if err := os.WriteFile(more, []byte("id,name,country,commodity,buyer_id\nF9,Owusu Farm,GH,cocoa,T2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "register.json")
	code, stdout, errOut := run(t, nil, "", "assess", filepath.Join(assessData, "chain.csv"), more,
		"--watchlist", filepath.Join(assessData, "watchlist.csv"), "--format", "json", "--out", out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, stdout, errOut)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 8 {
		t.Errorf("%d rows, want 8", n)
	}
	if !strings.Contains(string(data), `"id":"F9","name":"Owusu Farm","country":"GH","commodities":["cocoa"],"tier":3`) {
		t.Errorf("F9 is not a tier 3 supplier of T2:\n%s", data)
	}
}

func TestAssessBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notCSV := filepath.Join(dir, "photo.csv")
	os.WriteFile(notCSV, []byte("\x89PNG\r\n\x1a\n\x00\x00binary"), 0o644)
	tests := []struct {
		name   string
		args   []string
		stderr []string
	}{
		{"no files", []string{"assess"}, []string{"at least one supplier file"}},
		{"bad format", []string{"assess", filepath.Join(assessData, "chain.csv"), "--format", "xml"}, []string{"--format must be csv, json or html"}},
		{"missing file", []string{"assess", filepath.Join(dir, "nope.csv")}, []string{"cannot open", "nope.csv"}},
		{"not a supplier file", []string{"assess", notCSV}, []string{"photo.csv"}},
		{"bad rows", []string{"assess", filepath.Join(assessData, "bad.csv")}, []string{
			"bad.csv:2:16: country: unknown country \"Ivory Cost\"; did you mean Côte d'Ivoire (CI)?",
			"bad.csv:3:27: share:",
			"bad.csv:4:25: buyer_id:",
			"3 bad row(s)",
		}},
		{"bad watchlist", []string{"assess", filepath.Join(assessData, "chain.csv"), "--watchlist", filepath.Join(dir, "missing.csv")}, []string{"missing.csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, nil, "", tt.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, errOut)
			}
			if out != "" {
				t.Errorf("wrote output on bad input: %q", out)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
		})
	}
	t.Run("skip bad rows", func(t *testing.T) {
		code, out, errOut := run(t, nil, "", "assess", filepath.Join(assessData, "bad.csv"), "--skip-bad-rows")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		// A3 is kept without its link to the unknown buyer, so it has no tier.
		if n := strings.Count(out, "\n"); n != 3 || !strings.Contains(out, "\nA3,Gamma Cocoa,GH,cocoa,,") {
			t.Errorf("want the header, A3 without a tier and A4:\n%s", out)
		}
	})
}

// BenchmarkAssess measures assess end to end (reading, scoring,
// propagating, writing CSV) without screening, on a file made by
// `upstream gen supplychain`.
func BenchmarkAssess(b *testing.B) {
	dir := b.TempDir()
	in := filepath.Join(dir, "chain.csv")
	// One entity nobody resembles keeps screening out of the figure.
	list := filepath.Join(dir, "list.csv")
	os.WriteFile(list, []byte("id,name,aliases,country,list\nW-0,Zzyzx Qwv Holdings,,GB,none\n"), 0o644)
	parties := benchParties(b)
	genFile(b, in, parties, 3*parties)
	out := filepath.Join(dir, "register.csv")
	for b.Loop() {
		code, _, errOut := runTB(b, "assess", in, "--watchlist", list, "--out", out)
		if code != 0 {
			b.Fatalf("exit %d: %s", code, errOut)
		}
	}
	b.ReportMetric(float64(parties)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkAssessOFAC measures assess end to end with screening against
// the OFAC SDN sample files (sdn.csv with alt.csv and
// add.csv beside it), on a file made by `upstream gen supplychain`. The
// baseline beside it is the same file against a one-entity list, so the
// ratio shows what screening adds.
func BenchmarkAssessOFAC(b *testing.B) {
	dir := b.TempDir()
	in := filepath.Join(dir, "chain.csv")
	one := filepath.Join(dir, "list.csv")
	os.WriteFile(one, []byte("id,name,aliases,country,list\nW-0,Zzyzx Qwv Holdings,,GB,none\n"), 0o644)
	sdn := filepath.Join(testkit.Data(b, "samples", "watchlists", "ofac_sdn_2021"), "sdn.csv")
	parties := benchParties(b)
	genFile(b, in, parties, 3*parties)
	out := filepath.Join(dir, "register.csv")
	for _, bm := range []struct{ name, list string }{{"baseline-one-entity", one}, {"ofac-sdn", sdn}} {
		b.Run(bm.name, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				cpu0 := cpuTime()
				code, _, errOut := runTB(b, "assess", in, "--watchlist", bm.list, "--out", out)
				if code != 0 {
					b.Fatalf("exit %d: %s", code, errOut)
				}
				cpu += cpuTime() - cpu0
			}
			b.ReportMetric(float64(parties)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(parties)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
		})
	}
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runTB runs the program in-process for benchmarks.
func runTB(tb testing.TB, args ...string) (int, string, string) {
	tb.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &errb, Getenv: mapEnv(nil)}
	code := cli.Main(tb.Context(), env, args)
	return code, out.String(), errb.String()
}

func genFile(tb testing.TB, path string, parties, links int) {
	tb.Helper()
	fh, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	w := bufio.NewWriter(fh)
	if err := cli.GenSupplyChain(tb.Context(), w, parties, links, 1); err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
}

// TestAssessSamples runs assess on every Open Supply Hub list and EPCIS
// document of the samples in testdata: each must give a register (possibly
// empty, for EPCIS documents that only retract events) and exit 0.
func TestAssessSamples(t *testing.T) {
	t.Parallel()
	var files []string
	for _, dir := range []string{testkit.Data(t, "samples", "osh", "list_files"), testkit.Data(t, "samples", "epcis")} {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			top := strings.Split(rel, string(filepath.Separator))[0]
			switch {
			case d.IsDir(), strings.HasPrefix(top, "JSON-") || top == "XSD":
				// schemas and contexts, not event documents
			case strings.HasSuffix(p, ".csv") || (top == "JSON" || top == "XML") && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".jsonld") || strings.HasSuffix(p, ".xml")):
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 10 {
		t.Fatalf("found only %d sample files", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			code, out, errOut := run(t, nil, "", "assess", f, "--format", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if line != "" && !strings.Contains(line, `"factors":[`) {
					t.Errorf("row without factors: %.200s", line)
				}
			}
		})
	}
}

// Audits given with --audits show as factors with their scheme and date: a
// failed audit raises a site past the context cap, a recent pass lowers
// one within its band, a major finding adds its severity.
func TestAssessAudits(t *testing.T) {
	dir := t.TempDir()
	audits := filepath.Join(dir, "audits.csv")
	if err := os.WriteFile(audits, []byte(`supplier,scheme,date,result,grade,expiry,findings_forced_labour
T1,amfori BSCI,2026-06-01,,E,,
C1,SA8000,2026-06-01,certified,,2029-05-31,
F2,SMETA,2026-06-01,,,,major
`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, nil, "", "assess", filepath.Join(assessData, "chain.csv"), "--audits", audits, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := map[string]map[string]any{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		rows[r["id"].(string)] = r
	}
	if r := rows["T1"]; r["level"] != "critical" || !strings.Contains(fmt.Sprint(r["factors"]), "amfori BSCI audit") {
		t.Errorf("failed BSCI audit: %v %v", r["level"], r["factors"])
	}
	if r := rows["C1"]; r["level"] != "high" || r["inherent"].(float64) != 50 || !strings.Contains(fmt.Sprint(r["factors"]), "audit_passed") {
		t.Errorf("passed SA8000 audit: %v inherent %v", r["level"], r["inherent"])
	}
	if r := rows["F2"]; r["signals"].(float64) != 20 || !strings.Contains(fmt.Sprint(r["factors"]), "forced labour, major") {
		t.Errorf("SMETA finding: signals %v, factors %v", r["signals"], r["factors"])
	}
	// An audit naming no supplier stops the run, naming the row.
	if err := os.WriteFile(audits, []byte("supplier,scheme,date,result\nNOPE,SA8000,2026-06-01,pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, nil, "", "assess", filepath.Join(assessData, "chain.csv"), "--audits", audits)
	if code == 0 || !strings.Contains(errOut, `audits.csv:2:1: supplier: "NOPE" names no supplier in the files read`) {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
}
