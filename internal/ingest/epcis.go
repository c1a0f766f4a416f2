package ingest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// epcisEvent is what the importers take from one EPCIS event, whichever
// syntax it came in.
type epcisEvent struct {
	Type        string
	ID          string // eventID, when the document gives one
	Line, Col   int
	ReadPoint   string
	BizLocation string
	Objects     []string // epcList, childEPCs, parentID, quantity classes
	Inputs      []string // TransformationEvent inputs (EPCs and classes)
	Outputs     []string // TransformationEvent outputs
	Sources     []sourceDest
	Dests       []sourceDest
	Retracted   bool   // carries an errorDeclaration
	Malformed   string // why the event could not be read, if it could not
}

type sourceDest struct{ Type, ID string }

// eventTypes are the five EPCIS 2.0 event types.
var eventTypes = map[string]bool{
	"ObjectEvent": true, "AggregationEvent": true, "TransactionEvent": true,
	"TransformationEvent": true, "AssociationEvent": true,
}

// maxCustody bounds the objects whose last location is remembered for
// custody links, so memory stays bounded on any input.
const maxCustody = 1 << 20

// maxMasterData bounds the master-data elements remembered to enrich
// locations named by later events.
const maxMasterData = 1 << 16

// epcisState turns EPCIS events and master data into parties and links.
type epcisState struct {
	rn       *run
	lastLoc  map[string]string            // object (EPC or class) -> party id of its last location
	master   map[string]map[string]string // location or party URI -> master-data attributes
	fullWarn bool
}

func newEPCISState(rn *run) *epcisState {
	rn.links = map[supplychain.LinkKey]struct{}{}
	return &epcisState{rn: rn, lastLoc: map[string]string{}, master: map[string]map[string]string{}}
}

// event applies one event. Events that yield nothing are counted as unused
// with a warning saying why.
func (s *epcisState) event(ev *epcisEvent) error {
	rn := s.rn
	rn.res.Rows++
	rn.atEvent(ev.ID, ev.Line)
	if rn.res.Rows%1024 == 0 {
		if err := rn.checkCtx(); err != nil {
			return err
		}
	}
	unused := func(reason string) {
		rn.res.UnusedEvents++
		rn.warn(RowError{Line: ev.Line, Column: ev.Col, Reason: reason})
	}
	switch {
	case ev.Malformed != "":
		unused(ev.Malformed)
		return nil
	case !eventTypes[ev.Type]:
		if ev.Type == "" {
			unused("event without a type; skipped")
		} else {
			unused(fmt.Sprintf("event type %q is not an EPCIS 2.0 event type (ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent); skipped", ev.Type))
		}
		return nil
	case ev.Retracted:
		unused(ev.Type + " carries an error declaration (it retracts an earlier event); its corrective event is used instead")
		return nil
	}
	used := false
	// The business location is the facility; the read point is usually a
	// door or line inside it, so it stands for the facility only when no
	// business location is given.
	loc := ev.BizLocation
	if loc == "" {
		loc = ev.ReadPoint
	}
	locID := ""
	if loc != "" {
		p := s.locationParty(loc, supplychain.KindFacility)
		if err := rn.party(p, false); err != nil {
			return err
		}
		locID, used = p.ID, true
	}
	// Source and destination lists: each type (owning party, possessing
	// party, location) links its sources to its destinations.
	for _, typ := range []string{"owning_party", "possessing_party", "location"} {
		for _, src := range ev.Sources {
			if src.Type != typ {
				continue
			}
			for _, dst := range ev.Dests {
				if dst.Type != typ || dst.ID == src.ID {
					continue
				}
				kind := supplychain.KindCompany
				if typ == "location" {
					kind = supplychain.KindFacility
				}
				sp, dp := s.locationParty(src.ID, kind), s.locationParty(dst.ID, kind)
				if err := rn.party(sp, false); err != nil {
					return err
				}
				if err := rn.party(dp, false); err != nil {
					return err
				}
				if sp.ID != dp.ID {
					if err := rn.link(supplychain.Link{Buyer: dp.ID, Supplier: sp.ID}); err != nil {
						return err
					}
				}
				used = true
			}
		}
	}
	// Custody: an object seen last at one facility and now at another moved
	// from the first to the second; a transformation consumes inputs that
	// came from wherever they were last seen.
	if locID != "" {
		seenNow := ev.Objects
		if ev.Type == "TransformationEvent" {
			seenNow = ev.Inputs
		}
		for _, obj := range seenNow {
			if prev := s.lastLoc[obj]; prev != "" && prev != locID {
				if err := rn.link(supplychain.Link{Buyer: locID, Supplier: prev}); err != nil {
					return err
				}
			}
		}
		s.remember(ev.Objects, locID)
		s.remember(ev.Inputs, locID)
		s.remember(ev.Outputs, locID)
	}
	if !used {
		unused(ev.Type + " names no location, party or source/destination; nothing to map")
	}
	return nil
}

