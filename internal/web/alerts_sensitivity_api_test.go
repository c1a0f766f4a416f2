package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// apiToken makes an API token of role with scopes and returns its bearer
// header.
func (f *fixture) apiToken(t *testing.T, role account.Role, scopes ...account.Scope) map[string]string {
	t.Helper()
	_, token, err := f.accounts.CreateAPIToken(context.Background(), f.users[role], account.TokenRequest{Name: string(role) + " token",
		Scopes: scopes, ExpiresAt: f.clock.Now().Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
}

// apiCall sends body (JSON, or nothing) with hdr and returns the status
// and the body, compacted when it is JSON.
func (f *fixture) apiCall(t *testing.T, method, path, body string, hdr map[string]string) (int, string) {
	t.Helper()
	res := f.do(t, method, path, body, "", hdr)
	b, _ := io.ReadAll(res.Body)
	var c bytes.Buffer
	if json.Compact(&c, b) == nil {
		return res.StatusCode, c.String()
	}
	return res.StatusCode, string(b)
}

// TestAlertSensitivityAPI: the detector's sensitivity is read and chosen
// through the API by whoever may on the settings page, with the scope
// settings, and a bad choice names the field and changes nothing.
func TestAlertSensitivityAPI(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newAlertsFixture(t, db)
		write := f.apiToken(t, account.RoleAdmin, "settings:write")
		read := f.apiToken(t, account.RoleAdmin, "settings:read")
		current := func() string {
			status, body := f.apiCall(t, "GET", "/api/v1/alert-sensitivity", "", read)
			var out alertSensitivityJSON
			if status != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil || len(out.Choices) < 3 {
				t.Fatalf("read: %d %s", status, body)
			}
			return out.Current
		}
		if got := current(); got != "balanced" {
			t.Fatalf("default sensitivity %q", got)
		}
		if status, body := f.apiCall(t, "PUT", "/api/v1/alert-sensitivity", `{"sensitivity": "quiet"}`, read); status != http.StatusForbidden {
			t.Errorf("a read token chose: %d %s", status, body)
		}
		status, body := f.apiCall(t, "PUT", "/api/v1/alert-sensitivity", `{"sensitivity": "loudest"}`, write)
		if status != http.StatusBadRequest || !strings.Contains(body, `"field":"sensitivity"`) {
			t.Errorf("an unknown point: %d %s", status, body)
		}
		if got := current(); got != "balanced" {
			t.Errorf("a refused choice changed the sensitivity to %q", got)
		}
		if status, body := f.apiCall(t, "PUT", "/api/v1/alert-sensitivity", `{"sensitivity": "quiet"}`, write); status != http.StatusOK ||
			!strings.Contains(body, `"current":"quiet"`) {
			t.Fatalf("choose quiet: %d %s", status, body)
		}
		if got := current(); got != "quiet" {
			t.Errorf("after choosing quiet: %q", got)
		}
		// A choice made on a stale read is refused (If-Match).
		etag := f.do(t, "GET", "/api/v1/alert-sensitivity", "", "", read).Header.Get("ETag")
		if status, body := f.apiCall(t, "PUT", "/api/v1/alert-sensitivity", `{"sensitivity": "early"}`, write); status != http.StatusOK {
			t.Fatalf("choose early: %d %s", status, body)
		}
		stale := map[string]string{"If-Match": etag}
		for k, v := range write {
			stale[k] = v
		}
		if status, body := f.apiCall(t, "PUT", "/api/v1/alert-sensitivity", `{"sensitivity": "quiet"}`, stale); status != http.StatusPreconditionFailed {
			t.Errorf("a choice on a stale read: %d %s", status, body)
		}
		if status, body := f.apiCall(t, "PUT", "/api/v1/alert-sensitivity", `{"sensitivity": "quiet"}`, write); status != http.StatusOK {
			t.Fatalf("choose quiet again: %d %s", status, body)
		}
		// The settings page shows the same choice.
		_, session := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
		page, _ := io.ReadAll(f.do(t, "GET", "/alerts/sensitivity", "", session, nil).Body)
		if !strings.Contains(string(page), "Fewer false alarms") {
			t.Errorf("the page lacks the choice")
		}
		stored, err := db.EarlyWarning().DetectorSensitivity(context.Background(), f.org.ID)
		if err != nil || stored.Name != "quiet" {
			t.Errorf("stored %q (%v)", stored.Name, err)
		}
	})
}
