package account_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// grantable is, written out by hand, which scopes each role may give a
// token: never more than the role itself may do. An admin has no case
// access, so not even an admin's token may read or change cases beyond
// the suppressed counts.
var grantable = map[account.Role][]account.Scope{
	account.RoleAdmin: {"suppliers:read", "suppliers:write", "screening:write", "cases:read", "impact:read", "impact:write",
		"alerts:read", "alerts:write", "reports:read", "users:read", "users:write", "settings:read", "settings:write"},
	account.RoleAnalyst: {"suppliers:read", "suppliers:write", "screening:write", "cases:read", "impact:read", "impact:write",
		"alerts:read", "alerts:write", "reports:read"},
	account.RoleCaseHandler: {"suppliers:read", "cases:read", "cases:write", "impact:read", "alerts:read", "alerts:write", "reports:read"},
	account.RoleViewer:      {"suppliers:read", "cases:read", "impact:read", "alerts:read", "reports:read"},
}

func everyScope() []account.Scope {
	var out []account.Scope
	for _, a := range account.ScopeAreas {
		out = append(out, account.Scope(a.Name+":read"), account.Scope(a.Name+":write"))
	}
	return out
}

// TestTokenScopesNeverExceedTheRole: every role x every scope, issued
// through the service on both engines: what the role may not do is
// refused, naming the area, and nothing is stored.
func TestTokenScopesNeverExceedTheRole(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
		svc := account.NewService(db.Accounts(), account.NewHasher(account.TestArgon2, 2), clock)
		org, _, _ := svc.EnsureOrg(ctx, "ngo", "NGO")
		for _, role := range account.Roles {
			u, err := svc.CreateUser(ctx, account.NewUser{OrgID: org.ID, Email: string(role) + "@ngo.example", Name: string(role), Role: role, Password: rightPassword})
			if err != nil {
				t.Fatal(err)
			}
			for _, sc := range everyScope() {
				_, plain, err := svc.CreateAPIToken(ctx, u, account.TokenRequest{Name: string(sc), Scopes: account.Scopes{sc}})
				want := slices.Contains(grantable[role], sc)
				if want && err != nil {
					t.Errorf("%s may give %s: %v", role, sc, err)
				}
				if !want {
					if err == nil || !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(kernel.ErrorMessage(err), "your role") {
						t.Errorf("%s gave a token %s beyond its role: %v", role, sc, err)
					}
					continue
				}
				p, err := svc.AuthenticateToken(ctx, plain)
				if err != nil || !slices.Equal(p.Scopes, account.Scopes{sc}) {
					t.Errorf("%s token %s read back as %v, %v", role, sc, p.Scopes, err)
				}
			}
			toks, err := db.Accounts().ListAPITokens(ctx, org.ID, u.ID)
			if err != nil || len(toks) != len(grantable[role]) {
				t.Errorf("%s: %d tokens stored, want %d (%v)", role, len(toks), len(grantable[role]), err)
			}
			if got := account.RoleScopes(role); len(got) == 0 {
				t.Errorf("%s has no scopes to give", role)
			}
		}
	})
}

// TestTokenScopeLevels: a read scope covers reading only; a write scope
// covers reading and changing its area and nothing of another area;
// permissions guarding both depend on the request.
func TestTokenScopeLevels(t *testing.T) {
	tests := []struct {
		scopes account.Scopes
		perm   account.Permission
		change bool
		want   bool
	}{
		{account.Scopes{"suppliers:read"}, account.PermSuppliersRead, false, true},
		{account.Scopes{"suppliers:read"}, account.PermSuppliersRead, true, true}, // a read asked by POST (screening a name)
		{account.Scopes{"suppliers:read"}, account.PermSuppliersWrite, true, false},
		{account.Scopes{"suppliers:write"}, account.PermSuppliersRead, false, true},
		{account.Scopes{"suppliers:write"}, account.PermSuppliersWrite, true, true},
		{account.Scopes{"suppliers:write"}, account.PermScreeningReview, true, false},
		{account.Scopes{"suppliers:write"}, account.PermImpactRead, false, false},
		{account.Scopes{"users:read"}, account.PermUsersManage, false, true},
		{account.Scopes{"users:read"}, account.PermUsersManage, true, false},
		{account.Scopes{"users:write"}, account.PermUsersManage, true, true},
		{account.Scopes{"cases:read"}, account.PermCasesHandle, false, true},
		{account.Scopes{"cases:read"}, account.PermCasesHandle, true, false},
		{account.Scopes{"cases:read"}, account.PermCasesAggregate, false, true},
		{account.Scopes{"alerts:read"}, account.PermAlertsManage, true, false},
		{account.Scopes{"alerts:write"}, account.PermAlertsManage, true, true},
		{account.Scopes{"reports:read"}, account.PermSelf, false, true},
		{nil, account.PermSelf, false, true},
		{nil, account.PermSuppliersRead, false, false},
		{account.Scopes{"settings:write"}, account.PermUsersManage, false, false},
	}
	for _, tc := range tests {
		if got := tc.scopes.Covers(tc.perm, tc.change); got != tc.want {
			t.Errorf("%v covers %s (change %v) = %v, want %v", tc.scopes, tc.perm, tc.change, got, tc.want)
		}
	}
	// Every permission but PermSelf is in exactly one area.
	for _, role := range account.Roles {
		for _, perm := range []account.Permission{account.PermUsersManage, account.PermSuppliersRead, account.PermSuppliersWrite,
			account.PermScreeningReview, account.PermCasesHandle, account.PermCasesAggregate, account.PermImpactRead, account.PermImpactWrite,
			account.PermAlertsRead, account.PermAlertsManage, account.PermReportsRead, account.PermSettingsManage} {
			if _, ok := account.NeededScope(perm, false); !ok {
				t.Errorf("%s (%s) is in no scope area", perm, role)
			}
		}
	}
}

