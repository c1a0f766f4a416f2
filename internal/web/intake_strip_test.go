package web

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

// TestIntakeSaysFilesAreStrippedAndRefusesUncleanOnes: the form tells
// reporters, in their language, that hidden details are removed from
// files; a photo with GPS tags is accepted; a file that cannot be cleaned
// is refused in the reporter's language, with nothing sent.
func TestIntakeSaysFilesAreStrippedAndRefusesUncleanOnes(t *testing.T) {
	t.Parallel() // its own database and server
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	for lang, words := range map[string]string{"en": "removes their hidden details", "es": "les quita los datos ocultos", "ar": "يزيل الخادم منها المعلومات المخفية", "zh-Hans": "服务器会删除其中的隐藏信息"} {
		page := body(t, g.do(t, "GET", "/report/acme?lang="+url.QueryEscape(lang), "", "", nil))
		if !strings.Contains(page, words) {
			t.Errorf("the %s form does not say that hidden details are removed", lang)
		}
	}
	photo, err := os.ReadFile(filepath.Join("..", "filemeta", "testdata", "gps.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	rc, res, page := g.submitReport(t, "acme", url.Values{"lang": {"es"}, "narrative": {"foto del dormitorio"}}, map[string][]byte{"IMG_2041.jpg": photo})
	if res.StatusCode != http.StatusOK || rc == "" {
		t.Fatalf("a photo with GPS tags: %d %s", res.StatusCode, page)
	}
	_, res, page = g.submitReport(t, "acme", url.Values{"lang": {"es"}, "narrative": {"foto cortada"}}, map[string][]byte{"cut.jpg": photo[:len(photo)/2]})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "No se pudieron quitar los datos ocultos") || !strings.Contains(page, "foto cortada") {
		t.Fatalf("a file that cannot be cleaned: %d %s", res.StatusCode, page)
	}
}
