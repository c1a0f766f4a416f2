package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// runGen writes synthetic data for benchmarks and demonstrations.
func runGen(ctx context.Context, env *Env, args []string) error {
	const usage = "gen supplychain --parties N --links M [--seed S] --out FILE"
	kind := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		kind, args = args[0], args[1:]
	}
	fs := newFlagSet(env, "gen", usage)
	parties := fs.Int("parties", 1000, "number of parties (rows)")
	links := fs.Int("links", 3000, "number of supply links; at least --parties")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same file")
	out := fs.String("out", "", "output file ('-' for standard output)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if kind == "" && fs.NArg() > 0 {
		kind = fs.Arg(0)
	}
	switch {
	case kind != "supplychain":
		return usageError("what to generate: only 'supplychain' is supported; usage: upstream %s", usage)
	case *parties < 1:
		return usageError("--parties must be at least 1")
	case *links < *parties:
		return usageError("--links (%d) must be at least --parties (%d): every party supplies someone", *links, *parties)
	case *links > *parties*maxBuyersPerParty:
		return usageError("--links (%d) is more than %d per party", *links, maxBuyersPerParty)
	case *out == "":
		return usageError("--out FILE is required ('-' for standard output)")
	}
	w := env.Stdout
	var f *os.File
	if *out != "-" {
		var err error
		f, err = os.Create(*out)
		if err != nil {
			return kernel.Wrap(kernel.Internal, err, "cannot create %s", *out)
		}
		defer f.Close()
		w = f
	}
	if err := GenSupplyChain(ctx, w, *parties, *links, *seed); err != nil {
		return err
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return kernel.Wrap(kernel.Internal, err, "cannot write %s", *out)
		}
		fmt.Fprintf(env.Stderr, "wrote %d parties and %d links to %s\n", *parties, *links, *out)
	}
	return nil
}

// maxBuyersPerParty bounds the buyer list of one row.
const maxBuyersPerParty = 50

// origin is a country and what it typically supplies, with a rough centre for
// coordinates. The pairs follow goods on the US DOL ILAB List of Goods
// (2022 edition) and the EUDR commodities, so generated chains exercise the
// risk reference data; the weights are illustrative only.
type origin struct {
	country     string // as written in the file: mostly codes, some names
	lat, lng    float64
	commodities []string
	weight      int
}

var origins = []origin{
	{"CI", 7.5, -5.5, []string{"cocoa", "coffee", "rubber"}, 8},
	{"Ivory Coast", 7.5, -5.5, []string{"cocoa beans"}, 2},
	{"GH", 7.9, -1.0, []string{"cocoa", "gold"}, 6},
	{"BR", -10.0, -52.0, []string{"coffee", "cattle", "soya", "timber", "sugarcane"}, 8},
	{"ID", -2.5, 118.0, []string{"palm oil", "rubber", "fish"}, 7},
	{"MY", 4.2, 102.0, []string{"palm oil", "garments", "rubber"}, 5},
	{"CN", 35.9, 104.2, []string{"cotton", "garments", "polysilicon", "bricks", "footwear"}, 12},
	{"BD", 23.7, 90.4, []string{"garments", "leather", "shrimp"}, 8},
	{"IN", 21.0, 78.0, []string{"cotton", "garments", "bricks", "rice", "tea"}, 9},
	{"Viet Nam", 16.0, 107.8, []string{"coffee", "garments", "rice"}, 3},
	{"VN", 16.0, 107.8, []string{"garments", "footwear", "shrimp"}, 3},
	{"TH", 15.9, 100.9, []string{"shrimp", "fish", "sugarcane"}, 4},
	{"UZ", 41.4, 64.6, []string{"cotton"}, 2},
	{"TR", 39.0, 35.2, []string{"cotton", "garments", "hazelnuts"}, 3},
	{"CD", -4.0, 21.8, []string{"cobalt", "gold", "tin"}, 3},
	{"PE", -9.2, -75.0, []string{"gold", "timber", "coffee"}, 2},
	{"KH", 12.6, 105.0, []string{"garments", "bricks"}, 3},
	{"ET", 9.1, 40.5, []string{"coffee", "cattle"}, 2},
	{"PY", -23.4, -58.4, []string{"cattle", "soya"}, 2},
	{"GT", 15.8, -90.2, []string{"coffee", "sugarcane"}, 2},
	{"DE", 51.2, 10.4, []string{"cocoa", "coffee"}, 3},
	{"NL", 52.1, 5.3, []string{"cocoa", "palm oil"}, 3},
	{"US", 39.8, -98.6, []string{"cotton", "soya"}, 2},
}

var (
	nameFirst = []string{"Golden", "Green", "River", "Sun", "Highland", "Coastal", "Valley", "United", "Pacific", "Atlas", "Star", "Harvest", "Delta", "Lotus", "Eagle"}
	nameLast  = []string{"Agro", "Textiles", "Trading", "Commodities", "Industries", "Farms", "Mills", "Exports", "Holdings", "Processing", "Foods", "Mining"}
	legal     = []string{"Co., Ltd.", "Ltd", "S.A.", "GmbH", "Pvt Ltd", "LLC", "SARL", "Tbk", "Cooperative", "B.V."}
	// tierKinds: what a party at each tier usually is.
	tierKinds = [][]string{{"company"}, {"trader", "company"}, {"facility", "cooperative", "trader"}, {"farm", "cooperative"}}
	// tierShares: the fraction of parties at tiers 1..4.
	tierShares = []float64{0.05, 0.15, 0.30, 0.50}
)

