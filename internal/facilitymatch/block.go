package facilitymatch

import (
	"cmp"
	"slices"
)

// Blocking proposes the pairs worth scoring. Every record gets a few
// keys; records sharing a key form a block and only pairs within a block
// are scored. The keys are:
//   - country and each of the record's two rarest name words (a duplicate
//     shares most words, so it shares a rare one);
//   - country and each of its two rarest address words;
//   - the whole normalised name, in any country (lists confuse countries);
//   - the geohash cell (about 1.2 km by 0.6 km) of trusted coordinates;
//   - the OS ID, GLN and LEI.
//
// A block larger than maxBlock is not compared all with all: its records
// are sorted by name and each is compared with its window neighbours, so
// the work stays linear in the number of records.
const (
	maxBlock       = 48
	window         = 8
	rareNameKeys   = 2
	rareAddrKeys   = 2
	geohashLength  = 6
	keyName        = 'n'
	keyAddress     = 'a'
	keyFullName    = 'f'
	keyGeohash     = 'g'
	keyIdentifier  = 'i'
	minKeyWordSize = 3
)

// posting is one record's membership of one block.
type posting struct {
	key uint64
	rec int32
}

// hashKey is FNV-1a over a kind, a country and a word.
func hashKey(kind byte, country, word string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	h = (h ^ uint64(kind)) * prime
	for i := 0; i < len(country); i++ {
		h = (h ^ uint64(country[i])) * prime
	}
	h = (h ^ 0xff) * prime
	for i := 0; i < len(word); i++ {
		h = (h ^ uint64(word[i])) * prime
	}
	return h
}

// candidates returns the distinct pairs (a<<32 | b, a < b, b >= newFrom)
// that share a block, sorted.
func candidates(prep []prepared, newFrom int32) []uint64 {
	df := map[uint64]int32{}
	for i := range prep {
		p := &prep[i]
		for _, t := range p.name.terms {
			df[hashKey(keyName, p.country, t.text)]++
		}
		for _, t := range p.addr.terms {
			df[hashKey(keyAddress, p.country, t.text)]++
		}
	}
	posts := make([]posting, 0, len(prep)*6)
	var scratch []rated
	for i := range prep {
		p := &prep[i]
		rec := int32(i)
		scratch = rarest(scratch[:0], keyName, p.country, p.name.terms, df, rareNameKeys)
		for _, r := range scratch {
			posts = append(posts, posting{r.key, rec})
		}
		scratch = rarest(scratch[:0], keyAddress, p.country, p.addr.terms, df, rareAddrKeys)
		for _, r := range scratch {
			posts = append(posts, posting{r.key, rec})
		}
		if p.name.key != "" {
			posts = append(posts, posting{hashKey(keyFullName, "", p.name.key), rec})
		}
		if p.coord {
			posts = append(posts, posting{hashKey(keyGeohash, "", geohash(p.lat, p.lng, geohashLength)), rec})
		}
		for _, id := range [...]struct{ kind, v string }{{"os", p.osid}, {"gln", p.gln}, {"lei", p.lei}} {
			if id.v != "" {
				posts = append(posts, posting{hashKey(keyIdentifier, id.kind, id.v), rec})
			}
		}
	}
	slices.SortFunc(posts, func(x, y posting) int {
		if c := cmp.Compare(x.key, y.key); c != 0 {
			return c
		}
		return cmp.Compare(x.rec, y.rec)
	})
	var pairs []uint64
	emit := func(a, b int32) {
		if a > b {
			a, b = b, a
		}
		if a != b && b >= newFrom {
			pairs = append(pairs, uint64(a)<<32|uint64(b))
		}
	}
	var members []int32
	for lo := 0; lo < len(posts); {
		hi := lo + 1
		for hi < len(posts) && posts[hi].key == posts[lo].key {
			hi++
		}
		if hi-lo > 1 {
			members = members[:0]
			for _, p := range posts[lo:hi] {
				members = append(members, p.rec)
			}
			members = slices.Compact(members)
			if len(members) <= maxBlock {
				for x := 0; x < len(members); x++ {
					for y := x + 1; y < len(members); y++ {
						emit(members[x], members[y])
					}
				}
			} else {
				slices.SortFunc(members, func(x, y int32) int {
					return cmp.Or(cmp.Compare(prep[x].name.compact, prep[y].name.compact), cmp.Compare(x, y))
				})
				for x := 0; x < len(members); x++ {
					for y := x + 1; y < len(members) && y <= x+window; y++ {
						emit(members[x], members[y])
					}
				}
			}
		}
		lo = hi
	}
	slices.Sort(pairs)
	return slices.Compact(pairs)
}

type rated struct {
	key uint64
	df  int32
	n   int
}

// rarest appends the keys of the n rarest distinctive words of terms (the
// generic ones only when there is nothing else).
func rarest(out []rated, kind byte, country string, terms []term, df map[uint64]int32, n int) []rated {
	pick := func(generic bool) {
		for _, t := range terms {
			if len(t.text) < minKeyWordSize || (t.weight < weightWord) != generic {
				continue
			}
			k := hashKey(kind, country, t.text)
			if df[k] < 2 {
				continue // no other record has it: it would make a block of one
			}
			if slices.ContainsFunc(out, func(r rated) bool { return r.key == k }) {
				continue
			}
			out = append(out, rated{k, df[k], len(t.text)})
		}
	}
	pick(false)
	if len(out) == 0 {
		pick(true)
	}
	slices.SortFunc(out, func(x, y rated) int {
		return cmp.Or(cmp.Compare(x.df, y.df), cmp.Compare(y.n, x.n), cmp.Compare(x.key, y.key))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
