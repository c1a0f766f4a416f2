package assessment

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"github.com/upstream-platform/upstream/internal/kernel"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// referenceCSV is the register record as encoding/csv and json.Marshal
// write it, its text cells made safe for spreadsheets.
func referenceCSV(t *testing.T, r Row) string {
	t.Helper()
	tier := ""
	if r.Tier != nil {
		tier = strconv.Itoa(*r.Tier)
	}
	factors, err := json.Marshal(r.Factors)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := json.Marshal(r.WatchlistHits)
	if err != nil {
		t.Fatal(err)
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	safe := kernel.SpreadsheetCell
	w.Write([]string{safe(r.ID), safe(r.Name), safe(r.Country), safe(strings.Join(r.Commodities, ";")), tier, num(r.Inherent), num(r.Signals),
		num(r.Exposure), r.Level, string(factors), string(hits), safe(strings.Join(r.InferredCommodities, ";")), num(r.Confidence),
		strings.Join(r.Missing, ";")})
	w.Flush()
	return b.String()
}

func referenceJSON(t *testing.T, r Row) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestAppendMatchesEncodingPackages checks the hand-written encoders
// against encoding/csv and encoding/json on awkward text and numbers.
func TestAppendMatchesEncodingPackages(t *testing.T) {
	texts := []string{"", "P1", " leading space", "\tTab", "\u00a0nbsp", "\u2003em space", `\.`, `\.x`, "a,b", `say "hi"`,
		"line\nbreak", "cr\rhere", "<b>&amp;</b>", "Côte d'Ivoire", "bad \xff utf8", "\xe2\x80", "sep\u2028\u2029",
		"ctl \x00\x01\x1f\x7f", "back\\slash", "\b\f", "日本語", "\"", ",", "null"}
	nums := []float64{0, math.Copysign(0, -1), 1, 0.5, 12.34, 99.99, 100, 1e-7, 1.5e-10, 1e21, 2.5e22, 123456789, -3.25, 1e-6}
	tier := 3
	var rows []Row
	for k, s := range texts {
		n := nums[k%len(nums)]
		r := Row{ID: s, Name: texts[(k+1)%len(texts)], Country: texts[(k+2)%len(texts)], Commodities: []string{s, "cocoa"},
			Inherent: n, Signals: nums[(k+3)%len(nums)], Exposure: nums[(k+5)%len(nums)], Level: s,
			Factors:             []Factor{{Source: s, Edition: texts[(k+3)%len(texts)], Indicator: "x", Value: texts[(k+4)%len(texts)], Contribution: n}},
			WatchlistHits:       []Hit{{List: s, EntityID: "W-1", EntityName: texts[(k+5)%len(texts)], MatchedName: s, Score: n}},
			InferredCommodities: []string{texts[(k+6)%len(texts)]}, Confidence: nums[(k+7)%len(nums)], Missing: []string{s, "country"}}
		if k%2 == 0 {
			r.Tier = &tier
		}
		rows = append(rows, r)
	}
	rows = append(rows,
		Row{ID: "empty", Commodities: []string{}, Factors: []Factor{}, WatchlistHits: []Hit{}},
		Row{ID: "nil"},
		Row{ID: "one commodity", Commodities: []string{"a,b"}},
		Row{ID: "space first", Commodities: []string{" a"}},
	)
	for _, r := range rows {
		got, err := AppendCSV([]byte("keep"), &r)
		if err != nil {
			t.Fatal(err)
		}
		if want := "keep" + referenceCSV(t, r); string(got) != want {
			t.Errorf("CSV of %q:\n got %q\nwant %q", r.ID, got, want)
		}
		got, err = AppendJSON([]byte("keep"), &r)
		if err != nil {
			t.Fatal(err)
		}
		if want := "keep" + referenceJSON(t, r); string(got) != want {
			t.Errorf("JSON of %q:\n got %q\nwant %q", r.ID, got, want)
		}
	}
}

// TestAppendRefusesWhatJSONRefuses checks that a score that is not a
// number fails as json.Marshal fails, leaving the buffer as it was.
func TestAppendRefusesWhatJSONRefuses(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		r := Row{ID: "x", Factors: []Factor{{Contribution: v}}}
		_, want := json.Marshal(r.Factors)
		got, err := AppendCSV([]byte("keep"), &r)
		if err == nil || err.Error() != want.Error() || string(got) != "keep" {
			t.Errorf("CSV with %v: %q, %v; want %v", v, got, err, want)
		}
		r = Row{ID: "x", Exposure: v}
		got, err = AppendJSON([]byte("keep"), &r)
		if err == nil || string(got) != "keep" {
			t.Errorf("JSON with %v: %q, %v", v, got, err)
		}
	}
}

// TestAppendCentsIsShortest checks the fast path for rounded numbers
// against strconv on every hundredth up to 1,000, on random ones beyond,
// and on numbers it must leave to strconv.
func TestAppendCentsIsShortest(t *testing.T) {
	check := func(v float64) {
		t.Helper()
		if got, want := string(appendShortest(nil, v)), strconv.FormatFloat(v, 'f', -1, 64); got != want {
			t.Fatalf("%v: got %s, want %s", v, got, want)
		}
		got, err := appendJSONFloat(nil, v)
		want, _ := json.Marshal(v)
		if err != nil || string(got) != string(want) {
			t.Fatalf("%v: JSON %s, want %s", v, got, want)
		}
	}
	for k := -100_000; k <= 100_000; k++ {
		check(math.Round(float64(k)) / 100)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		k := r.Int64N(2e11) - 1e11
		check(float64(k) / 100)
		check(r.Float64() * 100)
		check(r.NormFloat64() * 1e6)
	}
	for _, v := range []float64{math.Copysign(0, -1), 0, 1e9, -1e9, 999999999.99, 0.1 + 0.2, 1e-7, 5e-3} {
		check(v)
	}
}
