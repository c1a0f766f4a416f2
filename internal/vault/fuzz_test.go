package vault_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/vault"
)

// FuzzParseRecoveryKey: the recovery key is typed in by an operator.
func FuzzParseRecoveryKey(f *testing.F) {
	v, _ := vault.New(vault.TestParams(), seeded(3))
	_, s, _ := v.NewRecoveryKey()
	for _, seed := range []string{s, "", "UPR1", "upr1-0000", s[:20], s + "-0"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		k, err := vault.ParseRecoveryKey(in)
		if err != nil {
			return
		}
		// Anything accepted must print back to a string that parses to the
		// same key.
		again, err := vault.ParseRecoveryKey(vault.FormatRecoveryKey(k))
		if err != nil || !again.Public().Equal(k.Public()) {
			t.Fatalf("accepted %q but its printed form does not round trip", in)
		}
	})
}

// FuzzStoredBlobs feeds arbitrary bytes to every reader of stored blobs: a
// corrupted or hostile database row must give an error, never a panic or a
// huge allocation.
func FuzzStoredBlobs(f *testing.F) {
	v, _ := vault.New(vault.TestParams(), seeded(4))
	dk, _ := v.NewDataKey()
	k, _ := v.NewKeyPair()
	fld := vault.Field{Table: "t", Column: "c", ID: "1"}
	ct, _ := v.Seal(dk, fld, []byte("hello"))
	wrapped, _ := v.WrapTo(dk, "1", k.Public())
	_, locked, _ := v.NewHandlerKey([]byte("pw"))
	rv, rk, _ := v.NewReceiptVerifier([]byte("1"))
	rvb, _ := rv.MarshalBinary()
	rwrapped, _ := v.WrapForReceipt(dk, "1", rk)
	for _, seed := range [][]byte{ct, wrapped, locked, rvb, rwrapped, nil, {1}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = v.Open(dk, fld, b)
		_, _ = vault.UnwrapWith(b, "1", k)
		_, _ = vault.UnwrapWithReceipt(b, "1", rk)
		_, _ = vault.LockedPublicKey(b)
		_, _ = v.UnlockKey(b, []byte("pw"))
		_ = v.NeedsRelock(b)
		var x vault.ReceiptVerifier
		if x.UnmarshalBinary(b) == nil {
			// Stored parameters are bounded, so verifying is safe to try
			// only when they are small; the bound itself is tested here.
			if x.KDF.MemoryKiB > 1<<20 || x.KDF.Time > 16 || x.KDF.Threads > 16 {
				t.Fatalf("accepted unbounded parameters %+v", x.KDF)
			}
		}
	})
}
