package web

import (
	"context"
	"fmt"
	"strings"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// ContainmentReader reads the packing recorded at a place from EPCIS
// aggregation and association events. When the SupplierReader also
// implements it the supplier page lists it.
type ContainmentReader interface {
	Containment(ctx context.Context, orgID, partyID string) ([]supplychain.Containment, int, error)
}

// packingView is one packing record as the supplier page says it.
type packingView struct {
	When, What, Where string
}

// maxChildrenNamed bounds the children named in one line.
const maxChildrenNamed = 8

func packingViews(cs []supplychain.Containment) []packingView {
	out := make([]packingView, len(cs))
	for i, c := range cs {
		when := c.Time
		if t, ok := c.When(); ok {
			when = t.UTC().Format("2006-01-02 15:04") + " UTC"
		}
		if when == "" {
			when = "time not given"
		}
		var kids []string
		for _, k := range c.Children[:min(len(c.Children), maxChildrenNamed)] {
			kids = append(kids, epcLabel(k))
		}
		what := strings.Join(kids, ", ")
		if more := len(c.Children) - len(kids); more > 0 {
			what += fmt.Sprintf(" and %d more", more)
		}
		if what == "" {
			what = "its contents"
		}
		what += " " + c.Verb() + " " + epcLabel(c.Parent)
		out[i] = packingView{When: when, What: what, Where: c.Origin.Where()}
		if out[i].Where != "" {
			out[i].Where = "read from " + out[i].Where
		}
	}
	return out
}

// epcLabel names a GS1 identifier by what it is.
func epcLabel(epc string) string {
	for _, k := range []struct{ prefix, label string }{
		{"urn:epc:id:sscc:", "logistic unit (SSCC) "},
		{"urn:epc:id:sgtin:", "trade item (SGTIN) "},
		{"urn:epc:class:lgtin:", "batch (LGTIN) "},
		{"urn:epc:idpat:sgtin:", "trade items (GTIN) "},
		{"urn:epc:id:grai:", "returnable asset (GRAI) "},
		{"urn:epc:id:giai:", "asset (GIAI) "},
	} {
		if strings.HasPrefix(epc, k.prefix) {
			return k.label + strings.TrimPrefix(epc, k.prefix)
		}
	}
	if epc == "" {
		return "an unnamed container"
	}
	return epc
}
