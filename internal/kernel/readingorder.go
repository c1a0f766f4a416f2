package kernel

import (
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// ReadingOrder is the place of each key's name in a list read as a person
// reads it: case and accents aside, so "Åland Islands" comes next to
// "Albania" and not after "Zimbabwe". It lets a caller order by name where
// only a code or id is stored.
type ReadingOrder map[string]int

// ReadingOrderOf places each item's key by its name; items with equal
// names keep the order they are given in.
func ReadingOrderOf[T any](items []T, key, name func(T) string) ReadingOrder {
	keys, names := make([]string, len(items)), make([]string, len(items))
	for i, it := range items {
		keys[i], names[i] = key(it), name(it)
	}
	return NewReadingOrder(keys, names)
}

// NewReadingOrder places keys[i] by names[i], English names read as an
// English reader orders them; keys with equal names keep the order they
// are given in.
func NewReadingOrder(keys, names []string) ReadingOrder {
	return NewReadingOrderIn(language.English, keys, names)
}

// NewReadingOrderIn places keys[i] by names[i], names in the language
// lang read as its readers order a list: by that language's alphabet
// ("Países Bajos" after "Pakistán" in Spanish, "Ñ" after "N"), case and
// accents aside; keys with equal names keep the order they are given in.
func NewReadingOrderIn(lang language.Tag, keys, names []string) ReadingOrder {
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	c := collate.New(lang, collate.IgnoreCase, collate.IgnoreDiacritics)
	slices.SortStableFunc(idx, func(a, b int) int { return c.CompareString(names[a], names[b]) })
	out := make(ReadingOrder, len(keys))
	for place, i := range idx {
		out[keys[i]] = place
	}
	return out
}

// Place is key's place in the order; an unknown or empty key comes after
// every known one.
func (o ReadingOrder) Place(key string) int {
	if i, ok := o[key]; ok {
		return i
	}
	return len(o)
}
