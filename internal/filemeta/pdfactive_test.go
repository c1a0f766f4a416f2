package filemeta

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// buildPDF writes a PDF with the given objects (numbered from 1, generation
// 0) and a correct cross-reference table; the catalog is object 1.
func buildPDF(objs []string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func stream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// activePDF is a one-page document with a comment thread, a form field
// with a script, a link to a tracking address, an internal link, a file
// attached twice (in the document and as an annotation), scripts run at
// opening and by name, a program launch and an XFA form. Every part that
// must go holds the word Canary; what must stay holds Kept.
func activePDF() []byte {
	page := "BT /F1 12 Tf 72 720 Td (Kept page text) Tj ET"
	return buildPDF([]string{
		/* 1 */ "<< /Type /Catalog /Pages 2 0 R /OpenAction 9 0 R /Names << /EmbeddedFiles 11 0 R /JavaScript 12 0 R >> /AcroForm << /Fields [6 0 R] /DR << /Font << /F1 20 0 R >> >> /XFA 16 0 R >> /AA << /WC 18 0 R >> >>",
		/* 2 */ "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		/* 3 */ "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 17 0 R /Resources << /Font << /F1 20 0 R >> >> /Annots [4 0 R 5 0 R 6 0 R 19 0 R 21 0 R 22 0 R] >>",
		/* 4 */ "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (Canary comment: the supervisor's name) /T (Canary Author) /Popup 5 0 R /AP << /N 7 0 R >> /P 3 0 R >>",
		/* 5 */ "<< /Type /Annot /Subtype /Popup /Rect [40 40 200 100] /Parent 4 0 R >>",
		/* 6 */ "<< /Type /Annot /Subtype /Widget /FT /Tx /T (Kept field) /V (Kept form value) /DA (/F1 10 Tf 0 g) /Rect [50 500 300 520] /P 3 0 R /AA << /K 8 0 R >> >>",
		/* 7 */ stream("/Type /XObject /Subtype /Form /BBox [0 0 20 20] /Resources << /Font << /F1 20 0 R >> >>", "BT /F1 10 Tf (Canary appearance text) Tj ET"),
		/* 8 */ "<< /S /JavaScript /JS (app.alert('Canary keystroke script')) >>",
		/* 9 */ "<< /Type /Action /S /JavaScript /JS 10 0 R >>",
		/* 10 */ stream("", "this.submitForm('https://canary.example/open')"),
		/* 11 */ "<< /Names [(canary-secret.txt) 13 0 R] >>",
		/* 12 */ "<< /Names [(CanaryNamedScript) 15 0 R] >>",
		/* 13 */ "<< /Type /Filespec /F (canary-secret.txt) /UF (canary-secret.txt) /Desc (Canary description) /EF << /F 14 0 R >> >>",
		/* 14 */ stream("/Type /EmbeddedFile /Subtype /text#2Fplain", "Canary embedded file content"),
		/* 15 */ "<< /S /JavaScript /JS (app.launchURL('https://canary.example/named')) >>",
		/* 16 */ stream("", "<xdp:xdp><script>Canary XFA script</script></xdp:xdp>"),
		/* 17 */ stream("", page),
		/* 18 */ "<< /S /Launch /F (canary.exe) >>",
		/* 19 */ "<< /Type /Annot /Subtype /Link /Rect [72 600 200 620] /A << /S /URI /URI (https://canary.example/track) >> /Border [0 0 0] >>",
		/* 20 */ "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		/* 21 */ "<< /Type /Annot /Subtype /Link /Rect [72 560 200 580] /A << /S /GoTo /D [3 0 R /Fit] >> /NM (Kept link) >>",
		/* 22 */ "<< /Type /Annot /Subtype /FileAttachment /Rect [300 300 320 320] /FS 13 0 R /Contents (Canary attachment note) /T (Canary Author) >>",
	})
}

// xrefOffsets reads the offsets of the cross-reference table.
func xrefOffsets(t *testing.T, b []byte) map[int]int {
	t.Helper()
	i := bytes.LastIndex(b, []byte("\nxref\n"))
	if i < 0 {
		t.Fatal("no xref")
	}
	out := map[int]int{}
	lines := strings.Split(string(b[i+6:]), "\n")
	for n, l := range lines[2:] {
		if !strings.HasSuffix(strings.TrimSpace(l), "n") {
			break
		}
		off, _ := strconv.Atoi(l[:10])
		out[n+1] = off
	}
	return out
}

// objectBody is the text of object n in b, read where the cross-reference
// table says it is.
func objectBody(t *testing.T, b []byte, n int) string {
	t.Helper()
	off := xrefOffsets(t, b)[n]
	head := fmt.Sprintf("%d 0 obj", n)
	if !bytes.HasPrefix(b[off:], []byte(head)) {
		t.Fatalf("object %d is not at its offset %d any more", n, off)
	}
	e := bytes.Index(b[off:], []byte("endobj"))
	return strings.TrimSpace(string(b[off+len(head) : off+e]))
}

// TestPDFCommentsAttachmentsAndScriptsRemoved: a crafted document with
// every kind of comment, attached file and action comes out without any of
// them, with the same length and every object where the cross-reference
// table says, while the page, its text, fonts, the form field with its
// value, and an internal link stay.
func TestPDFCommentsAttachmentsAndScriptsRemoved(t *testing.T) {
	in := activePDF()
	if _, err := exec.LookPath("pdftotext"); err == nil {
		checkReadable(t, in)
	}
	out, err := Strip(PDF, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("length %d -> %d", len(in), len(out))
	}
	if i := bytes.Index(out, []byte("Canary")); i >= 0 {
		t.Errorf("left in the file: %q", out[max(0, i-80):min(len(out), i+60)])
	}
	for _, gone := range []string{"canary", "/S /JavaScript", "/JS", "submitForm", "/Launch", "xdp", "/Type /EmbeddedFile", "/Filespec", "/URI"} {
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("%q is still in the file", gone)
		}
	}
	for n := range xrefOffsets(t, out) {
		objectBody(t, out, n) // every object still at its offset
	}
	for _, n := range []int{4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 22} {
		if body := objectBody(t, out, n); body != "null" {
			t.Errorf("object %d not made null: %q", n, body)
		}
	}
	for n, want := range map[int][]string{
		1:  {"/Type /Catalog", "/Pages 2 0 R", "/OpenAction null", "/EmbeddedFiles null", "/JavaScript null", "/XFA null", "/AA null", "/Fields [6 0 R]"},
		2:  {"/Type /Pages", "/Kids [3 0 R]"},
		3:  {"/Type /Page", "/Contents 17 0 R", "/F1 20 0 R"},
		6:  {"/Subtype /Widget", "(Kept form value)", "/AA null"},
		17: {"Kept page text"},
		19: {"/Subtype /Link", "/A null"},
		20: {"/Type /Font", "/BaseFont /Helvetica"},
		21: {"/S /GoTo /D [3 0 R /Fit]", "(Kept link)"},
	} {
		body := objectBody(t, out, n)
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("object %d lacks %q: %s", n, w, body)
			}
		}
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		if text := checkReadable(t, out); !strings.Contains(text, "Kept page text") {
			t.Errorf("the page text is lost: %q", text)
		}
	} else {
		t.Log("pdftotext (poppler-utils) not installed: the cleaned file was checked by structure only")
	}
	// Cleaning again changes nothing.
	again, err := Strip(PDF, out)
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("a cleaned document changes when cleaned again (%v)", err)
	}
}

