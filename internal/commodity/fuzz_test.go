package commodity_test

import (
	"testing"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/commodity"
)

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"cocoa", "Cacao beans", "Beans (green, soy, yellow)", "()", "(", "a;b", "\xff", "Açaí", "x ( y )"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, known := commodity.Normalise(s)
		if c.ID == "" {
			if known || c != (commodity.Commodity{}) {
				t.Fatalf("Normalise(%q) = %+v, %v: empty id but not zero", s, c, known)
			}
			return
		}
		if !utf8.ValidString(c.ID) || !utf8.ValidString(c.Name) {
			t.Fatalf("Normalise(%q) = %+v: invalid UTF-8", s, c)
		}
		if known {
			if k, ok := commodity.ByID(c.ID); !ok || k != c {
				t.Fatalf("Normalise(%q) = %+v not in the list", s, c)
			}
		}
		// Normalising is idempotent on the resulting id.
		again, knownAgain := commodity.Normalise(c.Name)
		if known && (!knownAgain || again.ID != c.ID) {
			t.Fatalf("Normalise(%q) = %s but its name %q gives %s", s, c.ID, c.Name, again.ID)
		}
		for _, part := range commodity.Split(s) {
			if part == "" {
				t.Fatalf("Split(%q) returned an empty part", s)
			}
		}
		_ = commodity.ForSector(s)
		for _, id := range commodity.Infer(s, s, s).IDs {
			if _, ok := commodity.ByID(id); !ok {
				t.Fatalf("Infer(%q) gave unknown id %q", s, id)
			}
		}
	})
}
