package supplychain_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

func party(id string) supplychain.Party {
	return supplychain.Party{ID: id, Ref: id, Name: "Party " + id, Kind: supplychain.KindCompany, Country: "GH"}
}

func link(buyer, supplier string) supplychain.Link {
	return supplychain.Link{Buyer: buyer, Supplier: supplier, Commodity: "cocoa"}
}

// chain: brand <- grinder G <- trader T1 <-> trader T2 (they buy from each
// other) <- coop C; T1 also buys from farm F directly.
func chain() ([]supplychain.Party, []supplychain.Link) {
	ps := []supplychain.Party{party("G"), party("T1"), party("T2"), party("C"), party("F"), party("X")}
	ls := []supplychain.Link{
		link(supplychain.Reporting, "G"),
		link("G", "T1"),
		link("T1", "T2"),
		link("T2", "T1"),
		link("T2", "C"),
		link("T1", "F"),
		link("C", "F"),
	}
	return ps, ls
}

func TestTiers(t *testing.T) {
	g := supplychain.NewGraph()
	ps, ls := chain()
	if _, err := g.Merge(ps, ls); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"G": 1, "T1": 2, "T2": 3, "F": 3, "C": 4}
	if diff := cmp.Diff(want, g.Tiers()); diff != "" {
		t.Errorf("Tiers() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]string{{"T1", "T2"}}, g.Cycles()); diff != "" {
		t.Errorf("Cycles() mismatch (-want +got):\n%s", diff)
	}
	if got := len(g.Suppliers("T1")); got != 2 {
		t.Errorf("Suppliers(T1) = %d links, want 2", got)
	}
	if got := len(g.Buyers("F")); got != 2 {
		t.Errorf("Buyers(F) = %d links, want 2", got)
	}
}

func TestMergeIdempotent(t *testing.T) {
	g := supplychain.NewGraph()
	ps, ls := chain()
	first, err := g.Merge(ps, ls)
	if err != nil {
		t.Fatal(err)
	}
	if first.PartiesAdded != 6 || first.LinksAdded != 7 {
		t.Fatalf("first merge = %+v", first)
	}
	before := fmt.Sprint(g.Parties(), g.Links())
	second, err := g.Merge(ps, ls)
	if err != nil {
		t.Fatal(err)
	}
	if second.Changed() || second.PartiesUnchanged != 6 || second.LinksUnchanged != 7 {
		t.Fatalf("second merge changed the graph: %+v", second)
	}
	if after := fmt.Sprint(g.Parties(), g.Links()); after != before {
		t.Fatal("graph differs after merging the same import again")
	}
	// A changed share is an update, not a new link.
	l := link("G", "T1")
	l.Share = fp(0.4)
	st, err := g.Merge(nil, []supplychain.Link{l})
	if err != nil || st.LinksUpdated != 1 {
		t.Fatalf("share update = %+v, %v", st, err)
	}
}

func TestMergeRejectsAndLeavesGraphUnchanged(t *testing.T) {
	g := supplychain.NewGraph()
	ps, ls := chain()
	tests := []struct {
		name    string
		parties []supplychain.Party
		links   []supplychain.Link
	}{
		{"unknown buyer", ps, append(ls[:1:1], link("nobody", "G"))},
		{"unknown supplier", ps, []supplychain.Link{link("G", "ghost")}},
		{"bad party", append(ps[:1:1], supplychain.Party{ID: "bad"}), nil},
		{"bad share", ps, []supplychain.Link{{Buyer: "G", Supplier: "T1", Share: fp(2)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := g.Merge(tt.parties, tt.links); err == nil {
				t.Fatal("Merge accepted bad input")
			}
			if n, m := g.Len(); n != 0 || m != 0 {
				t.Fatalf("graph has %d parties, %d links after a failed merge", n, m)
			}
		})
	}
}

// TestTiersProperties checks on random graphs, cycles included, that tier
// inference terminates, that direct suppliers are tier 1, and that every
// tier n>1 party supplies some tier n-1 party.
func TestTiersProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "parties")
		ps := make([]supplychain.Party, n)
		for i := range ps {
			ps[i] = party(fmt.Sprint("p", i))
		}
		var ls []supplychain.Link
		m := rapid.IntRange(0, 120).Draw(t, "links")
		for range m {
			s := rapid.IntRange(0, n-1).Draw(t, "s")
			b := rapid.IntRange(-1, n-1).Draw(t, "b")
			buyer := supplychain.Reporting
			if b >= 0 {
				if b == s {
					continue
				}
				buyer = ps[b].ID
			}
			ls = append(ls, link(buyer, ps[s].ID))
		}
		g := supplychain.NewGraph()
		if _, err := g.Merge(ps, ls); err != nil {
			t.Fatal(err)
		}
		tiers := g.Tiers()
		for id, tier := range tiers {
			direct := false
			for _, l := range g.Buyers(id) {
				if l.Buyer == supplychain.Reporting {
					direct = true
				}
			}
			if direct != (tier == 1) {
				t.Fatalf("%s: tier %d but direct=%v", id, tier, direct)
			}
			if tier > 1 {
				ok := false
				for _, l := range g.Buyers(id) {
					if bt, has := tiers[l.Buyer]; has && bt == tier-1 {
						ok = true
					}
				}
				if !ok {
					t.Fatalf("%s: tier %d but supplies no tier %d party", id, tier, tier-1)
				}
			}
		}
		for _, comp := range g.Cycles() {
			if len(comp) < 2 {
				t.Fatalf("cycle component of size %d", len(comp))
			}
		}
	})
}
