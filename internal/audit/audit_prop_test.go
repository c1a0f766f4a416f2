package audit_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/audit"
)

// TestAnyTamperingIsDetected: deleting, swapping, duplicating or altering
// any entry of any chain is caught, at or before the entry touched.
func TestAnyTamperingIsDetected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := newMem()
		n := rapid.IntRange(1, 30).Draw(t, "n")
		fillT(s, "org", n)
		es := s.entries["org"]
		i := rapid.IntRange(0, n-1).Draw(t, "i")
		switch op := rapid.IntRange(0, 4).Draw(t, "op"); op {
		case 0: // delete, unless it is the last (which needs a checkpoint)
			if i == n-1 {
				t.Skip("tail deletion is covered by checkpoints")
			}
			es = slices.Delete(es, i, i+1)
		case 1: // swap with another entry
			j := rapid.IntRange(0, n-1).Draw(t, "j")
			if i == j {
				t.Skip("no-op")
			}
			es[i], es[j] = es[j], es[i]
		case 2: // duplicate
			es = slices.Insert(es, i, es[i])
		case 3: // alter the object
			es[i].Object += "x"
		case 4: // alter and rehash, unless it is the last
			if i == n-1 {
				t.Skip("a rehashed last entry needs a checkpoint")
			}
			es[i].Actor = "forger"
			es[i].Hash = es[i].ComputeHash()
		}
		s.entries["org"] = es
		_, err := audit.Verify(context.Background(), s, "org")
		var be *audit.BrokenError
		if !errors.As(err, &be) {
			t.Fatalf("not detected: %v", err)
		}
	})
}
