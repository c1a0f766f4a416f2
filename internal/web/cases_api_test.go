package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

// TestCasesAPIGivesMetadataOnly: a case handler's token lists cases with
// their stage and due date, page by page, and reads one; nothing the
// reporter wrote is in any answer; other roles are refused.
func TestCasesAPIGivesMetadataOnly(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		_, h := g.login(t, "case_handler@acme.example", testPassword, "")
		var ids []string
		for _, text := range []string{"first secret narrative", "second secret narrative", "third secret narrative"} {
			rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {text}, "contact": {"+44 7700 900123"}}, nil)
			ids = append(ids, g.reportIDByReceipt(t, rc))
		}
		var seen []string
		var raw strings.Builder
		path := "/api/v1/cases?limit=2"
		for path != "" {
			res := g.do(t, "GET", path, "", h, nil)
			b, _ := io.ReadAll(res.Body)
			raw.Write(b)
			var page caseListJSON
			decodeInto(t, &http.Response{StatusCode: res.StatusCode, Header: res.Header, Body: io.NopCloser(strings.NewReader(string(b)))}, &page)
			for _, c := range page.Cases {
				if c.Stage != "received" || c.Due == "" || c.Received == "" || len(c.Categories) == 0 {
					t.Errorf("case metadata: %+v", c)
				}
				seen = append(seen, c.ID)
			}
			path = page.Next
		}
		if strings.Join(seen, ",") != ids[2]+","+ids[1]+","+ids[0] {
			t.Fatalf("cases %v, want newest first %v", seen, ids)
		}
		var one caseEnvelopeJSON
		res := g.do(t, "GET", "/api/v1/cases/"+ids[0], "", h, nil)
		b, _ := io.ReadAll(res.Body)
		raw.Write(b)
		decodeInto(t, &http.Response{StatusCode: res.StatusCode, Header: res.Header, Body: io.NopCloser(strings.NewReader(string(b)))}, &one)
		if one.Case.ID != ids[0] {
			t.Fatalf("one case: %+v", one)
		}
		for _, secret := range []string{"secret narrative", "7700 900123", "locator"} {
			if strings.Contains(raw.String(), secret) {
				t.Errorf("the API gave away %q", secret)
			}
		}
		if res := g.do(t, "GET", "/api/v1/cases/00000000-0000-7000-8000-000000000000", "", h, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown case: %d", res.StatusCode)
		}
		_, analyst := g.login(t, g.users[account.RoleAnalyst].Email, testPassword, "")
		if res := g.do(t, "GET", "/api/v1/cases", "", analyst, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("an analyst lists cases: %d", res.StatusCode)
		}
	})
}
