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
type Graph struct {
	off []int32 // suppliers of buyer b are sup[off[b]:off[b+1]]
	sup []int32
	w   []float32
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
// on the 0-1 scale. On a graph without cycles this is computed exactly, each
// party once, suppliers before buyers. Parties on a cycle (traders buying
// from each other) form a strongly connected component; its exposures are
// the fixed point of the formula, reached by a number of Gauss-Seidel sweeps
// fixed by the structure of the component alone, enough to bring the error
// under the configured tolerance. Because that number does not depend on the
// scores, raising any own score never lowers any exposure, and the same
// input always gives the same output.
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
	p := propagation{g: g, decay: decay, logTol: math.Log(tolerance), nodes: make([]node, n)}
	for i, v := range own {
		p.nodes[i].keep = 1 - v/100
	}
	p.run()
	exp := make([]float64, n)
	for i := range p.nodes {
		exp[i] = 100 * p.nodes[i].exp
	}
	return exp, nil
}

type propagation struct {
	g      *Graph
	decay  float64
	logTol float64
	nodes  []node
	local  []int32 // scratch: a party's position in the component being solved
}

// node keeps what the walk reads about a party side by side, so looking at
// a supplier costs one cache line rather than three.
type node struct {
	// index is 0 before the party is visited, its visit number (from 1)
	// while it is on the stack, and done once its component is solved;
	// done is larger than every visit number, so solved parties never
	// lower a low-link.
	index, low int32
	exp        float64 // exposure, 0-1, final once index is done
	keep       float64 // 1 - own score, 0-1
}

const done = math.MaxInt32

// run walks the graph with Tarjan's strongly-connected-components
// algorithm (iteratively, so deep chains cannot overflow the stack), from
// buyers to suppliers. Tarjan emits a component only after every component
// it reaches, that is after all its suppliers, so each component is solved
// as soon as it is emitted. A party alone in its component (the usual case)
// is solved from the sum its frame gathered while walking its suppliers,
// without reading its links a second time.
func (p *propagation) run() {
	g := p.g
	nodes := p.nodes
	type frame struct {
		v, k int32
		up   float64 // sum of weight x exposure over solved suppliers so far
	}
	var stack []int32
	var calls []frame
	counter := int32(0)
	visit := func(v int32) {
		counter++
		nodes[v].index, nodes[v].low = counter, counter
		stack = append(stack, v)
		calls = append(calls, frame{v: v, k: g.off[v]})
	}
	for root := range int32(len(nodes)) {
		if nodes[root].index != 0 {
			continue
		}
		visit(root)
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			v := f.v
			if f.k < g.off[v+1] {
				k := f.k
				f.k++
				s := g.sup[k]
				ns := &nodes[s]
				switch is := ns.index; {
				case is == 0:
					visit(s)
				case is == done:
					f.up += float64(g.w[k]) * ns.exp
				case is < nodes[v].low:
					nodes[v].low = is
				}
				continue
			}
			up := f.up
			calls = calls[:len(calls)-1]
			nv := &nodes[v]
			if nv.low == nv.index {
				i := len(stack) - 1
				for stack[i] != v {
					i--
				}
				if i == len(stack)-1 {
					nv.exp = 1 - nv.keep*(1-p.decay*up)
				} else {
					p.solve(stack[i:], nv.index)
				}
				for _, m := range stack[i:] {
					nodes[m].index = done
				}
				stack = stack[:i]
			}
			if len(calls) > 0 {
				parent := &calls[len(calls)-1]
				if nv.index == done {
					parent.up += float64(g.w[parent.k-1]) * nv.exp
				} else if np := &nodes[parent.v]; nv.low < np.low {
					np.low = nv.low
				}
			}
		}
	}
}

// solve computes the exposures of a component of several parties (a
// cycle) whose suppliers outside it are already final. Members are the
// parties with a visit number of at least first that are not yet done.
func (p *propagation) solve(members []int32, first int32) {
	nodes := p.nodes
	if p.local == nil {
		p.local = make([]int32, len(nodes))
	}
	for i, m := range members {
		p.local[m] = int32(i)
	}
	// Exposure from outside the component is final: sum it once. Links
	// inside it are copied into a small local graph the sweeps walk.
	ext := make([]float64, len(members))
	off := make([]int32, len(members)+1)
	var in []int32
	var win []float64
	rate := 0.0
	for i, b := range members {
		sup, w := p.g.Suppliers(b)
		inside := 0.0
		for k, s := range sup {
			if is := nodes[s].index; is >= first && is != done {
				in = append(in, p.local[s])
				win = append(win, float64(w[k]))
				inside += float64(w[k])
			} else {
				ext[i] += float64(w[k]) * nodes[s].exp
			}
		}
		off[i+1] = int32(len(in))
		rate = math.Max(rate, p.decay*inside)
	}
	// A sweep shrinks the error by at most decay x the largest weight a
	// member puts on other members, so this many sweeps bring it under the
	// tolerance. The count depends on the links only, never on the scores,
	// which keeps the result monotone in them. Members start at their own
	// score, below the fixed point, and each sweep moves them up towards it.
	sweeps := 1
	if rate > 0 {
		sweeps = int(math.Ceil(p.logTol/math.Log(rate))) + 1
	}
	e := make([]float64, len(members))
	keep := make([]float64, len(members))
	for i, b := range members {
		keep[i] = nodes[b].keep
		e[i] = 1 - keep[i]
	}
	for range sweeps {
		for i := range e {
			up := ext[i]
			for k := off[i]; k < off[i+1]; k++ {
				up += win[k] * e[in[k]]
			}
			e[i] = 1 - keep[i]*(1-p.decay*up)
		}
	}
	for i, b := range members {
		nodes[b].exp = e[i]
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
