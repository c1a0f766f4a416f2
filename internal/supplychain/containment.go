package supplychain

import (
	"strings"
	"time"
)

// Containment is one packing record from an EPCIS aggregation event
// (goods packed into a case or pallet, or unpacked) or association event
// (a sensor or asset attached to goods): the parent, its children, what
// was done, when and where. Containment lets goods be traced through
// packing; it never makes a supply link.
type Containment struct {
	EventID  string   // the event's eventID; empty when it has none
	Type     string   // AggregationEvent or AssociationEvent
	Action   string   // ADD (packed), DELETE (unpacked) or OBSERVE
	Parent   string   // parentID: an SSCC, a GRAI, ...
	Children []string // childEPCs and child quantity classes
	Time     string   // eventTime as the document wrote it
	Location string   // the party id of the place, empty when not given
	Origin   Origin   // where it was read
	Line     int      // the event's line, while it is being read
}

// Key identifies a containment record for storage: its event id, or when
// it has none a hash of what it says, so an import repeated does not
// record it twice.
func (c Containment) Key() string {
	if c.EventID != "" {
		return c.EventID
	}
	return StableID("containment", c.Type, c.Action, c.Parent, strings.Join(c.Children, " "), c.Time, c.Location)
}

// Verb says what the record means, for people.
func (c Containment) Verb() string {
	switch {
	case c.Type == "AssociationEvent" && c.Action == "DELETE":
		return "detached from"
	case c.Type == "AssociationEvent":
		return "attached to"
	case c.Action == "DELETE":
		return "unpacked from"
	case c.Action == "ADD":
		return "packed into"
	}
	return "seen in"
}

// When parses Time when it is an RFC 3339 time; ok is false otherwise.
func (c Containment) When() (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, c.Time)
	return t, err == nil
}

// EventLedgerWriter is an ImportWriter that remembers, across imports,
// which EPCIS events made which links, the events declared erroneous, and
// packing records.
type EventLedgerWriter interface {
	ImportWriter
	// DeclaredEvents returns the events declared erroneous, by id, with
	// where each declaration was read.
	DeclaredEvents() (map[string]Origin, error)
	// LinkSupport says whether link k is stored and whether events are
	// recorded as having made it.
	LinkSupport(k LinkKey) (stored, recorded bool, err error)
	// RecordEventLinks records that each of events made link k; the
	// event "" stands for a source no declaration can withdraw.
	RecordEventLinks(k LinkKey, events []string) error
	// RecordEvents records the ids of events applied.
	RecordEvents(ids []string) error
	// KnownEvents returns those of ids applied by an import.
	KnownEvents(ids []string) (map[string]bool, error)
	// DeclareErroneous records that the event is erroneous and withdraws
	// every link all of whose recorded events are declared erroneous,
	// returning them.
	DeclareErroneous(eventID string, correctives []string, o Origin, at time.Time) ([]Link, error)
	// AddContainment stores packing records; one stored already is kept.
	AddContainment(cs []Containment) error
}
