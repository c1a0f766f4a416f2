package earlywarning_test

import (
	"slices"
	"testing"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
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
