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
			return kernel.Wrap(kernel.Internal, err, "cannot create %s", quoteOutside(*out))
		}
		defer f.Close()
		w = f
	}
	if err := GenSupplyChain(ctx, w, *parties, *links, *seed); err != nil {
		return err
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return kernel.Wrap(kernel.Internal, err, "cannot write %s", quoteOutside(*out))
		}
		fmt.Fprintf(env.Stderr, "wrote %d parties and %d links to %s\n", *parties, *links, quoteOutside(*out))
	}
	return nil
}

// maxBuyersPerParty bounds the buyer list of one row.
const maxBuyersPerParty = 50

// A family is one kind of supply chain, tier by tier: who a brand's
// suppliers are, where they are and what they make. The goods of each tier
// are the inputs of the tier above (cotton to yarn and fabric to garments;
// cocoa beans to a grinder to a chocolate maker), so a generated chain
// reads like a real one, and the places follow where those goods come
// from: the countries the US DOL ILAB List of Goods (2022 edition) and the
// EUDR commodities name for them, beside the many sourcing countries they
// do not name. Weights are illustrative only.
type family struct {
	weight int
	tiers  [4]stage
}

// stage is one tier of a family.
type stage struct {
	goods     []string // one is drawn per party; "" leaves the commodity out
	places    []place
	nameWords []string
}

// place is a country as written in the file (mostly codes, a few names),
// how often it is drawn, and a rough centre for coordinates.
type place struct {
	country  string
	weight   int
	lat, lng float64
}

var (
	pDE, pNL, pGB, pUS, pFR = place{"DE", 3, 51.2, 10.4}, place{"NL", 2, 52.1, 5.3}, place{"GB", 2, 54.0, -2.0}, place{"US", 3, 39.8, -98.6}, place{"FR", 1, 46.6, 2.2}
	pSE, pIT, pES, pCH, pBE = place{"SE", 1, 60.1, 18.6}, place{"IT", 1, 42.8, 12.5}, place{"ES", 1, 40.4, -3.7}, place{"CH", 1, 46.8, 8.2}, place{"BE", 1, 50.5, 4.5}
	pPL, pPT, pJP, pNO      = place{"PL", 1, 51.9, 19.1}, place{"PT", 1, 39.6, -8.0}, place{"JP", 1, 36.2, 138.3}, place{"NO", 1, 60.5, 8.5}
	brands                  = []place{pDE, pNL, pGB, pUS, pFR, pSE, pIT, pES, pJP}
)

func at(p place, weight int) place { p.weight = weight; return p }

