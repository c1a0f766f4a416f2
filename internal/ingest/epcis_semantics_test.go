package ingest_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// Hand-written EPCIS documents, one per rule of the mapping, each in
// JSON-LD and in XML. An event here is an ObjectEvent observing one EPC at
// one business location, optionally with an eventID and an error
// declaration naming corrective events.

type handEvent struct {
	id          string
	epc         string
	loc         string // business location
	declares    bool   // carries an error declaration
	correctives []string
}

func jsonDoc(evs ...handEvent) string {
	var parts []string
	for _, e := range evs {
		var b strings.Builder
		b.WriteString(`{"type":"ObjectEvent","eventTime":"2024-03-01T10:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE"`)
		if e.id != "" {
			fmt.Fprintf(&b, `,"eventID":%q`, e.id)
		}
		fmt.Fprintf(&b, `,"epcList":[%q],"bizLocation":{"id":%q}`, e.epc, e.loc)
		if e.declares {
			b.WriteString(`,"errorDeclaration":{"declarationTime":"2024-03-02T00:00:00Z","reason":"incorrect_data","correctiveEventIDs":[`)
			for i, c := range e.correctives {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, "%q", c)
			}
			b.WriteString("]}")
		}
		b.WriteString("}")
		parts = append(parts, b.String())
	}
	return `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-03-02T00:00:00Z",
"epcisBody":{"eventList":[
` + strings.Join(parts, ",\n") + "]}}"
}

