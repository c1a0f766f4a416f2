package supplychain_test

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// RefKey hashes on the stack what StableID hashes through the uuid
// package: the ids must be the same for every reference, short or long,
// spaced or not, or stored parties would change id.
func TestRefKeyIsStableID(t *testing.T) {
	check := func(t interface{ Fatalf(string, ...any) }, ref string) {
		want := supplychain.StableID("ref", strings.TrimSpace(ref))
		if got := supplychain.RefID(ref); got != want {
			t.Fatalf("RefID(%q) = %s, StableID gives %s", ref, got, want)
		}
		if got := supplychain.IDString(supplychain.RefKey(ref)); got != want {
			t.Fatalf("RefKey(%q) = %s, StableID gives %s", ref, got, want)
		}
	}
	for _, ref := range []string{"", "P1", " P1 ", "Lieferant-0042", strings.Repeat("x", 107), strings.Repeat("y", 108), strings.Repeat("z", 500), "工厂 7"} {
		check(t, ref)
	}
	rapid.Check(t, func(t *rapid.T) {
		check(t, rapid.String().Draw(t, "ref"))
	})
}

func BenchmarkRefKey(b *testing.B) {
	for b.Loop() {
		supplychain.RefKey("P123456")
	}
}

func BenchmarkStableIDRef(b *testing.B) {
	for b.Loop() {
		supplychain.StableID("ref", "P123456")
	}
}
