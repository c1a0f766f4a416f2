package facilitymatch_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func newMatcher(t testing.TB) *facilitymatch.Matcher {
	t.Helper()
	m, err := facilitymatch.New(facilitymatch.DefaultThresholds())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCompare(t *testing.T) {
	m := newMatcher(t)
	cases := []struct {
		name   string
		a, b   facilitymatch.Record
		want   facilitymatch.Decision
		reason string // a reason that must be given
	}{
		{"legal form and punctuation",
			facilitymatch.Record{Name: "Formosa Textil (Nica) S.A.", Address: "Km 12 1/2 Carretera Norte, Modulo No. 52, Zona Franca Las Mercedes, Managua", Country: "NI"},
			facilitymatch.Record{Name: "FORMOSA TEXTIL (NICA)", Address: "km. 12 1 2 carretera norte modulo no. 52 zona franca industrial mercedes managua", Country: "NI"},
			facilitymatch.Same, "same numbers in address"},
		{"spaced-out letters",
			facilitymatch.Record{Name: "Alextricot SRL", Address: "Via Galicea Mare 16, Bailesti, jud Dolj", Country: "RO"},
			facilitymatch.Record{Name: "a l e x t r i c o t s r l", Address: "via galicea mare 16 bailesti jud dolj", Country: "RO"},
			facilitymatch.Same, "name"},
		{"typo in the address",
			facilitymatch.Record{Name: "Zhucheng Hengwei Clothing Co Ltd", Address: "Southern Head Of East Outer Ring, Zhucheng, Shandong", Country: "CN"},
			facilitymatch.Record{Name: "ZHUCHENG HENGWEI CLOTHING CO.LTD", Address: "Southern head of east ourter ring, Shandong Province, Zhucheng City", Country: "CN"},
			facilitymatch.Same, "address"},
		{"unit numbers differ",
			facilitymatch.Record{Name: "Jeans Knit Private Ltd Unit 3", Address: "No 34/A, II Phase, Peenya Industrial Area, Bangalore", Country: "IN"},
			facilitymatch.Record{Name: "Jeans Knit Private Ltd Unit 4", Address: "No. 20-A/21-E, II Phase, Peenya Industrial Area, Bangalore", Country: "IN"},
			"", "unit numbers differ (3 / 4)"},
		{"numbered sites with nothing else to tell them apart",
			facilitymatch.Record{Name: "Factory 12", Address: "12 Industrial Road, Zone 3", Country: "VN"},
			facilitymatch.Record{Name: "Factory 13", Address: "13 Industrial Road, Zone 3", Country: "VN"},
			"", "unit numbers differ (12 / 13)"},
		{"one unit named in more detail",
			facilitymatch.Record{Name: "Jeans Knit Unit 3", Address: "No 34/A, II Phase, Peenya Industrial Area, Bangalore", Country: "IN"},
			facilitymatch.Record{Name: "Jeans Knit Unit 3 Block 2", Address: "No 34/A, II Phase, Peenya Industrial Area, Bangalore", Country: "IN"},
			facilitymatch.Review, "unit numbers differ (3 / 3 2)"},
		{"numbered sites with the same OS ID",
			facilitymatch.Record{Name: "Factory 12", Country: "VN", OSID: "VN2021001AAAAAA"},
			facilitymatch.Record{Name: "Factory 13", Country: "VN", OSID: "VN2021001AAAAAA"},
			facilitymatch.Same, "same OS ID"},
		{"same OS ID",
			facilitymatch.Record{Name: "Alpha Mill", Country: "BD", OSID: "BD2020123ABCDEF"},
			facilitymatch.Record{Name: "Beta Mill", Country: "BD", OSID: "bd2020123abcdef"},
			facilitymatch.Same, "same OS ID"},
		{"different OS IDs are never merged unasked",
			facilitymatch.Record{Name: "Alpha Mill", Address: "1 Road A, Dhaka", Country: "BD", OSID: "BD1"},
			facilitymatch.Record{Name: "Alpha Mill", Address: "1 Road A, Dhaka", Country: "BD", OSID: "BD2"},
			facilitymatch.Review, "different OS IDs"},
		{"countries differ",
			facilitymatch.Record{Name: "Casual Wear Apparel LLC", Address: "Plot 675 Wadi Ad Dulayl Industrial Park", Country: "JO"},
			facilitymatch.Record{Name: "Casual Wear Apparel LLC", Address: "Plot 675 Wadi Ad Dulayl Industrial Park", Country: "IL"},
			facilitymatch.Review, "countries differ (JO / IL)"},
		{"far apart",
			facilitymatch.Record{Name: "Rosko Textil", Address: "Parc Industrial UTA, Arad", Country: "RO", Lat: 46.18, Lng: 21.31, HasCoord: true},
			facilitymatch.Record{Name: "Rosko Textil", Address: "Zona Libera, Curtici, Arad", Country: "RO", Lat: 46.35, Lng: 21.30, HasCoord: true},
			facilitymatch.Review, "km apart"},
		{"transliterated",
			facilitymatch.Record{Name: "Текстиль Нева", Address: "ул. Ленина 5, Иваново", Country: "RU"},
			facilitymatch.Record{Name: "Tekstil Neva", Address: "ul. Lenina 5, Ivanovo", Country: "RU"},
			facilitymatch.Same, "name 1.00"},
		{"unrelated",
			facilitymatch.Record{Name: "Noman Terry Towel Mills", Address: "Vawal Mirzapur, Gazipur", Country: "BD"},
			facilitymatch.Record{Name: "Pretty Sweaters Ltd", Address: "Chayadan, National University, Gazipur", Country: "BD"},
			"", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := m.Compare(c.a, c.b)
			if p.Decision != c.want {
				t.Errorf("decision %q (score %.2f, %v), want %q", p.Decision, p.Score, p.Reasons, c.want)
			}
			if c.reason != "" && !slices.ContainsFunc(p.Reasons, func(r string) bool { return strings.Contains(r, c.reason) }) {
				t.Errorf("reasons %v lack %q", p.Reasons, c.reason)
			}
		})
	}
}