// GenSupplyChain writes a deterministic synthetic supplier CSV in the
// Upstream format: parties in tiers 1-4 (buyers before their suppliers),
// links totalling exactly links, buyer degrees skewed so some buyers have
// many suppliers, a few traders buying from each other (cycles), and shares.
func GenSupplyChain(ctx context.Context, w io.Writer, parties, links int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 0x5eed_c0ffee))
	// Tier boundaries: parties [start[t], start[t+1]) are at tier t+1.
	start := make([]int, len(tierShares)+1)
	acc := 0.0
	for t, s := range tierShares {
		acc += s
		start[t+1] = int(math.Round(acc * float64(parties)))
	}
	start[len(tierShares)] = parties
	for t := 1; t < len(start); t++ { // every tier above is non-empty when there are enough parties
		if start[t] <= start[t-1] && start[t-1] < parties {
			start[t] = start[t-1] + 1
		}
		start[t] = min(start[t], parties)
	}
	tierOf := func(i int) int {
		for t := 0; t < len(tierShares); t++ {
			if i < start[t+1] {
				return t
			}
		}
		return len(tierShares) - 1
	}
	// pickBuyer draws a party of the tier above with a skew towards the
	// first ones (a few large buyers, many small).
	pickBuyer := func(tier int) int {
		lo, hi := start[tier-1], start[tier]
		n := hi - lo
		if n <= 0 {
			return -1
		}
		u := rng.Float64()
		return lo + int(float64(n)*u*u*u)
	}
	buyers := make([][]int32, parties) // -1 means the reporting organisation
	for i := range parties {
		t := tierOf(i)
		b := -1
		if t > 0 {
			b = pickBuyer(t)
		}
		buyers[i] = append(buyers[i], int32(b))
	}
	extra := links - parties
	traders := start[2] - start[1]
	// Draws can be rejected (duplicate buyer, full row); bound the attempts
	// so impossible requests end with an error instead of looping.
	attempts := 50*extra + 10_000
	for extra > 0 {
		attempts--
		if attempts < 0 {
			return usageError("cannot place %d links among %d parties without repeating a buyer; ask for fewer links", links, parties)
		}
		if attempts%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return kernel.Wrap(kernel.Unavailable, err, "generation cancelled")
			}
		}
		i := rng.IntN(parties)
		t := tierOf(i)
		var b int
		switch {
		case t == 1 && traders > 1 && rng.IntN(10) == 0:
			b = start[1] + rng.IntN(traders) // traders trading among themselves
		case t == 0:
			b = -1
		default:
			b = pickBuyer(t)
		}
		if b == i || len(buyers[i]) >= maxBuyersPerParty || containsInt32(buyers[i], int32(b)) {
			continue
		}
		buyers[i] = append(buyers[i], int32(b))
		extra--
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	if err := cw.Write([]string{"id", "name", "country", "commodity", "buyer_id", "share", "kind", "address", "region", "lat", "lng", "workers"}); err != nil {
		return kernel.Wrap(kernel.Internal, err, "cannot write")
	}
	total := 0
	for _, o := range origins {
		total += o.weight
	}
	row := make([]string, 12)
	var ids strings.Builder
	for i := range parties {
		if i%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return kernel.Wrap(kernel.Unavailable, err, "generation cancelled")
			}
		}
		t := tierOf(i)
		o := pickOrigin(rng, total)
		ids.Reset()
		for _, b := range buyers[i] {
			if b < 0 {
				continue // the reporting organisation: an empty buyer_id
			}
			if ids.Len() > 0 {
				ids.WriteByte(';')
			}
			ids.WriteString(partyRef(int(b)))
		}
		share := ""
		switch rng.IntN(3) {
		case 0:
			share = strconv.FormatFloat(0.05+0.01*float64(rng.IntN(56)), 'f', 2, 64)
		case 1:
			share = strconv.Itoa(5+rng.IntN(56)) + "%"
		}
		comm := o.commodities[rng.IntN(len(o.commodities))]
		if rng.IntN(5) == 0 {
			if c2 := o.commodities[rng.IntN(len(o.commodities))]; c2 != comm {
				comm += ";" + c2
			}
		}
		kinds := tierKinds[t]
		row[0] = partyRef(i)
		row[1] = fmt.Sprintf("%s %s %s %d", nameFirst[rng.IntN(len(nameFirst))], nameLast[rng.IntN(len(nameLast))], legal[rng.IntN(len(legal))], i)
		row[2] = o.country
		row[3] = comm
		row[4] = ids.String()
		row[5] = share
		row[6] = kinds[rng.IntN(len(kinds))]
		row[7] = fmt.Sprintf("%d Industrial Road, Zone %d", 1+rng.IntN(999), 1+rng.IntN(40))
		row[8] = fmt.Sprintf("Region %d", 1+rng.IntN(12))
		row[9] = strconv.FormatFloat(clamp(o.lat+rng.NormFloat64()*2, 90), 'f', 5, 64)
		row[10] = strconv.FormatFloat(clamp(o.lng+rng.NormFloat64()*2, 180), 'f', 5, 64)
		row[11] = strconv.Itoa(10 + rng.IntN(3000))
		if err := cw.Write(row); err != nil {
			return kernel.Wrap(kernel.Internal, err, "cannot write")
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return kernel.Wrap(kernel.Internal, err, "cannot write")
	}
	if err := bw.Flush(); err != nil {
		return kernel.Wrap(kernel.Internal, err, "cannot write")
	}
	return nil
}

func partyRef(i int) string { return "P" + strconv.Itoa(i) }

func pickOrigin(rng *rand.Rand, total int) origin {
	n := rng.IntN(total)
	for _, o := range origins {
		if n < o.weight {
			return o
		}
		n -= o.weight
	}
	return origins[0]
}

func clamp(v, limit float64) float64 { return max(-limit, min(limit, v)) }

func containsInt32(list []int32, v int32) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
