package grievance

import (
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Day is a calendar day in UTC. Reports and reporter messages carry only the
// day, never a finer time, so stored records cannot be matched against
// network or phone logs.
type Day struct{ t time.Time }

// DayOf returns the UTC calendar day of t.
func DayOf(t time.Time) Day {
	y, m, d := t.UTC().Date()
	return Day{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// Today returns the current day on the clock.
func Today(c kernel.Clock) Day { return DayOf(c.Now()) }

// ParseDay reads "2006-01-02".
func ParseDay(s string) (Day, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Day{}, kernel.Errorf(kernel.Invalid, "day must be written YYYY-MM-DD")
	}
	return Day{t}, nil
}

// String returns "2006-01-02", or "" for the zero day.
func (d Day) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// IsZero reports whether the day is unset.
func (d Day) IsZero() bool { return d.t.IsZero() }

// Time returns midnight UTC at the start of the day.
func (d Day) Time() time.Time { return d.t }

// AddDays returns the day n days later (earlier for negative n).
func (d Day) AddDays(n int) Day { return Day{d.t.AddDate(0, 0, n)} }

// Before reports whether d is earlier than o.
func (d Day) Before(o Day) bool { return d.t.Before(o.t) }

// After reports whether d is later than o.
func (d Day) After(o Day) bool { return d.t.After(o.t) }

// DaysUntil returns the number of days from d to o (negative when o is
// earlier).
func (d Day) DaysUntil(o Day) int { return int(o.t.Sub(d.t).Hours() / 24) }

// MarshalText writes the day as "2006-01-02" ("" for the zero day), so days
// read the same in JSON as on a page.
func (d Day) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "2006-01-02"; an empty text is the zero day.
func (d *Day) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Day{}
		return nil
	}
	p, err := ParseDay(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
