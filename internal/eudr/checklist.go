package eudr

import (
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Item is one line of a lot's checklist before a statement: what the
// Regulation asks, whether it is done, and what is missing. Label and
// Missing are sentences in structured form (kernel.Text), so that pages
// can show them in the reader's language; they read and are written to
// JSON as English.
type Item struct {
	Key   string      `json:"key"`
	Label kernel.Text `json:"label"`
	Done  bool        `json:"done"`
	// Blocking items must be done before a statement can be made; the
	// others are for attention.
	Blocking bool          `json:"blocking"`
	Missing  []kernel.Text `json:"missing,omitempty"`
}

// Checklist lists what a statement for the lot needs and what is missing,
// in the order an analyst works through it.
func Checklist(in StatementInput) []Item {
	var items []Item
	add := func(key string, label kernel.Text, blocking bool, missing []kernel.Text) {
		items = append(items, Item{Key: key, Label: label, Done: len(missing) == 0, Blocking: blocking, Missing: missing})
	}
	if in.Lot.Downstream() {
		return downstreamChecklist(in.Lot)
	}
	var miss []kernel.Text
	if strings.TrimSpace(in.Operator.Name) == "" {
		miss = append(miss, kernel.Say("operator name"))
	}
	if in.Operator.Country == "" {
		miss = append(miss, kernel.Say("operator country"))
	}
	if strings.TrimSpace(in.Operator.Address) == "" {
		miss = append(miss, kernel.Say("operator address"))
	}
	add("operator", kernel.Say("Operator named, with address and country (Annex II point 1)"), true, miss)

	miss = nil
	l := in.Lot
	if l.Commodity == "" {
		miss = append(miss, kernel.Say("the commodity"))
	}
	if len(l.HSCodes) == 0 {
		miss = append(miss, kernel.Say("an HS code (Annex II point 2)"))
	}
	if strings.TrimSpace(l.Description) == "" {
		miss = append(miss, kernel.Say("a description of the goods"))
	}
	if l.NetMassKg <= 0 {
		miss = append(miss, kernel.Say("the quantity in kilograms of net mass (Annex II point 3)"))
	}
	add("product", kernel.Say("Product described: commodity, HS code, description and quantity (Art. 9(1)(a))"), true, miss)

	add("annex", kernel.Say("HS codes within Annex I for the commodity (%v)", kernel.Plain(AnnexISource)), false, annexMisses(l))

	miss = nil
	if len(in.Plots) == 0 {
		miss = append(miss, kernel.Say("no plots linked: link the plots the commodity comes from, or, when the products are all covered by earlier statements, name those statements"))
	}
	add("plots", kernel.Say("Plots of land linked to the lot (Art. 9(1)(d))"), true, miss)

	miss = nil
	for _, p := range in.Plots {
		for _, f := range in.Findings[p.ID] {
			if f.Severity == Error {
				miss = append(miss, kernel.Say("%v: %v", p.Label(), kernel.Plain(f.Message)))
				break
			}
		}
	}
	add("geolocation", kernel.Say("Every plot's geolocation passes the checks (Art. 2(28), 9(1)(d))"), true, miss)

	miss = nil
	for _, p := range in.Plots {
		if p.ProductionFrom.IsZero() && p.ProductionTo.IsZero() {
			miss = append(miss, kernel.Say("%v: no production date", p.Label()))
		}
	}
	add("dates", kernel.Say("Date or period of production for every plot (Art. 9(1)(c))"), true, miss)

	miss = nil
	var legal []kernel.Text
	for _, p := range in.Plots {
		s := Summarise(p, in.Evidence[p.ID], in.Today)
		if s.Deforestation != NoLossFound {
			miss = append(miss, kernel.Say("%v: %v", p.Label(), kernel.Plain(s.Deforestation.Label())))
		}
		for _, m := range s.MissingLegality {
			legal = append(legal, kernel.Say("%v: %v", p.Label(), kernel.Plain(m)))
		}
		for _, e := range s.Expired {
			legal = append(legal, kernel.Say("%v: %v", p.Label(), kernel.Plain(e)))
		}
	}
	add("deforestation", kernel.Say("Evidence that every plot was not deforested after 31 December 2020 (Art. 3(a), 9(1)(g))"), true, miss)
	add("legality", kernel.Say("Evidence that every plot was produced legally (Art. 3(b), 9(1)(h))"), true, legal)

	miss = nil
	switch {
	case in.Simplified:
	case in.Assessment == nil:
		miss = append(miss, kernel.Say("no risk assessment recorded (Art. 10)"))
	case in.Assessment.Conclusion == "":
		miss = append(miss, kernel.Say("the risk assessment has no decision yet"))
	case in.Assessment.Conclusion != Negligible:
		miss = append(miss, kernel.Say("the risk was concluded not negligible by %v: mitigate (Art. 11) and decide again", in.Assessment.DecidedBy))
	}
	add("risk", kernel.Say("Risk assessed and concluded negligible, or simplified due diligence (Art. 10, 11, 13)"), true, miss)
	return items
}

// Blocking returns the open blocking items, each with what is missing, in
// English.
func Blocking(items []Item) []string {
	var out []string
	for _, it := range items {
		if it.Blocking && !it.Done {
			missing := make([]string, len(it.Missing))
			for i, m := range it.Missing {
				missing[i] = m.String()
			}
			out = append(out, it.Label.String()+": "+strings.Join(limit(missing, 3), ", "))
		}
	}
	return out
}

// annexMisses lists the lot's HS codes that no line of Annex I covers for
// its commodity.
func annexMisses(l Lot) []kernel.Text {
	var miss []kernel.Text
	for _, h := range l.HSCodes {
		if l.Commodity != "" && !InAnnexI(l.Commodity, h) {
			miss = append(miss, kernel.Say("HS %v is not among the Annex I headings for %v: check the code", h, kernel.Plain(CommodityLabel(l.Commodity))))
		}
	}
	return miss
}

// downstreamChecklist is what a downstream operator's or trader's lot
// needs: no statement, but the product described and the earlier
// statements' reference numbers kept.
func downstreamChecklist(l Lot) []Item {
	var items []Item
	add := func(key string, label kernel.Text, blocking bool, missing []kernel.Text) {
		items = append(items, Item{Key: key, Label: label, Done: len(missing) == 0, Blocking: blocking, Missing: missing})
	}
	add("downstream", kernel.Say("No due diligence statement of your own: %v", kernel.Plain(DownstreamRule)), false, nil)
	var miss []kernel.Text
	if l.Commodity == "" {
		miss = append(miss, kernel.Say("the commodity"))
	}
	if len(l.HSCodes) == 0 {
		miss = append(miss, kernel.Say("an HS code"))
	}
	if l.NetMassKg <= 0 {
		miss = append(miss, kernel.Say("the quantity in kilograms of net mass"))
	}
	add("product", kernel.Say("Product described: commodity, HS code and quantity"), true, miss)
	add("annex", kernel.Say("HS codes within Annex I for the commodity (%v)", kernel.Plain(AnnexISource)), false, annexMisses(l))
	miss = nil
	if len(l.Upstream) == 0 {
		miss = append(miss, kernel.Say("no earlier statement named: record the reference numbers your suppliers gave"))
	}
	for _, u := range l.Upstream {
		if strings.TrimSpace(u.Reference) == "" {
			miss = append(miss, kernel.Say("a statement without its reference number"))
		}
	}
	add("references", kernel.Say("Reference numbers of the statements that cover the products, kept for five years"), true, miss)
	return items
}
