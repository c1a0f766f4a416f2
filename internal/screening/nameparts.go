package screening

import "strings"

// optionalMissing is how much a missing optional part of a person's name
// (a middle name, a patronymic, a second family name) counts against a
// match, relative to a missing essential part. Supplier and customer files
// and the press write "Viktor Vekselberg" for "VEKSELBERG, Viktor
// Feliksovich" and "Nicolas Maduro" for "MADURO MOROS, Nicolas": what they
// leave out is not evidence against the match, while what they give must
// still agree.
const optionalMissing = 0.15

// patronymicEndings end East Slavic patronymics in the romanisations the
// lists use ("Feliksovich", "Hryhoryavich", "Aliaksandravich", "Petrovna").
var patronymicEndings = []string{"ovich", "evich", "avich", "ovych", "evych", "ovna", "evna", "avna", "ichna", "ivna", "yevich", "ievich", "yevna"}

func isPatronymic(w string) bool {
	if len(w) < 7 {
		return false
	}
	for _, e := range patronymicEndings {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// optionalParts marks the tokens of a person's name that a query may leave
// out: every distinctive word but the first family name and the first
// given name. The lists write "FAMILY NAMES, Given Names"; a name without
// that comma is read "Given ... Family", so its first and last words are
// the essential ones. Patronymics are optional wherever they stand. Names
// of fewer than three distinctive words have no optional part, and words
// of fewer than four letters are never optional.
func optionalParts(name string, toks []token) uint64 {
	var words []int
	for i, t := range toks {
		if t.class == classWord && i < 64 {
			words = append(words, i)
		}
	}
	if len(words) < 3 {
		return 0
	}
	var essential []int
	if fam, given, ok := strings.Cut(name, ","); ok && strings.TrimSpace(given) != "" {
		nf := 0
		for _, t := range normaliseName(fam) {
			if t.class == classWord {
				nf++
			}
		}
		if nf == 0 || nf >= len(words) {
			return 0
		}
		essential = []int{words[0], words[nf]}
	} else {
		last := len(words) - 1
		for last > 0 && isPatronymic(toks[words[last]].text) {
			last--
		}
		essential = []int{words[0], words[last]}
	}
	var mask uint64
	for _, i := range words {
		// Syllables of Korean and Chinese given names ("Jong Un") are
		// one name written in parts, not a middle name.
		if len(toks[i].text) < 4 {
			continue
		}
		if i != essential[0] && i != essential[1] {
			mask |= 1 << uint(i)
		}
	}
	return mask
}

// givenNamePos returns the position of the first given name of a person's
// name written "FAMILY NAMES, Given Names", as the lists write people, or
// -1 when the name does not say which word is the given name.
func givenNamePos(name string, toks []token) int8 {
	fam, given, ok := strings.Cut(name, ",")
	if !ok || strings.TrimSpace(given) == "" {
		return -1
	}
	nf := 0
	for _, t := range normaliseName(fam) {
		if t.class == classWord {
			nf++
		}
	}
	for i, t := range toks {
		if t.class != classWord {
			continue
		}
		if nf == 0 {
			if i > 63 {
				return -1
			}
			return int8(i)
		}
		nf--
	}
	return -1
}
