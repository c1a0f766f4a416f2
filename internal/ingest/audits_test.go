package ingest_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/ingest"
)

func TestReadAudits(t *testing.T) {
	file := `supplier_ref,scheme,audit_date,result,grade,valid_until,findings_forced_labour,findings_child_labour,findings_wages
M1,SA8000,2026-03-02,certified,,2029-03-01,,,
M2,amfori BSCI,2025-11-20,,D,,major,,minor
M3,SMETA,2024-05-01,,,,,,
M4,RSPO,2023-01-10,pass,,2024-01-09,,,
`
	got, bad, err := ingest.ReadAudits(strings.NewReader(file), "audits.csv")
	if err != nil || len(bad) != 0 {
		t.Fatalf("err %v, bad rows %v", err, bad)
	}
	if len(got) != 4 {
		t.Fatalf("%d audits, want 4", len(got))
	}
	if a := got[0]; a.Supplier != "M1" || a.Scheme != "SA8000" || a.Outcome != ingest.AuditPassed || !a.Expiry.Equal(time.Date(2029, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("SA8000 row = %+v", a)
	}
	if a := got[1]; a.Outcome != ingest.AuditFailed || a.Result != "D" || a.Findings["forced labour"] != 2 || a.Findings["wages"] != 1 || len(a.Findings) != 2 {
		t.Errorf("BSCI row = %+v", a)
	}
	if a := got[2]; a.Outcome != ingest.AuditUnrated || a.Line != 4 {
		t.Errorf("SMETA row = %+v", a)
	}
}

func TestReadAuditsBadInput(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"empty", ``, "the file is empty"},
		{"no scheme", "supplier,date,result\nM1,2026-01-01,pass\n", "no scheme column"},
		{"no result", "supplier,scheme,date\nM1,SA8000,2026-01-01\n", "no result or grade column"},
		{"bad date", "supplier,scheme,date,result\nM1,SA8000,01/02/2026,pass\n", `audits.csv:2:11: date: "01/02/2026" is not a date written YYYY-MM-DD`},
		{"bad result", "supplier,scheme,date,result\nM1,SA8000,2026-01-01,great\n", `result: "great" is not a result Upstream knows`},
		{"bad severity", "supplier,scheme,date,result,findings_wages\nM1,SA8000,2026-01-01,pass,awful\n", `findings_wages: "awful" is not a severity`},
		{"expiry before date", "supplier,scheme,date,result,expiry\nM1,SA8000,2026-01-01,pass,2025-01-01\n", "expiry: is before the audit date"},
		{"no supplier", "supplier,scheme,date,result\n,SA8000,2026-01-01,pass\n", "supplier: is empty"},
		{"short row", "supplier,scheme,date,result\nM1,SA8000\n", "row has 2 fields, the header has 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, bad, err := ingest.ReadAudits(strings.NewReader(tt.file), "audits.csv")
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			for _, b := range bad {
				msg += b.Error()
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("got %q, want it to contain %q", msg, tt.want)
			}
		})
	}
}

func FuzzReadAudits(f *testing.F) {
	f.Add("supplier,scheme,date,result,findings_wages\nM1,SA8000,2026-01-01,pass,minor\n")
	f.Add("supplier_ref,scheme,audit_date,grade,valid_until\nX,amfori BSCI,2025-01-01,E,2026-01-01\n")
	f.Fuzz(func(t *testing.T, file string) {
		audits, bad, err := ingest.ReadAudits(strings.NewReader(file), "f.csv")
		// A file recognised as audits has every column the reader needs.
		if kind, derr := ingest.Detect(bufio.NewReader(strings.NewReader(file)), "f.csv"); derr == nil && kind == ingest.FormatAudits &&
			err != nil && strings.Contains(err.Error(), " column") && !strings.Contains(err.Error(), "twice") && !strings.Contains(err.Error(), "result or grade") {
			t.Fatalf("recognised as audits, but the reader refuses the header: %v", err)
		}
		if err != nil && (len(audits) > 0 || len(bad) > 0) {
			t.Fatalf("a header error returned rows")
		}
		for _, a := range audits {
			if a.Supplier == "" || a.Scheme == "" || a.Date.IsZero() {
				t.Fatalf("audit without supplier, scheme or date: %+v", a)
			}
			for _, s := range a.Findings {
				if s < 1 || s > 3 {
					t.Fatalf("severity %d", s)
				}
			}
		}
		for _, b := range bad {
			if b.Line < 1 || b.Reason == "" {
				t.Fatalf("bad row without line or reason: %+v", b)
			}
		}
	})
}

// TestTemplatesHoldEveryDocumentedColumn reads the column tables of the
// README's supplier and audit file sections and checks that every column
// they name is in the template of that kind, and that each template
// parses with no rows.
func TestTemplatesHoldEveryDocumentedColumn(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[ingest.Format]string{ingest.FormatUpstreamCSV: "### Supplier files", ingest.FormatAudits: "### Audit and certification files"}
	cell := regexp.MustCompile("`([a-z_]+)`")
	for format, heading := range sections {
		t.Run(string(format), func(t *testing.T) {
			_, sec, ok := strings.Cut(string(readme), heading+"\n")
			if !ok {
				t.Fatalf("the README has no %q section", heading)
			}
			if i := strings.Index(sec, "\n#"); i >= 0 {
				sec = sec[:i]
			}
			tmpl, err := ingest.Template(format)
			if err != nil {
				t.Fatal(err)
			}
			head := map[string]bool{}
			for _, c := range strings.Split(strings.TrimSpace(string(tmpl)), ",") {
				head[c] = true
			}
			n := 0
			for _, line := range strings.Split(sec, "\n") {
				if !strings.HasPrefix(line, "| `") {
					continue
				}
				first := strings.Split(line, "|")[1]
				for _, m := range cell.FindAllStringSubmatch(first, -1) {
					n++
					if !head[m[1]] {
						t.Errorf("column %s is documented but not in the template %s", m[1], tmpl)
					}
				}
			}
			if n == 0 {
				t.Fatal("no documented columns found")
			}
			f, err := ingest.Detect(bufio.NewReader(bytes.NewReader(tmpl)), "template.csv")
			if err != nil || f != format {
				t.Errorf("the template is recognised as %q, %v", f, err)
			}
			if format == ingest.FormatAudits {
				audits, bad, err := ingest.ReadAudits(bytes.NewReader(tmpl), "template.csv")
				if err != nil || len(audits)+len(bad) != 0 {
					t.Errorf("the audit template reads as %d audits, %v, %v", len(audits), bad, err)
				}
			} else if res, err := ingest.Import(context.Background(), bytes.NewReader(tmpl), ingest.Options{Name: "template.csv"}, discard{}); err != nil || res.Rows != 0 {
				t.Errorf("the supplier template reads as %+v, %v", res, err)
			}
		})
	}
}
