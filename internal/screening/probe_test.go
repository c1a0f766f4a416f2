package screening

import (
	"fmt"
	"testing"
)

func TestProbe(t *testing.T) {
	sdn, err := LoadFile(sharedList(t, "ofac_sdn_2021", "sdn.csv"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := BuiltinLists()
	ix := NewIndex(append(b, sdn)...)
	for _, q := range []Query{
		{Name: "Banco Nacional de Cuba"}, {Name: "Banko Nacional de Kuba"}, {Name: "Xinjiang Production & Construction Corps"},
		{Name: "新疆生产建设兵团"}, {Name: "XPCC"}, {Name: "Hetian Taida Apparel Company Limited", Country: "China"},
		{Name: "Xetian Taida Aparel Co Ltd"}, {Name: "Banco Nacional de Mexico"}, {Name: "Anglo Caribbean Company Limited"},
		{Name: "Путин Владимир Владимирович"}, {Name: "Vladimir Putin"}, {Name: "Bank Melli"}, {Name: "Acme Trading Co Ltd"},
	} {
		hs := ix.Search(q, Options{Threshold: 0.5, Limit: 3})
		fmt.Println("Q:", q.Name)
		for _, h := range hs {
			fmt.Printf("  %.3f %s | %s | %v\n", h.Score, h.Entity.ID, h.MatchedName, h.Reasons)
		}
	}
}
