package screening

import (
	_ "embed"
	"encoding/csv"
	"strings"
	"sync"
)

// The legal forms of every jurisdiction come from the ISO 20275 Entity
// Legal Forms code list (GLEIF; see data/SOURCES.md): each active form's
// local and transliterated names, with its abbreviations.

//go:embed data/gleif_elf_2026-02-19.csv
var elfCSV string

// legalTable is the legal-form knowledge the normaliser uses: the forms
// written out (as words) with their abbreviation, and the abbreviations.
type legalTable struct {
	phrases [][2][]string    // words of a form written out -> its abbreviation
	start   map[string][]int // phrases by first word
	forms   map[string]bool  // abbreviations and canonical legal-form tokens
}

// rawWords folds and splits text as normaliseName does, with the word
// canonicalisations but without legal phrases (which this table defines).
func rawWords(s string) []string {
	ws := splitWords(foldScript(s))
	for i, w := range ws {
		if c, ok := wordForms[w]; ok {
			ws[i] = c
		}
	}
	return ws
}

// abbreviationLike reports whether an abbreviation from the list is one
// (dotted, or with two capitals, and short), not an ordinary word some
// jurisdictions list as their abbreviation ("Cooperative", "Canton").
func abbreviationLike(a string, folded []string) bool {
	if len(folded) == 0 {
		return false
	}
	joined := strings.Join(folded, "")
	if len(joined) < 2 || len(joined) > 7 || !isLetters(joined) {
		return false
	}
	if ordinaryWords[joined] || stopWords[joined] {
		return false
	}
	// Short undotted capitals ("LI", "AN") are syllables of names as
	// often as forms: only the project's own short forms and dotted ones
	// ("e.V.", "d.d.") count.
	if len(joined) <= 3 && !legalForms[joined] && !strings.Contains(a, ".") {
		return false
	}
	upper := 0
	for _, r := range a {
		if r >= 'A' && r <= 'Z' {
			upper++
		}
	}
	return strings.Contains(a, ".") || upper >= 2 || (len(joined) <= 4 && a[0] >= 'A' && a[0] <= 'Z')
}

// ordinaryWords are words some jurisdictions give as abbreviations that
// names use as ordinary words ("Société Générale", "Multi Trading").
var ordinaryWords = map[string]bool{"multi": true, "societe": true, "assoc": true, "canton": true, "bank": true, "trust": true, "union": true, "group": true}

// legalTableOf builds the table once, on first use.
var legalTableOf = sync.OnceValue(func() *legalTable {
	lt := &legalTable{start: map[string][]int{}, forms: map[string]bool{}}
	for k := range legalForms {
		lt.forms[k] = true
	}
	// The project's own phrases come first so that they win.
	lt.phrases = append(lt.phrases, legalPhrases...)
	seen := map[string]bool{}
	for _, ph := range legalPhrases {
		seen[strings.Join(ph[0], " ")] = true
	}
	r := csv.NewReader(strings.NewReader(elfCSV))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil || len(recs) < 2 {
		// The file is embedded and checked by a test: this cannot happen
		// in a built binary.
		panic("screening: embedded ELF code list unreadable")
	}
	h := header(recs[0])
	local, translit := h.col("entity legal form name local name"), h.col("entity legal form name transliterated name (per iso 01-140-10)")
	abbrLocal, abbrTranslit := h.col("abbreviations local language"), h.col("abbreviations transliterated")
	status := h.col("elf status actv/inac")
	addPhrase := func(from, to []string) {
		key := strings.Join(from, " ")
		if len(from) == 0 || seen[key] || (len(from) == 1 && from[0] == to[0]) {
			return
		}
		// A single word is replaced only when it is long: short words
		// written out are ordinary words as often as forms.
		if len(from) == 1 && len(from[0]) < 8 {
			return
		}
		// Words that are legal forms already ("co ltd") stay as they are.
		all := true
		for _, w := range from {
			all = all && legalForms[w]
		}
		if all {
			return
		}
		seen[key] = true
		lt.phrases = append(lt.phrases, [2][]string{from, to})
	}
	for _, rec := range recs[1:] {
		if field(rec, status) != "ACTV" {
			continue
		}
		var canon string
		var abbrs [][]string
		for _, col := range []int{abbrLocal, abbrTranslit} {
			for _, a := range strings.Split(field(rec, col), ";") {
				a = strings.TrimSpace(a)
				f := rawWords(a)
				if !abbreviationLike(a, f) {
					continue
				}
				if canon == "" {
					canon = strings.Join(f, "")
				}
				abbrs = append(abbrs, f)
			}
		}
		if canon == "" {
			continue
		}
		lt.forms[canon] = true
		for _, f := range abbrs {
			if len(f) > 1 {
				addPhrase(f, []string{canon})
			} else if !stopWords[f[0]] {
				lt.forms[f[0]] = true
			}
		}
		for _, col := range []int{local, translit} {
			if n := field(rec, col); n != "" {
				addPhrase(rawWords(n), []string{canon})
			}
		}
	}
	for i, ph := range lt.phrases {
		lt.start[ph[0][0]] = append(lt.start[ph[0][0]], i)
	}
	return lt
})
