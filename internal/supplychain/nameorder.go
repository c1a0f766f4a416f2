package supplychain

import (
	"golang.org/x/text/language"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// NameOrder is where every country and every known commodity comes among
// their names in one language, read as that language's readers order a
// list. The register's orders by country and by commodity follow it, so a
// Spanish page lists Alemania (Germany) before Suiza (Switzerland) and
// España (Spain) before Estados Unidos (United States), as a Spanish
// reader looks for them.
//
// A nil *NameOrder is the English one: the ISO 3166 and commodity table
// names (country.NameOrder, commodity.NameOrder).
type NameOrder struct {
	lang                   string
	countries, commodities kernel.ReadingOrder
}

// NewNameOrder places every country by countryName(alpha-2 code) and
// every known commodity by commodityName(id), both in the language lang
// and compared in its alphabet, case and accents aside. Build one per
// language and keep it: stores may keep what they derive from an order
// under its language (see Language), so two orders of the same language
// must be the same.
func NewNameOrder(lang language.Tag, countryName, commodityName func(string) string) *NameOrder {
	codes := country.Codes()
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = countryName(c)
	}
	o := &NameOrder{lang: lang.String(), countries: kernel.NewReadingOrderIn(lang, codes, names)}
	all := commodity.All()
	ids, names := make([]string, len(all)), make([]string, len(all))
	for i, c := range all {
		ids[i], names[i] = c.ID, commodityName(c.ID)
	}
	o.commodities = kernel.NewReadingOrderIn(lang, ids, names)
	return o
}

// Language is the BCP 47 tag of the order's names ("es"); "en" for the
// nil order.
func (o *NameOrder) Language() string {
	if o == nil {
		return "en"
	}
	return o.lang
}

// Country is the place of the country with this alpha-2 code among every
// country's names; an unknown or empty code comes after every country.
func (o *NameOrder) Country(alpha2 string) int {
	if o == nil {
		return country.NameOrder(alpha2)
	}
	return o.countries.Place(alpha2)
}

// Commodity is the place of the commodity with this id among every known
// commodity's names; an unknown or empty id comes after every known one.
func (o *NameOrder) Commodity(id string) int {
	if o == nil {
		return commodity.NameOrder(id)
	}
	return o.commodities.Place(id)
}
