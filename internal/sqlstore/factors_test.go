package sqlstore

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
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

// TestFactorReaderReadsTextsAddedSince reads stored factors as a reader
// outside the writing transaction does: a row naming a text written after
// the reader loaded the organisation's texts makes it load them again.
func TestFactorReaderReadsTextsAddedSince(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "f.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org := account.Org{ID: kernel.NewID(), Slug: "acme", Name: "Acme", CreatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if err := db.Accounts().CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	st := db.SupplyChain()
	ps := []supplychain.Party{
		{ID: supplychain.RefID("A"), Ref: "A", Name: "Alpha", Kind: supplychain.KindCompany, Country: "CI"},
		{ID: supplychain.RefID("B"), Ref: "B", Name: "Beta", Kind: supplychain.KindCompany, Country: "GH"},
	}
	if err := st.UpsertParties(ctx, org.ID, ps); err != nil {
		t.Fatal(err)
	}
	first := []supplychain.Factor{{Kind: "inherent", Source: "ILAB", Edition: "2022", Indicator: "child labour", Value: "listed", Points: 30, Contribution: 30}}
	later := []supplychain.Factor{{Kind: "signal", Source: "OFAC SDN", Edition: "2026-11-01", Indicator: "watchlist", Value: "confirmed", Points: 90, Contribution: 60}}
	save := func(id string, fs []supplychain.Factor) {
		t.Helper()
		if err := st.SaveRisk(ctx, org.ID, RiskRows([]supplychain.PartyRisk{{ID: id, Tier: 1, Exposure: 50, Level: "high", Factors: fs}})); err != nil {
			t.Fatal(err)
		}
	}
	stored := func(id string) string {
		t.Helper()
		var s string
		if err := db.read.QueryRowContext(ctx, "SELECT factors FROM parties WHERE org_id = $1 AND id = $2", org.ID, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	save(ps[0].ID, first)
	fr := &factorReader{ctx: ctx, q: db.read, org: org.ID}
	if got, err := fr.decode(stored(ps[0].ID)); err != nil || !cmp.Equal(first, got) {
		t.Fatalf("first row = %+v, %v", got, err)
	}
	save(ps[1].ID, later) // adds texts the reader has not loaded
	if got, err := fr.decode(stored(ps[1].ID)); err != nil || !cmp.Equal(later, got) {
		t.Fatalf("row with texts added since = %+v, %v", got, err)
	}
	if len(fr.dict.texts) != 8 {
		t.Errorf("reader holds %d texts after reloading, want 8", len(fr.dict.texts))
	}
}
