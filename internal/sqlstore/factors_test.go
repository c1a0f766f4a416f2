package sqlstore

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

func TestFactorDictRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		fs   []supplychain.Factor
	}{
		{"none", nil},
		{"one", []supplychain.Factor{{Kind: "inherent", Source: "US DOL ILAB, List of Goods", Edition: "2022",
			Indicator: "child labour", Value: "Cocoa from Côte d'Ivoire listed", Points: 30, Contribution: 21.744718172233863}}},
		{"texts repeat", []supplychain.Factor{
			{Kind: "inherent", Source: "GSI", Edition: "2023", Indicator: "prevalence", Value: "6.4 per 1,000", Points: 8, Contribution: 5.0833668524765425},
			{Kind: "inherent", Source: "GSI", Edition: "2023", Indicator: "prevalence", Value: "6.4 per 1,000", Points: 8, Contribution: 5.0833668524765425},
			{Kind: "signal", Source: "", Edition: "", Indicator: "", Value: "", Points: 0, Contribution: 0},
		}},
		{"awkward text and numbers", []supplychain.Factor{{Kind: "supply chain", Source: `quote " backslash \ newline
tab	`, Edition: "<b>&", Indicator: "\u2028 ünïcödé 中文", Value: `[1,"x"]`, Points: 1e-300, Contribution: -123456789.123456789}}},
	}
	d := &factorDict{ids: map[string]int64{}, texts: map[int64]string{}, next: 1}
	var added []string
	add := func(id int64, text string) error {
		if int(id) != len(added)+1 {
			t.Errorf("text %q numbered %d, want %d", text, id, len(added)+1)
		}
		added = append(added, text)
		return nil
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := d.encode(tt.fs, add)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := d.encode(tt.fs, add)
			if again != s {
				t.Errorf("the same factors encoded twice differ:\n%s\n%s", s, again)
			}
			got, err := d.decode(s)
			if err != nil {
				t.Fatalf("decode %s: %v", s, err)
			}
			if diff := cmp.Diff(tt.fs, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	if n := len(added); n != len(d.ids) || strings.Count(strings.Join(added, "\x00"), "GSI") != 1 {
		t.Errorf("added %d texts (%q), want each once", n, added)
	}
}

func TestFactorDictReadsEarlierRows(t *testing.T) {
	legacy := `[{"kind":"inherent","source":"ILAB","edition":"2022","indicator":"forced labour","value":"listed","points":40,"contribution":31.5}]`
	got, err := (*factorDict)(nil).decode(legacy)
	want := []supplychain.Factor{{Kind: "inherent", Source: "ILAB", Edition: "2022", Indicator: "forced labour", Value: "listed", Points: 40, Contribution: 31.5}}
	if err != nil || !cmp.Equal(want, got) {
		t.Errorf("legacy row = %+v, %v", got, err)
	}
}

func TestFactorDictRefuses(t *testing.T) {
	d := &factorDict{ids: map[string]int64{}, texts: map[int64]string{1: "a"}, next: 2}
	if _, err := d.decode(`[[1,1,1,9,"v",1,1]]`); !errors.Is(err, errUnknownText) {
		t.Errorf("unknown text: err = %v", err)
	}
	for _, bad := range []string{`[[1,1,1,1,"v",1]]`, `[[1,1,1,1,2,1,1]]`, `[[1,1,1,"x","v",1,1]]`, `{`} {
		if _, err := d.decode(bad); err == nil {
			t.Errorf("decode(%s) accepted", bad)
		}
	}
	for _, x := range []float64{math.NaN(), math.Inf(1)} {
		if _, err := d.encode([]supplychain.Factor{{Points: x}}, func(int64, string) error { return nil }); err == nil {
			t.Errorf("encode(%v) accepted", x)
		}
	}
	store := errors.New("disk full")
	if _, err := d.encode([]supplychain.Factor{{Kind: "new"}}, func(int64, string) error { return store }); !errors.Is(err, store) {
		t.Errorf("store failure: err = %v", err)
	}
}
