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
	Retracted   bool     // carries an errorDeclaration
	Correctives []string // the declaration's correctiveEventIDs
	Malformed   string   // why the event could not be read, if it could not
	// Parent and Children are an aggregation or association event's
	// parentID and childEPCs (and child quantity classes); they are in
	// Objects too.
	Parent   string
	Children []string
	Action   string // ADD, OBSERVE or DELETE
	Time     string // eventTime as written
}

// EventSink is a Sink that is told what EPCIS events did, so that what an
// event made can be withdrawn by an error declaration in a later import,
// and packing can be traced.
type EventSink interface {
	Sink
	// EventLinks is told, right before a link EPCIS events made is sent,
	// the ids of the events that made it; anon is set when an event
	// without an id made it too (no declaration can withdraw that).
	EventLinks(k supplychain.LinkKey, events []string, anon bool)
	// Declaration is told of every error declaration read with an id.
	// For one whose event is not in the document the importer warns
	// nothing: the sink knows what earlier imports made and says it.
	Declaration(d Declaration)
	// Containment is told of every aggregation and association event
	// that names a parent or children.
	Containment(c supplychain.Containment)
	// Applied is told the id of every event with an id that was applied,
	// so that a declaration in a later import can tell it was imported.
	Applied(eventID string)
}

// Declaration is an EPCIS error declaration: the event it declares
// erroneous, the corrective events it names, and whether the declared
// event is in the same document.
type Declaration struct {
	EventID     string
	Correctives []string
	InDocument  bool
	// CorrectivesHere are those of Correctives in the same document.
	CorrectivesHere []string
	Source          Source
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
	rn        *run
	lastLoc   map[string]sighting          // object (EPC or class) -> where it was last seen
	master    map[string]map[string]string // location or party URI -> master-data attributes
	bizMaster map[string]bool              // URIs with business-location (not read-point) master data
	fullWarn  bool
	// Links wait until the document ends, with the events that made
	// them, so that an error declaration anywhere in the document can
	// withdraw what the event it declares erroneous made.
	pending      []pendingLink2
	pendingIndex map[supplychain.LinkKey]int
	eventIDs     map[string]bool // ids of the events read (not declarations)
	retracted    map[string]bool // ids declared erroneous
	declarations []declaration
	assets       int // returnable and individual assets seen (GRAI, GIAI)
	containments int // aggregation and association events with a parent or children
	events       EventSink
}

// sighting is where an object was last seen, by which event, and where
// before that, so that an error declaration can put the object back.
type sighting struct {
	loc, event, before string
}

// maxLinkEvents is how many events' ids a waiting link remembers.
const maxLinkEvents = 16

// pendingLink2 is a link waiting for the end of the document.
type pendingLink2 struct {
	link   supplychain.Link
	src    Source
	events []string // ids of the events that made it
	anon   bool     // an event without an id made it: no declaration can withdraw it
}

// declaration is an error declaration read.
type declaration struct {
	id          string
	correctives []string
	line, col   int
}

func newEPCISState(rn *run) *epcisState {
	rn.links = map[supplychain.LinkKey]struct{}{}
	events, _ := rn.sink.(EventSink)
	return &epcisState{rn: rn, events: events, lastLoc: map[string]sighting{}, master: map[string]map[string]string{}, bizMaster: map[string]bool{},
		pendingIndex: map[supplychain.LinkKey]int{}, eventIDs: map[string]bool{}, retracted: map[string]bool{}}
}