var families = []family{
	{30, [4]stage{ // apparel
		{[]string{"garments"}, brands, []string{"Fashion", "Apparel", "Retail"}},
		{[]string{"garments"}, []place{{"BD", 5, 23.7, 90.4}, {"CN", 6, 35.9, 104.2}, {"VN", 3, 16.0, 107.8}, {"Viet Nam", 1, 16.0, 107.8}, {"KH", 2, 12.6, 105.0},
			{"IN", 3, 21.0, 78.0}, {"TR", 2, 39.0, 35.2}, at(pPT, 2), at(pIT, 1), {"LK", 1, 7.9, 80.8}, {"PK", 1, 30.4, 69.3}, {"MA", 1, 31.8, -7.1}}, []string{"Garments", "Apparel", "Knitwear", "Clothing"}},
		{[]string{"textiles", "textiles", "thread/yarn"}, []place{{"CN", 5, 35.9, 104.2}, {"IN", 3, 21.0, 78.0}, {"TR", 2, 39.0, 35.2}, {"PK", 2, 30.4, 69.3},
			{"BD", 1, 23.7, 90.4}, at(pIT, 1), at(pPT, 1)}, []string{"Textile Mills", "Spinning", "Fabrics", "Dyeing"}},
		{[]string{"cotton"}, []place{at(pUS, 3), {"IN", 3, 21.0, 78.0}, {"CN", 2, 35.9, 104.2}, {"BR", 2, -10.0, -52.0}, {"AU", 2, -25.3, 133.8},
			{"TR", 1, 39.0, 35.2}, {"UZ", 1, 41.4, 64.6}, {"PK", 1, 30.4, 69.3}, {"GR", 1, 39.1, 21.8}}, []string{"Cotton Ginning", "Cotton Farms", "Agro"}},
	}},
	{8, [4]stage{ // footwear and leather
		{[]string{"footwear"}, brands, []string{"Footwear", "Sport", "Retail"}},
		{[]string{"footwear"}, []place{{"VN", 4, 16.0, 107.8}, {"CN", 3, 35.9, 104.2}, {"ID", 2, -2.5, 118.0}, {"IN", 1, 21.0, 78.0}, at(pPT, 1), at(pIT, 1), {"BR", 1, -10.0, -52.0}}, []string{"Shoes", "Footwear"}},
		{[]string{"leather"}, []place{{"CN", 2, 35.9, 104.2}, {"IN", 2, 21.0, 78.0}, {"BR", 2, -10.0, -52.0}, at(pIT, 2), {"VN", 1, 16.0, 107.8}}, []string{"Tannery", "Leather"}},
		{[]string{"cattle"}, []place{{"BR", 3, -10.0, -52.0}, {"PY", 1, -23.4, -58.4}, {"AR", 1, -38.4, -63.6}, at(pUS, 1), {"AU", 1, -25.3, 133.8}}, []string{"Cattle Ranch", "Livestock"}},
	}},
	{12, [4]stage{ // chocolate
		{[]string{"cocoa"}, []place{pDE, pNL, pGB, pUS, pCH, pBE}, []string{"Chocolate", "Confectionery", "Foods"}},
		{[]string{"cocoa"}, []place{at(pNL, 3), {"CI", 2, 7.5, -5.5}, {"GH", 1, 7.9, -1.0}, {"MY", 1, 4.2, 102.0}, at(pDE, 1), at(pBE, 1)}, []string{"Cocoa Processing", "Cocoa Trading", "Grinding"}},
		{[]string{"cocoa", "cocoa beans"}, []place{{"CI", 4, 7.5, -5.5}, {"Ivory Coast", 1, 7.5, -5.5}, {"GH", 3, 7.9, -1.0}, {"EC", 2, -1.8, -78.2}, {"CM", 1, 7.4, 12.4}, {"NG", 1, 9.1, 8.7}, {"PE", 1, -9.2, -75.0}}, []string{"Cocoa Cooperative", "Cocoa Buyers"}},
		{[]string{"cocoa beans"}, []place{{"CI", 5, 7.5, -5.5}, {"GH", 3, 7.9, -1.0}, {"EC", 2, -1.8, -78.2}, {"CM", 1, 7.4, 12.4}, {"NG", 1, 9.1, 8.7}}, []string{"Cocoa Farm", "Planters"}},
	}},
	{10, [4]stage{ // coffee
		{[]string{"coffee"}, []place{pDE, pIT, pUS, pSE, pNL, pFR}, []string{"Coffee Roasters", "Coffee", "Foods"}},
		{[]string{"coffee"}, []place{at(pCH, 2), at(pDE, 2), {"BR", 1, -10.0, -52.0}, {"VN", 1, 16.0, 107.8}, {"CO", 1, 4.6, -74.3}}, []string{"Coffee Trading", "Green Coffee"}},
		{[]string{"coffee"}, []place{{"BR", 4, -10.0, -52.0}, {"VN", 3, 16.0, 107.8}, {"CO", 2, 4.6, -74.3}, {"ET", 1, 9.1, 40.5}, {"GT", 1, 15.8, -90.2}, {"HN", 1, 15.2, -86.2}, {"UG", 1, 1.4, 32.3}, {"KE", 1, -0.0, 37.9}}, []string{"Coffee Cooperative", "Coffee Mills"}},
		{[]string{"coffee", "green coffee"}, []place{{"BR", 4, -10.0, -52.0}, {"VN", 3, 16.0, 107.8}, {"CO", 2, 4.6, -74.3}, {"ET", 1, 9.1, 40.5}, {"GT", 1, 15.8, -90.2}, {"HN", 1, 15.2, -86.2}}, []string{"Coffee Farm", "Estate"}},
	}},
	{8, [4]stage{ // solar
		{[]string{"solar modules"}, []place{pDE, pUS, pNL, pES}, []string{"Solar", "Energy"}},
		{[]string{"solar modules"}, []place{{"CN", 5, 35.9, 104.2}, {"MY", 2, 4.2, 102.0}, {"VN", 1, 16.0, 107.8}, at(pUS, 1), {"IN", 1, 21.0, 78.0}}, []string{"Solar Modules", "Photovoltaic"}},
		{[]string{"solar cells"}, []place{{"CN", 5, 35.9, 104.2}, {"MY", 1, 4.2, 102.0}, {"VN", 1, 16.0, 107.8}}, []string{"Solar Cells", "PV Technology"}},
		{[]string{"polysilicon"}, []place{{"CN", 5, 35.9, 104.2}, at(pDE, 1), at(pUS, 1), at(pNO, 1), {"MY", 1, 4.2, 102.0}}, []string{"Silicon Materials", "Polysilicon"}},
	}},
	{8, [4]stage{ // furniture and wood
		{[]string{"furniture"}, []place{pSE, pDE, pGB, pUS, pFR}, []string{"Home", "Furniture", "Interiors"}},
		{[]string{"furniture"}, []place{{"VN", 3, 16.0, 107.8}, {"CN", 3, 35.9, 104.2}, at(pPL, 2), {"ID", 1, -2.5, 118.0}, {"MY", 1, 4.2, 102.0}}, []string{"Furniture", "Woodworks"}},
		{[]string{"wood", "timber"}, []place{{"BR", 1, -10.0, -52.0}, {"ID", 2, -2.5, 118.0}, at(pPL, 2), at(pSE, 2), at(pUS, 1), {"RU", 1, 61.5, 105.3}, {"FI", 1, 64.0, 26.0}}, []string{"Sawmill", "Timber"}},
		{[]string{"wood"}, []place{{"BR", 1, -10.0, -52.0}, {"ID", 2, -2.5, 118.0}, at(pPL, 2), at(pSE, 2), at(pUS, 1), {"FI", 1, 64.0, 26.0}}, []string{"Forestry", "Forest Estate"}},
	}},
	{8, [4]stage{ // palm oil
		{[]string{"palm oil"}, []place{pNL, pDE, pGB, pUS}, []string{"Foods", "Home Care", "Consumer Goods"}},
		{[]string{"palm oil"}, []place{{"MY", 3, 4.2, 102.0}, {"ID", 3, -2.5, 118.0}, at(pNL, 1), {"SG", 1, 1.35, 103.8}}, []string{"Refinery", "Oleo", "Edible Oils"}},
		{[]string{"palm oil"}, []place{{"ID", 3, -2.5, 118.0}, {"MY", 3, 4.2, 102.0}}, []string{"Palm Oil Mill", "Plantations"}},
		{[]string{"palm fruit"}, []place{{"ID", 4, -2.5, 118.0}, {"MY", 3, 4.2, 102.0}, {"PG", 1, -6.3, 143.9}, {"TH", 1, 15.9, 100.9}, {"CO", 1, 4.6, -74.3}}, []string{"Smallholders", "Estate", "Plantation"}},
	}},
	{6, [4]stage{ // seafood
		{[]string{"shrimp"}, []place{pUS, pES, pGB, pJP, pFR}, []string{"Seafood", "Foods"}},
		{[]string{"shrimp"}, []place{{"TH", 3, 15.9, 100.9}, {"VN", 2, 16.0, 107.8}, {"IN", 2, 21.0, 78.0}, {"EC", 2, -1.8, -78.2}, {"ID", 1, -2.5, 118.0}}, []string{"Seafood Processing", "Frozen Foods"}},
		{[]string{"shrimp"}, []place{{"TH", 2, 15.9, 100.9}, {"VN", 2, 16.0, 107.8}, {"IN", 2, 21.0, 78.0}, {"EC", 2, -1.8, -78.2}, {"ID", 1, -2.5, 118.0}}, []string{"Aquaculture", "Shrimp Farms"}},
		{[]string{"fish"}, []place{{"PE", 2, -9.2, -75.0}, {"TH", 2, 15.9, 100.9}, at(pNO, 1), {"VN", 1, 16.0, 107.8}, {"IN", 1, 21.0, 78.0}}, []string{"Fishmeal", "Fisheries"}},
	}},
	{4, [4]stage{ // electronics
		{[]string{"electronics"}, []place{pUS, pDE, pJP, pNL}, []string{"Electronics", "Devices"}},
		{[]string{"electronics"}, []place{{"CN", 5, 35.9, 104.2}, {"MY", 2, 4.2, 102.0}, {"VN", 2, 16.0, 107.8}, {"MX", 1, 23.6, -102.6}, {"TW", 1, 23.7, 121.0}}, []string{"Electronics", "Assembly"}},
		{[]string{"lithium-ion batteries", "electronics"}, []place{{"CN", 4, 35.9, 104.2}, {"KR", 2, 35.9, 127.8}, {"TW", 1, 23.7, 121.0}, {"MY", 1, 4.2, 102.0}}, []string{"Components", "Battery"}},
		{[]string{"cobalt", "tin", "tantalum", "gold"}, []place{{"CD", 3, -4.0, 21.8}, {"ID", 1, -2.5, 118.0}, {"PE", 1, -9.2, -75.0}, {"AU", 1, -25.3, 133.8}, {"RW", 1, -1.9, 29.9}}, []string{"Mining", "Minerals"}},
	}},
}

