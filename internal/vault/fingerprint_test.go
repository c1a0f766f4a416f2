package vault_test

import (
	"crypto/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/vault"
)

func TestFingerprint(t *testing.T) {
	v, err := vault.New(vault.TestParams(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := v.NewKeyPair()
	b, _ := v.NewKeyPair()
	fa := a.Public().Fingerprint()
	if !regexp.MustCompile(`^[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$`).MatchString(fa) {
		t.Fatalf("fingerprint %q", fa)
	}
	if fa == b.Public().Fingerprint() || fa != a.Public().Fingerprint() {
		t.Fatal("fingerprints must be stable and differ between keys")
	}
	for _, typed := range []string{fa, strings.ToLower(fa), strings.ReplaceAll(fa, "-", " "), strings.ReplaceAll(fa, "-", "")} {
		if !a.Public().SameFingerprint(typed) {
			t.Fatalf("%q should match %q", typed, fa)
		}
	}
	for _, typed := range []string{"", b.Public().Fingerprint(), fa[:len(fa)-1]} {
		if a.Public().SameFingerprint(typed) {
			t.Fatalf("%q should not match %q", typed, fa)
		}
	}
	if (vault.PublicKey{}).SameFingerprint("") {
		t.Fatal("an empty key matched an empty fingerprint")
	}
}
