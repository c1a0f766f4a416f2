package cli_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/cli"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/scorecard"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
)

var reportData = filepath.Join("testdata", "report")

// reportNow is the fixed time reports are made at, so they compare.
var reportNow = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)

const reportOrgID = "019abcde-0000-7000-8000-000000000001"

// reportDB is a SQLite database with the organisation acme ("Acme Foods"),
// the cocoa chain of the assess fixture imported and scored, and a few
// questionnaire answers.
func reportDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dsn := sqltest.DSN(t, sqlstore.SQLite)
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Accounts().CreateOrg(ctx, account.Org{ID: reportOrgID, Slug: "acme", Name: "Acme Foods", CreatedAt: reportNow.AddDate(-1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := reportCLI(t, "import", filepath.Join("testdata", "assess", "chain.csv"), "--db", dsn, "--org", "acme"); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	subj := scorecard.Subject{Kind: scorecard.Organisation, ID: reportOrgID, Name: "Acme Foods"}
	day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	for _, a := range []scorecard.Answer{
		{QuestionID: "policy.forced_labour", Response: scorecard.Yes, AnsweredOn: day(10, 1),
			Documents: []scorecard.Document{{Name: "Human rights policy", Reference: "HR-POL-3", Date: day(9, 15)}}},
		{QuestionID: "trace.supplier_list", Response: scorecard.Partial, AnsweredOn: day(10, 1)},
		{QuestionID: "env.deforestation", Response: scorecard.No, AnsweredOn: day(10, 2)},
	} {
		if err := db.Scorecards().AddAnswer(ctx, reportOrgID, subj, a); err != nil {
			t.Fatal(err)
		}
	}
	return dsn
}

// reportCLI runs the program at reportNow.
func reportCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &errb, Clock: &kernel.FixedClock{T: reportNow},
		Getenv: func(k string) string {
			if k == "UPSTREAM_ARGON2" {
				return "test"
			}
			return ""
		}}
	code := cli.Main(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func checkReportGolden(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, filepath.Join(reportData, name), []byte(got))
}

// sheets returns the worksheets and shared strings of an XLSX file, which
// hold its content; the package's other parts carry no report data.
func sheets(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not an XLSX file: %v", err)
	}
	var names []string
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/worksheets/") || f.Name == "xl/sharedStrings.xml" {
			names = append(names, f.Name)
			files[f.Name] = f
		}
	}
	sort.Strings(names)
	var sb strings.Builder
	for _, n := range names {
		rc, err := files[n].Open()
		if err != nil {
			t.Fatal(err)
		}
		sb.WriteString("== " + n + "\n")
		io.Copy(&sb, rc)
		sb.WriteString("\n")
		rc.Close()
	}
	return sb.String()
}

// TestReportGolden runs the report command against a database: the CSV
// and XLSX files are compared with golden files, which hold every figure
// the command gathered from the store; the HTML file must show exactly the
// same figures. The HTML layout itself is the report package's golden files'
// concern, not repeated here.
func TestReportGolden(t *testing.T) {
	t.Parallel()
	dsn := reportDB(t)
	const trader = "89623536-9c9d-58af-8aa8-f7afb4690d5b"
	tests := []struct {
		name  string // golden files are NAME.csv and, with xlsx, NAME.xlsx.txt
		args  []string
		xlsx  bool
		title string // the HTML report's title
	}{
		{"scorecard", []string{"scorecard"}, true, "Scorecard: Acme Foods"},
		{"supplier-risk", []string{"supplier-risk"}, true, "Supplier risk report: Acme Foods"},
		{"due-diligence", []string{"due-diligence"}, true, "Due-diligence report: Acme Foods"},
		{"due-diligence-eudr", []string{"due-diligence", "--regulation", "eu-eudr"}, false, "Due-diligence report: Acme Foods"},
		// One supplier (trader T) and the chain behind it.
		{"supplier-risk-trader", []string{"supplier-risk", "--subject", trader}, false, "Supplier risk report"},
		{"scorecard-trader", []string{"scorecard", "--subject", trader}, false, "Scorecard: "},
	}
	run := func(t *testing.T, args []string, format string) []byte {
		t.Helper()
		out := filepath.Join(t.TempDir(), "report")
		all := append(append([]string{"report"}, args...), "--format", format, "--org", "acme", "--db", dsn, "--out", out)
		code, stdout, errOut := reportCLI(t, all...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		if stdout != "" || !strings.Contains(errOut, "wrote "+out) {
			t.Errorf("%s: stdout %q, stderr %q", format, stdout, errOut)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			csvOut := run(t, tc.args, "csv")
			checkReportGolden(t, tc.name+".csv", string(csvOut))
			if tc.xlsx {
				checkReportGolden(t, tc.name+".xlsx.txt", sheets(t, run(t, tc.args, "xlsx")))
			}
			page := string(run(t, tc.args, "html"))
			if !strings.Contains(page, "<title>"+tc.title) {
				t.Errorf("HTML report lacks the title %q", tc.title)
			}
			want := csvFigures(t, csvOut)
			got := htmlFigures(page)
			if len(got) != len(want) {
				t.Errorf("HTML shows %d figures, CSV has %d", len(got), len(want))
			}
			for id, w := range want {
				if g, ok := got[id]; !ok {
					t.Errorf("figure %s (%s) is not in the HTML report", id, w.shown)
				} else if g != w {
					t.Errorf("figure %s: HTML %+v, CSV %+v", id, g, w)
				}
			}
		})
	}
}

