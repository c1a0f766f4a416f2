package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

type tenants struct {
	a, b         account.Org
	userA, userB account.User
}

func seedTenants(t *testing.T, st *sqlstore.Accounts) tenants {
	t.Helper()
	ctx := context.Background()
	var tn tenants
	for i, slug := range []string{"alpha", "beta"} {
		o := account.Org{ID: kernel.NewID(), Slug: slug, Name: slug, CreatedAt: t0}
		if err := st.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
		u := account.User{ID: kernel.NewID(), OrgID: o.ID, Email: slug + "@example.org", Name: slug, Role: account.RoleAdmin,
			PasswordHash: "$argon2id$x", CreatedAt: t0, UpdatedAt: t0, RecoveryHashes: []string{"h1", "h2"}}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			tn.a, tn.userA = o, u
		} else {
			tn.b, tn.userB = o, u
		}
	}
	return tn
}

func TestAccountsRoundTrip(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := db.Accounts()
		tn := seedTenants(t, st)

		got, err := st.UserByEmail(ctx, "alpha@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tn.userA.ID || got.Role != account.RoleAdmin || len(got.RecoveryHashes) != 2 || !got.CreatedAt.Equal(t0) {
			t.Fatalf("round trip: got %+v", got)
		}
		got.Disabled = true
		if err := st.UpdateUser(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, _ := st.User(ctx, tn.a.ID, tn.userA.ID)
		if !again.Disabled {
			t.Fatalf("update lost fields: %+v", again)
		}

		dup := tn.userA
		dup.ID = kernel.NewID()
		if err := st.CreateUser(ctx, dup); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("duplicate email: want conflict, got %v", err)
		}
		if err := st.CreateOrg(ctx, account.Org{ID: kernel.NewID(), Slug: "alpha", Name: "x", CreatedAt: t0}); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("duplicate slug: want conflict, got %v", err)
		}
		if _, err := st.UserByEmail(ctx, "nobody@example.org"); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("missing user: want not found, got %v", err)
		}
		if n, err := st.CountAdmins(ctx); err != nil || n != 2 {
			t.Fatalf("CountAdmins = %d, %v", n, err)
		}

		s := account.Session{TokenHash: "hash-1", UserID: tn.userA.ID, OrgID: tn.a.ID, CreatedAt: t0, LastSeen: t0}
		if err := st.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := st.TouchSession(ctx, "hash-1", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		gs, err := st.SessionByHash(ctx, "hash-1")
		if err != nil || !gs.LastSeen.Equal(t0.Add(time.Hour)) {
			t.Fatalf("session: %+v %v", gs, err)
		}
		if err := st.DeleteUserSessions(ctx, tn.a.ID, tn.userA.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SessionByHash(ctx, "hash-1"); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("deleted session still there: %v", err)
		}

		tok := account.APIToken{ID: kernel.NewID(), OrgID: tn.a.ID, UserID: tn.userA.ID, Name: "ci", Hash: "th", Prefix: "upk_abc", CreatedAt: t0}
		if err := st.CreateAPIToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if err := st.RevokeAPIToken(ctx, tn.a.ID, tn.userA.ID, tok.ID, t0); err != nil {
			t.Fatal(err)
		}
		gt, err := st.APITokenByHash(ctx, "th")
		if err != nil || gt.RevokedAt.IsZero() {
			t.Fatalf("token: %+v %v", gt, err)
		}
	})
}

