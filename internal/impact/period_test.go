package impact_test

import (
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in, code   string
		typ        impact.PeriodType
		start, end string
	}{
		{"2026", "2026", impact.Yearly, "2026-01-01", "2026-12-31"},
		{"2026Q1", "2026Q1", impact.Quarterly, "2026-01-01", "2026-03-31"},
		{"2026q4", "2026Q4", impact.Quarterly, "2026-10-01", "2026-12-31"},
		{"2026S1", "2026S1", impact.SixMonthly, "2026-01-01", "2026-06-30"},
		{"2026S2", "2026S2", impact.SixMonthly, "2026-07-01", "2026-12-31"},
		{"2026-03", "202603", impact.Monthly, "2026-03-01", "2026-03-31"},
		{"202603", "202603", impact.Monthly, "2026-03-01", "2026-03-31"},
		{"202402", "202402", impact.Monthly, "2024-02-01", "2024-02-29"},
		// 4 January 2026 is a Sunday, so week 1 starts on Monday 29
		// December 2025 and week 5 on Monday 26 January 2026.
		{"2026W05", "2026W5", impact.Weekly, "2026-01-26", "2026-02-01"},
		{"2026W1", "2026W1", impact.Weekly, "2025-12-29", "2026-01-04"},
		// 2026 ends on a Thursday: it has 53 ISO weeks.
		{"2026W53", "2026W53", impact.Weekly, "2026-12-28", "2027-01-03"},
		{"20240229", "20240229", impact.Daily, "2024-02-29", "2024-02-29"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := impact.ParsePeriod(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if p.Code != tt.code || p.Type != tt.typ || !p.Start.Equal(day(tt.start)) || !p.End.Equal(day(tt.end)) {
				t.Errorf("got %s %s %s..%s", p.Code, p.Type, p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly))
			}
			again, err := impact.ParsePeriod(p.Code)
			if err != nil || again != p {
				t.Errorf("canonical code %q does not round-trip: %v", p.Code, err)
			}
		})
	}
}

func TestParsePeriodErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "not a period code"},
		{"26Q1", "not a period code"},
		{"2026Q5", "quarter must be 1 to 4"},
		{"2026Q0", "quarter must be 1 to 4"},
		{"2026S3", "half year must be 1 or 2"},
		{"202613", "month must be 01 to 12"},
		{"2026-00", "month must be 01 to 12"},
		{"2025W53", "week must be 1 to 52 in 2025"},
		{"2026W00", "week must be 1 to 53 in 2026"},
		{"20230229", "not a calendar date"},
		{"2026X1", "not a period code"},
		{"2026 Q1", "not a period code"},
		{"0999", "not a period code"},
		{"2026-3", "not a period code"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := impact.ParsePeriod(tt.in)
			if err == nil || !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestPeriodRelations(t *testing.T) {
	y, q1, m3, m4 := impact.MustPeriod("2026"), impact.MustPeriod("2026Q1"), impact.MustPeriod("202603"), impact.MustPeriod("202604")
	if !y.Contains(q1) || !q1.Contains(m3) || q1.Contains(m4) || !q1.Overlaps(m3) || q1.Overlaps(m4) {
		t.Error("containment wrong")
	}
	if q1.Days() != 90 || y.Days() != 365 {
		t.Errorf("days %d %d", q1.Days(), y.Days())
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026", "2026Q1", "2026S2", "2026-03", "202603", "2026W05", "2026W53", "20260229", "9999W52", "1000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := impact.ParsePeriod(s)
		if err != nil {
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("error not Invalid: %v", err)
			}
			return
		}
		if p.End.Before(p.Start) || p.Days() < 1 || p.Days() > 366 {
			t.Fatalf("%q: bad range %v..%v", s, p.Start, p.End)
		}
		again, err := impact.ParsePeriod(p.Code)
		if err != nil || again != p {
			t.Fatalf("%q: canonical %q does not round-trip: %v", s, p.Code, err)
		}
	})
}
