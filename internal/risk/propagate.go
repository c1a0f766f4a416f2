package risk

import (
	"math"
	"sort"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// UnknownShare marks a link whose volume share is not known.
const UnknownShare float32 = -1

// Link says that Supplier supplies Buyer. Parties are numbered 0..n-1 by
// the caller. Share is the part of the buyer's sourcing the link carries,
// 0..1, or UnknownShare.
type Link struct {
	Buyer, Supplier int32
	Share           float32
}

// Graph is a compact, read-only supply graph: for every buyer the list of
// its suppliers and the weight of each (compressed sparse rows). Weights are
// the shares after filling in unknown ones, so a buyer's weights add up to
// at most 1.
//
// Building a graph also plans the propagation once: parties are put in an
// order where every supplier comes before its buyers, except inside cycles,
// whose members sit next to each other. Propagate then walks that plan in
// one sequential pass, so recomputing exposures after scores change costs
// little, and only changes to the links need a new Graph.
type Graph struct {
	off []int32 // suppliers of buyer b are sup[off[b]:off[b+1]]
	sup []int32
	w   []float32

	// The plan, indexed by position rather than party number.
	order []int32   // position -> party
	poff  []int32   // links of the party at position i are pos-indexed poff[i]:poff[i+1]
	psup  []int32   // supplier positions
	pw    []float32 // weights
	// cycles lists the strongly connected components of more than one
	// party, in plan order.
	cycles []cycle
}

// cycle is a run of positions lo..hi-1 that form one strongly connected
// component. For each member, its links to other members come first: inner
// holds, per member, the end of that run within the member's links.
type cycle struct {
	lo, hi int32
	inner  []int32
	// rate bounds how much one sweep shrinks the error: decay is applied
	// later, so rate is the largest weight a member puts on other members.
	rate float64
}

// NewGraph builds the graph of n parties from links in any order. Unknown
// shares are filled in per buyer: they split equally what the known shares
// leave over, or, when nothing is left over, each gets 1/k of the buyer's k
// links; a buyer whose shares then add up to more than 1 has them scaled
// down to add up to 1. Repeated links between the same pair add up.
func NewGraph(n int, links []Link) (*Graph, error) {
	if n < 0 || n > math.MaxInt32-1 {
		return nil, kernel.Errorf(kernel.Invalid, "party count %d out of range", n)
	}
	if len(links) > math.MaxInt32 {
		return nil, kernel.Errorf(kernel.Invalid, "%d links is more than the graph can hold", len(links))
	}
	g := &Graph{off: make([]int32, n+1), sup: make([]int32, len(links)), w: make([]float32, len(links))}
	for i, l := range links {
		switch {
		case l.Buyer < 0 || int(l.Buyer) >= n:
			return nil, kernel.Errorf(kernel.Invalid, "link %d: buyer %d is not a party (0..%d)", i, l.Buyer, n-1)
		case l.Supplier < 0 || int(l.Supplier) >= n:
			return nil, kernel.Errorf(kernel.Invalid, "link %d: supplier %d is not a party (0..%d)", i, l.Supplier, n-1)
		case l.Buyer == l.Supplier:
			return nil, kernel.Errorf(kernel.Invalid, "link %d: party %d supplies itself", i, l.Buyer)
		case l.Share != UnknownShare && !(l.Share >= 0 && l.Share <= 1):
			return nil, kernel.Errorf(kernel.Invalid, "link %d: share %g is not between 0 and 1", i, l.Share)
		}
		g.off[l.Buyer+1]++
	}
	for b := 0; b < n; b++ {
		g.off[b+1] += g.off[b]
	}
	next := make([]int32, n)
	copy(next, g.off[:n])
	// Links keep their input order within a buyer, which keeps every later
	// step deterministic.
	for _, l := range links {
		k := next[l.Buyer]
		next[l.Buyer]++
		g.sup[k] = l.Supplier
		g.w[k] = l.Share
	}
	for b := 0; b < n; b++ {
		g.fillShares(g.off[b], g.off[b+1])
	}
	g.plan()
	return g, nil
}

func (g *Graph) fillShares(lo, hi int32) {
	if lo == hi {
		return
	}
	known, unknown := 0.0, 0
	for k := lo; k < hi; k++ {
		if g.w[k] == UnknownShare {
			unknown++
		} else {
			known += float64(g.w[k])
		}
	}
	if unknown > 0 {
		fill := (1 - known) / float64(unknown)
		if known >= 1 {
			fill = 1 / float64(hi-lo)
		}
		for k := lo; k < hi; k++ {
			if g.w[k] == UnknownShare {
				g.w[k] = float32(fill)
			}
		}
	}
	total := 0.0
	for k := lo; k < hi; k++ {
		total += float64(g.w[k])
	}
	if total > 1 {
		for k := lo; k < hi; k++ {
			g.w[k] = float32(float64(g.w[k]) / total)
		}
	}
}

// Len returns the number of parties.
func (g *Graph) Len() int { return len(g.off) - 1 }

// Links returns the number of links.
func (g *Graph) Links() int { return len(g.sup) }

// Suppliers returns the suppliers of buyer b and their weights. The slices
// belong to the graph and must not be changed.
func (g *Graph) Suppliers(b int32) ([]int32, []float32) {
	lo, hi := g.off[b], g.off[b+1]
	return g.sup[lo:hi], g.w[lo:hi]
}

// Propagate computes every party's exposure on the 0-100 scale from its own
// score (own[i], 0-100) and its suppliers' exposures:
//
//	exposure(b) = 1 - (1 - own(b)) x (1 - decay x sum over suppliers s of weight(s,b) x exposure(s))
//
// on the 0-1 scale. Outside cycles this is computed exactly, each party
// once, suppliers before buyers. Parties on a cycle (traders buying from
// each other) form a strongly connected component; its exposures are the
// fixed point of the formula, reached by a number of Gauss-Seidel sweeps
// fixed by the links of the component alone, enough to bring the error
// under the tolerance. Because that number does not depend on the scores,
// raising any own score never lowers any exposure, and the same input
// always gives the same output.
func (e *Engine) Propagate(g *Graph, own []float64) ([]float64, error) {
	return Propagate(g, own, e.w.Propagation.Decay, e.w.Propagation.Tolerance)
}

// Propagate is Engine.Propagate with explicit parameters: decay in [0, 1),
// tolerance in (0, 0.01].
func Propagate(g *Graph, own []float64, decay, tolerance float64) ([]float64, error) {
	n := g.Len()
	if len(own) != n {
		return nil, kernel.Errorf(kernel.Invalid, "%d own scores for %d parties", len(own), n)
	}
	if !(decay >= 0 && decay < 1) {
		return nil, kernel.Errorf(kernel.Invalid, "decay %g is not in [0, 1)", decay)
	}
	if !(tolerance > 0 && tolerance <= 0.01) {
		return nil, kernel.Errorf(kernel.Invalid, "tolerance %g is not in (0, 0.01]", tolerance)
	}
	for i, v := range own {
		if !(v >= 0 && v <= 100) {
			return nil, kernel.Errorf(kernel.Invalid, "own score of party %d is %g, not in 0..100", i, v)
		}
	}
	// keep[i] is 1 - own score of the party at position i; e[i] its
	// exposure, both on the 0-1 scale.
	keep := make([]float64, n)
	for i, v := range g.order {
		keep[i] = 1 - own[v]/100
	}
	e := make([]float64, n)
	logTol := math.Log(tolerance)
	next := 0 // the next cycle in plan order
	for i := int32(0); int(i) < n; {
		if next < len(g.cycles) && g.cycles[next].lo == i {
			c := &g.cycles[next]
			solveCycle(g, c, keep, e, decay, logTol)
			i = c.hi
			next++
			continue
		}
		up := 0.0
		for k := g.poff[i]; k < g.poff[i+1]; k++ {
			up += float64(g.pw[k]) * e[g.psup[k]]
		}
		e[i] = 1 - keep[i]*(1-decay*up)
		i++
	}
	out := make([]float64, n)
	for i, v := range g.order {
		out[v] = 100 * e[i]
	}
	return out, nil
}

// solveCycle computes the exposures of the members of one cycle, whose
// suppliers outside it are final.
func solveCycle(g *Graph, c *cycle, keep, e []float64, decay, logTol float64) {
	// Exposure from outside is final: sum it once.
	ext := make([]float64, c.hi-c.lo)
	for i := c.lo; i < c.hi; i++ {
		for k := c.inner[i-c.lo]; k < g.poff[i+1]; k++ {
			ext[i-c.lo] += float64(g.pw[k]) * e[g.psup[k]]
		}
		e[i] = 1 - keep[i]
	}
	// A sweep shrinks the error by at most decay x rate, so this many
	// sweeps bring it under the tolerance. The count depends on the links
	// only, never on the scores, which keeps the result monotone in them.
	// Members start at their own score, below the fixed point, and each
	// sweep moves them up towards it.
	sweeps := 1
	if r := decay * c.rate; r > 0 {
		sweeps = int(math.Ceil(logTol/math.Log(r))) + 1
	}
	for range sweeps {
		for i := c.lo; i < c.hi; i++ {
			up := ext[i-c.lo]
			for k := g.poff[i]; k < c.inner[i-c.lo]; k++ {
				up += float64(g.pw[k]) * e[g.psup[k]]
			}
			e[i] = 1 - keep[i]*(1-decay*up)
		}
	}
}

// plan orders the parties for Propagate. It walks the graph with Tarjan's
// strongly-connected-components algorithm (iteratively, so deep chains
// cannot overflow the stack) from buyers to suppliers. Tarjan emits a
// component only after every component it reaches, that is after all its
// suppliers, so emission order is an order where suppliers come first and
// each cycle's members are contiguous.
func (g *Graph) plan() {
	n := g.Len()
	// index[v] is 0 before v is visited, its visit number (from 1) while
	// it is on the stack, and done once emitted; done is larger than
	// every visit number, so emitted parties never lower a low-link.
	const done = math.MaxInt32
	index := make([]int32, n)
	low := make([]int32, n)
	pos := make([]int32, n)
	g.order = make([]int32, 0, n)
	type frame struct{ v, k int32 }
	var stack []int32
	var calls []frame
	counter := int32(0)
	visit := func(v int32) {
		counter++
		index[v], low[v] = counter, counter
		stack = append(stack, v)
		calls = append(calls, frame{v, g.off[v]})
	}
	for root := range int32(n) {
		if index[root] != 0 {
			continue
		}
		visit(root)
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			v := f.v
			if f.k < g.off[v+1] {
				s := g.sup[f.k]
				f.k++
				if is := index[s]; is == 0 {
					visit(s)
				} else if is < low[v] {
					low[v] = is
				}
				continue
			}
			calls = calls[:len(calls)-1]
			if low[v] == index[v] {
				i := len(stack) - 1
				for stack[i] != v {
					i--
				}
				lo := int32(len(g.order))
				for _, m := range stack[i:] {
					index[m] = done
					pos[m] = int32(len(g.order))
					g.order = append(g.order, m)
				}
				if len(stack)-i > 1 {
					g.cycles = append(g.cycles, cycle{lo: lo, hi: int32(len(g.order))})
				}
				stack = stack[:i]
			}
			if len(calls) > 0 {
				if u := calls[len(calls)-1].v; low[v] < low[u] {
					low[u] = low[v]
				}
			}
		}
	}
	// Lay the links out by position. Within a party they keep their input
	// order, except that a cycle member's links to other members come
	// first, so sweeps read only those.
	g.poff = make([]int32, n+1)
	g.psup = make([]int32, len(g.sup))
	g.pw = make([]float32, len(g.w))
	for i, v := range g.order {
		g.poff[i+1] = g.poff[i] + g.off[v+1] - g.off[v]
	}
	for i, v := range g.order {
		k := g.poff[i]
		for j := g.off[v]; j < g.off[v+1]; j++ {
			g.psup[k] = pos[g.sup[j]]
			g.pw[k] = g.w[j]
			k++
		}
	}
	var in, out []int32
	var win, wout []float32
	for ci := range g.cycles {
		c := &g.cycles[ci]
		c.inner = make([]int32, c.hi-c.lo)
		for i := c.lo; i < c.hi; i++ {
			lo, hi := g.poff[i], g.poff[i+1]
			// Stable partition: members first, then outsiders.
			in, out, win, wout = in[:0], out[:0], win[:0], wout[:0]
			inside := 0.0
			for k := lo; k < hi; k++ {
				if s := g.psup[k]; s >= c.lo && s < c.hi {
					in, win = append(in, s), append(win, g.pw[k])
					inside += float64(g.pw[k])
				} else {
					out, wout = append(out, s), append(wout, g.pw[k])
				}
			}
			copy(g.psup[lo:], in)
			copy(g.psup[lo+int32(len(in)):], out)
			copy(g.pw[lo:], win)
			copy(g.pw[lo+int32(len(win)):], wout)
			c.inner[i-c.lo] = lo + int32(len(in))
			c.rate = math.Max(c.rate, inside)
		}
	}
}