func xmlDoc(evs ...handEvent) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2024-03-02T00:00:00Z">
<EPCISBody><EventList>
`)
	for _, e := range evs {
		b.WriteString("<ObjectEvent><eventTime>2024-03-01T10:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>")
		if e.id != "" {
			fmt.Fprintf(&b, "<eventID>%s</eventID>", e.id)
		}
		if e.declares {
			b.WriteString("<errorDeclaration><declarationTime>2024-03-02T00:00:00Z</declarationTime><reason>incorrect_data</reason><correctiveEventIDs>")
			for _, c := range e.correctives {
				fmt.Fprintf(&b, "<correctiveEventID>%s</correctiveEventID>", c)
			}
			b.WriteString("</correctiveEventIDs></errorDeclaration>")
		}
		fmt.Fprintf(&b, "<epcList><epc>%s</epc></epcList><action>OBSERVE</action><bizLocation><id>%s</id></bizLocation></ObjectEvent>\n", e.epc, e.loc)
	}
	b.WriteString("</EventList></EPCISBody></epcis:EPCISDocument>\n")
	return b.String()
}

const (
	farm    = "urn:epc:id:sgln:4012345.00001.0"
	mill    = "urn:epc:id:sgln:4012345.00002.0"
	factory = "urn:epc:id:sgln:4012345.00003.0"
	bale    = "urn:epc:id:sgtin:4012345.011111.1"
	crate   = "urn:epc:id:grai:4012345.55555.7"
)

// partyID is the id of the party for an SGLN site ("urn:epc:id:sgln:CP.REF.0").
func partyID(uri string) string {
	parts := strings.Split(strings.TrimPrefix(uri, "urn:epc:id:sgln:"), ".")
	body := parts[0] + parts[1]
	return supplychain.StableID("epcis", "gln:"+body+string(supplychain.GS1CheckDigit(body)))
}

func warned(res ingest.Result, text string) bool {
	for _, w := range res.Warnings {
		if strings.Contains(w.Reason, text) {
			return true
		}
	}
	return false
}

func TestEPCISSemantics(t *testing.T) {
	tests := []struct {
		name      string
		events    []handEvent
		links     [][2]string // buyer, supplier locations
		noLinks   bool
		warnings  []string
		unusedMin int
	}{
		{
			// The bale was recorded at the mill by mistake; the error
			// declaration (a copy of the event with the same id) withdraws
			// it and the corrective event puts the bale at the factory.
			name: "error declaration with its corrective event",
			events: []handEvent{
				{id: "urn:uuid:e1", epc: bale, loc: farm},
				{id: "urn:uuid:e2", epc: bale, loc: mill},
				{id: "urn:uuid:e2", epc: bale, loc: mill, declares: true, correctives: []string{"urn:uuid:e3"}},
				{id: "urn:uuid:e3", epc: bale, loc: factory},
			},
			links:    [][2]string{{factory, farm}},
			warnings: []string{"event urn:uuid:e2 is erroneous; what it made is withdrawn", "its corrective event urn:uuid:e3 is used instead", "1 supply link(s) withdrawn"},
		},
		{
			name: "error declaration without a corrective event",
			events: []handEvent{
				{id: "urn:uuid:e1", epc: bale, loc: farm},
				{id: "urn:uuid:e2", epc: bale, loc: mill, declares: true},
				{id: "urn:uuid:e2", epc: bale, loc: mill},
			},
			noLinks:  true,
			warnings: []string{"it names no corrective event"},
		},
		{
			name: "error declaration for an event of another document",
			events: []handEvent{
				{id: "urn:uuid:e1", epc: bale, loc: farm},
				{id: "urn:uuid:e9", epc: bale, loc: mill, declares: true, correctives: []string{"urn:uuid:e10"}},
			},
			noLinks:  true,
			warnings: []string{"which is not in this document: nothing read earlier is withdrawn here", "its corrective event urn:uuid:e10 is not in this document"},
		},
		{
			// A returnable crate shuttles between farm and mill: no one
			// supplies anyone through it, and no cycle appears.
			name: "returnable asset",
			events: []handEvent{
				{epc: crate, loc: farm}, {epc: crate, loc: mill}, {epc: crate, loc: farm}, {epc: crate, loc: mill},
			},
			noLinks:  true,
			warnings: []string{"4 sighting(s) of returnable or individual assets"},
		},
		{
			// A shelf inside the mill is the mill.
			name: "sub-location folds into its site",
			events: []handEvent{
				{epc: bale, loc: farm}, {epc: bale, loc: "urn:epc:id:sgln:4012345.00002.shelf7"},
			},
			links: [][2]string{{mill, farm}},
		},
	}
	for _, tc := range tests {
		for _, syntax := range []string{"json", "xml"} {
			t.Run(tc.name+"/"+syntax, func(t *testing.T) {
				doc := jsonDoc(tc.events...)
				if syntax == "xml" {
					doc = xmlDoc(tc.events...)
				}
				res, sink, err := importString(t, doc, opts("hand."+syntax))
				if err != nil {
					t.Fatalf("%v\n%s", err, doc)
				}
				for _, l := range tc.links {
					if !hasLink(sink.Links, partyID(l[0]), partyID(l[1])) {
						t.Errorf("link %s <- %s missing; links %+v", l[0], l[1], sink.Links)
					}
				}
				if len(sink.Links) != len(tc.links) {
					t.Errorf("%d links, want %d: %+v", len(sink.Links), len(tc.links), sink.Links)
				}
				for _, w := range tc.warnings {
					if !warned(res, w) {
						t.Errorf("no warning saying %q; warnings: %v", w, res.Warnings)
					}
				}
			})
		}
	}
}

// Every source and destination is a party, also without a partner of its
// type: GS1's Mimasu Example 2 names five (a business location, a
// forwarder, its depot, a retailer and its warehouse).
func TestEPCISMimasuExample2(t *testing.T) {
	res, sink, err := importFile(t, filepath.Join(testkit.Data(t, "samples", "epcis"), "XML", "Mimasu", "Example2.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Parties != 5 {
		t.Errorf("%d parties, want 5: %+v", res.Parties, sink.Parties)
	}
	if !hasLink(sink.Links, partyID("urn:epc:id:sgln:0614141.00777.0"), partyID("urn:epc:id:sgln:4012345.00225.0")) {
		t.Errorf("the depot does not supply the warehouse: %+v", sink.Links)
	}
}

// A read point's master data does not overwrite the business location's
// description of the same site, in either syntax.
func TestEPCISReadPointMasterData(t *testing.T) {
	const site = "urn:epc:id:sgln:4012345.00002.0"
	jsonIn := `{"type":"EPCISDocument","schemaVersion":"2.0","epcisHeader":{"epcisMasterData":{"vocabularyList":[
{"type":"urn:epcglobal:epcis:vtype:BusinessLocation","vocabularyElementList":[{"id":"` + site + `","attributes":[
 {"id":"urn:epcglobal:cbv:mda#name","attribute":"Spinning Mill Ltd"},{"id":"urn:epcglobal:cbv:mda#countryCode","attribute":"IN"}]}]},
{"type":"urn:epcglobal:epcis:vtype:ReadPoint","vocabularyElementList":[{"id":"` + site + `","attributes":[
 {"id":"urn:epcglobal:cbv:mda#name","attribute":"Dock door 3"},{"id":"urn:epcglobal:cbv:mda#city","attribute":"Coimbatore"}]}]}]}},
"epcisBody":{"eventList":[{"type":"ObjectEvent","action":"OBSERVE","eventTime":"2024-03-01T10:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["` + bale + `"],"bizLocation":{"id":"` + site + `"}}]}}`
	xmlIn := `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2024-03-02T00:00:00Z">
<EPCISHeader><extension><EPCISMasterData><VocabularyList>
<Vocabulary type="urn:epcglobal:epcis:vtype:BusinessLocation"><VocabularyElementList><VocabularyElement id="` + site + `">
<attribute id="urn:epcglobal:cbv:mda#name">Spinning Mill Ltd</attribute><attribute id="urn:epcglobal:cbv:mda#countryCode">IN</attribute>
</VocabularyElement></VocabularyElementList></Vocabulary>
<Vocabulary type="urn:epcglobal:epcis:vtype:ReadPoint"><VocabularyElementList><VocabularyElement id="` + site + `">
<attribute id="urn:epcglobal:cbv:mda#name">Dock door 3</attribute><attribute id="urn:epcglobal:cbv:mda#city">Coimbatore</attribute>
</VocabularyElement></VocabularyElementList></Vocabulary>
</VocabularyList></EPCISMasterData></extension></EPCISHeader>
<EPCISBody><EventList><ObjectEvent><eventTime>2024-03-01T10:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
<epcList><epc>` + bale + `</epc></epcList><action>OBSERVE</action><bizLocation><id>` + site + `</id></bizLocation></ObjectEvent></EventList></EPCISBody>
</epcis:EPCISDocument>`
	for name, doc := range map[string]string{"json": jsonIn, "xml": xmlIn} {
		t.Run(name, func(t *testing.T) {
			_, sink, err := importString(t, doc, opts("md."+name))
			if err != nil {
				t.Fatal(err)
			}
			var last supplychain.Party
			for _, p := range sink.Parties {
				if p.Ref == site {
					last = p
				}
			}
			if last.Name != "Spinning Mill Ltd" || last.Country != "IN" {
				t.Errorf("site is %q in %q, want the business location's name and country", last.Name, last.Country)
			}
		})
	}
}
