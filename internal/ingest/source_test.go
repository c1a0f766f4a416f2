package ingest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// An importer tells a SourcedSink the line of each party and link (the
// row that declared a link, also when its buyer comes later) and the
// eventID of what an EPCIS event made.
func TestSources(t *testing.T) {
	csvIn := "id,name,country,buyer_id\n" +
		"S1,Spinner,CN,W1\n" +
		"W1,Weaver,CN,\n"
	var c ingest.SourcedCollector
	if _, err := ingest.Import(context.Background(), strings.NewReader(csvIn), ingest.Options{Name: "chain.csv"}, &c); err != nil {
		t.Fatal(err)
	}
	s1, w1 := supplychain.RefID("S1"), supplychain.RefID("W1")
	if got := c.PartySources[s1].Line; got != 2 {
		t.Errorf("S1 read on line %d, want 2", got)
	}
	if got := c.PartySources[w1].Line; got != 3 {
		t.Errorf("W1 read on line %d, want 3", got)
	}
	if got := c.LinkSources[supplychain.LinkKey{Buyer: w1, Supplier: s1}].Line; got != 2 {
		t.Errorf("link S1->W1 from line %d, want 2 (the row that names the buyer)", got)
	}

	epcis := `{"type":"EPCISDocument","epcisBody":{"eventList":[
{"type":"ObjectEvent","eventID":"ni:///sha-256;abc","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.2017"],
 "bizLocation":{"id":"urn:epc:id:sgln:0614141.00777.0"},
 "sourceList":[{"type":"urn:epcglobal:cbv:sdt:owning_party","source":"urn:epc:id:pgln:0614141.00001"}],
 "destinationList":[{"type":"urn:epcglobal:cbv:sdt:owning_party","destination":"urn:epc:id:pgln:0614141.00002"}]}]}}`
	var e ingest.SourcedCollector
	if _, err := ingest.Import(context.Background(), strings.NewReader(epcis), ingest.Options{Name: "events.json"}, &e); err != nil {
		t.Fatal(err)
	}
	if len(e.LinkSources) == 0 {
		t.Fatal("no link sources")
	}
	for k, src := range e.LinkSources {
		if src.EventID != "ni:///sha-256;abc" || src.Line != 2 {
			t.Errorf("link %v from %+v, want the event's id on line 2", k, src)
		}
	}
}

// Coordinates outside the party's country are kept, with a warning that
// names the row, the party and the distance.
func TestCoordinatesOutsideCountry(t *testing.T) {
	in := "country,name,address,lat,lng\n" +
		"IN,Wrong Place Mills,Dhaka,23.81,90.41\n" +
		"BD,Right Place Mills,Dhaka,23.81,90.41\n" +
		"BD,Coast Mills,Chittagong,22.2,91.7\n"
	outside := func(alpha2 string, lat, lng float64) (float64, bool) {
		switch alpha2 {
		case "IN":
			return 84, true
		case "BD":
			if lng > 91.5 {
				return 12, true // off the coarse coast, within tolerance
			}
			return 0, true
		}
		return 0, false
	}
	var c ingest.Collector
	res, err := ingest.Import(context.Background(), strings.NewReader(in), ingest.Options{Name: "f.csv", KmOutside: outside}, &c)
	if err != nil {
		t.Fatal(err)
	}
	if res.PlaceWarnings != 1 || len(c.Parties) != 3 {
		t.Fatalf("%d place warnings, %d parties; warnings %v", res.PlaceWarnings, len(c.Parties), res.Warnings)
	}
	w := res.Warnings[0].Error()
	if !strings.Contains(w, "f.csv:2") || !strings.Contains(w, "Wrong Place Mills") || !strings.Contains(w, "84 km outside IN") {
		t.Errorf("warning %q", w)
	}
	if p := c.Parties[0]; p.Lat == nil || *p.Lat != 23.81 {
		t.Errorf("coordinates not kept: %+v", p)
	}
}