// link holds l, made by ev, until the document ends.
func (s *epcisState) link(l supplychain.Link, ev *epcisEvent) {
	k := l.Key()
	i, ok := s.pendingIndex[k]
	if !ok {
		if len(s.pending) >= maxCustody {
			// Bounded memory: past the bound a link goes straight on,
			// beyond the reach of any declaration.
			if s.events != nil {
				s.events.EventLinks(k, nil, true)
			}
			_ = s.rn.link(l)
			return
		}
		i = len(s.pending)
		s.pendingIndex[k] = i
		s.pending = append(s.pending, pendingLink2{link: l, src: s.rn.source})
	}
	switch {
	case ev.ID == "" || len(s.pending[i].events) >= maxLinkEvents:
		// No declaration can withdraw what an event without an id made;
		// a link many events made is kept too, so memory stays bounded
		// however many events repeat it.
		s.pending[i].anon = true
	case !containsString(s.pending[i].events, ev.ID):
		s.pending[i].events = append(s.pending[i].events, ev.ID)
	}
}

// finish sends the links no error declaration withdrew and says what each
// declaration did.
func (s *epcisState) finish() error {
	rn := s.rn
	withdrawn := 0
	for _, p := range s.pending {
		if !p.anon && len(p.events) > 0 && allIn(p.events, s.retracted) {
			withdrawn++
			continue
		}
		if rn.sourced != nil {
			rn.source = p.src
		}
		if s.events != nil {
			s.events.EventLinks(p.link.Key(), p.events, p.anon)
		}
		if err := rn.link(p.link); err != nil {
			return err
		}
	}
	for _, d := range s.declarations {
		var here []string
		for _, c := range d.correctives {
			if s.eventIDs[c] {
				here = append(here, c)
			}
		}
		if s.events != nil {
			s.events.Declaration(Declaration{EventID: d.id, Correctives: d.correctives, InDocument: s.eventIDs[d.id],
				CorrectivesHere: here, Source: Source{Line: d.line, EventID: d.id}})
			if !s.eventIDs[d.id] {
				continue // the sink says what it withdrew from earlier imports
			}
		}
		var b strings.Builder
		if s.eventIDs[d.id] {
			fmt.Fprintf(&b, "error declaration: event %s is erroneous; what it made is withdrawn", d.id)
		} else {
			fmt.Fprintf(&b, "error declaration for event %s, which is not in this document: nothing read earlier is withdrawn here (an import into the store withdraws what earlier imports stored)", d.id)
		}
		var present, absent []string
		for _, c := range d.correctives {
			if s.eventIDs[c] {
				present = append(present, c)
			} else {
				absent = append(absent, c)
			}
		}
		switch {
		case len(d.correctives) == 0:
			b.WriteString("; it names no corrective event")
		case len(absent) == 0:
			fmt.Fprintf(&b, "; its corrective event %s is used instead", strings.Join(present, ", "))
		default:
			fmt.Fprintf(&b, "; its corrective event %s is not in this document", strings.Join(absent, ", "))
		}
		rn.warn(RowError{Line: d.line, Column: d.col, Reason: b.String()})
	}
	if withdrawn > 0 {
		rn.warn(RowError{Reason: fmt.Sprintf("%d supply link(s) withdrawn by error declarations", withdrawn)})
	}
	if s.containments > 0 {
		rn.warn(RowError{Reason: fmt.Sprintf("%d aggregation or association event(s) recorded as packing (parent and children), not as supply links", s.containments)})
	}
	if s.assets > 0 {
		rn.warn(RowError{Reason: fmt.Sprintf("%d sighting(s) of returnable or individual assets (GRAI, GIAI: crates, pallets, sensors) not used for supply links: assets travel back and forth between partners", s.assets)})
	}
	return nil
}

func allIn(ids []string, set map[string]bool) bool {
	for _, id := range ids {
		if !set[id] {
			return false
		}
	}
	return true
}

