package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// scopeNeeded is, written out by hand, the token scope a request needs
// for each permission: [reading, changing]. A write scope also covers
// reading its area.
var scopeNeeded = map[account.Permission][2]string{
	account.PermSelf:            {"", ""},
	account.PermUsersManage:     {"users:read", "users:write"},
	account.PermSettingsManage:  {"settings:read", "settings:write"},
	account.PermSuppliersRead:   {"suppliers:read", "suppliers:read"},
	account.PermSuppliersWrite:  {"suppliers:write", "suppliers:write"},
	account.PermScreeningReview: {"screening:write", "screening:write"},
	account.PermCasesHandle:     {"cases:read", "cases:write"},
	account.PermCasesAggregate:  {"cases:read", "cases:read"},
	account.PermImpactRead:      {"impact:read", "impact:read"},
	account.PermImpactWrite:     {"impact:write", "impact:write"},
	account.PermAlertsRead:      {"alerts:read", "alerts:read"},
	account.PermAlertsManage:    {"alerts:write", "alerts:write"},
	account.PermReportsRead:     {"reports:read", "reports:read"},
}

func scopeCovers(have account.Scope, need string) bool {
	if need == "" || string(have) == need {
		return true
	}
	area, level, _ := strings.Cut(need, ":")
	return level == "read" && string(have) == area+":write"
}