func (s *epcisState) remember(objs []string, locID string) {
	for _, o := range objs {
		if _, ok := s.lastLoc[o]; !ok && len(s.lastLoc) >= maxCustody {
			if !s.fullWarn {
				s.fullWarn = true
				s.rn.warn(RowError{Reason: fmt.Sprintf("more than %d distinct objects; custody of further objects is not traced", maxCustody)})
			}
			continue
		}
		s.lastLoc[o] = locID
	}
}

// masterElement applies one master-data vocabulary element: locations and
// parties become parties (replacing a bare one sent earlier), and their
// attributes enrich later events that name them.
func (s *epcisState) masterElement(vocabType, id string, attrs map[string]string, line, col int) error {
	s.rn.at(line)
	id = strings.TrimSpace(id)
	if id == "" {
		s.rn.warn(RowError{Line: line, Column: col, Reason: "master-data element without an id; skipped"})
		return nil
	}
	t := strings.ToLower(vocabType)
	var kind supplychain.Kind
	switch {
	case strings.Contains(t, "location"), strings.Contains(t, "readpoint"):
		kind = supplychain.KindFacility
	case strings.Contains(t, "party"):
		kind = supplychain.KindCompany
	default:
		return nil // product classes and other vocabularies do not name parties
	}
	if len(s.master) < maxMasterData {
		s.master[id] = attrs
	}
	p := s.locationParty(id, kind)
	s.enrich(&p, attrs, line, col)
	return s.rn.party(p, true)
}

// locationParty builds the party for a location or party identifier,
// enriched with master data already read.
func (s *epcisState) locationParty(uri string, kind supplychain.Kind) supplychain.Party {
	key, gln := epcKey(uri)
	p := supplychain.Party{ID: supplychain.StableID("epcis", key), Ref: uri, Name: uri, Kind: kind, GLN: gln}
	if attrs, ok := s.master[uri]; ok {
		s.enrich(&p, attrs, 0, 0)
	}
	return p
}

// enrich applies CBV location master data (name, address, country,
// coordinates). Values that fail validation are left out with a warning.
func (s *epcisState) enrich(p *supplychain.Party, attrs map[string]string, line, col int) {
	if v := attrs["name"]; v != "" && len(v) <= supplychain.MaxNameLen {
		p.Name = v
	}
	var addr []string
	for _, k := range []string{"streetaddressone", "streetaddresstwo", "streetaddressthree", "city", "state", "postalcode"} {
		if v := attrs[k]; v != "" {
			addr = append(addr, v)
		}
	}
	p.Address = strings.Join(addr, ", ")
	if v := attrs["countrycode"]; v != "" {
		if a2, err := s.rn.opts.Country(v); err == nil {
			p.Country = a2
		} else if line > 0 {
			s.rn.warn(RowError{Line: line, Column: col, Field: "countryCode", Reason: countryMessage(err)})
		}
	}
	lat, errLat := strconv.ParseFloat(attrs["latitude"], 64)
	lng, errLng := strconv.ParseFloat(attrs["longitude"], 64)
	if errLat == nil && errLng == nil {
		q := *p
		q.Lat, q.Lng = &lat, &lng
		if err := q.Validate(); err == nil {
			p.Lat, p.Lng = &lat, &lng
		} else if line > 0 {
			s.rn.warn(RowError{Line: line, Column: col, Field: "latitude/longitude", Reason: err.Error()})
		}
	}
	for k, v := range attrs {
		switch k {
		case "name", "streetaddressone", "streetaddresstwo", "streetaddressthree", "city", "state", "postalcode", "countrycode", "latitude", "longitude":
			continue
		}
		if p.Attributes == nil {
			p.Attributes = map[string]string{}
		}
		p.Attributes[k] = v
	}
}

