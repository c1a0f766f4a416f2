package supplychain

import "strings"

// MaxSearchWords is how many words of a register search count; more are
// ignored, so a pasted paragraph cannot make a query of any size.
const MaxSearchWords = 8

// SearchKey is the text a register search looks in: the party's name,
// address and identifiers, each folded by NormalKey, so that a search
// matches whatever the case, accents or punctuation typed or stored. Both
// storage engines index this same text, word by word.
func SearchKey(p Party) string {
	var parts []string
	for _, s := range []string{p.Name, p.Address, p.OSID, p.LEI, p.GLN} {
		if k := NormalKey(s); k != "" {
			parts = append(parts, k)
		}
	}
	return strings.Join(parts, " ")
}

// SearchWords are the words of a register search, folded as SearchKey
// folds what it looks in: each must start a word of a party's SearchKey.
func SearchWords(typed string) []string {
	words := strings.Fields(NormalKey(typed))
	if len(words) > MaxSearchWords {
		words = words[:MaxSearchWords]
	}
	return words
}
