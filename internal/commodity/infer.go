package commodity

import (
	"slices"
	"strings"
)

// Inference is the goods guessed for a party whose file does not say what
// it handles, and what they were guessed from, worded for people
// ("sector Apparel", "product type Shoes", "name").
type Inference struct {
	IDs  []string
	From string
}

// Infer guesses the goods of a facility from what a list says about it,
// most specific first: the product-type column when it names products,
// else clear product words in the name ("shoes", "knitting", "gloves"),
// else the sector (see ForSector). The first source that names a good
// decides, so a shoe factory listed under Apparel makes footwear, not
// garments. Sectors and product types may hold several values separated by
// '|' or ';'. The zero Inference means nothing could be inferred.
func Infer(sector, productType, name string) Inference {
	if ids := productIDs(productType, true); len(ids) > 0 {
		return Inference{IDs: ids, From: "product type " + strings.TrimSpace(productType)}
	}
	if ids := productIDs(name, false); len(ids) > 0 {
		return Inference{IDs: ids, From: "name"}
	}
	cs := ForSector(sector)
	if len(cs) == 0 {
		return Inference{}
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return Inference{IDs: ids, From: "sector " + strings.TrimSpace(sector)}
}

// productIDs returns the goods named in text by the product words; with
// whole, each '|' or ';' separated value that is itself a known good's name
// counts too ("Footwear", "Garments").
func productIDs(text string, whole bool) []string {
	var ids []string
	add := func(id string) {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == '|' || r == ';' }) {
		if whole {
			if c, known := Normalise(part); known {
				add(c.ID)
				continue
			}
		}
		for _, w := range strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(fold(part))) {
			if id, ok := productWords[w]; ok {
				add(id)
			}
		}
	}
	return ids
}
