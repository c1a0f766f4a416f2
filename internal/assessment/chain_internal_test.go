package assessment

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// TestPartyIndex checks that ids kept as UUID bytes and ids kept as
// strings never find each other's parties.
func TestPartyIndex(t *testing.T) {
	u := supplychain.RefID("A")
	ids := []string{u, strings.ToUpper(u), "x" + u[1:], u[:35], u + "0", "gln:123", "", strings.Replace(u, "-", "_", 1)}
	x := newPartyIndex()
	for i, id := range ids {
		if _, ok := x.get(id); ok {
			t.Fatalf("%q found before it was added", id)
		}
		x.put(id, int32(i))
	}
	for i, id := range ids {
		if got, ok := x.get(id); !ok || got != int32(i) {
			t.Errorf("%q: %d, %v; want %d", id, got, ok, i)
		}
	}
	// Only the canonical UUID is kept as bytes.
	if len(x.uuids) != 1 || len(x.other) != len(ids)-1 {
		t.Errorf("%d ids as bytes and %d as strings; want 1 and %d", len(x.uuids), len(x.other), len(ids)-1)
	}
}
