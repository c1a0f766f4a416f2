package commodity

import (
	"sync"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// nameOrder places each known commodity by its name, case and accents
// aside ("Açaí berries" before "Alcoholic beverages").
var nameOrder = sync.OnceValue(func() kernel.ReadingOrder {
	list := All()
	keys, names := make([]string, len(list)), make([]string, len(list))
	for i, k := range list {
		keys[i], names[i] = k.ID, k.Name
	}
	return kernel.NewReadingOrder(keys, names)
})

// NameOrder is the place of a commodity's name among every known
// commodity's names, for ordering by name where only the id is stored. An
// unknown or empty id comes after every known commodity.
func NameOrder(id string) int {
	return nameOrder().Place(id)
}
