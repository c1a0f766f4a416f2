package country_test

import (
	"fmt"

	"github.com/upstream-platform/upstream/internal/country"
)

func ExampleLookup() {
	for _, raw := range []string{"Ivory Coast", "CIV", "Korea, Republic of", "NA", "Frnace"} {
		c, err := country.Lookup(raw)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(c.Alpha2, c.Name)
	}
	// Output:
	// CI Côte d'Ivoire
	// CI Côte d'Ivoire
	// KR Republic of Korea
	// NA Namibia
	// unknown country "Frnace"; did you mean France (FR)?
}
