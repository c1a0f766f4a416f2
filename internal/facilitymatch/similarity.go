package facilitymatch

import (
	"math"
	"math/bits"
	"slices"
)

// termSim is the weighted, forgiving Dice coefficient of two lists of
// terms: each term counts with its weight, and a term of one list that is
// one typing error away from a term of the other ("ourter" and "outer",
// "houseware" and "housewares") counts nearly as much as an equal one.
func termSim(a, b []term) float64 {
	sim, _ := termScores(a, b)
	return sim
}

// termScores returns termSim of a and b and how much of the shorter list
// the longer one holds (weighted and forgiving the same way: an address
// that is the other's with the province and country added covers it
// fully). Both weigh the same matches, and finding each term's best match
// in the other list is most of the cost of comparing two records.
func termScores(a, b []term) (sim, cover float64) {
	if len(a) > maxMatrix || len(b) > maxMatrix {
		return termScoresLong(a, b)
	}
	// Each pair of terms is compared once, for both directions: best[i]
	// is how well a[i] matches its best match in b, and best[len(a)+j]
	// the same for b[j] in a.
	var best [2 * maxMatrix]float64
	la := len(a)
	for i := range a {
		ai := &a[i]
		for j := range b {
			bi, bj := best[i], best[la+j]
			if bi == 1 && bj == 1 {
				continue
			}
			var m float64
			switch y := &b[j]; {
			case ai.hash == y.hash && ai.text == y.text:
				m = 1
			case (bi < typoCredit || bj < typoCredit) && typoApart(ai, y):
				m = typoCredit
			default:
				continue
			}
			best[i], best[la+j] = max(bi, m), max(bj, m)
		}
	}
	var wa, wb, ma, mb float64
	for i, t := range a {
		wa += t.weight
		ma += t.weight * best[i]
	}
	for j, t := range b {
		wb += t.weight
		mb += t.weight * best[len(a)+j]
	}
	if wa == 0 || wb == 0 {
		return 0, 0
	}
	return (ma + mb) / (wa + wb), max(ma/wa, mb/wb)
}

// maxMatrix is the longest list of terms termScores compares pair by
// pair in one table on the stack; longer lists (rare) go term by term.
const maxMatrix = 24

// termScoresLong is termScores for long lists of terms.
func termScoresLong(a, b []term) (sim, cover float64) {
	var wa, wb, ma, mb float64
	for _, t := range a {
		wa += t.weight
		ma += t.weight * bestMatch(t, b)
	}
	for _, t := range b {
		wb += t.weight
		mb += t.weight * bestMatch(t, a)
	}
	if wa == 0 || wb == 0 {
		return 0, 0
	}
	return (ma + mb) / (wa + wb), max(ma/wa, mb/wb)
}

// typoApart reports whether two terms are a typing error apart. The
// lengths and the sets of letters settle nearly every pair without
// reading the letters.
func typoApart(x, y *term) bool {
	lx, ly := len(x.text), len(y.text)
	return lx >= 4 && ly >= 4 && lx-ly <= 1 && ly-lx <= 1 &&
		bits.OnesCount32(x.letters^y.letters) <= 2 && oneEditApart(x.text, y.text)
}

// typoCredit is what a term one edit away from another counts for.
const typoCredit = 0.85

// bestMatch is how well w matches its best match in in: 1 for an equal
// term, typoCredit for one a typing error away, else 0. Terms are told
// apart by their hashes first, which settles nearly every pair without
// reading their letters.
func bestMatch(w term, in []term) float64 {
	best := 0.0
	lw := len(w.text)
	for _, t := range in {
		if t.hash == w.hash && t.text == w.text {
			return 1
		}
		if best < typoCredit && lw >= 4 && len(t.text) >= 4 && lw-len(t.text) <= 1 && len(t.text)-lw <= 1 &&
			bits.OnesCount32(w.letters^t.letters) <= 2 && oneEditApart(w.text, t.text) {
			best = typoCredit
		}
	}
	return best
}

// letterSet is the set of letters of s, one bit each (a-z; digits and
// anything else share the top six bits). One edit changes at most two
// members of a word's set of letters, and sharing a bit between several
// characters can only hide a difference, so two terms whose sets differ
// in more than two bits are not one edit apart.
func letterSet(s string) uint32 {
	var m uint32
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			m |= 1 << (c - 'a')
		} else {
			m |= 1 << (26 + c%6)
		}
	}
	return m
}

