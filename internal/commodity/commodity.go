package commodity

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Commodity is a canonical commodity. ID is a stable lower-case slug
// ("cocoa", "palm-oil"); EUDR is the EU Deforestation Regulation commodity it
// falls under ("cocoa", "oil_palm", ...) or "" when it is outside the
// Regulation.
type Commodity struct {
	ID, Name string
	EUDR     string // EUDR commodity id or ""
}

// maxName bounds how much of a raw name is kept for an unknown commodity, so
// an id derived from it stays usable as a key. Longer names are not dropped:
// their id ends in a short hash of the whole name so distinct names stay
// distinct.
const maxName = 120

// qualifiers are words that describe the form or trade terms of a product
// rather than what it is; they are tried away when a name does not match.
var qualifiers = map[string]bool{
	"raw": true, "organic": true, "fresh": true, "frozen": true, "dried": true, "dry": true,
	"crude": true, "refined": true, "certified": true, "conventional": true, "bulk": true,
	"processed": true, "unprocessed": true, "natural": true, "sustainable": true, "fairtrade": true,
	"fair": true, "trade": true, "rainforest": true, "alliance": true, "premium": true,
	"grade": true, "a": true, "b": true, "other": true, "misc": true, "mixed": true, "and": true,
	"products": true, "product": true, "goods": true, "all": true, "of": true, "based": true,
	"derivatives": true, "downstream": true, "peeled": true, "whole": true, "loose": true,
}

type index struct {
	list []Commodity
	byID map[string]int
	keys map[string]int // folded name -> index in list
}

var loadIndex = sync.OnceValue(func() *index {
	ix := &index{byID: map[string]int{}, keys: map[string]int{}}
	for _, e := range entries {
		i := len(ix.list)
		ix.list = append(ix.list, Commodity{ID: e.id, Name: e.name, EUDR: e.eudr})
		if _, dup := ix.byID[e.id]; dup {
			panic("commodity: duplicate id " + e.id)
		}
		ix.byID[e.id] = i
	}
	// Exact keys first, then singular forms where they are still free, so
	// "Peppers" (the vegetable) and "Pepper" (the spice) both keep their
	// own meaning.
	claim := func(k string, i int) {
		if k == "" {
			return
		}
		if j, taken := ix.keys[k]; taken && j != i {
			return
		}
		ix.keys[k] = i
	}
	for i, e := range entries {
		claim(fold(strings.ReplaceAll(e.id, "-", " ")), i)
		claim(fold(e.name), i)
		for _, k := range e.keys {
			claim(fold(k), i)
		}
	}
	for i, e := range entries {
		for _, k := range append([]string{e.name}, e.keys...) {
			claim(singular(fold(k)), i)
		}
	}
	return ix
})

// Normalise maps a raw commodity name to its canonical commodity, ignoring
// case, accents, punctuation, plurals and qualifiers such as "raw" or
// "organic". An unknown name is kept: the result carries an ID derived from
// the cleaned name and known is false. An empty or blank name gives the zero
// Commodity and false.
func Normalise(raw string) (c Commodity, known bool) {
	ix := loadIndex()
	key := fold(raw)
	if strings.Trim(key, "() ") == "" {
		return Commodity{}, false
	}
	// A name that lists several goods ("Cotton, Tomatoes and Downstream
	// Products") is not guessed from its last word: it should have been
	// split on ';', and naming one of the goods would hide the others.
	list := strings.ContainsAny(raw, ",/&") || strings.Contains(" "+key+" ", " and ")
	if i, ok := ix.find(key, !list); ok {
		return ix.list[i], true
	}
	return unknown(raw, key), false
}

