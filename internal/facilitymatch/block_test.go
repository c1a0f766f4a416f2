package facilitymatch

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// Blocking proposes every pair that shares a block (all pairs of a block
// of at most maxBlock records, window neighbours in name order in a
// larger one) exactly once, whichever shard and block it is found in:
// the same pairs as gathering every block's pairs into one list and
// dropping repeats.
func TestBlockingProposesEachPairOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 400).Draw(t, "records")
		names := []string{"Alpha", "Beta", "Gamma", "Delta", "Orient", "Knit", "Star", "Lucky"}
		streets := []string{"Jalan Kluang", "Tongi Road", "Main St", "Carretera Norte"}
		recs := make([]Record, n)
		for i := range recs {
			r := Record{
				Name:    names[rapid.IntRange(0, len(names)-1).Draw(t, "a")] + " " + names[rapid.IntRange(0, len(names)-1).Draw(t, "b")] + " Garments",
				Address: fmt.Sprintf("%d %s", rapid.IntRange(1, 6).Draw(t, "number"), streets[rapid.IntRange(0, len(streets)-1).Draw(t, "street")]),
				Country: rapid.SampledFrom([]string{"BD", "VN"}).Draw(t, "country"),
			}
			// Points in one geohash cell make blocks larger than
			// maxBlock, compared by window.
			if rapid.Bool().Draw(t, "coord") {
				r.Lat, r.Lng, r.HasCoord = 23.8+float64(rapid.IntRange(0, 999).Draw(t, "lat"))*1e-6, 90.4+float64(i)*1e-6, true
			}
			recs[i] = r
		}
		newFrom := int32(rapid.IntRange(0, n).Draw(t, "newFrom"))
		prep := make([]prepared, n)
		for i, r := range recs {
			prep[i] = prepare(r)
		}
		distrustSharedCoords(prep)
		b, err := block(context.Background(), prep)
		if err != nil {
			t.Fatal(err)
		}

		var got []uint64
		for s := range shards {
			b.candidates(s, newFrom, func(x, y int32) { got = append(got, uint64(x)<<32|uint64(y)) })
		}
		slices.Sort(got)
		if i := firstRepeat(got); i >= 0 {
			t.Fatalf("pair %d-%d proposed more than once", got[i]>>32, uint32(got[i]))
		}

		// Every block's pairs, gathered and deduplicated.
		members := map[uint64][]int32{}
		for i := range prep {
			for _, k := range b.keysOf(int32(i)) {
				members[k] = append(members[k], int32(i))
			}
		}
		var want []uint64
		for _, ms := range members {
			limit := len(ms)
			if len(ms) > maxBlock {
				slices.SortFunc(ms, func(x, y int32) int {
					return cmp.Or(strings.Compare(prep[x].name.compact, prep[y].name.compact), cmp.Compare(x, y))
				})
				limit = window
			}
			for x := range ms {
				for y := x + 1; y < len(ms) && y-x <= limit; y++ {
					a, c := min(ms[x], ms[y]), max(ms[x], ms[y])
					if c >= newFrom {
						want = append(want, uint64(a)<<32|uint64(c))
					}
				}
			}
		}
		slices.Sort(want)
		want = slices.Compact(want)
		if !slices.Equal(got, want) {
			t.Fatalf("blocking proposed %d pairs, the blocks hold %d", len(got), len(want))
		}
	})
}

func firstRepeat(sorted []uint64) int {
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return i
		}
	}
	return -1
}
