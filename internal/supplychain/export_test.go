package supplychain_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"slices"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

func exportGraph(t *testing.T) *supplychain.Graph {
	t.Helper()
	share := 0.6
	g := supplychain.NewGraph()
	_, err := g.Merge([]supplychain.Party{
		{ID: "t1", Name: "Tier One Garments", Kind: supplychain.KindFacility, Country: "BD", Commodities: []string{"cotton"}},
		{ID: "s1", Name: "Spinner", Kind: supplychain.KindFacility, Country: "IN", Commodities: []string{"cotton"}},
		{ID: "g1", Name: "Ginner", Kind: supplychain.KindFacility, Country: "IN", Commodities: []string{"cotton"}},
		{ID: "f1", Name: "Farm & Co <1>", Kind: supplychain.KindFarm, Country: "IN", Commodities: []string{"cotton", "sugarcane"}},
	}, []supplychain.Link{
		{Buyer: supplychain.Reporting, Supplier: "t1", Commodity: "cotton"},
		{Buyer: "t1", Supplier: "s1", Commodity: "cotton", Share: &share},
		{Buyer: "s1", Supplier: "g1", Commodity: "cotton"},
		{Buyer: "g1", Supplier: "f1", Commodity: "cotton"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func ids(e supplychain.Export) []string {
	var out []string
	for _, p := range e.Parties {
		out = append(out, p.ID)
	}
	slices.Sort(out)
	return out
}

func TestExportFilters(t *testing.T) {
	g := exportGraph(t)
	src := func(id string) string { return "file.csv:" + id }
	tests := []struct {
		name  string
		f     supplychain.ExportFilter
		want  []string
		links int
	}{
		{"everything", supplychain.ExportFilter{}, []string{"f1", "g1", supplychain.ReportingID, "s1", "t1"}, 4},
		{"country", supplychain.ExportFilter{Country: "IN"}, []string{"f1", "g1", "s1"}, 2},
		{"tier", supplychain.ExportFilter{Tier: 2}, []string{"s1"}, 0},
		{"commodity", supplychain.ExportFilter{Commodity: "sugarcane"}, []string{"f1"}, 0},
		{"depth from a supplier", supplychain.ExportFilter{From: "g1", Depth: 1}, []string{"f1", "g1", "s1"}, 2},
		{"depth two", supplychain.ExportFilter{From: "g1", Depth: 2}, []string{"f1", "g1", supplychain.ReportingID, "s1", "t1"}, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := g.Export(tc.f, src, nil)
			if got := ids(e); !slices.Equal(got, tc.want) {
				t.Errorf("parties %v, want %v", got, tc.want)
			}
			if len(e.Links) != tc.links {
				t.Errorf("%d links, want %d: %+v", len(e.Links), tc.links, e.Links)
			}
		})
	}
}

func TestExportFormats(t *testing.T) {
	e := exportGraph(t).Export(supplychain.ExportFilter{}, nil, func(k supplychain.LinkKey) string { return "chain.csv#" + k.Supplier })
	var js bytes.Buffer
	if err := e.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Parties []map[string]any
		Links   []struct {
			From, To, Commodity, Source string
			Share                       *float64
		}
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Parties) != 5 || len(doc.Links) != 4 {
		t.Fatalf("JSON has %d parties and %d links", len(doc.Parties), len(doc.Links))
	}
	found := false
	for _, l := range doc.Links {
		if l.From == "s1" && l.To == "t1" {
			found = l.Share != nil && *l.Share == 0.6 && l.Commodity == "cotton" && l.Source == "chain.csv#s1"
		}
	}
	if !found {
		t.Errorf("the spinner's link is missing or wrong: %+v", doc.Links)
	}

	var ml bytes.Buffer
	if err := e.WriteGraphML(&ml); err != nil {
		t.Fatal(err)
	}
	var g struct {
		Graph struct {
			EdgeDefault string `xml:"edgedefault,attr"`
			Nodes       []struct {
				ID string `xml:"id,attr"`
			} `xml:"node"`
			Edges []struct {
				Source string `xml:"source,attr"`
				Target string `xml:"target,attr"`
			} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(ml.Bytes(), &g); err != nil {
		t.Fatalf("GraphML does not parse: %v", err)
	}
	if g.Graph.EdgeDefault != "directed" || len(g.Graph.Nodes) != 5 || len(g.Graph.Edges) != 4 {
		t.Errorf("GraphML: %+v", g.Graph)
	}
	if !strings.Contains(ml.String(), "Farm &amp; Co &lt;1&gt;") {
		t.Error("GraphML does not escape names")
	}

	var cs bytes.Buffer
	if err := e.WriteCSV(&cs); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cs.String(), "from,to,from_name,to_name,commodity,share,source\n") || !strings.Contains(cs.String(), "s1,t1,Spinner,Tier One Garments,cotton,0.6,chain.csv#s1") {
		t.Errorf("CSV:\n%s", cs.String())
	}
}
