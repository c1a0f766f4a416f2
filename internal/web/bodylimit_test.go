package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

func bigMultipart(t *testing.T, size int) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("name", "ci")
	fw, _ := mw.CreateFormFile("file", "big.bin")
	fw.Write(bytes.Repeat([]byte{'x'}, size))
	mw.Close()
	return buf.String(), mw.FormDataContentType()
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestFormBodiesAreBoundedAndLeaveNoTempFiles: a viewer's 40 MiB multipart
// post to a form that takes a name is cut off at the default limit and
// leaves nothing in TMPDIR (a 1 GiB file used to stay there), and a
// handler that spills a multipart form to disk has its files removed when
// it returns.
func TestFormBodiesAreBoundedAndLeaveNoTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, viewer := f.login(t, "viewer@acme.example", testPassword, "")
	b, ct := bigMultipart(t, 40<<20)
	res := f.do(t, "POST", "/account/tokens", b, viewer, map[string]string{"Content-Type": ct})
	if res.StatusCode < 400 || res.StatusCode >= 500 {
		t.Fatalf("oversized form: status %d", res.StatusCode)
	}
	if left := tempFiles(t, tmp); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}

	var spilled bool
	srv := f.server(t).srv
	h := srv.guard(route{pattern: "POST /x", access: public, handler: func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 10); err != nil {
			t.Errorf("parse: %v", err)
			return
		}
		spilled = len(tempFiles(t, tmp)) > 0
	}})
	b, ct = bigMultipart(t, 64<<10)
	req := httptest.NewRequest("POST", "/x", strings.NewReader(b))
	req.Header.Set("Content-Type", ct)
	h.ServeHTTP(httptest.NewRecorder(), req)
	if !spilled {
		t.Fatal("the test needs the form spilled to disk")
	}
	if left := tempFiles(t, tmp); len(left) > 0 {
		t.Fatalf("temporary files left after the handler: %v", left)
	}
}
