package commodity_test

import (
	"fmt"

	"github.com/upstream-platform/upstream/internal/commodity"
)

func ExampleNormalise() {
	for _, raw := range commodity.Split("Cacao beans; palm oil;beef; Quinoa") {
		c, known := commodity.Normalise(raw)
		fmt.Printf("%s -> %s (EUDR %q, known %v)\n", raw, c.ID, c.EUDR, known)
	}
	// Output:
	// Cacao beans -> cocoa (EUDR "cocoa", known true)
	// palm oil -> palm-oil (EUDR "oil_palm", known true)
	// beef -> cattle (EUDR "cattle", known true)
	// Quinoa -> quinoa (EUDR "", known false)
}
