package facilitymatch

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Blocking proposes the pairs worth scoring. Every record gets a few
// keys; records sharing a key form a block and only pairs within a block
// are scored. The keys are:
//   - country and each of the record's two rarest name words (a duplicate
//     shares most words, so it shares a rare one);
//   - country and each of its two rarest address words;
//   - country, the address's first house number and the first three
//     letters of its first distinctive word (the door: "1624 W 19th St"
//     and "1624 W. 19th Street", "2020 W Roosevelt" and "2020 W.
//     Roosevlet", whose words alone make no rare key in common);
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
	keyDoor        = 'd'
	doorPrefix     = 3
	minKeyWordSize = 3
	// maxKeys is the most keys a record gets: its rare name and address
	// words, its door, its whole name, its geohash cell and three
	// identifiers.
	maxKeys = rareNameKeys + rareAddrKeys + 1 + 1 + 1 + 3
)

// The work of blocking is split by key into shards, each held by one
// worker at a time: a block lies wholly in one shard, so the shards are
// sorted, cut into blocks and scored in parallel with nothing shared but
// the records. shardBits fixes their number, and with it the order of
// the work, whatever the number of processors.
const (
	shardBits = 8
	shards    = 1 << shardBits
)

func shardOf(key uint64) int { return int(key >> (64 - shardBits)) }

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

// blocks is the outcome of blocking: each record's keys and, shard by
// shard, the postings of every key cut into blocks.
type blocks struct {
	prep []prepared
	// keys[i*maxKeys:][:nkeys[i]] are record i's keys, ascending and
	// distinct; rank holds, slot for slot, the record's place in the
	// name order of its block when that block is larger than maxBlock
	// (its window neighbours are the records within window places), and
	// -1 in a smaller block, where every pair is compared.
	keys  []uint64
	nkeys []uint8
	rank  []int32
	// shard[s] holds the postings of the keys of shard s, ordered by key
	// and then by record, except that the records of a block larger than
	// maxBlock are in name order.
	shard [shards][]posting
}

