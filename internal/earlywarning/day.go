package earlywarning

import (
	"fmt"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Day is a calendar day, counted from 1970-01-01 (day 0). Daily series are
// counted in days rather than instants so that arithmetic on them never meets
// a time zone or a daylight-saving gap.
type Day int32

// MinDay and MaxDay bound the days ParseDay accepts (years 1900 to 2999), so
// that a stray date cannot make a series span millennia.
const (
	MinDay Day = -25567 // 1900-01-01
	MaxDay Day = 376199 // 2999-12-31
)

// ParseDay reads a day written as YYYY-MM-DD.
func ParseDay(s string) (Day, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, kernel.Errorf(kernel.Invalid, "date %q is not in the form YYYY-MM-DD", s)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, kernel.Errorf(kernel.Invalid, "date %q is not a valid calendar day", s)
	}
	d := DayOf(t)
	if d < MinDay || d > MaxDay {
		return 0, kernel.Errorf(kernel.Invalid, "date %q is outside the years 1900 to 2999", s)
	}
	return d, nil
}

// DayOf returns the calendar day of t in t's own location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Day(u.Unix() / 86400)
}

// Time returns midnight UTC at the start of d.
func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// Weekday returns the day of the week of d.
func (d Day) Weekday() time.Weekday { return d.Time().Weekday() }

// String writes d as YYYY-MM-DD.
func (d Day) String() string { return d.Time().Format(time.DateOnly) }

// MarshalText writes d as YYYY-MM-DD, so JSON carries readable dates.
func (d Day) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a YYYY-MM-DD date.
func (d *Day) UnmarshalText(b []byte) error {
	v, err := ParseDay(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// GoString helps test failure messages.
func (d Day) GoString() string { return fmt.Sprintf("Day(%s)", d) }
