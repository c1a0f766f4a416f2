package commodity

import (
	"sync"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// nameOrder places each known commodity by its name, case and accents
// aside ("Açaí berries" before "Alcoholic beverages").
var nameOrder = sync.OnceValue(func() kernel.ReadingOrder {
	return kernel.ReadingOrderOf(All(), func(c Commodity) string { return c.ID }, func(c Commodity) string { return c.Name })
})

// NameOrder is the place of a commodity's name among every known
// commodity's names, for ordering by name where only the id is stored. An
// unknown or empty id comes after every known commodity.
func NameOrder(id string) int {
	return nameOrder().Place(id)
}
