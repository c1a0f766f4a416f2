package assessment

import (
	"cmp"
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
	scored                           []bool  // false when the party has no country to score
	// factors are each party's own score's factors. Parties without
	// signals share their profile's, so keeping them costs a slice header
	// per party and spares scoring every party again to write the
	// register.
	factors [][]risk.Factor
}

// Assess scores every party, infers tiers and propagates exposure. Links
// between the same two parties (one per commodity, or repeated across
// files) count once, with the largest share given, since shares of
// different commodities are not shares of one volume.
func (c *Chain) Assess(e *risk.Engine) (*Assessment, error) {
	n := len(c.parties)
	a := &Assessment{c: c, e: e, tier: make([]int32, n), inherent: make([]float64, n), signals: make([]float64, n),
		own: make([]float64, n), exposure: make([]float64, n), suppliers: make([]int32, n), scored: make([]bool, n),
		factors: make([][]risk.Factor, n)}
	err := parallel(n, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			p := &c.parties[i]
			if p.country == "" {
				continue
			}
			sc, err := e.Score(risk.Input{Country: p.country, Commodities: c.goodsOf(p).commodities, Signals: c.hitSignals(p)})
			if err != nil {
				return kernel.Wrap(kernel.ErrorCode(err), err, "party %s", p.label())
			}
			a.inherent[i], a.signals[i], a.own[i], a.scored[i] = sc.Inherent, sc.Signals, sc.Own, true
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
	return a, nil
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

// Level is the band of party i's exposure.
func (a *Assessment) Level(i int) risk.Level { return a.e.Level(a.exposure[i]) }

// Levels counts the parties at each level of exposure.
func (a *Assessment) Levels() map[risk.Level]int {
	counts := map[risk.Level]int{}
	for i := range a.exposure {
		counts[a.Level(i)]++
	}
	return counts
}

// Explain returns the factors of party i: its own score's factors and, when
// suppliers raise its exposure, the supply-chain factor, so that the
// contributions add up to the exposure.
func (a *Assessment) Explain(i int) ([]risk.Factor, error) {
	if !a.scored[i] {
		return nil, nil
	}
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
		Country: p.country, Commodities: a.c.goodsOf(p).commodities}
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
