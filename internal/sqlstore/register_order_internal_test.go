package sqlstore

import (
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// TestNameOrderCaseBuiltOncePerLanguage: the register's CASE expressions
// by country and commodity names are built once per order, direction and
// language, and kept: a request in a language already seen builds
// nothing, even with an order object of its own.
func TestNameOrderCaseBuiltOncePerLanguage(t *testing.T) {
	db := &DB{Engine: SQLite}
	upper := func(s string) string { return strings.ToUpper(s) }
	cached := func() int {
		n := 0
		db.nameOrderCases.Range(func(any, any) bool { n++; return true })
		return n
	}
	first := db.nameOrderCase(supplychain.SortCountry, false, supplychain.NewNameOrder(language.Spanish, upper, upper))
	for range 3 {
		if again := db.nameOrderCase(supplychain.SortCountry, false, supplychain.NewNameOrder(language.Spanish, upper, upper)); again != first {
			t.Fatal("the same language gave another expression")
		}
	}
	if n := cached(); n != 1 {
		t.Errorf("%d expressions kept for one order in one language, want 1", n)
	}
	for _, names := range []*supplychain.NameOrder{nil, supplychain.NewNameOrder(language.French, upper, upper)} {
		for _, by := range []supplychain.RegisterSort{supplychain.SortCountry, supplychain.SortCommodities} {
			for _, rev := range []bool{false, true} {
				db.nameOrderCase(by, rev, names)
				db.nameOrderCase(by, rev, names)
			}
		}
	}
	if n := cached(); n != 9 {
		t.Errorf("%d expressions kept, want 9 (Spanish by country, and both orders both ways in English and French)", n)
	}
}
