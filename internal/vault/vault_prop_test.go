package vault_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/vault"
)

// TestSealedFieldsOpenOnlyInPlace: any plaintext round-trips in its own
// field, and any single-bit change to the ciphertext, or any other field
// name, makes it fail.
func TestSealedFieldsOpenOnlyInPlace(t *testing.T) {
	v := newVault(t)
	dk := dataKey(t, v)
	ident := rapid.StringMatching(`[a-z_]{1,12}`)
	rapid.Check(t, func(t *rapid.T) {
		f := vault.Field{Table: ident.Draw(t, "table"), Column: ident.Draw(t, "column"), ID: rapid.String().Filter(func(s string) bool { return s != "" }).Draw(t, "id")}
		msg := rapid.SliceOf(rapid.Byte()).Draw(t, "msg")
		ct, err := v.Seal(dk, f, msg)
		if err != nil {
			t.Fatal(err)
		}
		pt, err := v.Open(dk, f, ct)
		if err != nil || string(pt) != string(msg) {
			t.Fatalf("round trip: %v", err)
		}
		bit := rapid.IntRange(0, len(ct)*8-1).Draw(t, "bit")
		bad := append([]byte(nil), ct...)
		bad[bit/8] ^= 1 << (bit % 8)
		if _, err := v.Open(dk, f, bad); err == nil {
			t.Fatalf("flipped bit %d still opens", bit)
		}
		g := f
		g.ID += "x"
		if _, err := v.Open(dk, g, ct); err == nil {
			t.Fatal("opens under another id")
		}
	})
}
