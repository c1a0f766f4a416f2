package commodity

import (
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// nameOrder places each known commodity by its name, case and accents
// aside ("Açaí berries" before "Alcoholic beverages").
var nameOrder = sync.OnceValue(func() map[string]int {
	list := All()
	c := collate.New(language.English, collate.IgnoreCase, collate.IgnoreDiacritics)
	slices.SortStableFunc(list, func(a, b Commodity) int { return c.CompareString(a.Name, b.Name) })
	out := make(map[string]int, len(list))
	for i, k := range list {
		out[k.ID] = i
	}
	return out
})

// NameOrder is the place of a commodity's name among every known
// commodity's names, for ordering by name where only the id is stored. An
// unknown or empty id comes after every known commodity.
func NameOrder(id string) int {
	m := nameOrder()
	if i, ok := m[id]; ok {
		return i
	}
	return len(m)
}
