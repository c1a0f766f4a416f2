package assessment

import (
	"cmp"
	"fmt"
	"slices"
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

// TestOrderMatchesPlainSort checks the sort on compact keys, done in
// halves on two cores, against a plain sort by exposure, label and id,
// with many ties and labels that share their first eight bytes.
func TestOrderMatchesPlainSort(t *testing.T) {
	c := NewChain()
	n := 40_000
	for i := range n {
		ref := fmt.Sprintf("SUPPLIER%d", i%9_000) // labels repeat across ids
		if i%7 == 0 {
			ref = fmt.Sprintf("S%d", i)
		}
		if i%11 == 0 {
			ref = "SUPPLIER" // a prefix of others
		}
		c.parties = append(c.parties, party{id: fmt.Sprintf("id-%06d", n-i), ref: ref})
	}
	a := &Assessment{c: c, exposure: make([]float64, n)}
	for i := range n {
		a.exposure[i] = float64(i%13) * 1.5 // ties
	}
	got := a.Order()
	want := make([]int32, n)
	for i := range want {
		want[i] = int32(i)
	}
	slices.SortFunc(want, func(x, y int32) int {
		px, py := &c.parties[x], &c.parties[y]
		return cmp.Or(cmp.Compare(a.exposure[y], a.exposure[x]), cmp.Compare(px.label(), py.label()), cmp.Compare(px.id, py.id))
	})
	if !slices.Equal(got, want) {
		t.Fatal("order differs from a plain sort")
	}
}
