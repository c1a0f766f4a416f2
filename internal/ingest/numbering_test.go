package ingest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// numberingSink numbers parties in the order received and turns the links
// it gets by number back into links by id, so that its result can be
// compared with a plain sink's.
type numberingSink struct {
	ingest.Collector
	ids      []string
	numbered int // links received by number
}

func (s *numberingSink) PartyNumber(p supplychain.Party) (int32, error) {
	s.Parties = append(s.Parties, p)
	s.ids = append(s.ids, p.ID)
	return int32(len(s.ids) - 1), nil
}

func (s *numberingSink) LinkNumbers(l supplychain.Link, supplier, buyer int32) error {
	s.numbered++
	if s.ids[supplier] != l.Supplier || (buyer >= 0 && s.ids[buyer] != l.Buyer) || (buyer == -1 && l.Buyer != supplychain.Reporting) {
		return fmt.Errorf("link %+v given as %d <- %d", l, buyer, supplier)
	}
	s.Links = append(s.Links, l)
	return nil
}

// TestNumberingSinkGetsTheSameLinks checks that a sink taking links by
// number gets what a plain sink gets: buyers before and after their
// supplier, buyers from an earlier file, several commodities and buyers.
func TestNumberingSinkGetsTheSameLinks(t *testing.T) {
	in := "id,name,country,commodity,buyer_id,share\n" +
		"A,Alpha,GH,cocoa,,\n" +
		"B,Beta,GH,cocoa;coffee,A;OLD;C,40%\n" +
		"C,Gamma,CI,cocoa,A,\n" +
		"D,Delta,CI,,B;OLD,\n"
	o := opts("f.csv")
	o.KnownRef = func(ref string) bool { return ref == "OLD" }
	var plain ingest.Collector
	if _, err := ingest.Import(context.Background(), strings.NewReader(in), o, &plain); err != nil {
		t.Fatal(err)
	}
	var numbered numberingSink
	res, err := ingest.Import(context.Background(), strings.NewReader(in), o, &numbered)
	if err != nil {
		t.Fatal(err)
	}
	key := func(l supplychain.Link) string { return l.Buyer + " " + l.Supplier + " " + l.Commodity }
	want, got := make([]string, 0), make([]string, 0)
	for _, l := range plain.Links {
		want = append(want, key(l))
	}
	for _, l := range numbered.Links {
		got = append(got, key(l))
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) || len(numbered.Parties) != len(plain.Parties) || res.Links != len(want) {
		t.Errorf("numbered sink got %d parties and links %v (%d counted); plain sink %d parties and %v", len(numbered.Parties), got, res.Links, len(plain.Parties), want)
	}
	// Links to the earlier file's party and the one waiting for C go by id.
	if numbered.numbered == 0 || numbered.numbered == len(want) {
		t.Errorf("%d of %d links by number", numbered.numbered, len(want))
	}
}