// attrName reduces a master-data attribute id to its lower-case local name:
// "urn:epcglobal:cbv:mda#streetAddressOne", "cbvmda:streetAddressOne" and
// "https://ref.gs1.org/cbv/mda/streetAddressOne" all become
// "streetaddressone".
func attrName(id string) string {
	if i := strings.LastIndexAny(id, "#:/"); i >= 0 {
		id = id[i+1:]
	}
	return strings.ToLower(strings.TrimSpace(id))
}

// sdType reduces a source/destination type to owning_party,
// possessing_party or location ("urn:epcglobal:cbv:sdt:owning_party",
// "https://ref.gs1.org/cbv/SDT-owning_party", "owning_party").
func sdType(t string) string {
	t = strings.TrimSpace(t)
	if i := strings.LastIndexAny(t, "#:/"); i >= 0 {
		t = t[i+1:]
	}
	t = strings.ToLower(t)
	return strings.TrimPrefix(t, "sdt-")
}

// epcKey returns the identity key of a location or party identifier and its
// GLN when it is a GS1 one: SGLN and PGLN EPC URIs and GS1 Digital Link URIs
// with AI 414 (location) or 417 (party). Other URIs are their own key.
func epcKey(uri string) (key, gln string) {
	u := strings.TrimSpace(uri)
	switch {
	case strings.HasPrefix(u, "urn:epc:id:sgln:"):
		parts := strings.Split(u[len("urn:epc:id:sgln:"):], ".")
		if len(parts) == 3 {
			if g, ok := glnFrom(parts[0] + parts[1]); ok {
				if parts[2] == "0" || parts[2] == "" {
					return "gln:" + g, g
				}
				return "gln:" + g + "/254/" + parts[2], g
			}
		}
	case strings.HasPrefix(u, "urn:epc:id:pgln:"):
		parts := strings.Split(u[len("urn:epc:id:pgln:"):], ".")
		if len(parts) == 2 {
			if g, ok := glnFrom(parts[0] + parts[1]); ok {
				return "gln:" + g, g
			}
		}
	case strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://"):
		for _, ai := range []string{"/414/", "/417/"} {
			i := strings.Index(u, ai)
			if i < 0 || len(u) < i+len(ai)+13 {
				continue
			}
			g := u[i+len(ai) : i+len(ai)+13]
			if supplychain.CheckGLN(g) != nil {
				continue
			}
			rest := u[i+len(ai)+13:]
			if ext, ok := strings.CutPrefix(rest, "/254/"); ok && ext != "" && ext != "0" {
				return "gln:" + g + "/254/" + ext, g
			}
			return "gln:" + g, g
		}
	}
	return "uri:" + u, ""
}

// glnFrom appends the check digit to a 12-digit company prefix and
// reference.
func glnFrom(body string) (string, bool) {
	if len(body) != 12 {
		return "", false
	}
	for i := 0; i < len(body); i++ {
		if body[i] < '0' || body[i] > '9' {
			return "", false
		}
	}
	return body + string(supplychain.GS1CheckDigit(body)), true
}
