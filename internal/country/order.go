package country

import (
	"sync"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// nameOrder places each country by its English name, read as a person
// reads a list: case and accents aside, so "Åland Islands" comes next to
// "Albania" and not after "Zimbabwe".
var nameOrder = sync.OnceValue(func() kernel.ReadingOrder {
	return kernel.ReadingOrderOf(All(), func(c Country) string { return c.Alpha2 }, func(c Country) string { return c.Name })
})

// NameOrder is the place of a country's name among every country's names,
// for ordering by name where only the code is stored. An unknown or empty
// code comes after every country.
func NameOrder(alpha2 string) int {
	return nameOrder().Place(alpha2)
}

// Codes returns every alpha-2 code, for callers that spell NameOrder out
// (a database ordering by name).
func Codes() []string {
	all := All()
	out := make([]string, len(all))
	for i, c := range all {
		out[i] = c.Alpha2
	}
	return out
}
