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