// checkReadable runs poppler's pdftotext on b, which must open it without
// complaint, and returns the text.
func checkReadable(t *testing.T, b []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("pdftotext: %v %s", err, stderr.String())
	}
	return stdout.String()
}

func deflate(s string) string {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// TestPDFCompressedActivePartsRefused: what hides in a compressed object
// stream cannot be removed in place, so such a file is refused, naming
// why; a compressed object stream without any of it is read and accepted.
func TestPDFCompressedActivePartsRefused(t *testing.T) {
	objStm := func(content string) string {
		return stream("/Type /ObjStm /N 1 /First 5 /Filter /FlateDecode", deflate(content))
	}
	base := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
	}
	tests := []struct {
		name    string
		content string
		refused bool
	}{
		{"plain objects", "5 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", false},
		{"a script", "5 0 << /S /JavaScript /JS (app.alert(1)) >>", true},
		{"an opening action", "5 0 << /Type /Catalog /OpenAction 6 0 R >>", true},
		{"a comment", "5 0 << /Type /Annot /Subtype /Text /Rect [0 0 1 1] /Contents (hi) >>", true},
		{"an attached file", "5 0 << /Type /Filespec /F (a.txt) /EF << /F 6 0 R >> >>", true},
		{"a program launch", "5 0 << /S /Launch /F (x.exe) >>", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Strip(PDF, buildPDF(append(slicesClone(base), objStm(tc.content))))
			var ue *UncleanError
			if tc.refused != (err != nil) || (err != nil && (!errors.As(err, &ue) || !strings.Contains(ue.Reason, "compressed"))) {
				t.Errorf("refused %v, want %v: %v", err != nil, tc.refused, err)
			}
		})
	}
	// A compressed part that cannot be read, or inflates beyond the bound,
	// cannot be checked.
	bad := stream("/Type /ObjStm /N 1 /First 5 /Filter /FlateDecode", "not zlib at all")
	if _, err := Strip(PDF, buildPDF(append(slicesClone(base), bad))); err == nil {
		t.Error("an unreadable object stream was accepted")
	}
	bomb := stream("/Type /ObjStm /N 1 /First 5 /Filter /FlateDecode", deflate(strings.Repeat(" ", maxObjStmBytes+10)))
	if _, err := Strip(PDF, buildPDF(append(slicesClone(base), bomb))); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("an object stream inflating past the bound: %v", err)
	}
	// A filter given as an array is read all the same.
	arrayFilter := stream("/Type /ObjStm /N 1 /First 5 /Filter [/FlateDecode]", deflate("5 0 << /S /JavaScript /JS (x) >>"))
	if _, err := Strip(PDF, buildPDF(append(slicesClone(base), arrayFilter))); err == nil {
		t.Error("a script in an object stream whose filter is an array was accepted")
	}
	lzw := stream("/Type /ObjStm /N 1 /First 5 /Filter /LZWDecode", "x")
	if _, err := Strip(PDF, buildPDF(append(slicesClone(base), lzw))); err == nil {
		t.Error("an object stream in a form that cannot be read was accepted")
	}
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// FuzzStripPDF: crafted documents, mutated, never make the PDF cleaner
// panic; a document it accepts keeps its length, has no script or
// embedded-file object left outside compressed parts, and is not changed
// by a second pass.
func FuzzStripPDF(f *testing.F) {
	f.Add(activePDF())
	f.Add(fixture(f, "gps.pdf"))
	f.Add(buildPDF([]string{"<< /Type /Catalog /OpenAction [3 0 R /Fit] >>", "<< /A << /S /URI /URI (x) >> >>", "<< /Type /Page >>"}))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /AA << /O 2 0 R >> >> endobj 2 0 obj << /S /JavaScript /JS (x) >> endobj"))
	// A complete script object, one a reader would run.
	script := regexp.MustCompile(`(?:^|[\r\n ])\d+ \d+ obj\s*<<[^<>()]*/S\s*/JavaScript[\s/>][^<>()]*>>`)
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := Strip(PDF, b)
		if err != nil {
			return
		}
		if len(out) != len(b) {
			t.Fatalf("length changed: %d -> %d", len(b), len(out))
		}
		if !pdfObjStm.Match(b) && script.Match(out) {
			t.Fatalf("a script object is left: %q", script.Find(out))
		}
		again, err := Strip(PDF, out)
		if err != nil {
			t.Fatalf("a cleaned document is refused: %v", err)
		}
		if !bytes.Equal(again, out) {
			t.Fatal("cleaning a cleaned document changed it")
		}
	})
}
