package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

const (
	ledgerFarm      = "urn:epc:id:sgln:4012345.00001.0"
	ledgerMill      = "urn:epc:id:sgln:4012345.00002.0"
	ledgerPackhouse = "urn:epc:id:sgln:4012345.00003.0"
	ledgerLot       = "urn:epc:id:sgtin:4012345.011111.1"
)

// objectEvents is an EPCIS 2.0 JSON-LD document of ObjectEvents, each
// {id, epc, location}; an event whose id starts with "!" declares the
// event of that id erroneous instead, naming the rest as correctives.
func objectEvents(evs ...[]string) string {
	var parts []string
	for _, e := range evs {
		id := e[0]
		if strings.HasPrefix(id, "!") {
			var cs []string
			for _, c := range e[3:] {
				cs = append(cs, fmt.Sprintf("%q", c))
			}
			parts = append(parts, fmt.Sprintf(`{"type":"ObjectEvent","eventTime":"2024-03-01T10:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","eventID":%q,"epcList":[%q],"bizLocation":{"id":%q},"errorDeclaration":{"declarationTime":"2024-03-02T00:00:00Z","reason":"incorrect_data","correctiveEventIDs":[%s]}}`,
				id[1:], e[1], e[2], strings.Join(cs, ",")))
			continue
		}
		parts = append(parts, fmt.Sprintf(`{"type":"ObjectEvent","eventTime":"2024-03-01T10:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","eventID":%q,"epcList":[%q],"bizLocation":{"id":%q}}`,
			id, e[1], e[2]))
	}
	return `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-03-02T00:00:00Z",
"epcisBody":{"eventList":[
` + strings.Join(parts, ",\n") + "]}}"
}

