package country

import (
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// nameOrder places each country by its English name, read as a person
// reads a list: case and accents aside, so "Åland Islands" comes next to
// "Albania" and not after "Zimbabwe".
var nameOrder = sync.OnceValue(func() map[string]int {
	list := All()
	c := collate.New(language.English, collate.IgnoreCase, collate.IgnoreDiacritics)
	slices.SortStableFunc(list, func(a, b Country) int { return c.CompareString(a.Name, b.Name) })
	out := make(map[string]int, len(list))
	for i, k := range list {
		out[k.Alpha2] = i
	}
	return out
})

// NameOrder is the place of a country's name among every country's names,
// for ordering by name where only the code is stored. An unknown or empty
// code comes after every country.
func NameOrder(alpha2 string) int {
	m := nameOrder()
	if i, ok := m[alpha2]; ok {
		return i
	}
	return len(m)
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
