package chromium_test

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/chromium"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// TestPrintPDFWithArabicAndChinese prints a page in three scripts and checks
// the text comes back out of the PDF (through pdftotext when installed).
func TestPrintPDFWithArabicAndChinese(t *testing.T) {
	testkit.SkipIfShort(t, "printing through headless Chromium")
	p, err := chromium.Find()
	if err != nil {
		testkit.Missing(t, "Chromium")
	}
	html := `<!doctype html><html lang="en"><meta charset="utf-8"><title>t</title>
<body><h1>Supplier risk report</h1><p lang="ar" dir="rtl">تقرير المخاطر</p><p lang="zh-Hans">供应商风险报告</p></body></html>`
	pdf, err := p.PrintPDF(context.Background(), []byte(html))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed: PDF text not checked")
		return
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	// Where lines break depends on the fonts installed.
	text := strings.Join(testkit.Words(string(out)), " ")
	for _, want := range []string{"Supplier risk report", "供应商风险报告"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, out)
		}
	}
	// Arabic comes back in visual or logical order depending on the
	// extractor; check its letters are there.
	if !strings.ContainsAny(string(out), "تقريرالمخاطر") {
		t.Errorf("PDF text lacks the Arabic line:\n%s", out)
	}
}
