package assessment

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Assessment is the risk of every party of a chain, by position.
type Assessment struct {
	c                                *Chain
	e                                *risk.Engine
	tier                             []int32 // 0 when not connected to the reporting organisation
	inherent, signals, own, exposure []float64
	suppliers                        []int32 // direct suppliers, to explain exposure
	// unknownSuppliers counts the direct suppliers whose level is unknown,
	// so the gap is passed up to the buyer rather than read as no risk.
	unknownSuppliers []int32
	confidence       []float32
	missing          []uint8 // missingCountry | missingCommodity
	evidence         []bool  // evidence about the party adds points
	// factors are each party's own score's factors. Parties without
	// signals share their profile's, so keeping them costs a slice header
	// per party and spares scoring every party again to write the
	// register.
	factors [][]risk.Factor
}

// What a party's own data lacks, as bits of Assessment.missing.
const (
	missingCountry uint8 = 1 << iota
	missingCommodity
)

// Assess scores every party, infers tiers and propagates exposure. Links
// between the same two parties (one per commodity, or repeated across
// files) count once, with the largest share given, since shares of
// different commodities are not shares of one volume. A party's exposure
// stays within the context cap unless it or a supplier at any tier carries
// evidence about itself (the evidence ladder).
func (c *Chain) Assess(e *risk.Engine) (*Assessment, error) {
	n := len(c.parties)
	a := &Assessment{c: c, e: e, tier: make([]int32, n), inherent: make([]float64, n), signals: make([]float64, n),
		own: make([]float64, n), exposure: make([]float64, n), suppliers: make([]int32, n), unknownSuppliers: make([]int32, n),
		confidence: make([]float32, n), missing: make([]uint8, n), evidence: make([]bool, n),
		factors: make([][]risk.Factor, n)}
	err := parallel(n, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			p := &c.parties[i]
			g := c.goodsOf(p)
			sc, err := e.Score(risk.Input{Country: p.country, Commodities: g.declared, Inferred: g.inferred, Signals: c.hitSignals(p)})
			if err != nil {
				return kernel.Wrap(kernel.ErrorCode(err), err, "party %s", p.label())
			}
			a.inherent[i], a.signals[i], a.own[i] = sc.Inherent, sc.Signals, sc.Own
			a.confidence[i], a.evidence[i] = float32(sc.Confidence), sc.Evidence
			for _, m := range sc.Missing {
				switch m {
				case risk.MissingCountry:
					a.missing[i] |= missingCountry
				case risk.MissingCommodity:
					a.missing[i] |= missingCommodity
				}
			}
			a.factors[i] = sc.Factors
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	links := groupLinks(c.links, n)
	c.links = links
	var direct []int32
	rl := make([]risk.Link, 0, len(links))
	for k := 0; k < len(links); {
		l := links[k]
		share := l.share
		for k++; k < len(links) && links[k].buyer == l.buyer && links[k].supplier == l.supplier; k++ {
			share = max(share, links[k].share) // UnknownShare is below every share
		}
		if l.buyer < 0 {
			direct = append(direct, l.supplier)
			continue
		}
		rl = append(rl, risk.Link{Buyer: l.buyer, Supplier: l.supplier, Share: share})
		a.suppliers[l.buyer]++
	}
	g, err := risk.NewGraph(n, rl)
	if err != nil {
		return nil, err
	}
	if a.tier, err = risk.Tiers(g, direct); err != nil {
		return nil, err
	}
	if a.exposure, err = e.Propagate(g, a.own); err != nil {
		return nil, err
	}
	a.capUnevidenced(rl)
	for _, l := range rl {
		if a.Level(int(l.Supplier)) == risk.Unknown {
			a.unknownSuppliers[l.Buyer]++
		}
	}
	return a, nil
}

// capUnevidenced keeps the exposure of every party within the context cap
// unless evidence about it, or about a supplier it buys from at any tier,
// adds points: context piled up along a chain is still context.
func (a *Assessment) capUnevidenced(rl []risk.Link) {
	limit := a.e.Weights().ContextCap
	over := false
	for i, x := range a.exposure {
		if x > limit && !a.evidence[i] {
			over = true
			break
		}
	}
	if !over {
		return
	}
	// Evidence flows to buyers: walk from the evidenced parties up the
	// links, buyers of each supplier laid out by supplier.
	n := len(a.exposure)
	start := make([]int32, n+1)
	for _, l := range rl {
		start[l.Supplier+1]++
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	buyers := make([]int32, len(rl))
	fill := slices.Clone(start[:n])
	for _, l := range rl {
		buyers[fill[l.Supplier]] = l.Buyer
		fill[l.Supplier]++
	}
	reached := slices.Clone(a.evidence)
	var queue []int32
	for i, ev := range reached {
		if ev {
			queue = append(queue, int32(i))
		}
	}
	for len(queue) > 0 {
		s := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, b := range buyers[start[s]:start[s+1]] {
			if !reached[b] {
				reached[b] = true
				queue = append(queue, b)
			}
		}
	}
	for i, x := range a.exposure {
		if x > limit && !reached[i] {
			a.exposure[i] = limit
		}
	}
}

// groupLinks returns the links ordered by buyer (the reporting
// organisation first), then supplier. The links of a chain come grouped
// by supplier, not buyer, so they are counted out to their buyers (one
// pass, no comparisons) and only each buyer's few links are sorted.
func groupLinks(links []link, n int) []link {
	start := make([]int32, n+2) // buyer b's links begin at start[b+1]
	for _, l := range links {
		start[l.buyer+2]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	out := make([]link, len(links))
	for _, l := range links {
		out[start[l.buyer+1]] = l
		start[l.buyer+1]++
	}
	// start[b+1] is now where buyer b's links end.
	lo := int32(0)
	for b := 0; b < len(start)-1; b++ {
		hi := start[b]
		if hi-lo > 1 {
			slices.SortFunc(out[lo:hi], func(x, y link) int { return cmp.Compare(x.supplier, y.supplier) })
		}
		lo = hi
	}
	return out
}

// Len is the number of parties assessed.
func (a *Assessment) Len() int { return len(a.c.parties) }

// Level is the band of party i's exposure, or unknown when the party
// lacks its country or any commodity and its exposure so far is below
// high: what is known can only understate it.
func (a *Assessment) Level(i int) risk.Level {
	l := a.e.Level(a.exposure[i])
	if a.missing[i] != 0 && (l == risk.Low || l == risk.Medium) {
		return risk.Unknown
	}
	return l
}

// Levels counts the parties at each level of exposure.
func (a *Assessment) Levels() map[risk.Level]int {
	counts := map[risk.Level]int{}
	for i := range a.exposure {
		counts[a.Level(i)]++
	}
	return counts
}

// Missing names what party i's score lacks: its own country or
// commodities, and data on its direct suppliers whose level is unknown.
func (a *Assessment) Missing(i int) []string {
	return a.appendMissing(nil, i)
}

func (a *Assessment) appendMissing(dst []string, i int) []string {
	if a.missing[i]&missingCountry != 0 {
		dst = append(dst, risk.MissingCountry)
	}
	if a.missing[i]&missingCommodity != 0 {
		dst = append(dst, risk.MissingCommodity)
	}
	if u := a.unknownSuppliers[i]; u > 0 {
		dst = append(dst, fmt.Sprintf("data on %d of %d direct suppliers", u, a.suppliers[i]))
	}
	return dst
}

// Confidence is the share of party i's own score resting on declared data
// and evidence about it, 0..1.
func (a *Assessment) Confidence(i int) float64 { return float64(a.confidence[i]) }

// Explain returns the factors of party i: its own score's factors and, when
// suppliers raise its exposure, the supply-chain factor, so that the
// contributions add up to the exposure.
func (a *Assessment) Explain(i int) ([]risk.Factor, error) {
	// The score's factors may be shared: appending to the clipped slice
	// copies them.
	fs := slices.Clip(a.factors[i])
	if a.exposure[i]-a.own[i] >= 0.005 {
		fs = append(fs, risk.ExposureFactor(a.own[i], a.exposure[i], int(a.suppliers[i])))
	}
	return fs, nil
}

// PartyRisk is what the store keeps of party i's assessment.
func (a *Assessment) PartyRisk(i int) (supplychain.PartyRisk, error) {
	fs, err := a.Explain(i)
	if err != nil {
		return supplychain.PartyRisk{}, err
	}
	p := &a.c.parties[i]
	r := supplychain.PartyRisk{ID: p.id, Tier: int(a.tier[i]), Inherent: a.inherent[i], Signals: a.signals[i],
		Own: a.own[i], Exposure: a.exposure[i], Level: string(a.Level(i)), Factors: make([]supplychain.Factor, len(fs)),
		Country: p.country, Commodities: a.c.goodsOf(p).commodities,
		Confidence: a.Confidence(i), Missing: a.Missing(i)}
	for k, f := range fs {
		r.Factors[k] = supplychain.Factor{Kind: f.Kind, Source: f.Source, Edition: f.Edition, Indicator: f.Indicator,
			Value: f.Value, Points: f.Points, Contribution: f.Contribution}
	}
	return r, nil
}

// Order returns party positions by exposure, highest first, ties by the
// id shown, so the register is the same on every run.
func (a *Assessment) Order() []int32 {
	c := a.c
	// Sorting compact keys keeps most comparisons inside the keys: the
	// exposure, then the first 8 bytes of the label, which order labels
	// as the whole strings do whenever they differ. Only labels with the
	// same start are read in full. The halves are sorted on two cores and
	// merged.
	keys := make([]orderKey, len(c.parties))
	for i := range keys {
		keys[i] = orderKey{exposure: a.exposure[i], prefix: prefix8(c.parties[i].label()), pos: int32(i)}
	}
	compare := func(x, y orderKey) int {
		if r := cmp.Compare(y.exposure, x.exposure); r != 0 {
			return r
		}
		if x.prefix != y.prefix {
			return cmp.Compare(x.prefix, y.prefix)
		}
		px, py := &c.parties[x.pos], &c.parties[y.pos]
		return cmp.Or(cmp.Compare(px.label(), py.label()), cmp.Compare(px.id, py.id))
	}
	idx := make([]int32, len(keys))
	if len(keys) < 1<<14 {
		slices.SortFunc(keys, compare)
		for k, key := range keys {
			idx[k] = key.pos
		}
		return idx
	}
	half := len(keys) / 2
	lo, hi := keys[:half], keys[half:]
	done := make(chan struct{})
	go func() {
		slices.SortFunc(hi, compare)
		close(done)
	}()
	slices.SortFunc(lo, compare)
	<-done
	k := 0
	for len(lo) > 0 && len(hi) > 0 {
		if compare(hi[0], lo[0]) < 0 {
			idx[k], hi = hi[0].pos, hi[1:]
		} else {
			idx[k], lo = lo[0].pos, lo[1:]
		}
		k++
	}
	for _, key := range lo {
		idx[k] = key.pos
		k++
	}
	for _, key := range hi {
		idx[k] = key.pos
		k++
	}
	return idx
}

type orderKey struct {
	exposure float64
	prefix   uint64
	pos      int32
}

// prefix8 is the first 8 bytes of s, big-endian, padded with zeros:
// comparing prefixes compares strings as far as they go.
func prefix8(s string) uint64 {
	var v uint64
	for i := range 8 {
		v <<= 8
		if i < len(s) {
			v |= uint64(s[i])
		}
	}
	return v
}
