package web

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestAPIReferencePage: the reference is readable without signing in,
// has no script, names every operation of the document with its scope,
// and every schema link leads to a schema on the page.
func TestAPIReferencePage(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	res := f.do(t, "GET", "/api-reference", "", "", nil)
	b, _ := io.ReadAll(res.Body)
	page := string(b)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, %s: %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), page, f.logs.String())
	}
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("the reference has a script")
	}
	doc, _ := io.ReadAll(f.do(t, "GET", "/api/v1/openapi.json", "", "", nil).Body)
	var d struct {
		Paths map[string]map[string]struct {
			OperationID string                `json:"operationId"`
			Security    []map[string][]string `json:"security"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, item := range d.Paths {
		for method, op := range item {
			n++
			anchor := `id="op-` + op.OperationID + `"`
			i := strings.Index(page, anchor)
			if i < 0 {
				t.Errorf("%s %s is not on the page", method, path)
				continue
			}
			section := page[i:]
			if j := strings.Index(section[1:], `<article id="op-`); j > 0 {
				section = section[:j]
			}
			if !strings.Contains(section, "<code>"+path+"</code>") || !strings.Contains(section, strings.ToUpper(method)) {
				t.Errorf("%s %s: its section does not show it", method, path)
			}
			for _, sec := range op.Security {
				for _, scope := range sec["token"] {
					if !strings.Contains(section, "Token scope: <code>"+scope+"</code>") {
						t.Errorf("%s %s: scope %s not shown", method, path, scope)
					}
				}
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d operations in the document", n)
	}
	for name := range d.Components.Schemas {
		if !strings.Contains(page, `id="schema-`+name+`"`) {
			t.Errorf("schema %s is not on the page", name)
		}
	}
	for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(page, -1) {
		if !strings.Contains(page, `id="`+m[1]+`"`) {
			t.Errorf("link to #%s leads nowhere", m[1])
		}
	}
}
