package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/scorecard"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// answerForm writes the questionnaire form as a browser sends it with a
// file input: multipart, the file under doc_file.
func answerForm(t *testing.T, fields url.Values, fileName string, content []byte) (string, map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	fw, err := mw.CreateFormFile("doc_file", fileName)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), map[string]string{"Content-Type": mw.FormDataContentType()}
}

var evidenceLink = regexp.MustCompile(`href="(/scorecards/(?:suppliers/[^"/]+/)?files/[^"]+)"`)

// TestScorecardEvidenceFiles: an answer's document comes with its file.
// The file is stored cleared of hidden details, listed with the answer,
// sent as a download to every role that reads scorecards and written to
// the audit log each time; a file of another type, an empty or an
// oversized one is refused with a reason and nothing is stored; another
// supplier's or organisation's file is not found. Both engines.
func TestScorecardEvidenceFiles(t *testing.T) {
	t.Parallel()
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReportsFixture(t, db)
		supplier := "/scorecards/suppliers/" + url.PathEscape(f.grinder)
		pdf, err := os.ReadFile(filepath.Join("..", "filemeta", "testdata", "gps.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		photo, err := os.ReadFile(filepath.Join("..", "filemeta", "testdata", "gps.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		answer := url.Values{"question_id": {"policy.forced_labour"}, "response": {"yes"}, "answered_on": {"2026-11-20"}, "doc_date": {"2026-11-01"}}

		refusals := []struct {
			name, file string
			content    []byte
			want       string
		}{
			{"a text file", "policy.txt", []byte("We prohibit forced labour.\n"), "policy.txt is not a PDF document or a photo"},
			{"a program named as a PDF", "policy.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), "policy.pdf is not a PDF document or a photo"},
			{"too large", "policy.pdf", append([]byte("%PDF-1.4\n"), make([]byte, scorecard.MaxFileBytes+10)...), "larger than 10 MB"},
		}
		for _, tc := range refusals {
			body, hdr := answerForm(t, answer, tc.file, tc.content)
			res, page := f.call(t, "analyst", "POST", supplier+"/answers", body, hdr)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, tc.want) {
				t.Fatalf("%s: status %d, page lacks %q:\n%.400s", tc.name, res.StatusCode, tc.want, page)
			}
		}
		if _, page := f.call(t, "viewer", "GET", supplier, "", nil); strings.Contains(page, "Current answer: yes") || evidenceLink.MatchString(page) {
			t.Fatal("a refused answer was stored")
		}

		// A photo for the organisation, a PDF for the supplier; the PDF's
		// document takes the file's name when none is typed.
		body, hdr := answerForm(t, answer, `C:\Users\hr\Forced labour policy.pdf`, pdf)
		if res, page := f.call(t, "analyst", "POST", supplier+"/answers", body, hdr); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer with a PDF: %d %.400s", res.StatusCode, page)
		}
		orgAnswer := url.Values{"question_id": {"voice.mechanism"}, "response": {"yes"}, "doc_name": {"Poster in the canteen"}}
		body, hdr = answerForm(t, orgAnswer, "poster.jpg", photo)
		if res, page := f.call(t, "admin", "POST", "/scorecards/answers", body, hdr); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer with a photo: %d %.400s", res.StatusCode, page)
		}

		_, page := f.call(t, "viewer", "GET", supplier, "", nil)
		if !strings.Contains(page, "Evidence file for “Forced labour policy.pdf”:") || !strings.Contains(page, ">Forced labour policy.pdf</a>") {
			t.Fatalf("the file is not listed with the answer:\n%s", page)
		}
		supplierFile := evidenceLink.FindStringSubmatch(page)[1]
		_, page = f.call(t, "viewer", "GET", "/scorecards", "", nil)
		m := evidenceLink.FindStringSubmatch(page)
		if m == nil || !strings.Contains(page, ">poster.jpg</a>") {
			t.Fatalf("the organisation's file is not listed:\n%s", page)
		}
		orgFile := m[1]

		for _, role := range []string{"viewer", "case_handler", "analyst", "admin"} {
			res, got := f.call(t, role, "GET", supplierFile, "", nil)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(got, "%PDF") {
				t.Fatalf("%s downloads the PDF: %d", role, res.StatusCode)
			}
			if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "Forced labour policy.pdf") {
				t.Errorf("not a download: %q", cd)
			}
			if strings.Contains(got, "Canary") {
				t.Errorf("the stored PDF keeps hidden details")
			}
		}
		res, got := f.call(t, "viewer", "GET", orgFile, "", nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" || strings.Contains(got, "Canary") || len(got) == 0 {
			t.Fatalf("the photo: %d %q, hidden details kept: %v", res.StatusCode, res.Header.Get("Content-Type"), strings.Contains(got, "Canary"))
		}

		// A file is read only through the subject it belongs to.
		fileID := supplierFile[strings.LastIndex(supplierFile, "/")+1:]
		for _, path := range []string{"/scorecards/files/" + fileID, "/scorecards/suppliers/" + url.PathEscape(f.foreign) + "/files/" + fileID} {
			if res, _ := f.call(t, "viewer", "GET", path, "", nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, res.StatusCode)
			}
		}
		if res := f.do(t, "GET", supplierFile, "", "", nil); res.StatusCode == http.StatusOK {
			t.Error("a file is sent without signing in")
		}

		entries, err := db.AuditLog().Recent(context.Background(), f.org.ID, audit.Query{ActionPrefix: "scorecard.evidence."})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range entries {
			count[e.Action]++
			if e.Actor == "" || strings.Contains(e.Object+strings.Join(mapValues(e.Detail), " "), "policy") {
				t.Errorf("an audit entry names the file or has no actor: %+v", e)
			}
		}
		if count[scorecard.ActionFileAdd] != 2 || count[scorecard.ActionFileDownload] != 5 {
			t.Errorf("audit log: %v, want 2 added and 5 downloads", count)
		}
		viewer := f.users[account.Role("viewer")]
		if _, page := f.call(t, "admin", "GET", "/admin/audit-log", "", nil); !strings.Contains(page, viewer.Name) && !strings.Contains(page, viewer.Email) {
			t.Errorf("the audit-log page does not show who downloaded")
		}
	})
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestBrowserScorecardEvidenceFileWithoutScript: with scripts off, an
// analyst answers a supplier's question with a PDF chosen on the form; the
// page confirms the answer and lists the file as a download link.
func TestBrowserScorecardEvidenceFileWithoutScript(t *testing.T) {
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Config.CookieSecure = false
	pdf, err := filepath.Abs(filepath.Join("..", "filemeta", "testdata", "gps.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(f.h)
	defer ts.Close()
	b, cancel := context.WithTimeout(testkit.Browser(t, false), 2*time.Minute)
	defer cancel()
	page := ts.URL + "/scorecards/suppliers/" + url.PathEscape(f.grinder)
	if err := chromedp.Do(b, browserSignIn(page, "analyst@acme.example", testPassword),
		chromedp.WaitVisible(chromedp.CSS("#q-policy-forced_labour-file")),
		chromedp.Click(chromedp.CSS("#q-policy-forced_labour-yes")),
		chromedp.SendKeys(chromedp.CSS("#q-policy-forced_labour-doc"), "Signed forced labour policy"),
		chromedp.SetUploadFiles(chromedp.CSS("#q-policy-forced_labour-file"), []string{pdf}),
		chromedp.Click(chromedp.CSS("#q-policy-forced_labour-save")),
	); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(b, "main", "Answer saved"); err != nil {
		t.Fatalf("no confirmation: %v", err)
	}
	if err := waitForText(b, "#q-policy-forced_labour .evidence-file", "gps.pdf"); err != nil {
		t.Fatalf("the file is not listed with the answer: %v", err)
	}
	href, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("#q-policy-forced_labour .evidence-file a").getAttribute("href")`))
	if err != nil || !evidenceLink.MatchString(`href="`+href+`"`) {
		t.Fatalf("download link %q %v", href, err)
	}
	res, got := f.call(t, "viewer", "GET", href, "", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(got, "%PDF") || strings.Contains(got, "Canary") {
		t.Fatalf("the uploaded file as downloaded: %d, hidden details kept: %v", res.StatusCode, strings.Contains(got, "Canary"))
	}
}
