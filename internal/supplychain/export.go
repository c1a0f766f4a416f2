package supplychain

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// ExportFilter narrows a graph export. Zero fields do not filter.
type ExportFilter struct {
	Country   string // ISO alpha-2: parties in this country
	Commodity string // canonical id: parties supplying it, and links of it
	Tier      int    // parties of this tier (1 = direct suppliers)
	// From and Depth keep only the parties within Depth links of party
	// From, up and down the chain (Depth 0 with From set means 1).
	From  string
	Depth int
}

// ExportParty is a party as an export writes it.
type ExportParty struct {
	ID          string   `json:"id"`
	Ref         string   `json:"ref,omitempty"`
	Name        string   `json:"name"`
	Kind        Kind     `json:"kind"`
	Country     string   `json:"country,omitempty"`
	Tier        int      `json:"tier,omitempty"`  // 0 when not connected to the reporting organisation
	Level       string   `json:"level,omitempty"` // risk level, when the export comes from a scored store
	Commodities []string `json:"commodities,omitempty"`
	Lat         *float64 `json:"lat,omitempty"`
	Lng         *float64 `json:"lng,omitempty"`
	OSID        string   `json:"os_id,omitempty"`
	LEI         string   `json:"lei,omitempty"`
	GLN         string   `json:"gln,omitempty"`
	Source      string   `json:"source,omitempty"`
}

// ExportLink is a link as an export writes it: goods flow From the
// supplier To the buyer.
type ExportLink struct {
	From      string   `json:"from"`
	To        string   `json:"to"`
	Commodity string   `json:"commodity,omitempty"`
	Share     *float64 `json:"share,omitempty"`
	Source    string   `json:"source,omitempty"`
}

// Export is the part of a graph an export writes: one object with
// parties and links, as GraphML, JSON or an edge list read them.
type Export struct {
	Parties []ExportParty `json:"parties"`
	Links   []ExportLink  `json:"links"`
}

// ReportingID and ReportingName name the reporting organisation, the
// buyer of tier 1 links, in exports.
const (
	ReportingID   = "reporting-organisation"
	ReportingName = "Reporting organisation"
)