// declarationXML declares event id erroneous in EPCIS 2.0 XML, naming
// corrective, and carries the corrective event.
func declarationXML(id, corrective string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2024-03-02T00:00:00Z">
<EPCISBody><EventList>
<ObjectEvent><eventTime>2024-03-01T10:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><eventID>` + id + `</eventID><errorDeclaration><declarationTime>2024-03-02T00:00:00Z</declarationTime><reason>incorrect_data</reason><correctiveEventIDs><correctiveEventID>` + corrective + `</correctiveEventID></correctiveEventIDs></errorDeclaration><epcList><epc>` + ledgerLot + `</epc></epcList><action>OBSERVE</action><bizLocation><id>` + ledgerMill + `</id></bizLocation></ObjectEvent>
<ObjectEvent><eventTime>2024-03-01T11:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><eventID>` + corrective + `</eventID><epcList><epc>urn:epc:id:sgtin:4012345.011111.2</epc></epcList><action>OBSERVE</action><bizLocation><id>` + ledgerPackhouse + `</id></bizLocation></ObjectEvent>
</EventList></EPCISBody></epcis:EPCISDocument>
`
}

func (w mergeWorld) importDoc(t *testing.T, name, body string) assessment.FileResult {
	t.Helper()
	sum := w.importCSV(t, name, body)
	return sum.Files[0]
}

func warned(res assessment.FileResult, want string) bool {
	for _, w := range res.Warnings {
		if strings.Contains(w.Reason, want) {
			return true
		}
	}
	return false
}

func TestErrorDeclarationInALaterImportWithdrawsTheEventsLinks(t *testing.T) {
	for _, syntax := range []string{"json", "xml"} {
		t.Run(syntax, func(t *testing.T) {
			sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
				ctx := context.Background()
				w := newMergeWorld(t, db, false)
				// The lot is seen at the farm, then (E2) at the mill: the mill
				// buys from the farm.
				first := objectEvents([]string{"urn:uuid:e1", ledgerLot, ledgerFarm}, []string{"urn:uuid:e2", ledgerLot, ledgerMill})
				w.importDoc(t, "first.json", first)
				if got := len(w.state(t).Links); got != 1 {
					t.Fatalf("%d links after the first document, want the mill buying from the farm", got)
				}
				// A later document says E2 was wrong, E5 corrects it.
				var res assessment.FileResult
				if syntax == "json" {
					res = w.importDoc(t, "declaration.json", objectEvents([]string{"!urn:uuid:e2", ledgerLot, ledgerMill, "urn:uuid:e5"},
						[]string{"urn:uuid:e5", "urn:epc:id:sgtin:4012345.011111.2", ledgerPackhouse}))
				} else {
					res = w.importDoc(t, "declaration.xml", declarationXML("urn:uuid:e2", "urn:uuid:e5"))
				}
				if !warned(res, "event urn:uuid:e2, imported earlier, is erroneous: 1 supply link(s) it made withdrawn; its corrective event urn:uuid:e5 is applied") {
					t.Errorf("warnings %+v", res.Warnings)
				}
				if got := w.state(t).Links; len(got) != 0 {
					t.Errorf("links %+v after the declaration, want none", got)
				}
				// The first document again: E2 is not applied.
				res = w.importDoc(t, "first.json", first)
				if !warned(res, "urn:uuid:e2 was declared erroneous by an earlier import (declared in declaration."+syntax) {
					t.Errorf("warnings %+v", res.Warnings)
				}
				if got := w.state(t).Links; len(got) != 0 {
					t.Errorf("links %+v after the declared event came again", got)
				}
				// A declaration for an event no import brought is said so.
				res = w.importDoc(t, "early.json", objectEvents([]string{"!urn:uuid:e9", ledgerLot, ledgerMill}))
				if !warned(res, "error declaration for event urn:uuid:e9, which no import has brought yet: it will not be applied if it comes later; it names no corrective event") {
					t.Errorf("warnings %+v", res.Warnings)
				}
				_ = ctx
			})
		})
	}
}

// A link a supplier file made stays when the event that also made it is
// declared erroneous.
func TestErrorDeclarationKeepsLinksOtherSourcesMade(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		w := newMergeWorld(t, db, false)
		two := objectEvents([]string{"urn:uuid:a", ledgerLot, ledgerFarm}, []string{"urn:uuid:b", ledgerLot, ledgerMill},
			[]string{"", "urn:epc:id:sgtin:4012345.011111.7", ledgerFarm}, []string{"", "urn:epc:id:sgtin:4012345.011111.7", ledgerMill})
		w.importDoc(t, "two.json", two)
		res := w.importDoc(t, "declaration.json", objectEvents([]string{"!urn:uuid:b", ledgerLot, ledgerMill}))
		if !warned(res, "the links it made are kept, as other events or files also made them") {
			t.Errorf("warnings %+v", res.Warnings)
		}
		if got := len(w.state(t).Links); got != 1 {
			t.Errorf("%d links, want the one an event without an id made too", got)
		}
	})
}

const packingJSON = `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-03-02T00:00:00Z",
"epcisBody":{"eventList":[
{"type":"AggregationEvent","eventID":"urn:uuid:pack-1","eventTime":"2024-03-01T08:00:00Z","eventTimeZoneOffset":"+00:00","action":"ADD","parentID":"urn:epc:id:sscc:4012345.0000000001","childEPCs":["urn:epc:id:sgtin:4012345.011111.1","urn:epc:id:sgtin:4012345.011111.2"],"bizLocation":{"id":"` + ledgerPackhouse + `"}},
{"type":"AssociationEvent","eventID":"urn:uuid:assoc-1","eventTime":"2024-03-01T09:00:00Z","eventTimeZoneOffset":"+00:00","action":"ADD","parentID":"urn:epc:id:sscc:4012345.0000000001","childEPCs":["urn:epc:id:giai:4012345.sensor7"],"bizLocation":{"id":"` + ledgerMill + `"}}
]}}`

const packingXML = `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2024-03-02T00:00:00Z">
<EPCISBody><EventList>
<AggregationEvent><eventTime>2024-03-01T08:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><eventID>urn:uuid:pack-1</eventID><parentID>urn:epc:id:sscc:4012345.0000000001</parentID><childEPCs><epc>urn:epc:id:sgtin:4012345.011111.1</epc><epc>urn:epc:id:sgtin:4012345.011111.2</epc></childEPCs><action>ADD</action><bizLocation><id>` + ledgerPackhouse + `</id></bizLocation></AggregationEvent>
<AssociationEvent><eventTime>2024-03-01T09:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><eventID>urn:uuid:assoc-1</eventID><parentID>urn:epc:id:sscc:4012345.0000000001</parentID><childEPCs><epc>urn:epc:id:giai:4012345.sensor7</epc></childEPCs><action>ADD</action><bizLocation><id>` + ledgerMill + `</id></bizLocation></AssociationEvent>
</EventList></EPCISBody></epcis:EPCISDocument>
`

func TestPackingIsStoredWithoutSupplyLinks(t *testing.T) {
	for name, doc := range map[string]string{"packing.json": packingJSON, "packing.xml": packingXML} {
		t.Run(name, func(t *testing.T) {
			sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
				ctx := context.Background()
				w := newMergeWorld(t, db, false)
				res := w.importDoc(t, name, doc)
				if !warned(res, "2 aggregation or association event(s) recorded as packing") {
					t.Errorf("warnings %+v", res.Warnings)
				}
				st := w.state(t)
				if len(st.Links) != 0 {
					t.Errorf("packing made supply links: %+v", st.Links)
				}
				ids := map[string]string{}
				for _, p := range st.Parties {
					ids[p.Ref] = p.ID
				}
				got, n, err := db.SupplyChain().Containment(ctx, w.org, ids[ledgerPackhouse])
				if err != nil || n != 1 {
					t.Fatalf("containment at the packhouse: %+v (%d), %v", got, n, err)
				}
				c := got[0]
				if c.Parent != "urn:epc:id:sscc:4012345.0000000001" || len(c.Children) != 2 || c.Action != "ADD" ||
					c.Type != "AggregationEvent" || c.Time != "2024-03-01T08:00:00Z" || c.Origin.File != name || c.Origin.Line == 0 {
					t.Errorf("containment %+v", c)
				}
				at, _, err := db.SupplyChain().Containment(ctx, w.org, ids[ledgerMill])
				if err != nil || len(at) != 1 || at[0].Verb() != "attached to" {
					t.Errorf("association at the mill: %+v, %v", at, err)
				}
				// Imported again, nothing is recorded twice.
				w.importDoc(t, name, doc)
				if _, n, _ := db.SupplyChain().Containment(ctx, w.org, ids[ledgerPackhouse]); n != 1 {
					t.Errorf("%d records after a second import", n)
				}
				_ = kernel.Page{}
				_ = supplychain.Containment{}
				_ = ingest.Result{}
			})
		})
	}
}
