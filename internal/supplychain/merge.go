package supplychain

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// Facility merges. When the facility matcher finds that a facility read by
// an import is the same place as one already stored, the new one (From) is
// merged into the stored one (Into): its links are moved to Into, the
// fields Into lacks are filled from it, and it is removed. A Merge keeps
// everything needed to undo it exactly, and where the merged facility was
// read (the import, the file and its row), so that an analyst can see why
// two records became one and take it back.

// MergeRule says who decided a merge.
type MergeRule string

const (
	// RuleAutomatic is a merge the import made because the matcher's score
	// reached its "same" threshold.
	RuleAutomatic MergeRule = "automatic"
	// RuleAnalyst is a merge an analyst made from the possible-duplicates
	// queue.
	RuleAnalyst MergeRule = "analyst"
)

// Origin is where a facility was read: the import (one run of an import
// over one or more files), the file, and the row's line or the EPCIS
// event's id.
type Origin struct {
	ImportID string `json:"import_id,omitempty"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	EventID  string `json:"event_id,omitempty"`
}

// Where says where the origin is, for people: "suppliers.csv, line 12" or
// "events.json, event urn:uuid:…"; empty when nothing is known.
func (o Origin) Where() string {
	switch {
	case o.File == "":
		return ""
	case o.EventID != "":
		return o.File + ", event " + o.EventID
	case o.Line > 0:
		return o.File + ", line " + strconv.Itoa(o.Line)
	}
	return o.File
}

// Merge is one facility merged into another.
type Merge struct {
	ID      string
	Into    string // the party kept
	From    string // the party merged into it and removed
	Rule    MergeRule
	Score   float64  // the matcher's score, 0..1
	Reasons []string // the matcher's reasons
	Actor   string   // the user who merged (RuleAnalyst); empty for imports
	// Origin is where From was read, when an import merged it.
	Origin Origin
	At     time.Time
	// Undone is set once the merge is taken back.
	UndoneAt time.Time
	UndoneBy string
	// SupersededBy is the later merge of the same two parties (From was
	// imported again) that took this one over; only that one is undone.
	SupersededBy string
	// IntoName and FromName name both parties as they were at the merge,
	// for lists of merges (the merged party no longer exists).
	IntoName, FromName string
	// Undo is what the merge changed, in full.
	Undo MergeUndo
}

// MergeUndo is what a merge changed, kept so that it can be undone: the
// removed party and its links exactly as they were, the links the merge
// created on the kept party, and the fields and commodities it filled in.
type MergeUndo struct {
	From      Party          `json:"from"`
	FromLinks []MergeLink    `json:"from_links"`
	Created   []MergeLink    `json:"created"`
	Filled    map[string]any `json:"filled,omitempty"`
	// AddedCommodities and AddedInferred were added to the kept party's
	// commodities (the latter also to its inferred ones).
	AddedCommodities []string `json:"added_commodities,omitempty"`
	AddedInferred    []string `json:"added_inferred,omitempty"`
	// References is what the store moved of the other records naming the
	// removed party (audits, watchlist hits, EPCIS event records, cases,
	// alerts...), in the store's own terms, so that the undo moves
	// exactly those back.
	References json.RawMessage `json:"references,omitempty"`
}

// MergeLink is a Link as kept in a MergeUndo.
type MergeLink struct {
	Buyer     string   `json:"buyer"`
	Supplier  string   `json:"supplier"`
	Commodity string   `json:"commodity"`
	Share     *float64 `json:"share,omitempty"`
}

// Link returns the link.
func (m MergeLink) Link() Link {
	return Link{Buyer: m.Buyer, Supplier: m.Supplier, Commodity: m.Commodity, Share: m.Share}
}

func mergeLink(l Link) MergeLink {
	return MergeLink{Buyer: l.Buyer, Supplier: l.Supplier, Commodity: l.Commodity, Share: l.Share}
}

// MoveLinks works out what merging from into into does to the links that
// name from: each moves to into, unless into already has a link with the
// same key (the existing one is kept as it is) or it would make into
// supply itself (dropped). It returns the links to create; the caller
// removes every link of from.
func MoveLinks(from, into string, fromLinks []Link, exists func(LinkKey) bool) (created []Link) {
	seen := map[LinkKey]bool{}
	for _, l := range fromLinks {
		m := l
		if m.Buyer == from {
			m.Buyer = into
		}
		if m.Supplier == from {
			m.Supplier = into
		}
		if m.Buyer == m.Supplier {
			continue
		}
		k := m.Key()
		if seen[k] || exists(k) {
			continue
		}
		seen[k] = true
		created = append(created, m)
	}
	return created
}

// FillFrom returns into with the fields it lacks taken from from, and
// what was filled: an address, coordinates, identifiers, region, workers,
// and the commodities into does not list. Into's own values always win.
func FillFrom(into, from Party) (Party, MergeUndo) {
	var u MergeUndo
	u.Filled = map[string]any{}
	fill := func(field string, dst *string, v string) {
		if *dst == "" && v != "" {
			*dst = v
			u.Filled[field] = v
		}
	}
	fill("address", &into.Address, from.Address)
	fill("region", &into.Region, from.Region)
	fill("os_id", &into.OSID, from.OSID)
	fill("lei", &into.LEI, from.LEI)
	fill("gln", &into.GLN, from.GLN)
	if into.Country == "" && from.Country != "" {
		into.Country = from.Country
		u.Filled["country"] = from.Country
	}
	if into.Lat == nil && from.Lat != nil && from.Lng != nil {
		lat, lng := *from.Lat, *from.Lng
		into.Lat, into.Lng = &lat, &lng
		u.Filled["lat"], u.Filled["lng"] = lat, lng
	}
	if into.Workers == 0 && from.Workers > 0 {
		into.Workers = from.Workers
		u.Filled["workers"] = from.Workers
	}
	into.Commodities = slices.Clone(into.Commodities)
	into.InferredCommodities = slices.Clone(into.InferredCommodities)
	for _, c := range from.Commodities {
		if slices.Contains(into.Commodities, c) {
			continue
		}
		into.Commodities = append(into.Commodities, c)
		u.AddedCommodities = append(u.AddedCommodities, c)
		if slices.Contains(from.InferredCommodities, c) {
			into.InferredCommodities = append(into.InferredCommodities, c)
			u.AddedInferred = append(u.AddedInferred, c)
		}
	}
	if len(u.AddedInferred) > 0 && into.InferredFrom == "" {
		into.InferredFrom = from.InferredFrom
		u.Filled["inferred_from"] = from.InferredFrom
	}
	if len(u.Filled) == 0 {
		u.Filled = nil
	}
	return into, u
}

// Unfill takes back from p what FillFrom filled, where p still holds the
// value filled (a later import that wrote the field keeps its value).
func Unfill(p Party, u MergeUndo) Party {
	str := func(field string, dst *string) {
		if v, ok := u.Filled[field].(string); ok && *dst == v {
			*dst = ""
		}
	}
	str("address", &p.Address)
	str("region", &p.Region)
	str("os_id", &p.OSID)
	str("lei", &p.LEI)
	str("gln", &p.GLN)
	str("country", &p.Country)
	str("inferred_from", &p.InferredFrom)
	if lat, ok := number(u.Filled["lat"]); ok && p.Lat != nil && *p.Lat == lat {
		if lng, ok := number(u.Filled["lng"]); ok && p.Lng != nil && *p.Lng == lng {
			p.Lat, p.Lng = nil, nil
		}
	}
	if w, ok := number(u.Filled["workers"]); ok && float64(p.Workers) == w {
		p.Workers = 0
	}
	drop := func(list, remove []string) []string {
		if len(remove) == 0 {
			return list
		}
		out := list[:0:0]
		for _, c := range list {
			if !slices.Contains(remove, c) {
				out = append(out, c)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	p.Commodities = drop(p.Commodities, u.AddedCommodities)
	p.InferredCommodities = drop(p.InferredCommodities, u.AddedInferred)
	return p
}

// number reads a value filled as a Go number or decoded from JSON.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

// FacilityMergeWriter is an ImportWriter that can also match and merge
// facilities inside the import's transaction.
type FacilityMergeWriter interface {
	ImportWriter
	// Facilities returns every stored facility of the organisation with
	// its name, address, country, coordinates and identifiers.
	Facilities() ([]Party, error)
	// DecidedPairs returns the pairs merged or kept apart, by PairKey.
	DecidedPairs() (map[[2]string]PairStatus, error)
	// QueuePair puts a possible duplicate in the review queue; a pair
	// decided already keeps its decision.
	QueuePair(DuplicatePair) error
	// MergeFacility merges m.From into m.Into and records the merge,
	// returning it with its id and what undoes it.
	MergeFacility(m Merge) (Merge, error)
}

// PairStatus is where a possible duplicate stands.
type PairStatus string

const (
	PairOpen      PairStatus = "open"       // waiting for an analyst
	PairMerged    PairStatus = "merged"     // merged (by an analyst or an import)
	PairKeptApart PairStatus = "kept_apart" // not the same place: never merged automatically
)

// DuplicatePair is a pair of stored facilities the matcher scored between
// its review and same thresholds, or one an analyst decided. A is the
// facility stored first, B the one read later, which a merge folds into A.
type DuplicatePair struct {
	A, B      string
	Score     float64
	Reasons   []string
	Origin    Origin // where B was read
	Status    PairStatus
	At        time.Time // when the pair was found
	DecidedAt time.Time
	DecidedBy string
}

// PairKey is the order-free identity of a pair of parties.
func PairKey(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// MergeLinks converts links to their kept form.
func MergeLinks(ls []Link) []MergeLink {
	out := make([]MergeLink, len(ls))
	for i, l := range ls {
		out[i] = mergeLink(l)
	}
	return out
}