var (
	nameFirst = []string{"Golden", "Green", "River", "Sun", "Highland", "Coastal", "Valley", "United", "Pacific", "Atlas", "Star", "Harvest", "Delta", "Lotus", "Eagle"}
	legal     = []string{"Co., Ltd.", "Ltd", "S.A.", "GmbH", "Pvt Ltd", "LLC", "SARL", "Tbk", "Cooperative", "B.V."}
	// tierKinds: what a party at each tier usually is.
	tierKinds = [][]string{{"company"}, {"trader", "company", "facility"}, {"facility", "cooperative", "trader"}, {"farm", "cooperative", "facility"}}
	// tierShares: the fraction of parties at tiers 1..4.
	tierShares = []float64{0.05, 0.15, 0.30, 0.50}
)

// unrecordedGoods is the share of rows (per thousand) whose commodity the
// buyer never recorded: agents and traders a brand knows only by name.
// They come out at level unknown, as they would in a real register.
const unrecordedGoods = 25

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
	familyTotal := 0
	for _, f := range families {
		familyTotal += f.weight
	}
	fam := make([]uint8, parties)
	row := make([]string, 12)
	var ids strings.Builder
	for i := range parties {
		if i%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return kernel.Wrap(kernel.Unavailable, err, "generation cancelled")
			}
		}
		t := tierOf(i)
		// A brand's chain is of one family; its suppliers at every tier
		// belong to the family of the buyer they were drawn for.
		if b := buyers[i][0]; b >= 0 {
			fam[i] = fam[b]
		} else {
			fam[i] = pickFamily(rng, familyTotal)
		}
		st := &families[fam[i]].tiers[min(t, 3)]
		o := pickPlace(rng, st.places)
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
		comm := st.goods[rng.IntN(len(st.goods))]
		if t > 0 && rng.IntN(1000) < unrecordedGoods {
			comm = ""
		}
		kinds := tierKinds[t]
		row[0] = partyRef(i)
		row[1] = fmt.Sprintf("%s %s %s %d", nameFirst[rng.IntN(len(nameFirst))], st.nameWords[rng.IntN(len(st.nameWords))], legal[rng.IntN(len(legal))], i)
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

func pickFamily(rng *rand.Rand, total int) uint8 {
	n := rng.IntN(total)
	for i, f := range families {
		if n < f.weight {
			return uint8(i)
		}
		n -= f.weight
	}
	return 0
}

func pickPlace(rng *rand.Rand, ps []place) place {
	total := 0
	for _, p := range ps {
		total += p.weight
	}
	n := rng.IntN(total)
	for _, p := range ps {
		if n < p.weight {
			return p
		}
		n -= p.weight
	}
	return ps[0]
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
