package impact

import (
	"fmt"
	"strconv"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// PeriodType is the length of a reporting period.
type PeriodType string

const (
	Daily      PeriodType = "daily"
	Weekly     PeriodType = "weekly" // ISO 8601 weeks, Monday to Sunday
	Monthly    PeriodType = "monthly"
	Quarterly  PeriodType = "quarterly"
	SixMonthly PeriodType = "six_monthly"
	Yearly     PeriodType = "yearly"
)

// Period is a reporting period named by a DHIS2-style code. Start and End
// are the first and last days (both included), at midnight UTC.
type Period struct {
	// Code is the canonical code: 2026, 2026Q1, 2026S1, 202603, 2026W5 or
	// 20260315, whichever form was parsed.
	Code  string
	Type  PeriodType
	Start time.Time
	End   time.Time
}

const periodForms = "use 2026, 2026Q1, 2026S1, 2026-03 or 202603, 2026W05 or 20260315"

// ParsePeriod reads a DHIS2-style period code: yyyy (year), yyyyQn
// (quarter), yyyySn (half year), yyyyMM or yyyy-MM (month), yyyyWn or
// yyyyWnn (ISO week) and yyyyMMdd (day). Letters may be in either case.
// An unknown or impossible code is a kernel.Invalid error that says why.
func ParsePeriod(code string) (Period, error) {
	bad := func(why string) (Period, error) {
		return Period{}, kernel.Errorf(kernel.Invalid, "period %q: %s", code, why)
	}
	if len(code) < 4 || !digits(code[:4]) || code[0] == '0' {
		return bad("not a period code; " + periodForms)
	}
	year, _ := strconv.Atoi(code[:4])
	rest := code[4:]
	date := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, time.UTC) }
	switch {
	case rest == "":
		return Period{Code: code, Type: Yearly, Start: date(1, 1), End: date(12, 31)}, nil
	case len(rest) == 2 && (rest[0] == 'Q' || rest[0] == 'q'):
		n, ok := small(rest[1:], 1, 4)
		if !ok {
			return bad("quarter must be 1 to 4")
		}
		start := date(time.Month(3*n-2), 1)
		return Period{Code: fmt.Sprintf("%dQ%d", year, n), Type: Quarterly, Start: start, End: start.AddDate(0, 3, -1)}, nil
	case len(rest) == 2 && (rest[0] == 'S' || rest[0] == 's'):
		n, ok := small(rest[1:], 1, 2)
		if !ok {
			return bad("half year must be 1 or 2")
		}
		start := date(time.Month(6*n-5), 1)
		return Period{Code: fmt.Sprintf("%dS%d", year, n), Type: SixMonthly, Start: start, End: start.AddDate(0, 6, -1)}, nil
	case (len(rest) == 2 && digits(rest)) || (len(rest) == 3 && rest[0] == '-' && digits(rest[1:])):
		n, ok := small(rest[len(rest)-2:], 1, 12)
		if !ok {
			return bad("month must be 01 to 12")
		}
		start := date(time.Month(n), 1)
		return Period{Code: fmt.Sprintf("%d%02d", year, n), Type: Monthly, Start: start, End: start.AddDate(0, 1, -1)}, nil
	case (len(rest) == 2 || len(rest) == 3) && (rest[0] == 'W' || rest[0] == 'w'):
		weeks := isoWeeks(year)
		n, ok := small(rest[1:], 1, weeks)
		if !ok {
			return bad(fmt.Sprintf("week must be 1 to %d in %d", weeks, year))
		}
		start := isoWeekOne(year).AddDate(0, 0, 7*(n-1))
		return Period{Code: fmt.Sprintf("%dW%d", year, n), Type: Weekly, Start: start, End: start.AddDate(0, 0, 6)}, nil
	case len(rest) == 4 && digits(rest):
		m, okm := small(rest[:2], 1, 12)
		d, okd := small(rest[2:], 1, 31)
		if !okm || !okd || date(time.Month(m), d).Month() != time.Month(m) {
			return bad("not a calendar date")
		}
		day := date(time.Month(m), d)
		return Period{Code: code, Type: Daily, Start: day, End: day}, nil
	}
	return bad("not a period code; " + periodForms)
}

// MustPeriod is ParsePeriod for codes written in source, such as tests.
func MustPeriod(code string) Period {
	p, err := ParsePeriod(code)
	if err != nil {
		panic(err)
	}
	return p
}

// Overlaps reports whether p and q share at least one day.
func (p Period) Overlaps(q Period) bool {
	return !p.End.Before(q.Start) && !q.End.Before(p.Start)
}

// Contains reports whether every day of q is in p.
func (p Period) Contains(q Period) bool {
	return !q.Start.Before(p.Start) && !q.End.After(p.End)
}

// Days is the number of days in the period.
func (p Period) Days() int { return int(p.End.Sub(p.Start).Hours()/24) + 1 }

func (p Period) String() string { return p.Code }

// MarshalText writes the period as its code, so JSON carries "2026Q1".
func (p Period) MarshalText() ([]byte, error) { return []byte(p.Code), nil }

// UnmarshalText parses a period code.
func (p *Period) UnmarshalText(b []byte) error {
	q, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// isoWeekOne is the Monday of ISO week 1: the week holding 4 January.
func isoWeekOne(year int) time.Time {
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	back := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -back)
}

// isoWeeks is 53 when 28 December falls in week 53, else 52.
func isoWeeks(year int) int {
	_, w := time.Date(year, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// small parses one or two digits in lo..hi.
func small(s string, lo, hi int) (int, bool) {
	if len(s) == 0 || len(s) > 2 || !digits(s) {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	return n, n >= lo && n <= hi
}