// TestTokenScopesAgainstEveryRoute is the role x scope x route table: for
// every role, a token of every scope the role may give, against every API
// route. A token is served only where its user's role allows the route
// (the authorisation tables) and its scope covers it; everywhere else the
// answer is 403. Tokens open no page: on the staff pages a bearer token
// counts as not signed in.
func TestTokenScopesAgainstEveryRoute(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Config.APIRateLimit = 1 << 30
	ctx := context.Background()
	allowedRoles := allowedRolesTable()
	routes := f.server(t).srv.routes()
	checked := 0
	for _, role := range account.Roles {
		u := f.users[role]
		for _, area := range account.ScopeAreas {
			for _, level := range area.Levels(role) {
				sc := account.Scope(area.Name + ":" + level)
				_, token, err := f.accounts.CreateAPIToken(ctx, u, account.TokenRequest{Name: string(sc), Scopes: account.Scopes{sc},
					ExpiresAt: f.clock.Now().Add(24 * time.Hour)})
				if err != nil {
					t.Fatalf("%s %s: %v", role, sc, err)
				}
				bearer := map[string]string{"Authorization": "Bearer " + token}
				for _, rt := range routes {
					if rt.access != signedIn {
						continue
					}
					method, path, _ := strings.Cut(rt.pattern, " ")
					path = pathParam.ReplaceAllStringFunc(strings.ReplaceAll(path, "{$}", ""), func(p string) string {
						if p == "{org}" {
							return f.org.Slug
						}
						return kernel.NewID()
					})
					if !strings.HasPrefix(path, "/api/") {
						if role == account.RoleAdmin && sc == "users:write" { // once is enough
							res := f.do(t, method, path, "", "", bearer)
							if !(res.StatusCode == http.StatusUnauthorized || (res.StatusCode == http.StatusSeeOther &&
								strings.HasPrefix(res.Header.Get("Location"), "/login"))) {
								t.Errorf("%s with an API token and no session: %d, want the sign-in", rt.pattern, res.StatusCode)
							}
						}
						continue
					}
					need, ok := scopeNeeded[rt.perm]
					if !ok {
						t.Fatalf("%s: permission %s has no expected scope in this test", rt.pattern, rt.perm)
					}
					needed := need[0]
					if method != http.MethodGet {
						needed = need[1]
					}
					body := ""
					if method != http.MethodGet {
						body = "{}"
					}
					res := f.do(t, method, path, body, "", bearer)
					b, _ := io.ReadAll(res.Body)
					refusedByScope := res.StatusCode == http.StatusForbidden && strings.Contains(string(b), "scopes do not allow")
					refused := res.StatusCode == http.StatusUnauthorized || refusedByScope ||
						(res.StatusCode == http.StatusForbidden && strings.Contains(string(b), "does not allow this"))
					roleMay := slicesContains(allowedRoles[rt.pattern], string(role))
					want := roleMay && scopeCovers(sc, needed)
					switch {
					case want && refused:
						t.Errorf("%s token %s: %s refused (%d %s)", role, sc, rt.pattern, res.StatusCode, b)
					case !want && !refused:
						t.Errorf("%s token %s: %s served (%d), want 403", role, sc, rt.pattern, res.StatusCode)
					case roleMay && !want && !refusedByScope:
						t.Errorf("%s token %s: %s refused without naming the scope: %d %s", role, sc, rt.pattern, res.StatusCode, b)
					}
					checked++
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d role x scope x route cases checked", checked)
	}
}

// TestTokenPage: the account page makes a token with the chosen areas and
// expiry, lists it by name with its access in words, formatted dates and
// its last use, never an id, and revokes it saying which; scopes beyond
// the role are refused on the page as well.
func TestTokenPage(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		_, s := f.login(t, "viewer@acme.example", testPassword, "")
		page := func() string {
			res := f.do(t, "GET", "/account", "", s, nil)
			b, _ := io.ReadAll(res.Body)
			return string(b)
		}
		p := page()
		if !strings.Contains(p, `name="scope_suppliers" value="read"`) || strings.Contains(p, `name="scope_suppliers" value="write"`) ||
			strings.Contains(p, `name="scope_users"`) {
			t.Fatal("the viewer's form offers other levels than the role's")
		}
		// A crafted form asking more than the role is refused.
		res := f.do(t, "POST", "/account/tokens", url.Values{"name": {"greedy"}, "scope_suppliers": {"write"}, "expires": {"30"}}.Encode(), s, nil)
		if b, _ := io.ReadAll(res.Body); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "your role") {
			t.Fatalf("a viewer's write token: %d", res.StatusCode)
		}
		if res := f.do(t, "POST", "/account/tokens", url.Values{"name": {"empty"}, "expires": {"30"}}.Encode(), s, nil); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("a token without areas: %d", res.StatusCode)
		}
		_, s = f.login(t, "admin@acme.example", testPassword, "")
		res = f.do(t, "POST", "/account/tokens", url.Values{"name": {"Nightly export"}, "scope_users": {"read"}, "scope_reports": {"read"},
			"expires": {"90"}, "expires_on": {"2027-01-31"}}.Encode(), s, nil)
		b, _ := io.ReadAll(res.Body)
		m := regexp.MustCompile(`id="new-token">(upk_[a-z2-7]+)<`).FindSubmatch(b)
		if res.StatusCode != http.StatusCreated || m == nil {
			t.Fatalf("create: %d", res.StatusCode)
		}
		bearer := map[string]string{"Authorization": "Bearer " + string(m[1])}
		if res := f.do(t, "GET", "/api/v1/users", "", "", bearer); res.StatusCode != http.StatusOK {
			t.Fatalf("read users: %d", res.StatusCode)
		}
		if res := f.do(t, "POST", "/api/v1/users", `{"email":"n@acme.example","name":"N","role":"viewer","password":"tangerine lantern orbit"}`, "", bearer); res.StatusCode != http.StatusForbidden {
			t.Fatalf("adding a user with a read-only token: %d", res.StatusCode)
		}
		p = page()
		for _, want := range []string{"Nightly export", "Users: read only", "Reports and scorecards: read only",
			"25 November 2026", "31 January 2027 00:00 UTC", "25 November 2026 09:00 UTC", ">active<"} {
			if !strings.Contains(p, want) {
				t.Errorf("the token list lacks %q", want)
			}
		}
		toks, _ := f.accounts.Store.ListAPITokens(context.Background(), f.org.ID, f.users[account.RoleAdmin].ID)
		if len(toks) != 1 {
			t.Fatalf("%d tokens", len(toks))
		}
		visible := regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(p, " ")
		if strings.Contains(visible, toks[0].ID) {
			t.Error("the page shows the token's id")
		}
		res = f.do(t, "POST", "/account/tokens/"+toks[0].ID+"/revoke", "", s, nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.StatusCode)
		}
		if msg := flashOf(t, res); !strings.Contains(msg, "Nightly export\u201d is revoked") {
			t.Errorf("revocation confirmed as %q", msg)
		}
		if p := page(); !strings.Contains(p, ">revoked<") {
			t.Errorf("revoked token not listed as revoked")
		}
		f.clock.Advance(account.TokenCacheTTL)
		if res := f.do(t, "GET", "/api/v1/users", "", "", bearer); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d", res.StatusCode)
		}
	})
}

// TestOpenAPINamesEachTokenScope: the document served to integrators
// names, on every operation that needs sign-in, the token scope the
// table above expects.
func TestOpenAPINamesEachTokenScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	res := f.do(t, "GET", "/api/v1/openapi.json", "", "", nil)
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rt := range f.server(t).srv.routes() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		if rt.access != signedIn || !strings.HasPrefix(path, "/api/") {
			continue
		}
		op, ok := doc.Paths[path][strings.ToLower(method)]
		if !ok {
			continue // documenting every route is the document's own test
		}
		need := scopeNeeded[rt.perm][0]
		if method != http.MethodGet {
			need = scopeNeeded[rt.perm][1]
		}
		want := []string{}
		if need != "" {
			want = []string{need}
		}
		if len(op.Security) == 0 || !slices.Equal(op.Security[0]["token"], want) {
			t.Errorf("%s: security %v, want token %v", rt.pattern, op.Security, want)
		}
		n++
	}
	if n < 30 {
		t.Errorf("only %d operations checked", n)
	}
}
