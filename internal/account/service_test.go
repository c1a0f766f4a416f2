package account_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

type fakeKeys struct{ secret []byte }

func (f fakeKeys) Unlock(_ context.Context, u account.User, password string) ([]byte, error) {
	if u.Role != account.RoleCaseHandler {
		return nil, nil
	}
	return append([]byte(password+":"), f.secret...), nil
}

// TestSessionCarriesSealedKey: a handler's key unlocked at sign-in comes
// back with each authenticated request, and the stored session holds it
// only sealed under the token the database never sees.
func TestSessionCarriesSealedKey(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
		svc := account.NewService(db.Accounts(), account.NewHasher(account.TestArgon2, 2), clock)
		svc.Keys = fakeKeys{secret: []byte("CANARY-PRIVATE-KEY")}
		org, _, err := svc.EnsureOrg(ctx, "ngo", "NGO")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []account.Role{account.RoleCaseHandler, account.RoleAnalyst} {
			if _, err := svc.CreateUser(ctx, account.NewUser{OrgID: org.ID, Email: string(r) + "@ngo.example", Name: "x", Role: r, Password: "long enough password"}); err != nil {
				t.Fatal(err)
			}
		}
		_, token, err := svc.Login(ctx, "case_handler@ngo.example", "long enough password", "")
		if err != nil {
			t.Fatal(err)
		}
		p, err := svc.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if want := []byte("long enough password:CANARY-PRIVATE-KEY"); !bytes.Equal(p.Key, want) {
			t.Fatalf("principal key %q", p.Key)
		}
		sess, err := db.Accounts().SessionByHash(ctx, account.HashSecret(token))
		if err != nil {
			t.Fatal(err)
		}
		if len(sess.SealedKey) == 0 || bytes.Contains(sess.SealedKey, []byte("CANARY")) {
			t.Fatalf("stored session key is not sealed: %q", sess.SealedKey)
		}
		// A different token (a guess) cannot open another session's key.
		if _, err := svc.Authenticate(ctx, token+"x"); err == nil {
			t.Fatal("a wrong token authenticated")
		}
		_, token2, err := svc.Login(ctx, "analyst@ngo.example", "long enough password", "")
		if err != nil {
			t.Fatal(err)
		}
		p2, _ := svc.Authenticate(ctx, token2)
		if p2.Key != nil {
			t.Fatal("a user without a key got one")
		}
	})
}

// countingStore counts token lookups to show the cache at work.
type countingStore struct {
	account.Store
	lookups int
}

func (c *countingStore) APITokenByHash(ctx context.Context, h string) (account.APIToken, error) {
	c.lookups++
	return c.Store.APITokenByHash(ctx, h)
}

func TestAPITokenCacheAndRevocation(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	ctx := context.Background()
	clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	st := &countingStore{Store: db.Accounts()}
	svc := account.NewService(st, account.NewHasher(account.TestArgon2, 2), clock)
	org, _, _ := svc.EnsureOrg(ctx, "ngo", "NGO")
	u, err := svc.CreateUser(ctx, account.NewUser{OrgID: org.ID, Email: "a@ngo.example", Name: "a", Role: account.RoleAnalyst, Password: "long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	tok, plain, err := svc.CreateAPIToken(ctx, u, account.TokenRequest{Name: "ci", Scopes: account.Scopes{"suppliers:read"}})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := svc.AuthenticateToken(ctx, plain); err != nil {
			t.Fatal(err)
		}
	}
	if st.lookups != 1 {
		t.Errorf("5 calls made %d token lookups, want 1", st.lookups)
	}
	clock.Advance(account.TokenCacheTTL + time.Second)
	svc.AuthenticateToken(ctx, plain)
	if st.lookups != 2 {
		t.Errorf("after the cache window: %d lookups, want 2", st.lookups)
	}
	if err := svc.RevokeAPIToken(ctx, org.ID, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateToken(ctx, plain); !kernel.IsCode(err, kernel.Unauthorised) {
		t.Fatalf("revoked token still accepted: %v", err)
	}
	_, plain2, _ := svc.CreateAPIToken(ctx, u, account.TokenRequest{Name: "ci2", Scopes: account.Scopes{"suppliers:read"}})
	svc.AuthenticateToken(ctx, plain2)
	if err := svc.SetDisabled(ctx, org.ID, u.ID, true, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateToken(ctx, plain2); err == nil {
		t.Fatal("a disabled user's token still accepted")
	}
}
