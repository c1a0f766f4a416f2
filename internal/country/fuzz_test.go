package country_test

import (
	"testing"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func FuzzLookup(f *testing.F) {
	for _, s := range []string{"CI", "CIV", "384", "Ivory Coast", "Côte d’Ivoire", "Korea, Republic of",
		"Iran (Islamic Republic of)", "Frnace", "", "(", "a,b,c", "&", "NA", "0", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := country.Lookup(s)
		if err != nil {
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("Lookup(%q): error of category %s: %v", s, kernel.ErrorCode(err), err)
			}
			return
		}
		if len(c.Alpha2) != 2 || len(c.Alpha3) != 3 || c.Name == "" {
			t.Fatalf("Lookup(%q) = %+v: incomplete country", s, c)
		}
		if !utf8.ValidString(s) {
			t.Fatalf("Lookup accepted invalid UTF-8 %q", s)
		}
		again, err := country.Lookup(c.Alpha2)
		if err != nil || again != c {
			t.Fatalf("Lookup(%q) = %+v but its code resolves to %+v, %v", s, c, again, err)
		}
	})
}
