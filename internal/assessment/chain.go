package assessment

import (
	"math"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Chain is a supply graph held compactly enough to assess a million
// parties in memory: parties by position, links as pairs of positions. It
// is an ingest.Sink. It is not safe for concurrent use.
type Chain struct {
	index   partyIndex
	parties []party
	links   []link
	// goods are the distinct commodity lists of the parties; a million
	// parties have a few hundred, so each party holds a number.
	goods     []goods
	goodsKeys map[string]int32
	keyBuf    []byte
	// more holds what few parties have (hits, signals given from outside),
	// so that the others stay small.
	more []more
	// the party added last and the buyer linked last, since a file's links
	// follow their supplier's row and come grouped by buyer.
	lastID, lastBuyer   string
	lastPos, lastBuyerP int32
	// screened, when set, is told of every party added or replaced, so
	// screening can run while the files are still being read.
	screened func(pos int32)
	// lists name the list of every hit's entity, for its signal.
	lists map[string]screening.List
}

type party struct {
	id, ref, name, country string
	goods                  int32 // in Chain.goods
	more                   int32 // in Chain.more; 0 for none
}

// goods are a party's canonical commodities, those of them that were
// inferred rather than declared, the declared rest, and the names that
// could not be normalised.
type goods struct {
	commodities, unknown, inferred, declared []string
}

type more struct {
	hits    []screening.Hit // nil for almost every party
	signals []risk.Signal   // given by AddSignals
}

// link says supplier supplies buyer; buyer -1 is the reporting
// organisation. share is risk.UnknownShare when not given.
type link struct {
	buyer, supplier int32
	share           float32
}

// grow makes room for one more element of s, doubling its capacity when
// full: append grows large slices by a quarter, which for a million
// parties copies each about five times over.
func grow[E any](s []E) []E {
	if len(s) < cap(s) {
		return s
	}
	return slices.Grow(s, max(len(s), 256))
}

// NewChain returns an empty chain.
func NewChain() *Chain {
	// Position 0 of more stands for none, and goods 0 for no commodities.
	return &Chain{index: newPartyIndex(), goods: []goods{{}}, goodsKeys: map[string]int32{"": 0}, more: make([]more, 1),
		lastPos: -1, lastBuyerP: -1}
}

// Len is the number of parties.
func (c *Chain) Len() int { return len(c.parties) }

// Party adds p, replacing a party with the same id read before (a later
// file, or an EPCIS master-data update, knows more).
func (c *Chain) Party(p supplychain.Party) error {
	_, err := c.PartyNumber(p)
	return err
}

// PartyNumber adds p as Party does and returns its position, for
// LinkNumbers.
func (c *Chain) PartyNumber(p supplychain.Party) (int32, error) {
	// The name is copied: it is usually part of the text of its whole row,
	// which would otherwise stay in memory to the end.
	cp := party{id: p.ID, ref: p.Ref, name: strings.Clone(p.Name), country: p.Country, goods: c.internGoods(p.Commodities, p.UnknownCommodities, p.InferredCommodities)}
	i, ok := c.index.get(p.ID)
	if ok {
		// Signals given from outside stay; hits belong to the old name and
		// the new one is screened again.
		if m := c.parties[i].more; m != 0 {
			c.more[m].hits = nil
			cp.more = m
		}
		c.parties[i] = cp
	} else {
		if len(c.parties) >= math.MaxInt32-1 {
			return -1, kernel.Errorf(kernel.Invalid, "more than %d parties", math.MaxInt32-1)
		}
		i = int32(len(c.parties))
		c.index.put(p.ID, i)
		c.parties = append(grow(c.parties), cp)
	}
	c.lastID, c.lastPos = p.ID, i
	if c.screened != nil {
		c.screened(i)
	}
	return i, nil
}

// internGoods returns the number of the commodity lists, adding them when
// new.
func (c *Chain) internGoods(known, unknown, inferred []string) int32 {
	if len(known) == 0 && len(unknown) == 0 && len(inferred) == 0 {
		return 0
	}
	// The key separates items by a byte no commodity holds (the importers
	// refuse invalid UTF-8, and 0xff is never valid).
	b := c.keyBuf[:0]
	for _, k := range known {
		b = append(append(b, k...), 0xff)
	}
	b = append(b, 0xfe)
	for _, u := range unknown {
		b = append(append(b, u...), 0xff)
	}
	b = append(b, 0xfe)
	for _, u := range inferred {
		b = append(append(b, u...), 0xff)
	}
	c.keyBuf = b
	if g, ok := c.goodsKeys[string(b)]; ok {
		return g
	}
	g := int32(len(c.goods))
	gd := goods{commodities: slices.Clone(known), unknown: slices.Clone(unknown), inferred: slices.Clone(inferred)}
	gd.declared = gd.commodities
	if len(inferred) > 0 {
		gd.declared = nil
		for _, k := range known {
			if !slices.Contains(inferred, k) {
				gd.declared = append(gd.declared, k)
			}
		}
	}
	c.goods = append(c.goods, gd)
	c.goodsKeys[string(b)] = g
	return g
}

// Link adds l; its parties were sent before it.
func (c *Chain) Link(l supplychain.Link) error {
	s, ok := c.lastPos, l.Supplier == c.lastID && c.lastPos >= 0
	if !ok {
		if s, ok = c.index.get(l.Supplier); !ok {
			return kernel.Errorf(kernel.Internal, "link names supplier %s before the party", l.Supplier)
		}
	}
	b := int32(-1)
	if l.Buyer != supplychain.Reporting {
		if b, ok = c.lastBuyerP, l.Buyer == c.lastBuyer && c.lastBuyerP >= 0; !ok {
			if b, ok = c.index.get(l.Buyer); !ok {
				return kernel.Errorf(kernel.Internal, "link names buyer %s before the party", l.Buyer)
			}
			c.lastBuyer, c.lastBuyerP = l.Buyer, b
		}
	}
	c.addLink(b, s, l.Share)
	return nil
}

// addLink adds the link from supplier to buyer (positions; buyer -1 for
// the reporting organisation).
func (c *Chain) addLink(buyer, supplier int32, share *float64) {
	sh := risk.UnknownShare
	if share != nil {
		sh = float32(*share)
	}
	c.links = append(grow(c.links), link{buyer: buyer, supplier: supplier, share: sh})
}

// LinkNumbers adds l, whose parties are at the positions PartyNumber
// returned (buyer -1 for the reporting organisation).
func (c *Chain) LinkNumbers(l supplychain.Link, supplier, buyer int32) error {
	if supplier < 0 || int(supplier) >= len(c.parties) || buyer < -1 || int(buyer) >= len(c.parties) {
		return kernel.Errorf(kernel.Internal, "link names parties %d and %d of %d", supplier, buyer, len(c.parties))
	}
	c.addLink(buyer, supplier, l.Share)
	return nil
}

// Has reports whether a party with this id was read.
func (c *Chain) Has(id string) bool {
	_, ok := c.index.get(id)
	return ok
}

// AddSignals adds risk signals (from the review queue, grievances, audits)
// to the party with this id; it reports false when there is no such party.
func (c *Chain) AddSignals(id string, ss []risk.Signal) bool {
	i, ok := c.index.get(id)
	if ok {
		m := c.moreOf(i)
		m.signals = append(m.signals, ss...)
	}
	return ok
}

// moreOf returns the rarely used part of party i, making it when missing.
func (c *Chain) moreOf(i int32) *more {
	p := &c.parties[i]
	if p.more == 0 {
		p.more = int32(len(c.more))
		c.more = append(c.more, more{})
	}
	return &c.more[p.more]
}

// hits returns the watchlist hits of p.
func (c *Chain) hits(p *party) []screening.Hit { return c.more[p.more].hits }

// goodsOf returns the commodity lists of p.
func (c *Chain) goodsOf(p *party) *goods { return &c.goods[p.goods] }

// addGraphParty adds a stored party: it passed validation on the way in,
// and only what scoring reads is loaded.
func (c *Chain) addGraphParty(p supplychain.GraphParty) {
	c.index.put(p.ID, int32(len(c.parties)))
	c.parties = append(grow(c.parties), party{id: p.ID, country: p.Country, goods: c.internGoods(p.Commodities, nil, p.Inferred)})
}

// label names a party in messages and in the register: the file's own id
// when it has one.
func (p *party) label() string {
	if p.ref != "" {
		return p.ref
	}
	return p.id
}

// partyIndex finds parties by id. Ids are almost always UUIDs (see
// supplychain.StableID), which it keeps as 16 bytes: the map then holds no
// pointers for the collector to scan, and comparing keys reads no other
// memory. Other ids go to a map of strings.
type partyIndex struct {
	uuids map[[16]byte]int32
	other map[string]int32
}

func newPartyIndex() partyIndex {
	return partyIndex{uuids: map[[16]byte]int32{}, other: map[string]int32{}}
}

func (x partyIndex) get(id string) (int32, bool) {
	if k, ok := uuidKey(id); ok {
		i, ok := x.uuids[k]
		return i, ok
	}
	i, ok := x.other[id]
	return i, ok
}

func (x partyIndex) put(id string, i int32) {
	if k, ok := uuidKey(id); ok {
		x.uuids[k] = i
		return
	}
	x.other[id] = i
}

// uuidKey returns the bytes of a UUID written in its canonical form (lower
// case, hyphens at 8, 13, 18 and 23), and false for anything else, so that
// two ids have the same key only when they are the same string.
func uuidKey(id string) (k [16]byte, ok bool) {
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return k, false
	}
	j := 0
	for i := 0; i < 36; i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
		}
		hi, lo := unhex[id[i]], unhex[id[i+1]]
		if hi|lo > 0xf {
			return k, false
		}
		k[j] = hi<<4 | lo
		j++
	}
	return k, true
}

// unhex maps lower-case hexadecimal digits to their value and everything
// else to 0xff.
var unhex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := byte(0); i < 10; i++ {
		t['0'+i] = i
	}
	for i := byte(0); i < 6; i++ {
		t['a'+i] = 10 + i
	}
	return t
}()