func (ix *index) find(key string, guess bool) (int, bool) {
	try := func(k string) (int, bool) {
		if k == "" {
			return 0, false
		}
		if i, ok := ix.keys[k]; ok {
			return i, true
		}
		i, ok := ix.keys[singular(k)]
		return i, ok
	}
	if i, ok := try(key); ok {
		return i, true
	}
	// Without a parenthesised remark: "cocoa (grade 1)".
	if open := strings.IndexByte(key, '('); open >= 0 {
		if i, ok := try(strings.TrimSpace(key[:open])); ok {
			return i, true
		}
	}
	words := strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(key))
	var kept []string
	for _, w := range words {
		if !qualifiers[w] && (len(kept) == 0 || kept[len(kept)-1] != w) && !slices.Contains(kept, w) {
			kept = append(kept, w)
		}
	}
	if len(kept) > 0 && len(kept) < len(words) {
		if i, ok := try(strings.Join(kept, " ")); ok {
			return i, true
		}
	}
	// The last word of a product name is usually what it is made of or
	// what it is ("peeled garlic", "automobile tires", "leather shoes").
	if guess && len(kept) > 1 {
		if i, ok := try(kept[len(kept)-1]); ok {
			return i, true
		}
	}
	return 0, false
}

// unknown builds the kept-but-flagged commodity for a name not in the list.
func unknown(raw, key string) Commodity {
	name := strings.Join(strings.Fields(strings.ToValidUTF8(raw, "\uFFFD")), " ")
	slug := strings.Join(strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(key)), "-")
	if len(slug) > maxName {
		cut := maxName
		for cut > 0 && !utf8.RuneStart(slug[cut]) {
			cut-- // never cut a character in two
		}
		slug = fmt.Sprintf("%s-%08x", strings.TrimRight(slug[:cut], "-"), fnv32(key))
	}
	return Commodity{ID: slug, Name: name}
}

func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// ByID returns the known commodity with the given id.
func ByID(id string) (Commodity, bool) {
	ix := loadIndex()
	i, ok := ix.byID[id]
	if !ok {
		return Commodity{}, false
	}
	return ix.list[i], true
}

// All returns every known commodity, sorted by id. The slice is a copy.
func All() []Commodity {
	out := append([]Commodity(nil), loadIndex().list...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Split cuts a ';'-separated list of commodity names into trimmed,
// non-empty names, in order. Duplicates are kept; callers normalise and
// de-duplicate by id.
func Split(raw string) []string {
	var out []string
	for _, part := range strings.Split(raw, ";") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ForSector returns the commodities that facilities of a sector typically
// produce or handle, for lists such as Open Supply Hub's that name a sector
// but no product. Several sectors may be given separated by '|' or ';'
// ("Apparel|Health"); the result is their union in a stable order, without
// duplicates. An unknown sector gives nil.
func ForSector(sector string) []Commodity {
	ix := loadIndex()
	var out []Commodity
	seen := map[string]bool{}
	for _, s := range strings.FieldsFunc(sector, func(r rune) bool { return r == '|' || r == ';' }) {
		k := fold(s)
		ids, ok := sectors[k]
		if !ok {
			ids = sectors[singular(k)]
		}
		if ids == nil {
			// A sector named after a good ("Cocoa") stands for that good.
			if i, ok := ix.find(k, false); ok {
				ids = []string{ix.list[i].ID}
			}
		}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			out = append(out, ix.list[ix.byID[id]])
		}
	}
	return out
}

// fold reduces s to lower-case letters and digits separated by single
// spaces: accents removed, apostrophes dropped, "&" read as "and", other
// punctuation a space. Parentheses are kept so a remark can be told apart.
func fold(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true
	put := func(r rune) {
		b.WriteRune(r)
		space = false
	}
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '\u2019', r == '`':
		case r == '&':
			if !space {
				b.WriteByte(' ')
			}
			b.WriteString("and ")
			space = true
		case r == '(' || r == ')':
			if !space {
				b.WriteByte(' ')
			}
			put(r)
			b.WriteByte(' ')
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			put(unicode.ToLower(r))
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	out := strings.TrimSpace(b.String())
	// Normalise the spacing around parentheses so "x ( y )" reads "x (y)".
	out = strings.ReplaceAll(strings.ReplaceAll(out, "( ", "("), " )", ")")
	if out == "()" {
		return ""
	}
	return strings.Join(strings.Fields(out), " ")
}

// singular turns the last word of a folded name into its singular form by
// the common English rules; it is only a matching aid, never shown.
func singular(k string) string {
	i := strings.LastIndexByte(k, ' ')
	head, w := k[:i+1], k[i+1:]
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		w = w[:len(w)-3] + "y"
	case len(w) > 4 && (strings.HasSuffix(w, "oes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes")):
		w = w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		w = w[:len(w)-1]
	}
	return head + w
}