// termHash is FNV-1a over a term's text.
func termHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// oneEditApart reports whether a and b, both at least four letters long,
// differ by one insertion, deletion, substitution or swap of neighbours.
func oneEditApart(a, b string) bool {
	la, lb := len(a), len(b)
	if la < 4 || lb < 4 || la-lb > 1 || lb-la > 1 {
		return false
	}
	if la == lb {
		diff := -1
		for i := 0; i < la; i++ {
			if a[i] != b[i] {
				if diff >= 0 {
					// a swap of neighbours: ab / ba
					return diff == i-1 && a[diff] == b[i] && a[i] == b[diff] && a[i+1:] == b[i+1:]
				}
				diff = i
			}
		}
		return true
	}
	if la < lb {
		a, b = b, a
	}
	// a is one longer than b: skip one byte of a.
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	return a[i+1:] == b[i:]
}

// trigrams returns the sorted, distinct hashes of the letter trigrams of s,
// with its ends marked, for comparing names and addresses whose words are
// split or run together differently ("norteedificio", "farexmodatekstil").
func trigrams(s string) []uint32 {
	if s == "" {
		return nil
	}
	padded := make([]byte, 0, len(s)+2)
	padded = append(padded, '^')
	padded = append(padded, s...)
	padded = append(padded, '$')
	out := make([]uint32, 0, len(padded))
	for i := 0; i+3 <= len(padded); i++ {
		out = append(out, uint32(padded[i])<<16|uint32(padded[i+1])<<8|uint32(padded[i+2]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// shared counts the members two sorted sets have in common. Each step
// moves past the smaller of the two heads, or both when they are equal,
// computed rather than branched on: which one it is cannot be predicted,
// and a mispredicted branch at every step was most of the cost.
func shared(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		n += b2i(x == y)
		i += b2i(x <= y)
		j += b2i(y <= x)
	}
	return n
}

// b2i is 1 for true and 0 for false (the compiler makes it a flag move,
// not a branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// gramSimShared compares two sorted trigram sets of la and lb members
// sharing n: the mean of their Dice coefficient and their overlap
// coefficient (the shared share of the smaller), so that a name written
// with its letters spaced out, or with a qualifier added, stays close to
// the plain one.
func gramSimShared(n, la, lb int) float64 {
	if la == 0 || lb == 0 {
		return 0
	}
	d := diceShared(n, la, lb)
	sh := d * float64(la+lb) / 2
	return (d + sh/float64(min(la, lb))) / 2
}

// diceShared is the Dice coefficient of two sets of la and lb members
// sharing n.
func diceShared(n, la, lb int) float64 {
	if la == 0 || lb == 0 {
		return 0
	}
	return 2 * float64(n) / float64(la+lb)
}

// overlap is the share of the smaller list found in the other; ok is false
// when either is empty.
func overlap(a, b []string) (share float64, shared []string, ok bool) {
	if len(a) == 0 || len(b) == 0 {
		return 0, nil, false
	}
	for _, x := range a {
		if containsStr(b, x) && !containsStr(shared, x) {
			shared = append(shared, x)
		}
	}
	return float64(len(shared)) / float64(min(len(a), len(b))), shared, true
}

// distanceKm is the great-circle distance between two points (haversine,
// on a sphere of the Earth's mean radius).
func distanceKm(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371.0088
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp := p2 - p1
	dl := (lng2 - lng1) * math.Pi / 180
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// geohash encodes a point as a geohash of the given precision (characters).
func geohash(lat, lng float64, precision int) string {
	const alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"
	latLo, latHi, lngLo, lngHi := -90.0, 90.0, -180.0, 180.0
	out := make([]byte, 0, precision)
	bit, ch, even := 0, 0, true
	for len(out) < precision {
		if even {
			mid := (lngLo + lngHi) / 2
			if lng >= mid {
				ch |= 1 << (4 - bit)
				lngLo = mid
			} else {
				lngHi = mid
			}
		} else {
			mid := (latLo + latHi) / 2
			if lat >= mid {
				ch |= 1 << (4 - bit)
				latLo = mid
			} else {
				latHi = mid
			}
		}
		even = !even
		if bit < 4 {
			bit++
		} else {
			out = append(out, alphabet[ch])
			bit, ch = 0, 0
		}
	}
	return string(out)
}