// isAsset reports whether an EPC names a returnable or individual asset
// (GRAI, GIAI) rather than trade goods: a crate or a sensor moving between
// two sites says nothing about who supplies whom.
func isAsset(epc string) bool {
	switch {
	case strings.HasPrefix(epc, "urn:epc:id:grai:"), strings.HasPrefix(epc, "urn:epc:id:giai:"):
		return true
	case strings.HasPrefix(epc, "http://"), strings.HasPrefix(epc, "https://"):
		return strings.Contains(epc, "/8003/") || strings.Contains(epc, "/8004/")
	}
	return false
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
		rn.res.UnusedEvents++
		if ev.ID == "" {
			rn.warn(RowError{Line: ev.Line, Column: ev.Col, Reason: ev.Type + " carries an error declaration but no eventID, so the event it declares erroneous cannot be told; skipped"})
			return nil
		}
		s.retracted[ev.ID] = true
		s.forget(ev)
		s.declarations = append(s.declarations, declaration{id: ev.ID, correctives: ev.Correctives, line: ev.Line, col: ev.Col})
		return nil
	}
	if ev.ID != "" && len(s.eventIDs) < maxCustody {
		s.eventIDs[ev.ID] = true
	}
	if s.retracted[ev.ID] {
		unused(ev.Type + " " + ev.ID + " was declared erroneous earlier in this document; skipped")
		return nil
	}
	if ev.ID != "" && rn.opts.Declared != nil {
		if where, ok := rn.opts.Declared(ev.ID); ok {
			unused(ev.Type + " " + ev.ID + " was declared erroneous by an earlier import (" + where + "); skipped")
			return nil
		}
	}
	if ev.ID != "" && s.events != nil {
		s.events.Applied(ev.ID)
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
	// Source and destination lists: every source and destination is a
	// party; each type (owning party, possessing party, location) links
	// its sources to its destinations.
	sdKind := func(typ string) supplychain.Kind {
		if typ == "location" {
			return supplychain.KindFacility
		}
		return supplychain.KindCompany
	}
	for _, typ := range []string{"owning_party", "possessing_party", "location"} {
		// Parties before locations: a party and its site often share a GLN.
		for _, sd := range [][]sourceDest{ev.Sources, ev.Dests} {
			for _, x := range sd {
				if x.Type != typ {
					continue
				}
				if err := rn.party(s.locationParty(x.ID, sdKind(typ)), false); err != nil {
					return err
				}
				used = true
			}
		}
	}
	for _, sd := range [][]sourceDest{ev.Sources, ev.Dests} {
		for _, x := range sd {
			switch x.Type {
			case "owning_party", "possessing_party", "location":
			default:
				rn.warn(RowError{Line: ev.Line, Column: ev.Col, Reason: fmt.Sprintf("source or destination type %q is not owning_party, possessing_party or location; %s kept as a party without links", x.Type, x.ID)})
				if err := rn.party(s.locationParty(x.ID, supplychain.KindCompany), false); err != nil {
					return err
				}
				used = true
			}
		}
	}
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
					s.link(supplychain.Link{Buyer: dp.ID, Supplier: sp.ID}, ev)
				}
				used = true
			}
		}
	}
	// Containment: what was packed into what (aggregation), or attached
	// to what (association), where and when. It is recorded, never a
	// supply link of its own.
	if (ev.Type == "AggregationEvent" || ev.Type == "AssociationEvent") && (ev.Parent != "" || len(ev.Children) > 0) {
		if s.events != nil {
			s.events.Containment(supplychain.Containment{EventID: ev.ID, Type: ev.Type, Action: ev.Action, Parent: ev.Parent,
				Children: ev.Children, Time: ev.Time, Location: locID, Line: ev.Line})
		}
		s.containments++
		used = true
	}
	// Custody: an object seen last at one facility and now at another moved
	// from the first to the second; a transformation consumes inputs that
	// came from wherever they were last seen. An association attaches a
	// sensor or an asset to goods: it moves nothing.
	if locID != "" && ev.Type != "AssociationEvent" {
		seenNow := ev.Objects
		if ev.Type == "TransformationEvent" {
			seenNow = ev.Inputs
		}
		for _, obj := range seenNow {
			if isAsset(obj) {
				s.assets++
				continue
			}
			if prev := s.lastLoc[obj].loc; prev != "" && prev != locID {
				s.link(supplychain.Link{Buyer: locID, Supplier: prev}, ev)
			}
		}
		s.remember(ev.Objects, locID, ev.ID)
		s.remember(ev.Inputs, locID, ev.ID)
		s.remember(ev.Outputs, locID, ev.ID)
	}
	if !used {
		unused(ev.Type + " names no location, party or source/destination; nothing to map")
	}
	return nil
}