// block works out the keys of every record and cuts the records into
// blocks, on every processor.
func block(ctx context.Context, prep []prepared) (*blocks, error) {
	n := len(prep)
	// The frequency of each word key over the batch (every occurrence
	// counts), read by each record to choose its rarest words.
	termOff := make([]int32, n+1)
	for i := range prep {
		termOff[i+1] = termOff[i] + int32(len(prep[i].name.terms)+len(prep[i].addr.terms))
	}
	termKeys := make([]uint64, termOff[n])
	if err := parallel(ctx, n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p := &prep[i]
			k := termKeys[termOff[i]:termOff[i+1]]
			for j, t := range p.name.terms {
				k[j] = hashKey(keyName, p.country, t.text)
			}
			for j, t := range p.addr.terms {
				k[len(p.name.terms)+j] = hashKey(keyAddress, p.country, t.text)
			}
		}
	}); err != nil {
		return nil, err
	}
	df, err := frequencies(ctx, termKeys)
	if err != nil {
		return nil, err
	}

	b := &blocks{prep: prep, keys: make([]uint64, n*maxKeys), nkeys: make([]uint8, n), rank: make([]int32, n*maxKeys)}
	if err := parallel(ctx, n, func(lo, hi int) {
		var scratch []rated
		for i := lo; i < hi; i++ {
			p := &prep[i]
			tk, tdf := termKeys[termOff[i]:termOff[i+1]], df[termOff[i]:termOff[i+1]]
			nn := len(p.name.terms)
			own := b.keys[i*maxKeys : i*maxKeys : (i+1)*maxKeys]
			scratch = rarest(scratch[:0], p.name.terms, tk[:nn], tdf[:nn], rareNameKeys)
			for _, r := range scratch {
				own = append(own, r.key)
			}
			scratch = rarest(scratch[:0], p.addr.terms, tk[nn:], tdf[nn:], rareAddrKeys)
			for _, r := range scratch {
				own = append(own, r.key)
			}
			if door, ok := p.addr.door(); ok {
				own = append(own, hashKey(keyDoor, p.country, door))
			}
			if p.name.key != "" {
				own = append(own, hashKey(keyFullName, "", p.name.key))
			}
			if p.coord {
				own = append(own, hashKey(keyGeohash, "", geohash(p.lat, p.lng, geohashLength)))
			}
			for _, id := range [...]struct{ kind, v string }{{"os", p.osid}, {"gln", p.gln}, {"lei", p.lei}} {
				if id.v != "" {
					own = append(own, hashKey(keyIdentifier, id.kind, id.v))
				}
			}
			slices.Sort(own)
			own = slices.Compact(own)
			b.nkeys[i] = uint8(len(own))
			for j := range maxKeys {
				b.rank[i*maxKeys+j] = -1
			}
		}
	}); err != nil {
		return nil, err
	}

	// Postings, partitioned by shard: each worker counts and then places
	// the postings of one run of records.
	parts := partitionRuns(n)
	count := make([][shards]int, len(parts))
	var wg sync.WaitGroup
	for w, r := range parts {
		wg.Go(func() {
			for i := r[0]; i < r[1]; i++ {
				for _, k := range b.keysOf(int32(i)) {
					count[w][shardOf(k)]++
				}
			}
		})
	}
	wg.Wait()
	at := make([][shards]int, len(parts))
	for s := range shards {
		total := 0
		for w := range parts {
			at[w][s] = total
			total += count[w][s]
		}
		b.shard[s] = make([]posting, total)
	}
	for w, r := range parts {
		wg.Go(func() {
			for i := r[0]; i < r[1]; i++ {
				for _, k := range b.keysOf(int32(i)) {
					s := shardOf(k)
					b.shard[s][at[w][s]] = posting{k, int32(i)}
					at[w][s]++
				}
			}
		})
	}
	wg.Wait()

	// Each shard in key order; a large block in name order, each of its
	// records told its place.
	err = eachShard(ctx, func(s int) {
		posts := b.shard[s]
		slices.SortFunc(posts, func(x, y posting) int {
			return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.rec, y.rec))
		})
		for lo := 0; lo < len(posts); {
			hi := blockEnd(posts, lo)
			if hi-lo > maxBlock {
				members := posts[lo:hi]
				slices.SortFunc(members, func(x, y posting) int {
					return cmp.Or(strings.Compare(prep[x.rec].name.compact, prep[y.rec].name.compact), cmp.Compare(x.rec, y.rec))
				})
				for r, m := range members {
					b.rank[b.slot(m.rec, m.key)] = int32(r)
				}
			}
			lo = hi
		}
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// keysOf returns record i's keys.
func (b *blocks) keysOf(i int32) []uint64 {
	return b.keys[int(i)*maxKeys:][:b.nkeys[i]]
}

// slot returns the index in keys and rank of record i's key k.
func (b *blocks) slot(i int32, k uint64) int {
	own := b.keysOf(i)
	j, _ := slices.BinarySearch(own, k)
	return int(i)*maxKeys + j
}

// blockEnd returns the end of the block that starts at posts[lo].
func blockEnd(posts []posting, lo int) int {
	hi := lo + 1
	for hi < len(posts) && posts[hi].key == posts[lo].key {
		hi++
	}
	return hi
}

// candidates calls f with each candidate pair (a < b, b >= newFrom) of
// shard s once: a pair sharing several blocks is proposed by the block of
// the smallest key in which it is compared, so that no list of every
// pair need be gathered and sorted to drop repeats.
func (b *blocks) candidates(s int, newFrom int32, f func(a, b int32)) {
	posts := b.shard[s]
	for lo := 0; lo < len(posts); {
		hi := blockEnd(posts, lo)
		key := posts[lo].key
		big := hi-lo > maxBlock
		for x := lo; x < hi; x++ {
			end := hi
			if big {
				end = min(hi, x+window+1)
			}
			for y := x + 1; y < end; y++ {
				ra, rb := posts[x].rec, posts[y].rec
				if ra > rb {
					ra, rb = rb, ra
				}
				if rb < newFrom || b.comparedBefore(ra, rb, key) {
					continue
				}
				f(ra, rb)
			}
		}
		lo = hi
	}
}

