package assessment

import (
	"math"
	"slices"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Chain is a supply graph held compactly enough to assess a million
// parties in memory: parties by position, links as pairs of positions. It
// is an ingest.Sink. It is not safe for concurrent use.
type Chain struct {
	index   map[string]int32 // party id -> position
	parties []party
	links   []link
	// screened, when set, is told of every party added or replaced, so
	// screening can run while the files are still being read.
	screened func(pos int32)
	// lists name the list of every hit's entity, for its signal.
	lists map[string]screening.List
}

type party struct {
	id, ref, name, country string
	commodities, unknown   []string
	hits                   []screening.Hit // nil for almost every party
	signals                []risk.Signal   // given by AddSignals
}

// link says supplier supplies buyer; buyer -1 is the reporting
// organisation. share is risk.UnknownShare when not given.
type link struct {
	buyer, supplier int32
	share           float32
}

// NewChain returns an empty chain.
func NewChain() *Chain { return &Chain{index: map[string]int32{}} }

// Len is the number of parties.
func (c *Chain) Len() int { return len(c.parties) }

// Party adds p, replacing a party with the same id read before (a later
// file, or an EPCIS master-data update, knows more).
func (c *Chain) Party(p supplychain.Party) error {
	cp := party{id: p.ID, ref: p.Ref, name: p.Name, country: p.Country,
		commodities: slices.Clip(p.Commodities), unknown: slices.Clip(p.UnknownCommodities)}
	i, ok := c.index[p.ID]
	if ok {
		// Signals given from outside stay; hits belong to the old name and
		// the new one is screened again.
		cp.signals = c.parties[i].signals
		c.parties[i] = cp
	} else {
		if len(c.parties) >= math.MaxInt32-1 {
			return kernel.Errorf(kernel.Invalid, "more than %d parties", math.MaxInt32-1)
		}
		i = int32(len(c.parties))
		c.index[p.ID] = i
		c.parties = append(c.parties, cp)
	}
	if c.screened != nil {
		c.screened(i)
	}
	return nil
}

// Link adds l; its parties were sent before it.
func (c *Chain) Link(l supplychain.Link) error {
	s, ok := c.index[l.Supplier]
	if !ok {
		return kernel.Errorf(kernel.Internal, "link names supplier %s before the party", l.Supplier)
	}
	b := int32(-1)
	if l.Buyer != supplychain.Reporting {
		if b, ok = c.index[l.Buyer]; !ok {
			return kernel.Errorf(kernel.Internal, "link names buyer %s before the party", l.Buyer)
		}
	}
	share := risk.UnknownShare
	if l.Share != nil {
		share = float32(*l.Share)
	}
	c.links = append(c.links, link{buyer: b, supplier: s, share: share})
	return nil
}

// Has reports whether a party with this id was read.
func (c *Chain) Has(id string) bool {
	_, ok := c.index[id]
	return ok
}

// AddSignals adds risk signals (from the review queue, grievances, audits)
// to the party with this id; it reports false when there is no such party.
func (c *Chain) AddSignals(id string, ss []risk.Signal) bool {
	i, ok := c.index[id]
	if ok {
		c.parties[i].signals = append(c.parties[i].signals, ss...)
	}
	return ok
}

// addGraphParty adds a stored party: it passed validation on the way in,
// and only what scoring reads is loaded.
func (c *Chain) addGraphParty(p supplychain.GraphParty) {
	c.index[p.ID] = int32(len(c.parties))
	c.parties = append(c.parties, party{id: p.ID, country: p.Country, commodities: p.Commodities})
}

// label names a party in messages and in the register: the file's own id
// when it has one.
func (p *party) label() string {
	if p.ref != "" {
		return p.ref
	}
	return p.id
}