// figure is one figure of a report as shown: its value (empty when
// suppressed) and the text a reader sees.
type figure struct {
	value, shown string
	suppressed   bool
}

// csvFigures reads the figures of a report's CSV file by id.
func csvFigures(t *testing.T, b []byte) map[string]figure {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("CSV report: %v", err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	out := map[string]figure{}
	for _, r := range rows[1:] {
		out[r[col["figure"]]] = figure{value: r[col["value"]], shown: r[col["shown"]], suppressed: r[col["suppressed"]] == "yes"}
	}
	return out
}

var htmlFigureRE = regexp.MustCompile(`<data class="fig( suppressed)?" id="(F\d+)"(?: value="([^"]*)")?[^>]*>([^<]*)</data>`)

// htmlFigures reads the figures of an HTML report by id.
func htmlFigures(page string) map[string]figure {
	out := map[string]figure{}
	for _, m := range htmlFigureRE.FindAllStringSubmatch(page, -1) {
		out[m[2]] = figure{value: html.UnescapeString(m[3]), shown: html.UnescapeString(m[4]), suppressed: m[1] != ""}
	}
	return out
}

// TestReportPDFGolden prints the due-diligence report through headless
// Chromium and compares its text, extracted with pdftotext.
func TestReportPDFGolden(t *testing.T) {
	t.Parallel()
	testkit.SkipIfShort(t, "printing through headless Chromium")
	if testkit.ChromiumPath() == "" {
		testkit.Missing(t, "Chromium (install the 'chromium' package)")
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		testkit.Missing(t, "pdftotext (install the 'poppler-utils' package)")
	}
	dsn := reportDB(t)
	out := filepath.Join(t.TempDir(), "report.pdf")
	code, _, errOut := reportCLI(t, "report", "due-diligence", "--format", "pdf", "--regulation", "uk-msa", "--org", "acme", "--db", dsn, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
	text, err := exec.Command(pdftotext, "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Compared word for word: where lines break depends on the fonts.
	testkit.GoldenWords(t, filepath.Join(reportData, "due-diligence-uk-msa.pdf.txt"), text)
}

func TestReportToStandardOutput(t *testing.T) {
	t.Parallel()
	dsn := reportDB(t)
	code, stdout, errOut := reportCLI(t, "report", "supplier-risk", "--format", "csv", "--org", "acme", "--db", dsn)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(stdout, "figure,section,") || !strings.Contains(stdout, "Kouassi Family Farm") {
		t.Errorf("stdout:\n%s", stdout)
	}
}

func TestReportErrors(t *testing.T) {
	t.Parallel()
	dsn := reportDB(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no kind", []string{"--org", "acme", "--db", dsn}, 2, "report needs one kind"},
		{"unknown kind", []string{"sustainability", "--org", "acme", "--db", dsn}, 2, "not a report kind"},
		{"unknown format", []string{"scorecard", "--format", "docx", "--org", "acme", "--db", dsn}, 2, "use html, pdf, csv or xlsx"},
		{"unknown regulation", []string{"due-diligence", "--regulation", "fr-vigilance", "--org", "acme", "--db", dsn}, 2, "use one of uk-msa"},
		{"no organisation", []string{"scorecard", "--db", dsn}, 2, "--org is required"},
		{"unknown organisation", []string{"scorecard", "--org", "nobody", "--db", dsn}, 2, `no organisation "nobody"`},
		{"unknown supplier", []string{"scorecard", "--org", "acme", "--db", dsn, "--subject", "nobody"}, 2, `--subject: no supplier "nobody"`},
		{"unwritable output", []string{"scorecard", "--org", "acme", "--db", dsn, "--out", filepath.Join(t.TempDir(), "missing", "r.html")}, 2, "cannot write"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := reportCLI(t, append([]string{"report"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tc.code, tc.want)
			}
		})
	}
}

func TestReportPDFWithoutChromium(t *testing.T) {
	dsn := reportDB(t)
	// Not parallel: it changes PATH for the whole process.
	t.Setenv("PATH", t.TempDir()) // no browser to be found
	out := filepath.Join(t.TempDir(), "r.pdf")
	code, _, errOut := reportCLI(t, "report", "scorecard", "--format", "pdf", "--org", "acme", "--db", dsn, "--out", out)
	if code != 1 || !strings.Contains(errOut, "Chromium") || !strings.Contains(errOut, "--format html") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an output file was written")
	}
}
