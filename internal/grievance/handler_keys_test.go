package grievance_test

import (
	"context"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// memHandlerKeys is an in-memory HandlerKeyStore that counts writes.
type memHandlerKeys struct {
	keys   map[string]grievance.HandlerKey
	puts   int
	failOn error
}

func (m *memHandlerKeys) HandlerKey(_ context.Context, orgID, userID string) (grievance.HandlerKey, error) {
	if m.failOn != nil {
		return grievance.HandlerKey{}, m.failOn
	}
	hk, ok := m.keys[orgID+"/"+userID]
	if !ok {
		return hk, kernel.Errorf(kernel.NotFound, "no handler key")
	}
	return hk, nil
}

func (m *memHandlerKeys) PutHandlerKey(_ context.Context, orgID, userID string, pub vault.PublicKey, locked []byte) error {
	m.puts++
	m.keys[orgID+"/"+userID] = grievance.HandlerKey{OrgID: orgID, UserID: userID, Public: pub, Locked: locked}
	return nil
}

func newVault(t *testing.T, p vault.Params) *vault.Vault {
	t.Helper()
	v, err := vault.New(p, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sessionPublic reads back the key a session would carry.
func sessionPublic(t *testing.T, session []byte) vault.PublicKey {
	t.Helper()
	k, err := vault.ParseRecoveryKey(string(session))
	if err != nil {
		t.Fatalf("session key does not parse: %v", err)
	}
	defer k.Wipe()
	return k.Public()
}

func TestHandlerKeysPolicy(t *testing.T) {
	ctx := context.Background()
	v := newVault(t, vault.TestParams())
	stored := func(t *testing.T, password string) *memHandlerKeys {
		pub, locked, err := v.NewHandlerKey([]byte(password))
		if err != nil {
			t.Fatal(err)
		}
		return &memHandlerKeys{keys: map[string]grievance.HandlerKey{"o/u": {OrgID: "o", UserID: "u", Public: pub, Locked: locked}}}
	}
	tests := []struct {
		name        string
		store       func(t *testing.T) *memHandlerKeys
		caseHandler bool
		password    string
		wantKey     bool
		wantPuts    int
		samePublic  bool // the key returned is the one stored before
	}{
		{"case handler's first sign-in issues a key", func(*testing.T) *memHandlerKeys { return &memHandlerKeys{keys: map[string]grievance.HandlerKey{}} }, true, "pw", true, 1, false},
		{"other roles get no key", func(*testing.T) *memHandlerKeys { return &memHandlerKeys{keys: map[string]grievance.HandlerKey{}} }, false, "pw", false, 0, false},
		{"the password opens the stored key", func(t *testing.T) *memHandlerKeys { return stored(t, "pw") }, true, "pw", true, 0, true},
		{"a former case handler still opens their key", func(t *testing.T) *memHandlerKeys { return stored(t, "pw") }, false, "pw", true, 0, true},
		{"a reset password replaces the key", func(t *testing.T) *memHandlerKeys { return stored(t, "old") }, true, "new", true, 1, false},
		{"a reset password of another role issues nothing", func(t *testing.T) *memHandlerKeys { return stored(t, "old") }, false, "new", false, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.store(t)
			before, had := st.keys["o/u"]
			keys := &grievance.HandlerKeys{Vault: v, Store: st}
			got, err := keys.Unlock(ctx, "o", "u", tc.caseHandler, tc.password)
			if err != nil {
				t.Fatal(err)
			}
			if (got != nil) != tc.wantKey {
				t.Fatalf("key returned: %v, want %v", got != nil, tc.wantKey)
			}
			if st.puts != tc.wantPuts {
				t.Fatalf("%d writes, want %d", st.puts, tc.wantPuts)
			}
			if got == nil {
				return
			}
			pub := sessionPublic(t, got)
			after := st.keys["o/u"]
			if !pub.Equal(after.Public) {
				t.Error("the session key is not the stored key")
			}
			if had && pub.Equal(before.Public) != tc.samePublic {
				t.Errorf("same key as before: %v, want %v", pub.Equal(before.Public), tc.samePublic)
			}
			if _, err := v.UnlockKey(after.Locked, []byte(tc.password)); err != nil {
				t.Errorf("the stored key does not open with the password: %v", err)
			}
		})
	}
}

func TestHandlerKeysRelockWithCurrentParameters(t *testing.T) {
	ctx := context.Background()
	old := newVault(t, vault.TestParams())
	pub, locked, err := old.NewHandlerKey([]byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	st := &memHandlerKeys{keys: map[string]grievance.HandlerKey{"o/u": {OrgID: "o", UserID: "u", Public: pub, Locked: locked}}}
	p := vault.TestParams()
	p.Password.Time++
	v := newVault(t, p)
	if !v.NeedsRelock(locked) {
		t.Fatal("test set-up: the new parameters do not call for a re-lock")
	}
	got, err := (&grievance.HandlerKeys{Vault: v, Store: st}).Unlock(ctx, "o", "u", true, "pw")
	if err != nil {
		t.Fatal(err)
	}
	after := st.keys["o/u"]
	if st.puts != 1 || v.NeedsRelock(after.Locked) {
		t.Fatalf("%d writes; still needs re-lock: %v", st.puts, v.NeedsRelock(after.Locked))
	}
	if !after.Public.Equal(pub) || !sessionPublic(t, got).Equal(pub) {
		t.Error("re-locking changed the key pair")
	}
}

func TestHandlerKeysStoreFailure(t *testing.T) {
	boom := errors.New("disk on fire")
	st := &memHandlerKeys{keys: map[string]grievance.HandlerKey{}, failOn: boom}
	got, err := (&grievance.HandlerKeys{Vault: newVault(t, vault.TestParams()), Store: st}).Unlock(context.Background(), "o", "u", true, "pw")
	if !errors.Is(err, boom) || got != nil || st.puts != 0 {
		t.Fatalf("got %v, err %v, %d writes", got, err, st.puts)
	}
}