// Export returns the parties and links of g that f keeps, parties sorted
// by tier then name, links by buyer then supplier. Sources, when given,
// say where a party or link was read (file and line, or EPCIS event).
func (g *Graph) Export(f ExportFilter, partySource func(id string) string, linkSource func(LinkKey) string) Export {
	tiers := g.Tiers()
	keep := map[string]bool{}
	var near map[string]bool
	if f.From != "" {
		near = g.within(f.From, max(1, f.Depth))
	}
	for id, p := range g.parties {
		switch {
		case near != nil && !near[id]:
		case f.Country != "" && p.Country != f.Country:
		case f.Commodity != "" && !slices.Contains(p.Commodities, f.Commodity):
		case f.Tier > 0 && tiers[id] != f.Tier:
		default:
			keep[id] = true
		}
	}
	var out Export
	reporting := false
	for _, l := range g.links {
		if !keep[l.Supplier] || l.Buyer != Reporting && !keep[l.Buyer] {
			continue
		}
		if f.Commodity != "" && l.Commodity != f.Commodity {
			continue
		}
		to := l.Buyer
		if to == Reporting {
			to, reporting = ReportingID, true
		}
		el := ExportLink{From: l.Supplier, To: to, Commodity: l.Commodity, Share: l.Share}
		if linkSource != nil {
			el.Source = linkSource(l.Key())
		}
		out.Links = append(out.Links, el)
	}
	for id := range keep {
		p := g.parties[id]
		ep := ExportParty{ID: p.ID, Ref: p.Ref, Name: p.Name, Kind: p.Kind, Country: p.Country, Tier: tiers[id],
			Commodities: p.Commodities, Lat: p.Lat, Lng: p.Lng, OSID: p.OSID, LEI: p.LEI, GLN: p.GLN}
		if partySource != nil {
			ep.Source = partySource(id)
		}
		out.Parties = append(out.Parties, ep)
	}
	slices.SortFunc(out.Parties, func(a, b ExportParty) int {
		return cmp.Or(cmp.Compare(a.Tier, b.Tier), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	if reporting {
		out.Parties = slices.Insert(out.Parties, 0, ExportParty{ID: ReportingID, Name: ReportingName, Kind: KindCompany})
	}
	slices.SortFunc(out.Links, func(a, b ExportLink) int {
		return cmp.Or(cmp.Compare(a.To, b.To), cmp.Compare(a.From, b.From), cmp.Compare(a.Commodity, b.Commodity))
	})
	if out.Parties == nil {
		out.Parties = []ExportParty{}
	}
	if out.Links == nil {
		out.Links = []ExportLink{}
	}
	return out
}

// within returns the parties at most depth links from id, up and down.
func (g *Graph) within(id string, depth int) map[string]bool {
	seen := map[string]bool{}
	if _, ok := g.parties[id]; !ok {
		return seen
	}
	seen[id] = true
	frontier := []string{id}
	for d := 0; d < depth && len(frontier) > 0; d++ {
		var next []string
		for _, p := range frontier {
			for _, k := range g.suppliers[p] {
				if !seen[k.Supplier] {
					seen[k.Supplier] = true
					next = append(next, k.Supplier)
				}
			}
			for _, k := range g.buyers[p] {
				if k.Buyer != Reporting && !seen[k.Buyer] {
					seen[k.Buyer] = true
					next = append(next, k.Buyer)
				}
			}
		}
		frontier = next
	}
	return seen
}

// WriteJSON writes e as one JSON object with "parties" and "links".
func (e Export) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(e); err != nil {
		return fmt.Errorf("writing the graph as JSON: %w", err)
	}
	return nil
}

// WriteCSV writes e as an edge list, one link a row: from, to, their
// names, commodity, share and source.
func (e Export) WriteCSV(w io.Writer) error {
	names := make(map[string]string, len(e.Parties))
	for _, p := range e.Parties {
		names[p.ID] = p.Name
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"from", "to", "from_name", "to_name", "commodity", "share", "source"})
	for _, l := range e.Links {
		share := ""
		if l.Share != nil {
			share = strconv.FormatFloat(*l.Share, 'f', -1, 64)
		}
		_ = cw.Write([]string{l.From, l.To, names[l.From], names[l.To], l.Commodity, share, l.Source})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the graph as CSV: %w", err)
	}
	return nil
}

// WriteGraphML writes e as a directed GraphML graph (the format Gephi, yEd
// and Cytoscape open), with the parties' and links' fields as data keys.
func (e Export) WriteGraphML(w io.Writer) error {
	type data struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	}
	type node struct {
		ID   string `xml:"id,attr"`
		Data []data `xml:"data"`
	}
	type edge struct {
		Source string `xml:"source,attr"`
		Target string `xml:"target,attr"`
		Data   []data `xml:"data"`
	}
	type key struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	}
	type graph struct {
		ID          string `xml:"id,attr"`
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []node `xml:"node"`
		Edges       []edge `xml:"edge"`
	}
	type doc struct {
		XMLName xml.Name `xml:"graphml"`
		NS      string   `xml:"xmlns,attr"`
		Keys    []key    `xml:"key"`
		Graph   graph    `xml:"graph"`
	}
	d := doc{NS: "http://graphml.graphdrawing.org/xmlns", Graph: graph{ID: "supply-chain", EdgeDefault: "directed"}}
	for _, k := range [][3]string{{"name", "node", "string"}, {"kind", "node", "string"}, {"country", "node", "string"}, {"tier", "node", "int"}, {"level", "node", "string"},
		{"commodities", "node", "string"}, {"lat", "node", "double"}, {"lng", "node", "double"}, {"os_id", "node", "string"},
		{"commodity", "edge", "string"}, {"share", "edge", "double"}, {"source", "edge", "string"}} {
		d.Keys = append(d.Keys, key{ID: k[0], For: k[1], Name: k[0], Type: k[2]})
	}
	add := func(ds []data, k, v string) []data {
		if v != "" {
			ds = append(ds, data{k, v})
		}
		return ds
	}
	num := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	for _, p := range e.Parties {
		var ds []data
		ds = add(ds, "name", p.Name)
		ds = add(ds, "kind", string(p.Kind))
		ds = add(ds, "country", p.Country)
		if p.Tier > 0 {
			ds = add(ds, "tier", strconv.Itoa(p.Tier))
		}
		ds = add(ds, "level", p.Level)
		ds = add(ds, "commodities", joinComma(p.Commodities))
		ds = add(ds, "lat", num(p.Lat))
		ds = add(ds, "lng", num(p.Lng))
		ds = add(ds, "os_id", p.OSID)
		d.Graph.Nodes = append(d.Graph.Nodes, node{ID: p.ID, Data: ds})
	}
	for _, l := range e.Links {
		var ds []data
		ds = add(ds, "commodity", l.Commodity)
		ds = add(ds, "share", num(l.Share))
		ds = add(ds, "source", l.Source)
		d.Graph.Edges = append(d.Graph.Edges, edge{Source: l.From, Target: l.To, Data: ds})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing the graph as GraphML: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("writing the graph as GraphML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func joinComma(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}