// Contributor is a supplier's share in a buyer's exposure.
type Contributor struct {
	Supplier int32
	Weight   float64 // the link's weight after filling unknown shares
	Exposure float64 // the supplier's exposure, 0-100
	Points   float64 // decay x weight x exposure: what it passes up, 0-100
}

// Contributors returns the k suppliers of buyer b that pass the most
// exposure up to it, largest first (ties by supplier number), to explain an
// exposure. exposure is the result of Propagate.
func Contributors(g *Graph, exposure []float64, decay float64, b int32, k int) []Contributor {
	sup, w := g.Suppliers(b)
	out := make([]Contributor, 0, len(sup))
	for i, s := range sup {
		out = append(out, Contributor{Supplier: s, Weight: float64(w[i]), Exposure: exposure[s], Points: decay * float64(w[i]) * exposure[s]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Points != out[j].Points {
			return out[i].Points > out[j].Points
		}
		return out[i].Supplier < out[j].Supplier
	})
	if k >= 0 && len(out) > k {
		out = out[:k]
	}
	return out
}

// Tiers numbers parties by their distance from the reporting organisation:
// the parties in direct supply it (tier 1), their suppliers are tier 2, and
// so on, each party taking the lowest tier through which it is reached.
// Parties not reached get 0. Cycles are harmless: a party is numbered once.
func Tiers(g *Graph, direct []int32) ([]int32, error) {
	n := g.Len()
	tier := make([]int32, n)
	queue := make([]int32, 0, len(direct))
	for i, d := range direct {
		if d < 0 || int(d) >= n {
			return nil, kernel.Errorf(kernel.Invalid, "direct supplier %d (entry %d) is not a party (0..%d)", d, i, n-1)
		}
		if tier[d] == 0 {
			tier[d] = 1
			queue = append(queue, d)
		}
	}
	for h := 0; h < len(queue); h++ {
		b := queue[h]
		sup, _ := g.Suppliers(b)
		for _, s := range sup {
			if tier[s] == 0 {
				tier[s] = tier[b] + 1
				queue = append(queue, s)
			}
		}
	}
	return tier, nil
}
