package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

// TestCaseStageAPI: a case handler's token moves a case's stage (metadata)
// under the workflow's rules, audited; a note, which is sealed, is refused
// from a token and accepted from a session whose unlocked key opens the
// case, where the case page then shows it.
func TestCaseStageAPI(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		_, session := g.login(t, "case_handler@acme.example", testPassword, "")
		rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"secret narrative"}}, nil)
		id := g.reportIDByReceipt(t, rc)
		token := g.apiToken(t, account.RoleCaseHandler, "cases:write")
		stage := "/api/v1/cases/" + id + "/stage"

		status, body := g.apiCall(t, "POST", stage, `{"to": "closed", "reason": "resolved"}`, token)
		if status != http.StatusBadRequest || !strings.Contains(body, `"field":"reason"`) {
			t.Errorf("a move the workflow refuses: %d %s", status, body)
		}
		status, body = g.apiCall(t, "POST", stage, `{"to": "sideways"}`, token)
		if status != http.StatusBadRequest || !strings.Contains(body, `"field":"to"`) {
			t.Errorf("an unknown stage: %d %s", status, body)
		}
		if status, body := g.apiCall(t, "POST", stage, `{"to": "acknowledged"}`, g.apiToken(t, account.RoleCaseHandler, "cases:read")); status != http.StatusForbidden {
			t.Errorf("a read token moved the case: %d %s", status, body)
		}
		status, body = g.apiCall(t, "POST", stage, `{"to": "acknowledged"}`, token)
		if status != http.StatusOK || !strings.Contains(body, `"stage":"acknowledged"`) {
			t.Fatalf("acknowledge with a token: %d %s", status, body)
		}
		if strings.Contains(body, "secret narrative") {
			t.Error("the answer holds what the reporter wrote")
		}
		// A note from a token is refused and changes nothing.
		status, body = g.apiCall(t, "POST", stage, `{"to": "investigating", "note": "NOTE-FROM-TOKEN"}`, token)
		if status != http.StatusForbidden || !strings.Contains(body, `"field":"note"`) {
			t.Errorf("a note from a token: %d %s", status, body)
		}
		if _, body := g.apiCall(t, "GET", "/api/v1/cases/"+id, "", token); !strings.Contains(body, `"stage":"acknowledged"`) {
			t.Errorf("a refused move changed the case: %s", body)
		}
		// The same with the signed-in session, whose key opens the case.
		res := g.do(t, "POST", stage, `{"to": "investigating", "note": "NOTE-WITH-KEY visited the site"}`, session,
			map[string]string{"Content-Type": "application/json"})
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `"investigating"`) {
			t.Fatalf("a note with the key: %d %s", res.StatusCode, b)
		}
		page, _ := io.ReadAll(g.do(t, "GET", "/cases/"+id, "", session, nil).Body)
		if !strings.Contains(string(page), "NOTE-WITH-KEY visited the site") || strings.Contains(string(page), "NOTE-FROM-TOKEN") {
			t.Error("the case page does not show the note sent with the key alone")
		}
		// Both moves are in the audit log as stage changes by the handler.
		moves := 0
		err := db.AuditLog().Entries(t.Context(), g.org.ID, 0, func(e audit.Entry) error {
			if e.Action == grievance.ActionStageChange && e.Actor == g.users[account.RoleCaseHandler].ID {
				moves++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if moves != 2 {
			t.Errorf("%d stage changes audited, want 2", moves)
		}
	})
}