// TestAccountsTenantIsolation checks every organisation-scoped method: with
// organisation B's id, nothing of organisation A can be read or changed.
func TestAccountsTenantIsolation(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := db.Accounts()
		tn := seedTenants(t, st)
		tokA := account.APIToken{ID: kernel.NewID(), OrgID: tn.a.ID, UserID: tn.userA.ID, Name: "a", Hash: "ha", Prefix: "p", CreatedAt: t0}
		if err := st.CreateAPIToken(ctx, tokA); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateSession(ctx, account.Session{TokenHash: "sa", UserID: tn.userA.ID, OrgID: tn.a.ID, CreatedAt: t0, LastSeen: t0}); err != nil {
			t.Fatal(err)
		}
		cross := tn.userA
		cross.OrgID = tn.b.ID
		cross.Name = "hijacked"
		checks := []struct {
			name string
			run  func() error
			want kernel.Code
		}{
			{"User", func() error { _, err := st.User(ctx, tn.b.ID, tn.userA.ID); return err }, kernel.NotFound},
			{"UpdateUser", func() error { return st.UpdateUser(ctx, cross) }, kernel.NotFound},
			{"RevokeAPIToken", func() error { return st.RevokeAPIToken(ctx, tn.b.ID, tn.userA.ID, tokA.ID, t0) }, kernel.NotFound},
			{"ListUsers", func() error {
				us, err := st.ListUsers(ctx, tn.b.ID)
				for _, u := range us {
					if u.OrgID != tn.b.ID {
						t.Errorf("ListUsers(B) returned a user of %s", u.OrgID)
					}
				}
				return err
			}, ""},
			{"ListAPITokens", func() error {
				ts, err := st.ListAPITokens(ctx, tn.b.ID, tn.userA.ID)
				if len(ts) != 0 {
					t.Errorf("ListAPITokens(B, userA) returned %d tokens", len(ts))
				}
				return err
			}, ""},
			{"DeleteUserSessions", func() error {
				if err := st.DeleteUserSessions(ctx, tn.b.ID, tn.userA.ID); err != nil {
					return err
				}
				if _, err := st.SessionByHash(ctx, "sa"); err != nil {
					t.Errorf("DeleteUserSessions(B) removed A's session: %v", err)
				}
				return nil
			}, ""},
		}
		for _, c := range checks {
			err := c.run()
			if c.want == "" && err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			if c.want != "" && !kernel.IsCode(err, c.want) {
				t.Errorf("%s across tenants: want %s, got %v", c.name, c.want, err)
			}
		}
		u, _ := st.User(ctx, tn.a.ID, tn.userA.ID)
		if u.Name == "hijacked" {
			t.Fatal("cross-tenant update changed organisation A's user")
		}
		tok, _ := st.APITokenByHash(ctx, "ha")
		if !tok.RevokedAt.IsZero() {
			t.Fatal("cross-tenant revoke changed organisation A's token")
		}
	})
}

// TestLoginAttemptsCountAtomically: parallel upserts each get their own
// number, a held name refuses further attempts until the hold ends, and
// old unlocked counts are purged.
func TestLoginAttemptsCountAtomically(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := db.Accounts()
		rule := account.AttemptRule{Now: t0, ResetBefore: t0.Add(-time.Hour), HoldFrom: 1000, HoldUntil: t0.Add(time.Minute)}
		seen := make(chan int, 40)
		var wg sync.WaitGroup
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, _, err := st.BeginLoginAttempt(ctx, "name-a", rule)
				if err != nil {
					t.Error(err)
				}
				seen <- n
			}()
		}
		wg.Wait()
		close(seen)
		got := map[int]bool{}
		for n := range seen {
			if got[n] || n < 1 || n > 40 {
				t.Fatalf("attempt number %d given twice or out of range", n)
			}
			got[n] = true
		}
		rule.HoldFrom = 42
		if n, _, _ := st.BeginLoginAttempt(ctx, "name-a", rule); n != 41 {
			t.Fatalf("41st attempt numbered %d", n)
		}
		if n, _, _ := st.BeginLoginAttempt(ctx, "name-a", rule); n != 42 {
			t.Fatalf("42nd attempt numbered %d", n)
		}
		if n, until, _ := st.BeginLoginAttempt(ctx, "name-a", rule); n != 0 || !until.Equal(t0.Add(time.Minute)) {
			t.Fatalf("held name: attempt %d, locked until %v", n, until)
		}
		if err := st.FailLoginAttempt(ctx, "name-a", 42, t0.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
		if n, until, _ := st.LoginAttempts(ctx, "name-a"); n != 42 || !until.Equal(t0.Add(30*time.Second)) {
			t.Fatalf("after the failure: %d, %v", n, until)
		}
		later := rule
		later.Now = t0.Add(31 * time.Second)
		if n, _, _ := st.BeginLoginAttempt(ctx, "name-a", later); n != 43 {
			t.Fatalf("after the lock: attempt %d", n)
		}
		if err := st.ReleaseLoginAttempt(ctx, "name-a", 43); err != nil {
			t.Fatal(err)
		}
		if n, until, _ := st.LoginAttempts(ctx, "name-a"); n != 42 || !until.IsZero() {
			t.Fatalf("after release: %d, %v", n, until)
		}
		if _, _, err := st.BeginLoginAttempt(ctx, "name-b", rule); err != nil {
			t.Fatal(err)
		}
		if n, err := st.PurgeLoginAttempts(ctx, t0.Add(time.Hour)); err != nil || n != 2 {
			t.Fatalf("purge: %d, %v", n, err)
		}
		if err := st.ClearLoginAttempts(ctx, "name-a"); err != nil {
			t.Fatal(err)
		}
	})
}