func TestParseScopes(t *testing.T) {
	got, err := account.ParseScopes("impact:read, suppliers:read suppliers:write impact:read")
	if err != nil || got.String() != "suppliers:write impact:read" {
		t.Fatalf("got %q, %v", got, err)
	}
	for _, bad := range []string{"suppliers", "suppliers:admin", "cases:*", "*", "evil:read"} {
		if _, err := account.ParseScopes(bad); !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(kernel.ErrorMessage(err), bad) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if l := (account.Scopes{"suppliers:write", "reports:read"}).Labels(); len(l) != 2 || !strings.HasSuffix(l[0], "read and write") || !strings.HasSuffix(l[1], "read only") {
		t.Errorf("labels %q", l)
	}
}

// TestTokenExpiryLastUseAndDemotion, on both engines: a token records its
// last use, stops at its expiry even while remembered by the server, and
// follows its user's role as it is now: a demoted user's token loses what
// the new role lacks, a disabled user's stops.
func TestTokenExpiryLastUseAndDemotion(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
		svc := account.NewService(db.Accounts(), account.NewHasher(account.TestArgon2, 2), clock)
		org, _, _ := svc.EnsureOrg(ctx, "ngo", "NGO")
		u, err := svc.CreateUser(ctx, account.NewUser{OrgID: org.ID, Email: "a@ngo.example", Name: "A", Role: account.RoleAnalyst, Password: rightPassword})
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []time.Time{clock.Now().Add(-time.Hour), clock.Now(), clock.Now().Add(3 * 366 * 24 * time.Hour)} {
			if _, _, err := svc.CreateAPIToken(ctx, u, account.TokenRequest{Name: "bad", Scopes: account.Scopes{"suppliers:read"}, ExpiresAt: bad}); !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("expiry %v accepted: %v", bad, err)
			}
		}
		if _, _, err := svc.CreateAPIToken(ctx, u, account.TokenRequest{Name: "none"}); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("a token without scopes was issued: %v", err)
		}
		expires := clock.Now().Add(48 * time.Hour)
		tok, plain, err := svc.CreateAPIToken(ctx, u, account.TokenRequest{Name: "ci", Scopes: account.Scopes{"suppliers:write"}, ExpiresAt: expires})
		if err != nil {
			t.Fatal(err)
		}
		stored := func() account.APIToken {
			toks, err := db.Accounts().ListAPITokens(ctx, org.ID, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range toks {
				if x.ID == tok.ID {
					return x
				}
			}
			t.Fatal("token not stored")
			return account.APIToken{}
		}
		if s := stored(); !s.LastUsedAt.IsZero() || !s.ExpiresAt.Equal(expires) || s.Scopes.String() != "suppliers:write" {
			t.Fatalf("stored %+v", s)
		}
		clock.Advance(time.Hour)
		p, err := svc.AuthenticateToken(ctx, plain)
		if err != nil || !p.CanRequest(account.PermSuppliersWrite, true) || p.CanRequest(account.PermImpactWrite, true) {
			t.Fatalf("analyst token: %v, write suppliers %v, write impact %v", err, p.CanRequest(account.PermSuppliersWrite, true), p.CanRequest(account.PermImpactWrite, true))
		}
		if s := stored(); !s.LastUsedAt.Equal(clock.Now()) {
			t.Errorf("last use %v, want %v", s.LastUsedAt, clock.Now())
		}

		// Demoted to viewer: the token may still read suppliers, no longer write.
		u.Role = account.RoleViewer
		if err := db.Accounts().UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		clock.Advance(account.TokenCacheTTL + time.Second)
		p, err = svc.AuthenticateToken(ctx, plain)
		if err != nil || p.CanRequest(account.PermSuppliersWrite, true) || !p.CanRequest(account.PermSuppliersRead, false) {
			t.Fatalf("demoted: %v, write %v, read %v", err, p.CanRequest(account.PermSuppliersWrite, true), p.CanRequest(account.PermSuppliersRead, false))
		}

		// At its expiry it stops, although this server remembers it.
		clock.T = expires.Add(-time.Second)
		if _, err := svc.AuthenticateToken(ctx, plain); err != nil {
			t.Fatal(err)
		}
		clock.T = expires
		if _, err := svc.AuthenticateToken(ctx, plain); !kernel.IsCode(err, kernel.Unauthorised) {
			t.Fatalf("expired token accepted: %v", err)
		}
		if s := stored(); s.State(clock.Now()) != "expired" {
			t.Errorf("state %q", s.State(clock.Now()))
		}
	})
}
