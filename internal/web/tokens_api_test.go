package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestTokensAPI: a token lists its user's tokens, newest first, with
// scopes, state, expiry and last use, never a secret and never another
// user's token.
func TestTokensAPI(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ctx := context.Background()
	analyst := f.users[account.RoleAnalyst]
	old, _, err := f.accounts.CreateAPIToken(ctx, analyst, account.TokenRequest{Name: "nightly export", Scopes: account.Scopes{"reports:read"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.accounts.RevokeAPIToken(ctx, f.org.ID, analyst.ID, old.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	_, secret, err := f.accounts.CreateAPIToken(ctx, analyst, account.TokenRequest{Name: "ERP sync", Scopes: account.Scopes{"suppliers:write"},
		ExpiresAt: f.clock.Now().Add(30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.accounts.CreateAPIToken(ctx, f.users[account.RoleViewer], account.TokenRequest{Name: "viewer's", Scopes: account.Scopes{"suppliers:read"}}); err != nil {
		t.Fatal(err)
	}
	status, body := f.apiCall(t, "GET", "/api/v1/tokens", "", map[string]string{"Authorization": "Bearer " + secret})
	var out tokenListJSON
	if status != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("%d %s", status, body)
	}
	if len(out.Tokens) != 2 || out.Tokens[0].Name != "ERP sync" || out.Tokens[1].Name != "nightly export" {
		t.Fatalf("tokens: %s", body)
	}
	now, was := out.Tokens[0], out.Tokens[1]
	if now.State != "active" || strings.Join(now.Scopes, " ") != "suppliers:write" || now.ExpiresAt == nil || now.LastUsedAt == nil {
		t.Errorf("the token in use: %+v", now)
	}
	if was.State != "revoked" || was.ExpiresAt != nil || was.LastUsedAt != nil {
		t.Errorf("the revoked token: %+v", was)
	}
	if strings.Contains(body, secret) || strings.Contains(body, "viewer's") {
		t.Errorf("the list gives away a secret or another user's token: %s", body)
	}
}
