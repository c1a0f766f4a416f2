package earlywarning_test

import (
	"slices"
	"strings"
	"testing"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestApplyClosures(t *testing.T) {
	start := ew.SynthStart
	series := []ew.Series{
		{Key: "country:BD", Start: start, Counts: make([]int, 10)},
		{Key: "party:p1", Start: start + 5, Counts: make([]int, 5)},
	}
	ew.ApplyClosures(series, []ew.ClosurePeriod{
		{From: start - 3, To: start + 1, Kind: ew.Holiday},                         // every series, before both start
		{From: start + 6, To: start + 7, Kind: ew.Outage, Subject: "party:p1"},     // one series
		{From: start + 7, To: start + 20, Kind: ew.Holiday},                        // overlaps the outage
		{From: start + 30, To: start + 31, Kind: ew.Outage, Subject: "country:BD"}, // after both end
	})
	o, h, x := ew.Open, ew.Holiday, ew.Outage
	want := [][]ew.Closure{
		{h, h, o, o, o, o, o, h, h, h},
		{o, x, x, h, h},
	}
	for i, s := range series {
		if !slices.Equal(s.Closed, want[i]) {
			t.Errorf("%s: %v, want %v", s.Key, s.Closed, want[i])
		}
	}
	none := []ew.Series{{Key: "k", Start: start, Counts: make([]int, 4)}}
	ew.ApplyClosures(none, []ew.ClosurePeriod{{From: start + 9, To: start + 9, Kind: ew.Holiday}})
	if none[0].Closed != nil {
		t.Errorf("a closure outside the series gave it a calendar: %v", none[0].Closed)
	}
}

func TestClosurePeriodValidate(t *testing.T) {
	d := ew.SynthStart
	ok := ew.ClosurePeriod{OrgID: "o", From: d, To: d + 2, Kind: ew.Holiday, Label: "Songkran"}
	mut := func(f func(*ew.ClosurePeriod)) ew.ClosurePeriod { p := ok; f(&p); return p }
	long := make([]rune, ew.MaxClosureLabel+1)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		p    ew.ClosurePeriod
		want string
	}{
		{ok, ""},
		{mut(func(p *ew.ClosurePeriod) { p.Subject = "party:abc" }), ""},
		{mut(func(p *ew.ClosurePeriod) { p.OrgID = "" }), "closure: organisation missing"},
		{mut(func(p *ew.ClosurePeriod) { p.Kind = ew.Open }), "kind: choose holiday or outage"},
		{mut(func(p *ew.ClosurePeriod) { p.To = d - 1 }), "to: 2026-01-04 is before from (2026-01-05)"},
		{mut(func(p *ew.ClosurePeriod) { p.To = d + ew.MaxClosureDays }), "to: 93 days from 2026-01-05 to 2026-04-07 is more than 92; enter a long closure as several"},
		{mut(func(p *ew.ClosurePeriod) { p.Label = "  " }), "label: say what the closure was (for example the holiday's name)"},
		{mut(func(p *ew.ClosurePeriod) { p.Label = string(long) }), "label: at most 200 characters of text"},
		{mut(func(p *ew.ClosurePeriod) { p.Subject = "BD" }), `subject: "BD" is not a series key such as country:BD or party:ID`},
		{mut(func(p *ew.ClosurePeriod) { p.Subject = "planet:mars" }), `subject: "planet:mars" is not a series key such as country:BD or party:ID`},
	}
	for _, tt := range tests {
		got := ""
		if err := tt.p.Validate(); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.p, got, tt.want)
		}
	}
	for _, s := range []string{"holiday", " Outage "} {
		if _, err := ew.ParseClosureKind(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if _, err := ew.ParseClosureKind("strike"); err == nil || err.Error() != `kind: "strike" is not one of holiday, outage` {
		t.Errorf("strike: %v", err)
	}
}

func TestParseClosuresCSV(t *testing.T) {
	in := "\uFEFFFrom,To,Kind,Label,Key\n" +
		"2026-03-30,2026-04-02,holiday,Eid al-Fitr,\n" +
		"2026-05-10,2026-05-10,Outage,\"Hotline down, all day\",country:BD\n"
	got, err := ew.ParseClosuresCSV(strings.NewReader(in), "cal.csv", "org1")
	if err != nil {
		t.Fatal(err)
	}
	d := func(s string) ew.Day { x, _ := ew.ParseDay(s); return x }
	want := []ew.ClosurePeriod{
		{OrgID: "org1", From: d("2026-03-30"), To: d("2026-04-02"), Kind: ew.Holiday, Label: "Eid al-Fitr"},
		{OrgID: "org1", From: d("2026-05-10"), To: d("2026-05-10"), Kind: ew.Outage, Label: "Hotline down, all day", Subject: "country:BD"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got, err := ew.ParseClosuresCSV(strings.NewReader("label,kind,to,from\nNew year,holiday,2026-01-01,2026-01-01\n"), "c.csv", "o"); err != nil || len(got) != 1 || got[0].Subject != "" {
		t.Errorf("without a key column: %+v %v", got, err)
	}
	bad := []struct{ in, want string }{
		{"", "cal.csv:1: empty file; expected the header from,to,kind,label[,key]"},
		{"from,to,kind\n", `cal.csv:1: column "label" missing; the header must be from,to,kind,label and optionally key`},
		{"from,to,kind,label,note\n", `cal.csv:1:5: unknown column "note"; the header must be from,to,kind,label and optionally key`},
		{"from,to,kind,label\n2026-13-01,2026-01-02,holiday,x\n", "cal.csv:2:1: from: "},
		{"from,to,kind,label\n2026-01-01,2026-01-02,strike,x\n", `cal.csv:2:23: kind: "strike" is not one of holiday, outage`},
		{"from,to,kind,label\n2026-01-03,2026-01-02,holiday,x\n", "cal.csv:2:12: to: 2026-01-02 is before from (2026-01-03)"},
		{"from,to,kind,label\n2026-01-01,2026-01-02,holiday,\n", "cal.csv:2:31: label: say what the closure was"},
		{"from,to,kind,label,key\n2026-01-01,2026-01-02,holiday,x,BD\n", `cal.csv:2:33: subject: "BD" is not a series key`},
		{"from,to,kind,label\n2026-01-01,2026-01-02,holiday\n", "cal.csv:2: 3 fields, the header has 4"},
	}
	for _, b := range bad {
		_, err := ew.ParseClosuresCSV(strings.NewReader(b.in), "cal.csv", "o")
		if err == nil || !kernel.IsCode(err, kernel.Invalid) || !strings.HasPrefix(err.Error(), b.want) {
			t.Errorf("%q: got %v, want prefix %q", b.in, err, b.want)
		}
	}
}

func FuzzParseClosuresCSV(f *testing.F) {
	f.Add("from,to,kind,label,key\n2026-03-30,2026-04-02,holiday,Eid,\n2026-05-10,2026-05-10,outage,Down,country:BD\n")
	f.Add("label,kind,to,from\nx,holiday,2026-01-01,2026-01-01\n")
	f.Add("from,to,kind,label\n2026-01-03,2026-01-02,holiday,\"a\"\"b\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ew.ParseClosuresCSV(strings.NewReader(in), "f.csv", "o")
		if err != nil {
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("error %v has code %s, want invalid", err, kernel.ErrorCode(err))
			}
			if !strings.HasPrefix(err.Error(), "f.csv:") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, p := range got {
			if err := p.Validate(); err != nil {
				t.Fatalf("parsed an invalid closure %+v: %v", p, err)
			}
		}
	})
}
