package supplychain

import (
	"cmp"
	"maps"
	"slices"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Graph is an in-memory supply graph: parties and the links between them. It
// is what `assess` builds from files and what the risk engine walks. A Graph
// is not safe for concurrent writes.
type Graph struct {
	parties   map[string]Party
	links     map[LinkKey]Link
	suppliers map[string][]LinkKey // buyer id (or Reporting) -> its links, in insertion order
	buyers    map[string][]LinkKey // supplier id -> its links
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{
		parties:   make(map[string]Party),
		links:     make(map[LinkKey]Link),
		suppliers: make(map[string][]LinkKey),
		buyers:    make(map[string][]LinkKey),
	}
}

// MergeStats counts what a merge changed.
type MergeStats struct {
	PartiesAdded, PartiesUpdated, PartiesUnchanged int
	LinksAdded, LinksUpdated, LinksUnchanged       int
}

// Changed reports whether the merge changed anything.
func (s MergeStats) Changed() bool {
	return s.PartiesAdded+s.PartiesUpdated+s.LinksAdded+s.LinksUpdated > 0
}

// Merge adds parties and links to the graph, replacing a stored party with
// the same id and a stored link with the same key, so that merging the same
// import twice changes nothing. Everything is checked first: on error the
// graph is left as it was. A link must name parties that are in the graph or
// in parties (its buyer may be Reporting).
func (g *Graph) Merge(parties []Party, links []Link) (MergeStats, error) {
	var st MergeStats
	incoming := make(map[string]bool, len(parties))
	for i, p := range parties {
		if err := p.Validate(); err != nil {
			return st, kernel.Wrap(kernel.Invalid, err, "party %d (%s)", i+1, p.ID)
		}
		incoming[p.ID] = true
	}
	known := func(id string) bool {
		_, ok := g.parties[id]
		return ok || incoming[id]
	}
	for i, l := range links {
		if err := l.Validate(); err != nil {
			return st, kernel.Wrap(kernel.Invalid, err, "link %d (%s <- %s)", i+1, l.Buyer, l.Supplier)
		}
		if !known(l.Supplier) {
			return st, kernel.Errorf(kernel.Invalid, "link %d: supplier %q is not a known party", i+1, l.Supplier)
		}
		if l.Buyer != Reporting && !known(l.Buyer) {
			return st, kernel.Errorf(kernel.Invalid, "link %d: buyer %q is not a known party", i+1, l.Buyer)
		}
	}
	for _, p := range parties {
		old, ok := g.parties[p.ID]
		switch {
		case !ok:
			st.PartiesAdded++
		case partyEqual(old, p):
			st.PartiesUnchanged++
			continue
		default:
			st.PartiesUpdated++
		}
		g.parties[p.ID] = clonePart(p)
	}
	for _, l := range links {
		k := l.Key()
		old, ok := g.links[k]
		switch {
		case !ok:
			st.LinksAdded++
			g.suppliers[l.Buyer] = append(g.suppliers[l.Buyer], k)
			g.buyers[l.Supplier] = append(g.buyers[l.Supplier], k)
		case linkEqual(old, l):
			st.LinksUnchanged++
			continue
		default:
			st.LinksUpdated++
		}
		g.links[k] = cloneLink(l)
	}
	return st, nil
}

func clonePart(p Party) Party {
	p.Commodities = slices.Clone(p.Commodities)
	p.UnknownCommodities = slices.Clone(p.UnknownCommodities)
	p.Attributes = maps.Clone(p.Attributes)
	if p.Lat != nil {
		lat, lng := *p.Lat, *p.Lng
		p.Lat, p.Lng = &lat, &lng
	}
	return p
}

func cloneLink(l Link) Link {
	if l.Share != nil {
		s := *l.Share
		l.Share = &s
	}
	return l
}

func floatPtrEqual(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func partyEqual(a, b Party) bool {
	return a.ID == b.ID && a.Ref == b.Ref && a.Name == b.Name && a.Kind == b.Kind &&
		a.Country == b.Country && a.Region == b.Region && a.Address == b.Address &&
		floatPtrEqual(a.Lat, b.Lat) && floatPtrEqual(a.Lng, b.Lng) &&
		a.OSID == b.OSID && a.LEI == b.LEI && a.GLN == b.GLN && a.Workers == b.Workers &&
		slices.Equal(a.Commodities, b.Commodities) &&
		slices.Equal(a.UnknownCommodities, b.UnknownCommodities) &&
		maps.Equal(a.Attributes, b.Attributes)
}

func linkEqual(a, b Link) bool { return a.Key() == b.Key() && floatPtrEqual(a.Share, b.Share) }

// Len returns the number of parties and links.
func (g *Graph) Len() (parties, links int) { return len(g.parties), len(g.links) }

// Party returns the party with the given id.
func (g *Graph) Party(id string) (Party, bool) {
	p, ok := g.parties[id]
	if !ok {
		return Party{}, false
	}
	return clonePart(p), true
}

// Parties returns every party, sorted by id.
func (g *Graph) Parties() []Party {
	out := make([]Party, 0, len(g.parties))
	for _, p := range g.parties {
		out = append(out, clonePart(p))
	}
	slices.SortFunc(out, func(a, b Party) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Links returns every link, sorted by buyer, supplier and commodity.
func (g *Graph) Links() []Link {
	out := make([]Link, 0, len(g.links))
	for _, l := range g.links {
		out = append(out, cloneLink(l))
	}
	slices.SortFunc(out, func(a, b Link) int { return compareKey(a.Key(), b.Key()) })
	return out
}

func compareKey(a, b LinkKey) int {
	return cmp.Or(cmp.Compare(a.Buyer, b.Buyer), cmp.Compare(a.Supplier, b.Supplier), cmp.Compare(a.Commodity, b.Commodity))
}

// Suppliers returns the links by which parties supply buyer (use Reporting
// for the reporting organisation's direct suppliers), in insertion order.
func (g *Graph) Suppliers(buyer string) []Link {
	return g.collect(g.suppliers[buyer])
}

// Buyers returns the links by which supplier supplies others.
func (g *Graph) Buyers(supplier string) []Link {
	return g.collect(g.buyers[supplier])
}

func (g *Graph) collect(keys []LinkKey) []Link {
	out := make([]Link, 0, len(keys))
	for _, k := range keys {
		out = append(out, cloneLink(g.links[k]))
	}
	return out
}

// Tiers returns each reachable party's tier: 1 for a party that supplies the
// reporting organisation directly, n+1 for a supplier of a tier-n party, the
// shortest distance when there are several paths. Parties not connected to
// the reporting organisation are absent (tier unknown). A breadth-first walk
// visits each party once, so cycles (traders buying from each other) end.
func (g *Graph) Tiers() map[string]int {
	tiers := make(map[string]int, len(g.parties))
	queue := make([]string, 0, len(g.suppliers[Reporting]))
	for _, k := range g.suppliers[Reporting] {
		if _, seen := tiers[k.Supplier]; !seen {
			tiers[k.Supplier] = 1
			queue = append(queue, k.Supplier)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		next := tiers[id] + 1
		for _, k := range g.suppliers[id] {
			if _, seen := tiers[k.Supplier]; !seen {
				tiers[k.Supplier] = next
				queue = append(queue, k.Supplier)
			}
		}
	}
	return tiers
}

// Cycles returns the groups of parties that supply each other in a loop
// (strongly connected components of more than one party), each sorted, in a
// stable order. It is iterative, so deep chains do not exhaust the stack.
func (g *Graph) Cycles() [][]string {
	ids := make([]string, 0, len(g.parties))
	for id := range g.parties {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	index := make(map[string]int, len(ids))
	low := make(map[string]int, len(ids))
	onStack := make(map[string]bool)
	var stack []string
	var out [][]string
	counter := 0
	type frame struct {
		id   string
		next int // position in the supplier list still to visit
	}
	for _, root := range ids {
		if _, done := index[root]; done {
			continue
		}
		call := []frame{{id: root}}
		index[root], low[root] = counter, counter
		counter++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			edges := g.suppliers[f.id]
			if f.next < len(edges) {
				w := edges[f.next].Supplier
				f.next++
				if _, seen := index[w]; !seen {
					index[w], low[w] = counter, counter
					counter++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{id: w})
				} else if onStack[w] {
					low[f.id] = min(low[f.id], index[w])
				}
				continue
			}
			v := f.id
			call = call[:len(call)-1]
			if len(call) > 0 {
				parent := call[len(call)-1].id
				low[parent] = min(low[parent], low[v])
			}
			if low[v] == index[v] {
				var comp []string
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp = append(comp, w)
					if w == v {
						break
					}
				}
				if len(comp) > 1 {
					slices.Sort(comp)
					out = append(out, comp)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b []string) int { return cmp.Compare(a[0], b[0]) })
	return out
}