func (s *epcisState) remember(objs []string, locID, eventID string) {
	for _, o := range objs {
		if isAsset(o) {
			continue
		}
		if _, ok := s.lastLoc[o]; !ok && len(s.lastLoc) >= maxCustody {
			if !s.fullWarn {
				s.fullWarn = true
				s.rn.warn(RowError{Reason: fmt.Sprintf("more than %d distinct objects; custody of further objects is not traced", maxCustody)})
			}
			continue
		}
		s.lastLoc[o] = sighting{loc: locID, event: eventID, before: s.lastLoc[o].loc}
	}
}

// forget puts back the objects an erroneous event moved.
func (s *epcisState) forget(ev *epcisEvent) {
	for _, list := range [][]string{ev.Objects, ev.Inputs, ev.Outputs} {
		for _, o := range list {
			if last, ok := s.lastLoc[o]; ok && last.event == ev.ID {
				s.lastLoc[o] = sighting{loc: last.before}
			}
		}
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
	readPoint := strings.Contains(t, "readpoint")
	if readPoint && s.bizMaster[id] {
		// A read point's vocabulary describes a door or a line; it does
		// not overwrite what the business location's says of the site.
		for k, v := range attrs {
			if _, ok := s.master[id][k]; !ok {
				s.master[id][k] = v
			}
		}
		return nil
	}
	if len(s.master) < maxMasterData {
		s.master[id] = attrs
		if !readPoint && kind == supplychain.KindFacility {
			s.bizMaster[id] = true
		}
	}
	if site := siteOf(id); site != id {
		// A sub-location (a shelf, a dock) folds into its site: its
		// master data describes the site only when the site has none.
		if _, ok := s.master[site]; ok {
			return nil
		}
	}
	p := s.locationParty(id, kind)
	s.enrich(&p, attrs, line, col)
	s.rn.checkPlace(&p, line)
	return s.rn.party(p, true)
}

// locationParty builds the party for a location or party identifier,
// enriched with master data already read.
func (s *epcisState) locationParty(uri string, kind supplychain.Kind) supplychain.Party {
	site := siteOf(uri)
	key, gln := epcKey(site)
	p := supplychain.Party{ID: supplychain.StableID("epcis", key), Ref: site, Name: site, Kind: kind, GLN: gln}
	if attrs, ok := s.master[site]; ok {
		s.enrich(&p, attrs, 0, 0)
	} else if attrs, ok := s.master[uri]; ok {
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

// siteOf returns the site a sub-location belongs to: an SGLN with an
// extension ("urn:epc:id:sgln:0614141.07346.1234", shelf 1234 of site
// 0614141.07346) or a GS1 Digital Link with AI 254 names a place inside the
// site, and the supply chain is mapped between sites. Other identifiers are
// their own site.
func siteOf(uri string) string {
	u := strings.TrimSpace(uri)
	if rest, ok := strings.CutPrefix(u, "urn:epc:id:sgln:"); ok {
		if parts := strings.Split(rest, "."); len(parts) == 3 && parts[2] != "0" && parts[2] != "" {
			return "urn:epc:id:sgln:" + parts[0] + "." + parts[1] + ".0"
		}
		return u
	}
	if strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		if i := strings.Index(u, "/414/"); i >= 0 {
			if j := strings.Index(u[i:], "/254/"); j >= 0 {
				return u[:i+j]
			}
		}
	}
	return u
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