// comparedBefore reports whether records a and b share a key smaller than
// key whose block compares them: any block of at most maxBlock records,
// or a larger one in which they are within window places of each other.
func (b *blocks) comparedBefore(a, c int32, key uint64) bool {
	ka, kc := b.keysOf(a), b.keysOf(c)
	for i, j := 0, 0; i < len(ka) && j < len(kc) && ka[i] < key && kc[j] < key; {
		switch {
		case ka[i] < kc[j]:
			i++
		case ka[i] > kc[j]:
			j++
		default:
			ra, rc := b.rank[int(a)*maxKeys+i], b.rank[int(c)*maxKeys+j]
			if ra < 0 || abs32(ra-rc) <= window {
				return true
			}
			i++
			j++
		}
	}
	return false
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// partitionRuns cuts [0,n) into one run of records per processor.
func partitionRuns(n int) [][2]int {
	w := workers()
	var out [][2]int
	for i := range w {
		lo, hi := n*i/w, n*(i+1)/w
		if hi > lo {
			out = append(out, [2]int{lo, hi})
		}
	}
	return out
}

// eachShard runs f for every shard on every processor, checking ctx
// between shards.
func eachShard(ctx context.Context, f func(s int)) error {
	var next atomic.Int32
	var wg sync.WaitGroup
	for range workers() {
		wg.Go(func() {
			for ctx.Err() == nil {
				s := int(next.Add(1) - 1)
				if s >= shards {
					return
				}
				f(s)
			}
		})
	}
	wg.Wait()
	return cancelled(ctx)
}

// frequencies returns, for each of keys, how many times it occurs in
// keys. The keys are partitioned by shard and each shard counted on its
// own, in parallel.
func frequencies(ctx context.Context, keys []uint64) ([]int32, error) {
	parts := partitionRuns(len(keys))
	count := make([][shards]int, len(parts))
	var wg sync.WaitGroup
	for w, r := range parts {
		wg.Go(func() {
			for _, k := range keys[r[0]:r[1]] {
				count[w][shardOf(k)]++
			}
		})
	}
	wg.Wait()
	// byShard holds the positions of keys, grouped by shard.
	var start [shards + 1]int
	at := make([][shards]int, len(parts))
	for s := range shards {
		start[s+1] = start[s]
		for w := range parts {
			at[w][s] = start[s+1]
			start[s+1] += count[w][s]
		}
	}
	byShard := make([]int32, len(keys))
	for w, r := range parts {
		wg.Go(func() {
			for i := r[0]; i < r[1]; i++ {
				s := shardOf(keys[i])
				byShard[at[w][s]] = int32(i)
				at[w][s]++
			}
		})
	}
	wg.Wait()
	df := make([]int32, len(keys))
	err := eachShard(ctx, func(s int) {
		pos := byShard[start[s]:start[s+1]]
		n := make(map[uint64]int32, len(pos)/2)
		for _, i := range pos {
			n[keys[i]]++
		}
		for _, i := range pos {
			df[i] = n[keys[i]]
		}
	})
	return df, err
}

type rated struct {
	key uint64
	df  int32
	n   int
}

// rarest appends the keys of the n rarest distinctive words of terms (the
// generic ones only when there is nothing else); keys and df are the
// terms' keys and their frequencies in the batch.
func rarest(out []rated, terms []term, keys []uint64, df []int32, n int) []rated {
	pick := func(generic bool) {
		for j, t := range terms {
			if len(t.text) < minKeyWordSize || (t.weight < weightWord) != generic {
				continue
			}
			k := keys[j]
			if df[j] < 2 {
				continue // no other record has it: it would make a block of one
			}
			if slices.ContainsFunc(out, func(r rated) bool { return r.key == k }) {
				continue
			}
			out = append(out, rated{k, df[j], len(t.text)})
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

// door is the address's first house number and the first letters of its
// first distinctive word, the street's name mostly; ok is false for an
// address without a house number.
func (a *addressParts) door() (string, bool) {
	if len(a.numbers) == 0 {
		return "", false
	}
	for _, t := range a.terms {
		if t.weight >= weightWord {
			return a.numbers[0] + " " + t.text[:min(len(t.text), doorPrefix)], true
		}
	}
	return a.numbers[0] + " ", true
}
