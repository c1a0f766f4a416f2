package ingest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// byRef finds the party first sent with the given identifier.
func byRef(ps []supplychain.Party, ref string) (supplychain.Party, bool) {
	for _, p := range ps {
		if p.Ref == ref {
			return p, true
		}
	}
	return supplychain.Party{}, false
}

func hasLink(ls []supplychain.Link, buyer, supplier string) bool {
	for _, l := range ls {
		if l.Buyer == buyer && l.Supplier == supplier {
			return true
		}
	}
	return false
}

// TestEPCISOfficialExamples checks specific parties and links read from the
// GS1 examples. GLNs were worked out by hand from the EPC URIs (company
// prefix + reference + GS1 check digit).
func TestEPCISOfficialExamples(t *testing.T) {
	root := testkit.Data(t, "samples", "epcis")
	type wantLink struct{ buyer, supplier string }
	tests := []struct {
		file       string
		parties    map[string]string // ref -> GLN
		links      []wantLink        // by ref
		unused     int
		noLinks    bool
		kindOfRefs map[string]supplychain.Kind
	}{
		{
			// Shipping observed at one read point, receiving at another
			// business location: the product moved between them.
			file:    "JSON/Example_9.6.1-ObjectEvent.jsonld",
			parties: map[string]string{"urn:epc:id:sgln:0614141.07346.0": "0614141073467", "urn:epc:id:sgln:0012345.11111.0": "0012345111112"},
			links:   []wantLink{{"urn:epc:id:sgln:0012345.11111.0", "urn:epc:id:sgln:0614141.07346.0"}},
		},
		{
			file:    "XML/Example_9.6.1-ObjectEvent-2020_06_18a.xml",
			parties: map[string]string{"urn:epc:id:sgln:0614141.07346.0": "0614141073467", "urn:epc:id:sgln:0012345.11111.0": "0012345111112"},
			links:   []wantLink{{"urn:epc:id:sgln:0012345.11111.0", "urn:epc:id:sgln:0614141.07346.0"}},
		},
		{
			// Owning and possessing parties: the seller supplies the buyer.
			file: "XML/WithFullCombinationOfFields/transaction_event_all_possible_fields.xml",
			parties: map[string]string{
				"urn:epc:id:pgln:4012345.00225": "4012345002256", "urn:epc:id:pgln:0614141.00777": "0614141007776",
				"urn:epc:id:sgln:0614141.00888.0": "0614141008889",
			},
			// The location GLNs equal the party GLNs, and one GLN is one
			// entity, so the location link is the same link.
			links:      []wantLink{{"urn:epc:id:pgln:0614141.00777", "urn:epc:id:pgln:4012345.00225"}},
			kindOfRefs: map[string]supplychain.Kind{"urn:epc:id:pgln:4012345.00225": supplychain.KindCompany, "urn:epc:id:sgln:0614141.00888.0": supplychain.KindFacility},
		},
		{
			file:    "XML/WithFullCombinationOfFields/transformation_event_all_possible_fields.xml",
			parties: map[string]string{"urn:epc:id:sgln:0614141.00888.0": "0614141008889"},
			links:   []wantLink{{"urn:epc:id:pgln:0614141.00777", "urn:epc:id:pgln:4012345.00225"}},
		},
		{
			// A possessing party on one side and an owning party on the
			// other do not make a link; the two locations do.
			file:    "JSON/Example_9.6.2-ObjectEvent.jsonld",
			parties: map[string]string{"urn:epc:id:sgln:0614141.00888.0": "0614141008889"},
			links:   []wantLink{{"urn:epc:id:sgln:0614141.00777.0", "urn:epc:id:sgln:4012345.00225.0"}},
		},
		{
			// Transformation with only a read point: the read point is the facility.
			file:    "JSON/Example_9.6.4-TransformationEvent.jsonld",
			parties: map[string]string{"urn:epc:id:sgln:4012345.00001.0": "4012345000016"},
			noLinks: true,
		},
		{
			// The retracted event is counted as unused; its correction is used.
			file:    "JSON/WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld",
			parties: map[string]string{"urn:epc:id:sgln:0614141.07346.0": "0614141073467"},
			unused:  1,
			noLinks: true,
		},
		{
			// Master data only: the CBV example's read points (lines inside a plant) fold into the plant.
			file:    "XML/CBV/CBV-11.4-2020-06-16a.xml",
			parties: map[string]string{"urn:epc:id:sgln:0614141.00300.0": "0614141003006"},
			noLinks: true,
		},
		{
			file:    "XML/WithFullCombinationOfFields/masterdata_all_possible_fields.xml",
			parties: map[string]string{"urn:epc:id:sgln:0037000.00729.0": "0037000007296"},
			noLinks: true,
		},
		{
			// A bare event of a type that is not EPCIS's: counted, not a crash.
			file:   "JSON-Schema/test/Extended-Event.json",
			unused: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, sink, err := importFile(t, filepath.Join(root, filepath.FromSlash(tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			for ref, gln := range tt.parties {
				p, ok := byRef(sink.Parties, ref)
				if !ok {
					t.Errorf("party %s missing; got %d parties", ref, len(sink.Parties))
					continue
				}
				if p.GLN != gln {
					t.Errorf("party %s: GLN %q, want %q", ref, p.GLN, gln)
				}
			}
			for ref, kind := range tt.kindOfRefs {
				if p, _ := byRef(sink.Parties, ref); p.Kind != kind {
					t.Errorf("party %s: kind %q, want %q", ref, p.Kind, kind)
				}
			}
			for _, wl := range tt.links {
				b, okb := byRef(sink.Parties, wl.buyer)
				s, oks := byRef(sink.Parties, wl.supplier)
				if !okb || !oks || !hasLink(sink.Links, b.ID, s.ID) {
					t.Errorf("link %s <- %s missing; links: %+v", wl.buyer, wl.supplier, sink.Links)
				}
			}
			if tt.noLinks && len(sink.Links) != 0 {
				t.Errorf("links = %+v, want none", sink.Links)
			}
			if res.UnusedEvents != tt.unused {
				t.Errorf("unused events = %d, want %d (%v)", res.UnusedEvents, tt.unused, res.Warnings)
			}
		})
	}
	// The read points' master data describes their plant, which has none
	// of its own; their site attribute survives.
	_, sink, err := importFile(t, filepath.Join(root, "XML", "CBV", "CBV-11.4-2020-06-16a.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := byRef(sink.Parties, "urn:epc:id:sgln:0614141.00300.0"); p.Attributes["site"] != "0614141003006" {
		t.Errorf("master data attributes = %v", p.Attributes)
	}
}

func TestEPCISMasterDataEnrichesLocations(t *testing.T) {
	doc := `{"type":"EPCISDocument","schemaVersion":"2.0",
 "epcisHeader":{"epcisMasterData":{"vocabularyList":[{"type":"urn:epcglobal:epcis:vtype:BusinessLocation",
  "vocabularyElementList":[{"id":"urn:epc:id:sgln:0614141.00888.0","attributes":[
   {"id":"urn:epcglobal:cbv:mda#name","attribute":"Cocoa grinding plant"},
   {"id":"urn:epcglobal:cbv:mda#city","attribute":"San Pedro"},
   {"id":"urn:epcglobal:cbv:mda#countryCode","attribute":"CI"},
   {"id":"urn:epcglobal:cbv:mda#latitude","attribute":"4.75"},
   {"id":"urn:epcglobal:cbv:mda#longitude","attribute":"-6.64"}]}]}]}},
 "epcisBody":{"eventList":[
  {"type":"ObjectEvent","action":"OBSERVE","epcList":["urn:epc:id:sgtin:1.2.3"],"bizLocation":{"id":"urn:epc:id:sgln:0614141.00888.0"}},
  {"type":"QuantityEvent","epcClass":"x"},
  {"type":"ObjectEvent","epcList":"not a list"},
  {"type":"ObjectEvent","action":"OBSERVE"}
 ]}}`
	res, sink, err := importString(t, doc, opts("md.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := byRef(sink.Parties, "urn:epc:id:sgln:0614141.00888.0")
	if !ok || p.Name != "Cocoa grinding plant" || p.Country != "CI" || p.Address != "San Pedro" || p.Lat == nil || *p.Lat != 4.75 {
		t.Fatalf("party = %+v", p)
	}
	if res.Rows != 4 || res.UnusedEvents != 3 || res.Parties != 1 {
		t.Fatalf("result = %+v", res)
	}
	for _, want := range []string{"QuantityEvent", "not understood", "names no location"} {
		found := false
		for _, w := range res.Warnings {
			if strings.Contains(w.Reason, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no warning mentions %q: %v", want, res.Warnings)
		}
	}
}

func TestEPCISCustodyThroughTransformation(t *testing.T) {
	// Beans are received at a warehouse, then ground at a plant: the
	// warehouse supplies the plant.
	doc := `<?xml version="1.0"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0">
 <EPCISBody><EventList>
  <ObjectEvent><epcList/><action>ADD</action>
   <bizLocation><id>urn:epc:id:sgln:0614141.00001.0</id></bizLocation>
   <quantityList><quantityElement><epcClass>urn:epc:class:lgtin:4012345.011111.BEANS</epcClass><quantity>10</quantity></quantityElement></quantityList>
  </ObjectEvent>
  <extension><TransformationEvent>
   <inputQuantityList><quantityElement><epcClass>urn:epc:class:lgtin:4012345.011111.BEANS</epcClass></quantityElement></inputQuantityList>
   <outputEPCList><epc>urn:epc:id:sgtin:4012345.022222.1</epc></outputEPCList>
   <bizLocation><id>urn:epc:id:sgln:0614141.00002.0</id></bizLocation>
  </TransformationEvent></extension>
  <ObjectEvent><epcList><epc>urn:epc:id:sgtin:4012345.022222.1</epc></epcList>
   <bizLocation><id>urn:epc:id:sgln:0614141.00003.0</id></bizLocation></ObjectEvent>
 </EventList></EPCISBody>
</epcis:EPCISDocument>`
	res, sink, err := importString(t, doc, opts("chain.xml"))
	if err != nil {
		t.Fatal(err)
	}
	wh, _ := byRef(sink.Parties, "urn:epc:id:sgln:0614141.00001.0")
	plant, _ := byRef(sink.Parties, "urn:epc:id:sgln:0614141.00002.0")
	shop, _ := byRef(sink.Parties, "urn:epc:id:sgln:0614141.00003.0")
	if !hasLink(sink.Links, plant.ID, wh.ID) || !hasLink(sink.Links, shop.ID, plant.ID) || res.Links != 2 {
		t.Fatalf("links = %+v (result %+v)", sink.Links, res)
	}
	g := supplychain.NewGraph()
	if _, err := g.Merge(sink.Parties, sink.Links); err != nil {
		t.Fatal(err)
	}
}

func TestEPCISBadDocuments(t *testing.T) {
	tests := []struct {
		name, doc, want string
		line            int
	}{
		{"entity expansion", `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody/></epcis:EPCISDocument>`, "entity declarations are refused", 2},
		{"undefined entity", `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2">&xxe;</epcis:EPCISDocument>`, "invalid XML", 1},
		{"wrong root", `<EPCISThing><x/></EPCISThing>`, "not an EPCIS document", 1},
		{"truncated XML", "<epcis:EPCISDocument xmlns:epcis=\"urn:epcglobal:epcis:xsd:2\">\n<EPCISBody><EventList><ObjectEvent>", "invalid XML", 2},
		{"truncated JSON", "{\"type\":\"EPCISDocument\",\n\"epcisBody\":{\"eventList\":[\n{\"type\":\"ObjectEvent\"", "ends too early", 3},
		{"JSON syntax", "{\"type\":\"EPCISDocument\",\n\"epcisBody\":{\"eventList\":[}\n", "invalid JSON", 2},
		{"JSON trailing data", `{"epcisBody":{"eventList":[]}} {"x":1}`, "after the end", 1},
		{"JSON array", `[{"epcisBody":1}]`, "expected", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := importString(t, tt.doc, opts("doc"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if len(res.Errors) > 0 && res.Errors[0].Line != tt.line {
				t.Errorf("line = %d, want %d (%v)", res.Errors[0].Line, tt.line, res.Errors[0])
			}
		})
	}
}

func TestEPCISTruncatedKeepsGoodEventsWhenSkipping(t *testing.T) {
	doc := `{"type":"EPCISDocument","epcisBody":{"eventList":[
{"type":"ObjectEvent","readPoint":{"id":"urn:epc:id:sgln:0614141.00001.0"}},
{"type":"ObjectEvent","readPoint":{"id":"urn:epc:id:sgln:0614141.00002.0"}},
{"type":"ObjectEv`
	o := opts("big.jsonld")
	o.SkipBadRows = true
	sink := newCheckingSink()
	res, err := ingest.Import(context.Background(), strings.NewReader(doc), o, sink)
	if err != nil || res.Parties != 2 || res.Skipped != 1 {
		t.Fatalf("res = %+v, err = %v", res, err)
	}
}
