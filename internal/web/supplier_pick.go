package web

import (
	"context"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// supplierChoice is one supplier a name search found, as a form offers it:
// the id goes in the form's value, people read the name and country.
type supplierChoice struct {
	ID, Name, CountryName string
	Selected              bool
}

// supplierSearch is what a search of the register by name found.
type supplierSearch struct {
	Typed   string
	Choices []supplierChoice // the first pickLimit suppliers, by name
	Total   int              // how many suppliers match in all
	// Picked is the one supplier the text names: the only match, or the
	// one match whose whole name is the text typed.
	Picked string
}

// pickLimit is how many matches a supplier search offers; more asks the
// person to type more of the name.
const pickLimit = 20

// searchSuppliers finds the organisation's suppliers by what a person typed
// into a supplier field: the start of any words of the name or address,
// or an identifier, any case (supplychain.RegisterFilter.Search).
func searchSuppliers(ctx context.Context, reader SupplierReader, orgID, typed string) (supplierSearch, error) {
	out := supplierSearch{Typed: typed}
	if typed == "" {
		return out, nil
	}
	if reader == nil {
		return out, kernel.Errorf(kernel.Invalid, "supplier: the supplier register is not available on this server")
	}
	found, total, err := reader.Register(ctx, orgID, supplychain.RegisterFilter{Search: typed}, supplychain.SortName, kernel.Page{Limit: pickLimit})
	if err != nil {
		return out, err
	}
	out.Total = total
	key := supplychain.NormalKey(typed)
	var exact []string
	for _, e := range found {
		out.Choices = append(out.Choices, supplierChoice{ID: e.Party.ID, Name: e.Party.Name, CountryName: countryName(e.Party.Country)})
		if supplychain.NormalKey(e.Party.Name) == key {
			exact = append(exact, e.Party.ID)
		}
	}
	switch {
	case total == 1 && len(found) == 1:
		out.Picked = found[0].Party.ID
	case len(exact) == 1:
		out.Picked = exact[0]
	}
	for i := range out.Choices {
		out.Choices[i].Selected = out.Choices[i].ID == out.Picked
	}
	return out, nil
}
