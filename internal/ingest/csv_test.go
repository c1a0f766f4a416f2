package ingest_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name, in string
		want     ingest.Format
		wantErr  string
	}{
		{"upstream", "ID,Name,Country\nS1,A,GH\n", ingest.FormatUpstreamCSV, ""},
		{"upstream with BOM and spaces", "\uFEFF id , NAME,country,share\n", ingest.FormatUpstreamCSV, ""},
		{"osh", "country,name,address,sector,lat,lng\r\n", ingest.FormatOSH, ""},
		{"epcis json", `{"type":"EPCISDocument","epcisBody":{"eventList":[]}}`, ingest.FormatEPCISJSON, ""},
		{"epcis xml", `<?xml version="1.0"?><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"/>`, ingest.FormatEPCISXML, ""},
		{"other json", `{"hello":"world"}`, "", "not a GS1 EPCIS"},
		{"other xml", `<html><body/></html>`, "", "not a GS1 EPCIS"},
		{"other csv", "a,b,c\n1,2,3\n", "", "needs the columns id, name and country"},
		{"empty", "  \n", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ingest.Detect(bufio.NewReader(strings.NewReader(tt.in)), "f")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !kernel.IsCode(err, kernel.Invalid) {
					t.Fatalf("Detect = %v, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Detect = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

const goodCSV = "\uFEFFID,Name,Country,Commodity,Buyer_ID,Share,Address,Region,Lat,Lng,OS_ID,LEI,Workers,Certification\n" +
	"G1,Grinder SA,Ivory Coast,cocoa,,100%,Zone Industrielle,Abidjan,5.3,-4.0,,5493001KJTIIGC8Y1R12,\"1,200\",RA\n" +
	// T1 names a buyer that comes later in the file (forward reference).
	"T1,Trader One,CIV,cacao;coffee,G1;T2,0.35,,,,,,,,\n" +
	"T2,Trader Two,GH,cocoa beans,T1,35%,,,,,,,,\n" +
	"F1,Farm Coop,Côte d'Ivoire,cocoa;vanilla,T2,,,,,,CI2019001ABCDEF,,40,\n"

func importString(t *testing.T, in string, o ingest.Options) (ingest.Result, *checkingSink, error) {
	t.Helper()
	sink := newCheckingSink()
	res, err := ingest.Import(context.Background(), strings.NewReader(in), o, sink)
	return res, sink, err
}

func TestUpstreamCSV(t *testing.T) {
	res, sink, err := importString(t, goodCSV, opts("suppliers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != ingest.FormatUpstreamCSV || res.Rows != 4 || res.Parties != 4 || res.Links != 7 {
		t.Fatalf("result = %+v", res)
	}
	g1, _ := sink.PartyByRef("G1")
	lat, lng := 5.3, -4.0
	want := supplychain.Party{
		ID: supplychain.RefID("G1"), Ref: "G1", Name: "Grinder SA", Kind: supplychain.KindCompany, Country: "CI",
		Region: "Abidjan", Address: "Zone Industrielle", Lat: &lat, Lng: &lng, LEI: "5493001KJTIIGC8Y1R12",
		Workers: 1200, Commodities: []string{"cocoa"}, Attributes: map[string]string{"certification": "RA"},
	}
	if diff := cmp.Diff(want, g1); diff != "" {
		t.Errorf("G1 mismatch (-want +got):\n%s", diff)
	}
	f1, _ := sink.PartyByRef("F1")
	if !cmp.Equal(f1.Commodities, []string{"cocoa"}) || !cmp.Equal(f1.UnknownCommodities, []string{"vanilla"}) || f1.OSID != "CI2019001ABCDEF" {
		t.Errorf("F1 = %+v", f1)
	}
	g := supplychain.NewGraph()
	if _, err := g.Merge(sink.Parties, sink.Links); err != nil {
		t.Fatal(err)
	}
	tiers := g.Tiers()
	if tiers[supplychain.RefID("G1")] != 1 || tiers[supplychain.RefID("T1")] != 2 || tiers[supplychain.RefID("T2")] != 3 || tiers[supplychain.RefID("F1")] != 4 {
		t.Errorf("tiers = %v", tiers)
	}
	if len(g.Cycles()) != 1 {
		t.Errorf("cycles = %v, want the two traders", g.Cycles())
	}
	// Importing the same file again changes nothing.
	_, sink2, err := importString(t, goodCSV, opts("suppliers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := g.Merge(sink2.Parties, sink2.Links)
	if err != nil || st.Changed() {
		t.Fatalf("second import changed the graph: %+v, %v", st, err)
	}
}

func TestUpstreamCSVLinks(t *testing.T) {
	_, sink, err := importString(t, goodCSV, opts("suppliers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ buyer, supplier, commodity string }
	got := map[key]float64{}
	for _, l := range sink.Links {
		s := -1.0
		if l.Share != nil {
			s = *l.Share
		}
		got[key{l.Buyer, l.Supplier, l.Commodity}] = s
	}
	id := supplychain.RefID
	want := map[key]float64{
		{"", id("G1"), "cocoa"}:        1,
		{id("G1"), id("T1"), "cocoa"}:  0.35,
		{id("G1"), id("T1"), "coffee"}: 0.35,
		{id("T2"), id("T1"), "cocoa"}:  0.35,
		{id("T2"), id("T1"), "coffee"}: 0.35,
		{id("T1"), id("T2"), "cocoa"}:  0.35,
	}
	want[key{id("T2"), id("F1"), "cocoa"}] = -1
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("links mismatch (-want +got):\n%s", diff)
	}
}

func TestUpstreamCSVBadRows(t *testing.T) {
	const head = "id,name,country,buyer_id,share,lat,lng,lei\n"
	tests := []struct {
		name       string
		body       string
		line, col  int
		field      string
		reasonPart string
	}{
		{"unknown country", "S1,A,Atlantis,,,,,\n", 2, 6, "country", "did you mean"},
		{"empty country", "S1,A,,,,,,\n", 2, 6, "country", "is empty"},
		{"share above 1", "S1,A,GH,,1.5,,,\n", 2, 10, "share", "above 1"},
		{"share above 100%", "S1,A,GH,,120%,,,\n", 2, 10, "share", "outside 0%..100%"},
		{"share negative", "S1,A,GH,,-0.1,,,\n", 2, 10, "share", "below 0"},
		{"share not a number", "S1,A,GH,,lots,,,\n", 2, 10, "share", "not a number"},
		{"share NaN", "S1,A,GH,,NaN,,,\n", 2, 10, "share", "not a number"},
		{"buyer points nowhere", "S1,A,GH,S9,,,,\n", 2, 9, "buyer_id", "matches no id"},
		{"buyer is itself", "S1,A,GH,S1,,,,\n", 2, 9, "buyer_id", "names itself"},
		{"duplicate id", "S1,A,GH,,,,,\nS1,B,GH,,,,,\n", 3, 1, "id", "first on line 2"},
		{"duplicate id before a bad cell", "S1,A,GH,,,,,\nS1,B,Atlantis,,,,,\n", 3, 1, "id", "first on line 2"},
		{"empty id", ",A,GH,,,,,\n", 2, 1, "id", "is empty"},
		{"empty name", "S1, ,GH,,,,,\n", 2, 4, "name", "is empty"},
		{"lat out of range", "S1,A,GH,,,95,1,\n", 2, 11, "lat", "outside"},
		{"lat without lng", "S1,A,GH,,,5,,\n", 2, 0, "lng", "missing"},
		{"bad LEI", "S1,A,GH,,,,,5493001KJTIIGC8Y1R17\n", 2, 13, "lei", "check digits"},
		{"invalid UTF-8", "S1,\xff\xfe,GH,,,,,\n", 2, 4, "name", "UTF-8"},
		{"too few fields", "S1,A,GH\n", 2, 1, "", "3 fields"},
		{"broken last line", "S1,A,GH,,,,,\nS2,\"unterminated,GH,,,,,\n", 3, 0, "", "quote"},
		{"buyer row is bad", "S1,A,GH,S2,,,,\nS2,B,Atlantis,,,,,\n", 0, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, sink, err := importString(t, head+tt.body, opts("s.csv"))
			if err == nil {
				t.Fatalf("import succeeded: %+v", res)
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("code = %s", kernel.ErrorCode(err))
			}
			if len(res.Errors) == 0 {
				t.Fatal("no row errors")
			}
			e := res.Errors[0]
			if e.File != "s.csv" {
				t.Errorf("file = %q", e.File)
			}
			if tt.line != 0 && e.Line != tt.line || tt.col != 0 && e.Column != tt.col || tt.field != "" && e.Field != tt.field ||
				!strings.Contains(e.Reason, tt.reasonPart) {
				t.Errorf("error = %#v (%v); want line %d col %d field %q reason containing %q", e, e, tt.line, tt.col, tt.field, tt.reasonPart)
			}
			var re ingest.RowError
			if !errors.As(res.Errors[0], &re) {
				t.Error("not a RowError")
			}
			_ = sink
		})
	}
}

func TestUpstreamCSVSkipBadRows(t *testing.T) {
	in := "id,name,country,buyer_id,share\n" +
		"S1,A,GH,,\n" +
		"S2,B,Atlantis,,\n" + // bad country
		"S3,C,GH,S1,2\n" + // bad share
		"S4,D,GH,S2,\n" + // buyer is a bad row: link dropped
		"S5,E,GH,S1,50%\n"
	o := opts("s.csv")
	o.SkipBadRows = true
	res, sink, err := importString(t, in, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 5 || res.Skipped != 3 || res.Parties != 3 || res.ErrorCount != 3 {
		t.Fatalf("result = %+v", res)
	}
	if len(sink.Parties) != 3 {
		t.Fatalf("parties = %d", len(sink.Parties))
	}
	if !strings.Contains(res.Errors[2].Reason, "line 3, which has errors") {
		t.Errorf("last error = %v", res.Errors[2])
	}
	// Without the flag the same file fails and the error names the first bad row.
	_, _, err = importString(t, in, opts("s.csv"))
	if err == nil || !strings.Contains(err.Error(), "s.csv:3:") {
		t.Fatalf("err = %v", err)
	}
}

// Rows are parsed a batch at a time beside the reader: ids, buyers named
// before and after their rows, and duplicates far apart are found across
// batches, with the lines of the file.
func TestUpstreamCSVManyRows(t *testing.T) {
	const n = 3000
	var b strings.Builder
	b.WriteString("id,name,country,buyer_id\n")
	for i := range n {
		buyer := ""
		switch {
		case i%3 == 1 && i+700 < n:
			buyer = fmt.Sprintf("S%d", i+700) // a later row, batches away
		case i > 0:
			buyer = fmt.Sprintf("S%d", i/2)
		}
		fmt.Fprintf(&b, "S%d,Name %d,GH,%s\n", i, i, buyer)
	}
	res, sink, err := importString(t, b.String(), opts("many.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != n || res.Parties != n || res.Links != n {
		t.Fatalf("result = %+v", res)
	}
	for _, l := range sink.Links {
		if l.Buyer == supplychain.Reporting {
			continue
		}
		if _, ok := sink.ids[l.Buyer]; !ok {
			t.Fatalf("link to unknown buyer %s", l.Buyer)
		}
	}
	dup := b.String() + "S17,Again,GH,\n"
	res, _, err = importString(t, dup, opts("many.csv"))
	if err == nil || len(res.Errors) != 1 || res.Errors[0].Line != n+2 || !strings.Contains(res.Errors[0].Reason, "first on line 19") {
		t.Fatalf("duplicate far apart: %+v, %v", res.Errors, err)
	}
}

func manyRows(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "R%d,Name %d,GH\n", i, i)
	}
	return b.String()
}

// failingReader gives its text and then fails, as a file on a failing
// disk or a dropped upload does.
type failingReader struct{ r *strings.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	if f.r.Len() == 0 {
		return 0, errors.New("device gone")
	}
	return f.r.Read(p)
}

// A file that cannot be read to its end fails the import, even when bad
// rows are skipped: what was read is not taken for the whole file.
func TestUpstreamCSVReadFailureStops(t *testing.T) {
	for _, skip := range []bool{false, true} {
		o := opts("s.csv")
		o.SkipBadRows = skip
		// Far longer than the part format detection reads ahead.
		in := failingReader{strings.NewReader("id,name,country\n" + manyRows(20000))}
		res, err := ingest.Import(context.Background(), in, o, newCheckingSink())
		if err == nil || !strings.Contains(err.Error(), "device gone") || !strings.Contains(err.Error(), "s.csv") {
			t.Fatalf("skip %v: %+v, %v; want the read error", skip, res, err)
		}
	}
}

func TestUpstreamCSVKnownRef(t *testing.T) {
	o := opts("s.csv")
	o.KnownRef = func(ref string) bool { return ref == "STORED" }
	// The checking sink would refuse a link to an unknown party, so use a
	// plain collector here: the buyer exists outside the file.
	var c ingest.Collector
	res, err := ingest.Import(context.Background(), strings.NewReader("id,name,country,buyer_id\nS1,A,GH,STORED\n"), o, &c)
	if err != nil || res.Links != 1 || c.Links[0].Buyer != supplychain.RefID("STORED") {
		t.Fatalf("res = %+v, err = %v, links = %+v", res, err, c.Links)
	}
}

func TestOSHBadRows(t *testing.T) {
	in := "country,name,address,sector,lat,lng\n" +
		"China,Good Factory,1 Road,Apparel,22.5,114.1\n" +
		"Atlantis,Lost Factory,2 Road,Apparel,1,1\n" +
		"CHINA, good factory ,1 road,Apparel,22.5,114.1\n" + // same facility written differently
		"China,Far Factory,3 Road,Apparel,122.5,114.1\n"
	o := opts("list.csv")
	o.SkipBadRows = true
	res, sink, err := importString(t, in, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 4 || res.Parties != 1 || res.Skipped != 2 || len(res.Warnings) != 1 {
		t.Fatalf("result = %+v", res)
	}
	if e := res.Errors[1]; e.Line != 5 || e.Field != "lat" {
		t.Errorf("error = %v", e)
	}
	if got := sink.Parties[0].Commodities; !cmp.Equal(got, []string{"garments", "textiles"}) {
		t.Errorf("commodities = %v", got)
	}
}