func TestNewRejectsBadThresholds(t *testing.T) {
	for _, th := range []facilitymatch.Thresholds{{Same: 0.5, Review: 0.6}, {Same: 1.1, Review: 0.5}, {Same: 0.9, Review: 0}} {
		if _, err := facilitymatch.New(th); kernel.ErrorCode(err) != kernel.Invalid {
			t.Errorf("New(%+v) = %v, want an invalid-input error", th, err)
		}
	}
}

func TestMatchOnlyNewAgainstOld(t *testing.T) {
	m := newMatcher(t)
	recs := []facilitymatch.Record{
		{Name: "Hanes Ink", Address: "Parque Industrial Inhdelva Norte, Edificio 11 y 12, Cortes", Country: "HN"},
		{Name: "Hanes Ink S.A. de C.V.", Address: "PARQUE INDUSTRIAL Inhdelva Norte,Edificio 11 y 12,Cortes Honduras", Country: "HN"},
		{Name: "HANES INK", Address: "parque industrial inhdelva norte edificio 11 y 12 cortes", Country: "HN"},
	}
	all, err := m.Match(context.Background(), recs, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("all pairs: got %v, want the three pairs", all)
	}
	onlyNew, err := m.Match(context.Background(), recs, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range onlyNew {
		if p.B != 2 {
			t.Errorf("pair %d-%d does not involve the new record", p.A, p.B)
		}
	}
	if len(onlyNew) != 2 {
		t.Errorf("new against old: got %d pairs, want 2", len(onlyNew))
	}
}

// The score is symmetric and within 0..1, and a record matches a copy of
// itself as the same facility.
func TestScoreProperties(t *testing.T) {
	m := newMatcher(t)
	word := rapid.StringMatching(`[A-Za-z]{2,9}|[0-9]{1,4}|Co\.|Ltd|S\.A\.|&|\(|\)`)
	text := rapid.Custom(func(t *rapid.T) string {
		return strings.Join(rapid.SliceOfN(word, 1, 6).Draw(t, "words"), " ")
	})
	rec := rapid.Custom(func(t *rapid.T) facilitymatch.Record {
		r := facilitymatch.Record{Name: text.Draw(t, "name"), Address: text.Draw(t, "address"), Country: rapid.SampledFrom([]string{"CN", "BD", ""}).Draw(t, "country")}
		if rapid.Bool().Draw(t, "coord") {
			r.Lat, r.Lng, r.HasCoord = rapid.Float64Range(-60, 60).Draw(t, "lat"), rapid.Float64Range(-170, 170).Draw(t, "lng"), true
		}
		return r
	})
	rapid.Check(t, func(t *rapid.T) {
		a, b := rec.Draw(t, "a"), rec.Draw(t, "b")
		ab, ba := m.Compare(a, b), m.Compare(b, a)
		if ab.Score != ba.Score {
			t.Fatalf("score not symmetric: %v / %v", ab.Score, ba.Score)
		}
		if ab.Score < 0 || ab.Score > 1 {
			t.Fatalf("score %v outside 0..1", ab.Score)
		}
		if strings.Trim(a.Name, " &()") != "" && len(facilitymatch.Normalised(a.Name)) > 0 {
			if self := m.Compare(a, a); self.Decision != facilitymatch.Same {
				t.Fatalf("a record against itself: %v %v", self.Score, self.Reasons)
			}
		}
	})
}

// A list of records that differ only by their numbers ("Supplier 1",
// "Supplier 2", ... on numbered streets) makes no pairs, and a record
// close to many others is in at most the cap's number of review pairs,
// its best ones.
func TestReviewPairsAreCappedPerRecord(t *testing.T) {
	m := newMatcher(t)
	var numbered []facilitymatch.Record
	for i := range 200 {
		numbered = append(numbered, facilitymatch.Record{Name: fmt.Sprintf("Supplier %d Co. Ltd", i+1),
			Address: fmt.Sprintf("%d Industrial Road, Zone %d", i+1, i%30), Country: "CN"})
	}
	pairs, err := m.Match(context.Background(), numbered, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 0 {
		t.Errorf("%d pairs among records differing only by number, first %+v", len(pairs), pairs[0])
	}

	// One branch name at one street, eight buildings: every pair is a
	// review pair, and the hub record would be in all eight.
	hub := facilitymatch.Record{Name: "Orient Knit Wear", Address: "Gulshan Road, Tongi, Gazipur", Country: "BD"}
	recs := []facilitymatch.Record{hub}
	for _, v := range []string{"Orient Knitwear", "Orient Knit Wears", "Orient Knit-Wear", "Orient Knit Ware", "Oriant Knit Wear", "Orient Knitt Wear", "Orient Knits Wear", "Orient Kint Wear"} {
		recs = append(recs, facilitymatch.Record{Name: v, Address: "Gulshan Rd., Tongi", Country: "BD"})
	}
	for _, k := range []int{1, 2, facilitymatch.DefaultReviewCap} {
		pairs, err := m.WithReviewCap(k).Match(context.Background(), recs, 0)
		if err != nil {
			t.Fatal(err)
		}
		uncapped, err := m.WithReviewCap(0).Match(context.Background(), recs, 0)
		if err != nil {
			t.Fatal(err)
		}
		per := map[int]int{}
		var kept, all []float64
		for _, p := range pairs {
			if p.Decision == facilitymatch.Review {
				per[p.A]++
				per[p.B]++
				kept = append(kept, p.Score)
			}
		}
		for _, p := range uncapped {
			if p.Decision == facilitymatch.Review {
				all = append(all, p.Score)
			}
		}
		for r, n := range per {
			if n > k {
				t.Errorf("cap %d: record %d is in %d review pairs", k, r, n)
			}
		}
		if len(kept) == 0 || len(all) <= len(kept) {
			t.Fatalf("cap %d: kept %d of %d review pairs; the case needs more pairs than the cap allows", k, len(kept), len(all))
		}
		slices.Sort(all)
		if best, top := slices.Max(kept), all[len(all)-1]; best != top {
			t.Errorf("cap %d: the best review pair (%.3f) was dropped; kept best %.3f", k, top, best)
		}
	}
}
